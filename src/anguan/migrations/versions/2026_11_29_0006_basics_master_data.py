"""basics master data

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 03:01:49.313401
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import anguan.core.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "basics_chemical",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=160), nullable=True),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("cas", sa.String(length=16), nullable=True),
        sa.Column("un_number", sa.String(length=8), nullable=True),
        sa.Column("catalogue_no", sa.Integer(), nullable=True),
        sa.Column("formula", sa.String(length=60), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=True),
        sa.Column("ghs", sa.JSON(), nullable=False),
        sa.Column("key_supervised", sa.Boolean(), nullable=False),
        sa.Column("highly_toxic", sa.Boolean(), nullable=False),
        sa.Column("flash_point_c", sa.Float(), nullable=True),
        sa.Column("boiling_point_c", sa.Float(), nullable=True),
        sa.Column("lel_pct", sa.Float(), nullable=True),
        sa.Column("uel_pct", sa.Float(), nullable=True),
        sa.Column("oel_mg_m3", sa.Float(), nullable=True),
        sa.Column("msds_first_aid", sa.Text(), nullable=True),
        sa.Column("msds_fire", sa.Text(), nullable=True),
        sa.Column("msds_spill", sa.Text(), nullable=True),
        sa.Column("msds_ppe", sa.Text(), nullable=True),
        sa.Column("msds_storage", sa.Text(), nullable=True),
        sa.Column("msds_revised_on", sa.Date(), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_basics_chemical")),
        sa.UniqueConstraint("cas", name=op.f("uq_basics_chemical_cas")),
    )
    op.create_table(
        "basics_contractor",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("qualification", sa.String(length=200), nullable=True),
        sa.Column("qualification_no", sa.String(length=60), nullable=True),
        sa.Column("qualification_valid_until", sa.Date(), nullable=True),
        sa.Column("safety_licence_no", sa.String(length=60), nullable=True),
        sa.Column("safety_licence_valid_until", sa.Date(), nullable=True),
        sa.Column("work_scope", sa.Text(), nullable=True),
        sa.Column("contact_name", sa.String(length=60), nullable=True),
        sa.Column("contact_phone", sa.String(length=30), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rating", sa.String(length=10), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_basics_contractor")),
        sa.UniqueConstraint("uscc", name=op.f("uq_basics_contractor_uscc")),
    )
    op.create_table(
        "basics_setting",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_basics_setting")),
    )
    op.create_table(
        "basics_supplier",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("licence_no", sa.String(length=60), nullable=True),
        sa.Column("licence_valid_until", sa.Date(), nullable=True),
        sa.Column("supplies", sa.Text(), nullable=True),
        sa.Column("contact_name", sa.String(length=60), nullable=True),
        sa.Column("contact_phone", sa.String(length=30), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_basics_supplier")),
        sa.UniqueConstraint("uscc", name=op.f("uq_basics_supplier_uscc")),
    )
    op.create_table(
        "basics_licence",
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("issuer", sa.String(length=120), nullable=True),
        sa.Column("site_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("review_due_on", sa.Date(), nullable=True),
        sa.Column("scope", sa.Text(), nullable=True),
        sa.Column("grade", sa.String(length=10), nullable=True),
        sa.Column("project", sa.String(length=200), nullable=True),
        sa.Column("stage", sa.String(length=30), nullable=True),
        sa.Column("assessor_cert_no", sa.String(length=80), nullable=True),
        sa.Column("conclusion", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["plant_site.id"],
            name=op.f("fk_basics_licence_site_id_plant_site"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_basics_licence")),
    )
    with op.batch_alter_table("basics_licence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_basics_licence_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_basics_licence_type"), ["type"], unique=False)

    op.create_table(
        "basics_person",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("gender", sa.String(length=6), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("department_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("contractor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("position", sa.String(length=60), nullable=True),
        sa.Column("key_roles", sa.JSON(), nullable=False),
        sa.Column("education", sa.String(length=30), nullable=True),
        sa.Column("major", sa.String(length=60), nullable=True),
        sa.Column("title", sa.String(length=30), nullable=True),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("hired_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["basics_contractor.id"],
            name=op.f("fk_basics_person_contractor_id_basics_contractor"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["plant_department.id"],
            name=op.f("fk_basics_person_department_id_plant_department"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_basics_person")),
        sa.UniqueConstraint("id_number", name=op.f("uq_basics_person_id_number")),
        sa.UniqueConstraint("user_id", name=op.f("uq_basics_person_user_id")),
    )
    with op.batch_alter_table("basics_person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_basics_person_contractor_id"), ["contractor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_basics_person_department_id"), ["department_id"], unique=False)

    op.create_table(
        "basics_certificate",
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("holder_name", sa.String(length=60), nullable=True),
        sa.Column("holder_id_number", sa.String(length=18), nullable=True),
        sa.Column("issuer", sa.String(length=120), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("review_due_on", sa.Date(), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["basics_person.id"],
            name=op.f("fk_basics_certificate_person_id_basics_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_basics_certificate")),
    )
    with op.batch_alter_table("basics_certificate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_basics_certificate_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_basics_certificate_person_id"), ["person_id"], unique=False)

    op.create_table(
        "basics_duty",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("shift", sa.String(length=10), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("site_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["basics_person.id"],
            name=op.f("fk_basics_duty_person_id_basics_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["plant_site.id"],
            name=op.f("fk_basics_duty_site_id_plant_site"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_basics_duty")),
    )
    with op.batch_alter_table("basics_duty", schema=None) as batch_op:
        batch_op.create_index("ix_basics_duty_day", ["day", "shift"], unique=False)
        batch_op.create_index(batch_op.f("ix_basics_duty_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_basics_duty_site_id"), ["site_id"], unique=False)

    op.create_table(
        "basics_equipment",
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("site_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("area_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("registration_no", sa.String(length=60), nullable=True),
        sa.Column("model", sa.String(length=80), nullable=True),
        sa.Column("manufacturer", sa.String(length=120), nullable=True),
        sa.Column("serial_no", sa.String(length=60), nullable=True),
        sa.Column("medium", sa.String(length=60), nullable=True),
        sa.Column("design_pressure_mpa", sa.Float(), nullable=True),
        sa.Column("set_pressure_mpa", sa.Float(), nullable=True),
        sa.Column("protects", sa.String(length=40), nullable=True),
        sa.Column("installed_on", sa.Date(), nullable=True),
        sa.Column("interval_months", sa.Integer(), nullable=True),
        sa.Column("last_check_on", sa.Date(), nullable=True),
        sa.Column("next_due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["plant_area.id"],
            name=op.f("fk_basics_equipment_area_id_plant_area"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["plant_site.id"],
            name=op.f("fk_basics_equipment_site_id_plant_site"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_basics_equipment")),
        sa.UniqueConstraint("tag", name=op.f("uq_basics_equipment_tag")),
    )
    with op.batch_alter_table("basics_equipment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_basics_equipment_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_basics_equipment_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_basics_equipment_site_id"), ["site_id"], unique=False)

    op.create_table(
        "basics_interlock",
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("sil", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("area_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("process_code", sa.String(length=40), nullable=True),
        sa.Column("cause", sa.Text(), nullable=True),
        sa.Column("action", sa.Text(), nullable=True),
        sa.Column("point_tags", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("interval_months", sa.Integer(), nullable=True),
        sa.Column("last_check_on", sa.Date(), nullable=True),
        sa.Column("next_due_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["plant_area.id"],
            name=op.f("fk_basics_interlock_area_id_plant_area"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["plant_site.id"],
            name=op.f("fk_basics_interlock_site_id_plant_site"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_basics_interlock")),
        sa.UniqueConstraint("tag", name=op.f("uq_basics_interlock_tag")),
    )
    with op.batch_alter_table("basics_interlock", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_basics_interlock_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_basics_interlock_site_id"), ["site_id"], unique=False)

    op.create_table(
        "basics_process",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("site_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("area_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("hazardous_process", sa.String(length=40), nullable=True),
        sa.Column("reaction_type", sa.String(length=60), nullable=True),
        sa.Column("key_parameters", sa.Text(), nullable=True),
        sa.Column("control_means", sa.Text(), nullable=True),
        sa.Column("key_monitored_unit", sa.Boolean(), nullable=False),
        sa.Column("automation", sa.JSON(), nullable=False),
        sa.Column("chemicals", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.String(length=120), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("hazards", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["plant_area.id"],
            name=op.f("fk_basics_process_area_id_plant_area"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["plant_site.id"],
            name=op.f("fk_basics_process_site_id_plant_site"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_basics_process")),
        sa.UniqueConstraint("code", name=op.f("uq_basics_process_code")),
    )
    with op.batch_alter_table("basics_process", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_basics_process_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_basics_process_site_id"), ["site_id"], unique=False)

    op.create_table(
        "basics_training",
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("trainer", sa.String(length=60), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["basics_person.id"],
            name=op.f("fk_basics_training_person_id_basics_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_basics_training")),
    )
    with op.batch_alter_table("basics_training", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_basics_training_person_id"), ["person_id"], unique=False)

    op.create_table(
        "basics_visitor",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("company", sa.String(length=120), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("host_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("site_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("valid_from", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("valid_until", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("briefed", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["host_id"],
            ["basics_person.id"],
            name=op.f("fk_basics_visitor_host_id_basics_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["plant_site.id"],
            name=op.f("fk_basics_visitor_site_id_plant_site"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_basics_visitor")),
    )
    with op.batch_alter_table("basics_visitor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_basics_visitor_host_id"), ["host_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_basics_visitor_site_id"), ["site_id"], unique=False)

    op.create_table(
        "basics_bypass",
        sa.Column("interlock_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("measures", sa.Text(), nullable=True),
        sa.Column("requested_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("requested_by_name", sa.String(length=64), nullable=True),
        sa.Column("requested_until", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("approved_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("approved_by_name", sa.String(length=64), nullable=True),
        sa.Column("approved_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("approved_until", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("applied_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("removed_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("removed_by_name", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("overdue_alarmed_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interlock_id"],
            ["basics_interlock.id"],
            name=op.f("fk_basics_bypass_interlock_id_basics_interlock"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_basics_bypass")),
    )
    with op.batch_alter_table("basics_bypass", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_basics_bypass_interlock_id"), ["interlock_id"], unique=False)
        batch_op.create_index("ix_basics_bypass_status_until", ["status", "approved_until"], unique=False)

    op.create_table(
        "basics_equipment_check",
        sa.Column("equipment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("org", sa.String(length=120), nullable=True),
        sa.Column("report_no", sa.String(length=60), nullable=True),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("next_due_on", sa.Date(), nullable=True),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["equipment_id"],
            ["basics_equipment.id"],
            name=op.f("fk_basics_equipment_check_equipment_id_basics_equipment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_basics_equipment_check")),
    )
    with op.batch_alter_table("basics_equipment_check", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_basics_equipment_check_equipment_id"), ["equipment_id"], unique=False
        )

    op.create_table(
        "basics_startstop",
        sa.Column("process_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("planned_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("done_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("approved_by", sa.String(length=60), nullable=True),
        sa.Column("checklist_confirmed", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["process_id"],
            ["basics_process.id"],
            name=op.f("fk_basics_startstop_process_id_basics_process"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_basics_startstop")),
    )
    with op.batch_alter_table("basics_startstop", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_basics_startstop_process_id"), ["process_id"], unique=False)


def downgrade() -> None:
    # Dropping a table drops its indexes (MariaDB refuses to drop an index a foreign key needs).
    op.drop_table("basics_startstop")
    op.drop_table("basics_equipment_check")
    op.drop_table("basics_bypass")
    op.drop_table("basics_visitor")
    op.drop_table("basics_training")
    op.drop_table("basics_process")
    op.drop_table("basics_interlock")
    op.drop_table("basics_equipment")
    op.drop_table("basics_duty")
    op.drop_table("basics_certificate")
    op.drop_table("basics_person")
    op.drop_table("basics_licence")
    op.drop_table("basics_supplier")
    op.drop_table("basics_setting")
    op.drop_table("basics_contractor")
    op.drop_table("basics_chemical")
