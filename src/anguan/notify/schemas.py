"""Request and response bodies of the notify module, and the message other modules send."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from anguan.core.db import MAX_ID
from anguan.core.schemas import RequestModel

Severity = Literal["urgent", "high", "medium", "low"]
SEVERITIES: tuple[str, ...] = ("urgent", "high", "medium", "low")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}  # 0 = most severe
Channel = Literal["inapp", "webhook"]
CHANNELS: tuple[str, ...] = ("inapp", "webhook")
CATEGORY = r"^[a-z][a-z0-9_.]{0,59}$"
# In-app links are paths of the SPA, never a scheme (no javascript:, no other site).
LINK = r"^/[A-Za-z0-9/_\-.?=&%]{0,254}$"


class Principal(Protocol):
    """The signed-in caller as notify needs it (identity's Actor satisfies this)."""

    @property
    def user_id(self) -> int: ...

    @property
    def username(self) -> str: ...

    @property
    def permissions(self) -> frozenset[str]: ...

    @property
    def ip(self) -> str | None: ...


class NotificationIn(BaseModel):
    """A notification another module sends: a catalogued `key` with `params`, or literal zh/en text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    category: str = Field(pattern=CATEGORY)
    severity: Severity = "medium"
    key: str | None = Field(default=None, max_length=120)
    params: dict[str, Any] = Field(default_factory=dict)
    title_zh: str | None = Field(default=None, max_length=200)
    title_en: str | None = Field(default=None, max_length=200)
    body_zh: str | None = Field(default=None, max_length=4000)
    body_en: str | None = Field(default=None, max_length=4000)
    link: str | None = Field(default=None, pattern=LINK)
    site_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    area_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    source_type: str | None = Field(default=None, max_length=40)
    source_id: str | None = Field(default=None, max_length=80)
    # Idempotency: a message with a key already sent is not sent again (outbox redelivery, retries).
    dedupe_key: str | None = Field(default=None, max_length=160)

    @model_validator(mode="after")
    def _has_text(self) -> NotificationIn:
        if not self.key and not self.title_zh:
            raise ValueError("a notification needs a message key or a zh-CN title")
        return self


@dataclass(frozen=True)
class SendResult:
    """What one `send` wrote."""

    message_id: int | None
    inbox: int
    deliveries: int
    duplicate: bool = False


class InboxItemOut(BaseModel):
    id: int
    category: str
    severity: str
    title: str
    body: str | None
    link: str | None
    source_type: str | None
    source_id: str | None
    created_at: datetime
    read_at: datetime | None


class UnreadCount(BaseModel):
    count: int


class ReadAllOut(BaseModel):
    updated: int


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("the URL must be http:// or https:// with a host")
    if parts.username or parts.password:
        raise ValueError("credentials in the URL are not accepted; use the signing secret")
    if parts.fragment:
        raise ValueError("the URL must not carry a fragment")
    return url


def _check_categories(value: list[str]) -> list[str]:
    for c in value:
        if not re.match(CATEGORY, c):
            raise ValueError(f"not a category: {c!r}")
    return sorted(set(value))


class WebhookIn(RequestModel):
    name: str = Field(min_length=1, max_length=80)
    url: str = Field(min_length=8, max_length=500)
    # The HMAC-SHA256 key; generated (and shown once) when omitted.
    secret: SecretStr | None = Field(default=None, min_length=16, max_length=200)
    enabled: bool = True
    min_severity: Severity = "low"
    categories: list[str] = Field(default_factory=list, max_length=20)
    site_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    timeout_s: float = Field(default=5.0, ge=1, le=30)
    max_attempts: int = Field(default=8, ge=1, le=20)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _check_url(value)

    @field_validator("categories")
    @classmethod
    def _categories(cls, value: list[str]) -> list[str]:
        return _check_categories(value)


class WebhookUpdate(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=80)
    url: str | None = Field(default=None, min_length=8, max_length=500)
    # A new secret rotates the key (sign with the new one from the next attempt on).
    secret: SecretStr | None = Field(default=None, min_length=16, max_length=200)
    enabled: bool | None = None
    min_severity: Severity | None = None
    categories: list[str] | None = Field(default=None, max_length=20)
    site_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    timeout_s: float | None = Field(default=None, ge=1, le=30)
    max_attempts: int | None = Field(default=None, ge=1, le=20)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else _check_url(value)

    @field_validator("categories")
    @classmethod
    def _categories(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _check_categories(value)


class WebhookOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    url: str
    enabled: bool
    min_severity: str
    categories: list[str]
    site_id: int | None
    timeout_s: float
    max_attempts: int
    # The secret itself is never returned; this only says one is set.
    has_secret: bool = True
    created_at: datetime
    updated_at: datetime


class WebhookCreated(WebhookOut):
    # Only when the server generated the secret: shown in this answer and never again.
    secret: str | None = None


class DeliveryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    webhook_id: int
    message_id: int | None
    event: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_status: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
