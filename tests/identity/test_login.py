"""Login, lockout, session timeouts, logout, tokens and password changes (time moved by the frozen clock)."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import DEMO_PASSWORD
from tests.identity.conftest import (
    assert_error,
    audit_rows,
    execute,
    last_seq,
    postgresql_only,
    scalar,
    sqlite_only,
    user_id,
)

WRONG = "Wrong#Pass2026"


@pytest.fixture
def clock(frozen_clock):
    """The process clock frozen at the current real time."""
    frozen_clock.freeze(datetime.now(UTC).replace(microsecond=0))
    return frozen_clock


async def test_login_sets_cookies_and_me(make_client, app):
    api = await make_client()
    r = await api.login("admin")
    assert r.status_code == 200
    assert r.json()["roles"] == ["sysadmin"]
    assert r.json()["scopes"] == [{"kind": "all", "ref_id": None}]
    token = api.client.cookies.get("anguan_session")
    assert token and api.client.cookies.get("anguan_csrf")
    # Only the token's hash is stored, never the token itself.
    digest = hashlib.sha256(token.encode()).hexdigest()
    assert await scalar(app, "SELECT COUNT(*) FROM identity_session WHERE token_hash = :h", h=digest) == 1
    assert await scalar(app, "SELECT COUNT(*) FROM identity_session WHERE token_hash = :t", t=token) == 0
    me = await api.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.json()["username"] == "admin"
    assert me.json()["must_change_password"] is False


async def test_wrong_password_or_unknown_user_is_the_same_401(make_client, app):
    api = await make_client()
    seq = await last_seq(app)
    for username in ("admin", "nobody"):
        assert_error(await api.login(username, WRONG), 401, "identity.invalid_credentials")
    assert api.client.cookies.get("anguan_session") is None
    rows = await audit_rows(app, seq)
    assert [(a["action"], a["result"], a["actor"], a["detail"]) for a in rows] == [
        ("identity.login", "failed", "admin", {"reason": "bad_credentials"}),
        ("identity.login", "failed", "nobody", {"reason": "bad_credentials"}),
    ]


# ---------------------------------------------------------------- 8.1.4.1 b) lockout


async def test_five_failures_lock_for_fifteen_minutes(make_client, app, clock):
    api = await make_client()
    seq = await last_seq(app)
    for _ in range(4):
        assert_error(await api.login("operator", WRONG), 401, "identity.invalid_credentials")
    assert await scalar(app, "SELECT failed_logins FROM identity_user WHERE username = 'operator'") == 4
    assert await scalar(app, "SELECT locked_until FROM identity_user WHERE username = 'operator'") is None
    # The 5th failure is still answered as bad credentials, and locks.
    assert_error(await api.login("operator", WRONG), 401, "identity.invalid_credentials")
    locked_at = clock.now()
    # The correct password is refused while locked, and the refusal does not extend the lock.
    body = assert_error(await api.login("operator"), 423, "identity.account_locked")
    assert datetime.fromisoformat(body["params"]["until"]) == locked_at + timedelta(minutes=15)
    assert [(a["action"], a["result"]) for a in await audit_rows(app, seq)] == [
        ("identity.login", "failed")
    ] * 4 + [
        ("identity.account_locked", "ok"),
        ("identity.login", "failed"),
        ("identity.login", "denied"),
    ]
    clock.advance(timedelta(minutes=15) - timedelta(seconds=1))
    assert_error(await api.login("operator"), 423, "identity.account_locked")
    assert_error(await api.login("operator", WRONG), 423, "identity.account_locked")
    clock.advance(timedelta(seconds=1))
    r = await api.login("operator")
    assert r.status_code == 200, r.text
    assert await scalar(app, "SELECT failed_logins FROM identity_user WHERE username = 'operator'") == 0


@sqlite_only
async def test_success_resets_the_failure_count(make_client, app):
    await execute(app, "UPDATE identity_user SET failed_logins = 4 WHERE username = 'operator'")
    api = await make_client()
    assert (await api.login("operator")).status_code == 200
    assert await scalar(app, "SELECT failed_logins FROM identity_user WHERE username = 'operator'") == 0
    assert_error(await api.login("operator", WRONG), 401, "identity.invalid_credentials")
    assert await scalar(app, "SELECT failed_logins FROM identity_user WHERE username = 'operator'") == 1
    assert await scalar(app, "SELECT locked_until FROM identity_user WHERE username = 'operator'") is None


@postgresql_only
async def test_concurrent_failures_all_count(make_client, app):
    """A parallel brute force must reach the lockout too (row lock on the failure counter; SQLite serialises)."""
    clients = [await make_client() for _ in range(5)]
    results = await asyncio.gather(*(c.login("operator", WRONG) for c in clients))
    assert [r.status_code for r in results] == [401] * 5
    assert await scalar(app, "SELECT locked_until FROM identity_user WHERE username = 'operator'") is not None
    assert_error(await clients[0].login("operator"), 423, "identity.account_locked")


@sqlite_only
@pytest.mark.parametrize("unlocker", ["admin", "secadmin"])
async def test_administrator_unlocks(make_client, app, clock, unlocker):
    until = clock.now() + timedelta(minutes=15)
    await execute(
        app,
        "UPDATE identity_user SET locked_until = :t WHERE username = 'leader'",
        t=until.replace(tzinfo=None),
    )
    victim = await make_client()
    assert_error(await victim.login("leader"), 423, "identity.account_locked")
    boss = await make_client(unlocker)
    seq = await last_seq(app)
    r = await boss.post(f"/api/v1/users/{await user_id(app, 'leader')}/unlock")
    assert r.status_code == 200, r.text
    assert r.json()["locked_until"] is None
    assert [(a["action"], a["actor"]) for a in await audit_rows(app, seq)] == [
        ("identity.user_unlocked", unlocker)
    ]
    assert (await victim.login("leader")).status_code == 200


# ---------------------------------------------------------------- 8.1.4.1 b) idle and absolute timeouts


async def test_idle_timeout_ends_cookie_session_but_not_token(make_client, app, clock):
    api = await make_client("operator")
    r = await api.post("/api/v1/auth/tokens", json={"name": "gateway", "days": 30})
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    bearer = await make_client()
    # Activity keeps the session alive: 29 minutes, then another 29 minutes.
    clock.advance(timedelta(minutes=29))
    assert (await api.get("/api/v1/auth/me")).status_code == 200
    clock.advance(timedelta(minutes=29))
    assert (await api.get("/api/v1/auth/me")).status_code == 200
    clock.advance(timedelta(minutes=30))
    seq = await last_seq(app)
    body = assert_error(await api.get("/api/v1/auth/me"), 401, "identity.session_expired")
    assert body["params"]["reason"] == "idle_timeout"
    assert [(a["action"], a["detail"]) for a in await audit_rows(app, seq)] == [
        ("identity.session_ended", {"reason": "idle_timeout"})
    ]
    # Ended for good: the next attempt finds no live session.
    assert_error(await api.get("/api/v1/auth/me"), 401, "identity.session_invalid")
    me = await bearer.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text
    assert me.json()["username"] == "operator"


@sqlite_only
async def test_idle_timeout_boundary(make_client, clock):
    api = await make_client("operator")
    clock.advance(timedelta(minutes=30) - timedelta(microseconds=1))
    assert (await api.get("/api/v1/auth/me")).status_code == 200
    other = await make_client("inspector")
    clock.advance(timedelta(minutes=30))
    assert_error(await other.get("/api/v1/auth/me"), 401, "identity.session_expired")


@sqlite_only
async def test_absolute_timeout_despite_activity(make_client, clock):
    api = await make_client("operator")
    for _ in range(12 * 3 - 1):
        clock.advance(timedelta(minutes=20))
        assert (await api.get("/api/v1/auth/me")).status_code == 200
    clock.advance(timedelta(minutes=20))
    body = assert_error(await api.get("/api/v1/auth/me"), 401, "identity.session_expired")
    assert body["params"]["reason"] == "expired"


@sqlite_only
async def test_token_expires_at_its_end(make_client, clock):
    api = await make_client("operator")
    token = (await api.post("/api/v1/auth/tokens", json={"name": "gw", "days": 1})).json()["token"]
    bearer = await make_client()
    headers = {"Authorization": f"Bearer {token}"}
    clock.advance(timedelta(days=1) - timedelta(seconds=1))
    assert (await bearer.get("/api/v1/auth/me", headers=headers)).status_code == 200
    clock.advance(timedelta(seconds=1))
    assert_error(await bearer.get("/api/v1/auth/me", headers=headers), 401, "identity.session_expired")


# ---------------------------------------------------------------- logout, revocation


async def test_logout_revokes_the_session(make_client, app):
    api = await make_client("operator")
    cookie = api.client.cookies.get("anguan_session")
    seq = await last_seq(app)
    r = await api.post("/api/v1/auth/logout")
    assert r.status_code == 204, r.text
    assert api.client.cookies.get("anguan_session") is None
    stale = await make_client()
    r = await stale.get("/api/v1/auth/me", headers={"Cookie": f"anguan_session={cookie}"})
    assert_error(r, 401, "identity.session_invalid")
    assert [(a["action"], a["result"], a["actor"]) for a in await audit_rows(app, seq)] == [
        ("identity.logout", "ok", "operator")
    ]


async def test_disabling_a_user_revokes_its_sessions_and_tokens(make_client, app):
    victim = await make_client("operator")
    token = (await victim.post("/api/v1/auth/tokens", json={"name": "gw"})).json()["token"]
    admin = await make_client("admin")
    uid = await user_id(app, "operator")
    r = await admin.patch(f"/api/v1/users/{uid}", json={"is_active": False})
    assert r.status_code == 200 and r.json()["is_active"] is False
    live = "SELECT COUNT(*) FROM identity_session WHERE user_id = :u AND revoked_at IS NULL"
    assert await scalar(app, live, u=uid) == 0
    assert (await victim.get("/api/v1/auth/me")).status_code == 401
    assert_error(await victim.login("operator"), 401, "identity.invalid_credentials")
    # Re-enabling does not bring the old session or token back.
    assert (await admin.patch(f"/api/v1/users/{uid}", json={"is_active": True})).status_code == 200
    assert_error(await victim.get("/api/v1/auth/me"), 401, "identity.session_invalid")
    bearer = await make_client()
    r = await bearer.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert_error(r, 401, "identity.session_invalid")
    assert (await victim.login("operator")).status_code == 200


@sqlite_only
async def test_revoke_one_of_my_sessions(make_client, app):
    a = await make_client("operator")
    b = await make_client("operator")
    sessions = (await a.get("/api/v1/auth/sessions")).json()
    assert len(sessions) == 2
    other = next(s for s in sessions if not s["current"])
    assert (await a.delete(f"/api/v1/auth/sessions/{other['id']}")).status_code == 204
    assert_error(await b.get("/api/v1/auth/me"), 401, "identity.session_invalid")
    assert (await a.get("/api/v1/auth/me")).status_code == 200
    # Another user's session is not mine to revoke, and is not disclosed either.
    stranger = await make_client("inspector")
    mine = next(s for s in sessions if s["current"])
    assert_error(await stranger.delete(f"/api/v1/auth/sessions/{mine['id']}"), 404, "common.not_found")
    assert (await a.get("/api/v1/auth/me")).status_code == 200


# ---------------------------------------------------------------- 8.1.4.1 a) password changes


async def _change(api, old: str, new: str):
    return await api.post("/api/v1/auth/password", json={"old_password": old, "new_password": new})


async def test_password_change_revokes_other_sessions(make_client, app, fast_hashing):
    here = await make_client("operator")
    there = await make_client("operator")
    token = (await there.post("/api/v1/auth/tokens", json={"name": "gw"})).json()["token"]
    seq = await last_seq(app)
    assert_error(await _change(here, WRONG, "Second#Pass1"), 403, "identity.bad_old_password")
    assert (await there.get("/api/v1/auth/me")).status_code == 200
    r = await _change(here, DEMO_PASSWORD, "Second#Pass1")
    assert r.status_code == 204, r.text
    assert [(a["action"], a["result"]) for a in await audit_rows(app, seq)] == [
        ("identity.password_changed", "failed"),
        ("identity.password_changed", "ok"),
    ]
    assert (await here.get("/api/v1/auth/me")).status_code == 200
    assert_error(await there.get("/api/v1/auth/me"), 401, "identity.session_invalid")
    bearer = await make_client()
    r = await bearer.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert_error(r, 401, "identity.session_invalid")
    assert_error(await bearer.login("operator"), 401, "identity.invalid_credentials")
    assert (await bearer.login("operator", "Second#Pass1")).status_code == 200


@sqlite_only
async def test_password_change_refuses_the_last_three(make_client, app, fast_hashing):
    api = await make_client("operator")
    chain = [DEMO_PASSWORD, "Second#Pass1", "Third#Pass1", "Fourth#Pass1"]
    for old, new in itertools.pairwise(chain):
        assert (await _change(api, old, new)).status_code == 204
    # Current, previous and the one before are refused; the fourth-last is allowed again.
    for reused in ("Fourth#Pass1", "Third#Pass1", "Second#Pass1"):
        body = assert_error(await _change(api, "Fourth#Pass1", reused), 422, "identity.weak_password")
        assert body["params"]["reasons"] == ["reused"]
    assert (await _change(api, "Fourth#Pass1", DEMO_PASSWORD)).status_code == 204


async def test_reset_password_forces_a_change(make_client, app, fast_hashing):
    victim = await make_client("operator")
    admin = await make_client("admin")
    uid = await user_id(app, "operator")
    r = await admin.post(f"/api/v1/users/{uid}/reset-password", json={"new_password": "Temp#Pass2026"})
    assert r.status_code == 204, r.text
    assert_error(await victim.get("/api/v1/auth/me"), 401, "identity.session_invalid")
    r = await victim.login("operator", "Temp#Pass2026")
    assert r.status_code == 200
    assert r.json()["must_change_password"] is True
    assert (await _change(victim, "Temp#Pass2026", "Mine#Pass2026")).status_code == 204
    assert (await victim.get("/api/v1/auth/me")).json()["must_change_password"] is False


@sqlite_only
async def test_new_account_must_change_password(make_client, fast_hashing):
    admin = await make_client("admin")
    r = await admin.post(
        "/api/v1/users", json={"username": "newbie", "display_name": "新员工", "password": "First#Pass2026"}
    )
    assert r.status_code == 201, r.text
    r = await (await make_client()).login("newbie", "First#Pass2026")
    assert r.status_code == 200 and r.json()["must_change_password"] is True


@sqlite_only
async def test_password_older_than_90_days_must_be_changed(make_client, app, clock):
    clock.advance(timedelta(days=90))
    seq = await last_seq(app)
    r = await (await make_client()).login("operator")
    assert r.status_code == 200 and r.json()["must_change_password"] is True
    (login,) = await audit_rows(app, seq)
    assert login["detail"] == {"password_expired": True}


# ---------------------------------------------------------------- 8.1.4.1 a) usernames are case-insensitive


async def test_username_is_case_insensitive(make_client, app, fast_hashing):
    api = await make_client()
    r = await api.login("Admin")
    assert r.status_code == 200, r.text
    assert r.json()["username"] == "admin"
    # A wrong password under any spelling counts against the one account.
    assert_error(await (await make_client()).login("ADMIN", WRONG), 401, "identity.invalid_credentials")
    assert await scalar(app, "SELECT failed_logins FROM identity_user WHERE username = 'admin'") == 1
    # New names are stored lower-case and found in any case.
    r = await api.post(
        "/api/v1/users", json={"username": "Li.Ming", "display_name": "李明", "password": "First#Pass2026"}
    )
    assert r.status_code == 201, r.text
    assert r.json()["username"] == "li.ming"
    assert (
        await scalar(app, "SELECT username FROM identity_user WHERE id = :i", i=r.json()["id"]) == "li.ming"
    )
    assert (await (await make_client()).login("LI.MING", "First#Pass2026")).status_code == 200


# ---------------------------------------------------------------- 8.1.4.1 b) a lockout refuses new sign-ins only


async def test_lockout_does_not_end_existing_sessions(make_client, app, clock):
    """Five wrong passwords under someone's name must not sign them out (they only block new sign-ins)."""
    victim = await make_client("operator")
    attacker = await make_client()
    for _ in range(5):
        assert_error(await attacker.login("operator", WRONG), 401, "identity.invalid_credentials")
    seq = await last_seq(app)
    assert (await victim.get("/api/v1/auth/me")).status_code == 200
    assert (await victim.get("/api/v1/plant/sites")).status_code == 200
    assert await audit_rows(app, seq) == []
    assert_error(await attacker.login("operator"), 423, "identity.account_locked")


