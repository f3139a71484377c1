"""The in-app inbox: `send` inside the caller's transaction, each user sees and marks only their own."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from anguan.core.db import Database
from anguan.core.events import DomainEvent, EventBus
from anguan.core.realtime import RealtimeHub, Subscriber
from anguan.identity import permissions as P
from anguan.notify import api as notify_api
from anguan.notify import service
from anguan.notify.events import NotificationCreated
from anguan.notify.models import InboxItem, Message
from anguan.notify.schemas import NotificationIn
from tests.notify.support import count, user_ids
from tests.plant.support import Callers

API = "/api/v1/notify"


def notice(**extra: Any) -> NotificationIn:
    fields: dict[str, Any] = {
        "category": "test.notice",
        "severity": "high",
        "title_zh": "储罐液位高",
        "title_en": "Tank level high",
        "body_zh": "请检查 T-101",
        "body_en": "Check T-101",
        "link": "/monitoring/alarms/1",
    }
    return NotificationIn(**(fields | extra))


async def _send(
    database: Database, recipients: list[int], message: NotificationIn, bus: EventBus | None = None
):
    async with database.transaction() as session:
        return await service.send(session, recipients, message, channels=("inapp",), bus=bus)


def test_the_permission_code_is_identitys():
    assert notify_api.NOTIFY_CONFIGURE == P.NOTIFY_CONFIGURE


async def test_each_user_sees_and_marks_only_their_own(napp: Any, callers: Callers):
    database: Database = napp.state.database
    ids = await user_ids(database)
    first = await _send(database, [ids["operator"], ids["leader"]], notice())
    assert (first.inbox, first.deliveries, first.duplicate) == (2, 0, False)
    await _send(database, [ids["leader"]], notice(title_zh="仅班长", title_en="Leader only"))

    operator, leader, safety = await callers("operator"), await callers("leader"), await callers("safety")
    r = await operator.get(f"{API}/inbox")
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] == 1 and [i["title"] for i in page["items"]] == ["储罐液位高"]
    op_item = page["items"][0]
    assert op_item["link"] == "/monitoring/alarms/1" and op_item["read_at"] is None

    r = await leader.get(f"{API}/inbox", headers={"Accept-Language": "en-US"})
    assert [i["title"] for i in r.json()["items"]] == ["Leader only", "Tank level high"]  # newest first
    assert (await safety.get(f"{API}/inbox")).json()["total"] == 0

    # Someone else's item is indistinguishable from a missing one.
    assert (await leader.post(f"{API}/inbox/{op_item['id']}/read")).status_code == 404
    assert (await operator.get(f"{API}/inbox/unread-count")).json() == {"count": 1}

    r = await operator.post(f"{API}/inbox/{op_item['id']}/read")
    assert r.status_code == 200 and r.json()["read_at"] is not None
    again = await operator.post(f"{API}/inbox/{op_item['id']}/read")
    assert again.json()["read_at"] == r.json()["read_at"]  # idempotent: the first read time stays
    assert (await operator.get(f"{API}/inbox/unread-count")).json() == {"count": 0}
    assert (await leader.get(f"{API}/inbox/unread-count")).json() == {"count": 2}

    assert (await leader.post(f"{API}/inbox/read-all")).json() == {"updated": 2}
    assert (await leader.post(f"{API}/inbox/read-all")).json() == {"updated": 0}
    assert (await leader.get(f"{API}/inbox", params={"unread": "true"})).json()["total"] == 0
    assert (await leader.get(f"{API}/inbox", params={"unread": "false"})).json()["total"] == 2


async def test_inbox_pages_sorts_and_refuses_bad_input(napp: Any, callers: Callers):
    database: Database = napp.state.database
    ids = await user_ids(database)
    for n in range(5):
        await _send(database, [ids["operator"]], notice(title_zh=f"通知 {n}"))
    operator = await callers("operator")
    r = await operator.get(f"{API}/inbox", params={"page": 2, "page_size": 2})
    body = r.json()
    assert body["total"] == 5 and [i["title"] for i in body["items"]] == ["通知 2", "通知 1"]
    r = await operator.get(f"{API}/inbox", params={"sort": "created_at", "page_size": 1})
    assert r.json()["items"][0]["title"] == "通知 0"
    assert (await operator.get(f"{API}/inbox", params={"sort": "user_id"})).status_code == 400
    assert (await operator.get(f"{API}/inbox", params={"page_size": 500})).status_code == 422
    assert (await operator.post(f"{API}/inbox/0/read")).status_code == 422
    assert (await operator.post(f"{API}/inbox/{2**63}/read")).status_code == 422


@pytest.mark.parametrize("path", ["/inbox", "/inbox/unread-count"])
async def test_anonymous_is_refused(napp: Any, callers: Callers, path: str):
    anonymous = await callers(None)
    assert (await anonymous.get(API + path)).status_code == 401
    assert (await anonymous.post(f"{API}/inbox/read-all")).status_code == 401


async def test_message_keys_render_in_the_readers_language(napp: Any, callers: Callers):
    database: Database = napp.state.database
    ids = await user_ids(database)
    keyed = NotificationIn(category="test.keyed", key="notify.test", params={"name": "值班群"})
    await _send(database, [ids["operator"]], keyed)
    operator = await callers("operator")
    zh = (await operator.get(f"{API}/inbox")).json()["items"][0]
    en = (await operator.get(f"{API}/inbox", headers={"Accept-Language": "en"})).json()["items"][0]
    assert (zh["title"], zh["body"]) == ("Webhook 测试消息", "这是来自安管平台的测试消息（值班群）。")
    assert (en["title"], en["body"]) == (
        "Webhook test message",
        "This is a test message from Anguan (值班群).",
    )


async def test_a_dedupe_key_sends_once(napp: Any):
    database: Database = napp.state.database
    ids = await user_ids(database)
    m = notice(dedupe_key="alarm:1:1:0")
    first = await _send(database, [ids["operator"]], m)
    second = await _send(database, [ids["operator"], ids["leader"]], m)
    assert second.duplicate and second.message_id == first.message_id and second.inbox == 0
    assert await count(database, InboxItem) == 1
    assert await count(database, Message) == 1


async def test_nothing_to_send_writes_nothing(napp: Any):
    database: Database = napp.state.database
    result = await _send(database, [], notice())
    assert result.message_id is None and await count(database, Message) == 0


def test_notifications_refuse_bad_input():
    with pytest.raises(ValidationError):
        notice(link="javascript:alert(1)")
    with pytest.raises(ValidationError):
        notice(link="https://elsewhere.example/x")
    with pytest.raises(ValidationError):
        NotificationIn(category="test.notice")  # neither a key nor a title
    with pytest.raises(ValidationError):
        notice(severity="critical")
    with pytest.raises(ValidationError):
        notice(category="Bad Category")


async def test_unknown_channel_is_a_programming_error(napp: Any):
    async with napp.state.database.transaction() as session:
        with pytest.raises(ValueError):
            await service.send(session, [1], notice(), channels=("sms",))


async def test_each_recipient_gets_a_push_after_commit_addressed_to_them(napp: Any):
    database: Database = napp.state.database
    ids = await user_ids(database)
    bus, seen = EventBus(), []

    async def sink(event: DomainEvent) -> None:
        seen.append(event)

    bus.add_sink(sink)
    async with database.transaction() as session:
        await service.send(session, [ids["operator"], ids["leader"]], notice(), bus=bus)
        assert seen == []  # nothing before the commit
    assert sorted(e.user_id for e in seen) == sorted([ids["operator"], ids["leader"]])  # type: ignore[attr-defined]
    event = seen[0]
    assert isinstance(event, NotificationCreated) and event.topic == "notify.inbox"
    assert event.title == {"zh-CN": "储罐液位高", "en-US": "Tank level high"}
    assert event.realtime_scope() == {"user_id": event.user_id}


class _Socket:
    pass


async def test_the_hub_delivers_a_personal_event_to_its_addressee_only():
    hub = RealtimeHub()
    hub.register_topic("notify", "")
    alice = Subscriber(_Socket(), 1, "a", frozenset(), topics={"notify"})  # type: ignore[arg-type]
    bob = Subscriber(_Socket(), 2, "b", frozenset({P.NOTIFY_CONFIGURE}), topics={"notify.inbox"})  # type: ignore[arg-type]
    hub._subs |= {alice, bob}
    event = NotificationCreated(
        id=7,
        user_id=1,
        category="x",
        severity="low",
        title={"zh-CN": "t", "en-US": "t"},
        link=None,
        created_at="2026-11-29T00:00:00Z",  # type: ignore[arg-type]
    )
    await hub.publish(event.topic or "", event.name, event.model_dump(mode="json"), event.realtime_scope())
    assert json.loads(alice.queue.get_nowait())["data"]["id"] == 7
    assert bob.queue.empty()
