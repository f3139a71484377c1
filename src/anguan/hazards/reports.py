"""Evaluation reports (评价与评估报告) and supervision findings (督导检查问题) of hazard sources.

Reports: safety evaluations, major-hazard safety assessments, HAZOP studies and SIL assessments,
per unit or for a whole site. The renewal date follows the statutory cycle (`rules.report_due`); the
latest report of a kind per unit (or site) is the one in force, older ones are superseded and are
no longer reminded.

Findings keep their three entries (三录入): the problem (who found what, on which basis, by when it
must be rectified and who is responsible), the rectification (measures, date, cost, evidence) and
the review (pass closes it; a fail sends it back for another round). Rectification feedback
(整改反馈) and every step are kept as events. The reviewer may not be whoever entered the
rectification.

Both feed the reminder centre of the master-data module through a `ReminderSource`: reports by
their renewal date, open findings by their deadline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics import reminders
from anguan.basics import rules as basics_rules
from anguan.basics.models import Person
from anguan.basics.ops_schemas import ReminderItem
from anguan.basics.reference import ReminderPolicy
from anguan.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from anguan.core.files import StoredFile
from anguan.core.timeline import AuditActor, record
from anguan.hazards import rules
from anguan.hazards.models import EvaluationReport, Finding, FindingEvent, HazardUnit
from anguan.hazards.reference import REPORT_KINDS_V1, REPORTS_VERSION
from anguan.hazards.scope import visible_sites, visible_units
from anguan.hazards.scope import writers as scope_writers
from anguan.identity import permissions as P
from anguan.identity.schemas import Actor
from anguan.plant.models import Site

REPORTS_SOURCE = "hz_reports"
FINDINGS_SOURCE = "hz_findings"
REMINDER_KINDS = {
    "evaluation": ("定期评价/评估", "Periodic evaluation"),
    "rectification": ("整改期限", "Rectification deadline"),
}


def _who(actor: Actor) -> AuditActor:
    return AuditActor(actor.user_id, actor.username, actor.ip)


def _raise(exc: rules.HazardInputError) -> Unprocessable:
    return Unprocessable(exc.code, **{k: str(v) for k, v in exc.params.items()})


async def check_files(
    session: AsyncSession, actor: Actor, ids: Iterable[int], linked: Iterable[int]
) -> list[int]:
    """Attachment ids for a record: each already linked to it, or uploaded by the caller."""
    wanted = list(dict.fromkeys(ids))
    new = set(wanted) - set(linked)
    if new:
        owned = set(
            (
                await session.scalars(
                    select(StoredFile.id).where(
                        StoredFile.id.in_(new), StoredFile.created_by == actor.user_id
                    )
                )
            ).all()
        )
        if new - owned:
            raise Unprocessable("hazards.unknown_file", ids=sorted(new - owned))
    return wanted


# ---------------------------------------------------------------------------------- reports


async def report_clause(session: AsyncSession, actor: Actor) -> ColumnElement[bool]:
    """Reports of the actor's visible units, and site-wide reports of the actor's visible sites."""
    if actor.all_data:
        return true()
    units = list(await visible_units(session, actor))
    sites = list(await visible_sites(session, actor) or set())
    return or_(
        EvaluationReport.unit_id.in_(units),
        and_(EvaluationReport.unit_id.is_(None), EvaluationReport.site_id.in_(sites)),
    )


async def list_reports(
    session: AsyncSession,
    actor: Actor,
    *,
    unit_id: int | None = None,
    site_id: int | None = None,
    kind: str | None = None,
    current_only: bool = False,
) -> list[EvaluationReport]:
    """Reports the actor may see, the newest first."""
    stmt = select(EvaluationReport).where(await report_clause(session, actor))
    if unit_id is not None:
        stmt = stmt.where(EvaluationReport.unit_id == unit_id)
    if site_id is not None:
        stmt = stmt.where(EvaluationReport.site_id == site_id)
    if kind is not None:
        stmt = stmt.where(EvaluationReport.kind == kind)
    if current_only:
        stmt = stmt.where(EvaluationReport.current.is_(True))
    stmt = stmt.order_by(EvaluationReport.issued_on.desc(), EvaluationReport.id.desc())
    return list((await session.scalars(stmt)).all())


async def get_report(session: AsyncSession, actor: Actor, report_id: int) -> EvaluationReport:
    """One report: 404 when missing, 403 outside the actor's scope."""
    row = await session.get(EvaluationReport, report_id)
    if row is None:
        raise NotFound("hazards.report_not_found", id=report_id)
    visible = await session.scalar(
        select(EvaluationReport.id).where(
            EvaluationReport.id == report_id, await report_clause(session, actor)
        )
    )
    if visible is None:
        raise Forbidden("identity.out_of_scope")
    return row


