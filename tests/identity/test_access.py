"""Who may call which identity endpoint: every demo role against every endpoint, on SQLite and PostgreSQL.

The expected allowed set is derived from BUILTIN_ROLES (the source of truth); a few facts of 三员分立
are also asserted literally so a wrong derivation cannot make the matrix vacuous. One app and one
login per demo user serve these matrices (see the `plant` fixture); tests that change something
only touch objects they create themselves.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from anguan.identity import permissions as P
from tests.identity.conftest import (
    DEMO_ROLE,
    DEMO_USERNAMES,
    IDENTITY_TABLES,
    ROLE_PERMISSIONS,
    Plant,
    assert_error,
    audit_rows,
    dump,
    holders,
    lacking,
    last_seq,
    new_user_body,
)

pytestmark = pytest.mark.asyncio(loop_scope="package")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {uid}: the operator's id; {code}: a built-in role code
    permissions: tuple[str, ...]  # any one suffices; empty: any signed-in user
    body: dict[str, Any] | None = None

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    def url(self, plant: Plant) -> str:
        return "/api/v1" + self.path.format(uid=plant.ids["operator"], code="operator")

    async def call(self, plant: Plant, client: Any) -> Any:
        return await client.request(self.method, self.url(plant), json=self.body)


ROLE_BODY = {
    "code": "night_watch",
    "name_zh": "夜间巡查",
    "name_en": "Night watch",
    "permissions": [P.PLANT_READ],
}

GUARDED = [
    Endpoint("GET", "/users", (P.USER_READ,)),
    Endpoint("POST", "/users", (P.USER_WRITE,), new_user_body("matrix_user")),
    Endpoint("GET", "/users/{uid}", (P.USER_READ,)),
    Endpoint("PATCH", "/users/{uid}", (P.USER_WRITE,), {"display_name": "改名"}),
    Endpoint("PUT", "/users/{uid}/roles", (P.USER_ASSIGN_ROLES,), {"roles": ["inspector"]}),
    Endpoint("PUT", "/users/{uid}/scopes", (P.USER_ASSIGN_ROLES,), {"scopes": [{"kind": "all"}]}),
    Endpoint("POST", "/users/{uid}/unlock", (P.USER_WRITE, P.SESSION_MANAGE)),
    Endpoint("POST", "/users/{uid}/reset-password", (P.USER_WRITE,), {"new_password": "Temp#Pass2026"}),
    Endpoint("POST", "/users/{uid}/reset-totp", (P.SESSION_MANAGE,)),
    Endpoint("GET", "/roles", (P.ROLE_READ,)),
    Endpoint("POST", "/roles", (P.ROLE_WRITE,), ROLE_BODY),
    Endpoint("PATCH", "/roles/{code}", (P.ROLE_WRITE,), {"name_en": "Renamed"}),
    Endpoint("DELETE", "/roles/{code}", (P.ROLE_WRITE,)),
    Endpoint("GET", "/permissions", (P.ROLE_READ,)),
    Endpoint("GET", "/audit", (P.AUDIT_READ,)),
    Endpoint("GET", "/audit/verify", (P.AUDIT_READ,)),
]
SIGNED_IN = [
    Endpoint("POST", "/auth/logout", ()),
    Endpoint("GET", "/auth/me", ()),
    Endpoint("POST", "/auth/password", (), {"old_password": "Anguan@2026", "new_password": "New#Pass2026"}),
    Endpoint("GET", "/auth/sessions", ()),
    Endpoint("DELETE", "/auth/sessions/1", ()),
    Endpoint("POST", "/auth/tokens", (), {"name": "gateway"}),
    Endpoint("POST", "/auth/totp/setup", ()),
    Endpoint("POST", "/auth/totp/confirm", (), {"code": "123456"}),
    Endpoint("DELETE", "/auth/totp", (), {"code": "123456"}),
]


def may_call(ep: Endpoint) -> list[str]:
    """Demo users holding at least one accepted permission."""
    return sorted({u for p in ep.permissions for u in holders(p)})


def may_not_call(ep: Endpoint) -> list[str]:
    """Demo users holding none of the accepted permissions."""
    return [u for u in DEMO_USERNAMES if all(u in lacking(p) for p in ep.permissions)]


DENIED = [pytest.param(ep, who, id=f"{ep.id}-{who}") for ep in GUARDED for who in may_not_call(ep)]
READS_ALLOWED = [
    pytest.param(ep, who, id=f"{ep.id}-{who}") for ep in GUARDED if ep.method == "GET" for who in may_call(ep)
]


async def test_derived_sets_match_三员分立_literally():
    """The matrix's source of truth, spelled out: the derivation must not be vacuous."""
    assert holders(P.USER_READ) == ["admin", "secadmin", "safety"]
    assert holders(P.USER_WRITE) == ["admin"]
    assert holders(P.USER_ASSIGN_ROLES) == ["secadmin"]
    assert holders(P.ROLE_WRITE) == ["secadmin"]
    assert holders(P.AUDIT_READ) == ["auditor"]
    assert may_call(GUARDED[6]) == ["admin", "secadmin"]  # unlock: system or security administrator
    assert len(DENIED) > 80


