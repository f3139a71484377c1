"""Notify fixtures: the app with notify wired, callers per demo user, a real webhook receiver."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from anguan.notify.channels import SecretBox
from tests.notify.support import Receiver
from tests.plant.support import Callers


@pytest.fixture
def napp(app: Any) -> Any:
    """The `app` fixture (SQLite and PostgreSQL); app.py wires the notify and routing routers."""
    return app


@pytest.fixture
async def callers(napp: Any) -> AsyncIterator[Callers]:
    c = Callers(napp)
    yield c
    await c.aclose()


@pytest.fixture
def box(napp: Any) -> SecretBox:
    """The cipher the app uses for webhook secrets."""
    return SecretBox(napp.state.settings.auth.secret_key.get_secret_value())


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver().start()
    yield r
    r.stop()
