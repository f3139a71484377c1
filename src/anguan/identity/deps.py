"""Authentication and authorisation dependencies used by every module's API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.websockets import WebSocket

from anguan.core.errors import Forbidden, NotAuthenticated
from anguan.core.realtime import WsIdentity
from anguan.core.time import utcnow
from anguan.core.web import SAFE_METHODS, client_ip, get_session
from anguan.identity import repository as repo
from anguan.identity import service
from anguan.identity.schemas import Actor
from anguan.identity.security import same

SESSION_COOKIE = "anguan_session"
CSRF_COOKIE = "anguan_csrf"
CSRF_HEADER = "x-csrf-token"
TOUCH_EVERY = timedelta(seconds=60)


def identity_context(request: Request) -> service.IdentityContext:
    """The identity context stored on the app at start-up."""
    ctx: service.IdentityContext = request.app.state.identity
    return ctx


def _token_from(request: Request) -> tuple[str | None, str]:
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip(), "bearer"
    return request.cookies.get(SESSION_COOKIE), "cookie"


async def _signed_in(request: Request, session: AsyncSession, *, password_change_pending_ok: bool) -> Actor:
    token, via = _token_from(request)
    if not token or len(token) > 200:
        raise NotAuthenticated()
    ctx = identity_context(request)
    actor, auth = await service.resolve(session, ctx, token, ip=client_ip(request))
    # Known from here on: every refusal below, or in the endpoint, is audited under this caller
    # (TransactionalRoute writes the access.denied entry, GB/T 22239-2019 8.1.4.3).
    request.state.audit_actor = service.audit_actor(actor)
    if via == "cookie" and request.method not in SAFE_METHODS:
        header = request.headers.get(CSRF_HEADER, "")
        if not auth.csrf_token or not header or not same(header, auth.csrf_token):
            raise Forbidden("common.csrf_failed")
    if actor.must_change_password and not password_change_pending_ok:
        raise Forbidden("identity.password_change_required")
    if utcnow() - auth.last_seen_at >= TOUCH_EVERY:
        if request.method in SAFE_METHODS:
            # Own short transaction: a read request never upgrades its lock on SQLite.
            async with ctx.database.transaction() as s:
                await repo.touch_session(s, auth.id, utcnow())
        else:
            await repo.touch_session(session, auth.id, utcnow())
    request.state.actor = actor
    return actor


async def current_actor(request: Request, session: AsyncSession = Depends(get_session)) -> Actor:
    """The signed-in caller: 401 without a live session, 403 on a failed CSRF check, and 403
    identity.password_change_required while a temporary or expired password is still unchanged
    (GB/T 22239-2019 8.1.4.1 a: authentication information must be changed)."""
    return await _signed_in(request, session, password_change_pending_ok=False)


async def current_actor_before_password_change(
    request: Request, session: AsyncSession = Depends(get_session)
) -> Actor:
    """The signed-in caller, even one who must still change the password: only for the endpoints
    that let them do so (profile, password change, logout, own sessions)."""
    return await _signed_in(request, session, password_change_pending_ok=True)


def require(permission: str, *alternatives: str) -> Callable[..., Awaitable[Actor]]:
    """Dependency: the caller must hold `permission` or an alternative (GB/T 22239-2019 8.1.4.2:
    403 common.forbidden, audited by TransactionalRoute)."""
    accepted = (permission, *alternatives)
    label = " | ".join(accepted)

    async def dependency(actor: Actor = Depends(current_actor)) -> Actor:
        if actor.permissions.isdisjoint(accepted):
            raise Forbidden("common.forbidden", permission=label)
        return actor

    dependency.__name__ = f"require_{permission.replace('.', '_')}"
    return dependency


async def websocket_actor(websocket: WebSocket, session: AsyncSession) -> tuple[Actor, str] | None:
    """Authenticate a WebSocket by session cookie or `?token=`: (actor, session key), or None to refuse."""
    token = websocket.cookies.get(SESSION_COOKIE) or websocket.query_params.get("token")
    if not token or len(token) > 200:
        return None
    ctx: service.IdentityContext = websocket.app.state.identity
    try:
        actor, auth = await service.resolve(session, ctx, token, ip=None)
    except NotAuthenticated:
        return None
    if actor.must_change_password:
        return None  # like every other endpoint, until the password is changed
    return actor, auth.token_hash


async def websocket_identity(websocket: WebSocket) -> WsIdentity | None:
    """Authenticate a WebSocket for the realtime hub (no data-scope filtering); None refuses it."""
    ctx: service.IdentityContext = websocket.app.state.identity
    async with ctx.database.transaction(write=False) as session:
        found = await websocket_actor(websocket, session)
    if found is None:
        return None
    actor, key = found
    return WsIdentity(actor.user_id, key, actor.permissions)
