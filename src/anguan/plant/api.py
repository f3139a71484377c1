"""Plant REST API: enterprise, sites, map, areas, departments, equipment locations."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, UploadFile
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.db import MAX_ID
from anguan.core.errors import (
    Conflict,
    Forbidden,
    NotAuthenticated,
    NotFound,
    PayloadTooLarge,
    Unprocessable,
    error_responses,
)
from anguan.core.events import EventBus
from anguan.core.files import LocalFileStore
from anguan.core.web import TransactionalRoute, get_session
from anguan.identity import permissions as P
from anguan.identity.deps import require
from anguan.identity.schemas import Actor
from anguan.plant import repository as repo
from anguan.plant import service
from anguan.plant.schemas import (
    AreaIn,
    AreaOut,
    AreaUpdate,
    DepartmentIn,
    DepartmentOut,
    DepartmentUpdate,
    EnterpriseOut,
    EnterpriseUpdate,
    EquipmentLocationIn,
    EquipmentLocationOut,
    MapOut,
    SiteIn,
    SiteOut,
    SiteUpdate,
)

router = APIRouter(prefix="/plant", tags=["plant"], route_class=TransactionalRoute)
READ_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound)
WRITE_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound, Conflict, Unprocessable)
# Path ids are validated up front so an id no database can hold is a 422, not a driver error.
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
# Active content in an SVG drawing: scripts, event handlers, javascript: URLs, embedded HTML.
ACTIVE_SVG = re.compile(
    rb"<\s*script|javascript\s*:|[\s/\"']on[a-z]+\s*=|<\s*foreignobject|<\s*iframe", re.IGNORECASE
)
DRAWING_TYPES = {"image/svg+xml": b"<svg", "image/png": b"\x89PNG", "image/jpeg": b"\xff\xd8\xff"}


def _bus(request: Request) -> EventBus:
    bus: EventBus = request.app.state.bus
    return bus


@router.get("/enterprise", response_model=EnterpriseOut, responses=READ_ERRORS)
async def get_enterprise(
    actor: Actor = Depends(require(P.PLANT_READ)), session: AsyncSession = Depends(get_session)
) -> EnterpriseOut:
    """The enterprise record."""
    return EnterpriseOut.model_validate(await service.get_enterprise(session))


@router.patch("/enterprise", response_model=EnterpriseOut, responses=WRITE_ERRORS)
async def update_enterprise(
    body: EnterpriseUpdate,
    actor: Actor = Depends(require(P.PLANT_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> EnterpriseOut:
    """Edit the enterprise record."""
    return EnterpriseOut.model_validate(await service.update_enterprise(session, actor, body))


@router.get("/sites", response_model=list[SiteOut], responses=READ_ERRORS)
async def list_sites(
    actor: Actor = Depends(require(P.PLANT_READ)), session: AsyncSession = Depends(get_session)
) -> list[SiteOut]:
    """Sites within the caller's data scope."""
    return [service.site_out(s) for s in await service.list_sites(session, actor)]


@router.post("/sites", response_model=SiteOut, status_code=201, responses=WRITE_ERRORS)
async def create_site(
    body: SiteIn, actor: Actor = Depends(require(P.PLANT_WRITE)), session: AsyncSession = Depends(get_session)
) -> SiteOut:
    """Add a site."""
    return service.site_out(await service.create_site(session, actor, body))


@router.get("/sites/{site_id}", response_model=SiteOut, responses=READ_ERRORS)
async def get_site(
    site_id: Id, actor: Actor = Depends(require(P.PLANT_READ)), session: AsyncSession = Depends(get_session)
) -> SiteOut:
    """One site."""
    return service.site_out(await service.get_site(session, actor, site_id))


