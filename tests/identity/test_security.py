"""Primitives: argon2id password hashes, token digests, field encryption (AES-256-GCM), TOTP."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from cryptography.exceptions import InvalidTag

from anguan.identity import security


def test_password_hash_is_argon2id_with_rfc9106_parameters():
    h = security.hash_password("Anguan@2026")
    assert h.startswith("$argon2id$v=19$m=65536,t=3,p=2$")
    assert security.hash_password("Anguan@2026") != h  # salted
    assert security.verify_password(h, "Anguan@2026")
    assert not security.verify_password(h, "anguan@2026")


@pytest.mark.parametrize("stored", [None, "", "not-a-hash", "$argon2id$v=19$m=65536,t=3,p=2$broken"])
def test_unknown_user_or_broken_hash_never_verifies(stored):
    assert security.verify_password(stored, "Anguan@2026") is False


def test_tokens_are_random_and_stored_as_sha256():
    a, b = security.new_token(), security.new_token()
    assert a != b and len(a) >= 43
    assert security.token_digest(a) == hashlib.sha256(a.encode()).hexdigest()


def test_field_cipher_round_trip_and_integrity():
    cipher = security.FieldCipher("deployment-secret")
    enc = cipher.encrypt("13800138000")
    assert enc and enc.startswith("v1.") and "13800138000" not in enc
    assert cipher.decrypt(enc) == "13800138000"
    assert cipher.encrypt("13800138000") != enc  # fresh nonce per value
    assert cipher.encrypt(None) is None and cipher.encrypt("") is None and cipher.decrypt(None) is None
    # A flipped ciphertext byte or another key is detected, never silently decrypted.
    raw = bytearray(enc.encode())
    raw[-3] = ord("A") if raw[-3] != ord("A") else ord("B")
    with pytest.raises(InvalidTag):
        cipher.decrypt(raw.decode())
    with pytest.raises(InvalidTag):
        security.FieldCipher("another-secret").decrypt(enc)


AT = datetime(2026, 11, 28, 12, 0, 10, tzinfo=UTC)  # 10 s into its 30-second step


def test_totp_step_accepts_one_step_of_drift_only():
    """RFC 6238: the code of the current step, or of one step either side, gives that step; nothing further."""
    secret = security.new_totp_secret()
    totp = pyotp.TOTP(secret)
    step = int(AT.timestamp()) // 30
    assert security.totp_step(secret, totp.at(AT), AT) == step
    assert security.totp_step(secret, " " + totp.at(AT - timedelta(seconds=30)) + " ", AT) == step - 1
    assert security.totp_step(secret, totp.at(AT + timedelta(seconds=30)), AT) == step + 1
    near = {totp.at(AT + timedelta(seconds=d)) for d in (-30, 0, 30)}
    far = {totp.at(AT + timedelta(seconds=d)) for d in (-90, -60, 60, 90)} - near
    assert far and all(security.totp_step(secret, c, AT) is None for c in far)
    # The clock is the caller's (the app clock in the service), not the machine's.
    assert security.totp_step(secret, totp.at(AT), AT + timedelta(minutes=5)) is None
