"""MariaDB smoke run: a fresh database, migrated and seeded, serving the main flows end to end."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from anguan import migrate
from anguan.core.db import Database
from anguan.core.files import LocalFileStore
from anguan.simulator.seed import seed_demo
from tests.conftest import DEMO_PASSWORD, MARIADB_URL, require_service
from tests.plant.support import running_app, settings_for

pytestmark = pytest.mark.mariadb


async def _exec(sql: str) -> None:
    import aiomysql

    conn = await aiomysql.connect(host="127.0.0.1", port=3306, user="root", password="", autocommit=True)
    try:
        async with conn.cursor() as cur:
            await cur.execute(sql)
    finally:
        conn.close()


async def _seed(url: str, files: Path) -> dict[str, int]:
    database = Database(url)
    try:
        async with database.transaction() as session:
            return await seed_demo(session, LocalFileStore(files))
    finally:
        await database.dispose()


@pytest.fixture(scope="module")
def mariadb_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A fresh MariaDB database, migrated and seeded with the demo plant."""
    require_service("mariadb", "127.0.0.1", 3306)
    name = f"anguan_smoke_{uuid.uuid4().hex[:12]}"
    files = tmp_path_factory.mktemp("mariadb-files")
    asyncio.run(_exec(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    url = f"{MARIADB_URL.replace('mysql://', 'mysql+aiomysql://')}/{name}"
    try:
        migrate.upgrade(url)
        assert asyncio.run(_seed(url, files))["users"] == 8
        yield url, files
    finally:
        asyncio.run(_exec(f"DROP DATABASE IF EXISTS `{name}`"))


class Client:
    """A cookie-session client like the SPA: logs in, sends the CSRF header."""

    def __init__(self, app: Any) -> None:
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")

    async def login(self, username: str, password: str = DEMO_PASSWORD) -> dict[str, Any]:
        r = await self.http.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        self.http.headers["X-CSRF-Token"] = self.http.cookies["anguan_csrf"]
        body: dict[str, Any] = r.json()
        return body


@pytest.fixture
async def mariadb_app(mariadb_url: tuple[str, Path], tmp_path: Path) -> AsyncIterator[Any]:
    url, files = mariadb_url
    assert url.startswith("mysql+aiomysql://root@127.0.0.1:3306/")
    async with running_app(settings_for(tmp_path, url, files)) as app:
        yield app


async def test_smoke_on_mariadb(mariadb_app: Any):
    app = mariadb_app
    health = (await Client(app).http.get("/api/health")).json()
    assert health == {
        "status": "ok",
        "version": health["version"],
        "database": "mysql",
        "realtime": "in-process",
    }

    admin = Client(app)
    me = await admin.login("admin")
    assert me["roles"] == ["sysadmin"]
    r = await admin.http.get("/api/v1/users?page_size=50&sort=username")
    assert r.status_code == 200, r.text
    listed = r.json()
    assert listed["total"] == 8
    assert [u["username"] for u in listed["items"]] == sorted(
        ["admin", "secadmin", "auditor", "safety", "leader", "operator", "inspector", "contractor"]
    )
    r = await admin.http.post(
        "/api/v1/users",
        json={
            "username": "mdb.user",
            "display_name": "马丽亚 工程师",
            "password": "Maria@2026x!",
            "phone": "13800001234",
        },
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["username"] == "mdb.user" and created["phone"] == "13800001234"
    r = await admin.http.get("/api/v1/users?q=mdb")
    assert [u["username"] for u in r.json()["items"]] == ["mdb.user"]
    r = await admin.http.post(
        "/api/v1/users", json={"username": "mdb.user", "display_name": "重复", "password": "Maria@2026x!"}
    )
    assert r.status_code == 409

    # Plant writes with Chinese text end up in the audit chain; a duplicate code is a clean 409.
    sites = (await admin.http.get("/api/v1/plant/sites")).json()
    site_id = sites[0]["id"]
    areas = {a["code"]: a for a in (await admin.http.get("/api/v1/plant/areas")).json()}
    r = await admin.http.patch(
        f"/api/v1/plant/areas/{areas['TF-01']['id']}", json={"name": "甲类罐区（已复核）"}
    )
    assert r.status_code == 200, r.text
    r = await admin.http.post("/api/v1/plant/departments", json={"code": "SHE", "name": "重复"})
    assert r.status_code == 409 and r.json()["code"] == "plant.code_taken"

    contractor = Client(app)
    await contractor.login("contractor")
    r = await contractor.http.get(f"/api/v1/plant/sites/{site_id}/map")
    assert r.status_code == 200, r.text
    assert {f["properties"]["code"] for f in r.json()["areas"]["features"]} == {"TF-01", "DK-01", "DK-02"}
    r = await contractor.http.get(f"/api/v1/plant/areas/{areas['PU-01']['id']}")
    assert r.status_code == 403 and r.json()["code"] == "identity.out_of_scope"

    auditor = Client(app)
    await auditor.login("auditor")
    r = await auditor.http.get("/api/v1/audit?page_size=100")
    assert r.status_code == 200, r.text
    actions = [e["action"] for e in r.json()["items"]]
    assert {"identity.login", "identity.user_created", "plant.area_updated"} <= set(actions)
    assert actions.index("identity.user_created") > actions.index("plant.area_updated")  # newest first
    r = await auditor.http.get("/api/v1/audit/verify")
    assert r.status_code == 200
    chain = r.json()
    assert chain["ok"] is True and chain["first_bad_seq"] is None
    assert chain["checked"] >= len(actions)
    for c in (admin, contractor, auditor):
        await c.http.aclose()
