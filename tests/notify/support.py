"""Helpers shared by the notify and alarm-routing tests (imported, not collected)."""

from __future__ import annotations

import json
import queue
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sqlalchemy import func, select

from anguan.core.db import Database
from anguan.identity.models import User


async def user_ids(database: Database) -> dict[str, int]:
    """Demo user ids by username."""
    async with database.transaction(write=False) as session:
        return {u.username: u.id for u in (await session.scalars(select(User))).all()}


async def count(database: Database, model: Any, *where: Any) -> int:
    """Rows of a model matching conditions."""
    async with database.transaction(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


@dataclass
class Received:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A real HTTP webhook receiver on 127.0.0.1 (random port), in a thread.

    It answers with the statuses queued in `answers` (200 once they run out) and records every request.
    """

    received: list[Received] = field(default_factory=list)
    answers: queue.Queue[int] = field(default_factory=queue.Queue)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/hook?team=ops"

    def start(self) -> Receiver:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                outer.received.append(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                try:
                    status = outer.answers.get_nowait()
                except queue.Empty:
                    status = 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"receiver error")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
