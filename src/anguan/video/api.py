"""Video REST API: the camera registry (摄像机台账) and the cameras watching a place."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.db import MAX_ID
from anguan.core.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotAuthenticated,
    NotFound,
    Unavailable,
    Unprocessable,
    error_responses,
)
from anguan.core.pagination import Page, PageParams, page_params
from anguan.core.web import TransactionalRoute, get_session
from anguan.identity import permissions as P
from anguan.identity.deps import require
from anguan.identity.schemas import Actor
from anguan.video import service
from anguan.video.reference import CameraKind, CameraStatus
from anguan.video.schemas import CameraIn, CameraNearOut, CameraOut, CameraUpdate

router = APIRouter(prefix="/video", tags=["video"], route_class=TransactionalRoute)
READ_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound)
LIST_ERRORS = error_responses(NotAuthenticated, Forbidden, BadRequest, Unprocessable)
WRITE_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound, Conflict, Unprocessable)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {XLSX: {}}}}


def _opt_id() -> Any:
    return Query(None, ge=1, le=MAX_ID)


@router.get("/cameras", response_model=Page[CameraOut], responses=LIST_ERRORS)
async def list_cameras(
    site_id: int | None = _opt_id(),
    area_id: int | None = _opt_id(),
    status: CameraStatus | None = None,
    kind: CameraKind | None = None,
    q: str | None = Query(None, max_length=64),
    params: PageParams = Depends(page_params),
    actor: Actor = Depends(require(P.VIDEO_READ)),
    session: AsyncSession = Depends(get_session),
) -> Page[CameraOut]:
    """Cameras within the caller's scope (sort: code, name, status, kind, area_id, id, updated_at;
    `q` matches code, name, vendor and model)."""
    rows, total = await service.list_cameras(
        session, actor, params, site_id=site_id, area_id=area_id, status=status, kind=kind, q=q
    )
    return Page(
        items=[CameraOut.model_validate(c) for c in rows],
        total=total,
        page=params.page,
        page_size=params.page_size,
    )


@router.get("/cameras/export.xlsx", response_class=Response, responses={**FILE_RESPONSE, **READ_ERRORS})
async def export_cameras(
    site_id: int | None = _opt_id(),
    area_id: int | None = _opt_id(),
    status: CameraStatus | None = None,
    actor: Actor = Depends(require(P.VIDEO_READ)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """The caller's cameras as a workbook (same filters as the list)."""
    data = await service.export_xlsx(session, actor, site_id=site_id, area_id=area_id, status=status)
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="cameras.xlsx"', "Cache-Control": "no-store"},
    )


@router.get("/cameras/near", response_model=list[CameraNearOut], responses=LIST_ERRORS)
async def cameras_near(
    site_id: int = Query(..., ge=1, le=MAX_ID),
    x: float | None = Query(None, ge=-100_000, le=100_000),
    y: float | None = Query(None, ge=-100_000, le=100_000),
    area_id: int | None = _opt_id(),
    radius_m: float = Query(50.0, ge=0, le=5_000),
    actor: Actor = Depends(require(P.VIDEO_READ)),
    session: AsyncSession = Depends(get_session),
) -> list[CameraNearOut]:
    """The cameras (within the caller's scope) near a map point or in an area, nearest first: each
    within `radius_m` of (x, y) or whose sector covers it, then the area's cameras with no position."""
    found = await service.near_for_actor(session, actor, site_id, x, y, area_id, radius_m)
    return [
        CameraNearOut.model_validate(
            {**CameraOut.model_validate(c).model_dump(), "distance_m": dist, "sees": seen}
        )
        for c, dist, seen in found
    ]


@router.post("/cameras", response_model=CameraOut, status_code=201, responses=WRITE_ERRORS)
async def create_camera(
    body: CameraIn,
    actor: Actor = Depends(require(P.VIDEO_MANAGE)),
    session: AsyncSession = Depends(get_session),
) -> CameraOut:
    """Register a camera (unique code; rtsp/rtsps/http/https live view; http/https snapshot)."""
    return CameraOut.model_validate(await service.create_camera(session, actor, body))


@router.get("/cameras/{camera_id}", response_model=CameraOut, responses=READ_ERRORS)
async def get_camera(
    camera_id: Id,
    actor: Actor = Depends(require(P.VIDEO_READ)),
    session: AsyncSession = Depends(get_session),
) -> CameraOut:
    """One camera."""
    return CameraOut.model_validate(await service.get_camera(session, actor, camera_id))


@router.get(
    "/cameras/{camera_id}/snapshot",
    response_class=Response,
    responses={
        200: {"content": {"image/*": {}}},
        **error_responses(NotAuthenticated, Forbidden, NotFound, Unavailable),
    },
)
async def camera_snapshot(
    camera_id: Id,
    actor: Actor = Depends(require(P.VIDEO_READ)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """The camera's current still image, fetched from its snapshot URL by the server (404
    `video.no_snapshot` when it has none, 503 `video.snapshot_unavailable` when the camera or NVR
    does not answer with an image)."""
    camera = await service.get_camera(session, actor, camera_id)
    if not camera.snapshot_url:
        raise NotFound("video.no_snapshot", id=camera_id)
    data, kind = await service.fetch_snapshot(camera.snapshot_url)
    return Response(
        data,
        media_type=kind,
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )


@router.patch("/cameras/{camera_id}", response_model=CameraOut, responses=WRITE_ERRORS)
async def update_camera(
    camera_id: Id,
    body: CameraUpdate,
    actor: Actor = Depends(require(P.VIDEO_MANAGE)),
    session: AsyncSession = Depends(get_session),
) -> CameraOut:
    """Edit a camera; an explicit null clears an optional field."""
    return CameraOut.model_validate(await service.update_camera(session, actor, camera_id, body))


@router.delete("/cameras/{camera_id}", status_code=204, responses=WRITE_ERRORS)
async def delete_camera(
    camera_id: Id,
    actor: Actor = Depends(require(P.VIDEO_MANAGE)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """Remove a camera from the registry."""
    await service.delete_camera(session, actor, camera_id)
    return Response(status_code=204)
