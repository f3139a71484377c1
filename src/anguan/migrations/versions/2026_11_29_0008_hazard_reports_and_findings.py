"""hazard reports and findings

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 06:07:41.676790
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import anguan.core.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hz_report",
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("site_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("report_no", sa.String(length=60), nullable=True),
        sa.Column("agency", sa.String(length=120), nullable=True),
        sa.Column("agency_certificate", sa.String(length=60), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("conclusion", sa.Text(), nullable=True),
        sa.Column("recommendations", sa.Text(), nullable=True),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("rule_version", sa.String(length=40), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["plant_site.id"], name=op.f("fk_hz_report_site_id_plant_site"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["hz_unit.id"], name=op.f("fk_hz_report_unit_id_hz_unit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hz_report")),
    )
    with op.batch_alter_table("hz_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hz_report_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_hz_report_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hz_report_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hz_report_valid_until"), ["valid_until"], unique=False)

    op.create_table(
        "hz_finding",
        sa.Column("unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("inspector", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("responsible_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("problem_files", sa.JSON(), nullable=False),
        sa.Column("entered_by", sa.String(length=64), nullable=False),
        sa.Column("measures", sa.Text(), nullable=True),
        sa.Column("rectified_on", sa.Date(), nullable=True),
        sa.Column("cost", sa.Float(), nullable=True),
        sa.Column("rectification_files", sa.JSON(), nullable=False),
        sa.Column("rectified_by", sa.String(length=64), nullable=True),
        sa.Column("rectified_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("review_result", sa.String(length=10), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=64), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["hz_report.id"],
            name=op.f("fk_hz_finding_report_id_hz_report"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["responsible_id"],
            ["basics_person.id"],
            name=op.f("fk_hz_finding_responsible_id_basics_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["hz_unit.id"], name=op.f("fk_hz_finding_unit_id_hz_unit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hz_finding")),
    )
    with op.batch_alter_table("hz_finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hz_finding_deadline"), ["deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_hz_finding_report_id"), ["report_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hz_finding_responsible_id"), ["responsible_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hz_finding_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_hz_finding_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "hz_finding_event",
        sa.Column("finding_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["hz_finding.id"],
            name=op.f("fk_hz_finding_event_finding_id_hz_finding"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hz_finding_event")),
    )
    with op.batch_alter_table("hz_finding_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hz_finding_event_finding_id"), ["finding_id"], unique=False)

    with op.batch_alter_table("hz_unit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assessment_error_params", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("hz_unit", schema=None) as batch_op:
        batch_op.drop_column("assessment_error_params")
    # Tables only: MariaDB refuses to drop an index a foreign key needs.
    op.drop_table("hz_finding_event")
    op.drop_table("hz_finding")
    op.drop_table("hz_report")
