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
from anguan.core.timeline import AuditActor, record_now
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


async def current_actor(request: Request, session: AsyncSession = Depends(get_session)) -> Actor:
    """The signed-in caller; 401 when there is no live session, 403 on a failed CSRF check."""
    token, via = _token_from(request)
    if not token or len(token) > 200:
        raise NotAuthenticated()
    ctx = identity_context(request)
    actor, auth = await service.resolve(session, ctx, token, ip=client_ip(request))
    if via == "cookie" and request.method not in SAFE_METHODS:
        header = request.headers.get(CSRF_HEADER, "")
        if not auth.csrf_token or not header or not same(header, auth.csrf_token):
            raise Forbidden("common.csrf_failed")
    if utcnow() - auth.last_seen_at >= TOUCH_EVERY:
        if request.method in SAFE_METHODS:
            # Own short transaction: a read request never upgrades its lock on SQLite.
            async with ctx.database.transaction() as s:
                await repo.touch_session(s, auth.id, utcnow())
        else:
            await repo.touch_session(session, auth.id, utcnow())
    request.state.actor = actor
    return actor


def require(permission: str, *alternatives: str) -> Callable[..., Awaitable[Actor]]:
    """Dependency: the caller must hold `permission` or an alternative (403 common.forbidden, audited)."""
    accepted = (permission, *alternatives)
    label = " | ".join(accepted)

    async def dependency(
        request: Request, actor: Actor = Depends(current_actor), session: AsyncSession = Depends(get_session)
    ) -> Actor:
        if actor.permissions.isdisjoint(accepted):
            await session.rollback()  # release the request's lock before the side transaction
            await record_now(
                identity_context(request).database,
                AuditActor(actor.user_id, actor.username, actor.ip),
                "access.denied",
                result="denied",
                detail={"permission": label, "method": request.method, "path": request.url.path},
            )
            raise Forbidden("common.forbidden", permission=label)
        return actor

    dependency.__name__ = f"require_{permission.replace('.', '_')}"
    return dependency


async def websocket_identity(websocket: WebSocket) -> WsIdentity | None:
    """Authenticate a WebSocket by session cookie or `?token=`; None refuses it."""
    token = websocket.cookies.get(SESSION_COOKIE) or websocket.query_params.get("token")
    if not token or len(token) > 200:
        return None
    ctx: service.IdentityContext = websocket.app.state.identity
    async with ctx.database.transaction(write=False) as session:
        try:
            actor, auth = await service.resolve(session, ctx, token, ip=None)
        except NotAuthenticated:
            return None
    return WsIdentity(actor.user_id, auth.token_hash, actor.permissions)
