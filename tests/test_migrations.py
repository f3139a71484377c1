"""Migrations go up, down and up again on SQLite, PostgreSQL and MariaDB, and match the models."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from anguan import migrate
from anguan.core.db import Database
from anguan.models import Base, include_name
from tests.conftest import MARIADB_URL, _pg_exec, pg_url, require_service

MODEL_TABLES = set(Base.metadata.tables)


async def _inspect(url: str) -> tuple[set[str], list[Any], int, str | None]:
    """(tables, model-vs-schema diff, audit head rows, alembic revision) of a migrated database."""
    database = Database(url)
    try:
        async with database.engine.connect() as conn:

            def run(sync_conn: Any) -> tuple[set[str], list[Any]]:
                tables = set(inspect(sync_conn).get_table_names())
                ctx = MigrationContext.configure(
                    sync_conn,
                    opts={"compare_type": True, "render_as_batch": True, "include_name": include_name},
                )
                return tables, compare_metadata(ctx, Base.metadata)

            tables, diff = await conn.run_sync(run)
            head_rows = 0
            if "audit_head" in tables:
                head_rows = int((await conn.execute(text("SELECT count(*) FROM audit_head"))).scalar() or 0)
            revision = None
            if "alembic_version" in tables:
                revision = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    finally:
        await database.dispose()
    return tables, diff, head_rows, revision


def _round_trip(url: str, *, compare: bool = True) -> None:
    migrate.upgrade(url)
    tables, diff, head_rows, revision = asyncio.run(_inspect(url))
    assert MODEL_TABLES <= tables
    assert head_rows == 1  # the audit chain's genesis row
    assert revision is not None
    if compare:
        assert diff == [], diff

    migrate.downgrade(url, "base")
    tables, _, _, revision = asyncio.run(_inspect(url))
    assert tables <= {"alembic_version"}, tables
    assert revision is None

    migrate.upgrade(url)
    tables, diff, head_rows, _ = asyncio.run(_inspect(url))
    assert MODEL_TABLES <= tables and head_rows == 1
    if compare:
        assert diff == [], diff


def test_sqlite_up_down_up_matches_models(tmp_path: Path):
    _round_trip(f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}")


@pytest.mark.postgres
def test_postgresql_up_down_up_matches_models():
    require_service("postgresql", "127.0.0.1", 5432)
    name = f"anguan_mig_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_exec(f'CREATE DATABASE "{name}"'))
    try:
        _round_trip(pg_url(name))
    finally:
        asyncio.run(_pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _mariadb_exec(sql: str) -> None:
    import aiomysql

    conn = await aiomysql.connect(host="127.0.0.1", port=3306, user="root", password="", autocommit=True)
    try:
        async with conn.cursor() as cur:
            await cur.execute(sql)
    finally:
        conn.close()


@pytest.fixture
def mariadb_database() -> Iterator[str]:
    """A fresh, empty MariaDB database; yields its URL."""
    require_service("mariadb", "127.0.0.1", 3306)
    name = f"anguan_mig_{uuid.uuid4().hex[:12]}"
    asyncio.run(_mariadb_exec(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    try:
        yield f"{MARIADB_URL}/{name}"
    finally:
        asyncio.run(_mariadb_exec(f"DROP DATABASE IF EXISTS `{name}`"))


@pytest.mark.mariadb
def test_mariadb_up_down_up_matches_models(mariadb_database: str):
    _round_trip(mariadb_database)