async def _refresh_current(session: AsyncSession, kind: str, unit_id: int | None, site_id: int) -> None:
    await session.flush()
    stmt = select(
        EvaluationReport.id,
        EvaluationReport.kind,
        EvaluationReport.unit_id,
        EvaluationReport.site_id,
        EvaluationReport.issued_on,
    ).where(EvaluationReport.kind == kind, EvaluationReport.site_id == site_id)
    stmt = stmt.where(
        EvaluationReport.unit_id.is_(None) if unit_id is None else EvaluationReport.unit_id == unit_id
    )
    rows = (await session.execute(stmt)).all()
    keep = rules.current_reports([(r[0], r[1], r[2], r[3], r[4]) for r in rows])
    for rid, *_ in rows:
        row = await session.get(EvaluationReport, rid)
        if row is not None and row.current != (rid in keep):
            row.current = rid in keep


async def _place(session: AsyncSession, actor: Actor, site_id: int | None, unit_id: int | None) -> int:
    """The site of a report: the unit's when a unit is named (which must be visible), else the given one."""
    if unit_id is not None:
        unit = await session.get(HazardUnit, unit_id)
        if unit is None:
            raise Unprocessable("hazards.unit_not_found", id=unit_id)
        if unit.id not in await visible_units(session, actor):
            raise Forbidden("identity.out_of_scope")
        if site_id is not None and site_id != unit.site_id:
            raise Unprocessable("hazards.unit_not_in_site", unit=unit.code)
        return unit.site_id
    if site_id is None:
        raise Unprocessable("hazards.report_needs_place")
    if await session.get(Site, site_id) is None:
        raise Unprocessable("hazards.site_not_found", id=site_id)
    sites = await visible_sites(session, actor)
    if sites is not None and site_id not in sites:
        raise Forbidden("identity.out_of_scope")
    return site_id


REPORT_FIELDS = (
    "kind",
    "unit_id",
    "title",
    "report_no",
    "agency",
    "agency_certificate",
    "issued_on",
    "valid_until",
    "conclusion",
    "recommendations",
)


async def save_report(
    session: AsyncSession,
    actor: Actor,
    values: Mapping[str, Any],
    today: date,
    row: EvaluationReport | None = None,
) -> EvaluationReport:
    """Create a report, or update `row` with the given values; the renewal date follows the rule."""
    merged = {f: values.get(f, getattr(row, f) if row is not None else None) for f in REPORT_FIELDS}
    if merged["issued_on"] > today:
        raise Unprocessable("hazards.report_issued_in_future", issued_on=merged["issued_on"].isoformat())
    site_id = await _place(
        session, actor, values.get("site_id", row.site_id if row is not None else None), merged["unit_id"]
    )
    entered = values["valid_until"] if "valid_until" in values else None
    if row is not None and "valid_until" not in values:
        # An edit of the issue date re-derives the renewal date unless it was entered by hand.
        spec = REPORT_KINDS_V1.get(merged["kind"])
        derived = spec is not None and spec.cycle_years is not None
        entered = None if derived else row.valid_until
    try:
        merged["valid_until"] = rules.report_due(merged["kind"], merged["issued_on"], entered)
    except rules.HazardInputError as exc:
        raise _raise(exc) from exc
    files = await check_files(session, actor, values.get("files", []), row.files if row else [])
    old_group = (row.kind, row.unit_id, row.site_id) if row is not None else None
    if row is None:
        row = EvaluationReport(
            site_id=site_id, files=files, rule_version=REPORTS_VERSION, created_by=actor.username, **merged
        )
        session.add(row)
    else:
        for key, value in merged.items():
            setattr(row, key, value)
        row.site_id = site_id
        if "files" in values:
            row.files = files
        row.rule_version = REPORTS_VERSION
    await _refresh_current(session, row.kind, row.unit_id, row.site_id)
    if old_group is not None and old_group != (row.kind, row.unit_id, row.site_id):
        await _refresh_current(session, *old_group)
    await record(
        session,
        _who(actor),
        "hazards.report_saved",
        target_type="hz_report",
        target_id=row.id,
        detail={"kind": row.kind, "valid_until": row.valid_until.isoformat() if row.valid_until else None},
    )
    return row


