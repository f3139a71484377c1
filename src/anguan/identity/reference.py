"""Versioned reference data for the security rules (GB/T 22239-2019 等保2.0 第三级).

Values are the platform defaults; deployments override them through settings, and the
version string travels with every decision so an audit can tell which table applied.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SecurityPolicy:
    """Thresholds for identification, lockout and session timeout."""

    version: str
    min_length: int
    min_char_classes: int
    max_failed_logins: int
    lockout_minutes: int
    idle_timeout_minutes: int
    absolute_session_hours: int
    password_max_age_days: int
    password_history: int


SECURITY_POLICY_V1 = SecurityPolicy(
    version="gbt22239-2019/v1",
    min_length=8,
    min_char_classes=3,
    max_failed_logins=5,
    lockout_minutes=15,
    idle_timeout_minutes=30,
    absolute_session_hours=12,
    password_max_age_days=90,
    password_history=3,
)
