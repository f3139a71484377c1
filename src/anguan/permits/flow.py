"""The permit life cycle: one `act` runs a workflow action through its guard (workflow.GUARDS), writes
the timeline entry and the audit, and emits the action's event.

A guard that finds what AQ 3064.2-2025 makes a blocking rule raises `Blocked` with the 表A.4 codes;
the API records those alarms in a transaction of their own, since the refused request rolls back.
Signatures (each step of GB 30871-2022 表B.1 in order) seal the SHA-256 of the permit content; the
last signing step issues the permit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics import eligibility_service
from anguan.basics.models import Person
from anguan.core.errors import Conflict, Forbidden, Unprocessable
from anguan.core.events import DomainEvent, EventBus
from anguan.core.files import StoredFile
from anguan.core.timeline import add_timeline, record
from anguan.identity import permissions as P
from anguan.identity.schemas import Actor
from anguan.permits import reference as ref
from anguan.permits import rules, service
from anguan.permits.locating import LocationCheck, Position
from anguan.permits.models import (
    CancelRequest,
    Measure,
    Permit,
    PermitPerson,
    Signature,
    Signer,
    SigningDelegation,
)
from anguan.permits.reference import BLINDING, CONFINED_SPACE, WORK_AT_HEIGHT
from anguan.permits.workflow import Action, State, transition


class Blocked(Conflict):
    """An action refused by a blocking rule; `alarms` are the 表A.4 codes it raises."""

    code: ClassVar[str] = "permits.blocked"

    def __init__(self, alarms: list[str], **params: Any) -> None:
        super().__init__("permits.blocked", alarms=", ".join(alarms), **params)
        self.alarms = alarms


class PermitChanged(DomainEvent):
    """A permit moved in its life cycle (the map, the ledger and the park platform follow)."""

    name: ClassVar[str] = "permits.changed"
    topic: ClassVar[str | None] = "permits"
    permit_id: int
    number: str
    work_type: str
    action: str
    state: str
    previous: str
    site_id: int
    area_id: int | None

    def realtime_scope(self) -> dict[str, int] | None:
        scope = {"site_id": self.site_id}
        if self.area_id is not None:
            scope["area_id"] = self.area_id
        return scope


@dataclass
class Step:
    """What a caller sends with an action."""

    reason: str | None = None
    opinion: str | None = None
    image_id: int | None = None
    position: Position = field(default_factory=Position)
    photos: list[int] = field(default_factory=list)  # evidence photos (the caller's uploads)


# Who may ask for each action (the guard then decides whether it may happen now).
PERMISSION: dict[Action, tuple[str, ...]] = {
    Action.SUBMIT_BOOKING: (P.PERMITS_APPLY,),
    Action.APPROVE_BOOKING: (P.PERMITS_MANAGE,),
    Action.REJECT_BOOKING: (P.PERMITS_MANAGE,),
    Action.APPLY: (P.PERMITS_APPLY,),
    Action.SUBMIT_FOR_SIGNING: (P.PERMITS_APPLY,),
    Action.SIGN: (P.PERMITS_SIGN, P.PERMITS_APPLY),
    Action.REJECT_SIGNING: (P.PERMITS_SIGN,),
    Action.ISSUE: (P.PERMITS_SIGN,),
    Action.START: (P.PERMITS_APPLY,),
    Action.PAUSE: (P.PERMITS_APPLY, P.PERMITS_SIGN, P.PERMITS_MANAGE),
    Action.SUSPEND: (),  # the system only
    Action.RESUME: (P.PERMITS_APPLY,),
    Action.FINISH: (P.PERMITS_APPLY,),
    Action.ACCEPT: (P.PERMITS_SIGN, P.PERMITS_APPLY),
    Action.REJECT_ACCEPTANCE: (P.PERMITS_SIGN,),
    Action.CANCEL: (P.PERMITS_APPLY, P.PERMITS_MANAGE),
    Action.VOID: (P.PERMITS_MANAGE,),
    Action.CLOSE_FOR_REISSUE: (P.PERMITS_APPLY, P.PERMITS_MANAGE),
}


async def _signed(session: AsyncSession, permit: Permit) -> list[str]:
    return [s.step for s in await service.signatures(session, permit.id)]


def _steps(permit: Permit) -> list[ref.Step]:
    return rules.approval_steps(permit.work_type, permit.grade)


async def _latest_passed_gas(session: AsyncSession, permit: Permit) -> datetime | None:
    tests = await service.gas_tests(session, permit.id)
    passed = [t.sampled_at for t in tests if t.passed]
    if tests and not tests[-1].passed:
        raise Unprocessable("permits.gas_failed", point=tests[-1].point)
    return max(passed) if passed else None


async def _certificate_alarms(
    session: AsyncSession, actor: Actor, permit: Permit, now: datetime
) -> list[str]:
    """The master-data eligibility answers (AQ 5/50–5/52) of the permit's workers, stored on them."""
    workers = [p for p in await service.people_of(session, permit.id) if p.role in ("worker", "electrician")]
    if not workers:
        return []
    day = now.astimezone(service.PLANT_TZ).date()
    answers = await eligibility_service.check_batch(
        session, eligibility_service_actor(actor), [w.person_id for w in workers], permit.work_type, day
    )
    codes = []
    for w, a in zip(workers, answers, strict=True):
        w.eligible, w.eligibility_code, w.checked_at = a.ok, a.alarm_code, now
        if a.certificates:
            w.certificate_no = a.certificates[0].number
        if not a.ok and a.alarm_code:
            codes.append(a.alarm_code)
    return sorted(set(codes))


