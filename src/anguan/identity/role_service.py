"""Identity business logic for roles: custom roles and the built-in set (三员分立). Functions never commit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.errors import Conflict, NotFound, Unprocessable
from anguan.core.timeline import record
from anguan.identity import repository as repo
from anguan.identity import rules
from anguan.identity.models import Role, UserRole
from anguan.identity.permissions import BUILTIN_ROLES, PERMISSION_CODES, PERMISSION_DUTY
from anguan.identity.schemas import Actor, RoleIn, RoleOut, RoleUpdate
from anguan.identity.service import audit_actor


def role_out(role: Role) -> RoleOut:
    """Response body of a role."""
    return RoleOut(
        code=role.code,
        name_zh=role.name_zh,
        name_en=role.name_en,
        builtin=role.builtin,
        duty=role.duty,
        permissions=sorted(role.permissions or []),
    )


def _check_role_permissions(perms: list[str]) -> None:
    unknown = sorted(set(perms) - PERMISSION_CODES)
    if unknown:
        raise Unprocessable("identity.unknown_permission", permissions=unknown)
    if rules.violates_separation_of_duties(rules.duties_of(perms, PERMISSION_DUTY)):
        raise Conflict(
            "identity.separation_of_duties", duties=sorted(rules.duties_of(perms, PERMISSION_DUTY))
        )


async def create_role(session: AsyncSession, actor: Actor, body: RoleIn) -> Role:
    """A custom role; its permission set may not mix 三员 duties."""
    if await repo.role_by_code(session, body.code) is not None:
        raise Conflict("identity.role_exists", code=body.code)
    _check_role_permissions(body.permissions)
    duties = rules.duties_of(body.permissions, PERMISSION_DUTY)
    role = Role(
        code=body.code,
        name_zh=body.name_zh,
        name_en=body.name_en,
        builtin=False,
        duty=next(iter(duties)) if duties else None,
        permissions=sorted(set(body.permissions)),
    )
    session.add(role)
    await session.flush()
    await record(
        session,
        audit_actor(actor),
        "identity.role_created",
        target_type="role",
        target_id=role.code,
        detail={"permissions": role.permissions},
    )
    return role


async def _changeable_role(session: AsyncSession, actor: Actor, code: str) -> Role:
    """GB/T 22239-2019 8.1.4.2 a/d: a role the caller may edit or delete.

    Built-in roles are fixed, and nobody edits a role they hold themselves: a holder of
    identity.role.write would otherwise grant itself any permission through its own role.
    """
    role = await repo.role_by_code(session, code)
    if role is None:
        raise NotFound("identity.role_not_found", code=code)
    if role.builtin:
        raise Conflict("identity.builtin_role")
    if role.code in actor.roles:
        raise Conflict("identity.cannot_change_own_roles")
    return role


async def update_role(session: AsyncSession, actor: Actor, code: str, body: RoleUpdate) -> Role:
    """Edit a custom role (built-in roles are fixed so 三员分立 cannot be undone; one's own roles too)."""
    role = await _changeable_role(session, actor, code)
    before = list(role.permissions or [])
    if body.permissions is not None:
        _check_role_permissions(body.permissions)
        role.permissions = sorted(set(body.permissions))
        duties = rules.duties_of(role.permissions, PERMISSION_DUTY)
        role.duty = next(iter(duties)) if duties else None
        # The new duty may clash with another role a holder already has.
        holders = (await session.scalars(select(UserRole.user_id).where(UserRole.role_id == role.id))).all()
        for uid in holders:
            others = (
                await session.scalars(
                    select(Role)
                    .join(UserRole, UserRole.role_id == Role.id)
                    .where(UserRole.user_id == uid, Role.id != role.id)
                )
            ).all()
            all_duties = set(duties) | {r.duty for r in others if r.duty}
            if rules.violates_separation_of_duties(all_duties):
                raise Conflict("identity.separation_of_duties", duties=sorted(all_duties))
        if role.permissions != sorted(before):
            await repo.bump_authz_version(session, role_id=role.id)
    if body.name_zh is not None:
        role.name_zh = body.name_zh
    if body.name_en is not None:
        role.name_en = body.name_en
    await record(
        session,
        audit_actor(actor),
        "identity.role_updated",
        target_type="role",
        target_id=role.code,
        detail={"before": before, "after": role.permissions},
    )
    return role


async def delete_role(session: AsyncSession, actor: Actor, code: str) -> None:
    """Remove a custom role that nobody holds."""
    role = await _changeable_role(session, actor, code)
    if await session.scalar(select(UserRole.user_id).where(UserRole.role_id == role.id).limit(1)) is not None:
        raise Conflict("identity.role_in_use")
    await session.delete(role)
    await record(session, audit_actor(actor), "identity.role_deleted", target_type="role", target_id=code)


async def ensure_builtin_roles(session: AsyncSession) -> None:
    """Create or refresh the built-in roles (idempotent; run by migrate and seed)."""
    existing = {r.code: r for r in await repo.all_roles(session)}
    for b in BUILTIN_ROLES:
        role = existing.get(b.code)
        if role is None:
            session.add(
                Role(
                    code=b.code,
                    name_zh=b.name_zh,
                    name_en=b.name_en,
                    builtin=True,
                    duty=b.duty,
                    permissions=sorted(b.permissions),
                )
            )
        else:
            role.name_zh, role.name_en, role.duty, role.builtin = b.name_zh, b.name_en, b.duty, True
            if list(role.permissions or []) != sorted(b.permissions):
                role.permissions = sorted(b.permissions)
                await session.flush()
                await repo.bump_authz_version(session, role_id=role.id)
    await session.flush()
