"""Revision 0002 (identity_user.totp_last_step; usernames lower-cased) keeps the data it finds."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from anguan import migrate
from anguan.core.db import Database
from tests.conftest import _pg_exec, pg_url, require_service


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database to migrate step by step."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'mig.db'}"
        return
    require_service("postgresql", "127.0.0.1", 5432)
    name = f"anguan_m2_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_exec(f'CREATE DATABASE "{name}"'))
    try:
        yield pg_url(name)
    finally:
        asyncio.run(_pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _sql(url: str, *statements: str) -> list[Any]:
    async def run() -> list[Any]:
        database = Database(url)
        out: list[Any] = []
        try:
            async with database.transaction() as s:
                for st in statements:
                    res = await s.execute(text(st))
                    out.append(res.all() if res.returns_rows else None)
        finally:
            await database.dispose()
        return out

    return asyncio.run(run())


USER = (
    "INSERT INTO identity_user (id, username, display_name, password_hash, password_changed_at, "
    "password_history, must_change_password, is_active, failed_logins, locale, created_at, updated_at) "
    "VALUES ({id}, '{name}', 'x', 'h', '2026-01-01', '[]', false, true, 0, 'zh-CN', '2026-01-01', '2026-01-01')"
)
SESSION = (
    "INSERT INTO identity_session (token_hash, user_id, kind, created_at, last_seen_at, expires_at, meta) "
    "VALUES ('{h}', {uid}, 'cookie', '2026-01-01', '2026-01-01', '2027-01-01', '{{}}')"
)


def test_0002_lower_cases_usernames_and_goes_down_without_losing_rows(empty_url: str):
    migrate.upgrade(empty_url, "0001")
    _sql(
        empty_url,
        USER.format(id=1, name="Li.Ming"),
        USER.format(id=2, name="operator"),
        SESSION.format(h="a" * 64, uid=1),
        "INSERT INTO identity_role (id, code, name_zh, name_en, builtin, permissions, created_at, updated_at) "
        "VALUES (1, 'r1', 'x', 'x', false, '[]', '2026-01-01', '2026-01-01')",
        "INSERT INTO identity_user_role (user_id, role_id) VALUES (1, 1)",
    )
    migrate.upgrade(empty_url)
    (names,) = _sql(empty_url, "SELECT id, username, totp_last_step FROM identity_user ORDER BY id")
    assert [tuple(r) for r in names] == [(1, "li.ming", None), (2, "operator", None)]
    _sql(empty_url, "UPDATE identity_user SET totp_last_step = 59863451 WHERE id = 1")

    # Down: the column goes; the user's sessions and roles stay (no table copy cascading deletes).
    migrate.downgrade(empty_url, "0001")
    sessions, roles, users = _sql(
        empty_url,
        "SELECT user_id FROM identity_session",
        "SELECT user_id FROM identity_user_role",
        "SELECT username FROM identity_user ORDER BY id",
    )
    assert [tuple(r) for r in sessions] == [(1,)] and [tuple(r) for r in roles] == [(1,)]
    assert [r[0] for r in users] == ["li.ming", "operator"]
    migrate.upgrade(empty_url)
    (rows,) = _sql(empty_url, "SELECT totp_last_step FROM identity_user WHERE id = 1")
    assert rows[0][0] is None