# ---------------------------------------------------------------- anonymous


@pytest.mark.parametrize("ep", [pytest.param(ep, id=ep.id) for ep in GUARDED + SIGNED_IN])
async def test_anonymous_is_401(plant: Plant, ep: Endpoint):
    before = await dump(plant.app, IDENTITY_TABLES)
    r = await ep.call(plant, plant.anonymous)
    assert_error(r, 401, "common.not_authenticated")
    assert await dump(plant.app, IDENTITY_TABLES) == before


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        pytest.param({"Cookie": "anguan_session=forged"}, "identity.session_invalid", id="forged-cookie"),
        pytest.param({"Authorization": "Bearer forged"}, "identity.session_invalid", id="forged-bearer"),
        pytest.param(
            {"Authorization": "Bearer " + "x" * 300}, "common.not_authenticated", id="oversized-bearer"
        ),
        pytest.param(
            {"Authorization": "Basic YWRtaW46QW5ndWFu"}, "common.not_authenticated", id="basic-auth"
        ),
    ],
)
async def test_forged_credentials_are_401(plant: Plant, headers: dict[str, str], code: str):
    assert_error(await plant.anonymous.get("/api/v1/auth/me", headers=headers), 401, code)


# ---------------------------------------------------------------- denied: 403 common.forbidden, audited, nothing changed


@pytest.mark.parametrize(("ep", "who"), DENIED)
async def test_role_lacking_permission_is_403_and_audited(plant: Plant, ep: Endpoint, who: str):
    before = await dump(plant.app, IDENTITY_TABLES)
    seq = await last_seq(plant.app)
    r = await ep.call(plant, plant.clients[who])
    body = assert_error(r, 403, "common.forbidden")
    assert body["params"]["permission"] == " | ".join(ep.permissions)
    assert await dump(plant.app, IDENTITY_TABLES) == before
    rows = await audit_rows(plant.app, seq)
    assert len(rows) == 1, rows
    (row,) = rows
    assert (row["action"], row["result"], row["actor"]) == ("access.denied", "denied", who)
    assert row["detail"] == {
        "code": "common.forbidden",
        "method": ep.method,
        "path": ep.url(plant).split("?")[0],
        "params": {"permission": " | ".join(ep.permissions)},
    }


