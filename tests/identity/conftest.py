"""Identity test helpers: database snapshots, audit look-ups, a shared app with every demo role signed in."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import select, text

from anguan.core.timeline import AuditEntry
from anguan.identity.permissions import BUILTIN_ROLES
from anguan.simulator.seed import DEMO_USERS
from tests.conftest import Api, _pg_exec, _run, pg_url, test_settings

# Tables whose content a refused request must leave untouched.
IDENTITY_TABLES = (
    "identity_user",
    "identity_role",
    "identity_user_role",
    "identity_data_scope",
    "identity_session",
)
AUDIT_TABLES = ("audit_log", "audit_head")

# Demo username -> built-in role code, and role code -> permission codes (the source of truth for the matrix).
DEMO_ROLE = {du.username: du.role for du in DEMO_USERS}
ROLE_PERMISSIONS = {r.code: frozenset(r.permissions) for r in BUILTIN_ROLES}
DEMO_USERNAMES = [du.username for du in DEMO_USERS]

# Run a test on one database only (overrides the sqlite/postgresql parameters of `db_url`), for checks
# whose behaviour does not depend on the dialect or only matters on one.
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
postgresql_only = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


@pytest.fixture
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash new passwords with cheap argon2id parameters (verification follows each hash's own parameters).

    For tests that churn passwords; test_security checks the production parameters themselves.
    """
    from argon2 import PasswordHasher

    from anguan.identity import security

    monkeypatch.setattr(security, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def holders(permission: str) -> list[str]:
    """Demo usernames whose built-in role grants `permission`."""
    return [u for u in DEMO_USERNAMES if permission in ROLE_PERMISSIONS[DEMO_ROLE[u]]]


def lacking(permission: str) -> list[str]:
    """Demo usernames whose built-in role does not grant `permission`."""
    return [u for u in DEMO_USERNAMES if permission not in ROLE_PERMISSIONS[DEMO_ROLE[u]]]


# Activity stamps a read request may legitimately refresh on its own (a session's idle-timeout clock).
VOLATILE_COLUMNS = frozenset({"last_seen_at"})


async def dump(app: Any, tables: tuple[str, ...] = IDENTITY_TABLES + AUDIT_TABLES) -> dict[str, list[str]]:
    """Every row of the given tables, as sorted reprs (compare two dumps to prove nothing changed)."""
    out: dict[str, list[str]] = {}
    async with app.state.database.transaction(write=False) as s:
        for t in tables:
            rows = (await s.execute(text(f"SELECT * FROM {t}"))).mappings().all()
            out[t] = sorted(repr({k: v for k, v in r.items() if k not in VOLATILE_COLUMNS}) for r in rows)
    return out


async def scalar(app: Any, sql: str, **params: Any) -> Any:
    """One value from raw SQL on the app's database."""
    async with app.state.database.transaction(write=False) as s:
        return (await s.execute(text(sql), params)).scalar()


async def execute(app: Any, sql: str, **params: Any) -> None:
    """Run raw SQL in its own committed transaction."""
    async with app.state.database.transaction() as s:
        await s.execute(text(sql), params)


async def audit_rows(app: Any, after_seq: int = 0) -> list[dict[str, Any]]:
    """Audit entries after a sequence number, oldest first."""
    async with app.state.database.transaction(write=False) as s:
        rows = (
            await s.scalars(select(AuditEntry).where(AuditEntry.seq > after_seq).order_by(AuditEntry.seq))
        ).all()
        return [
            {
                "seq": r.seq,
                "action": r.action,
                "result": r.result,
                "actor": r.actor_username,
                "target_type": r.target_type,
                "target_id": r.target_id,
                "detail": r.detail,
            }
            for r in rows
        ]


async def last_seq(app: Any) -> int:
    """The audit chain's current length."""
    return int(await scalar(app, "SELECT COALESCE(MAX(seq), 0) FROM audit_log"))


async def user_id(app: Any, username: str) -> int:
    """Id of a user by login name."""
    uid = await scalar(app, "SELECT id FROM identity_user WHERE username = :u", u=username)
    assert uid is not None, username
    return int(uid)


async def dept_id(app: Any, code: str) -> int:
    """Id of a demo department by code."""
    did = await scalar(app, "SELECT id FROM plant_department WHERE code = :c", c=code)
    assert did is not None, code
    return int(did)


def new_user_body(username: str | None = None, **extra: Any) -> dict[str, Any]:
    """A valid POST /users body."""
    body: dict[str, Any] = {
        "username": username or f"u{uuid.uuid4().hex[:10]}",
        "display_name": "测试用户",
        "password": "Strong#Pass1",
    }
    body.update(extra)
    return body


def assert_error(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The response is the JSON error body with this status and stable code."""
    assert r.status_code == status, r.text
    body: dict[str, Any] = r.json()
    assert body["code"] == code, body
    return body


@dataclass
class Plant:
    """An app on its own seeded database, shared by the package's matrix tests, with every demo user signed in."""

    app: Any
    dialect: str
    clients: dict[str, Api]
    anonymous: Api
    ids: dict[str, int]
    new_client: Callable[[], Api]  # another anonymous client, closed with the app


@pytest.fixture(scope="package", params=["sqlite", "postgresql"])
def plant_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str, Path]]:
    """A package-wide copy of the seeded database: (dialect, url, scratch dir)."""
    tmp = tmp_path_factory.mktemp("plant")
    if request.param == "sqlite":
        tpl: Path = request.getfixturevalue("sqlite_template")
        shutil.copyfile(tpl, tmp / "anguan.db")
        yield "sqlite", f"sqlite+aiosqlite:///{tmp / 'anguan.db'}", tmp
        return
    tpl_name: str = request.getfixturevalue("pg_template")
    name = f"anguan_m_{uuid.uuid4().hex[:12]}"
    _run(_pg_exec(f'CREATE DATABASE "{name}" TEMPLATE "{tpl_name}"'))
    try:
        yield "postgresql", pg_url(name), tmp
    finally:
        _run(_pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def plant(plant_db: tuple[str, str, Path], files_root: Path) -> AsyncIterator[Plant]:
    """One app for the read-mostly matrices of this package: one database and one login per demo user.

    Tests using it must leave the demo users, roles and scopes as they found them (refused requests
    change nothing; successful writes act on objects the test creates itself).
    """
    from anguan.app import create_app

    dialect, url, tmp = plant_db
    settings = test_settings(tmp, url)
    settings.storage.root = str(files_root)
    app = create_app(settings)
    http: list[httpx.AsyncClient] = []

    def client() -> Api:
        c = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        http.append(c)
        return Api(c)

    async with app.router.lifespan_context(app):
        clients = {}
        for name in DEMO_USERNAMES:
            clients[name] = client()
            r = await clients[name].login(name)
            assert r.status_code == 200, r.text
        ids = {name: await user_id(app, name) for name in DEMO_USERNAMES}
        try:
            yield Plant(app, dialect, clients, client(), ids, client)
        finally:
            for c in http:
                await c.aclose()
