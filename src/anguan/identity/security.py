"""Password hashing (argon2id), session tokens, field encryption (AES-256-GCM) and TOTP."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# argon2id with RFC 9106's second recommended (memory-constrained) parameters.
_hasher = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=2)
# A hash to verify against for unknown users, so timing does not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    """argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password in constant time; unknown users still cost one verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A 256-bit random token for a session cookie or an API token."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored for a token: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time string comparison."""
    return hmac.compare_digest(a.encode(), b.encode())


class FieldCipher:
    """AES-256-GCM for sensitive personal fields, keyed from the deployment secret with HKDF."""

    def __init__(self, secret: str) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"anguan-field-v1", info=b"pii").derive(
            secret.encode()
        )
        self._aead = AESGCM(key)

    def encrypt(self, plaintext: str | None) -> str | None:
        """Encrypt to `v1.<base64(nonce|ciphertext)>`; None stays None."""
        if plaintext is None or plaintext == "":
            return None
        nonce = os.urandom(12)
        ct = self._aead.encrypt(nonce, plaintext.encode(), b"anguan")
        return "v1." + base64.urlsafe_b64encode(nonce + ct).decode()

    def decrypt(self, token: str | None) -> str | None:
        """Decrypt a value written by `encrypt`."""
        if not token:
            return None
        raw = base64.urlsafe_b64decode(token.removeprefix("v1.").encode())
        return self._aead.decrypt(raw[:12], raw[12:], b"anguan").decode()


def new_totp_secret() -> str:
    """A base32 TOTP secret (RFC 6238)."""
    return pyotp.random_base32()


TOTP_STEP_SECONDS = 30


def totp_step(secret: str, code: str, at: datetime) -> int | None:
    """The 30-second time step (RFC 6238) whose code `code` is at `at`, allowing one step of drift.

    None when no step of the window matches. The step lets the caller refuse a code that was
    already used (RFC 6238 5.2: a code is accepted at most once).
    """
    totp = pyotp.TOTP(secret, interval=TOTP_STEP_SECONDS)
    code = code.strip()
    now = int(at.timestamp()) // TOTP_STEP_SECONDS
    matched = None
    for step in (now - 1, now, now + 1):
        # Every step is compared (constant time), so timing does not tell which one matched.
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            matched = step
    return matched
