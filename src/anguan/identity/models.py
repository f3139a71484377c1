"""Users, roles, permission grants, data scopes and server-side sessions (用户与权限)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from anguan.core.db import Base, BigId, IdMixin, TimestampMixin, UTCDateTime
from anguan.core.time import utcnow


class Role(IdMixin, TimestampMixin, Base):
    """A named set of permission codes; built-in roles cannot be deleted."""

    __tablename__ = "identity_role"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(60))
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    # 三员分立 duty of an administrator role: system, security, audit (None for plant roles)
    duty: Mapped[str | None] = mapped_column(String(16), nullable=True)
    permissions: Mapped[list[str]] = mapped_column(JSON, default=list)


class User(IdMixin, TimestampMixin, Base):
    """A person or API client who signs in; `username` is stored lower-case (names are case-insensitive)."""

    __tablename__ = "identity_user"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    # Bumped whenever the user's roles, scopes or a held role's permissions change: the key of the
    # per-process authorisation cache, read fresh with every request's session row.
    authz_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    email: Mapped[str | None] = mapped_column(String(120), nullable=True)
    # Personal data encrypted at rest (AES-GCM); see identity.crypto
    phone_enc: Mapped[str | None] = mapped_column(String(255), nullable=True)
    department_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("plant_department.id", ondelete="SET NULL"), nullable=True
    )
    password_hash: Mapped[str] = mapped_column(String(255))
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    password_history: Mapped[list[str]] = mapped_column(JSON, default=list)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    totp_secret_enc: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # Last accepted TOTP time step (RFC 6238 5.2): a code is accepted once, never replayed.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    locale: Mapped[str] = mapped_column(String(8), default="zh-CN")

    roles: Mapped[list[UserRole]] = relationship(lazy="raise", cascade="all, delete-orphan")
    scopes: Mapped[list[DataScope]] = relationship(lazy="raise", cascade="all, delete-orphan")


class UserRole(Base):
    """Role held by a user."""

    __tablename__ = "identity_user_role"

    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("identity_user.id", ondelete="CASCADE"), primary_key=True
    )
    role_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("identity_role.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = relationship(lazy="raise")


class DataScope(IdMixin, Base):
    """One data-scope grant: all data, or one site, area or department (and what lies under it)."""

    __tablename__ = "identity_data_scope"
    __table_args__ = (UniqueConstraint("user_id", "kind", "ref_id"),)

    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("identity_user.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    ref_id: Mapped[int | None] = mapped_column(BigId, nullable=True)


class AuthSession(IdMixin, Base):
    """A revocable server-side session (cookie) or API token (bearer); only a hash is stored."""

    __tablename__ = "identity_session"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("identity_user.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8), default="cookie")  # cookie | token
    name: Mapped[str | None] = mapped_column(String(80), nullable=True)
    csrf_token: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # Per-session state, e.g. `totp_pending`: an enrolment's secret (encrypted) until it is confirmed.
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
