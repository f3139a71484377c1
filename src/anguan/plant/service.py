"""Plant business logic: scoped reads, validated edits, the map. Functions never commit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from anguan.core.events import EventBus
from anguan.core.timeline import AuditActor, record
from anguan.identity.schemas import Actor
from anguan.plant import repository as repo
from anguan.plant import rules
from anguan.plant.events import AreaChanged
from anguan.plant.geo import GeoReference, to_wgs84
from anguan.plant.models import Area, Department, Enterprise, EquipmentLocation, Site
from anguan.plant.reference import AREA_COLOURS
from anguan.plant.schemas import (
    AreaIn,
    AreaUpdate,
    DepartmentIn,
    DepartmentUpdate,
    EnterpriseUpdate,
    EquipmentLocationIn,
    Feature,
    FeatureCollection,
    MapOut,
    SiteIn,
    SiteOut,
    SiteUpdate,
)


def _who(actor: Actor) -> AuditActor:
    return AuditActor(actor.user_id, actor.username, actor.ip)


async def get_enterprise(session: AsyncSession) -> Enterprise:
    """The enterprise record (404 before seeding)."""
    ent = await repo.enterprise(session)
    if ent is None:
        raise NotFound("plant.enterprise_missing")
    return ent


async def update_enterprise(session: AsyncSession, actor: Actor, body: EnterpriseUpdate) -> Enterprise:
    """Edit the enterprise; the 统一社会信用代码 must pass its check code."""
    ent = await get_enterprise(session)
    changes = body.model_dump(exclude_unset=True)
    if "uscc" in changes and changes["uscc"] is not None:
        changes["uscc"] = changes["uscc"].strip().upper()
        if not rules.uscc_valid(changes["uscc"]):
            raise Unprocessable("plant.invalid_uscc", uscc=changes["uscc"])
    for k, v in changes.items():
        if v is not None or k not in ("name", "uscc"):
            setattr(ent, k, v)
    await record(
        session,
        _who(actor),
        "plant.enterprise_updated",
        target_type="enterprise",
        target_id=ent.id,
        detail={k: v for k, v in changes.items()},
    )
    return ent


def site_out(site: Site) -> SiteOut:
    """Response body of a site."""
    corners = None
    if site.origin_lat is not None and site.origin_lon is not None:
        ref = GeoReference(site.origin_lat, site.origin_lon, site.rotation_deg or 0.0)
        w, h = site.width_m, site.height_m
        corners = [[round(v, 7) for v in to_wgs84(ref, x, y)] for x, y in ((0, 0), (w, 0), (w, h), (0, h))]
    return SiteOut(
        id=site.id,
        code=site.code,
        name=site.name,
        width_m=site.width_m,
        height_m=site.height_m,
        drawing_url=f"/api/v1/plant/sites/{site.id}/drawing" if site.drawing_file_key else None,
        origin_lat=site.origin_lat,
        origin_lon=site.origin_lon,
        rotation_deg=site.rotation_deg,
        timezone=site.timezone,
        wgs84_corners=corners,
    )


async def list_sites(session: AsyncSession, actor: Actor) -> list[Site]:
    """Sites within the caller's data scope."""
    return await repo.sites(session, await repo.visible_site_ids(session, actor))


async def get_site(session: AsyncSession, actor: Actor, site_id: int) -> Site:
    """One site; 404 when missing, 403 outside the data scope."""
    site = await session.get(Site, site_id)
    if site is None:
        raise NotFound("plant.site_not_found", id=site_id)
    visible = await repo.visible_site_ids(session, actor)
    if visible is not None and site.id not in visible:
        raise Forbidden("identity.out_of_scope")
    return site


