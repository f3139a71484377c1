"""Major-hazard API on the seeded demo plant (SQLite and PostgreSQL): the tank farm graded with a
sheet a safety engineer can check by hand, recomputation on changed inputs, refusals, scope."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
from openpyxl import load_workbook

from anguan.core.time import utcnow
from anguan.hazards import service
from tests.plant.support import Callers

H = "/api/v1/hazards"


@pytest.fixture
async def callers(app: Any) -> AsyncIterator[Callers]:
    c = Callers(app)
    yield c
    await c.aclose()


async def unit_by_code(client: Any, code: str) -> dict[str, Any]:
    units = (await client.get(f"{H}/units")).json()
    return next(u for u in units if u["code"] == code)


async def test_demo_tank_farm_is_identified_and_graded(callers: Any) -> None:
    safety = await callers("safety")
    dk01 = await unit_by_code(safety, "HZ-DK01")
    # 甲醇 1422/500 = 2.844, 甲苯 1566/500 = 3.132: S = 5.976 ≥ 1; α 2.0 (120 people); R = 11.952 → 三级.
    assert (dk01["major"], dk01["grade"]) == (True, 3)
    a = (await safety.get(f"{H}/assessments/{dk01['assessment_id']}")).json()
    assert (a["s_value"], a["alpha"], a["r_value"], a["grade"]) == ("5.976", "2", "11.952", 3)
    assert a["alpha_basis"] == "表5 100人以上"
    lines = {ln["name"]: ln for ln in a["sheet"]}
    assert lines["甲醇"]["Q_basis"].startswith("表1 第65行") and lines["甲醇"]["beta_basis"].startswith(
        "表4 W5.3"
    )
    assert (lines["甲苯"]["ratio"], lines["甲苯"]["beta"]) == ("3.132", "1")
    assert a["inputs"]["substances"][0]["classes"] == ["W5.3"]  # derived from the chemical's GHS classes
    dk02 = await unit_by_code(safety, "HZ-DK02")
    assert (dk02["major"], dk02["grade"]) == (True, 4)  # 丙酮 711/500 = 1.422; R = 2.844
    pu01 = await unit_by_code(safety, "HZ-PU01")
    assert (pu01["major"], pu01["grade"]) == (False, None)  # 氢 0.8/5 + 甲苯 45/500 = 0.25


async def test_sheet_exports_as_a_workbook(callers: Any) -> None:
    safety = await callers("safety")
    dk01 = await unit_by_code(safety, "HZ-DK01")
    r = await safety.get(f"{H}/assessments/{dk01['assessment_id']}/sheet.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    rows = list(wb.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == ["甲醇", "甲苯"]
    notes = {row[0]: row[1] for row in wb.worksheets[1].iter_rows(values_only=True)}
    assert notes["R = α·Σβq/Q"] == "11.952" and notes["级别 Grade"] == "三级"


async def test_quantity_and_population_changes_recompute(callers: Any) -> None:
    safety = await callers("safety")
    dk02 = await unit_by_code(safety, "HZ-DK02")
    subs = (await safety.get(f"{H}/units/{dk02['id']}/substances")).json()
    r = await safety.patch(f"{H}/substances/{subs[0]['id']}", json={"q_t": 499.0})
    assert r.status_code == 200
    unit = (await safety.get(f"{H}/units/{dk02['id']}")).json()
    assert (unit["major"], unit["grade"], unit["s_value"]) == (False, None, pytest.approx(0.998))
    await safety.patch(f"{H}/substances/{subs[0]['id']}", json={"q_t": 5000.0})  # S = 10
    r = await safety.patch(f"{H}/units/{dk02['id']}", json={"people_outside": 0})  # α 0.5 → R = 5
    unit = r.json()
    assert (unit["major"], unit["grade"], unit["r_value"]) == (True, 4, 5.0)
    history = (await safety.get(f"{H}/units/{dk02['id']}/assessments")).json()
    assert [h["trigger"] for h in history[:3]] == [
        "population_changed",
        "substance_changed",
        "substance_changed",
    ]


async def test_a_chemical_edited_in_master_data_is_picked_up_by_the_job(app: Any, callers: Any) -> None:
    safety = await callers("safety")
    dk02 = await unit_by_code(safety, "HZ-DK02")
    chem = (await safety.get("/api/v1/basics/r/chemicals", params={"q": "67-64-1"})).json()["items"][0]
    # Acetone worked as a category 1 flammable liquid: 表1 still gives Q 500, 表4 W5.1 gives β 1.5.
    r = await safety.patch(f"/api/v1/basics/r/chemicals/{chem['id']}", json={"ghs": ["flam_liq:1"]})
    assert r.status_code == 200
    async with app.state.database.transaction() as session:
        assert await service.recompute_stale(session, utcnow()) >= 1
    a = (await safety.get(f"{H}/units/{dk02['id']}/assessments")).json()[0]
    assert (a["trigger"], a["sheet"][0]["beta"], a["r_value"]) == ("inputs_changed", "1.5", "4.266")
    async with app.state.database.transaction() as session:
        assert await service.recompute_stale(session, utcnow()) == 0  # nothing changed since


async def test_refusals(callers: Any) -> None:
    safety = await callers("safety")
    sites = (await safety.get("/api/v1/plant/sites")).json()
    r = await safety.post(
        f"{H}/units", json={"code": "HZ-T1", "name": "空单元", "kind": "storage", "site_id": sites[0]["id"]}
    )
    assert r.status_code == 201
    uid = r.json()["id"]
    r = await safety.post(f"{H}/units/{uid}/assess")
    assert r.status_code == 422 and r.json()["code"] == "hazards.empty_unit"
    for body, code in (
        ({"name": "x", "q_t": -1}, "common.validation_error"),
        ({"name": "x", "q_t": 1, "classes": ["W99"]}, "hazards.unknown_class"),
        ({"name": "x", "q_t": 1, "chemical_id": 987654}, "hazards.chemical_not_found"),
        ({"name": "x", "q_t": 1, "table1_no": 86}, "common.validation_error"),
    ):
        r = await safety.post(f"{H}/units/{uid}/substances", json=body)
        assert r.status_code == 422 and r.json()["code"] == code, body
    # A substance with neither a 表1 row nor a class: kept, but the unit cannot be graded.
    r = await safety.post(f"{H}/units/{uid}/substances", json={"name": "未知物料", "q_t": 3})
    assert r.status_code == 201
    unit = (await safety.get(f"{H}/units/{uid}")).json()
    assert (unit["assessment_error"], unit["major"]) == ("hazards.no_critical_quantity", None)
    assert unit["assessment_error_params"] == {"name": "未知物料"}  # the UI names the substance
    r = await safety.post(f"{H}/units/{uid}/assess")
    assert r.status_code == 422 and r.json()["code"] == "hazards.no_critical_quantity"


async def test_permissions_and_scope(callers: Any) -> None:
    operator, contractor, inspector = (
        await callers("operator"),
        await callers("contractor"),
        await callers("inspector"),
    )
    assert (await contractor.get(f"{H}/units")).status_code == 403
    dk01 = await unit_by_code(operator, "HZ-DK01")
    assert (await operator.post(f"{H}/units/{dk01['id']}/assess")).status_code == 403
    seen = {u["code"] for u in (await inspector.get(f"{H}/units")).json()}
    visible_areas = {a["id"] for a in (await inspector.get("/api/v1/plant/areas")).json()}
    pu01 = await unit_by_code(operator, "HZ-PU01")
    assert ("HZ-PU01" in seen) is (pu01["area_id"] in visible_areas)
    if pu01["area_id"] not in visible_areas:
        assert (await inspector.get(f"{H}/units/{pu01['id']}")).status_code == 403


async def test_review_of_an_ambiguous_beta(callers: Any) -> None:
    safety = await callers("safety")
    sites = (await safety.get("/api/v1/plant/sites")).json()
    uid = (
        await safety.post(
            f"{H}/units", json={"code": "HZ-T2", "name": "复核", "kind": "storage", "site_id": sites[0]["id"]}
        )
    ).json()["id"]
    await safety.post(
        f"{H}/units/{uid}/substances", json={"name": "某液体", "q_t": 60, "classes": ["W5.3", "J4"]}
    )
    unit = (await safety.get(f"{H}/units/{uid}")).json()
    a = (await safety.get(f"{H}/assessments/{unit['assessment_id']}")).json()
    # Q = 50 (J4, the lowest); β = 2 (J4, the largest, ambiguous); S = 1.2; α 0.5; R = 0.5 × 2.4 = 1.2.
    assert (a["needs_review"], a["s_value"], a["r_value"]) == (True, "1.2", "1.2")
    r = await safety.post(f"{H}/assessments/{a['id']}/review", json={"note": "按吸入毒性取 β = 2"})
    assert r.status_code == 200 and r.json()["reviewed_by"] == "safety"
    assert (await safety.post(f"{H}/assessments/{a['id']}/review", json={"note": "again"})).status_code == 409


async def test_points_bound_to_a_unit_are_listed(callers: Any) -> None:
    safety = await callers("safety")
    dk01 = await unit_by_code(safety, "HZ-DK01")
    r = await safety.get(
        "/api/v1/monitoring/points", params={"hazard_source_id": dk01["id"], "page_size": 200}
    )
    tags = {p["tag"] for p in r.json()["items"]}
    assert {"GT-101", "LT-101", "LT-104"} <= tags and "LT-105" not in tags  # LT-105 stands in 2# 防火堤
