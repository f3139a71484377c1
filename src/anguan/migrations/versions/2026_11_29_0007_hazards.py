"""hazards: units, assessments, risk, warnings, duties

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 04:24:01.267894
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import anguan.core.db

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hz_duty_template",
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("task_num", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("cycle", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hz_duty_template")),
        sa.UniqueConstraint("role", "task_num", name=op.f("uq_hz_duty_template_role_task_num")),
    )
    op.create_table(
        "hz_unit",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("site_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("area_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("boundary", sa.Text(), nullable=True),
        sa.Column("people_outside", sa.Integer(), nullable=False),
        sa.Column("people_basis", sa.String(length=200), nullable=True),
        sa.Column("assessment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("major", sa.Boolean(), nullable=True),
        sa.Column("grade", sa.Integer(), nullable=True),
        sa.Column("s_value", sa.Float(), nullable=True),
        sa.Column("r_value", sa.Float(), nullable=True),
        sa.Column("assessment_error", sa.String(length=80), nullable=True),
        sa.Column("filing_no", sa.String(length=60), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["plant_area.id"], name=op.f("fk_hz_unit_area_id_plant_area"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["plant_site.id"], name=op.f("fk_hz_unit_site_id_plant_site"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hz_unit")),
        sa.UniqueConstraint("code", name=op.f("uq_hz_unit_code")),
    )
    with op.batch_alter_table("hz_unit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hz_unit_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hz_unit_site_id"), ["site_id"], unique=False)

    op.create_table(
        "hz_assessment",
        sa.Column("unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("computed_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("rule_version", sa.String(length=40), nullable=False),
        sa.Column("trigger", sa.String(length=60), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("sheet", sa.JSON(), nullable=False),
        sa.Column("s_value", sa.String(length=40), nullable=False),
        sa.Column("major", sa.Boolean(), nullable=False),
        sa.Column("alpha", sa.String(length=20), nullable=True),
        sa.Column("alpha_basis", sa.String(length=60), nullable=True),
        sa.Column("r_value", sa.String(length=40), nullable=True),
        sa.Column("grade", sa.Integer(), nullable=True),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=64), nullable=True),
        sa.Column("reviewed_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["hz_unit.id"], name=op.f("fk_hz_assessment_unit_id_hz_unit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hz_assessment")),
    )
    with op.batch_alter_table("hz_assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hz_assessment_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "hz_duty",
        sa.Column("unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["basics_person.id"],
            name=op.f("fk_hz_duty_person_id_basics_person"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["hz_unit.id"], name=op.f("fk_hz_duty_unit_id_hz_unit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hz_duty")),
        sa.UniqueConstraint("unit_id", "role", name=op.f("uq_hz_duty_unit_id_role")),
    )
    with op.batch_alter_table("hz_duty", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hz_duty_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hz_duty_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "hz_duty_task",
        sa.Column("unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("template_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("task_num", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_by", sa.String(length=64), nullable=True),
        sa.Column("result", sa.String(length=10), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("photos", sa.JSON(), nullable=False),
        sa.Column("x", sa.Float(), nullable=True),
        sa.Column("y", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["basics_person.id"],
            name=op.f("fk_hz_duty_task_person_id_basics_person"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["hz_duty_template.id"],
            name=op.f("fk_hz_duty_task_template_id_hz_duty_template"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["hz_unit.id"], name=op.f("fk_hz_duty_task_unit_id_hz_unit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hz_duty_task")),
        sa.UniqueConstraint(
            "unit_id",
            "template_id",
            "period_start",
            name=op.f("uq_hz_duty_task_unit_id_template_id_period_start"),
        ),
    )
    with op.batch_alter_table("hz_duty_task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hz_duty_task_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_hz_duty_task_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hz_duty_task_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "hz_risk",
        sa.Column("unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("colour", sa.String(length=8), nullable=False),
        sa.Column("inherent", sa.String(length=8), nullable=False),
        sa.Column("dynamic", sa.String(length=8), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("model_version", sa.String(length=40), nullable=False),
        sa.Column("changed_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("computed_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["hz_unit.id"], name=op.f("fk_hz_risk_unit_id_hz_unit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_hz_risk")),
    )
    op.create_table(
        "hz_unit_substance",
        sa.Column("unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("chemical_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("q_t", sa.Float(), nullable=False),
        sa.Column("containers", sa.String(length=200), nullable=True),
        sa.Column("table1_no", sa.Integer(), nullable=True),
        sa.Column("classes", sa.JSON(), nullable=False),
        sa.Column("above_boiling_point", sa.Boolean(), nullable=False),
        sa.Column("special_conditions", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chemical_id"],
            ["basics_chemical.id"],
            name=op.f("fk_hz_unit_substance_chemical_id_basics_chemical"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["hz_unit.id"], name=op.f("fk_hz_unit_substance_unit_id_hz_unit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hz_unit_substance")),
        sa.UniqueConstraint("unit_id", "name", name=op.f("uq_hz_unit_substance_unit_id_name")),
    )
    with op.batch_alter_table("hz_unit_substance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hz_unit_substance_chemical_id"), ["chemical_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hz_unit_substance_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "hz_warning",
        sa.Column("unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("colour", sa.String(length=8), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("raised_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("cleared_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("disposal", sa.Text(), nullable=True),
        sa.Column("cause", sa.Text(), nullable=True),
        sa.Column("measures", sa.Text(), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("closed_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["hz_unit.id"], name=op.f("fk_hz_warning_unit_id_hz_unit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hz_warning")),
    )
    with op.batch_alter_table("hz_warning", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hz_warning_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_hz_warning_unit_id"), ["unit_id"], unique=False)


def downgrade() -> None:
    # Dropping a table drops its indexes (MariaDB refuses to drop an index a foreign key needs).
    op.drop_table("hz_warning")
    op.drop_table("hz_unit_substance")
    op.drop_table("hz_risk")
    op.drop_table("hz_duty_task")
    op.drop_table("hz_duty")
    op.drop_table("hz_assessment")
    op.drop_table("hz_unit")
    op.drop_table("hz_duty_template")
