"""Audit log (等保 8.1.4.3): what is recorded, with which result, and how the auditor reads it."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from anguan.identity import permissions as P
from tests.identity.conftest import Plant, audit_rows, last_seq

pytestmark = pytest.mark.asyncio(loop_scope="package")


def _summary(rows):
    return [(a["action"], a["result"], a["actor"]) for a in rows]


async def test_login_failure_logout_and_denial_are_recorded(plant: Plant):
    seq = await last_seq(plant.app)
    api = plant.new_client()
    assert (await api.login("contractor", "Wrong#Pass1")).status_code == 401
    assert (await api.login("contractor")).status_code == 200
    assert (await api.get("/api/v1/users")).status_code == 403
    assert (await api.post("/api/v1/auth/logout")).status_code == 204
    rows = await audit_rows(plant.app, seq)
    assert _summary(rows) == [
        ("identity.login", "failed", "contractor"),
        ("identity.login", "ok", "contractor"),
        ("access.denied", "denied", "contractor"),
        ("identity.logout", "ok", "contractor"),
    ]
    assert rows[0]["detail"] == {"reason": "bad_credentials"}
    assert rows[1]["target_type"] == "session" and rows[1]["target_id"] == rows[3]["target_id"]
    assert rows[2]["detail"] == {
        "code": "common.forbidden",
        "method": "GET",
        "path": "/api/v1/users",
        "params": {"permission": P.USER_READ},
    }


async def test_permission_changes_are_recorded_with_before_and_after(plant: Plant):
    sec = plant.clients["secadmin"]
    admin = plant.clients["admin"]
    uid = (
        await admin.post(
            "/api/v1/users",
            json={
                "username": f"a{uuid.uuid4().hex[:8]}",
                "display_name": "审计对象",
                "password": "Strong#Pass1",
            },
        )
    ).json()["id"]
    code = f"r_{uuid.uuid4().hex[:8]}"
    seq = await last_seq(plant.app)
    assert (await sec.put(f"/api/v1/users/{uid}/roles", json={"roles": ["operator"]})).status_code == 200
    assert (await sec.put(f"/api/v1/users/{uid}/roles", json={"roles": ["inspector"]})).status_code == 200
    assert (
        await sec.put(f"/api/v1/users/{uid}/scopes", json={"scopes": [{"kind": "all"}]})
    ).status_code == 200
    body = {"code": code, "name_zh": "临时", "name_en": "Temp", "permissions": [P.PLANT_READ]}
    assert (await sec.post("/api/v1/roles", json=body)).status_code == 201
    assert (
        await sec.patch(f"/api/v1/roles/{code}", json={"permissions": [P.PLANT_READ, P.ROLE_READ]})
    ).status_code == 200
    assert (await sec.delete(f"/api/v1/roles/{code}")).status_code == 204
    rows = await audit_rows(plant.app, seq)
    assert [(a["action"], a["result"], a["actor"], a["target_id"]) for a in rows] == [
        ("identity.roles_changed", "ok", "secadmin", str(uid)),
        ("identity.roles_changed", "ok", "secadmin", str(uid)),
        ("identity.scopes_changed", "ok", "secadmin", str(uid)),
        ("identity.role_created", "ok", "secadmin", code),
        ("identity.role_updated", "ok", "secadmin", code),
        ("identity.role_deleted", "ok", "secadmin", code),
    ]
    assert rows[0]["detail"] == {"before": [], "after": ["operator"]}
    assert rows[1]["detail"] == {"before": ["operator"], "after": ["inspector"]}
    assert rows[2]["detail"] == {"before": [], "after": ["all:None"]}
    assert rows[3]["detail"] == {"permissions": [P.PLANT_READ]}
    assert rows[4]["detail"] == {"before": [P.PLANT_READ], "after": sorted([P.PLANT_READ, P.ROLE_READ])}


async def test_refused_changes_leave_no_ok_entry(plant: Plant):
    """A request refused by a business rule is rolled back with its audit entry: the log never claims it happened."""
    seq = await last_seq(plant.app)
    r = await plant.clients["secadmin"].put(
        f"/api/v1/users/{plant.ids['operator']}/roles", json={"roles": ["sysadmin", "auditor"]}
    )
    assert r.status_code == 409
    assert await audit_rows(plant.app, seq) == []


async def test_auditor_reads_filters_and_verifies(plant: Plant):
    api = plant.new_client()
    await api.login("leader", "Wrong#Pass1")
    await api.login("leader")
    auditor = plant.clients["auditor"]
    r = await auditor.get("/api/v1/audit", params={"actor": "leader", "page_size": 200})
    assert r.status_code == 200
    items = r.json()["items"]
    assert [i["seq"] for i in items] == sorted((i["seq"] for i in items), reverse=True)  # newest first
    assert {(i["action"], i["result"]) for i in items} >= {
        ("identity.login", "failed"),
        ("identity.login", "ok"),
    }
    assert all(i["actor_username"] == "leader" for i in items)
    assert items[0]["ip"] == "127.0.0.1"
    r = await auditor.get("/api/v1/audit", params={"actor": "leader", "result": "failed"})
    assert {i["result"] for i in r.json()["items"]} == {"failed"} and r.json()["total"] >= 1
    r = await auditor.get("/api/v1/audit", params={"action": "identity.log", "sort": "seq", "page_size": 200})
    actions = {i["action"] for i in r.json()["items"]}
    assert actions and all(a.startswith("identity.log") for a in actions)
    ts = items[0]["ts"]
    at = datetime.fromisoformat(ts)
    r = await auditor.get("/api/v1/audit", params={"since": ts, "actor": "leader"})
    assert r.json()["total"] >= 1 and all(datetime.fromisoformat(i["ts"]) >= at for i in r.json()["items"])
    r = await auditor.get("/api/v1/audit", params={"until": ts, "actor": "leader"})
    assert all(datetime.fromisoformat(i["ts"]) < at for i in r.json()["items"])
    assert "failed" in {i["result"] for i in r.json()["items"]}  # the earlier failure is before the sign-in
    r = await auditor.get("/api/v1/audit/verify")
    assert r.json() == {"ok": True, "checked": await last_seq(plant.app), "first_bad_seq": None}
