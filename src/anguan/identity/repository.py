"""Every SQL statement of the identity module; data scope applied here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from anguan.core.timeline import AuditEntry
from anguan.identity.models import AuthSession, DataScope, Role, User, UserRole
from anguan.identity.schemas import Actor


def _user_query() -> Select[User]:
    return select(User).options(
        selectinload(User.roles).selectinload(UserRole.role), selectinload(User.scopes)
    )


def normal_username(username: str) -> str:
    """Usernames are case-insensitive: stored, and looked up, lower-case."""
    return username.strip().lower()


async def user_by_username(session: AsyncSession, username: str) -> User | None:
    """User with roles and scopes loaded, by login name (any case)."""
    return (
        await session.scalars(_user_query().where(User.username == normal_username(username)))
    ).one_or_none()


async def user_by_id(session: AsyncSession, user_id: int) -> User | None:
    """User with roles and scopes loaded, by id."""
    return (
        await session.scalars(
            _user_query().where(User.id == user_id).execution_options(populate_existing=True)
        )
    ).one_or_none()


async def session_with_user(session: AsyncSession, token_hash: str) -> tuple[AuthSession, User] | None:
    """A live (not revoked) session and its user, by token hash."""
    row = (
        await session.execute(
            select(AuthSession, User)
            .join(User, User.id == AuthSession.user_id)
            .where(AuthSession.token_hash == token_hash, AuthSession.revoked_at.is_(None))
        )
    ).one_or_none()
    return (row[0], row[1]) if row else None


async def roles_by_code(session: AsyncSession, codes: Sequence[str]) -> list[Role]:
    """Roles with the given codes."""
    if not codes:
        return []
    return list((await session.scalars(select(Role).where(Role.code.in_(list(codes))))).all())


async def role_by_code(session: AsyncSession, code: str) -> Role | None:
    """One role by code."""
    return (await session.scalars(select(Role).where(Role.code == code))).one_or_none()


async def all_roles(session: AsyncSession) -> list[Role]:
    """Every role, built-in first."""
    return list((await session.scalars(select(Role).order_by(Role.builtin.desc(), Role.id))).all())


async def role_permissions(session: AsyncSession, user_id: int) -> tuple[list[str], set[str]]:
    """Role codes and the union of their permissions for one user."""
    roles = (
        await session.scalars(
            select(Role).join(UserRole, UserRole.role_id == Role.id).where(UserRole.user_id == user_id)
        )
    ).all()
    perms: set[str] = set()
    for r in roles:
        perms.update(r.permissions or [])
    return sorted(r.code for r in roles), perms


async def scopes_of(session: AsyncSession, user_id: int) -> list[DataScope]:
    """Data-scope grants of one user."""
    return list((await session.scalars(select(DataScope).where(DataScope.user_id == user_id))).all())


def users_in_scope(stmt: Select[User], actor: Actor, department_ids: set[int] | None) -> Select[User]:
    """Restrict a user query to the actor's data scope (by department subtree; self always visible)."""
    if actor.all_data:
        return stmt
    conditions = [User.id == actor.user_id]
    if department_ids:
        conditions.append(User.department_id.in_(department_ids))
    return stmt.where(or_(*conditions))


LIKE_ESCAPE = "/"


def like_literal(text: str) -> str:
    """`text` with LIKE wildcards escaped (with LIKE_ESCAPE), so `%` and `_` match only themselves."""
    return (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )


def list_users_stmt(q: str | None) -> Select[User]:
    """Users whose name, display name or e-mail contains `q` literally, with roles and scopes."""
    stmt = _user_query()
    if q and q.strip():
        like = f"%{like_literal(q.strip())}%"
        stmt = stmt.where(
            or_(
                User.username.ilike(like, escape=LIKE_ESCAPE),
                User.display_name.ilike(like, escape=LIKE_ESCAPE),
                User.email.ilike(like, escape=LIKE_ESCAPE),
            )
        )
    return stmt


async def claim_totp_step(session: AsyncSession, user_id: int, step: int) -> bool:
    """Record `step` as the user's last accepted TOTP step unless it (or a later one) was used already.

    One conditional UPDATE, so two requests racing with the same code cannot both win: the second
    waits for the first's row lock and then finds the step taken (RFC 6238 5.2).
    """
    res = await session.execute(
        update(User)
        .where(User.id == user_id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(res, "rowcount", 0) or 0) == 1


async def revoke_sessions(
    session: AsyncSession, user_id: int, now: datetime, *, except_id: int | None = None
) -> list[str]:
    """Revoke every live session of a user; returns their token hashes."""
    stmt = select(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
    if except_id is not None:
        stmt = stmt.where(AuthSession.id != except_id)
    rows = (await session.scalars(stmt)).all()
    for r in rows:
        r.revoked_at = now
    return [r.token_hash for r in rows]


async def sessions_of(session: AsyncSession, user_id: int, now: datetime) -> list[AuthSession]:
    """Live sessions and tokens of a user."""
    return list(
        (
            await session.scalars(
                select(AuthSession)
                .where(
                    AuthSession.user_id == user_id,
                    AuthSession.revoked_at.is_(None),
                    AuthSession.expires_at > now,
                )
                .order_by(AuthSession.id.desc())
            )
        ).all()
    )


async def touch_session(session: AsyncSession, session_id: int, now: datetime) -> None:
    """Record activity on a session (for the idle timeout)."""
    await session.execute(update(AuthSession).where(AuthSession.id == session_id).values(last_seen_at=now))


async def purge_sessions(session: AsyncSession, before: datetime) -> int:
    """Revoke sessions that have expired (kept as records; tokens no longer match)."""
    res = await session.execute(
        update(AuthSession)
        .where(AuthSession.revoked_at.is_(None), AuthSession.expires_at < before)
        .values(revoked_at=before)
    )
    return int(getattr(res, "rowcount", 0) or 0)


def audit_stmt(
    actor_name: str | None,
    action: str | None,
    since: datetime | None,
    until: datetime | None,
    result: str | None,
) -> Select[AuditEntry]:
    """Audit entries matching the viewer's filters."""
    stmt = select(AuditEntry)
    if actor_name:
        stmt = stmt.where(AuditEntry.actor_username == actor_name)
    if action:
        stmt = stmt.where(AuditEntry.action.like(f"{like_literal(action)}%", escape=LIKE_ESCAPE))
    if since:
        stmt = stmt.where(AuditEntry.ts >= since)
    if until:
        stmt = stmt.where(AuditEntry.ts < until)
    if result:
        stmt = stmt.where(AuditEntry.result == result)
    return stmt


async def bump_authz_version(
    session: AsyncSession, *, user_id: int | None = None, role_id: int | None = None
) -> None:
    """Invalidate cached authorisation of one user, or of every holder of a role."""
    stmt = update(User).values(authz_version=User.authz_version + 1)
    if role_id is not None:
        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role_id == role_id)))
    else:
        stmt = stmt.where(User.id == user_id)
    await session.execute(stmt.execution_options(synchronize_session=False))
