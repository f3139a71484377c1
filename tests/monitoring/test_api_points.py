"""Points (位号) and data sources through the API: CRUD, GB/T 50493-2019 set-point checks, bad input
changes nothing, permissions and data scope; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from anguan.identity import permissions as P
from anguan.monitoring import service
from anguan.monitoring.config_events import PointsChanged, SourcesChanged
from anguan.monitoring.events import AlarmChanged
from anguan.monitoring.models import Alarm, Source
from tests.monitoring import support
from tests.monitoring.support import (
    API,
    SITE,
    audit_actions,
    engine_activate,
    last_audit_seq,
    make_point,
    mon_snapshot,
    point_body,
)

# Fixtures shared by the monitoring API tests.
callers = support.callers
events = support.events
ids = support.ids

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


async def test_point_create_read_update_delete(
    app: Any, callers: Any, ids: dict[str, int], events: list[Any]
):
    safety, operator = await callers("safety"), await callers("operator")
    db = app.state.database
    seq = await last_audit_seq(db)
    site = ids[SITE]
    r = await safety.post(f"{API}/points", json=point_body(site, "TST-LT-1", area_id=ids["PU-01"]))
    assert r.status_code == 201, r.text
    p = r.json()
    assert p["console"] == "PU-01"  # defaults to the area's code
    assert (p["sp_ll"], p["sp_l"], p["sp_h"], p["sp_hh"]) == (1.0, 2.0, 16.0, 18.0)
    assert [e for e in events if isinstance(e, PointsChanged)] == [
        PointsChanged(change="created", point_ids=[p["id"]])
    ]

    r = await operator.get(f"{API}/points/{p['id']}")
    assert r.status_code == 200 and r.json()["tag"] == "TST-LT-1"

    r = await safety.patch(
        f"{API}/points/{p['id']}", json={"sp_h": 15.0, "name_en": "Test level", "sp_ll": None}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["sp_h"], r.json()["sp_ll"], r.json()["name_en"]) == (15.0, None, "Test level")

    # Moving to another area moves a console that followed the area.
    r = await safety.patch(f"{API}/points/{p['id']}", json={"area_id": ids["UT-01"]})
    assert r.status_code == 200 and r.json()["console"] == "UT-01"
    r = await safety.patch(f"{API}/points/{p['id']}", json={"console": "SYN", "area_id": ids["PU-01"]})
    assert r.json()["console"] == "SYN"

    r = await safety.delete(f"{API}/points/{p['id']}")
    assert r.status_code == 204
    r = await operator.get(f"{API}/points/{p['id']}")
    assert r.status_code == 404 and r.json()["code"] == "monitoring.point_not_found"
    assert await audit_actions(db, seq) == [
        ("monitoring.point_created", "ok", "safety"),
        ("monitoring.point_updated", "ok", "safety"),
        ("monitoring.point_updated", "ok", "safety"),
        ("monitoring.point_updated", "ok", "safety"),
        ("monitoring.point_deleted", "ok", "safety"),
    ]
    assert [e.change for e in events if isinstance(e, PointsChanged)] == [
        "created",
        "updated",
        "updated",
        "updated",
        "deleted",
    ]


async def test_point_list_filters_sort_and_pages(app: Any, callers: Any, ids: dict[str, int]):
    safety = await callers("safety")
    site = ids[SITE]
    await make_point(safety, site, "TST-B", area_id=ids["PU-01"], kind="temperature", unit="°C")
    await make_point(safety, site, "TST-A", area_id=ids["TF-01"])
    await make_point(safety, site, "TST-C", area_id=ids["PU-01"], enabled=False)

    async def tags(query: str) -> list[str]:
        r = await safety.get(f"{API}/points?q=TST-&{query}")
        assert r.status_code == 200, r.text
        return [p["tag"] for p in r.json()["items"]]

    assert await tags("") == ["TST-A", "TST-B", "TST-C"]
    assert await tags("sort=-tag") == ["TST-C", "TST-B", "TST-A"]
    assert await tags(f"area_id={ids['PU-01']}") == ["TST-B", "TST-C"]
    assert await tags("kind=temperature") == ["TST-B"]
    assert await tags("enabled=false") == ["TST-C"]
    r = await safety.get(f"{API}/points?q=tst-&page_size=2&page=2")
    assert r.json()["total"] == 3 and [p["tag"] for p in r.json()["items"]] == ["TST-C"]
    r = await safety.get(f"{API}/points?sort=colour")
    assert r.status_code == 400 and r.json()["code"] == "common.invalid_sort"
    # LIKE wildcards in q are literal.
    assert await tags("q=%25") == []


async def _second_site(client: Any) -> tuple[int, int]:
    r = await client.post(
        "/api/v1/plant/sites", json={"code": "HB-09", "name": "九厂区", "width_m": 50, "height_m": 50}
    )
    assert r.status_code == 201, r.text
    site = r.json()["id"]
    r = await client.post(
        "/api/v1/plant/areas",
        json={
            "site_id": site,
            "code": "X-1",
            "name": "x",
            "kind": "other",
            "polygon": [[0, 0], [9, 0], [9, 9]],
        },
    )
    assert r.status_code == 201, r.text
    return site, r.json()["id"]


# (case, body overrides, status, code, field or None)
BAD_POINTS: list[tuple[str, dict[str, Any], int, str, str | None]] = [
    ("range-inverted", {"range_lo": 20.0, "range_hi": 0.0}, 422, "monitoring.range_invalid", "range_hi"),
    ("setpoint-outside-range", {"sp_hh": 25.0}, 422, "monitoring.setpoint_out_of_range", "sp_hh"),
    ("setpoint-order-H-above-HH", {"sp_h": 18.5}, 422, "monitoring.setpoint_order", "sp_hh"),
    ("setpoint-order-L-equal-LL", {"sp_l": 1.0}, 422, "monitoring.setpoint_order", "sp_l"),
    (
        "AL-1-combustible-level1-30-LEL",
        {
            "kind": "gas_combustible",
            "unit": "%LEL",
            "range_hi": 100.0,
            "sp_ll": None,
            "sp_l": None,
            "sp_h": 30.0,
            "sp_hh": 50.0,
        },
        422,
        "monitoring.gas_level1_too_high",
        "sp_h",
    ),
    (
        "AL-2-combustible-level2-60-LEL",
        {
            "kind": "gas_combustible",
            "unit": "%LEL",
            "range_hi": 100.0,
            "sp_ll": None,
            "sp_l": None,
            "sp_h": 25.0,
            "sp_hh": 60.0,
        },
        422,
        "monitoring.gas_level2_too_high",
        "sp_hh",
    ),
    (
        "combustible-needs-two-levels",
        {
            "kind": "gas_combustible",
            "range_hi": 100.0,
            "sp_ll": None,
            "sp_l": None,
            "sp_h": 20.0,
            "sp_hh": None,
        },
        422,
        "monitoring.gas_setpoints_required",
        "sp_hh",
    ),
    (
        "AL-3-toxic-level2-2.1-OEL",
        {
            "kind": "gas_toxic",
            "unit": "ppm",
            "range_hi": 100.0,
            "gas_oel": 10.0,
            "sp_ll": None,
            "sp_l": None,
            "sp_h": 10.0,
            "sp_hh": 21.0,
        },
        422,
        "monitoring.gas_level2_too_high",
        "sp_hh",
    ),
    (
        "toxic-needs-OEL",
        {"kind": "gas_toxic", "range_hi": 100.0, "sp_ll": None, "sp_l": None, "sp_h": 10.0, "sp_hh": 20.0},
        422,
        "monitoring.gas_oel_required",
        "gas_oel",
    ),
    (
        "toxic-short-range-needs-IDLH",
        {
            "kind": "gas_toxic",
            "range_hi": 10.0,
            "gas_oel": 10.0,
            "sp_ll": None,
            "sp_l": None,
            "sp_h": 1.0,
            "sp_hh": 2.0,
        },
        422,
        "monitoring.gas_idlh_required",
        "gas_idlh",
    ),
    (
        "AL-4-oxygen-high-above-23.5",
        {
            "kind": "oxygen",
            "unit": "%VOL",
            "range_hi": 30.0,
            "sp_ll": 18.0,
            "sp_l": 19.5,
            "sp_h": 24.0,
            "sp_hh": None,
        },
        422,
        "monitoring.oxygen_high_setpoint",
        "sp_h",
    ),
    ("unknown-site", {"site_id": 999999}, 422, "monitoring.site_not_found", "site_id"),
    ("unknown-area", {"area_id": 999999}, 422, "monitoring.area_not_found", "area_id"),
    ("unknown-source", {"source_id": 999999}, 422, "monitoring.source_not_found", "source_id"),
    ("priority-not-in-list", {"prio_h": "critical"}, 422, "common.validation_error", None),
    ("kind-not-in-list", {"kind": "vibration"}, 422, "common.validation_error", None),
    ("unknown-field", {"colour": "red"}, 422, "common.validation_error", None),
    ("not-finite", {"sp_h": "Infinity"}, 422, "common.validation_error", None),
    ("bad-tag", {"tag": "has space"}, 422, "common.validation_error", None),
    ("taken-tag", {"tag": "TST-TAKEN"}, 409, "monitoring.tag_taken", None),
]


async def test_bad_points_are_refused_and_change_nothing(
    app: Any, callers: Any, ids: dict[str, int], events: list[Any]
):
    safety = await callers("safety")
    db = app.state.database
    site = ids[SITE]
    existing = await make_point(safety, site, "TST-TAKEN", area_id=ids["PU-01"])
    other_site, other_area = await _second_site(safety)
    cases = [
        *BAD_POINTS,
        ("area-of-another-site", {"area_id": other_area}, 422, "monitoring.area_not_in_site", "area_id"),
    ]
    events.clear()
    before = await mon_snapshot(db)
    for case, over, status, code, fld in cases:
        r = await safety.post(f"{API}/points", json=point_body(site, "TST-NEW", **over))
        assert r.status_code == status, (case, r.text)
        body = r.json()
        assert body["code"] == code, (case, body)
        if fld is not None:
            assert body["params"]["field"] == fld, (case, body)
    updates = [
        ("patch-null-name", {"name": None}, "common.validation_error"),
        ("patch-H-above-HH", {"sp_h": 19.0}, "monitoring.setpoint_order"),
        ("patch-range-below-setpoints", {"range_hi": 10.0}, "monitoring.setpoint_out_of_range"),
        ("patch-site-leaving-its-area-behind", {"site_id": other_site}, "monitoring.area_not_in_site"),
    ]
    for case, over, code in updates:
        r = await safety.patch(f"{API}/points/{existing['id']}", json=over)
        assert r.status_code == 422, (case, r.text)
        assert r.json()["code"] == code, (case, r.json())
    r = await safety.patch(f"{API}/points/{2**63}", json={"name": "x"})
    assert r.status_code == 422
    r = await safety.patch(f"{API}/points/999999", json={"name": "x"})
    assert r.status_code == 404 and r.json()["code"] == "monitoring.point_not_found"
    assert await mon_snapshot(db) == before
    assert events == []


async def test_gas_setpoints_at_their_limits_are_accepted(app: Any, callers: Any, ids: dict[str, int]):
    safety = await callers("safety")
    site = ids[SITE]
    none4 = {"sp_ll": None, "sp_l": None}
    # AL-1 / AL-2: 25 %LEL and 50 %LEL exactly.
    await make_point(
        safety,
        site,
        "TST-GT",
        kind="gas_combustible",
        unit="%LEL",
        range_hi=100.0,
        sp_h=25.0,
        sp_hh=50.0,
        **none4,
    )
    # AL-3: 1.0·OEL and 2.0·OEL.
    await make_point(
        safety,
        site,
        "TST-AT",
        kind="gas_toxic",
        unit="ppm",
        range_hi=100.0,
        gas_oel=10.0,
        sp_h=10.0,
        sp_hh=20.0,
        **none4,
    )
    # A range that cannot reach 2·OEL: the IDLH bounds (5 %, 10 %) apply instead.
    await make_point(
        safety,
        site,
        "TST-AT2",
        kind="gas_toxic",
        range_hi=10.0,
        gas_oel=10.0,
        gas_idlh=100.0,
        sp_h=5.0,
        sp_hh=10.0,
        **none4,
    )
    r = await safety.post(
        f"{API}/points",
        json=point_body(
            site,
            "TST-AT3",
            kind="gas_toxic",
            range_hi=10.0,
            gas_oel=10.0,
            gas_idlh=100.0,
            sp_h=5.0,
            sp_hh=10.5,
            **none4,
        ),
    )
    assert r.status_code == 422 and r.json()["code"] == "monitoring.setpoint_out_of_range"
    # Oxygen: 23.5 / 19.5 exactly (GB/T 50493-2019) with a level-2 low.
    await make_point(
        safety,
        site,
        "TST-O2",
        kind="oxygen",
        unit="%VOL",
        range_hi=30.0,
        sp_ll=18.0,
        sp_l=19.5,
        sp_h=23.5,
        sp_hh=None,
    )


async def test_point_edits_follow_onto_alarm_rows_without_clearing_them(
    app: Any, callers: Any, ids: dict[str, int], events: list[Any]
):
    safety = await callers("safety")
    db = app.state.database
    p = await make_point(safety, ids[SITE], "TST-MIRROR", area_id=ids["PU-01"])
    alarm_id = await engine_activate(db, p["id"], "H", T0, value=16.5)
    events.clear()
    r = await safety.patch(
        f"{API}/points/{p['id']}", json={"prio_h": "urgent", "area_id": ids["UT-01"], "sp_h": None}
    )
    assert r.status_code == 200, r.text
    async with db.transaction(write=False) as s:
        alarm = (await s.scalars(select(Alarm).where(Alarm.id == alarm_id))).one()
    # Removing the set-point leaves the alarm to the engine: still active, unacknowledged.
    assert (alarm.priority, alarm.area_id, alarm.console, alarm.active, alarm.acked) == (
        "urgent",
        ids["UT-01"],
        "UT-01",
        True,
        False,
    )
    assert alarm.rev == 2
    changed = [e for e in events if isinstance(e, AlarmChanged)]
    assert [(e.change, e.alarm.id, e.alarm.priority) for e in changed] == [
        ("reconfigured", alarm_id, "urgent")
    ]
    # A point with alarm history is not deleted (disable it instead).
    r = await safety.delete(f"{API}/points/{p['id']}")
    assert r.status_code == 409 and r.json()["code"] == "monitoring.point_has_history"


async def test_point_permissions_and_scope(app: Any, callers: Any, ids: dict[str, int]):
    safety = await callers("safety")
    db = app.state.database
    site = ids[SITE]
    pu = await make_point(safety, site, "TST-PU", area_id=ids["PU-01"])
    tf = await make_point(safety, site, "TST-TF", area_id=ids["TF-01"])
    site_level = await make_point(safety, site, "TST-SITE")
    before = await mon_snapshot(db, audit=False)
    seq = await last_audit_seq(db)
    for who in ("operator", "leader", "inspector"):
        c = await callers(who)
        r = await c.post(f"{API}/points", json=point_body(site, "TST-X"))
        assert r.status_code == 403, who
        assert r.json() == r.json() | {"code": "common.forbidden", "params": {"permission": P.MON_CONFIGURE}}
        for method, path in (("PATCH", f"/points/{pu['id']}"), ("DELETE", f"/points/{pu['id']}")):
            kw = {"json": {"name": "x"}} if method == "PATCH" else {}
            assert (await c.request(method, API + path, **kw)).status_code == 403
    contractor = await callers("contractor")  # no monitoring.read
    assert (await contractor.get(f"{API}/points")).status_code == 403
    assert await mon_snapshot(db, audit=False) == before
    assert {a for a, _, _ in await audit_actions(db, seq)} == {"access.denied"}

    # The shift leader (department SYN) sees the process unit only; site-level points need the site.
    leader = await callers("leader")
    r = await leader.get(f"{API}/points?q=TST-")
    assert [p["tag"] for p in r.json()["items"]] == ["TST-PU"]
    for p in (tf, site_level):
        r = await leader.get(f"{API}/points/{p['id']}")
        assert r.status_code == 403 and r.json()["code"] == "identity.out_of_scope"
    operator = await callers("operator")  # site scope: everything on HB-01
    r = await operator.get(f"{API}/points?q=TST-")
    assert [p["tag"] for p in r.json()["items"]] == ["TST-PU", "TST-SITE", "TST-TF"]
    anonymous = await callers(None)
    assert (await anonymous.get(f"{API}/points")).status_code == 401


async def test_sources_tokens_secrets_and_lookup(app: Any, callers: Any, events: list[Any]):
    safety, operator = await callers("safety"), await callers("operator")
    db = app.state.database
    r = await safety.post(
        f"{API}/sources",
        json={
            "code": "TST-MQ",
            "name": "测试网关",
            "kind": "mqtt",
            "config": {"host": "10.0.0.5", "password": "s3cret"},
        },
    )
    assert r.status_code == 201, r.text
    mq = r.json()
    assert mq["token"] is None and mq["has_token"] is False
    assert mq["config"] == {"host": "10.0.0.5", "password": "***"}

    r = await safety.post(f"{API}/sources", json={"code": "TST-HTTP", "name": "HTTP 网关", "kind": "http"})
    assert r.status_code == 201
    http = r.json()
    token = http["token"]
    assert token and http["has_token"] is True

    listed = {s["code"]: s for s in (await operator.get(f"{API}/sources")).json()}
    assert "token" not in listed["TST-HTTP"] and listed["TST-HTTP"]["has_token"] is True
    assert listed["TST-MQ"]["config"]["password"] == "***"

    # Sending the mask back keeps the secret; a new value replaces it.
    r = await safety.patch(
        f"{API}/sources/{mq['id']}", json={"config": {"host": "10.0.0.6", "password": "***"}}
    )
    assert r.status_code == 200 and "token" not in r.json()
    async with db.transaction(write=False) as s:
        assert (await s.get(Source, mq["id"])).config == {"host": "10.0.0.6", "password": "s3cret"}  # type: ignore[union-attr]
        found = await service.source_by_token(s, token)
        assert found is not None and found.code == "TST-HTTP"
        assert await service.source_by_token(s, "not-" + token) is None

    r = await safety.post(f"{API}/sources/{http['id']}/rotate-token")
    assert r.status_code == 200
    new_token = r.json()["token"]
    assert new_token and new_token != token
    r = await safety.patch(f"{API}/sources/{http['id']}", json={"enabled": False})
    assert r.json()["enabled"] is False
    async with db.transaction(write=False) as s:
        assert await service.source_by_token(s, token) is None  # rotated away
        assert await service.source_by_token(s, new_token) is None  # source disabled
    await safety.patch(f"{API}/sources/{http['id']}", json={"enabled": True})
    async with db.transaction(write=False) as s:
        assert (await service.source_by_token(s, new_token)).id == http["id"]  # type: ignore[union-attr]

    r = await safety.post(f"{API}/sources/{mq['id']}/rotate-token")
    assert r.status_code == 409 and r.json()["code"] == "monitoring.source_not_http"
    r = await safety.post(f"{API}/sources", json={"code": "TST-MQ", "name": "x", "kind": "mqtt"})
    assert r.status_code == 409 and r.json()["code"] == "monitoring.source_code_taken"
    r = await safety.post(f"{API}/sources", json={"code": "TST-Z", "name": "x", "kind": "ftp"})
    assert r.status_code == 422
    r = await operator.post(f"{API}/sources", json={"code": "TST-Y", "name": "x", "kind": "mqtt"})
    assert r.status_code == 403 and r.json()["params"] == {"permission": P.MON_CONFIGURE}
    r = await safety.patch(f"{API}/sources/999999", json={"name": "x"})
    assert r.status_code == 404 and r.json()["code"] == "monitoring.source_not_found"
    assert [e.change for e in events if isinstance(e, SourcesChanged)] == [
        "created",
        "created",
        "updated",
        "token_rotated",
        "updated",
        "updated",
    ]


@pytest.mark.parametrize(
    ("d", "problems"),
    [
        pytest.param(
            {"range_lo": 0, "range_hi": 10, "kind": "level", "sp_h": 5, "sp_hh": 5},
            ["monitoring.setpoint_order"],
            id="H-equal-HH",
        ),
        pytest.param(
            {"range_lo": 0, "range_hi": 10, "kind": "level", "sp_ll": 0, "sp_hh": 10}, [], id="at-range-ends"
        ),
        pytest.param(
            {"range_lo": 0, "range_hi": 100, "kind": "gas_combustible", "sp_h": 25, "sp_hh": 25},
            ["monitoring.setpoint_order", "monitoring.gas_level2_not_above_level1"],
            id="GB/T50493-2019:level2-equal-level1",
        ),
        pytest.param(
            {"range_lo": 0, "range_hi": 30, "kind": "oxygen", "sp_l": 19.6, "sp_h": 23.4},
            [],
            id="GB/T50493-2019:oxygen-tighter-band-allowed",
        ),
        pytest.param(
            {"range_lo": 0, "range_hi": 30, "kind": "oxygen", "sp_l": 19.4, "sp_h": 23.5},
            ["monitoring.oxygen_low_setpoint"],
            id="GB/T50493-2019:oxygen-low-below-19.5",
        ),
    ],
)
def test_setpoint_problems_table(d: dict[str, Any], problems: list[str]):
    assert [p.code for p in service.setpoint_problems(d)] == problems


async def test_every_monitoring_endpoint_needs_a_signed_in_caller(app: Any, callers: Any):
    """Anonymous callers get 401 on every route of this API (the gateway ingest has its own token)."""
    anonymous = await callers(None)
    spec = app.openapi()
    routes = [
        (
            method.upper(),
            path.replace("{point_id}", "1").replace("{alarm_id}", "1").replace("{source_id}", "1"),
        )
        for path, ops in spec["paths"].items()
        if path.startswith(API) and not path.startswith((f"{API}/ingest", f"{API}/routes"))
        for method in ops
    ]
    assert len(routes) == 29
    for method, path in routes:
        r = await anonymous.request(method, path)
        assert r.status_code == 401, (method, path, r.text)
