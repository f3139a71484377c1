"""Plant fixtures: bearer-token callers per demo user, and an app on SQLite only for wide matrices."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.plant.support import Callers, ids_by_code, running_app, settings_for


@pytest.fixture
async def callers(app: Any) -> AsyncIterator[Callers]:
    """`await callers("contractor")`: a client for that demo user on the `app` fixture (both databases)."""
    c = Callers(app)
    yield c
    await c.aclose()


@pytest.fixture
async def sqlite_app(sqlite_url: str, tmp_path: Path, files_root: Path) -> AsyncIterator[Any]:
    """The app on a fresh SQLite copy of the demo database (for matrices run on one database)."""
    async with running_app(settings_for(tmp_path, sqlite_url, files_root)) as application:
        yield application


@pytest.fixture
async def sqlite_callers(sqlite_app: Any) -> AsyncIterator[Callers]:
    """Like `callers`, on `sqlite_app`."""
    c = Callers(sqlite_app)
    yield c
    await c.aclose()


@pytest.fixture
async def ids(app: Any) -> dict[str, int]:
    """Demo ids by code on the `app` fixture's database."""
    return await ids_by_code(app.state.database)


@pytest.fixture
async def sqlite_ids(sqlite_app: Any) -> dict[str, int]:
    """Demo ids by code on `sqlite_app`'s database."""
    return await ids_by_code(sqlite_app.state.database)
