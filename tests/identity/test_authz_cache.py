"""The per-process authorisation cache never serves stale roles, permissions or scopes."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

pytestmark = pytest.mark.asyncio


async def _id(api: Any, username: str) -> int:
    r = await api.get("/api/v1/users", params={"q": username})
    return next(u["id"] for u in r.json()["items"] if u["username"] == username)


class StatementLog:
    """Every SQL statement the app's engine sends while active."""

    def __init__(self, app: Any) -> None:
        self.engine = app.state.database.engine.sync_engine
        self.statements: list[str] = []

    def _on(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.statements.append(statement)

    def __enter__(self) -> StatementLog:
        event.listen(self.engine, "before_cursor_execute", self._on)
        return self

    def __exit__(self, *exc: Any) -> None:
        event.remove(self.engine, "before_cursor_execute", self._on)

    def touching(self, table: str) -> list[str]:
        return [s for s in self.statements if table in s]


async def test_warm_requests_skip_the_role_and_scope_queries(app, make_client):
    operator = await make_client("operator")
    assert (await operator.get("/api/v1/plant/sites")).status_code == 200  # warms the cache
    with StatementLog(app) as log:
        assert (await operator.get("/api/v1/plant/sites")).status_code == 200
    assert log.touching("identity_session")  # the session row is read on every request
    assert log.touching("identity_role") == [] and log.touching("identity_data_scope") == []


async def test_a_granted_role_applies_on_the_next_request(make_client):
    operator, admin, secadmin = (
        await make_client("operator"),
        await make_client("admin"),
        await make_client("secadmin"),
    )
    assert (await operator.get("/api/v1/users")).status_code == 403  # cached: no identity.user.read
    uid = await _id(admin, "operator")
    assert (
        await secadmin.put(f"/api/v1/users/{uid}/roles", json={"roles": ["safety_manager"]})
    ).status_code == 200
    assert (await operator.get("/api/v1/users")).status_code == 200
    assert (await secadmin.put(f"/api/v1/users/{uid}/roles", json={"roles": ["operator"]})).status_code == 200
    assert (await operator.get("/api/v1/users")).status_code == 403


async def test_editing_a_held_role_applies_to_its_holders_at_once(make_client):
    operator, admin, secadmin = (
        await make_client("operator"),
        await make_client("admin"),
        await make_client("secadmin"),
    )
    body = {
        "code": "night_watch",
        "name_zh": "夜间巡查",
        "name_en": "Night watch",
        "permissions": ["plant.read"],
    }
    assert (await secadmin.post("/api/v1/roles", json=body)).status_code == 201
    uid = await _id(admin, "operator")
    r = await secadmin.put(f"/api/v1/users/{uid}/roles", json={"roles": ["night_watch"]})
    assert r.status_code == 200, r.text
    assert (await operator.get("/api/v1/users")).status_code == 403
    r = await secadmin.patch(
        "/api/v1/roles/night_watch", json={"permissions": ["plant.read", "identity.user.read"]}
    )
    assert r.status_code == 200, r.text
    assert (await operator.get("/api/v1/users")).status_code == 200
    r = await secadmin.patch("/api/v1/roles/night_watch", json={"permissions": ["plant.read"]})
    assert r.status_code == 200
    assert (await operator.get("/api/v1/users")).status_code == 403


async def test_a_narrowed_scope_applies_on_the_next_request(make_client):
    operator, admin, secadmin = (
        await make_client("operator"),
        await make_client("admin"),
        await make_client("secadmin"),
    )
    areas = (await operator.get("/api/v1/plant/areas")).json()
    assert len(areas) == 13  # site scope: every area
    tank_farm = next(a["id"] for a in areas if a["code"] == "TF-01")
    uid = await _id(admin, "operator")
    r = await secadmin.put(
        f"/api/v1/users/{uid}/scopes", json={"scopes": [{"kind": "area", "ref_id": tank_farm}]}
    )
    assert r.status_code == 200, r.text
    assert sorted(a["code"] for a in (await operator.get("/api/v1/plant/areas")).json()) == [
        "DK-01",
        "DK-02",
        "TF-01",
    ]
