"""Shared fixtures: per-test databases on SQLite and PostgreSQL, the app, clients per role.

A template database is migrated and seeded with the demo plant once per session; each test
gets a copy (a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL), so tests are
isolated and the argon2 hashing of the demo users is paid once.

Under CI=true the PostgreSQL, MariaDB, Redis and browser parts are required: a missing
service fails the run. Elsewhere those tests are skipped and one loud line says so.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from anguan.core.config import Settings
from anguan.core.time import clock

CI = os.environ.get("CI", "").lower() == "true"
PG_ADMIN_URL = os.environ.get("ANGUAN_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
MARIADB_URL = os.environ.get("ANGUAN_TEST_MARIADB", "mysql://root@127.0.0.1:3306")
REDIS_URL = os.environ.get("ANGUAN_TEST_REDIS", "redis://127.0.0.1:6379/0")
DEMO_PASSWORD = "Anguan@2026"
SKIPPED: dict[str, str] = {}


def port_open(host: str, port: int) -> bool:
    """True when something listens on host:port."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Fail under CI, skip loudly elsewhere, when a real service is not reachable."""
    if port_open(host, port):
        return
    msg = f"{name} not reachable on {host}:{port}"
    if CI:
        pytest.fail(f"{msg}: required under CI=true")
    SKIPPED[name] = msg
    pytest.skip(msg)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last: Playwright's sync API holds an event loop while its browser is open."""
    items.sort(key=lambda item: "tests/e2e/" in item.nodeid.replace("\\", "/"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for name, why in SKIPPED.items():
        terminalreporter.write_line(
            f"!!! SKIPPED ALL {name.upper()} TESTS: {why} (set CI=true to require them) !!!",
            red=True,
            bold=True,
        )


def test_settings(tmp: Path, url: str, **extra: object) -> Settings:
    """Settings for an app under test (the ingest pipeline runs only where a test asks for it)."""
    extra.setdefault("ingest", {"in_process": False})
    return Settings(
        environment="test",
        var_dir=tmp,
        database_url=url,
        scheduler_enabled=False,
        storage={"root": str(tmp / "files")},
        **extra,
    )  # type: ignore[arg-type]


def _run(coro: object) -> object:
    return asyncio.run(coro)  # type: ignore[arg-type]


async def _seed(url: str, files_root: Path) -> None:
    from anguan.core.db import Database
    from anguan.core.files import LocalFileStore
    from anguan.simulator.seed import seed_demo

    db = Database(url)
    try:
        async with db.transaction() as session:
            await seed_demo(session, LocalFileStore(files_root))
    finally:
        await db.dispose()


@pytest.fixture(scope="session")
def files_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("files")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory, files_root: Path) -> Path:
    """A migrated, seeded SQLite file to copy per test."""
    from anguan import migrate

    path = tmp_path_factory.mktemp("tpl") / "template.db"
    url = f"sqlite+aiosqlite:///{path}"
    migrate.upgrade(url)
    _run(_seed(url, files_root))
    return path


async def _pg_exec(sql: str, url: str = PG_ADMIN_URL) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def pg_url(dbname: str) -> str:
    """URL of a database on the test PostgreSQL server."""
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + dbname


@pytest.fixture(scope="session")
def pg_template(files_root: Path) -> Iterator[str]:
    """A migrated, seeded PostgreSQL template database."""
    require_service("postgresql", "127.0.0.1", 5432)
    from anguan import migrate

    name = f"anguan_tpl_{os.getpid()}"
    _run(_pg_exec(f'DROP DATABASE IF EXISTS "{name}"'))
    _run(_pg_exec(f'CREATE DATABASE "{name}"'))
    migrate.upgrade(pg_url(name))
    _run(_seed(pg_url(name), files_root))
    yield name
    _run(_pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the seeded demo database, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        tpl: Path = request.getfixturevalue("sqlite_template")
        dst = tmp_path / "anguan.db"
        shutil.copyfile(tpl, dst)
        yield f"sqlite+aiosqlite:///{dst}"
        return
    tpl_name: str = request.getfixturevalue("pg_template")
    name = f"anguan_t_{uuid.uuid4().hex[:12]}"
    _run(_pg_exec(f'CREATE DATABASE "{name}" TEMPLATE "{tpl_name}"'))
    try:
        yield pg_url(name)
    finally:
        _run(_pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh copy of the seeded demo database on SQLite only (for tests that need no PostgreSQL run)."""
    dst = tmp_path / "anguan.db"
    shutil.copyfile(sqlite_template, dst)
    return f"sqlite+aiosqlite:///{dst}"


@pytest.fixture
def frozen_clock() -> Iterator[object]:
    """The process clock, frozen by the test and released afterwards."""
    yield clock
    clock.unfreeze()


@pytest.fixture
async def app(db_url: str, tmp_path: Path, files_root: Path) -> AsyncIterator[object]:
    """The Anguan app on the test database, with its lifespan running."""
    from anguan.app import create_app

    settings = test_settings(tmp_path, db_url)
    settings.storage.root = str(files_root)
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


class Api:
    """An HTTP client signed in as one user, sending the CSRF header like the SPA does."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def login(self, username: str, password: str = DEMO_PASSWORD) -> httpx.Response:
        r = await self.client.post("/api/v1/auth/login", json={"username": username, "password": password})
        if r.status_code == 200:
            self.client.headers["X-CSRF-Token"] = self.client.cookies.get("anguan_csrf") or ""
        return r

    def __getattr__(self, name: str) -> object:
        return getattr(self.client, name)


@pytest.fixture
async def make_client(app: object) -> AsyncIterator[object]:
    """Factory: `await make_client("admin")` gives an Api signed in as that demo user (None: anonymous)."""
    clients: list[httpx.AsyncClient] = []

    async def factory(username: str | None = None) -> Api:
        c = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")  # type: ignore[arg-type]
        clients.append(c)
        api = Api(c)
        if username:
            r = await api.login(username)
            assert r.status_code == 200, r.text
        return api

    yield factory
    for c in clients:
        await c.aclose()