@router.patch("/sites/{site_id}", response_model=SiteOut, responses=WRITE_ERRORS)
async def update_site(
    site_id: Id,
    body: SiteUpdate,
    actor: Actor = Depends(require(P.PLANT_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> SiteOut:
    """Edit a site."""
    return service.site_out(await service.update_site(session, actor, site_id, body))


@router.get("/sites/{site_id}/map", response_model=MapOut, responses=READ_ERRORS)
async def site_map(
    site_id: Id, actor: Actor = Depends(require(P.PLANT_READ)), session: AsyncSession = Depends(get_session)
) -> MapOut:
    """The plant map of a site: drawing, areas and equipment within the caller's scope."""
    return await service.get_map(session, actor, site_id)


@router.get(
    "/sites/{site_id}/drawing",
    responses={200: {"content": {"image/svg+xml": {}, "image/png": {}}}, **READ_ERRORS},
)
async def site_drawing(
    site_id: Id,
    request: Request,
    actor: Actor = Depends(require(P.PLANT_READ)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """The site drawing file."""
    site = await service.get_site(session, actor, site_id)
    store: LocalFileStore = request.app.state.files
    if not site.drawing_file_key or not store.exists(site.drawing_file_key):
        raise NotFound("plant.no_drawing")
    return Response(
        store.get(site.drawing_file_key),
        media_type=site.drawing_content_type or "image/svg+xml",
        headers={
            "Cache-Control": "private, max-age=300",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        },
    )


@router.put(
    "/sites/{site_id}/drawing",
    response_model=SiteOut,
    responses=error_responses(NotAuthenticated, Forbidden, NotFound, Unprocessable, PayloadTooLarge),
)
async def upload_drawing(
    site_id: Id,
    file: UploadFile,
    request: Request,
    actor: Actor = Depends(require(P.PLANT_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> SiteOut:
    """Replace the site drawing (SVG, PNG or JPEG)."""
    limit = request.app.state.settings.storage.max_upload_mb
    data = await file.read(limit * 1024 * 1024 + 1)
    if len(data) > limit * 1024 * 1024:
        raise PayloadTooLarge(limit_mb=limit)
    ctype = (file.content_type or "").split(";")[0]
    magic = DRAWING_TYPES.get(ctype)
    head = data[:512].lstrip()
    if magic is None or not (head.startswith(magic) or (ctype == "image/svg+xml" and b"<svg" in head)):
        raise Unprocessable("plant.bad_drawing")
    if ctype == "image/svg+xml" and ACTIVE_SVG.search(data):
        raise Unprocessable("plant.bad_drawing")
    await service.get_site(session, actor, site_id)
    key = request.app.state.files.put(data)
    return service.site_out(await service.set_drawing(session, actor, site_id, key, ctype))


@router.get("/areas", response_model=list[AreaOut], responses=READ_ERRORS)
async def list_areas(
    site_id: int | None = Query(None, ge=1, le=MAX_ID),
    actor: Actor = Depends(require(P.PLANT_READ)),
    session: AsyncSession = Depends(get_session),
) -> list[AreaOut]:
    """Areas within the caller's scope."""
    return [AreaOut.model_validate(a) for a in await service.list_areas(session, actor, site_id)]


@router.post("/areas", response_model=AreaOut, status_code=201, responses=WRITE_ERRORS)
async def create_area(
    body: AreaIn,
    request: Request,
    actor: Actor = Depends(require(P.PLANT_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> AreaOut:
    """Draw an area."""
    return AreaOut.model_validate(await service.create_area(session, _bus(request), actor, body))


@router.get("/areas/{area_id}", response_model=AreaOut, responses=READ_ERRORS)
async def get_area(
    area_id: Id, actor: Actor = Depends(require(P.PLANT_READ)), session: AsyncSession = Depends(get_session)
) -> AreaOut:
    """One area."""
    return AreaOut.model_validate(await service.get_area(session, actor, area_id))


@router.patch("/areas/{area_id}", response_model=AreaOut, responses=WRITE_ERRORS)
async def update_area(
    area_id: Id,
    body: AreaUpdate,
    request: Request,
    actor: Actor = Depends(require(P.PLANT_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> AreaOut:
    """Edit an area."""
    return AreaOut.model_validate(await service.update_area(session, _bus(request), actor, area_id, body))


@router.delete("/areas/{area_id}", status_code=204, responses=WRITE_ERRORS)
async def delete_area(
    area_id: Id,
    request: Request,
    actor: Actor = Depends(require(P.PLANT_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """Delete an area without sub-areas."""
    await service.delete_area(session, _bus(request), actor, area_id)
    return Response(status_code=204)


@router.get("/departments", response_model=list[DepartmentOut], responses=READ_ERRORS)
async def list_departments(
    actor: Actor = Depends(require(P.PLANT_READ)), session: AsyncSession = Depends(get_session)
) -> list[DepartmentOut]:
    """The department tree as a flat list."""
    return [DepartmentOut.model_validate(d) for d in await repo.departments(session)]


@router.post("/departments", response_model=DepartmentOut, status_code=201, responses=WRITE_ERRORS)
async def create_department(
    body: DepartmentIn,
    actor: Actor = Depends(require(P.PLANT_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> DepartmentOut:
    """Add a department."""
    return DepartmentOut.model_validate(await service.create_department(session, actor, body))


@router.patch("/departments/{department_id}", response_model=DepartmentOut, responses=WRITE_ERRORS)
async def update_department(
    department_id: Id,
    body: DepartmentUpdate,
    actor: Actor = Depends(require(P.PLANT_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> DepartmentOut:
    """Rename or move a department."""
    return DepartmentOut.model_validate(await service.update_department(session, actor, department_id, body))


@router.get("/sites/{site_id}/equipment", response_model=list[EquipmentLocationOut], responses=READ_ERRORS)
async def list_equipment(
    site_id: Id, actor: Actor = Depends(require(P.PLANT_READ)), session: AsyncSession = Depends(get_session)
) -> list[EquipmentLocationOut]:
    """Equipment locations of a site within the caller's scope."""
    site = await service.get_site(session, actor, site_id)
    rows = await repo.equipment(session, site.id, await repo.visible_area_ids(session, actor))
    return [EquipmentLocationOut.model_validate(e) for e in rows]


@router.post("/equipment", response_model=EquipmentLocationOut, status_code=201, responses=WRITE_ERRORS)
async def create_equipment(
    body: EquipmentLocationIn,
    actor: Actor = Depends(require(P.PLANT_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> EquipmentLocationOut:
    """Place equipment on the site map."""
    return EquipmentLocationOut.model_validate(await service.create_equipment_location(session, actor, body))
