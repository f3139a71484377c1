"""Plant endpoints: success for holders, data scope, map features; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from anguan.plant import rules
from anguan.plant.geo import GeoReference, to_wgs84
from anguan.plant.reference import AREA_COLOURS
from anguan.simulator import plant_layout as L
from tests.plant.support import audit_actions, counts, last_audit_seq

P = "/api/v1/plant"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ALL_AREAS = {a.code for a in L.AREAS}
CONTRACTOR_AREAS = {"TF-01", "DK-01", "DK-02"}
LEADER_AREAS = {"PU-01"}


def _equipment_in(codes: set[str]) -> set[str]:
    """Tags of demo equipment whose innermost area is one of `codes` (from the layout itself)."""
    out = set()
    for e in L.EQUIPMENT:
        inside = [a for a in L.AREAS if rules.point_in_polygon(e.x, e.y, a.polygon)]
        home = min(inside, key=lambda a: abs(rules.polygon_area(a.polygon)))
        if home.code in codes:
            out.add(e.tag)
    return out


async def test_enterprise_read_and_update(app: Any, callers: Any):
    operator, safety = await callers("operator"), await callers("safety")
    r = await operator.get(f"{P}/enterprise")
    assert r.status_code == 200, r.text
    ent = r.json()
    assert ent["name"] == L.ENTERPRISE_NAME
    assert rules.uscc_valid(ent["uscc"]) and ent["uscc"].startswith(L.USCC_PREFIX)

    seq = await last_audit_seq(app.state.database)
    new_uscc = "91350100m000100y43"  # lowercase input is normalised before the check and the save
    r = await safety.patch(f"{P}/enterprise", json={"name": "新名称化工", "uscc": new_uscc, "address": None})
    assert r.status_code == 200, r.text
    assert r.json()["uscc"] == new_uscc.upper()
    assert r.json()["name"] == "新名称化工"
    assert r.json()["address"] is None
    assert (await operator.get(f"{P}/enterprise")).json()["uscc"] == new_uscc.upper()
    assert await audit_actions(app.state.database, seq) == [("plant.enterprise_updated", "ok", "safety")]


async def test_sites_list_get_create_update(app: Any, callers: Any, ids: dict[str, int]):
    admin, operator = await callers("admin"), await callers("operator")
    r = await operator.get(f"{P}/sites")
    assert r.status_code == 200
    assert [s["code"] for s in r.json()] == [L.SITE_CODE]
    site = r.json()[0]
    assert site["id"] == ids[L.SITE_CODE]
    assert (site["width_m"], site["height_m"]) == (L.WIDTH_M, L.HEIGHT_M)
    assert site["drawing_url"] == f"{P}/sites/{site['id']}/drawing"
    # The demo site is geo-referenced: its corners come in WGS-84 as well.
    ref = GeoReference(site["origin_lat"], site["origin_lon"], site["rotation_deg"])
    expected = [
        to_wgs84(ref, x, y) for x, y in ((0, 0), (L.WIDTH_M, 0), (L.WIDTH_M, L.HEIGHT_M), (0, L.HEIGHT_M))
    ]
    assert site["wgs84_corners"] == [
        [pytest.approx(a, abs=1e-7), pytest.approx(b, abs=1e-7)] for a, b in expected
    ]
    assert site["wgs84_corners"][2][0] > site["wgs84_corners"][0][0]  # north-east lies north of south-west

    r = await operator.get(f"{P}/sites/{site['id']}")
    assert r.status_code == 200 and r.json() == site

    seq = await last_audit_seq(app.state.database)
    r = await admin.post(
        f"{P}/sites", json={"code": "HB-02", "name": "二厂区", "width_m": 300, "height_m": 200}
    )
    assert r.status_code == 201, r.text
    new = r.json()
    assert new["code"] == "HB-02" and new["drawing_url"] is None and new["timezone"] == "Asia/Shanghai"
    assert new["wgs84_corners"] is None  # no geographic reference given
    r = await admin.patch(f"{P}/sites/{new['id']}", json={"name": "二厂区（扩建）", "origin_lat": 38.1})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "二厂区（扩建）" and r.json()["origin_lat"] == 38.1
    assert {s["code"] for s in (await admin.get(f"{P}/sites")).json()} == {L.SITE_CODE, "HB-02"}
    # A site-scoped operator does not see a site outside the scope.
    assert [s["code"] for s in (await operator.get(f"{P}/sites")).json()] == [L.SITE_CODE]
    r = await operator.get(f"{P}/sites/{new['id']}")
    assert r.status_code == 403 and r.json()["code"] == "identity.out_of_scope"
    assert await audit_actions(app.state.database, seq) == [
        ("plant.site_created", "ok", "admin"),
        ("plant.site_updated", "ok", "admin"),
        ("access.denied", "denied", "operator"),  # every refusal is audited (GB/T 22239-2019 8.1.4.3)
    ]


def _features(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["properties"]["code"]: f for f in body["areas"]["features"]}


async def test_map_for_all_data_user_has_every_area_with_kind_and_colour(app: Any, callers: Any, ids: Any):
    r = await (await callers("safety")).get(f"{P}/sites/{ids[L.SITE_CODE]}/map")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["site"]["code"] == L.SITE_CODE
    features = _features(body)
    assert set(features) == ALL_AREAS
    for a in L.AREAS:
        f = features[a.code]
        assert f["type"] == "Feature"
        assert f["properties"]["kind"] == a.kind
        assert f["properties"]["colour"] == AREA_COLOURS[a.kind]
        ring = f["geometry"]["coordinates"][0]
        assert f["geometry"]["type"] == "Polygon"
        assert ring[0] == ring[-1] and ring[:-1] == a.polygon
    assert features["DK-01"]["properties"]["parent_id"] == ids["TF-01"]
    assert features["PU-01"]["properties"]["department_id"] == ids["dept:SYN"]
    eq = {f["properties"]["tag"]: f for f in body["equipment"]["features"]}
    assert set(eq) == {e.tag for e in L.EQUIPMENT}
    assert eq["T-101"]["geometry"] == {"type": "Point", "coordinates": [76.0, 262.0]}
    assert eq["T-101"]["properties"]["area_id"] == ids["DK-01"]
    assert eq["T-105"]["properties"]["area_id"] == ids["DK-02"]


async def test_contractor_sees_only_tank_farm_and_its_dikes(app: Any, callers: Any, ids: Any):
    contractor = await callers("contractor")
    site_id = ids[L.SITE_CODE]
    body = (await contractor.get(f"{P}/sites/{site_id}/map")).json()
    assert set(_features(body)) == CONTRACTOR_AREAS
    assert {f["properties"]["tag"] for f in body["equipment"]["features"]} == _equipment_in(CONTRACTOR_AREAS)
    assert {a["code"] for a in (await contractor.get(f"{P}/areas")).json()} == CONTRACTOR_AREAS
    assert {a["code"] for a in (await contractor.get(f"{P}/areas?site_id={site_id}")).json()} == (
        CONTRACTOR_AREAS
    )
    eq = (await contractor.get(f"{P}/sites/{site_id}/equipment")).json()
    assert {e["tag"] for e in eq} == _equipment_in(CONTRACTOR_AREAS)
    assert (await contractor.get(f"{P}/areas/{ids['DK-02']}")).status_code == 200
    r = await contractor.get(f"{P}/areas/{ids['PU-01']}")
    assert r.status_code == 403
    assert r.json()["code"] == "identity.out_of_scope"


async def test_leader_sees_only_synthesis_unit(app: Any, callers: Any, ids: Any):
    leader = await callers("leader")
    body = (await leader.get(f"{P}/sites/{ids[L.SITE_CODE]}/map")).json()
    assert set(_features(body)) == LEADER_AREAS
    assert {f["properties"]["tag"] for f in body["equipment"]["features"]} == _equipment_in(LEADER_AREAS)
    assert {"R-201", "R-202", "C-301", "E-201"} == _equipment_in(LEADER_AREAS)
    assert {a["code"] for a in (await leader.get(f"{P}/areas")).json()} == LEADER_AREAS
    r = await leader.get(f"{P}/areas/{ids['TF-01']}")
    assert r.status_code == 403 and r.json()["code"] == "identity.out_of_scope"


async def test_drawing_download_and_replace(app: Any, callers: Any, ids: Any):
    site_id = ids[L.SITE_CODE]
    contractor, safety = await callers("contractor"), await callers("safety")
    r = await contractor.get(f"{P}/sites/{site_id}/drawing")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert r.content.startswith(b"<svg") and b"<script" not in r.content

    seq = await last_audit_seq(app.state.database)
    r = await safety.put(f"{P}/sites/{site_id}/drawing", files={"file": ("plan.png", PNG, "image/png")})
    assert r.status_code == 200, r.text
    assert r.json()["drawing_url"] == f"{P}/sites/{site_id}/drawing"
    r = await contractor.get(f"{P}/sites/{site_id}/drawing")
    assert r.status_code == 200 and r.content == PNG
    assert r.headers["content-type"] == "image/png"
    assert await audit_actions(app.state.database, seq) == [("plant.site_drawing_set", "ok", "safety")]


async def test_site_without_drawing_is_404(app: Any, callers: Any):
    admin = await callers("admin")
    site = (
        await admin.post(f"{P}/sites", json={"code": "BLANK", "name": "空白", "width_m": 10, "height_m": 10})
    ).json()
    r = await admin.get(f"{P}/sites/{site['id']}/drawing")
    assert r.status_code == 404 and r.json()["code"] == "plant.no_drawing"


async def test_area_create_read_update_delete(app: Any, callers: Any, ids: Any):
    safety, operator = await callers("safety"), await callers("operator")
    site_id = ids[L.SITE_CODE]
    before = await counts(app.state.database)
    seq = await last_audit_seq(app.state.database)
    closed = [[320, 20], [360, 20], [360, 50], [320, 50], [320, 20]]
    r = await safety.post(
        f"{P}/areas",
        json={
            "site_id": site_id,
            "code": "WS-01",
            "name": "危废暂存间",
            "kind": "warehouse",
            "polygon": closed,
            "department_id": ids["dept:SHE"],
            "description": "危险废物暂存",
        },
    )
    assert r.status_code == 201, r.text
    area = r.json()
    assert area["polygon"] == closed[:-1]  # the closing vertex is not stored
    assert area["department_id"] == ids["dept:SHE"] and area["parent_id"] is None
    assert (await operator.get(f"{P}/areas/{area['id']}")).json() == area

    r = await safety.post(
        f"{P}/areas",
        json={
            "site_id": site_id,
            "parent_id": ids["PU-01"],
            "code": "PU-01-A",
            "name": "反应岗位",
            "kind": "process_unit",
            "polygon": [[330, 230], [380, 230], [380, 280], [330, 280]],
        },
    )
    assert r.status_code == 201, r.text
    child = r.json()
    assert child["parent_id"] == ids["PU-01"]
    # The leader's department scope (SYN → PU-01) now covers the child area too.
    leader = await callers("leader")
    assert {a["code"] for a in (await leader.get(f"{P}/areas")).json()} == {"PU-01", "PU-01-A"}

    r = await safety.patch(
        f"{P}/areas/{area['id']}",
        json={
            "name": "危废库",
            "polygon": [[320, 20], [370, 20], [370, 60], [320, 60]],
            "department_id": None,
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "危废库" and r.json()["department_id"] is None
    assert r.json()["polygon"] == [[320, 20], [370, 20], [370, 60], [320, 60]]
    assert r.json()["kind"] == "warehouse"

    assert (await safety.delete(f"{P}/areas/{child['id']}")).status_code == 204
    assert (await safety.delete(f"{P}/areas/{area['id']}")).status_code == 204
    assert (await operator.get(f"{P}/areas/{area['id']}")).status_code == 404
    after = await counts(app.state.database)
    assert after["plant_area"] == before["plant_area"]
    assert await audit_actions(app.state.database, seq) == [
        ("plant.area_created", "ok", "safety"),
        ("plant.area_created", "ok", "safety"),
        ("plant.area_updated", "ok", "safety"),
        ("plant.area_deleted", "ok", "safety"),
        ("plant.area_deleted", "ok", "safety"),
    ]


async def test_deleting_an_area_keeps_its_equipment_unplaced(app: Any, callers: Any, ids: Any):
    admin = await callers("admin")
    assert (await admin.delete(f"{P}/areas/{ids['LD-01']}")).status_code == 204
    eq = {e["tag"]: e for e in (await admin.get(f"{P}/sites/{ids[L.SITE_CODE]}/equipment")).json()}
    assert eq["LA-01"]["area_id"] is None


async def test_departments_list_create_move(app: Any, callers: Any, ids: Any):
    admin, contractor = await callers("admin"), await callers("contractor")
    r = await contractor.get(f"{P}/departments")
    assert r.status_code == 200
    depts = {d["code"]: d for d in r.json()}
    assert set(depts) == {c for c, _, _ in L.DEPARTMENTS}
    assert depts["SYN"]["parent_id"] == depts["PROD"]["id"]

    r = await admin.post(
        f"{P}/departments", json={"code": "SYN-A", "name": "合成一班", "parent_id": ids["dept:SYN"]}
    )
    assert r.status_code == 201, r.text
    team = r.json()
    assert team["parent_id"] == ids["dept:SYN"]
    r = await admin.patch(
        f"{P}/departments/{team['id']}", json={"name": "合成甲班", "parent_id": ids["dept:STOR"]}
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"id": team["id"], "code": "SYN-A", "name": "合成甲班", "parent_id": ids["dept:STOR"]}
    r = await admin.patch(f"{P}/departments/{team['id']}", json={"parent_id": None})
    assert r.status_code == 200 and r.json()["parent_id"] is None


async def test_equipment_list_and_place(app: Any, callers: Any, ids: Any):
    admin, inspector = await callers("admin"), await callers("inspector")
    site_id = ids[L.SITE_CODE]
    r = await inspector.get(f"{P}/sites/{site_id}/equipment")
    assert r.status_code == 200
    inspector_areas = {"TF-01", "DK-01", "DK-02", "LD-01"}
    assert {e["tag"] for e in r.json()} == _equipment_in(inspector_areas)

    # A point inside DK-02 (inside TF-01) belongs to the innermost area, the dike.
    r = await admin.post(
        f"{P}/equipment",
        json={"site_id": site_id, "tag": "T-107", "name": "丙酮储罐", "kind": "tank", "x": 230, "y": 300},
    )
    assert r.status_code == 201, r.text
    assert r.json()["area_id"] == ids["DK-02"]
    # A point in no area is placed without one; the edge of the site is still on the site.
    r = await admin.post(
        f"{P}/equipment",
        json={"site_id": site_id, "tag": "FLAG-1", "name": "风向标", "kind": "other", "x": 600, "y": 400},
    )
    assert r.status_code == 201, r.text
    assert r.json()["area_id"] is None
    assert "T-107" in {e["tag"] for e in (await inspector.get(f"{P}/sites/{site_id}/equipment")).json()}
    assert "FLAG-1" not in {e["tag"] for e in (await inspector.get(f"{P}/sites/{site_id}/equipment")).json()}


async def test_cookie_session_write_needs_csrf_header(app: Any, make_client: Any):
    api = await make_client("safety")
    del api.client.headers["X-CSRF-Token"]
    r = await api.patch(f"{P}/enterprise", json={"name": "x"})
    assert r.status_code == 403 and r.json()["code"] == "common.csrf_failed"
    api.client.headers["X-CSRF-Token"] = api.client.cookies.get("anguan_csrf")
    r = await api.patch(f"{P}/enterprise", json={"name": "带 CSRF 的修改"})
    assert r.status_code == 200 and r.json()["name"] == "带 CSRF 的修改"