def eligibility_service_actor(actor: Actor) -> Actor:
    """The eligibility check answers for every person named on the permit, whatever the caller's
    data scope (a contractor worker is not in the caller's department)."""
    return Actor(
        user_id=actor.user_id,
        username=actor.username,
        permissions=actor.permissions,
        scopes=(*actor.scopes, *_ALL),
        session_id=actor.session_id,
        session_kind=actor.session_kind,
    )


def _all_scope() -> tuple[Any, ...]:
    from anguan.identity.schemas import Scope

    return (Scope(kind="all"),)


_ALL = _all_scope()


async def _guardians(session: AsyncSession, permit: Permit) -> list[int]:
    return [p.person_id for p in await service.people_of(session, permit.id) if p.role == "guardian"]


async def _signing_ready(session: AsyncSession, actor: Actor, permit: Permit, now: datetime) -> None:
    """Guard `signing_ready` (AQ 3064.2-2025 §5.4.3–5.4.5)."""
    if not await _guardians(session, permit):
        raise Unprocessable("permits.no_guardian")
    measures = (await session.scalars(select(Measure).where(Measure.permit_id == permit.id))).all()
    linked = await service.linked_types(session, permit.id)
    required = set((permit.details or {}).get("related_types") or [])
    needs_gas = rules.gas_analysis_required(permit.work_type, permit.hazardous_area)
    snapshot = rules.SigningSnapshot(
        work_type=permit.work_type,
        grade=permit.grade,
        needs_gas=needs_gas,
        gas_sampled_at=await _latest_passed_gas(session, permit) if needs_gas else None,
        now=now,
        risk_identified=bool(permit.risks),
        measures_confirmed=bool(measures)
        and all(m.involved is not None and m.confirmed_by for m in measures),
        briefing_done=permit.briefing_at is not None,
        certificate_alarms=tuple(await _certificate_alarms(session, actor, permit, now)),
        related_required=frozenset(required),
        related_obtained=frozenset(linked),
        related_linked=frozenset(linked),
    )
    codes = rules.signing_blockers(snapshot)
    if permit.work_type == "hot_work" and permit.grade and permit.required_grade:
        codes += rules.not_upgraded_alarms(permit.grade, permit.required_grade, permit.upgrade_causes)
    if permit.work_type == BLINDING:
        blinds = [
            rules.BlindAction(str(b.get("blind_no", "")), str(b.get("action", "")))
            for b in (permit.details or {}).get("blinds") or []
        ]
        for problem in rules.blind_permit_problems(blinds):
            if problem.alarm:
                codes.append(problem.alarm)
            else:
                raise Unprocessable(problem.code)
        await _pipeline_free(session, permit)
    if codes:
        raise Blocked(codes)


