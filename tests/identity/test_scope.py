"""Data scope (数据权限): a department-scoped user manager sees and edits only its department subtree.

Demo departments: PROD has children STOR and SYN; leader is scoped to SYN (users: leader, operator),
inspector to STOR (users: inspector). Built-in plant roles cannot manage users, so secadmin first
gives them a custom user-management role, as a deployment would.
"""

from __future__ import annotations

import pytest

from anguan.identity import permissions as P
from tests.identity.conftest import (
    IDENTITY_TABLES,
    assert_error,
    audit_rows,
    dept_id,
    dump,
    last_seq,
    new_user_body,
    sqlite_only,
    user_id,
)


async def assert_refusals_audited(app, seq: int, who: str, paths: list[tuple[str, str]]) -> None:
    """GB/T 22239-2019 8.1.4.3: each out-of-scope refusal since `seq` is one access.denied entry, and nothing else."""
    rows = await audit_rows(app, seq)
    assert [(a["action"], a["result"], a["actor"]) for a in rows] == [("access.denied", "denied", who)] * len(
        paths
    )
    assert [(a["detail"]["method"], a["detail"]["path"]) for a in rows] == paths
    assert {a["detail"]["code"] for a in rows} == {"identity.out_of_scope"}


async def _grant(secadmin, app, username: str, base_role: str, code: str, permissions: list[str]) -> None:
    r = await secadmin.post(
        "/api/v1/roles", json={"code": code, "name_zh": code, "name_en": code, "permissions": permissions}
    )
    assert r.status_code in (201, 409), r.text
    r = await secadmin.put(
        f"/api/v1/users/{await user_id(app, username)}/roles", json={"roles": [base_role, code]}
    )
    assert r.status_code == 200, r.text


@pytest.fixture
async def scoped(make_client, app):
    """leader (SYN) and inspector (STOR) hold USER_READ + USER_WRITE through a custom role."""
    sec = await make_client("secadmin")
    await _grant(sec, app, "leader", "shift_leader", "dept_user_admin", [P.USER_READ, P.USER_WRITE])
    await _grant(sec, app, "inspector", "inspector", "dept_user_admin", [P.USER_READ, P.USER_WRITE])
    return {
        "secadmin": sec,
        "leader": await make_client("leader"),
        "inspector": await make_client("inspector"),
    }


async def _names(client) -> list[str]:
    r = await client.get("/api/v1/users", params={"page_size": 200})
    assert r.status_code == 200, r.text
    assert r.json()["total"] == len(r.json()["items"])
    return sorted(u["username"] for u in r.json()["items"])


async def test_lists_are_filtered_to_the_department_subtree(scoped, app):
    assert await _names(scoped["leader"]) == ["leader", "operator"]
    assert await _names(scoped["inspector"]) == ["inspector"]
    r = await scoped["leader"].get("/api/v1/users", params={"q": "a"})
    assert {u["username"] for u in r.json()["items"]} <= {"leader", "operator"}
    # Widening the scope to the parent department brings in its whole subtree (STOR and SYN), nothing else.
    sec = scoped["secadmin"]
    r = await sec.put(
        f"/api/v1/users/{await user_id(app, 'leader')}/scopes",
        json={"scopes": [{"kind": "department", "ref_id": await dept_id(app, "PROD")}]},
    )
    assert r.status_code == 200, r.text
    assert await _names(scoped["leader"]) == ["inspector", "leader", "operator"]


