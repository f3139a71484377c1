"""Video fixtures: the demo plant with its demo cameras, callers per demo user, ids by code."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from anguan.video.models import Camera
from anguan.video.seed import seed_demo_cameras
from tests.plant.support import Callers, ids_by_code


@dataclass
class World:
    """The app, HTTP callers per demo user, plant ids by code and camera ids by code."""

    app: Any
    callers: Callers
    ids: dict[str, int]
    cams: dict[str, int]


async def camera_ids(app: Any) -> dict[str, int]:
    """Camera ids by code."""
    async with app.state.database.transaction(write=False) as s:
        return {c.code: c.id for c in (await s.scalars(select(Camera))).all()}


@pytest.fixture
async def world(app: Any) -> AsyncIterator[World]:
    """The seeded demo plant plus its demo cameras (seeding is idempotent: a no-op once the demo
    seed seeds them too)."""
    async with app.state.database.transaction() as s:
        await seed_demo_cameras(s)
    c = Callers(app)
    yield World(app, c, await ids_by_code(app.state.database), await camera_ids(app))
    await c.aclose()
