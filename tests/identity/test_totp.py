"""Second factor (TOTP, RFC 6238; GB/T 22239-2019 8.1.4.1 d): enrolment with a server-side pending
secret, sign-in with a current code, each code accepted once, and turning it off with a code.

Codes are computed for the app clock, which these tests freeze (a step is 30 seconds).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest

from tests.conftest import Api
from tests.identity.conftest import (
    Plant,
    assert_error,
    audit_rows,
    dump,
    last_seq,
    new_user_body,
    scalar,
)

pytestmark = pytest.mark.asyncio(loop_scope="package")
FIRST = "Strong#Pass1"  # set by the administrator; must be changed at first sign-in
PASSWORD = "Mine#Pass2026"


@pytest.fixture
def clock(frozen_clock):
    """The app clock frozen 5 s into a 30-second step (so +/- a few seconds stays in the step)."""
    now = datetime.now(UTC).replace(microsecond=0)
    frozen_clock.freeze(now - timedelta(seconds=now.second % 30) + timedelta(seconds=5))
    return frozen_clock


def code_at(secret: str, clock: Any, seconds: int = 0) -> str:
    """The code of the step `seconds` away from the app clock."""
    return pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=seconds))


def wrong_code(secret: str, clock: Any) -> str:
    """A six-digit code that no step near the app clock produces."""
    valid = {code_at(secret, clock, d) for d in (-60, -30, 0, 30, 60)}
    return next(c for c in (f"{n:06d}" for n in range(0, 1000000, 111111)) if c not in valid)


async def _fresh_user(plant: Plant) -> tuple[Api, str, int]:
    """A new account, signed in, its first password changed: (client, username, id)."""
    name = f"totp_{uuid.uuid4().hex[:8]}"
    r = await plant.clients["admin"].post("/api/v1/users", json=new_user_body(name, password=FIRST))
    assert r.status_code == 201, r.text
    api = plant.new_client()
    assert (await api.login(name, FIRST)).status_code == 200
    r = await api.post("/api/v1/auth/password", json={"old_password": FIRST, "new_password": PASSWORD})
    assert r.status_code == 204, r.text
    return api, name, await _id(plant, name)


async def _id(plant: Plant, name: str) -> int:
    return int(await scalar(plant.app, "SELECT id FROM identity_user WHERE username = :u", u=name))


async def _enrolled_user(plant: Plant, clock: Any) -> tuple[Api, str, int, str]:
    """A fresh account with a confirmed authenticator: (client, username, id, secret)."""
    api, name, uid = await _fresh_user(plant)
    setup = await api.post("/api/v1/auth/totp/setup")
    assert setup.status_code == 200, setup.text
    secret = setup.json()["secret"]
    assert setup.json()["otpauth_uri"].startswith("otpauth://totp/Anguan:")
    assert secret in setup.json()["otpauth_uri"]
    r = await api.post("/api/v1/auth/totp/confirm", json={"code": code_at(secret, clock)})
    assert r.status_code == 204, r.text
    return api, name, uid, secret


async def _login(api: Api, name: str, code: str | None, password: str = PASSWORD) -> Any:
    return await api.client.post(
        "/api/v1/auth/login", json={"username": name, "password": password, "totp_code": code}
    )


async def _failed_logins(plant: Plant, uid: int) -> int:
    return int(await scalar(plant.app, "SELECT failed_logins FROM identity_user WHERE id = :i", i=uid))


# ---------------------------------------------------------------- enrolment


async def test_pending_secret_is_kept_encrypted_on_the_session(plant: Plant, fast_hashing, clock):
    api, _, uid = await _fresh_user(plant)
    seq = await last_seq(plant.app)
    secret = (await api.post("/api/v1/auth/totp/setup")).json()["secret"]
    raw = await scalar(
        plant.app,
        "SELECT meta FROM identity_session WHERE user_id = :i AND revoked_at IS NULL",
        i=uid,
    )
    meta = json.loads(raw) if isinstance(raw, str) else raw
    assert meta["totp_pending"].startswith("v1.") and secret not in json.dumps(meta)
    assert plant.app.state.identity.cipher.decrypt(meta["totp_pending"]) == secret
    assert await scalar(plant.app, "SELECT totp_secret_enc FROM identity_user WHERE id = :i", i=uid) is None
    # The secret travels only in the body, never back: confirm takes the code alone.
    r = await api.post("/api/v1/auth/totp/confirm", json={"code": code_at(secret, clock), "secret": secret})
    body = assert_error(r, 422, "common.validation_error")
    assert [f["field"] for f in body["params"]["fields"]] == ["secret"]
    r = await api.post("/api/v1/auth/totp/confirm", json={"code": code_at(secret, clock)})
    assert r.status_code == 204, r.text
    stored = await scalar(plant.app, "SELECT totp_secret_enc FROM identity_user WHERE id = :i", i=uid)
    assert stored.startswith("v1.") and plant.app.state.identity.cipher.decrypt(stored) == secret
    raw = await scalar(
        plant.app, "SELECT meta FROM identity_session WHERE user_id = :i AND revoked_at IS NULL", i=uid
    )
    assert "totp_pending" not in (json.loads(raw) if isinstance(raw, str) else raw)
    assert [(a["action"], a["result"], a["target_id"]) for a in await audit_rows(plant.app, seq)] == [
        ("identity.totp_enabled", "ok", str(uid))
    ]


async def test_setup_alone_does_not_enable(plant: Plant, fast_hashing, clock):
    api, name, _ = await _fresh_user(plant)
    secret = (await api.post("/api/v1/auth/totp/setup")).json()["secret"]
    before = await dump(plant.app)
    r = await api.post("/api/v1/auth/totp/confirm", json={"code": wrong_code(secret, clock)})
    assert_error(r, 422, "identity.totp_invalid")
    assert await dump(plant.app) == before
    assert (await plant.new_client().login(name, PASSWORD)).status_code == 200


async def test_confirm_needs_a_setup_on_the_same_session(plant: Plant, fast_hashing, clock):
    api, name, _ = await _fresh_user(plant)
    assert_error(
        await api.post("/api/v1/auth/totp/confirm", json={"code": "123456"}),
        409,
        "identity.totp_setup_required",
    )
    secret = (await api.post("/api/v1/auth/totp/setup")).json()["secret"]
    other = plant.new_client()
    assert (await other.login(name, PASSWORD)).status_code == 200
    r = await other.post("/api/v1/auth/totp/confirm", json={"code": code_at(secret, clock)})
    assert_error(r, 409, "identity.totp_setup_required")
    # A second setup replaces the first pending secret: only the newest one confirms.
    newer = (await api.post("/api/v1/auth/totp/setup")).json()["secret"]
    assert newer != secret
    assert_error(
        await api.post("/api/v1/auth/totp/confirm", json={"code": code_at(secret, clock)}),
        422,
        "identity.totp_invalid",
    )
    assert (
        await api.post("/api/v1/auth/totp/confirm", json={"code": code_at(newer, clock)})
    ).status_code == 204


async def test_an_active_factor_is_not_replaced_without_turning_it_off(plant: Plant, fast_hashing, clock):
    api, _, _, _ = await _enrolled_user(plant, clock)
    before = await dump(plant.app)
    assert_error(await api.post("/api/v1/auth/totp/setup"), 409, "identity.totp_already_enabled")
    assert_error(
        await api.post("/api/v1/auth/totp/confirm", json={"code": "123456"}),
        409,
        "identity.totp_already_enabled",
    )
    assert await dump(plant.app) == before


# ---------------------------------------------------------------- sign-in


async def test_login_then_requires_a_current_code(plant: Plant, fast_hashing, clock):
    _, name, uid, secret = await _enrolled_user(plant, clock)
    shown = await plant.clients["admin"].get(f"/api/v1/users/{uid}")
    assert shown.json()["totp_enabled"] is True
    clock.advance(timedelta(seconds=30))  # the enrolment used this step's code

    api = plant.new_client()
    # Password alone: asks for the code, does not sign in, and is not a failure.
    assert_error(await api.login(name, PASSWORD), 401, "identity.totp_required")
    assert api.client.cookies.get("anguan_session") is None
    assert await _failed_logins(plant, uid) == 0

    # A wrong code is refused like a wrong password and counted towards the lockout.
    seq = await last_seq(plant.app)
    assert_error(await _login(api, name, wrong_code(secret, clock)), 401, "identity.invalid_credentials")
    assert api.client.cookies.get("anguan_session") is None
    assert await _failed_logins(plant, uid) == 1
    assert [(a["action"], a["result"], a["detail"]) for a in await audit_rows(plant.app, seq)] == [
        ("identity.login", "failed", {"reason": "bad_totp"})
    ]

    # The current code signs in.
    r = await _login(api, name, code_at(secret, clock))
    assert r.status_code == 200, r.text
    assert api.client.cookies.get("anguan_session")
    assert await _failed_logins(plant, uid) == 0


async def test_codes_are_checked_against_the_app_clock(plant: Plant, fast_hashing, clock):
    _, name, _, secret = await _enrolled_user(plant, clock)
    real_now = pyotp.TOTP(secret).now()
    clock.advance(timedelta(minutes=10))
    if real_now != code_at(secret, clock):
        assert_error(await _login(plant.new_client(), name, real_now), 401, "identity.invalid_credentials")
    assert (await _login(plant.new_client(), name, code_at(secret, clock))).status_code == 200


async def test_a_code_is_accepted_once(plant: Plant, fast_hashing, clock):
    """RFC 6238 5.2: the step used to enrol or sign in cannot sign in again; the next step can."""
    _, name, uid, secret = await _enrolled_user(plant, clock)
    seq = await last_seq(plant.app)
    # The enrolment's own code, still within its step.
    clock.advance(timedelta(seconds=10))
    assert_error(
        await _login(plant.new_client(), name, code_at(secret, clock)), 401, "identity.invalid_credentials"
    )
    # The previous step's code would pass the drift window, but an older step than the one used.
    clock.advance(timedelta(seconds=30))
    assert_error(
        await _login(plant.new_client(), name, code_at(secret, clock, -30)),
        401,
        "identity.invalid_credentials",
    )
    code = code_at(secret, clock)
    assert (await _login(plant.new_client(), name, code)).status_code == 200
    assert_error(await _login(plant.new_client(), name, code), 401, "identity.invalid_credentials")
    rows = [(a["action"], a["result"], a["detail"].get("reason")) for a in await audit_rows(plant.app, seq)]
    assert rows == [
        ("identity.login", "failed", "totp_reused"),
        ("identity.login", "failed", "totp_reused"),
        ("identity.login", "ok", None),
        ("identity.login", "failed", "totp_reused"),
    ]
    step = int(clock.now().timestamp()) // 30
    assert await scalar(plant.app, "SELECT totp_last_step FROM identity_user WHERE id = :i", i=uid) == step


async def test_two_sign_ins_racing_with_one_code_let_one_in(plant: Plant, fast_hashing, clock):
    _, name, _, secret = await _enrolled_user(plant, clock)
    clock.advance(timedelta(seconds=30))
    code = code_at(secret, clock)
    results = await asyncio.gather(*(_login(plant.new_client(), name, code) for _ in range(3)))
    assert sorted(r.status_code for r in results) == [200, 401, 401]


async def test_right_code_with_wrong_password_is_refused(plant: Plant, fast_hashing, clock):
    _, name, _, secret = await _enrolled_user(plant, clock)
    clock.advance(timedelta(seconds=30))
    r = await _login(plant.anonymous, name, code_at(secret, clock), password="Wrong#Pass1")
    assert_error(r, 401, "identity.invalid_credentials")


async def test_five_wrong_codes_lock_the_account(plant: Plant, fast_hashing, clock):
    _, name, _, secret = await _enrolled_user(plant, clock)
    clock.advance(timedelta(seconds=30))
    for _ in range(5):
        assert_error(
            await _login(plant.anonymous, name, wrong_code(secret, clock)),
            401,
            "identity.invalid_credentials",
        )
    assert_error(await _login(plant.anonymous, name, code_at(secret, clock)), 423, "identity.account_locked")


# ---------------------------------------------------------------- turning it off


async def test_turning_off_needs_a_current_code(plant: Plant, fast_hashing, clock):
    api, name, uid, secret = await _enrolled_user(plant, clock)
    clock.advance(timedelta(seconds=30))
    seq = await last_seq(plant.app)
    r = await api.request("DELETE", "/api/v1/auth/totp", json={"code": wrong_code(secret, clock)})
    assert_error(r, 422, "identity.totp_invalid")
    # A wrong code is a failed authentication: counted toward the lockout, audited.
    assert await _failed_logins(plant, uid) == 1
    r = await api.request("DELETE", "/api/v1/auth/totp", json={"code": code_at(secret, clock)})
    assert r.status_code == 204, r.text
    assert await scalar(plant.app, "SELECT totp_secret_enc FROM identity_user WHERE id = :i", i=uid) is None
    assert [(a["action"], a["result"], a["detail"]) for a in await audit_rows(plant.app, seq)] == [
        ("identity.totp_disabled", "failed", {"reason": "bad_totp"}),
        ("identity.totp_disabled", "ok", {}),
    ]
    assert (await plant.new_client().login(name, PASSWORD)).status_code == 200
    assert_error(
        await api.request("DELETE", "/api/v1/auth/totp", json={"code": code_at(secret, clock)}),
        409,
        "identity.totp_not_enabled",
    )


async def test_turning_off_refuses_a_used_code(plant: Plant, fast_hashing, clock):
    api, _, uid, secret = await _enrolled_user(plant, clock)
    r = await api.request("DELETE", "/api/v1/auth/totp", json={"code": code_at(secret, clock)})
    assert_error(r, 422, "identity.totp_invalid")  # the enrolment used this step
    assert await scalar(plant.app, "SELECT totp_secret_enc FROM identity_user WHERE id = :i", i=uid)


async def test_turning_off_while_locked_is_refused_without_checking_the_code(
    plant: Plant, fast_hashing, clock
):
    api, name, uid, secret = await _enrolled_user(plant, clock)
    clock.advance(timedelta(seconds=30))
    for _ in range(5):
        await _login(plant.anonymous, name, None, password="Wrong#Pass1")
    # The lockout ends no session, but this one proves nothing until it is over.
    assert (await api.get("/api/v1/auth/me")).status_code == 200
    r = await api.request("DELETE", "/api/v1/auth/totp", json={"code": code_at(secret, clock)})
    assert_error(r, 423, "identity.account_locked")
    assert await scalar(plant.app, "SELECT totp_secret_enc FROM identity_user WHERE id = :i", i=uid)
    await plant.clients["admin"].post(f"/api/v1/users/{uid}/unlock")


# ---------------------------------------------------------------- lost authenticator


async def test_security_administrator_resets_a_lost_second_factor(plant: Plant, fast_hashing, clock):
    api, name, uid, _secret = await _enrolled_user(plant, clock)
    clock.advance(timedelta(seconds=30))
    # The system administrator manages accounts but not security factors (三员分立).
    assert_error(
        await plant.clients["admin"].post(f"/api/v1/users/{uid}/reset-totp"), 403, "common.forbidden"
    )
    seq = await last_seq(plant.app)
    r = await plant.clients["secadmin"].post(f"/api/v1/users/{uid}/reset-totp")
    assert r.status_code == 204, r.text
    assert [(a["action"], a["result"]) for a in await audit_rows(plant.app, seq)] == [
        ("identity.totp_reset", "ok")
    ]
    # The user's sessions are ended, and a password alone signs in again.
    assert (await api.get("/api/v1/auth/me")).status_code == 401
    assert (await _login(plant.new_client(), name, None)).status_code == 200
    assert (await plant.clients["admin"].get(f"/api/v1/users/{uid}")).json()["totp_enabled"] is False
    # Nothing left to reset; nobody resets their own factor.
    assert_error(
        await plant.clients["secadmin"].post(f"/api/v1/users/{uid}/reset-totp"),
        409,
        "identity.totp_not_enabled",
    )
    secadmin_id = await _id(plant, "secadmin")
    assert_error(
        await plant.clients["secadmin"].post(f"/api/v1/users/{secadmin_id}/reset-totp"),
        409,
        "identity.cannot_reset_own_totp",
    )
