"""Enterprise settings of the master-data module (basics_setting): reminder lead times and staffing
thresholds. Missing or unreadable rows fall back to the versioned reference defaults."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics import rules
from anguan.basics.models import BasicsSetting
from anguan.basics.ops_schemas import SettingsIn, SettingsOut, StaffingIn
from anguan.basics.reference import REMINDERS_V1, STAFFING_V1, ReminderPolicy, StaffingRules
from anguan.core.timeline import AuditActor, record
from anguan.identity.schemas import Actor

REMINDER_KEY = "reminder_lead_days"  # a list of ints, largest first (register_service reads it too)
STAFFING_KEY = "staffing"  # {safety_staff_ratio, safety_staff_min, registered_engineer_share}
CUSTOM = "+custom"
DEFAULT_TIMEZONE = "Asia/Shanghai"


def plant_date(at: datetime, tz: str = DEFAULT_TIMEZONE) -> date:
    """The calendar date of an instant in the plant's time zone (a naive time is already local)."""
    if at.tzinfo is None:
        return at.date()
    return at.astimezone(ZoneInfo(tz)).date()


def _lead_days(value: Any) -> tuple[int, ...] | None:
    if not isinstance(value, list) or not all(isinstance(d, int) for d in value):
        return None
    return tuple(value) if rules.lead_days_valid(value) else None


def _staffing(value: Any) -> StaffingRules | None:
    if not isinstance(value, dict):
        return None
    try:
        body = StaffingIn.model_validate(value)
    except ValueError:
        return None
    return StaffingRules(
        version=STAFFING_V1.version + CUSTOM,
        safety_staff_ratio=body.safety_staff_ratio,
        safety_staff_min=body.safety_staff_min,
        registered_engineer_share=body.registered_engineer_share,
    )


async def _value(session: AsyncSession, key: str) -> Any:
    row = await session.get(BasicsSetting, key)
    return None if row is None else row.value


async def reminder_policy(session: AsyncSession) -> ReminderPolicy:
    """The enterprise's reminder lead times, else REMINDERS_V1."""
    days = _lead_days(await _value(session, REMINDER_KEY))
    if days is None:
        return REMINDERS_V1
    return ReminderPolicy(version=REMINDERS_V1.version + CUSTOM, lead_days=days)


async def staffing_rules(session: AsyncSession) -> StaffingRules:
    """The enterprise's staffing thresholds, else STAFFING_V1."""
    return _staffing(await _value(session, STAFFING_KEY)) or STAFFING_V1


def _out(policy: ReminderPolicy, staffing: StaffingRules) -> SettingsOut:
    return SettingsOut(
        reminder_lead_days=list(policy.lead_days),
        staffing=StaffingIn(
            safety_staff_ratio=staffing.safety_staff_ratio,
            safety_staff_min=staffing.safety_staff_min,
            registered_engineer_share=staffing.registered_engineer_share,
        ),
        reminder_version=policy.version,
        staffing_version=staffing.version,
        default_reminder_lead_days=list(REMINDERS_V1.lead_days),
        default_staffing=StaffingIn(
            safety_staff_ratio=STAFFING_V1.safety_staff_ratio,
            safety_staff_min=STAFFING_V1.safety_staff_min,
            registered_engineer_share=STAFFING_V1.registered_engineer_share,
        ),
    )


async def get_settings(session: AsyncSession) -> SettingsOut:
    """The settings in force and the reference defaults."""
    return _out(await reminder_policy(session), await staffing_rules(session))


async def _put(session: AsyncSession, key: str, value: Any) -> None:
    row = await session.get(BasicsSetting, key)
    if row is None:
        session.add(BasicsSetting(key=key, value=value))
    else:
        row.value = value
    await session.flush()


async def put_settings(session: AsyncSession, actor: Actor, body: SettingsIn) -> SettingsOut:
    """Replace the settings (validated by SettingsIn); audited with the values before and after."""
    before = await get_settings(session)
    await _put(session, REMINDER_KEY, list(body.reminder_lead_days))
    await _put(session, STAFFING_KEY, body.staffing.model_dump())
    after = await get_settings(session)
    await record(
        session,
        AuditActor(actor.user_id, actor.username, actor.ip),
        "basics.settings_updated",
        target_type="basics_setting",
        detail={
            "before": {
                "reminder_lead_days": before.reminder_lead_days,
                "staffing": before.staffing.model_dump(),
            },
            "after": {
                "reminder_lead_days": after.reminder_lead_days,
                "staffing": after.staffing.model_dump(),
            },
        },
    )
    return after
