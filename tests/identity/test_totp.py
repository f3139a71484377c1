"""Second factor (TOTP, RFC 6238): enrolment, then every sign-in needs a current code."""

from __future__ import annotations

import time
import uuid

import pyotp
import pytest

from tests.identity.conftest import Plant, assert_error, audit_rows, dump, last_seq, new_user_body, scalar

pytestmark = pytest.mark.asyncio(loop_scope="package")
PASSWORD = "Strong#Pass1"


def wrong_code(secret: str) -> str:
    """A six-digit code that no accepted time step (now, one before, one after) produces."""
    totp, now = pyotp.TOTP(secret), time.time()
    valid = {totp.at(now + d) for d in (-60, -30, 0, 30, 60)}
    return next(c for c in (f"{n:06d}" for n in range(0, 1000000, 111111)) if c not in valid)


async def _enrolled_user(plant: Plant, fast_hashing: None):
    """A fresh account signed in with a confirmed authenticator: (client, username, secret)."""
    name = f"totp_{uuid.uuid4().hex[:8]}"
    r = await plant.clients["admin"].post("/api/v1/users", json=new_user_body(name, password=PASSWORD))
    assert r.status_code == 201, r.text
    api = plant.new_client()
    assert (await api.login(name, PASSWORD)).status_code == 200
    setup = await api.post("/api/v1/auth/totp/setup")
    assert setup.status_code == 200, setup.text
    secret = setup.json()["secret"]
    assert setup.json()["otpauth_uri"].startswith("otpauth://totp/Anguan:")
    assert secret in setup.json()["otpauth_uri"]
    r = await api.post(f"/api/v1/auth/totp/confirm?secret={secret}", json={"code": pyotp.TOTP(secret).now()})
    assert r.status_code == 204, r.text
    return api, name, secret


async def test_setup_alone_does_not_enable(plant: Plant, fast_hashing):
    name = f"totp_{uuid.uuid4().hex[:8]}"
    await plant.clients["admin"].post("/api/v1/users", json=new_user_body(name, password=PASSWORD))
    api = plant.new_client()
    await api.login(name, PASSWORD)
    secret = (await api.post("/api/v1/auth/totp/setup")).json()["secret"]
    before = await dump(plant.app)
    r = await api.post(f"/api/v1/auth/totp/confirm?secret={secret}", json={"code": wrong_code(secret)})
    assert_error(r, 422, "identity.totp_invalid")
    assert await dump(plant.app) == before
    assert (await plant.new_client().login(name, PASSWORD)).status_code == 200


async def test_login_then_requires_a_current_code(plant: Plant, fast_hashing):
    _, name, secret = await _enrolled_user(plant, fast_hashing)
    uid = await scalar(plant.app, "SELECT id FROM identity_user WHERE username = :u", u=name)
    stored = await scalar(plant.app, "SELECT totp_secret_enc FROM identity_user WHERE id = :i", i=uid)
    assert stored.startswith("v1.") and secret not in stored
    shown = await plant.clients["admin"].get(f"/api/v1/users/{uid}")
    assert shown.json()["totp_enabled"] is True

    api = plant.new_client()
    # Password alone: asks for the code, does not sign in, and is not a failure.
    assert_error(await api.login(name, PASSWORD), 401, "identity.totp_required")
    assert api.client.cookies.get("anguan_session") is None
    assert await scalar(plant.app, "SELECT failed_logins FROM identity_user WHERE id = :i", i=uid) == 0

    # A wrong code is refused like a wrong password and counted towards the lockout.
    seq = await last_seq(plant.app)
    r = await api.client.post(
        "/api/v1/auth/login", json={"username": name, "password": PASSWORD, "totp_code": wrong_code(secret)}
    )
    assert_error(r, 401, "identity.invalid_credentials")
    assert api.client.cookies.get("anguan_session") is None
    assert await scalar(plant.app, "SELECT failed_logins FROM identity_user WHERE id = :i", i=uid) == 1
    assert [(a["action"], a["result"], a["detail"]) for a in await audit_rows(plant.app, seq)] == [
        ("identity.login", "failed", {"reason": "bad_totp"})
    ]

    # The current code signs in.
    r = await api.client.post(
        "/api/v1/auth/login",
        json={"username": name, "password": PASSWORD, "totp_code": pyotp.TOTP(secret).now()},
    )
    assert r.status_code == 200, r.text
    assert api.client.cookies.get("anguan_session")
    assert await scalar(plant.app, "SELECT failed_logins FROM identity_user WHERE id = :i", i=uid) == 0


async def test_right_code_with_wrong_password_is_refused(plant: Plant, fast_hashing):
    _, name, secret = await _enrolled_user(plant, fast_hashing)
    r = await plant.anonymous.client.post(
        "/api/v1/auth/login",
        json={"username": name, "password": "Wrong#Pass1", "totp_code": pyotp.TOTP(secret).now()},
    )
    assert_error(r, 401, "identity.invalid_credentials")


async def test_five_wrong_codes_lock_the_account(plant: Plant, fast_hashing):
    _, name, secret = await _enrolled_user(plant, fast_hashing)
    bad = {"username": name, "password": PASSWORD, "totp_code": wrong_code(secret)}
    for _ in range(5):
        assert_error(
            await plant.anonymous.client.post("/api/v1/auth/login", json=bad),
            401,
            "identity.invalid_credentials",
        )
    good = {**bad, "totp_code": pyotp.TOTP(secret).now()}
    assert_error(
        await plant.anonymous.client.post("/api/v1/auth/login", json=good), 423, "identity.account_locked"
    )
