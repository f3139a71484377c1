"""special work permits

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 06:37:28.043668
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import anguan.core.db

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pm_calendar",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pm_calendar")),
        sa.UniqueConstraint("day", "kind", name=op.f("uq_pm_calendar_day_kind")),
    )
    with op.batch_alter_table("pm_calendar", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pm_calendar_day"), ["day"], unique=False)

    op.create_table(
        "pm_delegation",
        sa.Column("from_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("to_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("valid_from", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("valid_until", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_user_id"],
            ["identity_user.id"],
            name=op.f("fk_pm_delegation_from_user_id_identity_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_user_id"],
            ["identity_user.id"],
            name=op.f("fk_pm_delegation_to_user_id_identity_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pm_delegation")),
    )
    with op.batch_alter_table("pm_delegation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pm_delegation_from_user_id"), ["from_user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pm_delegation_to_user_id"), ["to_user_id"], unique=False)

    op.create_table(
        "pm_permit",
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("work_type", sa.String(length=30), nullable=False),
        sa.Column("grade", sa.String(length=10), nullable=True),
        sa.Column("required_grade", sa.String(length=10), nullable=True),
        sa.Column("upgrade_causes", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("rule_version", sa.String(length=60), nullable=False),
        sa.Column("site_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("area_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("x", sa.Float(), nullable=True),
        sa.Column("y", sa.Float(), nullable=True),
        sa.Column("hazardous_area", sa.Boolean(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column(
            "applicant_department_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("contractor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("work_unit", sa.String(length=120), nullable=False),
        sa.Column("leader_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("planned_start", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("planned_end", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("valid_until", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("booked_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("emergency", sa.Boolean(), nullable=False),
        sa.Column("issued_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("started_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("paused_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("finished_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("accepted_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("risks", sa.JSON(), nullable=False),
        sa.Column("risk_identified_by", sa.String(length=64), nullable=True),
        sa.Column("jha", sa.Text(), nullable=True),
        sa.Column("briefing_by", sa.String(length=64), nullable=True),
        sa.Column("briefing_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("detector_ids", sa.JSON(), nullable=False),
        sa.Column("camera_ids", sa.JSON(), nullable=False),
        sa.Column("replaces_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("change_cause", sa.Text(), nullable=True),
        sa.Column("cancel_cause", sa.Text(), nullable=True),
        sa.Column("void_cause", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_department_id"],
            ["plant_department.id"],
            name=op.f("fk_pm_permit_applicant_department_id_plant_department"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["plant_area.id"], name=op.f("fk_pm_permit_area_id_plant_area"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["contractor_id"],
            ["basics_contractor.id"],
            name=op.f("fk_pm_permit_contractor_id_basics_contractor"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["leader_id"],
            ["basics_person.id"],
            name=op.f("fk_pm_permit_leader_id_basics_person"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"],
            ["pm_permit.id"],
            name=op.f("fk_pm_permit_replaces_id_pm_permit"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["plant_site.id"], name=op.f("fk_pm_permit_site_id_plant_site"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pm_permit")),
        sa.UniqueConstraint("number", name=op.f("uq_pm_permit_number")),
        sa.UniqueConstraint("uid", name=op.f("uq_pm_permit_uid")),
    )
    with op.batch_alter_table("pm_permit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pm_permit_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pm_permit_contractor_id"), ["contractor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pm_permit_leader_id"), ["leader_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pm_permit_planned_start"), ["planned_start"], unique=False)
        batch_op.create_index(batch_op.f("ix_pm_permit_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pm_permit_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_pm_permit_valid_until"), ["valid_until"], unique=False)
        batch_op.create_index(batch_op.f("ix_pm_permit_work_type"), ["work_type"], unique=False)

    op.create_table(
        "pm_signer",
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("area_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["plant_area.id"], name=op.f("fk_pm_signer_area_id_plant_area"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["identity_user.id"],
            name=op.f("fk_pm_signer_user_id_identity_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pm_signer")),
        sa.UniqueConstraint("user_id", "role", "area_id", name=op.f("uq_pm_signer_user_id_role_area_id")),
    )
    with op.batch_alter_table("pm_signer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pm_signer_user_id"), ["user_id"], unique=False)

    op.create_table(
        "pm_alarm",
        sa.Column("permit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("started_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("ended_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("handled_by", sa.String(length=64), nullable=True),
        sa.Column("open_key", sa.String(length=60), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["permit_id"], ["pm_permit.id"], name=op.f("fk_pm_alarm_permit_id_pm_permit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pm_alarm")),
        sa.UniqueConstraint("open_key", name=op.f("uq_pm_alarm_open_key")),
        sa.UniqueConstraint("uid", name=op.f("uq_pm_alarm_uid")),
    )
    with op.batch_alter_table("pm_alarm", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pm_alarm_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_pm_alarm_permit_id"), ["permit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pm_alarm_started_at"), ["started_at"], unique=False)

    op.create_table(
        "pm_entry",
        sa.Column("permit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("entered_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("exited_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["permit_id"], ["pm_permit.id"], name=op.f("fk_pm_entry_permit_id_pm_permit"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["basics_person.id"],
            name=op.f("fk_pm_entry_person_id_basics_person"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pm_entry")),
    )
    with op.batch_alter_table("pm_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pm_entry_permit_id"), ["permit_id"], unique=False)

    op.create_table(
        "pm_gas_test",
        sa.Column("permit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("sampled_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("point", sa.String(length=120), nullable=False),
        sa.Column("analyst", sa.String(length=64), nullable=False),
        sa.Column("analyst_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("readings", sa.JSON(), nullable=False),
        sa.Column("lel_pct", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("failures", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("recorded_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["permit_id"],
            ["pm_permit.id"],
            name=op.f("fk_pm_gas_test_permit_id_pm_permit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pm_gas_test")),
    )
    with op.batch_alter_table("pm_gas_test", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pm_gas_test_permit_id"), ["permit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pm_gas_test_sampled_at"), ["sampled_at"], unique=False)

    op.create_table(
        "pm_link",
        sa.Column("permit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("linked_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["linked_id"], ["pm_permit.id"], name=op.f("fk_pm_link_linked_id_pm_permit"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["permit_id"], ["pm_permit.id"], name=op.f("fk_pm_link_permit_id_pm_permit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pm_link")),
        sa.UniqueConstraint("permit_id", "linked_id", name=op.f("uq_pm_link_permit_id_linked_id")),
    )
    with op.batch_alter_table("pm_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pm_link_linked_id"), ["linked_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pm_link_permit_id"), ["permit_id"], unique=False)

    op.create_table(
        "pm_measure",
        sa.Column("permit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("involved", sa.Boolean(), nullable=True),
        sa.Column("confirmed_by", sa.String(length=64), nullable=True),
        sa.Column("confirmed_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["permit_id"],
            ["pm_permit.id"],
            name=op.f("fk_pm_measure_permit_id_pm_permit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pm_measure")),
        sa.UniqueConstraint("permit_id", "seq", name=op.f("uq_pm_measure_permit_id_seq")),
    )
    with op.batch_alter_table("pm_measure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pm_measure_permit_id"), ["permit_id"], unique=False)

    op.create_table(
        "pm_person",
        sa.Column("permit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("certificate_no", sa.String(length=60), nullable=True),
        sa.Column("eligible", sa.Boolean(), nullable=True),
        sa.Column("eligibility_code", sa.String(length=10), nullable=True),
        sa.Column("checked_at", anguan.core.db.UTCDateTime(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["permit_id"], ["pm_permit.id"], name=op.f("fk_pm_person_permit_id_pm_permit"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["basics_person.id"],
            name=op.f("fk_pm_person_person_id_basics_person"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pm_person")),
        sa.UniqueConstraint(
            "permit_id", "person_id", "role", name=op.f("uq_pm_person_permit_id_person_id_role")
        ),
    )
    with op.batch_alter_table("pm_person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pm_person_permit_id"), ["permit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pm_person_person_id"), ["person_id"], unique=False)

    op.create_table(
        "pm_signature",
        sa.Column("permit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("step", sa.String(length=30), nullable=False),
        sa.Column("phase", sa.String(length=12), nullable=False),
        sa.Column("signer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("signer_name", sa.String(length=64), nullable=False),
        sa.Column("on_behalf_of", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("opinion", sa.Text(), nullable=True),
        sa.Column("signed_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("x", sa.Float(), nullable=True),
        sa.Column("y", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("on_site", sa.Boolean(), nullable=True),
        sa.Column("image_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["permit_id"],
            ["pm_permit.id"],
            name=op.f("fk_pm_signature_permit_id_pm_permit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pm_signature")),
    )
    with op.batch_alter_table("pm_signature", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pm_signature_permit_id"), ["permit_id"], unique=False)


def downgrade() -> None:
    # Tables only: MariaDB refuses to drop an index a foreign key needs.
    op.drop_table("pm_signature")
    op.drop_table("pm_person")
    op.drop_table("pm_measure")
    op.drop_table("pm_link")
    op.drop_table("pm_gas_test")
    op.drop_table("pm_entry")
    op.drop_table("pm_alarm")
    op.drop_table("pm_signer")
    op.drop_table("pm_permit")
    op.drop_table("pm_delegation")
    op.drop_table("pm_calendar")