async def _pipeline_free(session: AsyncSession, permit: Permit) -> None:
    """GB 30871-2022 §7.10: no second live blinding permit on the same pipeline."""
    pipeline = str((permit.details or {}).get("pipeline") or "").strip()
    if not pipeline:
        raise Unprocessable("permits.pipeline_required")
    others = (
        await session.scalars(
            select(Permit).where(
                Permit.work_type == BLINDING,
                Permit.id != permit.id,
                Permit.state.in_([State.SIGNING, *service.LIVE]),
            )
        )
    ).all()
    jobs = [rules.BlindJob(str(p.id), str((p.details or {}).get("pipeline") or "").strip()) for p in others]
    jobs.append(rules.BlindJob(str(permit.id), pipeline))
    if rules.pipeline_conflicts(jobs):
        raise Conflict(rules.PIPELINE_CONFLICT, pipeline=pipeline)


async def signer_may_sign(
    session: AsyncSession, actor: Actor, permit: Permit, step: ref.Step, now: datetime
) -> int | None:
    """Whether the caller may sign `step`; returns the user signed for when delegated (委托签批)."""
    if step.role in ("work_leader", "commander"):
        if step.role == "work_leader":
            people = [permit.leader_id]
        else:
            people = [
                p.person_id for p in await service.people_of(session, permit.id) if p.role == "commander"
            ]
        users = set((await session.scalars(select(Person.user_id).where(Person.id.in_(people)))).all())
        if actor.user_id in users:
            return None
        raise Forbidden("permits.not_your_step", step=step.code)
    holders = set(
        (
            await session.scalars(
                select(Signer.user_id).where(
                    Signer.role == step.role,
                    (Signer.area_id.is_(None)) | (Signer.area_id == permit.area_id),
                )
            )
        ).all()
    )
    if actor.user_id in holders:
        return None
    delegation = (
        await session.scalars(
            select(SigningDelegation).where(
                SigningDelegation.to_user_id == actor.user_id,
                SigningDelegation.role == step.role,
                # [valid_from, valid_until): a withdrawn delegation ends at the moment of withdrawal
                SigningDelegation.valid_from <= now,
                SigningDelegation.valid_until > now,
                SigningDelegation.from_user_id.in_(holders or {0}),
            )
        )
    ).first()
    if delegation is not None:
        return delegation.from_user_id
    raise Forbidden("permits.not_your_step", step=step.code)


async def sign_step(
    session: AsyncSession,
    actor: Actor,
    permit: Permit,
    step: Step,
    now: datetime,
    checker: LocationCheck,
    phase: str | None = None,
) -> Signature:
    """Sign the permit's next step, at the work site (guard `may_sign_on_site`)."""
    signed = await _signed(session, permit)
    try:
        current = rules.next_step(_steps(permit), signed)
    except rules.PermitInputError as exc:
        raise service.refuse(exc) from exc
    if current is None or (phase is not None and current.phase != phase):
        raise Conflict("permits.no_step_to_sign", state=permit.state)
    on_behalf = await signer_may_sign(session, actor, permit, current, now)
    if step.position.empty:
        raise Unprocessable("permits.position_required")
    on_site = await checker.on_site(session, actor.user_id, permit, step.position)
    if on_site is False:
        raise Blocked(["3/30"], step=current.code)
    if on_site is None:
        raise Unprocessable("permits.position_unusable")
    if step.image_id is not None:
        owner = await session.scalar(select(StoredFile.created_by).where(StoredFile.id == step.image_id))
        if owner != actor.user_id:
            raise Unprocessable("permits.unknown_signature_image", id=step.image_id)
    digest = service.content_hash(await service.content_of(session, permit))
    if permit.content_hash is None:
        permit.content_hash = digest
    sig = Signature(
        permit_id=permit.id,
        step=current.code,
        phase=current.phase,
        signer_id=actor.user_id,
        signer_name=actor.username,
        on_behalf_of=on_behalf,
        opinion=step.opinion,
        signed_at=now,
        x=step.position.x,
        y=step.position.y,
        lat=step.position.lat,
        lon=step.position.lon,
        on_site=on_site,
        image_id=step.image_id,
        content_hash=digest,
    )
    session.add(sig)
    await session.flush()
    return sig