async def delete_report(session: AsyncSession, actor: Actor, row: EvaluationReport) -> None:
    """Delete a report (a finding raised from it keeps its text and loses the link)."""
    group = (row.kind, row.unit_id, row.site_id)
    await session.delete(row)
    await _refresh_current(session, *group)
    await record(session, _who(actor), "hazards.report_deleted", target_type="hz_report", target_id=row.id)


# ---------------------------------------------------------------------------------- findings


async def list_findings(
    session: AsyncSession,
    actor: Actor,
    today: date,
    *,
    unit_id: int | None = None,
    status: str | None = None,
    overdue: bool | None = None,
    report_id: int | None = None,
) -> list[Finding]:
    """Findings of the actor's visible units: open ones first, then by deadline."""
    units = list(await visible_units(session, actor))
    stmt = select(Finding).where(Finding.unit_id.in_(units))
    if unit_id is not None:
        stmt = stmt.where(Finding.unit_id == unit_id)
    if status is not None:
        stmt = stmt.where(Finding.status == status)
    if report_id is not None:
        stmt = stmt.where(Finding.report_id == report_id)
    if overdue is not None:
        late = and_(Finding.status == "open", Finding.deadline < today)
        stmt = stmt.where(late if overdue else ~late)
    rows = (await session.scalars(stmt.order_by(Finding.deadline, Finding.id))).all()
    order = {"open": 0, "rectified": 1, "closed": 2}
    return sorted(rows, key=lambda f: order.get(f.status, 3))


async def get_finding(session: AsyncSession, actor: Actor, finding_id: int) -> Finding:
    """One finding: 404 when missing, 403 outside the actor's scope."""
    row = await session.get(Finding, finding_id)
    if row is None:
        raise NotFound("hazards.finding_not_found", id=finding_id)
    if row.unit_id not in await visible_units(session, actor):
        raise Forbidden("identity.out_of_scope")
    return row


async def events_of(session: AsyncSession, finding_id: int) -> list[FindingEvent]:
    """A finding's history, oldest first."""
    stmt = select(FindingEvent).where(FindingEvent.finding_id == finding_id).order_by(FindingEvent.id)
    return list((await session.scalars(stmt)).all())


def _step(finding: Finding, action: str) -> str:
    try:
        return rules.finding_next(finding.status, action)
    except rules.HazardInputError as exc:
        raise Conflict(exc.code, **{k: str(v) for k, v in exc.params.items()}) from exc


async def _event(
    session: AsyncSession,
    finding: Finding,
    actor: Actor,
    kind: str,
    now: datetime,
    note: str | None,
    files: list[int],
) -> None:
    session.add(
        FindingEvent(finding_id=finding.id, kind=kind, note=note, files=files, actor=actor.username, at=now)
    )
    await record(
        session, _who(actor), f"hazards.finding_{kind}", target_type="hz_finding", target_id=finding.id
    )


async def _check_problem(session: AsyncSession, actor: Actor, values: Mapping[str, Any], today: date) -> None:
    if values["found_on"] > today:
        raise Unprocessable("hazards.found_in_future", found_on=values["found_on"].isoformat())
    if values["deadline"] < values["found_on"]:
        raise Unprocessable("hazards.deadline_before_found", deadline=values["deadline"].isoformat())
    person = values.get("responsible_id")
    if person is not None and await session.get(Person, person) is None:
        raise Unprocessable("hazards.person_not_found", id=person)
    report = values.get("report_id")
    if report is not None:
        await get_report(session, actor, report)


PROBLEM_FIELDS = (
    "source",
    "level",
    "found_on",
    "inspector",
    "description",
    "basis",
    "deadline",
    "responsible_id",
    "report_id",
)


async def create_finding(
    session: AsyncSession, actor: Actor, unit_id: int, values: Mapping[str, Any], now: datetime, today: date
) -> Finding:
    """Entry 1 (问题录入): the problem, its basis, deadline and responsible person."""
    unit = await session.get(HazardUnit, unit_id)
    if unit is None:
        raise Unprocessable("hazards.unit_not_found", id=unit_id)
    if unit.id not in await visible_units(session, actor):
        raise Forbidden("identity.out_of_scope")
    await _check_problem(session, actor, values, today)
    files = await check_files(session, actor, values.get("problem_files", []), [])
    row = Finding(
        unit_id=unit.id,
        status="open",
        rounds=1,
        problem_files=files,
        entered_by=actor.username,
        rectification_files=[],
        **{k: values.get(k) for k in PROBLEM_FIELDS},
    )
    session.add(row)
    await session.flush()
    await _event(session, row, actor, "entered", now, None, files)
    return row


