"""HTTP batch ingest (per-source token) through the in-process pipeline, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import orjson
from sqlalchemy import select

from anguan.core.db import Database
from anguan.monitoring.models import PointCurrent, Reject, Source
from anguan.simulator.seed import DEMO_GATEWAY_TOKEN
from tests.monitoring.test_pipeline import TAG, add_point
from tests.plant.support import running_app, settings_for


async def test_http_batch_ingest(db_url: str, tmp_path: Path) -> None:
    db = Database(db_url)
    try:
        async with db.transaction(write=False) as s:
            gw = (await s.scalars(select(Source.id).where(Source.code == "gw-http"))).one()
        pid = await add_point(db, source_id=gw)
    finally:
        await db.dispose()
    settings = settings_for(tmp_path, db_url, ingest={"in_process": True, "batch_max_wait_ms": 1})
    async with running_app(settings) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            url = "/api/v1/monitoring/ingest"
            good = orjson.dumps({"samples": [{"tag": TAG, "v": 42.0, "ts": time.time() - 5}]})
            headers = {"X-Source-Token": DEMO_GATEWAY_TOKEN, "Content-Type": "application/json"}
            # On SQLite this used to deadlock: the request held the write lock while waiting.
            r = await c.post(url, content=good, headers=headers)
            assert r.status_code == 200, r.text
            assert r.json()["accepted"] == 1
            r = await c.post(url, content=good, headers={**headers, "X-Source-Token": "wrong"})
            assert (r.status_code, r.json()["code"]) == (401, "monitoring.source_unauthorized")
            r = await c.post(url, content=good)
            assert r.status_code == 401
            r = await c.post(url, content=b"{broken", headers=headers)
            assert (r.status_code, r.json()["code"]) == (422, "monitoring.payload_rejected")
            r = await c.post(url, content=b"x" * (settings.ingest.max_payload_bytes + 1), headers=headers)
            assert (r.status_code, r.json()["code"]) == (413, "monitoring.payload_too_large")
        db = app.state.database
        async with db.transaction(write=False) as s:
            cur = await s.get(PointCurrent, pid)
            rejects = {(x.source, x.reason): x.count for x in (await s.scalars(select(Reject))).all()}
        assert cur is not None and cur.value == 42.0
        assert rejects == {("gw-http", "malformed"): 1}
