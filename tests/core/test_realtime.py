"""Realtime hub over real uvicorn servers: auth, topic permissions, pushes, revocation, Redis fan-out."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from anguan.app import create_app
from anguan.core.realtime import MAX_CLIENT_MESSAGE
from anguan.identity import permissions as P
from anguan.identity.models import User
from tests.conftest import DEMO_PASSWORD, REDIS_URL, require_service
from tests.core.conftest import recv_json, recv_until, serve
from tests.plant.support import DEMO_USERNAMES, holders, ids_by_code, issue_tokens, settings_for

WS = "/api/v1/ws"


def _app(tmp_path: Path, url: str, files_root: Path, **extra: Any) -> Any:
    return create_app(settings_for(tmp_path, url, files_root, **extra))


async def _socket(host: str, token: str | None = None, cookie: str | None = None) -> Any:
    query = f"?token={token}" if token else ""
    headers = {"Cookie": f"anguan_session={cookie}"} if cookie else None
    ws = await connect(f"ws://{host}{WS}{query}", additional_headers=headers, open_timeout=10)
    return ws


async def _subscribed(host: str, token: str, topics: list[str]) -> Any:
    ws = await _socket(host, token)
    assert (await recv_json(ws))["op"] == "hello"
    await ws.send(json.dumps({"op": "subscribe", "topics": topics}))
    reply = await recv_until(ws, "subscribed")
    assert reply["topics"] == topics, reply
    return ws


async def _nothing_pending(ws: Any) -> None:
    """Messages to one socket keep their order, so a pong right away proves nothing was queued before it."""
    await ws.send(json.dumps({"op": "ping"}))
    assert await recv_json(ws) == {"op": "pong"}


async def _closed_with(ws: Any) -> int | None:
    with pytest.raises(ConnectionClosed) as info:
        for _ in range(5):
            await recv_json(ws)
    return info.value.rcvd.code if info.value.rcvd else None


@pytest.fixture
def server_app(sqlite_url: str, tmp_path: Path, files_root: Path) -> Any:
    return _app(tmp_path, sqlite_url, files_root)


@pytest.mark.parametrize("token", [None, "not-a-real-token", "x" * 300])
async def test_socket_without_a_live_session_is_closed_with_4401(server_app: Any, token: str | None):
    async with serve(server_app) as host:
        ws = await _socket(host, token)
        assert await _closed_with(ws) == 4401
        assert server_app.state.hub.subscriber_count == 0


async def test_subscribe_ping_and_bad_messages(server_app: Any):
    tokens = await issue_tokens(server_app.state.database, ["contractor"])
    async with serve(server_app) as host:
        ws = await _socket(host, tokens["contractor"])
        hello = await recv_json(ws)
        assert hello == {"op": "hello", "instance": server_app.state.hub.instance_id}
        await ws.send(
            json.dumps({"op": "subscribe", "topics": ["plant", "plant.areas", "identity", "nope", 7]})
        )
        assert await recv_json(ws) == {
            "op": "subscribed",
            "topics": ["plant", "plant.areas"],
            "denied": ["identity", "nope", 7],
        }
        await _nothing_pending(ws)
        for raw, code in [
            ("not json", "realtime.bad_message"),
            (json.dumps({"topics": ["plant"]}), "realtime.bad_message"),
            (json.dumps({"op": "subscribe", "topics": "plant"}), "realtime.bad_message"),
            (json.dumps({"op": "dance", "topics": []}), "realtime.bad_message"),
            ("[1, 2]", "realtime.bad_message"),
            (json.dumps({"op": "ping", "pad": "x" * MAX_CLIENT_MESSAGE}), "realtime.message_too_large"),
        ]:
            await ws.send(raw)
            assert await recv_json(ws) == {"op": "error", "code": code}, raw
        await ws.send(json.dumps({"op": "unsubscribe", "topics": ["plant.areas"]}))
        assert await recv_json(ws) == {"op": "unsubscribed", "topics": ["plant"]}
        await ws.close()


async def test_every_plant_read_holder_may_subscribe_to_plant(server_app: Any):
    users = holders(P.PLANT_READ)
    assert users == DEMO_USERNAMES  # literal fact: every demo role reads the plant
    tokens = await issue_tokens(server_app.state.database, users)
    async with serve(server_app) as host:
        for username in users:
            ws = await _socket(host, tokens[username])
            await recv_json(ws)
            await ws.send(json.dumps({"op": "subscribe", "topics": ["plant", "audit"]}))
            assert await recv_json(ws) == {"op": "subscribed", "topics": ["plant"], "denied": ["audit"]}, (
                username
            )
            await ws.close()


async def test_user_without_plant_read_cannot_subscribe_to_plant(server_app: Any):
    database = server_app.state.database
    async with database.transaction() as session:
        session.add(User(username="norole", display_name="无角色", password_hash="x", password_history=[]))
    tokens = await issue_tokens(database, ["norole"])
    async with serve(server_app) as host:
        ws = await _socket(host, tokens["norole"])
        await recv_json(ws)
        await ws.send(json.dumps({"op": "subscribe", "topics": ["plant"]}))
        assert await recv_json(ws) == {"op": "subscribed", "topics": [], "denied": ["plant"]}
        await ws.close()


async def test_area_edit_through_the_api_is_pushed_to_subscribers(server_app: Any):
    database = server_app.state.database
    ids = await ids_by_code(database)
    tokens = await issue_tokens(database, ["contractor", "leader", "admin", "operator"])
    async with serve(server_app) as host:
        watcher = await _subscribed(host, tokens["contractor"], ["plant"])
        overseer = await _subscribed(host, tokens["admin"], ["plant"])
        bystander = await _socket(host, tokens["leader"])  # connected, not subscribed
        await recv_json(bystander)
        async with httpx.AsyncClient(base_url=f"http://{host}") as http:
            # A refused edit (operator lacks plant.write) pushes nothing.
            r = await http.patch(
                f"/api/v1/plant/areas/{ids['TF-01']}",
                json={"name": "x"},
                headers={"Authorization": f"Bearer {tokens['operator']}"},
            )
            assert r.status_code == 403
            await _nothing_pending(watcher)

            r = await http.patch(
                f"/api/v1/plant/areas/{ids['TF-01']}",
                json={"name": "甲类罐区"},
                headers={"Authorization": f"Bearer {tokens['admin']}"},
            )
            assert r.status_code == 200, r.text
            msg = await recv_json(watcher)
            assert msg["op"] == "event" and msg["topic"] == "plant"
            assert msg["name"] == "plant.area_changed"
            assert msg["data"] == {"area_id": ids["TF-01"], "site_id": ids["HB-01"], "change": "updated"}
            assert msg["ts"]
            await _nothing_pending(watcher)  # exactly one push
            await _nothing_pending(bystander)

            r = await http.delete(
                f"/api/v1/plant/areas/{ids['GT-02']}", headers={"Authorization": f"Bearer {tokens['admin']}"}
            )
            assert r.status_code == 204
            # The unrestricted admin hears about both areas; the contractor (scope: TF-01) only about
            # its own: a gate outside its data scope stays invisible in realtime too.
            assert (await recv_json(overseer))["data"]["area_id"] == ids["TF-01"]
            msg = await recv_json(overseer)
            assert msg["data"] == {"area_id": ids["GT-02"], "site_id": ids["HB-01"], "change": "deleted"}
            await _nothing_pending(watcher)
        await watcher.close()
        await overseer.close()
        await bystander.close()


async def _login(http: httpx.AsyncClient, username: str) -> str:
    r = await http.post("/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    http.headers["X-CSRF-Token"] = http.cookies["anguan_csrf"]
    return http.cookies["anguan_session"]


async def test_logout_closes_the_sessions_socket_only(server_app: Any):
    tokens = await issue_tokens(server_app.state.database, ["contractor"])
    async with serve(server_app) as host, httpx.AsyncClient(base_url=f"http://{host}") as http:
        cookie = await _login(http, "leader")
        ws = await _socket(host, cookie=cookie)
        await recv_json(ws)
        await ws.send(json.dumps({"op": "subscribe", "topics": ["plant"]}))
        await recv_until(ws, "subscribed")
        other = await _subscribed(host, tokens["contractor"], ["plant"])

        r = await http.post("/api/v1/auth/logout")
        assert r.status_code == 204, r.text
        assert await recv_json(ws) == {"op": "revoked"}
        assert await _closed_with(ws) == 4401
        await _nothing_pending(other)
        # The revoked cookie no longer opens a socket.
        again = await _socket(host, cookie=cookie)
        assert await _closed_with(again) == 4401
        await other.close()


@pytest.mark.redis
async def test_redis_fans_events_and_revocations_out_between_two_instances(
    sqlite_url: str, tmp_path: Path, files_root: Path
):
    """A write on instance A reaches a socket on instance B through Redis; so does a logout."""
    require_service("redis", "127.0.0.1", 6379)
    channel = f"anguan:test:{uuid.uuid4().hex}"  # other test runs share this Redis
    extra = {"redis_url": REDIS_URL, "redis": {"channel": channel}}
    app_a = _app(tmp_path / "a", sqlite_url, files_root, **extra)
    app_b = _app(tmp_path / "b", sqlite_url, files_root, **extra)
    ids = await ids_by_code(app_a.state.database)
    tokens = await issue_tokens(app_a.state.database, ["contractor", "admin"])
    async with serve(app_a) as host_a, serve(app_b) as host_b:
        async with httpx.AsyncClient(base_url=f"http://{host_b}") as http_b:
            health = (await http_b.get("/api/health")).json()
            assert health["realtime"] == "redis"
        ws_b = await _socket(host_b, tokens["contractor"])
        hello = await recv_json(ws_b)
        assert hello["instance"] == app_b.state.hub.instance_id != app_a.state.hub.instance_id
        await ws_b.send(json.dumps({"op": "subscribe", "topics": ["plant"]}))
        await recv_until(ws_b, "subscribed")
        assert app_a.state.hub.subscriber_count == 0

        async with httpx.AsyncClient(base_url=f"http://{host_a}") as http_a:
            auth = {"Authorization": f"Bearer {tokens['admin']}"}
            for code in ("DK-01", "DK-02"):
                r = await http_a.patch(
                    f"/api/v1/plant/areas/{ids[code]}", json={"name": f"{code} 复核"}, headers=auth
                )
                assert r.status_code == 200, r.text
            # Two different writes in order: a duplicate of the first would show up as the second message.
            for code in ("DK-01", "DK-02"):
                msg = await recv_json(ws_b)
                assert msg["name"] == "plant.area_changed"
                assert msg["data"] == {"area_id": ids[code], "site_id": ids["HB-01"], "change": "updated"}
            await _nothing_pending(ws_b)  # each write arrived once, not once per instance

            # Logging out on A closes the session's socket on B.
            cookie = await _login(http_a, "leader")
            ws_leader = await _socket(host_b, cookie=cookie)
            await recv_json(ws_leader)
            assert (await http_a.post("/api/v1/auth/logout")).status_code == 204
            assert await recv_json(ws_leader) == {"op": "revoked"}
            assert await _closed_with(ws_leader) == 4401
            await _nothing_pending(ws_b)
        await ws_b.close()


async def test_cookie_socket_from_a_foreign_origin_is_refused(server_app: Any):
    """Cross-site WebSocket hijacking: the session cookie alone must not open a socket for another site."""
    async with serve(server_app) as host, httpx.AsyncClient(base_url=f"http://{host}") as http:
        cookie = await _login(http, "admin")
        evil = await connect(
            f"ws://{host}{WS}",
            additional_headers={"Cookie": f"anguan_session={cookie}", "Origin": "http://evil.example"},
            open_timeout=10,
        )
        assert await _closed_with(evil) == 4401
        good = await connect(
            f"ws://{host}{WS}",
            additional_headers={"Cookie": f"anguan_session={cookie}", "Origin": f"http://{host}"},
            open_timeout=10,
        )
        assert (await recv_json(good))["op"] == "hello"
        await good.close()
