"""Special-work permits REST API, part five: the cancellation approval flow (取消审批, AQ 3064.2-2025 §5.7).

A draft or a booking not yet approved is cancelled by its applicant with a reason (the `cancel` action).
From the approved booking until the work starts, cancelling needs approval: the applicant (or anyone
with `permits.apply` who may read the permit) files a request with a reason; the safety office
(`permits.manage`, in scope) is notified and approves it, which revokes the permit through the
transition table with the request's reason, or rejects it with a note; the requester may withdraw a
pending request. A manager may also cancel directly (the `cancel` action): that is their approval.
Every step is on the permit's timeline and in the audit log; one request is pending at a time.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics.reminders import users_holding
from anguan.core.errors import AppError, Conflict, Forbidden, NotFound, Unprocessable
from anguan.core.schemas import RequestModel
from anguan.core.time import utcnow
from anguan.core.timeline import add_timeline, record
from anguan.core.web import TransactionalRoute, get_session
from anguan.identity import permissions as P
from anguan.identity.deps import require
from anguan.identity.schemas import Actor
from anguan.notify import service as notify
from anguan.notify.schemas import NotificationIn
from anguan.permits import flow, service
from anguan.permits.api import READ_ERRORS, WRITE_ERRORS, Id
from anguan.permits.locating import locator_from
from anguan.permits.models import CancelRequest, Permit
from anguan.permits.schemas import CancelRequestOut
from anguan.permits.workflow import TRANSITIONS, Action, State

router = APIRouter(prefix="/permits", tags=["permits"], route_class=TransactionalRoute)

# The states whose cancellation needs approval: the transition table's `cancel` with that guard.
NEEDS_APPROVAL = frozenset(
    t.source for t in TRANSITIONS if t.action is Action.CANCEL and t.guard == "cancellation_approved"
)
CANCEL_REQUEST_STATES = ("pending", "approved", "rejected", "withdrawn")


class CancelRequestIn(RequestModel):
    reason: str = Field(min_length=2, max_length=2000)


class CancelDecisionIn(RequestModel):
    decision: Literal["approve", "reject"]
    note: str | None = Field(default=None, max_length=2000)


async def _pending_or_404(session: AsyncSession, permit_id: int) -> CancelRequest:
    found = await service.pending_cancel_request(session, permit_id)
    if found is None:
        raise NotFound("permits.no_cancel_request", id=permit_id)
    return found


async def _managers_in_scope(session: AsyncSession, permit: Permit) -> list[int]:
    """The active users holding permits.manage who may read this permit."""
    out = []
    for manager in await users_holding(session, P.PERMITS_MANAGE):
        try:
            await service.get_permit(session, manager, permit.id)
        except AppError:
            continue
        out.append(manager.user_id)
    return out


async def _tell(
    session: AsyncSession,
    users: list[int],
    permit: Permit,
    category: str,
    title: tuple[str, str],
    body: tuple[str, str],
) -> None:
    """An in-app notification (zh-CN, en-US) about the permit, linking to it."""
    await notify.send(
        session,
        users,
        NotificationIn(
            category=category,
            severity="medium" if category == "permits.cancel_requested" else "low",
            title_zh=title[0],
            title_en=title[1],
            body_zh=body[0],
            body_en=body[1],
            link=f"/permits/{permit.id}",
            site_id=permit.site_id,
            area_id=permit.area_id,
        ),
    )


async def _trace(
    session: AsyncSession, actor: Actor, permit: Permit, action: str, **evidence: object
) -> None:
    await add_timeline(
        session,
        entity_type="permit",
        entity_id=permit.id,
        action=action,
        actor=service.who(actor),
        from_state=permit.state,
        to_state=permit.state,
        evidence=dict(evidence),
    )
    await record(
        session, service.who(actor), f"permits.{action}", target_type="pm_permit", target_id=permit.id
    )


@router.get("/{permit_id}/cancel-requests", response_model=list[CancelRequestOut], responses=READ_ERRORS)
async def list_cancel_requests(
    permit_id: Id,
    actor: Actor = Depends(require(P.PERMITS_READ)),
    session: AsyncSession = Depends(get_session),
) -> list[CancelRequestOut]:
    """Every cancellation request of the permit, newest first."""
    await service.get_permit(session, actor, permit_id)
    rows = (
        await session.scalars(
            select(CancelRequest)
            .where(CancelRequest.permit_id == permit_id)
            .order_by(CancelRequest.id.desc())
        )
    ).all()
    return [CancelRequestOut.model_validate(r) for r in rows]


@router.post(
    "/{permit_id}/cancel-requests", response_model=CancelRequestOut, status_code=201, responses=WRITE_ERRORS
)
async def request_cancellation(
    permit_id: Id,
    body: CancelRequestIn,
    actor: Actor = Depends(require(P.PERMITS_APPLY)),
    session: AsyncSession = Depends(get_session),
) -> CancelRequestOut:
    """File a cancellation request with its reason; the safety office is notified."""
    permit = await service.get_permit(session, actor, permit_id)
    if State(permit.state) not in NEEDS_APPROVAL:
        raise Conflict("permits.cancel_request_bad_state", state=permit.state)
    if await service.pending_cancel_request(session, permit.id) is not None:
        raise Conflict("permits.cancel_request_pending", id=permit.id)
    now = utcnow()
    reason = body.reason.strip()
    if len(reason) < 2:
        raise Unprocessable("permits.reason_required")
    row = CancelRequest(
        permit_id=permit.id,
        reason=reason,
        requested_by=actor.username,
        requested_by_id=actor.user_id,
        requested_at=now,
        state="pending",
    )
    session.add(row)
    await session.flush()
    await _trace(session, actor, permit, "cancel_requested", reason=reason)
    await _tell(
        session,
        await _managers_in_scope(session, permit),
        permit,
        "permits.cancel_requested",
        (f"作业票取消申请：{permit.number}", f"Cancellation requested: {permit.number}"),
        (f"{permit.location}。原因：{reason}", f"{permit.location}. Reason: {reason}"),
    )
    return CancelRequestOut.model_validate(row)


@router.post("/{permit_id}/cancel-requests/decision", response_model=CancelRequestOut, responses=WRITE_ERRORS)
async def decide_cancellation(
    permit_id: Id,
    body: CancelDecisionIn,
    request: Request,
    actor: Actor = Depends(require(P.PERMITS_MANAGE)),
    session: AsyncSession = Depends(get_session),
) -> CancelRequestOut:
    """Approve (the permit is revoked with the request's reason) or reject (a note is required)."""
    permit = await service.get_permit(session, actor, permit_id)
    row = await _pending_or_404(session, permit.id)
    note = (body.note or "").strip() or None
    now = utcnow()
    if body.decision == "reject":
        if note is None:
            raise Unprocessable("permits.reason_required")
        row.state, row.decided_by, row.decided_at, row.decision_note = "rejected", actor.username, now, note
        await _trace(session, actor, permit, "cancel_rejected", request=row.id, note=note)
    else:
        reason = row.reason if note is None else f"{row.reason}（审批意见：{note}）"
        await flow.act(
            session,
            actor,
            permit,
            Action.CANCEL,
            flow.Step(reason=reason),
            now,
            locator_from(request.app.state),
            request.app.state.bus,
        )
        row.decision_note = note  # flow.act settled it as approved by this manager
    if row.requested_by_id is not None:
        approved = row.state == "approved"
        await _tell(
            session,
            [row.requested_by_id],
            permit,
            "permits.cancel_decided",
            (
                f"取消申请已{'批准' if approved else '驳回'}：{permit.number}",
                f"Cancellation {'approved' if approved else 'rejected'}: {permit.number}",
            ),
            (note or row.reason, note or row.reason),
        )
    return CancelRequestOut.model_validate(row)


@router.delete("/{permit_id}/cancel-requests/pending", status_code=204, responses=WRITE_ERRORS)
async def withdraw_cancellation(
    permit_id: Id,
    actor: Actor = Depends(require(P.PERMITS_READ)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """The requester withdraws their pending request."""
    permit = await service.get_permit(session, actor, permit_id)
    row = await _pending_or_404(session, permit.id)
    if row.requested_by_id != actor.user_id:
        raise Forbidden("permits.not_your_cancel_request")
    row.state, row.decided_by, row.decided_at = "withdrawn", actor.username, utcnow()
    await _trace(session, actor, permit, "cancel_withdrawn", request=row.id)
    return Response(status_code=204)
