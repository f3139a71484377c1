"""Permit cancellation requests (取消申请, AQ 3064.2-2025 §5.7).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 09:44:40.626687
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import anguan.core.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pm_cancel_request",
        sa.Column("permit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("requested_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("decision_note", sa.String(length=2000), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["permit_id"],
            ["pm_permit.id"],
            name=op.f("fk_pm_cancel_request_permit_id_pm_permit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pm_cancel_request")),
    )
    with op.batch_alter_table("pm_cancel_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pm_cancel_request_permit_id"), ["permit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pm_cancel_request_state"), ["state"], unique=False)


def downgrade() -> None:
    op.drop_table("pm_cancel_request")
