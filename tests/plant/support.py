"""Helpers shared by the plant, core and simulator tests (imported, not collected)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from anguan.core.config import Settings
from anguan.core.db import Database
from anguan.core.events import OutboxMessage
from anguan.core.files import StoredFile
from anguan.core.time import utcnow
from anguan.core.timeline import AuditEntry
from anguan.identity.models import AuthSession, User
from anguan.identity.permissions import BUILTIN_ROLES
from anguan.identity.security import new_token, token_digest
from anguan.plant.models import Area, Department, Enterprise, EquipmentLocation, Site
from anguan.simulator.seed import DEMO_USERS
from tests.conftest import test_settings as _test_settings

DEMO_USERNAMES = [u.username for u in DEMO_USERS]
ROLE_OF = {u.username: u.role for u in DEMO_USERS}
PERMS_OF_ROLE = {r.code: frozenset(r.permissions) for r in BUILTIN_ROLES}


def perms_of(username: str) -> frozenset[str]:
    """Permission codes a demo user holds through its built-in role."""
    return PERMS_OF_ROLE[ROLE_OF[username]]


def holders(permission: str) -> list[str]:
    """Demo users whose built-in role grants `permission`."""
    return [u for u in DEMO_USERNAMES if permission in perms_of(u)]


def lacking(permission: str) -> list[str]:
    """Demo users whose built-in role does not grant `permission`."""
    return [u for u in DEMO_USERNAMES if permission not in perms_of(u)]


def settings_for(tmp: Path, url: str, files_root: Path | None = None, **extra: Any) -> Settings:
    """Test settings (as the shared fixture builds them), optionally on the shared file store."""
    settings = _test_settings(tmp, url, **extra)
    if files_root is not None:
        settings.storage.root = str(files_root)
    return settings


@asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[Any]:
    """An Anguan app with its lifespan running."""
    from anguan.app import create_app

    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


async def issue_tokens(database: Database, usernames: list[str]) -> dict[str, str]:
    """Bearer tokens for demo users, written straight to the database (skips argon2 per login)."""
    now = utcnow()
    out: dict[str, str] = {}
    async with database.transaction() as session:
        for name in usernames:
            user = (await session.scalars(select(User).where(User.username == name))).one()
            token = new_token()
            session.add(
                AuthSession(
                    token_hash=token_digest(token),
                    user_id=user.id,
                    kind="token",
                    name="test",
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + timedelta(days=1),
                )
            )
            out[name] = token
    return out


class Callers:
    """HTTP clients per demo user against one app (bearer tokens), plus an anonymous one."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._tokens: dict[str, str] = {}
        self._clients: list[httpx.AsyncClient] = []

    def _client(self, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
        c = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app, raise_app_exceptions=False),
            base_url="http://testserver",
            headers=headers or {},
        )
        self._clients.append(c)
        return c

    async def __call__(self, username: str | None) -> httpx.AsyncClient:
        """A client signed in as `username` (None: anonymous)."""
        if username is None:
            return self._client()
        if username not in self._tokens:
            self._tokens.update(await issue_tokens(self.app.state.database, [username]))
        return self._client({"Authorization": f"Bearer {self._tokens[username]}"})

    async def aclose(self) -> None:
        for c in self._clients:
            await c.aclose()


PLANT_MODELS = (Enterprise, Site, Department, Area, EquipmentLocation)


async def counts(database: Database) -> dict[str, int]:
    """Row counts of the plant tables, the audit log, the outbox and stored files."""
    out: dict[str, int] = {}
    async with database.transaction(write=False) as session:
        for model in (*PLANT_MODELS, AuditEntry, OutboxMessage, StoredFile):
            out[model.__tablename__] = int(await session.scalar(select(func.count()).select_from(model)) or 0)
    return out


async def plant_snapshot(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the plant tables (to prove a refused request changed nothing)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    async with database.transaction(write=False) as session:
        for model in PLANT_MODELS:
            cols = list(model.__table__.columns)
            rows = (await session.execute(select(*cols).order_by(model.__table__.c.id))).all()
            out[model.__tablename__] = [tuple(r) for r in rows]
    return out


async def audit_actions(database: Database, after_seq: int = 0) -> list[tuple[str, str, str | None]]:
    """(action, result, actor) of audit entries after a sequence number."""
    async with database.transaction(write=False) as session:
        rows = (
            await session.execute(
                select(AuditEntry.action, AuditEntry.result, AuditEntry.actor_username)
                .where(AuditEntry.seq > after_seq)
                .order_by(AuditEntry.seq)
            )
        ).all()
    return [(r.action, r.result, r.actor_username) for r in rows]


async def last_audit_seq(database: Database) -> int:
    """Highest audit sequence number."""
    async with database.transaction(write=False) as session:
        return int(await session.scalar(select(func.max(AuditEntry.seq))) or 0)


async def ids_by_code(database: Database) -> dict[str, int]:
    """Ids of the demo site (by site code), areas and departments (by code)."""
    async with database.transaction(write=False) as session:
        out = {s.code: s.id for s in (await session.scalars(select(Site))).all()}
        out |= {a.code: a.id for a in (await session.scalars(select(Area))).all()}
        out |= {"dept:" + d.code: d.id for d in (await session.scalars(select(Department))).all()}
    return out
