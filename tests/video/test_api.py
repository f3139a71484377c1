"""Camera registry API on the seeded demo plant (SQLite and PostgreSQL): CRUD, refusals with stable
codes that change nothing, permissions, data scope, export."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from anguan.identity import permissions as P
from anguan.plant.models import Enterprise, Site
from anguan.video.models import Camera
from tests.plant.support import audit_actions, holders, lacking, last_audit_seq
from tests.video.conftest import World

V = "/api/v1/video/cameras"
DEMO = {
    "CAM-DK01-1",
    "CAM-DK01-2",
    "CAM-DK02-1",
    "CAM-TF01-1",
    "CAM-PU01-1",
    "CAM-WH01-1",
    "CAM-LD01-1",
    "CAM-GT02-1",
}


def body(w: World, **over: Any) -> dict[str, Any]:
    b: dict[str, Any] = {
        "code": "CAM-T-1",
        "name": "测试枪机",
        "kind": "explosion_proof_fixed",
        "site_id": w.ids["HB-01"],
        "area_id": w.ids["DK-01"],
        "x": 60.0,
        "y": 240.0,
        "heading_deg": 45.0,
        "fov_deg": 90.0,
        "range_m": 60.0,
        "stream_url": "rtsp://nvr.example.com:554/Streaming/Channels/901",
        "snapshot_url": "https://nvr.example.com/snapshot/901.jpg",
        "vendor": "Acme",
        "model": "X-1",
        "status": "online",
        "note": "测试",
    }
    return b | over


async def table_rows(w: World) -> list[tuple[Any, ...]]:
    async with w.app.state.database.transaction(write=False) as s:
        cols = list(Camera.__table__.columns)
        return [tuple(r) for r in (await s.execute(select(*cols).order_by(Camera.id))).all()]


async def codes(client: Any, **params: Any) -> list[str]:
    r = await client.get(V, params={"page_size": 200, **params})
    assert r.status_code == 200, r.text
    return [c["code"] for c in r.json()["items"]]


async def test_list_filters_sort_and_pages(world: World) -> None:
    safety = await world.callers("safety")
    assert set(await codes(safety)) == DEMO
    assert await codes(safety, status="offline") == ["CAM-LD01-1"]
    assert await codes(safety, status="maintenance") == ["CAM-GT02-1"]
    assert await codes(safety, area_id=world.ids["DK-01"]) == ["CAM-DK01-1", "CAM-DK01-2"]
    assert await codes(safety, q="dk0") == ["CAM-DK01-1", "CAM-DK01-2", "CAM-DK02-1"]
    assert await codes(safety, q="热成像") == ["CAM-TF01-1"]
    assert await codes(safety, kind="fixed") == ["CAM-GT02-1"]
    assert await codes(safety, site_id=world.ids["HB-01"], sort="-code") == sorted(DEMO, reverse=True)
    r = await safety.get(V, params={"page": 2, "page_size": 3, "sort": "code"})
    page = r.json()
    assert (page["total"], page["page"], page["page_size"]) == (8, 2, 3)
    assert [c["code"] for c in page["items"]] == sorted(DEMO)[3:6]
    r = await safety.get(V, params={"sort": "stream_url"})
    assert (r.status_code, r.json()["code"]) == (400, "common.invalid_sort")
    r = await safety.get(V, params={"status": "broken"})
    assert (r.status_code, r.json()["code"]) == (422, "common.validation_error")


async def test_create_read_update_delete_are_audited(world: World) -> None:
    safety = await world.callers("safety")
    seq = await last_audit_seq(world.app.state.database)
    r = await safety.post(V, json=body(world))
    assert r.status_code == 201, r.text
    cam = r.json()
    assert (cam["code"], cam["area_id"], cam["heading_deg"], cam["status"]) == (
        "CAM-T-1",
        world.ids["DK-01"],
        45.0,
        "online",
    )
    assert (await safety.get(f"{V}/{cam['id']}")).json() == cam
    # An explicit null clears an optional field; other fields are kept.
    r = await safety.patch(
        f"{V}/{cam['id']}",
        json={"snapshot_url": None, "status": "offline", "heading_deg": None, "fov_deg": None},
    )
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["snapshot_url"], got["status"], got["heading_deg"], got["fov_deg"], got["name"]) == (
        None,
        "offline",
        None,
        None,
        "测试枪机",
    )
    r = await safety.patch(
        f"{V}/{cam['id']}", json={"code": "CAM-T-2", "area_id": None, "x": None, "y": None}
    )
    assert r.status_code == 200 and (r.json()["code"], r.json()["area_id"], r.json()["x"]) == (
        "CAM-T-2",
        None,
        None,
    )
    assert (await safety.delete(f"{V}/{cam['id']}")).status_code == 204
    r = await safety.get(f"{V}/{cam['id']}")
    assert (r.status_code, r.json()["code"]) == (404, "video.camera_not_found")
    r = await safety.delete(f"{V}/{cam['id']}")
    assert (r.status_code, r.json()["code"]) == (404, "video.camera_not_found")
    actions = [a for a, _, who in await audit_actions(world.app.state.database, seq) if who == "safety"]
    assert actions == [
        "video.camera_created",
        "video.camera_updated",
        "video.camera_updated",
        "video.camera_deleted",
    ]


async def test_create_refusals_have_codes_and_change_nothing(world: World) -> None:
    async with world.app.state.database.transaction() as s:
        ent = (await s.scalars(select(Enterprise))).first()
        assert ent is not None
        other = Site(enterprise_id=ent.id, code="HB-02", name="二厂区", width_m=100, height_m=100)
        s.add(other)
        await s.flush()
        other_site = other.id
    safety = await world.callers("safety")
    before, seq = await table_rows(world), await last_audit_seq(world.app.state.database)
    cases = [
        (body(world, site_id=987654), 422, "video.site_not_found"),
        (body(world, area_id=987654), 422, "video.area_not_found"),
        (body(world, site_id=other_site, x=None, y=None), 422, "video.area_not_in_site"),
        (body(world, code="CAM-DK01-1"), 409, "video.duplicate_code"),
        (body(world, code="cam-dk01-1"), 409, "video.duplicate_code"),  # codes differ by more than case
        (body(world, stream_url="ftp://nvr.example.com/x"), 422, "video.bad_stream_url"),
        (body(world, stream_url="javascript:alert(1)"), 422, "video.bad_stream_url"),
        (body(world, stream_url="rtsp:///Streaming"), 422, "video.bad_stream_url"),
        (body(world, snapshot_url="rtsp://nvr.example.com/snap"), 422, "video.bad_snapshot_url"),
        (body(world, stream_url="rtsp://admin:12345@nvr.example.com/x"), 422, "video.url_has_credentials"),
        (body(world, snapshot_url="http://admin@nvr.example.com/x.jpg"), 422, "video.url_has_credentials"),
        (body(world, y=None), 422, "video.position_incomplete"),
        (body(world, x=600.5), 422, "video.position_outside_site"),
        (body(world, y=-0.5), 422, "video.position_outside_site"),
        (body(world, fov_deg=None), 422, "video.sector_incomplete"),
        (body(world, heading_deg=None), 422, "video.sector_incomplete"),
        (body(world, heading_deg=360), 422, "common.validation_error"),
        (body(world, fov_deg=0), 422, "common.validation_error"),
        (body(world, range_m=0), 422, "common.validation_error"),
        (body(world, kind="drone"), 422, "common.validation_error"),
        (body(world, status="lost"), 422, "common.validation_error"),
        (body(world, code="CAM 1"), 422, "common.validation_error"),
        (body(world, stream_url=""), 422, "common.validation_error"),
        (body(world, colour="red"), 422, "common.validation_error"),
    ]
    for b, status, code in cases:
        r = await safety.post(V, json=b)
        assert (r.status_code, r.json()["code"]) == (status, code), (b, r.text)
        assert r.json()["message"] != code  # catalogued
    assert await table_rows(world) == before
    assert await audit_actions(world.app.state.database, seq) == []


async def test_update_refusals_change_nothing(world: World) -> None:
    safety = await world.callers("safety")
    cam = world.cams["CAM-DK01-1"]
    before, seq = await table_rows(world), await last_audit_seq(world.app.state.database)
    cases = [
        ({"code": "CAM-DK01-2"}, 409, "video.duplicate_code"),
        ({"area_id": 987654}, 422, "video.area_not_found"),
        ({"stream_url": "file:///etc/passwd"}, 422, "video.bad_stream_url"),
        ({"x": None}, 422, "video.position_incomplete"),
        ({"x": 9999.0}, 422, "video.position_outside_site"),
        ({"fov_deg": None}, 422, "video.sector_incomplete"),
        ({"name": None}, 422, "common.validation_error"),
        ({"stream_url": None}, 422, "common.validation_error"),
        ({"status": None}, 422, "common.validation_error"),
        ({"heading_deg": -1}, 422, "common.validation_error"),
    ]
    for b, status, code in cases:
        r = await safety.patch(f"{V}/{cam}", json=b)
        assert (r.status_code, r.json()["code"]) == (status, code), (b, r.text)
    r = await safety.patch(f"{V}/987654", json={"name": "x"})
    assert (r.status_code, r.json()["code"]) == (404, "video.camera_not_found")
    assert await table_rows(world) == before
    assert await audit_actions(world.app.state.database, seq) == []


async def test_english_messages(world: World) -> None:
    safety = await world.callers("safety")
    r = await safety.post(V, json=body(world, code="CAM-DK01-1"), headers={"Accept-Language": "en-US"})
    assert r.json()["message"] == "Camera code CAM-DK01-1 is taken"


@pytest.mark.parametrize("who", lacking(P.VIDEO_READ))
async def test_readers_only(world: World, who: str) -> None:
    client = await world.callers(who)
    for path in (V, f"{V}/{world.cams['CAM-DK01-1']}", f"{V}/export.xlsx"):
        r = await client.get(path)
        assert (r.status_code, r.json()["code"]) == (403, "common.forbidden"), (who, path)
    r = await client.get(f"{V}/near", params={"site_id": world.ids["HB-01"], "x": 1, "y": 1})
    assert r.status_code == 403


async def test_anonymous_is_refused(world: World) -> None:
    anon = await world.callers(None)
    assert (await anon.get(V)).status_code == 401


@pytest.mark.parametrize("who", lacking(P.VIDEO_MANAGE))
async def test_managers_only(world: World, who: str) -> None:
    client = await world.callers(who)
    cam = world.cams["CAM-DK01-1"]
    before = await table_rows(world)
    for method, path, payload in (
        ("POST", V, body(world)),
        ("PATCH", f"{V}/{cam}", {"status": "offline"}),
        ("DELETE", f"{V}/{cam}", None),
    ):
        r = await client.request(method, path, json=payload)
        assert (r.status_code, r.json()["code"]) == (403, "common.forbidden"), (who, method)
    assert await table_rows(world) == before


def test_role_grants() -> None:
    assert holders(P.VIDEO_MANAGE) == ["safety"]
    assert set(holders(P.VIDEO_READ)) == {"admin", "safety", "leader", "operator", "inspector", "contractor"}


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("safety", DEMO),
        ("operator", DEMO),  # the whole site
        ("contractor", {"CAM-DK01-1", "CAM-DK01-2", "CAM-DK02-1", "CAM-TF01-1"}),  # TF-01 and its dikes
        ("inspector", {"CAM-DK01-1", "CAM-DK01-2", "CAM-DK02-1", "CAM-TF01-1", "CAM-LD01-1"}),  # 储运车间
        ("leader", {"CAM-PU01-1"}),  # 合成车间
    ],
)
async def test_data_scope(world: World, who: str, visible: set[str]) -> None:
    client = await world.callers(who)
    assert set(await codes(client)) == visible
    for code, cam_id in world.cams.items():
        r = await client.get(f"{V}/{cam_id}")
        if code in visible:
            assert r.status_code == 200
        else:
            assert (r.status_code, r.json()["code"]) == (403, "identity.out_of_scope"), (who, code)
    r = await client.get(f"{V}/export.xlsx")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert {row[0] for row in rows} == visible


async def test_export_has_labels_and_codes(world: World) -> None:
    safety = await world.callers("safety")
    r = await safety.get(f"{V}/export.xlsx", params={"status": "offline"})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    header = [c.value for c in ws[1]]
    row = dict(zip(header, next(ws.iter_rows(min_row=2, values_only=True)), strict=True))
    assert row["编码 Code"] == "CAM-LD01-1"
    assert (row["类型 Kind"], row["状态 Status"], row["区域 Area"], row["厂区 Site"]) == (
        "防爆枪机",
        "离线",
        "LD-01",
        "HB-01",
    )
