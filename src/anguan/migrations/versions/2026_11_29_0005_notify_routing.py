"""notify (inbox, webhooks, deliveries) and monitoring alarm routes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import anguan.core.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _id() -> sa.Column[int]:
    return sa.Column("id", BigId, autoincrement=True, nullable=False)


def upgrade() -> None:
    op.create_table(
        "notify_message",
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=True),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("title_zh", sa.String(length=200), nullable=True),
        sa.Column("title_en", sa.String(length=200), nullable=True),
        sa.Column("body_zh", sa.Text(), nullable=True),
        sa.Column("body_en", sa.Text(), nullable=True),
        sa.Column("link", sa.String(length=255), nullable=True),
        sa.Column("site_id", BigId, nullable=True),
        sa.Column("area_id", BigId, nullable=True),
        sa.Column("source_type", sa.String(length=40), nullable=True),
        sa.Column("source_id", sa.String(length=80), nullable=True),
        sa.Column("dedupe_key", sa.String(length=160), nullable=True),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        _id(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_message")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_notify_message_dedupe_key")),
    )
    with op.batch_alter_table("notify_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notify_message_category"), ["category"], unique=False)

    op.create_table(
        "notify_webhook",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret_enc", sa.String(length=400), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("min_severity", sa.String(length=8), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("site_id", BigId, nullable=True),
        sa.Column("timeout_s", sa.Float(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("created_by", BigId, nullable=True),
        _id(),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_webhook")),
        sa.UniqueConstraint("name", name=op.f("uq_notify_webhook_name")),
    )

    op.create_table(
        "notify_delivery",
        sa.Column("webhook_id", BigId, nullable=False),
        sa.Column("message_id", BigId, nullable=True),
        sa.Column("event", sa.String(length=60), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("delivered_at", anguan.core.db.UTCDateTime(), nullable=True),
        _id(),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["notify_message.id"],
            name=op.f("fk_notify_delivery_message_id_notify_message"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["notify_webhook.id"],
            name=op.f("fk_notify_delivery_webhook_id_notify_webhook"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_delivery")),
    )
    with op.batch_alter_table("notify_delivery", schema=None) as batch_op:
        batch_op.create_index("ix_notify_delivery_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index("ix_notify_delivery_webhook", ["webhook_id", "id"], unique=False)

    op.create_table(
        "notify_inbox",
        sa.Column("user_id", BigId, nullable=False),
        sa.Column("message_id", BigId, nullable=False),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("read_at", anguan.core.db.UTCDateTime(), nullable=True),
        _id(),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["notify_message.id"],
            name=op.f("fk_notify_inbox_message_id_notify_message"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_inbox")),
    )
    with op.batch_alter_table("notify_inbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notify_inbox_message_id"), ["message_id"], unique=False)
        batch_op.create_index("ix_notify_inbox_user_created", ["user_id", "created_at"], unique=False)
        batch_op.create_index("ix_notify_inbox_user_read", ["user_id", "read_at"], unique=False)

    op.create_table(
        "mon_alarm_route",
        sa.Column("site_id", BigId, nullable=False),
        sa.Column("area_id", BigId, nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("min_priority", sa.String(length=8), nullable=False),
        sa.Column("role_code", sa.String(length=40), nullable=True),
        sa.Column("user_ids", sa.JSON(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=255), nullable=True),
        _id(),
        sa.Column("created_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", anguan.core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["plant_area.id"],
            name=op.f("fk_mon_alarm_route_area_id_plant_area"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["plant_site.id"],
            name=op.f("fk_mon_alarm_route_site_id_plant_site"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mon_alarm_route")),
    )
    with op.batch_alter_table("mon_alarm_route", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mon_alarm_route_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mon_alarm_route_site_id"), ["site_id"], unique=False)


def downgrade() -> None:
    # Whole tables only: MariaDB refuses to drop an index that backs a foreign key on its own,
    # and DROP TABLE takes the table's indexes with it on every dialect.
    op.drop_table("mon_alarm_route")
    op.drop_table("notify_inbox")
    op.drop_table("notify_delivery")
    op.drop_table("notify_webhook")
    op.drop_table("notify_message")
