"""video cameras

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 09:42:12.299094
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import anguan.core.db

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vd_camera",
        sa.Column("site_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("area_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("x", sa.Float(), nullable=True),
        sa.Column("y", sa.Float(), nullable=True),
        sa.Column("heading_deg", sa.Float(), nullable=True),
        sa.Column("fov_deg", sa.Float(), nullable=True),
        sa.Column("range_m", sa.Float(), nullable=True),
        sa.Column("stream_url", sa.String(length=500), nullable=False),
        sa.Column("snapshot_url", sa.String(length=500), nullable=True),
        sa.Column("vendor", sa.String(length=60), nullable=True),
        sa.Column("model", sa.String(length=60), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["plant_area.id"], name=op.f("fk_vd_camera_area_id_plant_area"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["plant_site.id"], name=op.f("fk_vd_camera_site_id_plant_site"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vd_camera")),
        sa.UniqueConstraint("code", name=op.f("uq_vd_camera_code")),
    )
    with op.batch_alter_table("vd_camera", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vd_camera_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vd_camera_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vd_camera_status"), ["status"], unique=False)


def downgrade() -> None:
    # The table only: MariaDB refuses to drop an index a foreign key needs.
    op.drop_table("vd_camera")
