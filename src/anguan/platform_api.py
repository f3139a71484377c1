"""Cross-cutting endpoints: health, attachments and the realtime WebSocket."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Path, Request, Response, UploadFile, WebSocket
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from anguan import __version__
from anguan.core.db import MAX_ID
from anguan.core.errors import Forbidden, NotAuthenticated, NotFound, PayloadTooLarge, error_responses
from anguan.core.files import LocalFileStore, StoredFile
from anguan.core.realtime import RealtimeHub, WsIdentity
from anguan.core.web import TransactionalRoute, get_session
from anguan.identity import permissions as P
from anguan.identity.deps import current_actor, require, websocket_actor
from anguan.identity.schemas import Actor
from anguan.plant import repository as plant_repo

router = APIRouter(tags=["platform"], route_class=TransactionalRoute)
ws_router = APIRouter()


class Health(BaseModel):
    status: str
    version: str
    database: str
    realtime: str


class FileOut(BaseModel):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime


@router.get("/health", response_model=Health)
async def health(request: Request, session: AsyncSession = Depends(get_session)) -> Health:
    """Liveness and readiness: the database answers and the realtime hub is up."""
    await session.execute(text("SELECT 1"))
    hub: RealtimeHub = request.app.state.hub
    return Health(
        status="ok",
        version=__version__,
        database=request.app.state.database.dialect,
        realtime="redis" if hub.redis_url else "in-process",
    )


@router.post(
    "/v1/files",
    response_model=FileOut,
    status_code=201,
    responses=error_responses(NotAuthenticated, Forbidden, PayloadTooLarge),
)
async def upload_file(
    file: UploadFile,
    request: Request,
    actor: Actor = Depends(require(P.FILES_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> FileOut:
    """Store an attachment (evidence photo, signature, document); bytes are fsynced before the answer."""
    limit = request.app.state.settings.storage.max_upload_mb
    data = await file.read(limit * 1024 * 1024 + 1)
    if len(data) > limit * 1024 * 1024:
        raise PayloadTooLarge(limit_mb=limit)
    store: LocalFileStore = request.app.state.files
    key = store.put(data)
    row = StoredFile(
        key=key,
        name=(file.filename or "file")[:255],
        content_type=(file.content_type or "application/octet-stream")[:120],
        size=len(data),
        sha256=key,
        created_by=actor.user_id,
    )
    session.add(row)
    await session.flush()
    return FileOut(
        id=row.id,
        name=row.name,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        created_at=row.created_at,
    )


@router.get(
    "/v1/files/{file_id}",
    responses={
        200: {"content": {"application/octet-stream": {}}},
        **error_responses(NotAuthenticated, NotFound),
    },
)
async def download_file(
    file_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    request: Request,
    actor: Actor = Depends(current_actor),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """Download an attachment (its uploader only, until a module links it to a record others may read)."""
    row = await session.get(StoredFile, file_id)
    store: LocalFileStore = request.app.state.files
    # Someone else's file answers like a missing one, so ids cannot be probed.
    if row is None or row.created_by != actor.user_id or not store.exists(row.key):
        raise NotFound()
    return Response(
        store.get(row.key),
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{_quote(row.name)}",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


def _same_origin(websocket: WebSocket) -> bool:
    """Refuse cross-site WebSocket hijacking: a browser's Origin must name this host."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True  # not a browser
    return urlsplit(origin).netloc.lower() == (websocket.headers.get("host") or "").lower()


async def _ws_identity(websocket: WebSocket) -> WsIdentity | None:
    """Authenticate the socket and snapshot the caller's data scope for event filtering, in one transaction."""
    if websocket.query_params.get("token") is None and not _same_origin(websocket):
        return None
    async with websocket.app.state.database.transaction(write=False) as session:
        found = await websocket_actor(websocket, session)
        if found is None:
            return None
        actor, key = found
        areas = await plant_repo.visible_area_ids(session, actor)
        sites = await plant_repo.visible_site_ids(session, actor, areas)
    return WsIdentity(
        actor.user_id,
        key,
        actor.permissions,
        site_ids=None if sites is None else frozenset(sites),
        area_ids=None if areas is None else frozenset(areas),
    )


@ws_router.websocket("/api/v1/ws")
async def realtime(websocket: WebSocket) -> None:
    """Realtime events: send {"op":"subscribe","topics":[...]} after connecting."""
    hub: RealtimeHub = websocket.app.state.hub
    await hub.serve(websocket, _ws_identity)
