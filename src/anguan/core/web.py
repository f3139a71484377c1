"""Request plumbing: one transaction per request, committed at the edge, request ids."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Coroutine
from typing import Any, cast

from fastapi import Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from anguan.core.db import Database, run_after_commit
from anguan.core.errors import AppError, Forbidden
from anguan.core.timeline import AuditActor, record_now

log = logging.getLogger("anguan.web")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class AuditedRefusal(Forbidden):
    """A 403 whose raiser has already written its own audit entry (a failed re-authentication),
    so TransactionalRoute adds no `access.denied` of its own."""


class TransactionalRoute(APIRoute):
    """Opens the request's session before the endpoint and commits it after, then releases events.

    A response with status >= 400 rolls back, so a refused request changes nothing. A refusal
    (an AppError with status 403 from the endpoint or any of its dependencies) is audited here,
    once, as `access.denied` in its own transaction (GB/T 22239-2019 8.1.4.3 a/b: every user's
    security-relevant events, with their outcome). The caller is whatever the authentication
    dependency left in `request.state.audit_actor` (anonymous when it never got that far).
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            database: Database = request.app.state.database
            session = database.new_session(write=request.method not in SAFE_METHODS)
            request.state.db_session = session
            committed = False
            try:
                response = await original(request)
                if response.status_code < 400:
                    await session.commit()
                    committed = True
                else:
                    await session.rollback()
            except AppError as exc:
                # Roll back first: on SQLite the audit's own transaction needs the write lock.
                await session.rollback()
                if exc.status_code == 403 and not isinstance(exc, AuditedRefusal):
                    await _audit_refusal(request, database, exc)
                raise
            except BaseException:
                await session.rollback()
                raise
            finally:
                await session.close()
            if committed:
                await run_after_commit(session)
            else:
                # Rolled back: the queued events describe changes that never happened.
                session.info.pop("after_commit", None)
            return response

        return handler


async def _audit_refusal(request: Request, database: Database, exc: AppError) -> None:
    """GB/T 22239-2019 8.1.4.3: write one `access.denied` entry for a refused request."""
    actor = getattr(request.state, "audit_actor", None)
    detail = {
        "code": exc.instance_code,
        "method": request.method,
        "path": request.url.path,
        # Through JSON so whatever a raiser put in its params fits the audit row's JSON column.
        "params": json.loads(json.dumps(exc.params, default=str)),
    }
    try:
        await record_now(
            database,
            actor if isinstance(actor, AuditActor) else None,
            "access.denied",
            result="denied",
            detail=detail,
        )
    except Exception:
        # The refusal stands whether or not its audit entry could be written; the failure is logged.
        log.exception("could not audit a refused request: %s %s", request.method, request.url.path)


def get_session(request: Request) -> AsyncSession:
    """The request's session (opened by TransactionalRoute)."""
    return cast(AsyncSession, request.state.db_session)


def get_database(request: Request) -> Database:
    """The process's Database (for work that must commit on its own)."""
    return cast(Database, request.app.state.database)


def client_ip(request: Request) -> str | None:
    """The caller's address (the first X-Forwarded-For hop when behind the trusted proxy)."""
    fwd = request.headers.get("x-forwarded-for")
    if fwd and getattr(request.app.state, "trust_proxy", False):
        return fwd.split(",")[0].strip()[:64]
    return request.client.host if request.client else None


# Sent with every response (等保2.0: the browser must not frame, sniff or run foreign content).
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        b"font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
    ),
)


class RequestIdMiddleware:
    """Tags each request with an id, echoed in `X-Request-ID` and in error bodies, and adds the
    security headers (pure ASGI)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = ""
        for name, value in scope.get("headers", ()):
            if name == b"x-request-id":
                rid = value.decode("latin-1")
        if not (0 < len(rid) <= 64 and rid.replace("-", "").isalnum()):
            rid = uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.append((b"x-request-id", rid.encode()))
                # A route may set a stricter policy of its own (the drawing endpoint does).
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_id)
