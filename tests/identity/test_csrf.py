"""CSRF: cookie-authenticated writes need the X-CSRF-Token header of their own session; bearer tokens do not."""

from __future__ import annotations

from typing import Any

import pytest

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

# (signed-in user allowed to call it, method, path, body): each would succeed with the right header.
WRITES = [
    ("admin", "POST", "/users", new_user_body("csrf_victim")),
    ("admin", "PATCH", "/users/{op}", {"display_name": "被篡改"}),
    ("secadmin", "PUT", "/users/{op}/roles", {"roles": ["sysadmin"]}),
    ("secadmin", "PUT", "/users/{op}/scopes", {"scopes": [{"kind": "all"}]}),
    ("admin", "POST", "/users/{op}/unlock", None),
    ("admin", "POST", "/users/{op}/reset-password", {"new_password": "Evil#Pass2026"}),
    ("secadmin", "POST", "/roles", {"code": "csrf_role", "name_zh": "x", "name_en": "x", "permissions": []}),
    ("secadmin", "PATCH", "/roles/operator", {"name_en": "x"}),
    ("secadmin", "DELETE", "/roles/operator", None),
    ("operator", "POST", "/auth/logout", None),
    ("operator", "POST", "/auth/password", {"old_password": "Anguan@2026", "new_password": "Evil#Pass2026"}),
    ("operator", "POST", "/auth/tokens", {"name": "stolen"}),
    ("operator", "POST", "/auth/totp/setup", None),
    ("operator", "DELETE", "/auth/sessions/{op_session}", None),
]


async def _url(plant: Plant, path: str) -> str:
    session_id = None
    if "{op_session}" in path:
        sessions = (await plant.clients["operator"].get("/api/v1/auth/sessions")).json()
        session_id = next(s["id"] for s in sessions if s["current"])
    return "/api/v1" + path.format(op=plant.ids["operator"], op_session=session_id)


async def _send(client: Any, method: str, url: str, body: Any, csrf: str | None) -> Any:
    request = client.client.build_request(method, url, json=body)
    del request.headers["X-CSRF-Token"]
    if csrf is not None:
        request.headers["X-CSRF-Token"] = csrf
    return await client.client.send(request)


# Missing and wrong headers on every write; the rarer shapes on one write of each method.
CASES = [
    pytest.param(*w, header, id=f"{w[1]} {w[2]}-{header}") for w in WRITES for header in ("missing", "wrong")
] + [
    pytest.param(*w, header, id=f"{w[1]} {w[2]}-{header}")
    for w in (WRITES[1], WRITES[2], WRITES[8])
    for header in ("empty", "other-session")
]


@pytest.mark.parametrize(("who", "method", "path", "body", "header"), CASES)
async def test_cookie_write_without_the_right_csrf_header_is_refused(
    plant: Plant, who: str, method: str, path: str, body: Any, header: str
):
    csrf = {
        "missing": None,
        "empty": "",
        "wrong": "x" * 43,
        "other-session": plant.clients["auditor"].client.cookies.get("anguan_csrf"),
    }[header]
    url = await _url(plant, path)
    before = await dump(plant.app, IDENTITY_TABLES)
    seq = await last_seq(plant.app)
    r = await _send(plant.clients[who], method, url, body, csrf)
    assert_error(r, 403, "common.csrf_failed")
    assert await dump(plant.app, IDENTITY_TABLES) == before
    # GB/T 22239-2019 8.1.4.3: the refusal is audited once, under the session's user.
    rows = await audit_rows(plant.app, seq)
    assert [(a["action"], a["result"], a["actor"]) for a in rows] == [("access.denied", "denied", who)]
    assert rows[0]["detail"] == {"code": "common.csrf_failed", "method": method, "path": url, "params": {}}
    # The session itself is unharmed.
    assert (await plant.clients[who].get("/api/v1/auth/me")).status_code == 200


async def test_reads_need_no_csrf_header(plant: Plant):
    r = await _send(plant.clients["admin"], "GET", "/api/v1/users", None, None)
    assert r.status_code == 200


async def _own_user(plant: Plant) -> int:
    r = await plant.clients["admin"].post("/api/v1/users", json=new_user_body())
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def test_right_header_is_accepted(plant: Plant):
    """The positive control: a write with the session's own token succeeds."""
    admin = plant.clients["admin"]
    url = f"/api/v1/users/{await _own_user(plant)}"
    r = await _send(admin, "PATCH", url, {"display_name": "已核验"}, admin.client.cookies.get("anguan_csrf"))
    assert r.status_code == 200, r.text
    assert r.json()["display_name"] == "已核验"


async def test_bearer_token_needs_no_csrf_header(plant: Plant):
    uid = await _own_user(plant)
    r = await plant.clients["admin"].post("/api/v1/auth/tokens", json={"name": "script", "days": 1})
    assert r.status_code == 201, r.text
    headers = {"Authorization": f"Bearer {r.json()['token']}"}
    script = plant.new_client()
    r = await script.patch(f"/api/v1/users/{uid}", json={"display_name": "脚本改名"}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["display_name"] == "脚本改名"
    assert not script.client.cookies and "X-CSRF-Token" not in script.client.headers