async def edit_finding(
    session: AsyncSession, actor: Actor, row: Finding, values: Mapping[str, Any], now: datetime, today: date
) -> Finding:
    """Correct the problem entry while it awaits rectification."""
    row.status = _step(row, "edit")
    merged = {k: values.get(k, getattr(row, k)) for k in PROBLEM_FIELDS}
    await _check_problem(session, actor, merged, today)
    if "problem_files" in values:
        row.problem_files = await check_files(session, actor, values["problem_files"], row.problem_files)
    for key in PROBLEM_FIELDS:
        setattr(row, key, merged[key])
    await _event(session, row, actor, "edited", now, ", ".join(sorted(values)), [])
    return row


async def feedback(
    session: AsyncSession, actor: Actor, row: Finding, note: str, files: list[int], now: datetime
) -> Finding:
    """Rectification feedback (整改反馈): progress on an open or rectified finding."""
    row.status = _step(row, "feedback")
    linked = await check_files(session, actor, files, [])
    await _event(session, row, actor, "feedback", now, note, linked)
    row.updated_at = now
    return row


async def rectify(
    session: AsyncSession,
    actor: Actor,
    row: Finding,
    *,
    measures: str,
    rectified_on: date,
    cost: float | None,
    files: list[int],
    now: datetime,
    today: date,
) -> Finding:
    """Entry 2 (整改录入): the measures taken, when, at what cost, with evidence."""
    new_status = _step(row, "rectify")
    if rectified_on > today:
        raise Unprocessable("hazards.rectified_in_future", rectified_on=rectified_on.isoformat())
    if rectified_on < row.found_on:
        raise Unprocessable("hazards.rectified_before_found", rectified_on=rectified_on.isoformat())
    row.rectification_files = await check_files(session, actor, files, [])
    row.status, row.measures, row.rectified_on, row.cost = new_status, measures, rectified_on, cost
    row.rectified_by, row.rectified_by_id = actor.username, actor.user_id
    await _event(session, row, actor, "rectified", now, measures, row.rectification_files)
    return row


async def review(
    session: AsyncSession,
    actor: Actor,
    row: Finding,
    *,
    passed: bool,
    note: str | None,
    now: datetime,
    today: date,
) -> Finding:
    """Entry 3 (复核录入): a pass closes the finding (销号); a fail, with its reason, sends it back to
    be rectified again (the deadline stays: a late rectification shows as overdue)."""
    new_status = _step(row, "pass" if passed else "fail")
    if row.rectified_by_id == actor.user_id:
        raise Forbidden("hazards.review_own_rectification")
    if not passed and not (note and note.strip()):
        raise Unprocessable("hazards.review_fail_needs_note")
    row.status = new_status
    row.review_result, row.review_note = ("pass" if passed else "fail"), note
    row.reviewed_on, row.reviewed_by = today, actor.username
    await _event(session, row, actor, "passed" if passed else "failed", now, note, [])
    if not passed:
        row.rounds += 1
        row.measures = row.rectified_on = row.cost = row.rectified_by = row.rectified_by_id = None
        row.rectification_files = []
    return row


# ---------------------------------------------------------------------------------- reminders


def _reminder(
    source: tuple[str, str, str],
    row_id: int,
    title: str,
    field: str,
    what: str,
    due: date,
    today: date,
    policy: ReminderPolicy,
    place: tuple[int | None, int | None],
    link: str,
) -> ReminderItem | None:
    d = basics_rules.due_status(due, today, policy)
    if d.status == "valid":
        return None
    what_zh, what_en = REMINDER_KINDS[what]
    return ReminderItem(
        register_name=source[0],
        register_zh=source[1],
        register_en=source[2],
        id=row_id,
        title=title[:200],
        field=field,
        what=what,
        what_zh=what_zh,
        what_en=what_en,
        due=due,
        status="expired" if d.status == "expired" else "due",
        days_left=d.days_left,
        tier=d.tier or 0,
        link=link,
        site_id=place[0],
        area_id=place[1],
    )


REPORTS_NAMES = (REPORTS_SOURCE, "评价评估报告", "Evaluation reports")
FINDINGS_NAMES = (FINDINGS_SOURCE, "督导检查问题", "Supervision findings")


