"""identity_user.authz_version: the key of the per-process authorisation cache

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 23:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "identity_user", sa.Column("authz_version", sa.Integer(), server_default="0", nullable=False)
    )


def downgrade() -> None:
    # A plain DROP COLUMN (not a batch copy): on SQLite a table copy would cascade-delete sessions.
    op.drop_column("identity_user", "authz_version")
