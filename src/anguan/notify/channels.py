"""Delivery channels: the webhook's signing, secret storage, backoff and HTTP POST.

A webhook request carries (the receiver recomputes the signature with its copy of the secret):
- `X-Anguan-Event`: the event name (`notify.message`, `notify.test`);
- `X-Anguan-Delivery`: the delivery id (the same on every retry: receivers use it to drop duplicates);
- `X-Anguan-Timestamp`: Unix seconds of this attempt (receivers refuse stale ones to stop replays);
- `X-Anguan-Signature`: `sha256=` + hex HMAC-SHA256(secret, timestamp + "." + raw body).
Any 2xx answer counts as delivered; anything else (status, timeout, refused connection) is retried.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from typing import Any

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SIGNATURE_HEADER = "X-Anguan-Signature"
TIMESTAMP_HEADER = "X-Anguan-Timestamp"
DELIVERY_HEADER = "X-Anguan-Delivery"
EVENT_HEADER = "X-Anguan-Event"
USER_AGENT = "Anguan-Webhook/1"

# Retry delays: 10 s, 20 s, 40 s ... doubled per failed attempt, at most one hour.
BACKOFF_BASE_S = 10.0
BACKOFF_CAP_S = 3600.0
# A claimed delivery is leased for its timeout plus this margin; a worker that dies mid-send
# leaves the row to be retried after the lease (at-least-once: receivers dedupe by delivery id).
LEASE_MARGIN_S = 30.0


class SecretBox:
    """AES-256-GCM for webhook secrets, keyed from the deployment secret with HKDF (own label)."""

    def __init__(self, deployment_secret: str) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"anguan-notify-v1", info=b"webhook").derive(
            deployment_secret.encode()
        )
        self._aead = AESGCM(key)

    def encrypt(self, plaintext: str) -> str:
        """`v1.<base64(nonce|ciphertext)>`."""
        nonce = os.urandom(12)
        ct = self._aead.encrypt(nonce, plaintext.encode(), b"notify.webhook")
        return "v1." + base64.urlsafe_b64encode(nonce + ct).decode()

    def decrypt(self, token: str) -> str:
        """The plaintext of a value written by `encrypt`."""
        raw = base64.urlsafe_b64decode(token.removeprefix("v1.").encode())
        return self._aead.decrypt(raw[:12], raw[12:], b"notify.webhook").decode()


def new_secret() -> str:
    """A 256-bit random signing secret."""
    return secrets.token_urlsafe(32)


def canonical_body(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed) for a payload."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=<hex>` HMAC-SHA256 over `timestamp.body`."""
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """Receiver side: constant-time check of a signature header."""
    try:
        expected = sign(secret, int(timestamp), body)
    except ValueError:
        return False
    return hmac.compare_digest(expected, signature)


def backoff_s(attempts: int) -> float:
    """Delay before the next attempt after `attempts` failed ones."""
    return min(BACKOFF_BASE_S * float(2 ** max(attempts - 1, 0)), BACKOFF_CAP_S)


@dataclass(frozen=True)
class PostResult:
    """Outcome of one HTTP attempt."""

    ok: bool
    status: int | None
    error: str | None


async def post_webhook(
    client: httpx.AsyncClient,
    *,
    url: str,
    secret: str,
    event: str,
    delivery_id: int,
    payload: dict[str, Any],
    timeout_s: float,
    timestamp: int,
) -> PostResult:
    """POST one signed delivery; never raises for network or HTTP failures."""
    body = canonical_body(payload)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: event,
        DELIVERY_HEADER: str(delivery_id),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, body),
    }
    try:
        response = await client.post(url, content=body, headers=headers, timeout=timeout_s)
    except httpx.TimeoutException as exc:
        return PostResult(False, None, f"timeout after {timeout_s:g} s ({type(exc).__name__})")
    except httpx.HTTPError as exc:
        return PostResult(False, None, f"{type(exc).__name__}: {exc}"[:500])
    if 200 <= response.status_code < 300:
        return PostResult(True, response.status_code, None)
    return PostResult(False, response.status_code, f"HTTP {response.status_code}: {response.text[:300]}")
