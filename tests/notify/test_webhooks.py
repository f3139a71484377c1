"""Webhook endpoints: configuration (secrets never returned), signed delivery to a real receiver,
filters, failures retried with backoff, dead letters, the delivery log."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from anguan.core.db import Database
from anguan.core.time import Clock
from anguan.notify import service
from anguan.notify.channels import BACKOFF_CAP_S, SecretBox, backoff_s, sign, verify
from anguan.notify.models import Delivery, Webhook
from anguan.notify.schemas import NotificationIn
from tests.notify.support import Receiver, count, user_ids
from tests.plant.support import Callers, audit_actions, ids_by_code, last_audit_seq

API = "/api/v1/notify"
SECRET = "s3cret-for-the-receiver-0123456789"
T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def notice(severity: str = "high", category: str = "monitoring.alarm_raised", **extra: Any) -> NotificationIn:
    return NotificationIn(
        category=category,
        severity=severity,  # type: ignore[arg-type]
        title_zh="可燃气体二级报警",
        title_en="Combustible gas level 2",
        link="/monitoring/alarms/9",
        site_id=extra.pop("site_id", None),
        **extra,
    )


async def _send(database: Database, message: NotificationIn, recipients: list[int] | None = None):
    async with database.transaction() as session:
        return await service.send(session, recipients or [], message)


async def _hook(database: Database, box: SecretBox, url: str, **fields: Any) -> int:
    """An endpoint written straight to the database (the API is tested separately)."""
    async with database.transaction() as session:
        w = Webhook(
            name=fields.pop("name", "值班群"),
            url=url,
            secret_enc=box.encrypt(fields.pop("secret", SECRET)),
            enabled=fields.pop("enabled", True),
            min_severity=fields.pop("min_severity", "low"),
            categories=fields.pop("categories", []),
            site_id=fields.pop("site_id", None),
            timeout_s=fields.pop("timeout_s", 2.0),
            max_attempts=fields.pop("max_attempts", 4),
        )
        session.add(w)
        await session.flush()
        return w.id


async def _deliveries(database: Database) -> list[Delivery]:
    async with database.transaction(write=False) as session:
        return list((await session.scalars(select(Delivery).order_by(Delivery.id))).all())


async def test_configuration_never_returns_the_secret(napp: Any, callers: Callers):
    admin = await callers("admin")
    seq = await last_audit_seq(napp.state.database)
    r = await admin.post(
        f"{API}/webhooks", json={"name": "企业微信", "url": "https://hooks.example/send?key=k"}
    )
    assert r.status_code == 201, r.text
    created = r.json()
    generated = created["secret"]
    assert len(generated) >= 32 and created["has_secret"] is True
    hook_id = created["id"]

    r = await admin.post(
        f"{API}/webhooks", json={"name": "自带密钥", "url": "http://10.0.0.5/hook", "secret": SECRET}
    )
    assert r.status_code == 201 and r.json()["secret"] is None
    for body in [
        (await admin.get(f"{API}/webhooks")).json(),
        (await admin.get(f"{API}/webhooks/{hook_id}")).json(),
    ]:
        text = str(body)
        assert generated not in text and SECRET not in text and "secret_enc" not in text

    r = await admin.patch(f"{API}/webhooks/{hook_id}", json={"min_severity": "urgent", "secret": "x" * 20})
    assert r.status_code == 200 and r.json()["min_severity"] == "urgent" and "secret" not in r.json()
    async with napp.state.database.transaction(write=False) as session:
        row = await session.get(Webhook, hook_id)
        assert (
            row is not None
            and SecretBox(napp.state.settings.auth.secret_key.get_secret_value()).decrypt(row.secret_enc)
            == "x" * 20
        )
        assert "x" * 20 not in row.secret_enc  # stored encrypted

    assert (
        await admin.post(f"{API}/webhooks", json={"name": "企业微信", "url": "https://a.example/"})
    ).status_code == 409
    assert (await admin.delete(f"{API}/webhooks/{hook_id}")).status_code == 204
    assert (await admin.get(f"{API}/webhooks/{hook_id}")).status_code == 404
    actions = [a for a, _, _ in await audit_actions(napp.state.database, seq)]
    assert actions == [
        "notify.webhook_created",
        "notify.webhook_created",
        "notify.webhook_updated",
        "notify.webhook_deleted",
    ]
    # The audit keeps the host, not the URL's query (it may hold the receiver's key) nor any secret.
    async with napp.state.database.transaction(write=False) as session:
        from anguan.core.timeline import AuditEntry

        details = (await session.scalars(select(AuditEntry.detail).where(AuditEntry.seq > seq))).all()
    assert "key=k" not in str(details) and generated not in str(details)


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "url": "ftp://files.example/x"},
        {"name": "x", "url": "javascript:alert(1)"},
        {"name": "x", "url": "http://user:pw@host.example/"},
        {"name": "x", "url": "https://host.example/#frag"},
        {"name": "x", "url": "https://host.example/", "secret": "short"},
        {"name": "x", "url": "https://host.example/", "min_severity": "critical"},
        {"name": "x", "url": "https://host.example/", "categories": ["Not A Category"]},
        {"name": "x", "url": "https://host.example/", "timeout_s": 600},
        {"name": "x", "url": "https://host.example/", "unknown": 1},
        {"name": "", "url": "https://host.example/"},
    ],
)
async def test_bad_configuration_is_refused(napp: Any, callers: Callers, body: dict[str, Any]):
    admin = await callers("admin")
    r = await admin.post(f"{API}/webhooks", json=body)
    assert r.status_code == 422, r.text
    assert await count(napp.state.database, Webhook) == 0


@pytest.mark.parametrize("username", ["operator", "leader", "inspector", "contractor", "secadmin", "auditor"])
async def test_only_notify_configurers_see_webhooks(napp: Any, callers: Callers, username: str):
    client = await callers(username)
    assert (await client.get(f"{API}/webhooks")).status_code == 403
    r = await client.post(f"{API}/webhooks", json={"name": "x", "url": "https://host.example/"})
    assert r.status_code == 403 and r.json()["code"] == "common.forbidden"
    assert (await client.get(f"{API}/webhooks/1/deliveries")).status_code == 403
    assert await count(napp.state.database, Webhook) == 0
    assert ("access.denied", "denied", username) in await audit_actions(napp.state.database)


async def test_signed_delivery_reaches_a_real_receiver(
    napp: Any, callers: Callers, receiver: Receiver, box: SecretBox
):
    database: Database = napp.state.database
    ids = await user_ids(database)
    hook = await _hook(database, box, receiver.url)
    sent = await _send(database, notice(), [ids["operator"], ids["leader"]])
    assert sent.deliveries == 1

    assert await _due(database)
    assert await service.deliver_webhooks(database, box) == 1
    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert got.path == "/hook?team=ops"
    assert got.headers["content-type"].startswith("application/json")
    assert got.headers["x-anguan-event"] == "notify.message"
    # The receiver checks the HMAC with its own copy of the secret, and a fresh timestamp.
    ts = got.headers["x-anguan-timestamp"]
    assert abs(int(ts) - time.time()) < 60
    assert verify(SECRET, ts, got.body, got.headers["x-anguan-signature"])
    assert got.headers["x-anguan-signature"] == sign(SECRET, int(ts), got.body)
    assert not verify("another-secret-0123456789", ts, got.body, got.headers["x-anguan-signature"])
    assert not verify(SECRET, str(int(ts) + 1), got.body, got.headers["x-anguan-signature"])
    payload = got.json()
    assert payload["severity"] == "high" and payload["link"] == "/monitoring/alarms/9"
    assert payload["title"] == {"zh-CN": "可燃气体二级报警", "en-US": "Combustible gas level 2"}
    assert payload["recipients"] == sorted([ids["operator"], ids["leader"]])

    [row] = await _deliveries(database)
    assert (row.status, row.attempts, row.last_status, row.last_error) == ("delivered", 1, 200, None)
    assert got.headers["x-anguan-delivery"] == str(row.id)
    # Nothing due any more.
    assert await service.deliver_webhooks(database, box) == 0
    assert len(receiver.received) == 1

    admin = await callers("admin")
    log = (await admin.get(f"{API}/webhooks/{hook}/deliveries")).json()
    assert log["total"] == 1 and log["items"][0]["status"] == "delivered" and "payload" not in log["items"][0]
    assert (await admin.get(f"{API}/webhooks/{hook}/deliveries", params={"status": "dead"})).json()[
        "total"
    ] == 0
    assert (
        await admin.get(f"{API}/webhooks/{hook}/deliveries", params={"status": "lost"})
    ).status_code == 422
    assert (await admin.get(f"{API}/webhooks/{hook + 1000}/deliveries")).status_code == 404


async def test_failures_are_retried_with_backoff_then_delivered(
    napp: Any, receiver: Receiver, box: SecretBox, frozen_clock: Clock
):
    database: Database = napp.state.database
    frozen_clock.freeze(T0)
    await _hook(database, box, receiver.url, max_attempts=5)
    await _send(database, notice())
    receiver.answers.put(500)
    receiver.answers.put(503)

    assert await service.deliver_webhooks(database, box) == 0
    [row] = await _deliveries(database)
    assert (row.status, row.attempts, row.last_status) == ("pending", 1, 500)
    assert "HTTP 500" in (row.last_error or "")
    assert row.next_attempt_at == T0 + timedelta(seconds=backoff_s(1)) == T0 + timedelta(seconds=10)

    # Not due one second early.
    frozen_clock.advance(timedelta(seconds=9))
    assert not await _due(database)
    assert await service.deliver_webhooks(database, box) == 0
    assert len(receiver.received) == 1

    frozen_clock.advance(timedelta(seconds=1))
    assert await _due(database)
    assert await service.deliver_webhooks(database, box) == 0
    [row] = await _deliveries(database)
    assert (row.attempts, row.last_status) == (2, 503)
    assert row.next_attempt_at == frozen_clock.now() + timedelta(seconds=20)

    frozen_clock.advance(timedelta(seconds=20))
    assert await service.deliver_webhooks(database, box) == 1
    [row] = await _deliveries(database)
    assert (row.status, row.attempts, row.last_status, row.last_error) == ("delivered", 3, 200, None)
    # The same delivery id on every attempt, each signed afresh.
    assert len({r.headers["x-anguan-delivery"] for r in receiver.received}) == 1
    assert all(
        verify(SECRET, r.headers["x-anguan-timestamp"], r.body, r.headers["x-anguan-signature"])
        for r in receiver.received
    )
    assert len({r.body for r in receiver.received}) == 1


async def _due(database: Database) -> bool:
    async with database.transaction(write=False) as session:
        return await service.webhooks_due(session)


async def test_an_unreachable_endpoint_goes_dead_after_its_attempts(
    napp: Any, box: SecretBox, frozen_clock: Clock
):
    database: Database = napp.state.database
    frozen_clock.freeze(T0)
    closed = Receiver().start()
    url = closed.url
    closed.stop()  # nothing listens there any more: connection refused
    await _hook(database, box, url, max_attempts=2)
    await _send(database, notice())
    assert await service.deliver_webhooks(database, box) == 0
    [row] = await _deliveries(database)
    assert row.status == "pending" and row.last_status is None and "ConnectError" in (row.last_error or "")
    frozen_clock.advance(timedelta(seconds=10))
    assert await service.deliver_webhooks(database, box) == 0
    [row] = await _deliveries(database)
    assert (row.status, row.attempts) == ("dead", 2)
    frozen_clock.advance(timedelta(days=1))
    assert not await _due(database)


async def test_filters_choose_the_endpoints(napp: Any, receiver: Receiver, box: SecretBox):
    database: Database = napp.state.database
    site = (await ids_by_code(database))["HB-01"]
    every = await _hook(database, box, receiver.url, name="all")
    urgent = await _hook(database, box, receiver.url, name="urgent", min_severity="urgent")
    escalations = await _hook(
        database, box, receiver.url, name="esc", categories=["monitoring.alarm_escalated"]
    )
    other_site = await _hook(database, box, receiver.url, name="other-site", site_id=site + 1000)
    this_site = await _hook(database, box, receiver.url, name="this-site", site_id=site)
    await _hook(database, box, receiver.url, name="off", enabled=False)

    await _send(database, notice("high", site_id=site))
    await _send(database, notice("urgent", "monitoring.alarm_escalated", site_id=site))
    await _send(database, notice("low", site_id=None))
    rows = await _deliveries(database)
    by_message: dict[int | None, set[int]] = {}
    for r in rows:
        by_message.setdefault(r.message_id, set()).add(r.webhook_id)
    high, esc, low = sorted(by_message)
    assert by_message[high] == {every, this_site}
    assert by_message[esc] == {every, urgent, escalations, this_site}
    assert by_message[low] == {every}
    assert other_site not in {w for s in by_message.values() for w in s}


async def test_disabled_endpoints_keep_their_queue(napp: Any, receiver: Receiver, box: SecretBox):
    database: Database = napp.state.database
    hook = await _hook(database, box, receiver.url)
    await _send(database, notice())
    async with database.transaction() as session:
        w = await session.get(Webhook, hook)
        assert w is not None
        w.enabled = False
    assert not await _due(database)
    assert await service.deliver_webhooks(database, box) == 0
    async with database.transaction() as session:
        w = await session.get(Webhook, hook)
        assert w is not None
        w.enabled = True
    assert await service.deliver_webhooks(database, box) == 1


async def test_test_delivery_from_the_api(napp: Any, callers: Callers, receiver: Receiver, box: SecretBox):
    admin = await callers("admin")
    r = await admin.post(f"{API}/webhooks", json={"name": "测试", "url": receiver.url, "secret": SECRET})
    hook = r.json()["id"]
    r = await admin.post(f"{API}/webhooks/{hook}/test")
    assert r.status_code == 202 and r.json()["status"] == "pending"
    assert await service.deliver_webhooks(napp.state.database, box) == 1
    got = receiver.received[0]
    assert got.headers["x-anguan-event"] == "notify.test"
    assert verify(SECRET, got.headers["x-anguan-timestamp"], got.body, got.headers["x-anguan-signature"])
    assert got.json()["title"]["zh-CN"] == "Webhook 测试消息"
    log = (await admin.get(f"{API}/webhooks/{hook}/deliveries")).json()
    assert log["items"][0]["status"] == "delivered"


async def test_a_changed_deployment_secret_fails_visibly(napp: Any, receiver: Receiver, box: SecretBox):
    database: Database = napp.state.database
    await _hook(database, SecretBox("another-deployment-secret"), receiver.url)
    await _send(database, notice())
    assert await service.deliver_webhooks(database, box) == 0
    [row] = await _deliveries(database)
    assert row.status == "pending" and "decrypt" in (row.last_error or "")
    assert receiver.received == []


def test_backoff_doubles_up_to_an_hour():
    assert [backoff_s(n) for n in range(1, 6)] == [10, 20, 40, 80, 160]
    assert backoff_s(30) == BACKOFF_CAP_S == 3600
