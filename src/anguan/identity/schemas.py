"""Request and response bodies of the identity API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from anguan.core.db import MAX_ID
from anguan.core.schemas import RequestModel

ScopeKind = Literal["all", "site", "area", "department"]
# The address must also fit the 120-character column (an EmailStr alone allows 254).
Email = Annotated[EmailStr, Field(max_length=120)]
USERNAME_PATTERN = r"^[A-Za-z0-9_.\-]{3,64}$"


class Scope(RequestModel):
    """One data-scope grant (sent in ScopesIn, returned in user bodies)."""

    model_config = ConfigDict(frozen=True)
    kind: ScopeKind
    ref_id: int | None = Field(default=None, ge=1, le=MAX_ID)

    @model_validator(mode="after")
    def _ref_matches_kind(self) -> Scope:
        if (self.kind == "all") != (self.ref_id is None):
            raise ValueError("ref_id is required for site/area/department scopes and empty for 'all'")
        return self


@dataclass(frozen=True)
class Actor:
    """The authenticated caller of a request."""

    user_id: int
    username: str
    permissions: frozenset[str]
    scopes: tuple[Scope, ...]
    session_id: int
    session_kind: str
    ip: str | None = None
    roles: tuple[str, ...] = field(default_factory=tuple)
    # A temporary or expired password: only the password-change endpoints answer until it is changed.
    must_change_password: bool = False

    @property
    def all_data(self) -> bool:
        """True when the caller's data scope is unrestricted."""
        return any(s.kind == "all" for s in self.scopes)

    def scope_ids(self, kind: str) -> set[int]:
        """Ids granted for one scope kind."""
        return {s.ref_id for s in self.scopes if s.kind == kind and s.ref_id is not None}


class LoginIn(RequestModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    totp_code: str | None = Field(default=None, max_length=10)


class Me(BaseModel):
    id: int
    username: str
    display_name: str
    locale: str
    roles: list[str]
    permissions: list[str]
    scopes: list[Scope]
    must_change_password: bool


class PasswordChangeIn(RequestModel):
    old_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


class TokenIn(RequestModel):
    name: str = Field(min_length=1, max_length=80)
    days: int = Field(default=90, ge=1, le=365)


class TokenOut(BaseModel):
    id: int
    name: str
    token: str
    expires_at: datetime


class SessionOut(BaseModel):
    id: int
    kind: str
    name: str | None
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ip: str | None
    current: bool


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    email: str | None
    phone: str | None
    department_id: int | None
    is_active: bool
    locked_until: datetime | None
    roles: list[str]
    scopes: list[Scope]
    created_at: datetime
    last_login_at: datetime | None
    totp_enabled: bool
    locale: str


class UserCreate(RequestModel):
    username: str = Field(pattern=USERNAME_PATTERN)
    display_name: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=256)
    email: Email | None = None
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9\- ]{5,20}$")
    department_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    locale: Literal["zh-CN", "en-US"] = "zh-CN"

    @field_validator("username", mode="after")
    @classmethod
    def _lower_case(cls, value: str) -> str:
        # GB/T 22239-2019 8.1.4.1 a): identities are unique; "Admin" and "admin" are one name.
        return value.lower()


class UserUpdate(RequestModel):
    display_name: str | None = Field(default=None, min_length=1, max_length=80)
    email: Email | None = None
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9\- ]{5,20}$")
    department_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    is_active: bool | None = None
    locale: Literal["zh-CN", "en-US"] | None = None

    @model_validator(mode="after")
    def _no_null_for_required(self) -> UserUpdate:
        # None means "leave unchanged" only when omitted; an explicit null would hit a NOT NULL column.
        nulled = [
            f
            for f in ("display_name", "is_active", "locale")
            if f in self.model_fields_set and getattr(self, f) is None
        ]
        if nulled:
            raise ValueError(f"{', '.join(nulled)} cannot be null")
        return self


class RolesIn(RequestModel):
    roles: list[str] = Field(max_length=20)


class ScopesIn(RequestModel):
    scopes: list[Scope] = Field(max_length=50)


class ResetPasswordIn(RequestModel):
    new_password: str = Field(min_length=1, max_length=256)


class RoleOut(BaseModel):
    code: str
    name_zh: str
    name_en: str
    builtin: bool
    duty: Literal["system", "security", "audit"] | None
    permissions: list[str]


class RoleIn(RequestModel):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{2,39}$")
    name_zh: str = Field(min_length=1, max_length=60)
    name_en: str = Field(min_length=1, max_length=60)
    permissions: list[str] = Field(max_length=200)


class RoleUpdate(RequestModel):
    name_zh: str | None = Field(default=None, min_length=1, max_length=60)
    name_en: str | None = Field(default=None, min_length=1, max_length=60)
    permissions: list[str] | None = Field(default=None, max_length=200)


class PermissionOut(BaseModel):
    code: str
    module: str
    name_zh: str
    name_en: str
    duty: str | None


class AuditOut(BaseModel):
    seq: int
    ts: datetime
    actor_username: str | None
    action: str
    target_type: str | None
    target_id: str | None
    ip: str | None
    result: str
    detail: dict[str, object]


class ChainOut(BaseModel):
    ok: bool
    checked: int
    first_bad_seq: int | None


class TotpSetupOut(BaseModel):
    secret: str
    otpauth_uri: str


class TotpCodeIn(RequestModel):
    """A current one-time code: confirms an enrolment, or proves the factor before turning it off."""

    code: str = Field(pattern=r"^[0-9]{6}$")