async def test_a_disabled_account_ends_its_sessions_and_says_so(make_client, app):
    victim = await make_client("operator")
    await execute(app, "UPDATE identity_user SET is_active = :f WHERE username = 'operator'", f=False)
    seq = await last_seq(app)
    body = assert_error(await victim.get("/api/v1/auth/me"), 401, "identity.session_expired")
    assert body["params"]["reason"] == "user_disabled"
    assert [(a["action"], a["detail"]) for a in await audit_rows(app, seq)] == [
        ("identity.session_ended", {"reason": "user_disabled"})
    ]


async def test_wrong_old_password_counts_toward_the_lockout(make_client, app, clock, fast_hashing):
    api = await make_client("operator")
    seq = await last_seq(app)
    for n in range(1, 5):
        assert_error(await _change(api, WRONG, "Second#Pass1"), 403, "identity.bad_old_password")
        assert await scalar(app, "SELECT failed_logins FROM identity_user WHERE username = 'operator'") == n
    assert_error(await _change(api, WRONG, "Second#Pass1"), 403, "identity.bad_old_password")
    locked_at = clock.now()
    rows = await audit_rows(app, seq)
    # Audited once each, as failed password changes (no separate access.denied), the fifth locking.
    assert [(a["action"], a["result"], a["actor"]) for a in rows] == [
        ("identity.password_changed", "failed", "operator")
    ] * 4 + [
        ("identity.account_locked", "ok", "operator"),
        ("identity.password_changed", "failed", "operator"),
    ]
    assert rows[-1]["detail"] == {
        "reason": "bad_old_password",
        "locked_until": (locked_at + timedelta(minutes=15)).isoformat(),
    }
    # New sign-ins are refused; this session goes on, but proves no password until the lock ends.
    assert_error(await (await make_client()).login("operator"), 423, "identity.account_locked")
    assert (await api.get("/api/v1/auth/me")).status_code == 200
    seq = await last_seq(app)
    assert_error(await _change(api, DEMO_PASSWORD, "Second#Pass1"), 423, "identity.account_locked")
    assert [(a["action"], a["result"], a["detail"]) for a in await audit_rows(app, seq)] == [
        ("identity.password_changed", "denied", {"reason": "locked"})
    ]
    clock.advance(timedelta(minutes=15))
    assert (await api.get("/api/v1/auth/me")).status_code == 200
    assert (await _change(api, DEMO_PASSWORD, "Second#Pass1")).status_code == 204
    assert await scalar(app, "SELECT failed_logins FROM identity_user WHERE username = 'operator'") == 0


