"""The audit log is append-only (database triggers) and hash-chained (tampering shows at its sequence number)."""

from __future__ import annotations

import pytest
import sqlalchemy.exc

from tests.identity.conftest import execute, last_seq, scalar, sqlite_only

# Offsets of the entries written by _history: 1 sign-in, 2 logout, 3 failed sign-in.
SIGN_IN, LOGOUT, FAILED = 1, 2, 3


async def _verify(make_client):
    auditor = await make_client("auditor")
    r = await auditor.get("/api/v1/audit/verify")
    assert r.status_code == 200, r.text
    return r.json()


async def _history(make_client, app) -> int:
    """Three audited actions; returns the sequence number just before them."""
    base = await last_seq(app)
    api = await make_client("operator")
    assert (await api.post("/api/v1/auth/logout")).status_code == 204
    assert (await api.login("operator", "Wrong#Pass1")).status_code == 401
    assert await last_seq(app) == base + 3
    return base


async def _drop_triggers(app) -> None:
    if app.state.database.dialect == "postgresql":
        await execute(app, "DROP TRIGGER audit_log_no_change ON audit_log")
    else:
        await execute(app, "DROP TRIGGER audit_log_no_update")
        await execute(app, "DROP TRIGGER audit_log_no_delete")


REFUSED = (
    "UPDATE audit_log SET result = 'failed' WHERE seq = :s",
    "UPDATE audit_log SET hash = prev_hash",
    "DELETE FROM audit_log WHERE seq = :s",
    "DELETE FROM audit_log",
)


async def test_audit_log_refuses_update_and_delete(make_client, app):
    base = await _history(make_client, app)
    count = await scalar(app, "SELECT COUNT(*) FROM audit_log")
    for sql in REFUSED:
        with pytest.raises(sqlalchemy.exc.DBAPIError, match="append-only"):
            await execute(app, sql, s=base + LOGOUT)
    assert await scalar(app, "SELECT COUNT(*) FROM audit_log") == count
    assert await scalar(app, "SELECT result FROM audit_log WHERE seq = :s", s=base + LOGOUT) == "ok"
    check = await _verify(make_client)  # the auditor's own sign-in is appended first
    assert check == {"ok": True, "checked": count + 1, "first_bad_seq": None}


async def test_tampering_is_reported_at_the_tampered_row(make_client, app):
    base = await _history(make_client, app)
    bad = base + FAILED
    # Make the failed sign-in look like a success.
    assert await scalar(app, "SELECT result FROM audit_log WHERE seq = :s", s=bad) == "failed"
    await _drop_triggers(app)
    await execute(app, "UPDATE audit_log SET result = 'ok' WHERE seq = :s", s=bad)
    check = await _verify(make_client)
    assert check == {"ok": False, "checked": bad - 1, "first_bad_seq": bad}


@sqlite_only
@pytest.mark.parametrize(
    ("sql", "offset"),
    [
        pytest.param("UPDATE audit_log SET actor_username = 'someone' WHERE seq = :s", LOGOUT, id="actor"),
        pytest.param("UPDATE audit_log SET detail = '{}' WHERE seq = :s", FAILED, id="detail"),
        pytest.param(
            "UPDATE audit_log SET ts = '2020-01-01 00:00:00.000000' WHERE seq = :s", SIGN_IN, id="time"
        ),
        pytest.param("UPDATE audit_log SET hash = prev_hash WHERE seq = :s", LOGOUT, id="hash"),
        pytest.param("DELETE FROM audit_log WHERE seq = :s", LOGOUT, id="row-deleted"),
        # The chain head remembers the true length: the next entry leaves a gap where the tail was.
        pytest.param("DELETE FROM audit_log WHERE seq = :s", FAILED, id="tail-cut"),
    ],
)
async def test_every_kind_of_edit_breaks_the_chain(make_client, app, sql, offset):
    bad = await _history(make_client, app) + offset
    await _drop_triggers(app)
    await execute(app, sql, s=bad)
    check = await _verify(make_client)
    assert check == {"ok": False, "checked": bad - 1, "first_bad_seq": bad}


@sqlite_only
async def test_new_entries_continue_the_chain(make_client, app):
    base = await _history(make_client, app)
    await _history(make_client, app)
    end = base + 6
    for seq in range(base + 1, end + 1):
        prev = (
            await scalar(app, "SELECT hash FROM audit_log WHERE seq = :s", s=seq - 1) if seq > 1 else "0" * 64
        )
        assert await scalar(app, "SELECT prev_hash FROM audit_log WHERE seq = :s", s=seq) == prev
    assert await scalar(app, "SELECT seq FROM audit_head") == end
    assert await scalar(app, "SELECT last_hash FROM audit_head") == await scalar(
        app, "SELECT hash FROM audit_log WHERE seq = :s", s=end
    )