async def act(
    session: AsyncSession,
    actor: Actor,
    permit: Permit,
    action: Action,
    step: Step,
    now: datetime,
    checker: LocationCheck,
    bus: EventBus | None = None,
) -> Permit:
    """Run one action through the transition table and its guard."""
    if step.photos:
        owned = set(
            (
                await session.scalars(
                    select(StoredFile.id).where(
                        StoredFile.id.in_(step.photos), StoredFile.created_by == actor.user_id
                    )
                )
            ).all()
        )
        if set(step.photos) - owned:
            raise Unprocessable(
                "permits.unknown_photo", ids=",".join(map(str, sorted(set(step.photos) - owned)))
            )
    needed = PERMISSION[action]
    if action is Action.SUSPEND or (needed and actor.permissions.isdisjoint(needed)):
        raise Forbidden("common.forbidden", permission=" | ".join(needed) or "system")
    before = State(permit.state)
    try:
        target, guard = transition(before, action)
    except rules.PermitInputError as exc:
        raise Conflict("permits.bad_transition", state=before.value, action=action.value) from exc
    evidence: dict[str, Any] = {}
    await GUARDS[guard](Ctx(session, actor, permit, action, step, now, checker, evidence))
    await _apply(session, permit, action, target, step, now)
    if action is Action.SIGN and target is State.SIGNING:
        if rules.phase_complete(_steps(permit), await _signed(session, permit), "signing"):
            await _move(session, actor, permit, State.SIGNING, Action.SIGN, evidence, step, now, bus)
            permit.issued_at = now
            target, action = State.ISSUED, Action.ISSUE
            before = State.SIGNING
    await _move(session, actor, permit, before, action, evidence, step, now, bus, target)
    if action is Action.CANCEL:
        # a pending cancellation request is settled by the cancellation itself (cancel_api.py)
        for req in (
            await session.scalars(
                select(CancelRequest).where(
                    CancelRequest.permit_id == permit.id, CancelRequest.state == "pending"
                )
            )
        ).all():
            req.state, req.decided_by, req.decided_at = "approved", actor.username, now
    return permit


async def _move(
    session: AsyncSession,
    actor: Actor,
    permit: Permit,
    before: State,
    action: Action,
    evidence: Mapping[str, Any],
    step: Step,
    now: datetime,
    bus: EventBus | None,
    target: State | None = None,
) -> None:
    to = target or State(permit.state)
    permit.state = to.value
    pos = step.position
    await add_timeline(
        session,
        entity_type="permit",
        entity_id=permit.id,
        action=action.value,
        actor=service.who(actor),
        from_state=before.value,
        to_state=to.value,
        location=None if pos.empty else {"x": pos.x, "y": pos.y, "lat": pos.lat, "lon": pos.lon},
        evidence={
            **evidence,
            **({"reason": step.reason} if step.reason else {}),
            **({"photos": step.photos} if step.photos else {}),
        },
    )
    await record(
        session,
        service.who(actor),
        f"permits.{action.value}",
        target_type="pm_permit",
        target_id=permit.id,
        detail={"from": before.value, "to": to.value},
    )
    if bus is not None:
        bus.emit(
            session,
            PermitChanged(
                permit_id=permit.id,
                number=permit.number,
                work_type=permit.work_type,
                action=action.value,
                state=to.value,
                previous=before.value,
                site_id=permit.site_id,
                area_id=permit.area_id,
            ),
            durable=True,
        )


async def _apply(
    session: AsyncSession, permit: Permit, action: Action, target: State, step: Step, now: datetime
) -> None:
    """The facts an action records on the permit."""
    if action is Action.SUBMIT_BOOKING:
        permit.booked_at = now
    elif action is Action.START:
        permit.started_at = permit.started_at or now
    elif action in (Action.PAUSE, Action.SUSPEND):
        permit.paused_at = now
    elif action is Action.RESUME:
        permit.paused_at = None
    elif action is Action.FINISH:
        permit.finished_at = now
    elif action is Action.ACCEPT:
        permit.accepted_at = now
    elif action is Action.CANCEL:
        permit.cancel_cause = step.reason
    elif action is Action.VOID:
        permit.void_cause = step.reason
    elif action is Action.CLOSE_FOR_REISSUE:
        permit.change_cause = step.reason


