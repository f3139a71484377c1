"""Security rules from GB/T 22239-2019 (等保2.0) level 3, as pure functions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from anguan.identity.reference import SecurityPolicy

ADMIN_DUTIES = frozenset({"system", "security", "audit"})


def password_problems(password: str, username: str, policy: SecurityPolicy) -> list[str]:
    """GB/T 22239-2019 8.1.4.1 a): authentication information must meet complexity requirements."""
    problems: list[str] = []
    if len(password) < policy.min_length:
        problems.append("too_short")
    classes = sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if classes < policy.min_char_classes:
        problems.append("too_few_character_classes")
    if username and username.lower() in password.lower():
        problems.append("contains_username")
    if len(password) > 128:
        problems.append("too_long")
    return problems


def password_expired(changed_at: datetime, now: datetime, policy: SecurityPolicy) -> bool:
    """GB/T 22239-2019 8.1.4.1 a): authentication information is changed periodically (max age, inclusive)."""
    return now - changed_at >= timedelta(days=policy.password_max_age_days)


def after_failed_login(
    failed_count: int, now: datetime, policy: SecurityPolicy
) -> tuple[int, datetime | None]:
    """GB/T 22239-2019 8.1.4.1 b): limit illegal login attempts; the Nth failure locks the account."""
    count = failed_count + 1
    if count >= policy.max_failed_logins:
        return 0, now + timedelta(minutes=policy.lockout_minutes)
    return count, None


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    """GB/T 22239-2019 8.1.4.1 b): an account stays locked until the lockout period has fully passed."""
    return locked_until is not None and now < locked_until


def session_end_reason(
    created_at: datetime,
    last_seen_at: datetime,
    expires_at: datetime,
    now: datetime,
    policy: SecurityPolicy,
    *,
    idle_applies: bool = True,
) -> str | None:
    """GB/T 22239-2019 8.1.4.1 b): a session ends after the idle timeout (inclusive) or its absolute life."""
    if now >= expires_at:
        return "expired"
    if idle_applies and now - last_seen_at >= timedelta(minutes=policy.idle_timeout_minutes):
        return "idle_timeout"
    if idle_applies and now - created_at >= timedelta(hours=policy.absolute_session_hours):
        return "expired"
    return None


def duties_of(permissions: Iterable[str], permission_duty: Mapping[str, str]) -> frozenset[str]:
    """GB/T 22239-2019 8.1.10: the administrator duties (system/security/audit) a permission set carries."""
    return frozenset(permission_duty[p] for p in permissions if p in permission_duty)


def violates_separation_of_duties(duties: Iterable[str]) -> bool:
    """GB/T 22239-2019 8.1.4.2 d) and 8.1.10: one account may not hold two of the three administrator duties."""
    return len(ADMIN_DUTIES.intersection(duties)) > 1