async def create_site(session: AsyncSession, actor: Actor, body: SiteIn) -> Site:
    """Add a site to the enterprise."""
    if not actor.all_data:
        raise Forbidden("identity.out_of_scope")
    ent = await get_enterprise(session)
    if (await session.scalars(select(Site).where(Site.code == body.code))).first() is not None:
        raise Conflict("plant.code_taken", code=body.code)
    site = Site(enterprise_id=ent.id, **body.model_dump())
    session.add(site)
    await session.flush()
    await record(
        session,
        _who(actor),
        "plant.site_created",
        target_type="site",
        target_id=site.id,
        detail={"code": site.code},
    )
    return site


async def update_site(session: AsyncSession, actor: Actor, site_id: int, body: SiteUpdate) -> Site:
    """Edit a site's name, size or WGS-84 reference."""
    site = await get_site(session, actor, site_id)
    changes = body.model_dump(exclude_unset=True)
    width = changes.get("width_m") or site.width_m
    height = changes.get("height_m") or site.height_m
    if width < site.width_m or height < site.height_m:
        # A smaller drawing may not cut off what is already drawn on it.
        outside = [
            a.code
            for a in await repo.areas(session, site.id, None)
            if any(p[0] > width or p[1] > height for p in a.polygon)
        ]
        outside += [
            e.tag for e in await repo.equipment(session, site.id, None) if e.x > width or e.y > height
        ]
        if outside:
            raise Conflict("plant.site_too_small", codes=sorted(outside)[:20])
    for k, v in changes.items():
        if v is not None or k in ("origin_lat", "origin_lon", "rotation_deg"):
            setattr(site, k, v)
    await record(
        session, _who(actor), "plant.site_updated", target_type="site", target_id=site.id, detail=changes
    )
    return site


async def set_drawing(session: AsyncSession, actor: Actor, site_id: int, key: str, content_type: str) -> Site:
    """Attach an uploaded drawing (SVG/PNG/JPEG) to a site."""
    site = await get_site(session, actor, site_id)
    site.drawing_file_key = key
    site.drawing_content_type = content_type
    await record(
        session,
        _who(actor),
        "plant.site_drawing_set",
        target_type="site",
        target_id=site.id,
        detail={"key": key},
    )
    return site


async def get_map(session: AsyncSession, actor: Actor, site_id: int) -> MapOut:
    """The site drawing with its areas and equipment as GeoJSON in site metres."""
    site = await get_site(session, actor, site_id)
    visible = await repo.visible_area_ids(session, actor)
    areas = await repo.areas(session, site.id, visible)
    area_features = [
        Feature(
            geometry={"type": "Polygon", "coordinates": [_closed(a.polygon)]},
            properties={
                "id": a.id,
                "code": a.code,
                "name": a.name,
                "kind": a.kind,
                "parent_id": a.parent_id,
                "department_id": a.department_id,
                "colour": AREA_COLOURS.get(a.kind, "#d9d9d9"),
            },
        )
        for a in areas
    ]
    equipment = await repo.equipment(session, site.id, visible)
    eq_features = [
        Feature(
            geometry={"type": "Point", "coordinates": [e.x, e.y]},
            properties={"id": e.id, "tag": e.tag, "name": e.name, "kind": e.kind, "area_id": e.area_id},
        )
        for e in equipment
    ]
    return MapOut(
        site=site_out(site),
        areas=FeatureCollection(features=area_features),
        equipment=FeatureCollection(features=eq_features),
    )


def _closed(polygon: list[list[float]]) -> list[list[float]]:
    return polygon if polygon and polygon[0] == polygon[-1] else [*polygon, polygon[0]]


async def list_areas(session: AsyncSession, actor: Actor, site_id: int | None) -> list[Area]:
    """Areas within the caller's scope."""
    return await repo.areas(session, site_id, await repo.visible_area_ids(session, actor))


async def get_area(session: AsyncSession, actor: Actor, area_id: int) -> Area:
    """One area; 404 when missing, 403 outside the data scope."""
    area = await session.get(Area, area_id)
    if area is None:
        raise NotFound("plant.area_not_found", id=area_id)
    visible = await repo.visible_area_ids(session, actor)
    if visible is not None and area.id not in visible:
        raise Forbidden("identity.out_of_scope")
    return area