# ------------------------------------------------------------------------------ guards


@dataclass
class Ctx:
    """What a guard sees: the action in progress and the evidence it adds to the timeline."""

    session: AsyncSession
    actor: Actor
    permit: Permit
    action: Action
    step: Step
    now: datetime
    checker: LocationCheck
    evidence: dict[str, Any]

    def unpack(
        self,
    ) -> tuple[AsyncSession, Actor, Permit, Step, datetime, LocationCheck, dict[str, Any]]:
        return self.session, self.actor, self.permit, self.step, self.now, self.checker, self.evidence


async def _g_booking_ok(c: Ctx) -> None:
    if not rules.booking_ok(c.now, c.permit.planned_start, c.permit.emergency):
        raise Unprocessable("permits.booking_too_late", planned_start=c.permit.planned_start.isoformat())


async def _g_nothing(c: Ctx) -> None:
    return None


async def _g_reason(c: Ctx) -> None:
    if not (c.step.reason and c.step.reason.strip()):
        raise Unprocessable("permits.reason_required")


async def _g_cancellation(c: Ctx) -> None:
    await _g_reason(c)
    if P.PERMITS_MANAGE not in c.actor.permissions:
        raise Forbidden("permits.cancellation_needs_approval")


async def _g_application(c: Ctx) -> None:
    people = await service.people_of(c.session, c.permit.id)
    if not any(p.role == "worker" for p in people):
        raise Unprocessable("permits.no_worker")
    if not any(p.role == "guardian" for p in people):
        raise Unprocessable("permits.no_guardian")


async def _g_signing_ready(c: Ctx) -> None:
    await _signing_ready(c.session, c.actor, c.permit, c.now)


async def _g_sign(c: Ctx) -> None:
    phase = "signing" if c.permit.state == State.SIGNING else "start"
    sig = await sign_step(c.session, c.actor, c.permit, c.step, c.now, c.checker, phase)
    c.evidence |= {"c.step": sig.step, "content_hash": sig.content_hash, "signature_id": sig.id}


async def _g_all_signed(c: Ctx) -> None:
    if not rules.phase_complete(_steps(c.permit), await _signed(c.session, c.permit), "signing"):
        raise Conflict("permits.not_all_signed")


async def _guardian_on_post(
    session: AsyncSession, permit: Permit, step: Step, checker: LocationCheck, actor: Actor
) -> None:
    guardians = await _guardians(session, permit)
    if not guardians:
        raise Unprocessable("permits.no_guardian")
    policy_others = (
        await session.execute(
            select(Permit.work_type, Permit.grade)
            .join(PermitPerson, PermitPerson.permit_id == Permit.id)
            .where(
                PermitPerson.person_id.in_(guardians),
                PermitPerson.role == "guardian",
                PermitPerson.active.is_(True),
                Permit.id != permit.id,
                Permit.state.in_([State.IN_PROGRESS, State.PAUSED]),
            )
        )
    ).all()
    if rules.guardian_overloaded([(t, g) for t, g in policy_others], permit.work_type, permit.grade):
        raise Conflict("permits.guardian_overloaded")


async def _g_start(c: Ctx) -> None:
    if c.now < c.permit.planned_start:  # 作业实施时间 自…至… (GB 30871-2022 附录A)
        raise Conflict("permits.before_planned_start", planned_start=c.permit.planned_start.isoformat())
    if not rules.phase_complete(_steps(c.permit), await _signed(c.session, c.permit), "start"):
        raise Conflict("permits.shift_check_missing")
    codes = []
    if rules.gas_analysis_required(c.permit.work_type, c.permit.hazardous_area):
        code = rules.gas_fresh(await _latest_passed_gas(c.session, c.permit), c.now)
        if code:
            codes.append(code)
    if c.permit.valid_until is not None and rules.permit_overtime(c.permit.valid_until, c.now):
        codes.append("1/10")
    if codes:
        raise Blocked(codes)
    await _guardian_on_post(c.session, c.permit, c.step, c.checker, c.actor)


