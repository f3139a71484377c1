"""Notify REST API: the caller's own inbox, and webhook endpoints with their delivery log.

notify sits below identity in the module layers, so it cannot import identity's dependencies: the
app wires the authenticator at start-up as `app.state.authenticate` (identity's `current_actor`,
called as `authenticate(request, session)`), and this module checks the permission code itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.db import MAX_ID
from anguan.core.errors import Conflict, Forbidden, NotAuthenticated, NotFound, Unprocessable, error_responses
from anguan.core.i18n import negotiate_locale
from anguan.core.pagination import Page, PageParams, page_params
from anguan.core.timeline import AuditActor
from anguan.core.web import TransactionalRoute, get_session
from anguan.notify import service
from anguan.notify.channels import SecretBox
from anguan.notify.schemas import (
    DeliveryOut,
    InboxItemOut,
    Principal,
    ReadAllOut,
    UnreadCount,
    WebhookCreated,
    WebhookIn,
    WebhookOut,
    WebhookUpdate,
)

# The code identity's catalogue declares (identity.permissions.NOTIFY_CONFIGURE); a test keeps them equal.
NOTIFY_CONFIGURE = "notify.configure"

router = APIRouter(prefix="/notify", tags=["notify"], route_class=TransactionalRoute)
READ_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound)
WRITE_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound, Conflict, Unprocessable)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Authenticate = Callable[[Request, AsyncSession], Awaitable[Principal]]


async def caller(request: Request, session: AsyncSession = Depends(get_session)) -> Principal:
    """The signed-in caller, through the authenticator the app wired (401/403 as identity decides)."""
    authenticate: Authenticate | None = getattr(request.app.state, "authenticate", None)
    if authenticate is None:
        raise RuntimeError("app.state.authenticate is not wired (identity.deps.current_actor)")
    return await authenticate(request, session)


async def configurer(principal: Principal = Depends(caller)) -> Principal:
    """The caller, who must hold notify.configure (403 common.forbidden, audited by the route)."""
    if NOTIFY_CONFIGURE not in principal.permissions:
        raise Forbidden("common.forbidden", permission=NOTIFY_CONFIGURE)
    return principal


def _locale(request: Request) -> str:
    return negotiate_locale(request.headers.get("accept-language"))


def _who(principal: Principal) -> AuditActor:
    return AuditActor(principal.user_id, principal.username, principal.ip)


def secret_box(request: Request) -> SecretBox:
    """The webhook-secret cipher keyed from the deployment secret (built once per app)."""
    box: SecretBox | None = getattr(request.app.state, "notify_box", None)
    if box is None:
        box = SecretBox(request.app.state.settings.auth.secret_key.get_secret_value())
        request.app.state.notify_box = box
    return box


@router.get("/inbox", response_model=Page[InboxItemOut], responses=READ_ERRORS)
async def list_inbox(
    request: Request,
    unread: bool | None = Query(None),
    params: PageParams = Depends(page_params),
    principal: Principal = Depends(caller),
    session: AsyncSession = Depends(get_session),
) -> Page[InboxItemOut]:
    """The caller's own notifications (`unread=true` for unread only), newest first."""
    return await service.list_inbox(session, principal.user_id, params, unread, _locale(request))


@router.get("/inbox/unread-count", response_model=UnreadCount, responses=READ_ERRORS)
async def unread_count(
    principal: Principal = Depends(caller), session: AsyncSession = Depends(get_session)
) -> UnreadCount:
    """How many of the caller's notifications are unread (the bell's badge)."""
    return UnreadCount(count=await service.unread_count(session, principal.user_id))


@router.post("/inbox/read-all", response_model=ReadAllOut, responses=READ_ERRORS)
async def read_all(
    principal: Principal = Depends(caller), session: AsyncSession = Depends(get_session)
) -> ReadAllOut:
    """Mark all of the caller's notifications read."""
    return ReadAllOut(updated=await service.mark_all_read(session, principal.user_id))


@router.post("/inbox/{item_id}/read", response_model=InboxItemOut, responses=READ_ERRORS)
async def read_one(
    item_id: Id,
    request: Request,
    principal: Principal = Depends(caller),
    session: AsyncSession = Depends(get_session),
) -> InboxItemOut:
    """Mark one of the caller's notifications read (someone else's answers 404)."""
    return await service.mark_read(session, principal.user_id, item_id, _locale(request))


@router.get("/webhooks", response_model=list[WebhookOut], responses=READ_ERRORS)
async def list_webhooks(
    principal: Principal = Depends(configurer), session: AsyncSession = Depends(get_session)
) -> list[WebhookOut]:
    """Configured webhook endpoints (secrets are never returned)."""
    return [WebhookOut.model_validate(w) for w in await service.list_webhooks(session)]


@router.post("/webhooks", response_model=WebhookCreated, status_code=201, responses=WRITE_ERRORS)
async def create_webhook(
    body: WebhookIn,
    request: Request,
    principal: Principal = Depends(configurer),
    session: AsyncSession = Depends(get_session),
) -> WebhookCreated:
    """Add an endpoint; a generated signing secret is shown in this answer only."""
    webhook, generated = await service.create_webhook(session, _who(principal), body, secret_box(request))
    return WebhookCreated.model_validate(
        {**WebhookOut.model_validate(webhook).model_dump(), "secret": generated}
    )


@router.get("/webhooks/{webhook_id}", response_model=WebhookOut, responses=READ_ERRORS)
async def get_webhook(
    webhook_id: Id, principal: Principal = Depends(configurer), session: AsyncSession = Depends(get_session)
) -> WebhookOut:
    """One endpoint."""
    return WebhookOut.model_validate(await service.get_webhook(session, webhook_id))


@router.patch("/webhooks/{webhook_id}", response_model=WebhookOut, responses=WRITE_ERRORS)
async def update_webhook(
    webhook_id: Id,
    body: WebhookUpdate,
    request: Request,
    principal: Principal = Depends(configurer),
    session: AsyncSession = Depends(get_session),
) -> WebhookOut:
    """Edit an endpoint (a `secret` rotates the signing key)."""
    webhook = await service.update_webhook(session, _who(principal), webhook_id, body, secret_box(request))
    return WebhookOut.model_validate(webhook)


@router.delete("/webhooks/{webhook_id}", status_code=204, responses=WRITE_ERRORS)
async def delete_webhook(
    webhook_id: Id, principal: Principal = Depends(configurer), session: AsyncSession = Depends(get_session)
) -> Response:
    """Remove an endpoint and its delivery log."""
    await service.delete_webhook(session, _who(principal), webhook_id)
    return Response(status_code=204)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=Page[DeliveryOut], responses=READ_ERRORS)
async def list_deliveries(
    webhook_id: Id,
    status: Literal["pending", "delivered", "dead"] | None = Query(None),
    params: PageParams = Depends(page_params),
    principal: Principal = Depends(configurer),
    session: AsyncSession = Depends(get_session),
) -> Page[DeliveryOut]:
    """The endpoint's delivery log: attempts, last HTTP status and error, next attempt."""
    return await service.list_deliveries(session, webhook_id, params, status)


@router.post(
    "/webhooks/{webhook_id}/test", response_model=DeliveryOut, status_code=202, responses=WRITE_ERRORS
)
async def test_webhook(
    webhook_id: Id, principal: Principal = Depends(configurer), session: AsyncSession = Depends(get_session)
) -> DeliveryOut:
    """Queue a signed test delivery (sent by the worker within seconds; see the delivery log)."""
    return DeliveryOut.model_validate(await service.queue_test(session, _who(principal), webhook_id))
