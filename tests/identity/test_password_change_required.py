"""A temporary or expired password must be changed before anything else (GB/T 22239-2019 8.1.4.1 a).

While `must_change_password` is set, every authenticated endpoint of the API answers 403
identity.password_change_required (audited), except the four that let the user change it.
The endpoint list comes from the app's own OpenAPI document, so a new endpoint is covered too.
"""

from __future__ import annotations

import re
import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from anguan.identity.deps import SESSION_COOKIE, websocket_identity
from tests.conftest import Api
from tests.identity.conftest import (
    IDENTITY_TABLES,
    Plant,
    assert_error,
    audit_rows,
    dump,
    last_seq,
    new_user_body,
)

pytestmark = pytest.mark.asyncio(loop_scope="package")

FIRST = "First#Pass2026"
ALLOWED = {
    ("GET", "/api/v1/auth/me"),
    ("POST", "/api/v1/auth/password"),
    ("POST", "/api/v1/auth/logout"),
    ("GET", "/api/v1/auth/sessions"),
}
PUBLIC = {
    ("POST", "/api/v1/auth/login"),
    ("GET", "/api/health"),
    # Gateways authenticate with a data-source token, not a user session.
    ("POST", "/api/v1/monitoring/ingest"),
}


async def _newcomer(plant: Plant) -> tuple[Api, str]:
    """An account just created by the administrator, signed in with its temporary password."""
    name = f"new_{uuid.uuid4().hex[:8]}"
    r = await plant.clients["admin"].post("/api/v1/users", json=new_user_body(name, password=FIRST))
    assert r.status_code == 201, r.text
    api = plant.new_client()
    r = await api.login(name, FIRST)
    assert r.status_code == 200 and r.json()["must_change_password"] is True
    return api, name


async def _operations(plant: Plant) -> list[tuple[str, str]]:
    spec = (await plant.anonymous.get("/api/openapi.json")).json()
    return sorted(
        (method.upper(), re.sub(r"\{[^}]+\}", "1", path))
        for path, item in spec["paths"].items()
        for method in item
        if (method.upper(), path) not in PUBLIC
    )


async def test_every_other_endpoint_is_refused_until_the_password_is_changed(plant: Plant, fast_hashing):
    api, name = await _newcomer(plant)
    operations = await _operations(plant)
    refused = [op for op in operations if op not in ALLOWED]
    assert (
        len(refused) > 25
        and ("GET", "/api/v1/plant/sites") in refused
        and ("POST", "/api/v1/auth/tokens") in refused
    )
    before = await dump(plant.app, IDENTITY_TABLES)
    seq = await last_seq(plant.app)
    for method, path in refused:
        r = await api.request(method, path, json={} if method in ("POST", "PUT", "PATCH", "DELETE") else None)
        assert_error(r, 403, "identity.password_change_required")
    assert await dump(plant.app, IDENTITY_TABLES) == before
    rows = await audit_rows(plant.app, seq)
    assert [(a["action"], a["actor"], a["detail"]["code"]) for a in rows] == [
        ("access.denied", name, "identity.password_change_required")
    ] * len(refused)

    # The four it needs still answer.
    assert (await api.get("/api/v1/auth/me")).json()["must_change_password"] is True
    assert len((await api.get("/api/v1/auth/sessions")).json()) == 1
    r = await api.post("/api/v1/auth/password", json={"old_password": FIRST, "new_password": "Mine#Pass2026"})
    assert r.status_code == 204, r.text
    # Changed: what the account may do answers again (it holds no role yet, so plant data stays forbidden).
    assert (await api.get("/api/v1/auth/me")).json()["must_change_password"] is False
    assert_error(await api.get("/api/v1/plant/sites"), 403, "common.forbidden")
    assert (await api.post("/api/v1/auth/tokens", json={"name": "gw"})).status_code == 201
    assert (await api.post("/api/v1/auth/logout")).status_code == 204


async def test_logout_is_allowed_before_the_change(plant: Plant, fast_hashing):
    api, _ = await _newcomer(plant)
    assert (await api.post("/api/v1/auth/logout")).status_code == 204
    assert_error(await api.get("/api/v1/auth/me"), 401, "common.not_authenticated")


async def test_a_reset_password_forces_the_change_too(plant: Plant, fast_hashing):
    api, name = await _newcomer(plant)
    r = await api.post("/api/v1/auth/password", json={"old_password": FIRST, "new_password": "Mine#Pass2026"})
    assert r.status_code == 204
    uid = (await api.get("/api/v1/auth/me")).json()["id"]
    r = await plant.clients["admin"].post(
        f"/api/v1/users/{uid}/reset-password", json={"new_password": "Temp#Pass2026"}
    )
    assert r.status_code == 204
    again = plant.new_client()
    assert (await again.login(name, "Temp#Pass2026")).json()["must_change_password"] is True
    assert_error(await again.get("/api/v1/plant/sites"), 403, "identity.password_change_required")


async def test_realtime_socket_is_refused_until_the_change(plant: Plant, fast_hashing):
    api, _ = await _newcomer(plant)

    def socket(client: Api) -> Any:
        token = client.client.cookies.get(SESSION_COOKIE)
        return SimpleNamespace(cookies={SESSION_COOKIE: token}, query_params={}, app=plant.app)

    assert await websocket_identity(socket(api)) is None
    r = await api.post("/api/v1/auth/password", json={"old_password": FIRST, "new_password": "Mine#Pass2026"})
    assert r.status_code == 204
    identity = await websocket_identity(socket(api))
    assert identity is not None and identity.user_id == (await api.get("/api/v1/auth/me")).json()["id"]
