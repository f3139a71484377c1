"""Revision 0005 goes up, down and up again on SQLite, PostgreSQL and MariaDB and matches the models."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest

import anguan.monitoring.routing
import anguan.notify.models  # their tables join the shared metadata compared below
from anguan.core.db import Base
from tests.conftest import _pg_exec, pg_url, require_service
from tests.test_migrations import _round_trip, mariadb_database

__all__ = ["mariadb_database"]

OURS = {"notify_message", "notify_inbox", "notify_webhook", "notify_delivery", "mon_alarm_route"}


def test_our_tables_are_in_the_metadata():
    assert OURS <= set(Base.metadata.tables)
    assert anguan.monitoring.routing.AlarmRoute.__tablename__ == "mon_alarm_route"


def test_sqlite_round_trip(tmp_path: Path):
    _round_trip(f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}")


@pytest.mark.postgres
def test_postgresql_round_trip():
    require_service("postgresql", "127.0.0.1", 5432)
    name = f"anguan_mig_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_exec(f'CREATE DATABASE "{name}"'))
    try:
        _round_trip(pg_url(name))
    finally:
        asyncio.run(_pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.mark.mariadb
def test_mariadb_round_trip(mariadb_database: str):
    _round_trip(mariadb_database)
