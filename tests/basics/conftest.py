"""Basics fixtures: bearer-token callers per demo user on the seeded demo database (both databases)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.plant.support import Callers


@pytest.fixture
async def callers(app: Any) -> AsyncIterator[Callers]:
    """`await callers("safety")`: a client for that demo user on the `app` fixture."""
    c = Callers(app)
    yield c
    await c.aclose()