def _check_polygon(polygon: list[list[float]], site: Site) -> list[list[float]]:
    problems = rules.polygon_problems(polygon, site.width_m, site.height_m)
    if problems:
        raise Unprocessable("plant.invalid_polygon", problems=problems)
    pts = [[float(p[0]), float(p[1])] for p in polygon]
    return pts[:-1] if pts[0] == pts[-1] else pts


async def _check_refs(
    session: AsyncSession, site: Site, parent_id: int | None, department_id: int | None
) -> None:
    if parent_id is not None:
        parent = await session.get(Area, parent_id)
        if parent is None or parent.site_id != site.id:
            raise Unprocessable("plant.bad_parent", id=parent_id)
    if department_id is not None and await session.get(Department, department_id) is None:
        raise Unprocessable("plant.department_not_found", id=department_id)


async def create_area(session: AsyncSession, bus: EventBus, actor: Actor, body: AreaIn) -> Area:
    """Draw a new area on a site the caller may edit."""
    site = await get_site(session, actor, body.site_id)
    if body.parent_id is None and not actor.all_data and site.id not in actor.scope_ids("site"):
        raise Forbidden("identity.out_of_scope")
    if body.parent_id is not None:
        await get_area(session, actor, body.parent_id)
    await _check_refs(session, site, body.parent_id, body.department_id)
    if await repo.area_by_code(session, site.id, body.code) is not None:
        raise Conflict("plant.code_taken", code=body.code)
    polygon = _check_polygon(body.polygon, site)
    if body.parent_id is not None:
        parent = await session.get(Area, body.parent_id)
        if parent is not None and not rules.polygon_within(polygon, parent.polygon):
            raise Unprocessable("plant.outside_parent", code=parent.code)
    area = Area(
        site_id=site.id,
        parent_id=body.parent_id,
        department_id=body.department_id,
        code=body.code,
        name=body.name,
        kind=body.kind,
        polygon=polygon,
        description=body.description,
        props={},
    )
    session.add(area)
    await session.flush()
    await record(
        session,
        _who(actor),
        "plant.area_created",
        target_type="area",
        target_id=area.id,
        detail={"code": area.code},
    )
    bus.emit(session, AreaChanged(area_id=area.id, site_id=site.id, change="created"))
    return area


async def update_area(
    session: AsyncSession, bus: EventBus, actor: Actor, area_id: int, body: AreaUpdate
) -> Area:
    """Edit an area's name, kind, department or outline."""
    area = await get_area(session, actor, area_id)
    site = await session.get(Site, area.site_id)
    assert site is not None
    changes = body.model_dump(exclude_unset=True)
    if "department_id" in changes:
        await _check_refs(session, site, None, changes["department_id"])
    if changes.get("polygon") is not None:
        changes["polygon"] = polygon = _check_polygon(changes["polygon"], site)
        if area.parent_id is not None:
            parent = await session.get(Area, area.parent_id)
            if parent is not None and not rules.polygon_within(polygon, parent.polygon):
                raise Unprocessable("plant.outside_parent", code=parent.code)
        children = (await session.scalars(select(Area).where(Area.parent_id == area.id))).all()
        cut_off = sorted(c.code for c in children if not rules.polygon_within(c.polygon, polygon))
        if cut_off:
            raise Conflict("plant.children_outside", codes=cut_off)
    for k, v in changes.items():
        if v is not None or k in ("department_id", "description"):
            setattr(area, k, v)
    await record(
        session,
        _who(actor),
        "plant.area_updated",
        target_type="area",
        target_id=area.id,
        detail={k: v for k, v in changes.items() if k != "polygon"}
        | ({"polygon": True} if "polygon" in changes else {}),
    )
    bus.emit(session, AreaChanged(area_id=area.id, site_id=area.site_id, change="updated"))
    return area


