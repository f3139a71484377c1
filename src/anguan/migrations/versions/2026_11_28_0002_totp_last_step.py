"""totp last step; lower-case usernames

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 23:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The last accepted TOTP time step: a one-time code is accepted once (RFC 6238 5.2).
    op.add_column("identity_user", sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    # Usernames are case-insensitive and stored lower-case from now on; an account created with
    # capitals before must still be able to sign in. Two names differing only in case fail here
    # on the unique constraint, loudly, rather than leaving one of them unreachable.
    op.execute("UPDATE identity_user SET username = LOWER(username) WHERE username <> LOWER(username)")


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35), not a batch table copy: with foreign
    # keys on, dropping and recreating identity_user would cascade-delete sessions, roles and scopes.
    op.drop_column("identity_user", "totp_last_step")
