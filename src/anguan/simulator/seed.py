"""`anguan seed-demo`: the demo plant, its departments and one demo user per role (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics.seed import seed_basics
from anguan.core.files import LocalFileStore
from anguan.hazards.seed import seed_hazards
from anguan.identity import repository as identity_repo
from anguan.identity.models import DataScope, User, UserRole
from anguan.identity.role_service import ensure_builtin_roles
from anguan.identity.security import hash_password
from anguan.permits.seed import seed_demo_permits, seed_permits
from anguan.plant import rules as plant_rules
from anguan.plant.models import Area, Department, Enterprise, EquipmentLocation, Site
from anguan.simulator import plant_layout as L
from anguan.simulator.drawing import render_svg
from anguan.video.seed import seed_demo_cameras

DEMO_PASSWORD = "Anguan@2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    department: str | None
    scope: tuple[str, str | None]  # (kind, code) — code of a department, area or site


DEMO_USERS: list[DemoUser] = [
    DemoUser("admin", "系统管理员 王工", "sysadmin", "ADMIN", ("all", None)),
    DemoUser("secadmin", "安全管理员 李工", "secadmin", "ADMIN", ("all", None)),
    DemoUser("auditor", "审计管理员 赵工", "auditor", "ADMIN", ("all", None)),
    DemoUser("safety", "安全主管 陈经理", "safety_manager", "SHE", ("all", None)),
    DemoUser("leader", "合成车间班长 刘强", "shift_leader", "SYN", ("department", "SYN")),
    DemoUser("operator", "操作员 张伟", "operator", "SYN", ("site", L.SITE_CODE)),
    DemoUser("inspector", "巡检员 孙磊", "inspector", "STOR", ("department", "STOR")),
    DemoUser("contractor", "承包商 周师傅", "contractor", None, ("area", "TF-01")),
]


async def seed_demo(session: AsyncSession, files: LocalFileStore) -> dict[str, int]:
    """Create or refresh the demo plant; returns counts of what exists afterwards."""
    await ensure_builtin_roles(session)
    ent = (await session.scalars(select(Enterprise).limit(1))).one_or_none()
    uscc = L.USCC_PREFIX + (plant_rules.uscc_check_char(L.USCC_PREFIX) or "")
    if ent is None:
        ent = Enterprise(
            name=L.ENTERPRISE_NAME,
            uscc=uscc,
            hazchem_code=L.HAZCHEM_CODE,
            address="河北省石家庄市循环化工园区纬三路 8 号",
            legal_representative="王建国",
            industry="C2614 有机化学原料制造",
        )
        session.add(ent)
        await session.flush()

    depts: dict[str, Department] = {d.code: d for d in (await session.scalars(select(Department))).all()}
    for code, name, parent in L.DEPARTMENTS:
        if code not in depts:
            d = Department(
                enterprise_id=ent.id, code=code, name=name, parent_id=depts[parent].id if parent else None
            )
            session.add(d)
            await session.flush()
            depts[code] = d

    site = (await session.scalars(select(Site).where(Site.code == L.SITE_CODE))).one_or_none()
    if site is None:
        site = Site(
            enterprise_id=ent.id,
            code=L.SITE_CODE,
            name=L.SITE_NAME,
            width_m=L.WIDTH_M,
            height_m=L.HEIGHT_M,
            origin_lat=38.0428,
            origin_lon=114.5149,
            rotation_deg=0.0,
        )
        session.add(site)
    # Fill in the demo drawing only when there is none: a re-seed (every `serve --demo`) must not
    # overwrite a drawing someone uploaded since.
    if site.drawing_file_key is None or not files.exists(site.drawing_file_key):
        site.drawing_file_key = files.put(render_svg().encode("utf-8"))
        site.drawing_content_type = "image/svg+xml"
    await session.flush()

    areas: dict[str, Area] = {
        a.code: a for a in (await session.scalars(select(Area).where(Area.site_id == site.id))).all()
    }
    for a in L.AREAS:
        if a.code not in areas:
            area = Area(
                site_id=site.id,
                code=a.code,
                name=a.name,
                kind=a.kind,
                polygon=a.polygon,
                parent_id=areas[a.parent].id if a.parent else None,
                department_id=depts[a.department].id if a.department else None,
                description=a.description or None,
                props={},
            )
            session.add(area)
            await session.flush()
            areas[a.code] = area

    existing_eq = set(
        (
            await session.scalars(select(EquipmentLocation.tag).where(EquipmentLocation.site_id == site.id))
        ).all()
    )
    for e in L.EQUIPMENT:
        if e.tag in existing_eq:
            continue
        inside = [a for a in areas.values() if plant_rules.point_in_polygon(e.x, e.y, a.polygon)]
        home = min(inside, key=lambda a: abs(plant_rules.polygon_area(a.polygon)), default=None)
        session.add(
            EquipmentLocation(
                site_id=site.id,
                area_id=home.id if home else None,
                tag=e.tag,
                name=e.name,
                kind=e.kind,
                x=e.x,
                y=e.y,
            )
        )
    await session.flush()

    for du in DEMO_USERS:
        if await identity_repo.user_by_username(session, du.username) is not None:
            continue
        role = await identity_repo.role_by_code(session, du.role)
        assert role is not None
        user = User(
            username=du.username,
            display_name=du.display_name,
            password_hash=hash_password(DEMO_PASSWORD),
            password_history=[],
            department_id=depts[du.department].id if du.department else None,
            must_change_password=False,
            locale="zh-CN",
        )
        session.add(user)
        await session.flush()
        session.add(UserRole(user_id=user.id, role_id=role.id))
        kind, scope_code = du.scope
        ref = None
        if kind == "department" and scope_code:
            ref = depts[scope_code].id
        elif kind == "area" and scope_code:
            ref = areas[scope_code].id
        elif kind == "site":
            ref = site.id
        session.add(DataScope(user_id=user.id, kind=kind, ref_id=ref))
    await session.flush()
    counts = await seed_monitoring(session)
    counts |= await seed_basics(session, files, datetime.now(ZoneInfo(site.timezone)).date())
    counts |= await seed_hazards(session, datetime.now(UTC))
    counts |= await seed_demo_cameras(session)  # before the permits, which bind the cameras near them
    counts |= await seed_permits(session)
    counts |= await seed_demo_permits(session, datetime.now(UTC))
    return {"departments": len(depts), "areas": len(areas), "users": len(DEMO_USERS), **counts}


# The demo HTTP gateway's token (demo data only: a real gateway gets a random token from the API).
DEMO_GATEWAY_TOKEN = "demo-gateway-token-HB01"


async def seed_monitoring(session: AsyncSession) -> dict[str, int]:
    """Create or refresh the demo plant's data sources and monitored points (idempotent)."""
    import hashlib

    from anguan.monitoring.models import Point, Source
    from anguan.simulator.points import DEMO_POINTS

    site = (await session.scalars(select(Site).where(Site.code == L.SITE_CODE))).one()
    areas = {a.code: a.id for a in (await session.scalars(select(Area).where(Area.site_id == site.id))).all()}
    equipment = {
        e.tag: e.id
        for e in (
            await session.scalars(select(EquipmentLocation).where(EquipmentLocation.site_id == site.id))
        ).all()
    }
    sources = {s.code: s for s in (await session.scalars(select(Source))).all()}
    if "sim" not in sources:
        sources["sim"] = Source(
            code="sim", name="演示装置模拟器 Demo plant simulator", kind="simulator", config={}
        )
        session.add(sources["sim"])
    if "gw-http" not in sources:
        sources["gw-http"] = Source(
            code="gw-http",
            name="演示 HTTP 网关 Demo HTTP gateway",
            kind="http",
            token_hash=hashlib.sha256(DEMO_GATEWAY_TOKEN.encode()).hexdigest(),
            config={},
        )
        session.add(sources["gw-http"])
    await session.flush()
    existing = {p.tag: p for p in (await session.scalars(select(Point))).all()}
    created: set[str] = set()
    for dp in DEMO_POINTS:
        if dp.tag in existing:
            continue
        created.add(dp.tag)
        cols = dp.point_columns()
        point = Point(
            **cols,
            name_en=dp.name_en,
            site_id=site.id,
            area_id=areas.get(dp.area_code),
            equipment_id=equipment.get(dp.equipment_tag) if dp.equipment_tag else None,
            source_id=sources["sim"].id,
            source_address=dp.tag,
        )
        session.add(point)
        existing[dp.tag] = point
    await session.flush()
    for dp in DEMO_POINTS:
        if dp.tag in created and dp.suppress_tag and dp.suppress_tag in existing:
            existing[dp.tag].suppress_point_id = existing[dp.suppress_tag].id
    await session.flush()
    from anguan.monitoring.routing import seed_demo_routes

    await seed_demo_routes(session)
    return {"points": len(existing), "sources": len(sources)}