async def delete_area(session: AsyncSession, bus: EventBus, actor: Actor, area_id: int) -> None:
    """Remove an area that has no sub-areas."""
    area = await get_area(session, actor, area_id)
    if (await session.scalars(select(Area.id).where(Area.parent_id == area.id).limit(1))).first() is not None:
        raise Conflict("plant.area_has_children")
    site_id = area.site_id
    await session.delete(area)
    await record(
        session,
        _who(actor),
        "plant.area_deleted",
        target_type="area",
        target_id=area_id,
        detail={"code": area.code},
    )
    bus.emit(session, AreaChanged(area_id=area_id, site_id=site_id, change="deleted"))


async def create_department(session: AsyncSession, actor: Actor, body: DepartmentIn) -> Department:
    """Add a department under an optional parent."""
    if not actor.all_data:
        raise Forbidden("identity.out_of_scope")
    ent = await get_enterprise(session)
    if body.parent_id is not None and await session.get(Department, body.parent_id) is None:
        raise Unprocessable("plant.department_not_found", id=body.parent_id)
    exists = await session.scalars(
        select(Department).where(Department.enterprise_id == ent.id, Department.code == body.code)
    )
    if exists.first() is not None:
        raise Conflict("plant.code_taken", code=body.code)
    dept = Department(enterprise_id=ent.id, **body.model_dump())
    session.add(dept)
    await session.flush()
    await record(
        session,
        _who(actor),
        "plant.department_created",
        target_type="department",
        target_id=dept.id,
        detail={"code": dept.code},
    )
    return dept


async def update_department(
    session: AsyncSession, actor: Actor, dept_id: int, body: DepartmentUpdate
) -> Department:
    """Rename or move a department (no cycles)."""
    if not actor.all_data:
        raise Forbidden("identity.out_of_scope")
    dept = await session.get(Department, dept_id)
    if dept is None:
        raise NotFound("plant.department_not_found", id=dept_id)
    changes = body.model_dump(exclude_unset=True)
    if changes.get("parent_id") is not None:
        parent_id = changes["parent_id"]
        pairs = [(d.id, d.parent_id) for d in await repo.departments(session)]
        if parent_id in repo._subtree(pairs, {dept.id}):
            raise Conflict("plant.department_cycle")
        if await session.get(Department, parent_id) is None:
            raise Unprocessable("plant.department_not_found", id=parent_id)
    for k, v in changes.items():
        if v is not None or k == "parent_id":
            setattr(dept, k, v)
    await record(
        session,
        _who(actor),
        "plant.department_updated",
        target_type="department",
        target_id=dept.id,
        detail=changes,
    )
    return dept


async def create_equipment_location(
    session: AsyncSession, actor: Actor, body: EquipmentLocationIn
) -> EquipmentLocation:
    """Place a piece of equipment on the site; its area is found from the point."""
    site = await get_site(session, actor, body.site_id)
    if body.x > site.width_m or body.y > site.height_m:
        raise Unprocessable("plant.outside_site")
    visible = await repo.visible_area_ids(session, actor)
    areas = await repo.areas(session, site.id, None)
    inside = [a for a in areas if rules.point_in_polygon(body.x, body.y, a.polygon)]
    # The innermost area (smallest) wins: a tank in a dike in a tank farm belongs to the dike.
    area = min(inside, key=lambda a: abs(rules.polygon_area(a.polygon)), default=None)
    if visible is not None and (area is None or area.id not in visible):
        raise Forbidden("identity.out_of_scope")
    if (
        await session.scalars(
            select(EquipmentLocation).where(
                EquipmentLocation.site_id == site.id, EquipmentLocation.tag == body.tag
            )
        )
    ).first():
        raise Conflict("plant.code_taken", code=body.tag)
    loc = EquipmentLocation(area_id=area.id if area else None, **body.model_dump())
    session.add(loc)
    await session.flush()
    await record(
        session,
        _who(actor),
        "plant.equipment_located",
        target_type="equipment_location",
        target_id=loc.id,
        detail={"tag": loc.tag},
    )
    return loc
