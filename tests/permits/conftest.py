"""Shared fixtures of the permit tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from anguan.basics.models import Person
from tests.permits.support import NOW, Locator
from tests.plant.support import Callers


@pytest.fixture
async def world(app: Any, frozen_clock: Any) -> AsyncIterator[tuple[Callers, Locator, dict[str, int]]]:
    frozen_clock.freeze(NOW)
    locator = Locator()
    app.state.permit_locator = locator
    async with app.state.database.transaction(write=False) as s:
        people = {p.name: p.id for p in (await s.scalars(select(Person))).all()}
    c = Callers(app)
    yield c, locator, people
    await c.aclose()
