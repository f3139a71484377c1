"""Realtime hub: authenticated WebSocket topic subscriptions, fan-out in-process or via Redis.

Embedded mode delivers in-process. With a Redis URL every replica publishes to one Redis
channel and delivers what it receives to its own sockets, so a change made through one
replica reaches browsers connected to any other.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from anguan.core.time import utcnow

log = logging.getLogger("anguan.realtime")

MAX_TOPICS = 50
MAX_CLIENT_MESSAGE = 4096


@dataclass(eq=False)
class Subscriber:
    """One connected browser or client."""

    websocket: WebSocket
    user_id: int
    session_key: str
    permissions: frozenset[str]
    # Data scope snapshot taken at connect time (None: unrestricted).
    site_ids: frozenset[int] | None = None
    area_ids: frozenset[int] | None = None
    topics: set[str] = field(default_factory=set)
    queue: asyncio.Queue[str] = field(default_factory=lambda: asyncio.Queue(maxsize=1000))


@dataclass(frozen=True)
class WsIdentity:
    """What the authenticator tells the hub about a connecting client."""

    user_id: int
    session_key: str
    permissions: frozenset[str]
    site_ids: frozenset[int] | None = None
    area_ids: frozenset[int] | None = None


def in_scope(
    scope: dict[str, Any] | None,
    site_ids: frozenset[int] | None,
    area_ids: frozenset[int] | None,
    user_id: int | None = None,
) -> bool:
    """Whether an event about a site/area may reach a subscriber with this data scope; an event
    addressed to one user (`{"user_id": id}`, e.g. a notification) reaches that user only."""
    if scope and "user_id" in scope:
        return user_id is not None and scope["user_id"] == user_id
    if not scope or (site_ids is None and area_ids is None):
        return True
    area_id = scope.get("area_id")
    if area_id is not None:
        return area_ids is not None and area_id in area_ids
    site_id = scope.get("site_id")
    return site_id is None or (site_ids is not None and site_id in site_ids)


Authenticator = Callable[[WebSocket], Awaitable[WsIdentity | None]]


class RealtimeHub:
    """Topic fan-out to WebSocket subscribers; Redis pub/sub between replicas when configured."""

    def __init__(self, redis_url: str = "", channel: str = "anguan:realtime") -> None:
        self.instance_id = uuid.uuid4().hex
        self.redis_url = redis_url
        self.channel = channel
        self._subs: set[Subscriber] = set()
        # topic root → permission code required to subscribe ("" = any signed-in user)
        self._topic_permissions: dict[str, str] = {}
        self._redis: Any = None
        self._listener: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()

    def register_topic(self, root: str, permission: str) -> None:
        """Declare a topic root and the permission needed to subscribe to it."""
        self._topic_permissions[root] = permission

    def can_subscribe(self, topic: str, permissions: frozenset[str]) -> bool:
        """A topic `root` or `root.sub...` is allowed when its root's permission is held."""
        root = topic.split(".", 1)[0]
        needed = self._topic_permissions.get(root)
        if needed is None:
            return False
        return needed == "" or needed in permissions

    @property
    def subscriber_count(self) -> int:
        """Number of connected sockets on this replica."""
        return len(self._subs)

    async def start(self) -> None:
        """Connect to Redis and start listening, if configured."""
        if not self.redis_url:
            self.ready.set()
            return
        import redis.asyncio as aioredis

        self._redis = aioredis.from_url(self.redis_url)
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(self.channel)
        self._listener = asyncio.create_task(self._listen(pubsub))
        self.ready.set()

    async def stop(self) -> None:
        """Stop listening and close sockets."""
        if self._listener:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._listener
        if self._redis is not None:
            await self._redis.aclose()
        for sub in list(self._subs):
            with contextlib.suppress(Exception):
                await sub.websocket.close(code=1001)

    async def _listen(self, pubsub: Any) -> None:
        while True:
            try:
                msg = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            except asyncio.CancelledError:
                await pubsub.aclose()
                raise
            except Exception:
                log.exception("redis pub/sub read failed; retrying")
                await asyncio.sleep(1)
                continue
            if msg is None:
                continue
            try:
                envelope = json.loads(msg["data"])
            except (ValueError, TypeError):
                continue
            self._deliver_local(envelope)

    async def publish(self, topic: str, name: str, data: Any, scope: dict[str, Any] | None = None) -> None:
        """Send an event to every subscriber of `topic`, on every replica, whose data scope covers `scope`."""
        envelope = {"op": "event", "topic": topic, "name": name, "data": data, "ts": utcnow().isoformat()}
        if scope:
            envelope["scope"] = scope
        await self._fan_out(envelope)

    async def revoke_session(self, session_key: str) -> None:
        """Close the sockets opened with a session that was logged out or revoked."""
        await self._fan_out({"op": "revoke", "session_key": session_key})

    async def _fan_out(self, envelope: dict[str, Any]) -> None:
        if self._redis is not None:
            await self._redis.publish(self.channel, json.dumps(envelope, default=str))
        else:
            self._deliver_local(envelope)

    def _deliver_local(self, envelope: dict[str, Any]) -> None:
        if envelope.get("op") == "revoke":
            for sub in list(self._subs):
                if sub.session_key == envelope.get("session_key"):
                    sub.queue.put_nowait(json.dumps({"op": "revoked"}))
            return
        topic = str(envelope.get("topic", ""))
        scope = envelope.pop("scope", None)
        text = json.dumps(envelope, default=str, ensure_ascii=False)
        for sub in list(self._subs):
            if not in_scope(scope, sub.site_ids, sub.area_ids, sub.user_id):
                continue
            if any(topic == t or topic.startswith(t + ".") for t in sub.topics):
                try:
                    sub.queue.put_nowait(text)
                except asyncio.QueueFull:
                    log.warning("dropping realtime message for slow client user=%s", sub.user_id)

    async def serve(self, websocket: WebSocket, authenticate: Authenticator) -> None:
        """Run one WebSocket connection: authenticate, then handle subscribe/unsubscribe/ping."""
        identity = await authenticate(websocket)
        if identity is None:
            # Accept first: a close before the handshake reaches a browser as HTTP 403 / code 1006,
            # and only a real close frame carries 4401 ("sign in again, stop reconnecting").
            await websocket.accept()
            await websocket.close(code=4401)
            return
        await websocket.accept()
        sub = Subscriber(
            websocket,
            identity.user_id,
            identity.session_key,
            identity.permissions,
            site_ids=identity.site_ids,
            area_ids=identity.area_ids,
        )
        self._subs.add(sub)
        sender = asyncio.create_task(self._sender(sub))
        try:
            await websocket.send_text(json.dumps({"op": "hello", "instance": self.instance_id}))
            while True:
                raw = await websocket.receive_text()
                reply = self._handle_client(sub, raw)
                if reply is not None:
                    sub.queue.put_nowait(json.dumps(reply))
        except WebSocketDisconnect:
            pass
        finally:
            self._subs.discard(sub)
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await sender

    def _handle_client(self, sub: Subscriber, raw: str) -> dict[str, Any] | None:
        if len(raw) > MAX_CLIENT_MESSAGE:
            return {"op": "error", "code": "realtime.message_too_large"}
        try:
            msg = json.loads(raw)
            op = msg["op"]
        except (ValueError, KeyError, TypeError):
            return {"op": "error", "code": "realtime.bad_message"}
        if op == "ping":
            return {"op": "pong"}
        topics = msg.get("topics")
        if op not in ("subscribe", "unsubscribe") or not isinstance(topics, list):
            return {"op": "error", "code": "realtime.bad_message"}
        if op == "unsubscribe":
            sub.topics.difference_update(t for t in topics if isinstance(t, str))
            return {"op": "unsubscribed", "topics": sorted(sub.topics)}
        granted, denied = [], []
        for t in topics:
            if isinstance(t, str) and len(sub.topics) < MAX_TOPICS and self.can_subscribe(t, sub.permissions):
                sub.topics.add(t)
                granted.append(t)
            else:
                denied.append(t)
        return {"op": "subscribed", "topics": granted, "denied": denied}

    async def _sender(self, sub: Subscriber) -> None:
        while True:
            text = await sub.queue.get()
            if sub.websocket.application_state != WebSocketState.CONNECTED:
                return
            try:
                await sub.websocket.send_text(text)
            except Exception:
                return
            if text == '{"op": "revoked"}':
                with contextlib.suppress(Exception):
                    await sub.websocket.close(code=4401)
                return
