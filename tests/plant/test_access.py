"""Who may call which plant endpoint: anonymous, each demo role, data scopes (SQLite matrix)."""

from __future__ import annotations

from typing import Any

import pytest

from anguan.identity import permissions as P
from anguan.simulator import plant_layout as L
from tests.plant.support import (
    DEMO_USERNAMES,
    audit_actions,
    holders,
    lacking,
    last_audit_seq,
    perms_of,
    plant_snapshot,
)

API = "/api/v1/plant"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# Literal facts the role table must keep (a change here is a product decision, not a refactor).
WRITERS = ["admin", "safety"]
VISIBLE_AREAS = {
    "admin": {a.code for a in L.AREAS},
    "secadmin": {a.code for a in L.AREAS},
    "auditor": {a.code for a in L.AREAS},
    "safety": {a.code for a in L.AREAS},
    "operator": {a.code for a in L.AREAS},  # site scope HB-01
    "leader": {"PU-01"},  # department SYN
    "inspector": {"TF-01", "DK-01", "DK-02", "LD-01"},  # department STOR
    "contractor": {"TF-01", "DK-01", "DK-02"},  # area TF-01 and its sub-areas
}


def test_role_table_facts():
    assert holders(P.PLANT_WRITE) == WRITERS
    assert holders(P.PLANT_READ) == DEMO_USERNAMES
    assert set(VISIBLE_AREAS) == set(DEMO_USERNAMES)


def _writes(ids: dict[str, int], tag: str) -> list[tuple[str, str, dict[str, Any], int]]:
    """Every plant write as (method, path, request kwargs, success status), valid in this order."""
    site = ids[L.SITE_CODE]
    return [
        ("PATCH", "/enterprise", {"json": {"name": f"企业-{tag}"}}, 200),
        (
            "POST",
            "/sites",
            {"json": {"code": f"S-{tag}", "name": "新厂区", "width_m": 100, "height_m": 100}},
            201,
        ),
        ("PATCH", f"/sites/{site}", {"json": {"name": f"厂区-{tag}"}}, 200),
        ("PUT", f"/sites/{site}/drawing", {"files": {"file": ("d.png", PNG, "image/png")}}, 200),
        (
            "POST",
            "/areas",
            {
                "json": {
                    "site_id": site,
                    "code": f"A-{tag}",
                    "name": "新区域",
                    "kind": "other",
                    "polygon": [[320, 20], [360, 20], [360, 50]],
                }
            },
            201,
        ),
        ("PATCH", f"/areas/{ids['TF-01']}", {"json": {"name": f"罐区-{tag}"}}, 200),
        ("DELETE", f"/areas/{ids['GT-01']}", {}, 204),
        ("POST", "/departments", {"json": {"code": f"D-{tag}", "name": "新部门"}}, 201),
        ("PATCH", f"/departments/{ids['dept:SHE']}", {"json": {"name": f"安环-{tag}"}}, 200),
        (
            "POST",
            "/equipment",
            {
                "json": {
                    "site_id": site,
                    "tag": f"E-{tag}",
                    "name": "设备",
                    "kind": "pump",
                    "x": 100,
                    "y": 300,
                }
            },
            201,
        ),
    ]


def _reads(ids: dict[str, int]) -> list[str]:
    site = ids[L.SITE_CODE]
    return [
        "/enterprise",
        "/sites",
        f"/sites/{site}",
        f"/sites/{site}/map",
        f"/sites/{site}/drawing",
        "/areas",
        f"/areas?site_id={site}",
        "/departments",
        f"/sites/{site}/equipment",
    ]


async def test_anonymous_gets_401_everywhere(sqlite_app: Any, sqlite_callers: Any, sqlite_ids: Any):
    anon = await sqlite_callers(None)
    before = await plant_snapshot(sqlite_app.state.database)
    seq = await last_audit_seq(sqlite_app.state.database)
    calls = [("GET", path, {}) for path in [*_reads(sqlite_ids), f"/areas/{sqlite_ids['TF-01']}"]]
    calls += [(m, path, kw) for m, path, kw, _ in _writes(sqlite_ids, "anon")]
    for method, path, kw in calls:
        r = await anon.request(method, API + path, **kw)
        assert r.status_code == 401, (method, path, r.text)
        assert r.json()["code"] == "common.not_authenticated", (method, path)
    # A bogus bearer token is no better than none.
    bogus = await sqlite_callers(None)
    bogus.headers["Authorization"] = "Bearer not-a-token"
    r = await bogus.get(API + "/sites")
    assert r.status_code == 401
    assert await plant_snapshot(sqlite_app.state.database) == before
    assert await audit_actions(sqlite_app.state.database, seq) == []


