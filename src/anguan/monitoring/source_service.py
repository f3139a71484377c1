"""Monitoring data sources: CRUD with masked secrets, HTTP batch tokens and token lookup."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.errors import Conflict, Forbidden, NotFound
from anguan.core.events import EventBus
from anguan.core.timeline import record
from anguan.identity.schemas import Actor
from anguan.monitoring import repository as repo
from anguan.monitoring.config_events import SourcesChanged
from anguan.monitoring.models import Source
from anguan.monitoring.point_service import _who
from anguan.monitoring.schemas import SourceIn, SourceOut, SourceUpdate, SourceWithToken

SECRET_HINTS = ("password", "passwd", "secret", "token", "key", "credential")
MASK = "***"


# ============================================================== sources


def _redact(config: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: (MASK if any(h in k.lower() for h in SECRET_HINTS) and v not in (None, "") else v)
        for k, v in config.items()
    }


def source_out(s: Source, token: str | None = None) -> SourceWithToken:
    """A source as the API returns it: secret-looking config values masked, the token only when new."""
    return SourceWithToken(
        id=s.id,
        code=s.code,
        name=s.name,
        kind=s.kind,
        enabled=s.enabled,
        config=_redact(s.config or {}),
        has_token=s.token_hash is not None,
        last_seen_at=s.last_seen_at,
        created_at=s.created_at,
        updated_at=s.updated_at,
        token=token,
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _require_all_data(actor: Actor) -> None:
    # Sources serve every site: only callers with the whole enterprise in scope configure them.
    if not actor.all_data:
        raise Forbidden("identity.out_of_scope")


async def list_sources(session: AsyncSession) -> list[SourceOut]:
    """Every data source (secrets masked)."""
    return [
        SourceOut.model_validate(source_out(s).model_dump(exclude={"token"}))
        for s in await repo.sources(session)
    ]


async def create_source(
    session: AsyncSession, bus: EventBus, actor: Actor, body: SourceIn
) -> SourceWithToken:
    """Register a data source; an HTTP batch source gets a token, shown in this answer only."""
    _require_all_data(actor)
    if await repo.source_by_code(session, body.code) is not None:
        raise Conflict("monitoring.source_code_taken", code=body.code)
    token = secrets.token_urlsafe(32) if body.kind == "http" else None
    s = Source(
        code=body.code,
        name=body.name,
        kind=body.kind,
        enabled=body.enabled,
        config=body.config,
        token_hash=_digest(token) if token else None,
    )
    session.add(s)
    await session.flush()
    await record(
        session,
        _who(actor),
        "monitoring.source_created",
        target_type="source",
        target_id=s.id,
        detail={"code": s.code, "kind": s.kind},
    )
    bus.emit(session, SourcesChanged(change="created", source_id=s.id))
    return source_out(s, token)


async def _get_source(session: AsyncSession, source_id: int) -> Source:
    s = await repo.source(session, source_id)
    if s is None:
        raise NotFound("monitoring.source_not_found", id=source_id)
    return s


async def update_source(
    session: AsyncSession, bus: EventBus, actor: Actor, source_id: int, body: SourceUpdate
) -> SourceWithToken:
    """Rename, enable/disable or reconfigure a source; a masked secret sent back keeps its value."""
    _require_all_data(actor)
    s = await _get_source(session, source_id)
    changes = body.model_dump(exclude_unset=True)
    if "config" in changes:
        old = s.config or {}
        changes["config"] = {
            k: (old.get(k) if v == MASK and k in old else v) for k, v in changes["config"].items()
        }
    for k, v in changes.items():
        setattr(s, k, v)
    await session.flush()
    await record(
        session,
        _who(actor),
        "monitoring.source_updated",
        target_type="source",
        target_id=s.id,
        detail={"code": s.code, "changes": _redact({k: v for k, v in changes.items() if k != "config"})}
        | ({"config_keys": sorted(changes["config"])} if "config" in changes else {}),
    )
    bus.emit(session, SourcesChanged(change="updated", source_id=s.id))
    return source_out(s)


async def rotate_source_token(
    session: AsyncSession, bus: EventBus, actor: Actor, source_id: int
) -> SourceWithToken:
    """Issue a new HTTP batch token (the old one stops working at commit)."""
    _require_all_data(actor)
    s = await _get_source(session, source_id)
    if s.kind != "http":
        raise Conflict("monitoring.source_not_http", code=s.code)
    token = secrets.token_urlsafe(32)
    s.token_hash = _digest(token)
    await session.flush()
    await record(
        session,
        _who(actor),
        "monitoring.source_token_rotated",
        target_type="source",
        target_id=s.id,
        detail={"code": s.code},
    )
    bus.emit(session, SourcesChanged(change="token_rotated", source_id=s.id))
    return source_out(s, token)


async def source_by_token(session: AsyncSession, token: str) -> Source | None:
    """The enabled HTTP source a batch-ingest bearer token belongs to (None: refuse the request)."""
    if not token or len(token) > 200:
        return None
    return await repo.source_by_token_hash(session, _digest(token))
