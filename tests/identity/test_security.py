"""Primitives: argon2id password hashes, token digests, field encryption (AES-256-GCM), TOTP."""

from __future__ import annotations

import hashlib
import time

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


def test_totp_accepts_one_step_of_drift_only():
    secret = security.new_totp_secret()
    totp, now = pyotp.TOTP(secret), time.time()
    assert security.totp_ok(secret, totp.at(now))
    assert security.totp_ok(secret, " " + totp.at(now - 30) + " ")
    far = {totp.at(now + d) for d in (-90, 90)} - {totp.at(now + d) for d in (-60, -30, 0, 30, 60)}
    assert far and not any(security.totp_ok(secret, c) for c in far)