async def _g_resume(c: Ctx) -> None:
    codes = []
    if c.permit.valid_until is not None and rules.permit_overtime(c.permit.valid_until, c.now):
        codes.append("1/10")
    tests = [t for t in await service.gas_tests(c.session, c.permit.id) if t.passed]
    needs_gas = rules.gas_analysis_required(c.permit.work_type, c.permit.hazardous_area)
    if needs_gas and c.permit.paused_at is not None:
        if rules.retest_needed(c.permit.work_type, c.permit.grade, c.permit.paused_at, c.now):
            fresh = [t for t in tests if t.sampled_at >= c.permit.paused_at]
            if not fresh or rules.gas_fresh(max(t.sampled_at for t in fresh), c.now):
                codes.append("0/03")
        if c.permit.started_at is not None and rules.daily_retest_missing(
            c.permit.work_type,
            c.permit.grade,
            c.permit.started_at,
            c.now,
            [t.sampled_at for t in tests],
            hazardous_area=c.permit.hazardous_area,
        ):
            codes.append("0/04")
    if c.permit.work_type == WORK_AT_HEIGHT and not (c.step.reason or "").strip():
        raise Unprocessable("permits.height_reconfirm_required")  # §8.2.11
    if codes:
        raise Blocked(codes)


async def _g_finish(c: Ctx) -> None:
    if c.permit.work_type == CONFINED_SPACE:
        left = await service.inside(c.session, c.permit.id)
        if left:
            raise Conflict("permits.still_inside", names="、".join(e.name for e in left)[:200])


async def _g_acceptance(c: Ctx) -> None:
    sig = await sign_step(c.session, c.actor, c.permit, c.step, c.now, c.checker, "acceptance")
    c.evidence |= {"c.step": sig.step, "content_hash": sig.content_hash, "signature_id": sig.id}


async def _g_within_validity(c: Ctx) -> None:
    await _g_reason(c)
    if c.permit.valid_until is not None and rules.permit_overtime(c.permit.valid_until, c.now):
        raise Blocked(["1/10"])


GUARDS: dict[str, Callable[[Ctx], Awaitable[None]]] = {
    "booking_ok": _g_booking_ok,
    "booking_approver": _g_nothing,  # the permission (permits.manage) is the guard
    "reason_given": _g_reason,
    "application_complete": _g_application,
    "signing_ready": _g_signing_ready,
    "may_sign_on_site": _g_sign,
    "all_signed": _g_all_signed,
    "start_ready": _g_start,
    "resume_ready": _g_resume,
    "none": _g_nothing,
    "finish_ready": _g_finish,
    "acceptance_signed": _g_acceptance,
    "within_validity": _g_within_validity,
    "cancellation_approved": _g_cancellation,
    "void_reason": _g_reason,
    "reissue_trigger": _g_reason,
}


async def reissue(session: AsyncSession, actor: Actor, old: Permit, now: datetime) -> Permit:
    """The new permit after a close-for-reissue (GB 30871-2022 §4.16/§4.17): same content, a new
    number, back to application (analysis, measures and signatures are redone)."""
    values = {k: getattr(old, k) for k in service.CONTENT_FIELDS}
    values["planned_start"] = max(now, old.planned_start)
    if values["planned_end"] <= values["planned_start"]:
        raise Unprocessable("permits.reissue_needs_new_period")
    new = await service.create(session, actor, values, now)
    new.replaces_id = old.id
    new.state = State.APPLYING.value
    people = await service.people_of(session, old.id)
    await service.set_people(session, actor, new, [(p.person_id, p.role) for p in people], now)
    return new


async def suspend(
    session: AsyncSession, permit: Permit, now: datetime, cause: str, bus: EventBus | None
) -> bool:
    """The system pauses a live permit (a detector over its limit, the guardian off post)."""
    if permit.state != State.IN_PROGRESS:
        return False
    system = Actor(
        user_id=0,
        username="system",
        permissions=frozenset(),
        scopes=_ALL,
        session_id=0,
        session_kind="system",
    )
    target, _ = transition(State.IN_PROGRESS, Action.SUSPEND)
    permit.paused_at = now
    await _move(
        session,
        system,
        permit,
        State.IN_PROGRESS,
        Action.SUSPEND,
        {"cause": cause},
        Step(reason=cause),
        now,
        bus,
        target,
    )
    return True
