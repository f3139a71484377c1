"""Role administration: nobody edits or deletes a role they hold (GB/T 22239-2019 8.1.4.2, ADR 0006)."""

from __future__ import annotations

import pytest

from anguan.identity import permissions as P
from tests.identity.conftest import assert_error, dump, new_user_body, sqlite_only


@sqlite_only
async def test_a_role_writer_cannot_change_a_role_it_holds(make_client, app, fast_hashing):
    """Closes self-escalation: a deputy security administrator holding identity.role.write through a
    custom role could otherwise add any permission of its duty to that role, and so to itself."""
    sec = await make_client("secadmin")
    admin = await make_client("admin")
    held = {
        "code": "sec_deputy",
        "name_zh": "安全副管理员",
        "name_en": "Deputy",
        "permissions": [P.ROLE_READ, P.ROLE_WRITE],
    }
    other = {
        "code": "night_watch",
        "name_zh": "夜间巡查",
        "name_en": "Night watch",
        "permissions": [P.PLANT_READ],
    }
    for body in (held, other):
        assert (await sec.post("/api/v1/roles", json=body)).status_code == 201
    r = await admin.post("/api/v1/users", json=new_user_body("deputy", password="First#Pass2026"))
    uid = r.json()["id"]
    assert (await sec.put(f"/api/v1/users/{uid}/roles", json={"roles": ["sec_deputy"]})).status_code == 200
    deputy = await make_client()
    assert (await deputy.login("deputy", "First#Pass2026")).status_code == 200
    r = await deputy.post(
        "/api/v1/auth/password", json={"old_password": "First#Pass2026", "new_password": "Mine#Pass2026"}
    )
    assert r.status_code == 204

    before = await dump(app)
    escalate = {"permissions": [P.ROLE_READ, P.ROLE_WRITE, P.USER_ASSIGN_ROLES, P.SESSION_MANAGE]}
    assert_error(
        await deputy.patch("/api/v1/roles/sec_deputy", json=escalate), 409, "identity.cannot_change_own_roles"
    )
    assert_error(
        await deputy.patch("/api/v1/roles/sec_deputy", json={"name_en": "Boss"}),
        409,
        "identity.cannot_change_own_roles",
    )
    assert_error(await deputy.delete("/api/v1/roles/sec_deputy"), 409, "identity.cannot_change_own_roles")
    assert await dump(app) == before
    # Roles it does not hold stay its to manage; and the holder's peer may still edit the role.
    r = await deputy.patch("/api/v1/roles/night_watch", json={"permissions": [P.PLANT_READ, P.FILES_WRITE]})
    assert r.status_code == 200, r.text
    assert (await deputy.delete("/api/v1/roles/night_watch")).status_code == 204
    r = await sec.patch("/api/v1/roles/sec_deputy", json={"name_en": "Deputy security administrator"})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
@sqlite_only
async def test_builtin_role_answer_wins_for_its_own_holder(make_client, method):
    """secadmin holds the built-in secadmin role: the answer is that built-in roles are fixed."""
    sec = await make_client("secadmin")
    r = await sec.request(
        method, "/api/v1/roles/secadmin", json={"name_en": "x"} if method == "PATCH" else None
    )
    assert_error(r, 409, "identity.builtin_role")