@pytest.mark.parametrize("username", DEMO_USERNAMES)
async def test_writes_by_role(sqlite_app: Any, sqlite_callers: Any, sqlite_ids: Any, username: str):
    """Holders of plant.write succeed on every write; every other role gets 403 and changes nothing."""
    client = await sqlite_callers(username)
    database = sqlite_app.state.database
    before = await plant_snapshot(database)
    seq = await last_audit_seq(database)
    writes = _writes(sqlite_ids, username)
    may_write = P.PLANT_WRITE in perms_of(username)
    for method, path, kw, ok_status in writes:
        r = await client.request(method, API + path, **kw)
        if may_write:
            assert r.status_code == ok_status, (method, path, r.text)
        else:
            assert r.status_code == 403, (method, path, r.text)
            body = r.json()
            assert body["code"] == "common.forbidden"
            assert body["params"] == {"permission": P.PLANT_WRITE}
    audit = await audit_actions(database, seq)
    if may_write:
        assert len(audit) == len(writes)
        assert all(result == "ok" and who == username for _, result, who in audit)
        assert await plant_snapshot(database) != before
    else:
        assert await plant_snapshot(database) == before
        assert audit == [("access.denied", "denied", username)] * len(writes)


@pytest.mark.parametrize("username", lacking(P.PLANT_WRITE))
async def test_refused_writer_leaves_no_event_behind(
    sqlite_app: Any, sqlite_callers: Any, sqlite_ids: Any, username: str
):
    seen: list[object] = []

    async def sink(event: object) -> None:
        seen.append(event)

    sqlite_app.state.bus.add_sink(sink)
    client = await sqlite_callers(username)
    r = await client.patch(f"{API}/areas/{sqlite_ids['TF-01']}", json={"name": "x"})
    assert r.status_code == 403
    assert seen == []


@pytest.mark.parametrize("username", DEMO_USERNAMES)
async def test_reads_by_role(sqlite_app: Any, sqlite_callers: Any, sqlite_ids: Any, username: str):
    """Every demo role holds plant.read; what it sees is cut to its data scope."""
    client = await sqlite_callers(username)
    for path in _reads(sqlite_ids):
        r = await client.get(API + path)
        assert r.status_code == 200, (path, r.text)
    site = sqlite_ids[L.SITE_CODE]
    areas = {a["code"] for a in (await client.get(f"{API}/areas")).json()}
    assert areas == VISIBLE_AREAS[username]
    mapped = (await client.get(f"{API}/sites/{site}/map")).json()
    assert {f["properties"]["code"] for f in mapped["areas"]["features"]} == VISIBLE_AREAS[username]
    assert all(
        f["properties"]["area_id"] in {sqlite_ids[c] for c in VISIBLE_AREAS[username]}
        for f in mapped["equipment"]["features"]
    )
    for code in ("TF-01", "PU-01", "RD-01"):
        r = await client.get(f"{API}/areas/{sqlite_ids[code]}")
        if code in VISIBLE_AREAS[username]:
            assert r.status_code == 200, r.text
        else:
            assert r.status_code == 403 and r.json()["code"] == "identity.out_of_scope"


async def test_scoped_user_cannot_see_a_second_site(sqlite_app: Any, sqlite_callers: Any, sqlite_ids: Any):
    admin, contractor, operator = (
        await sqlite_callers("admin"),
        await sqlite_callers("contractor"),
        await sqlite_callers("operator"),
    )
    other = (
        await admin.post(
            f"{API}/sites", json={"code": "HB-09", "name": "九厂区", "width_m": 50, "height_m": 50}
        )
    ).json()
    r = await admin.post(
        f"{API}/areas",
        json={
            "site_id": other["id"],
            "code": "X-1",
            "name": "x",
            "kind": "other",
            "polygon": [[0, 0], [9, 0], [9, 9]],
        },
    )
    assert r.status_code == 201
    for client in (contractor, operator):
        assert other["id"] not in {s["id"] for s in (await client.get(f"{API}/sites")).json()}
        for path in (f"/sites/{other['id']}", f"/sites/{other['id']}/map", f"/sites/{other['id']}/equipment"):
            r = await client.get(API + path)
            assert r.status_code == 403 and r.json()["code"] == "identity.out_of_scope", path
        assert "X-1" not in {a["code"] for a in (await client.get(f"{API}/areas")).json()}
        r = await client.get(f"{API}/areas?site_id={other['id']}")
        assert r.status_code == 200 and r.json() == []