async def report_reminders(
    session: AsyncSession, actor: Actor, today: date, policy: ReminderPolicy
) -> list[ReminderItem]:
    """Reports in force whose renewal date is near or past."""
    horizon = today + timedelta(days=max(policy.lead_days))
    stmt = select(EvaluationReport).where(
        await report_clause(session, actor),
        EvaluationReport.current.is_(True),
        EvaluationReport.valid_until <= horizon,
    )
    rows = (await session.scalars(stmt.order_by(EvaluationReport.id))).all()
    units = {u.id: u for u in (await session.scalars(select(HazardUnit))).all()} if rows else {}
    out = []
    for r in rows:
        unit = units.get(r.unit_id) if r.unit_id else None
        kind = REPORT_KINDS_V1.get(r.kind)
        label = f"{unit.code} " if unit else ""
        title = f"{label}{kind.zh if kind else r.kind} {r.title}"
        place = (r.site_id, unit.area_id if unit else None)
        if r.valid_until is None:
            continue
        link = f"/hazards/reports?id={r.id}"
        item = _reminder(
            REPORTS_NAMES, r.id, title, "valid_until", "evaluation", r.valid_until, today, policy, place, link
        )
        if item is not None:
            out.append(item)
    return out


async def finding_reminders(
    session: AsyncSession, actor: Actor, today: date, policy: ReminderPolicy
) -> list[ReminderItem]:
    """Findings awaiting rectification whose deadline is near or past."""
    horizon = today + timedelta(days=max(policy.lead_days))
    units = await visible_units(session, actor)
    stmt = select(Finding).where(
        Finding.unit_id.in_(list(units)), Finding.status == "open", Finding.deadline <= horizon
    )
    out = []
    for f in (await session.scalars(stmt.order_by(Finding.id))).all():
        unit = units[f.unit_id]
        title = f"{unit.code} {f.description}"
        place = (unit.site_id, unit.area_id)
        link = f"/hazards/findings?id={f.id}"
        item = _reminder(
            FINDINGS_NAMES, f.id, title, "deadline", "rectification", f.deadline, today, policy, place, link
        )
        if item is not None:
            out.append(item)
    return out


async def report_recipients(session: AsyncSession, items: list[ReminderItem]) -> dict[int, set[int]]:
    """Writers of the major-hazard module who can see each report."""
    rows = {
        r.id: r
        for r in (
            await session.scalars(
                select(EvaluationReport).where(EvaluationReport.id.in_([i.id for i in items]))
            )
        ).all()
    }
    writers = await scope_writers(session)
    out: dict[int, set[int]] = {}
    for item in items:
        r = rows.get(item.id)
        if r is None:
            continue
        out[item.id] = {
            uid
            for uid, units, sites in writers
            if (r.unit_id in units if r.unit_id else (sites is None or r.site_id in sites))
        }
    return out


async def finding_recipients(session: AsyncSession, items: list[ReminderItem]) -> dict[int, set[int]]:
    """Writers who can see each finding's unit, and the responsible person's own account."""
    rows = (
        await session.execute(
            select(Finding.id, Finding.unit_id, Person.user_id)
            .outerjoin(Person, Person.id == Finding.responsible_id)
            .where(Finding.id.in_([i.id for i in items]))
        )
    ).all()
    writers = await scope_writers(session)
    out: dict[int, set[int]] = {}
    for fid, unit_id, owner in rows:
        out[fid] = {uid for uid, units, _ in writers if unit_id in units} | ({owner} if owner else set())
    return out


def register_reminder_sources() -> None:
    """Add the reports' and findings' due dates to the reminder centre (called at start-up)."""
    reminders.add_source(
        reminders.ReminderSource(
            name=REPORTS_SOURCE,
            zh=REPORTS_NAMES[1],
            en=REPORTS_NAMES[2],
            permission=P.HAZARDS_READ,
            kinds={"evaluation": REMINDER_KINDS["evaluation"]},
            fields={"valid_until": ("有效期至", "Valid until")},
            items=report_reminders,
            recipients=report_recipients,
        )
    )
    reminders.add_source(
        reminders.ReminderSource(
            name=FINDINGS_SOURCE,
            zh=FINDINGS_NAMES[1],
            en=FINDINGS_NAMES[2],
            permission=P.HAZARDS_READ,
            kinds={"rectification": REMINDER_KINDS["rectification"]},
            fields={"deadline": ("整改期限", "Rectification deadline")},
            items=finding_reminders,
            recipients=finding_recipients,
        )
    )