async def test_reading_or_editing_outside_the_scope_is_403(scoped, app):
    leader = scoped["leader"]
    for outsider in ("admin", "safety", "inspector", "contractor"):
        uid = await user_id(app, outsider)
        seq = await last_seq(app)
        assert_error(await leader.get(f"/api/v1/users/{uid}"), 403, "identity.out_of_scope")
        before = await dump(app, IDENTITY_TABLES)
        assert_error(
            await leader.patch(f"/api/v1/users/{uid}", json={"display_name": "x"}),
            403,
            "identity.out_of_scope",
        )
        assert_error(
            await leader.post(f"/api/v1/users/{uid}/reset-password", json={"new_password": "Evil#Pass2026"}),
            403,
            "identity.out_of_scope",
        )
        assert_error(await leader.post(f"/api/v1/users/{uid}/unlock"), 403, "identity.out_of_scope")
        assert await dump(app, IDENTITY_TABLES) == before
        base = f"/api/v1/users/{uid}"
        await assert_refusals_audited(
            app,
            seq,
            "leader",
            [("GET", base), ("PATCH", base), ("POST", base + "/reset-password"), ("POST", base + "/unlock")],
        )
    # Inside the scope (and oneself) is fine.
    op = await user_id(app, "operator")
    assert (await leader.get(f"/api/v1/users/{op}")).json()["username"] == "operator"
    r = await leader.patch(f"/api/v1/users/{op}", json={"display_name": "操作员 张伟（合成）"})
    assert r.status_code == 200, r.text
    assert (await leader.get(f"/api/v1/users/{await user_id(app, 'leader')}")).status_code == 200


@sqlite_only  # the subtree check is Python over ids; the SQL side is covered on both databases above
async def test_users_cannot_be_created_or_moved_outside_the_scope(scoped, app):
    leader = scoped["leader"]
    syn, stor = await dept_id(app, "SYN"), await dept_id(app, "STOR")
    op = await user_id(app, "operator")
    before = await dump(app, IDENTITY_TABLES)
    seq = await last_seq(app)
    for body in (new_user_body(department_id=stor), new_user_body()):  # another department, or none
        assert_error(await leader.post("/api/v1/users", json=body), 403, "identity.out_of_scope")
    for department in (stor, None):
        r = await leader.patch(f"/api/v1/users/{op}", json={"department_id": department})
        assert_error(r, 403, "identity.out_of_scope")
    assert await dump(app, IDENTITY_TABLES) == before
    await assert_refusals_audited(
        app, seq, "leader", [("POST", "/api/v1/users")] * 2 + [("PATCH", f"/api/v1/users/{op}")] * 2
    )
    r = await leader.post("/api/v1/users", json=new_user_body("syn_newbie", department_id=syn))
    assert r.status_code == 201, r.text
    assert "syn_newbie" in await _names(leader)
    assert "syn_newbie" not in await _names(scoped["inspector"])


@sqlite_only
async def test_scoped_access_manager_grants_only_within_its_scope(make_client, app):
    """A department-scoped holder of assign_roles cannot hand out scopes wider than its own."""
    sec = await make_client("secadmin")
    await _grant(sec, app, "inspector", "inspector", "dept_access_admin", [P.USER_READ, P.USER_ASSIGN_ROLES])
    inspector = await make_client("inspector")
    admin = await make_client("admin")
    stor, syn, prod = [await dept_id(app, c) for c in ("STOR", "SYN", "PROD")]
    r = await admin.post("/api/v1/users", json=new_user_body("stor_worker", department_id=stor))
    target = r.json()["id"]
    before = await dump(app, IDENTITY_TABLES)
    seq = await last_seq(app)
    for scopes in (
        [{"kind": "all"}],
        [{"kind": "department", "ref_id": syn}],
        [{"kind": "department", "ref_id": prod}],  # the parent is wider than STOR
        [{"kind": "department", "ref_id": stor}, {"kind": "department", "ref_id": syn}],
        [{"kind": "site", "ref_id": 1}],
    ):
        r = await inspector.put(f"/api/v1/users/{target}/scopes", json={"scopes": scopes})
        assert_error(r, 403, "identity.out_of_scope")
    # Nor reach users outside its scope at all.
    r = await inspector.put(
        f"/api/v1/users/{await user_id(app, 'operator')}/roles", json={"roles": ["operator"]}
    )
    assert_error(r, 403, "identity.out_of_scope")
    assert await dump(app, IDENTITY_TABLES) == before
    await assert_refusals_audited(
        app,
        seq,
        "inspector",
        [("PUT", f"/api/v1/users/{target}/scopes")] * 5
        + [("PUT", f"/api/v1/users/{await user_id(app, 'operator')}/roles")],
    )
    r = await inspector.put(
        f"/api/v1/users/{target}/scopes", json={"scopes": [{"kind": "department", "ref_id": stor}]}
    )
    assert r.status_code == 200, r.text
    assert r.json()["scopes"] == [{"kind": "department", "ref_id": stor}]