@pytest.mark.parametrize(
    ("who", "method", "path"),
    [
        pytest.param("auditor", "GET", "/users", id="auditor-cannot-list-users"),
        pytest.param("admin", "GET", "/audit", id="admin-cannot-read-audit"),
        pytest.param("secadmin", "GET", "/audit", id="secadmin-cannot-read-audit"),
        pytest.param("secadmin", "POST", "/users", id="secadmin-cannot-create-users"),
        pytest.param("admin", "PUT", "/users/{uid}/roles", id="admin-cannot-assign-roles"),
        pytest.param("admin", "POST", "/roles", id="admin-cannot-create-roles"),
        pytest.param("auditor", "PUT", "/users/{uid}/roles", id="auditor-cannot-assign-roles"),
        pytest.param("safety", "POST", "/users", id="safety-manager-cannot-create-users"),
        pytest.param("leader", "GET", "/users", id="shift-leader-cannot-list-users"),
        pytest.param("contractor", "GET", "/roles", id="contractor-cannot-list-roles"),
    ],
)
async def test_literal_三员分立_facts(plant: Plant, who: str, method: str, path: str):
    url = "/api/v1" + path.format(uid=plant.ids["operator"])
    body = new_user_body() if (method, path) == ("POST", "/users") else None
    if path.endswith("/roles") and method == "PUT":
        body = {"roles": ["operator"]}
    if (method, path) == ("POST", "/roles"):
        body = ROLE_BODY
    r = await plant.clients[who].request(method, url, json=body)
    assert_error(r, 403, "common.forbidden")


# ---------------------------------------------------------------- allowed: reads by every holder


@pytest.mark.parametrize(("ep", "who"), READS_ALLOWED)
async def test_role_holding_permission_can_read(plant: Plant, ep: Endpoint, who: str):
    r = await ep.call(plant, plant.clients[who])
    assert r.status_code == 200, r.text
    body = r.json()
    if ep.path == "/users":
        assert body["total"] >= len(DEMO_USERNAMES) and "admin" in {u["username"] for u in body["items"]}
    elif ep.path == "/users/{uid}":
        assert body["username"] == "operator"
    elif ep.path == "/roles":
        assert {r["code"] for r in body} >= {"sysadmin", "secadmin", "auditor", "operator"}
    elif ep.path == "/permissions":
        assert {p["code"] for p in body} == {p.code for p in P.PERMISSIONS}
    elif ep.path == "/audit":
        assert body["total"] > 0 and body["items"][0]["seq"] == body["total"]
    elif ep.path == "/audit/verify":
        assert body["ok"] is True and body["first_bad_seq"] is None


@pytest.mark.parametrize("who", DEMO_USERNAMES)
async def test_every_role_reads_its_own_profile_and_sessions(plant: Plant, who: str):
    me = await plant.clients[who].get("/api/v1/auth/me")
    assert me.status_code == 200, me.text
    assert me.json()["username"] == who
    assert me.json()["roles"] == [DEMO_ROLE[who]]
    assert set(me.json()["permissions"]) == ROLE_PERMISSIONS[DEMO_ROLE[who]]
    sessions = await plant.clients[who].get("/api/v1/auth/sessions")
    assert sessions.status_code == 200
    assert [s["current"] for s in sessions.json()].count(True) == 1


# ---------------------------------------------------------------- allowed: writes, each on objects the test creates


async def _new_user(plant: Plant, **extra: Any) -> dict[str, Any]:
    r = await plant.clients["admin"].post("/api/v1/users", json=new_user_body(**extra))
    assert r.status_code == 201, r.text
    return r.json()


async def test_admin_creates_and_edits_user(plant: Plant):
    seq = await last_seq(plant.app)
    name = f"m{uuid.uuid4().hex[:8]}"
    created = await _new_user(plant, username=name)
    assert created["username"] == name and created["roles"] == [] and created["is_active"]
    r = await plant.clients["admin"].patch(f"/api/v1/users/{created['id']}", json={"display_name": "新名字"})
    assert r.status_code == 200, r.text
    assert r.json()["display_name"] == "新名字"
    got = await plant.clients["safety"].get(f"/api/v1/users/{created['id']}")
    assert got.json()["display_name"] == "新名字"
    actions = [(a["action"], a["result"], a["actor"]) for a in await audit_rows(plant.app, seq)]
    assert actions == [("identity.user_created", "ok", "admin"), ("identity.user_updated", "ok", "admin")]


