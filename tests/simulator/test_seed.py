"""The demo plant: a re-seed changes nothing, its geometry obeys the plant rules, its users are as documented."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from anguan.core.db import Database
from anguan.core.files import LocalFileStore
from anguan.identity.models import DataScope, User, UserRole
from anguan.models import Base
from anguan.plant import rules
from anguan.plant.models import Area, Department, Enterprise, EquipmentLocation, Site
from anguan.simulator import plant_layout as L
from anguan.simulator.drawing import render_svg
from anguan.simulator.points import DEMO_POINTS
from anguan.simulator.seed import DEMO_USERS, seed_demo

AREAS = {a.code: a for a in L.AREAS}


async def _everything(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (sorted), to compare before and after a re-seed."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    async with database.transaction(write=False) as s:
        for table in Base.metadata.sorted_tables:
            rows = (await s.execute(select(table))).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


async def test_second_seed_adds_and_changes_nothing(db_url: str, files_root: Path):
    database = Database(db_url)
    try:
        before = await _everything(database)
        assert before["plant_area"] and before["identity_user"]
        async with database.transaction() as s:
            result = await seed_demo(s, LocalFileStore(files_root))
        plant = {
            "departments": len(L.DEPARTMENTS),
            "areas": len(L.AREAS),
            "users": len(DEMO_USERS),
            "points": len(DEMO_POINTS),
            "sources": 2,
        }
        assert {k: result[k] for k in plant} == plant
        # The master data (basics) counts what exists, which a second seed leaves as it was.
        assert result["licences"] == len(before["basics_licence"]) > 0
        assert result["people"] == len(before["basics_person"]) > 0
        assert await _everything(database) == before
    finally:
        await database.dispose()


async def test_reseed_keeps_an_uploaded_drawing(sqlite_url: str, files_root: Path):
    database = Database(sqlite_url)
    store = LocalFileStore(files_root)
    try:
        key = store.put(b"\x89PNG\r\n\x1a\n own drawing")
        async with database.transaction() as s:
            site = (await s.scalars(select(Site))).one()
            site.drawing_file_key, site.drawing_content_type = key, "image/png"
        async with database.transaction() as s:
            await seed_demo(s, store)
        async with database.transaction(write=False) as s:
            site = (await s.scalars(select(Site))).one()
        assert (site.drawing_file_key, site.drawing_content_type) == (key, "image/png")
    finally:
        await database.dispose()


async def test_reseed_restores_a_drawing_whose_file_is_gone(sqlite_url: str, tmp_path: Path):
    database = Database(sqlite_url)
    empty_store = LocalFileStore(tmp_path / "new-files")
    try:
        async with database.transaction() as s:
            await seed_demo(s, empty_store)
        async with database.transaction(write=False) as s:
            site = (await s.scalars(select(Site))).one()
        assert site.drawing_file_key is not None and empty_store.exists(site.drawing_file_key)
        assert empty_store.get(site.drawing_file_key) == render_svg().encode("utf-8")
    finally:
        await database.dispose()


@pytest.mark.parametrize("area", L.AREAS, ids=[a.code for a in L.AREAS])
def test_demo_area_polygon_is_valid(area: L.AreaDef):
    assert rules.polygon_problems(area.polygon, L.WIDTH_M, L.HEIGHT_M) == []
    assert rules.polygon_area(area.polygon) > 0  # counter-clockwise, as rect() promises
    if area.parent:
        parent = AREAS[area.parent]
        xs, ys = [p[0] for p in parent.polygon], [p[1] for p in parent.polygon]
        for x, y in area.polygon:
            assert min(xs) <= x <= max(xs) and min(ys) <= y <= max(ys), (area.code, x, y)


async def test_every_equipment_point_lies_in_its_area(db_url: str):
    database = Database(db_url)
    try:
        async with database.transaction(write=False) as s:
            areas = {a.id: a for a in (await s.scalars(select(Area))).all()}
            equipment = {e.tag: e for e in (await s.scalars(select(EquipmentLocation))).all()}
    finally:
        await database.dispose()
    assert set(equipment) == {e.tag for e in L.EQUIPMENT}
    for e in L.EQUIPMENT:
        row = equipment[e.tag]
        assert (row.x, row.y) == (e.x, e.y)
        assert row.area_id is not None, e.tag
        area = areas[row.area_id]
        assert rules.point_in_polygon(e.x, e.y, area.polygon), (e.tag, area.code)
        # ...and it is the innermost such area (a tank in a dike belongs to the dike, not the farm).
        containing = [a for a in areas.values() if rules.point_in_polygon(e.x, e.y, a.polygon)]
        assert all(
            abs(rules.polygon_area(a.polygon)) >= abs(rules.polygon_area(area.polygon)) for a in containing
        )
    assert areas[equipment["T-101"].area_id].code == "DK-01"  # type: ignore[index]
    assert areas[equipment["T-106"].area_id].code == "DK-02"  # type: ignore[index]
    assert areas[equipment["R-201"].area_id].code == "PU-01"  # type: ignore[index]


async def test_seeded_plant_matches_the_layout(db_url: str):
    database = Database(db_url)
    try:
        async with database.transaction(write=False) as s:
            ent = (await s.scalars(select(Enterprise))).one()
            site = (await s.scalars(select(Site))).one()
            depts = {d.id: d for d in (await s.scalars(select(Department))).all()}
            areas = {a.code: a for a in (await s.scalars(select(Area))).all()}
            users = {u.username: u for u in (await s.scalars(select(User))).all()}
            scopes = {(sc.user_id, sc.kind, sc.ref_id) for sc in (await s.scalars(select(DataScope))).all()}
            roles = {ur.user_id for ur in (await s.scalars(select(UserRole))).all()}
    finally:
        await database.dispose()
    assert rules.uscc_valid(ent.uscc) and ent.uscc[:17] == L.USCC_PREFIX
    assert (site.code, site.width_m, site.height_m) == (L.SITE_CODE, L.WIDTH_M, L.HEIGHT_M)
    assert site.drawing_content_type == "image/svg+xml"
    by_code = {d.code: d for d in depts.values()}
    for code, _, parent in L.DEPARTMENTS:
        assert (depts[by_code[code].parent_id].code if by_code[code].parent_id else None) == parent  # type: ignore[index]
    for a in L.AREAS:
        row = areas[a.code]
        assert row.polygon == a.polygon and row.kind == a.kind
        assert by_code_of(depts, row.department_id) == a.department
        assert next((c for c, r in areas.items() if r.id == row.parent_id), None) == a.parent
    ref = {"department": {d.code: d.id for d in depts.values()}, "area": {c: r.id for c, r in areas.items()}}
    for du in DEMO_USERS:
        user = users[du.username]
        assert user.id in roles
        kind, code = du.scope
        expected = None if kind == "all" else site.id if kind == "site" else ref[kind][code]  # type: ignore[index]
        assert (user.id, kind, expected) in scopes, du.username
        assert not user.must_change_password


def by_code_of(depts: dict[int, Department], dept_id: int | None) -> str | None:
    return depts[dept_id].code if dept_id is not None else None


def test_demo_drawing_is_clean_svg_the_api_would_accept():
    svg = render_svg()
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == f"0 0 {L.WIDTH_M:g} {L.HEIGHT_M:g}"
    data = svg.encode("utf-8")
    assert data.lstrip().startswith(b"<svg")
    assert b"<script" not in data.lower() and b"javascript:" not in data.lower()
    polygons = root.findall("{http://www.w3.org/2000/svg}polygon")
    assert len(polygons) == len(L.AREAS)
    for e in L.EQUIPMENT:
        assert f">{e.tag}</text>" in svg