# ---------------------------------------------------------------- realtime revocation follows the commit


@pytest.fixture
def revocations(app, monkeypatch):
    """Spy on the hub: for each revoked token hash, whether its revocation was already committed."""
    seen: list[tuple[str, bool]] = []

    async def spy(token_hash: str) -> None:
        # A separate connection sees only committed rows.
        revoked_at = await scalar(
            app, "SELECT revoked_at FROM identity_session WHERE token_hash = :h", h=token_hash
        )
        seen.append((token_hash, revoked_at is not None))

    monkeypatch.setattr(app.state.hub, "revoke_session", spy)
    return seen


def _hash(api) -> str:
    return hashlib.sha256(api.client.cookies.get("anguan_session").encode()).hexdigest()


async def test_logout_closes_sockets_after_the_commit(make_client, revocations):
    api = await make_client("operator")
    h = _hash(api)
    assert (await api.post("/api/v1/auth/logout")).status_code == 204
    assert revocations == [(h, True)]


@sqlite_only
async def test_revoking_a_session_closes_its_sockets_after_the_commit(make_client, revocations):
    a, b = await make_client("operator"), await make_client("operator")
    other = next(s for s in (await a.get("/api/v1/auth/sessions")).json() if not s["current"])
    assert (await a.delete(f"/api/v1/auth/sessions/{other['id']}")).status_code == 204
    assert revocations == [(_hash(b), True)]


async def test_disable_and_reset_close_sockets_after_the_commit(make_client, app, revocations, fast_hashing):
    admin = await make_client("admin")
    victim = await make_client("operator")
    uid = await user_id(app, "operator")
    assert (await admin.patch(f"/api/v1/users/{uid}", json={"is_active": False})).status_code == 200
    assert revocations == [(_hash(victim), True)]
    assert (await admin.patch(f"/api/v1/users/{uid}", json={"is_active": True})).status_code == 200
    revocations.clear()
    victim = await make_client("operator")
    r = await admin.post(f"/api/v1/users/{uid}/reset-password", json={"new_password": "Temp#Pass2026"})
    assert r.status_code == 204, r.text
    assert revocations == [(_hash(victim), True)]


@sqlite_only
async def test_password_change_closes_the_other_sessions_sockets_after_the_commit(
    make_client, revocations, fast_hashing
):
    here, there = await make_client("operator"), await make_client("operator")
    assert (await _change(here, DEMO_PASSWORD, "Second#Pass1")).status_code == 204
    assert revocations == [(_hash(there), True)]