async def test_secadmin_assigns_roles_and_scopes(plant: Plant):
    user = await _new_user(plant)
    sec = plant.clients["secadmin"]
    r = await sec.put(f"/api/v1/users/{user['id']}/roles", json={"roles": ["inspector", "operator"]})
    assert r.status_code == 200, r.text
    assert r.json()["roles"] == ["inspector", "operator"]
    r = await sec.put(f"/api/v1/users/{user['id']}/scopes", json={"scopes": [{"kind": "all"}]})
    assert r.status_code == 200, r.text
    assert r.json()["scopes"] == [{"kind": "all", "ref_id": None}]
    # A new list that keeps an existing grant (it used to insert before deleting: a 500).
    site = (await sec.get("/api/v1/plant/sites")).json()[0]["id"]
    both = [{"kind": "all"}, {"kind": "site", "ref_id": site}]
    r = await sec.put(f"/api/v1/users/{user['id']}/scopes", json={"scopes": both})
    assert r.status_code == 200, r.text
    r = await sec.put(f"/api/v1/users/{user['id']}/scopes", json={"scopes": both[1:]})
    assert r.status_code == 200 and r.json()["scopes"] == [{"kind": "site", "ref_id": site}], r.text


@pytest.mark.parametrize("who", ["admin", "secadmin"])
async def test_unlock_by_system_or_security_administrator(plant: Plant, who: str):
    user = await _new_user(plant)
    r = await plant.clients[who].post(f"/api/v1/users/{user['id']}/unlock")
    assert r.status_code == 200, r.text
    assert r.json()["locked_until"] is None


async def test_admin_resets_password(plant: Plant):
    user = await _new_user(plant)
    r = await plant.clients["admin"].post(
        f"/api/v1/users/{user['id']}/reset-password", json={"new_password": "Temp#Pass2026"}
    )
    assert r.status_code == 204, r.text


async def test_secadmin_creates_edits_and_deletes_role(plant: Plant):
    sec = plant.clients["secadmin"]
    code = f"r_{uuid.uuid4().hex[:8]}"
    r = await sec.post("/api/v1/roles", json={**ROLE_BODY, "code": code})
    assert r.status_code == 201, r.text
    assert r.json() == {
        "code": code,
        "name_zh": ROLE_BODY["name_zh"],
        "name_en": ROLE_BODY["name_en"],
        "builtin": False,
        "duty": None,
        "permissions": [P.PLANT_READ],
    }
    r = await sec.patch(f"/api/v1/roles/{code}", json={"permissions": [P.PLANT_READ, P.USER_READ]})
    assert r.status_code == 200, r.text
    assert r.json()["permissions"] == sorted([P.PLANT_READ, P.USER_READ])
    r = await sec.delete(f"/api/v1/roles/{code}")
    assert r.status_code == 204, r.text
    roles = await sec.get("/api/v1/roles")
    assert code not in {x["code"] for x in roles.json()}


@pytest.mark.parametrize(
    ("method", "body", "code"),
    [
        pytest.param("PATCH", {"name_en": "x"}, "identity.builtin_role", id="patch"),
        pytest.param("DELETE", None, "identity.builtin_role", id="delete"),
    ],
)
async def test_builtin_roles_are_fixed(plant: Plant, method: str, body: Any, code: str):
    before = await dump(plant.app)
    r = await plant.clients["secadmin"].request(method, "/api/v1/roles/sysadmin", json=body)
    assert_error(r, 409, code)
    assert await dump(plant.app) == before


async def test_the_matrix_covers_every_identity_endpoint():
    """A new identity route must join the matrix above (or this test names it)."""
    from anguan.app import create_app
    from tests.conftest import test_settings as make_settings

    doc = create_app(make_settings(Path("var-unused"), "sqlite+aiosqlite:///:memory:")).openapi()
    prefixes = ("/api/v1/users", "/api/v1/roles", "/api/v1/permissions", "/api/v1/audit", "/api/v1/auth")
    routes = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, ops in doc["paths"].items()
        if path.startswith(prefixes)
        for method in ops
    }
    listed = {(e.method, e.path.replace("{uid}", "{user_id}").replace("{code}", "{code}")) for e in GUARDED}
    listed |= {(e.method, e.path.replace("/sessions/1", "/sessions/{session_id}")) for e in SIGNED_IN}
    listed.add(("POST", "/auth/login"))
    assert routes - listed == set()
