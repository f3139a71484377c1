"""Core fixtures: real uvicorn servers on free localhost ports, for WebSocket and multi-instance tests."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn

# The plant folder's per-user callers and SQLite-only app serve the core tests too.
from tests.plant.conftest import callers, ids, sqlite_app, sqlite_callers, sqlite_ids

__all__ = ["callers", "ids", "recv_json", "recv_until", "serve", "sqlite_app", "sqlite_callers", "sqlite_ids"]


class _Server(uvicorn.Server):
    """uvicorn without signal handlers (the test process keeps its own)."""

    def capture_signals(self) -> contextlib.AbstractContextManager[None]:  # type: ignore[override]
        return contextlib.nullcontext()


@asynccontextmanager
async def serve(app: Any) -> AsyncIterator[str]:
    """Run `app` (lifespan included) on a free localhost port in this event loop; yields host:port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = _Server(uvicorn.Config(app, lifespan="on", log_level="warning", ws="websockets-sansio"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(20):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.02)
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 20)
        sock.close()


async def recv_json(ws: Any, within: float = 10.0) -> dict[str, Any]:
    """Next JSON message of a websockets client, or TimeoutError."""
    raw = await asyncio.wait_for(ws.recv(), within)
    msg: dict[str, Any] = json.loads(raw)
    return msg


async def recv_until(ws: Any, op: str, within: float = 10.0) -> dict[str, Any]:
    """Skip messages until one with `op` arrives."""
    async with asyncio.timeout(within):
        while True:
            msg = await recv_json(ws, within)
            if msg.get("op") == op:
                return msg
