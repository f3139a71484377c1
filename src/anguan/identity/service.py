"""Identity business logic: login, sessions, second factor, users and scopes. Functions never commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import column, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.config import Settings
from anguan.core.db import Database
from anguan.core.errors import Conflict, Forbidden, Locked, NotAuthenticated, NotFound, Unprocessable
from anguan.core.pagination import PageParams, paginate
from anguan.core.time import utcnow
from anguan.core.timeline import AuditActor, record, record_now
from anguan.core.web import AuditedRefusal
from anguan.identity import repository as repo
from anguan.identity import rules
from anguan.identity.models import AuthSession, DataScope, User, UserRole
from anguan.identity.permissions import PERMISSION_DUTY
from anguan.identity.reference import SECURITY_POLICY_V1, SecurityPolicy
from anguan.identity.schemas import (
    Actor,
    Me,
    Scope,
    UserCreate,
    UserOut,
    UserUpdate,
)
from anguan.identity.security import (
    FieldCipher,
    hash_password,
    new_token,
    new_totp_secret,
    token_digest,
    totp_step,
    verify_password,
)

_department = table("plant_department", column("id"), column("parent_id"))


def policy_from(settings: Settings) -> SecurityPolicy:
    """The reference policy with the deployment's overrides applied."""
    a = settings.auth
    return SecurityPolicy(
        version=SECURITY_POLICY_V1.version,
        min_length=max(a.password_min_length, 8),
        min_char_classes=SECURITY_POLICY_V1.min_char_classes,
        max_failed_logins=a.max_failed_logins,
        lockout_minutes=a.lockout_minutes,
        idle_timeout_minutes=a.idle_timeout_minutes,
        absolute_session_hours=a.absolute_session_hours,
        password_max_age_days=SECURITY_POLICY_V1.password_max_age_days,
        password_history=a.password_history,
    )


@dataclass(frozen=True)
class Authz:
    """A user's roles, permissions and data scopes, as of one authz_version."""

    roles: tuple[str, ...]
    permissions: frozenset[str]
    scopes: tuple[Scope, ...]


class AuthzCache:
    """Per-process cache of Authz keyed by (user id, authz_version).

    The version is read from the database with every request's session row, so a role, scope or
    role-permission change takes effect on the very next request on every replica; the cache only
    saves the two queries that would rebuild the same answer.
    """

    def __init__(self, max_users: int = 10_000) -> None:
        self.max_users = max_users
        self._entries: dict[int, tuple[int, Authz]] = {}

    def get(self, user_id: int, version: int) -> Authz | None:
        """The cached Authz when it is of this version."""
        hit = self._entries.get(user_id)
        return hit[1] if hit is not None and hit[0] == version else None

    def put(self, user_id: int, version: int, authz: Authz) -> None:
        """Remember a user's Authz (the oldest entry goes when full)."""
        if user_id not in self._entries and len(self._entries) >= self.max_users:
            self._entries.pop(next(iter(self._entries)))
        self._entries[user_id] = (version, authz)


@dataclass(frozen=True)
class IdentityContext:
    """What identity services need besides the session."""

    database: Database
    settings: Settings
    policy: SecurityPolicy
    cipher: FieldCipher
    authz_cache: AuthzCache = field(default_factory=AuthzCache)


def audit_actor(actor: Actor | None) -> AuditActor | None:
    """The audit view of an actor."""
    return AuditActor(actor.user_id, actor.username, actor.ip) if actor else None


def actor_of(user: User, auth: AuthSession, authz: Authz, ip: str | None) -> Actor:
    """The Actor of a resolved session."""
    return Actor(
        user_id=user.id,
        username=user.username,
        permissions=authz.permissions,
        scopes=authz.scopes,
        session_id=auth.id,
        session_kind=auth.kind,
        ip=ip,
        roles=authz.roles,
        must_change_password=user.must_change_password,
    )


async def load_authz(session: AsyncSession, ctx: IdentityContext, user: User) -> Authz:
    """The user's roles, permissions and scopes, from the cache when its version is current."""
    authz = ctx.authz_cache.get(user.id, user.authz_version)
    if authz is None:
        role_codes, perms = await repo.role_permissions(session, user.id)
        scopes = await repo.scopes_of(session, user.id)
        authz = Authz(
            roles=tuple(role_codes),
            permissions=frozenset(perms),
            scopes=tuple(Scope(kind=s.kind, ref_id=s.ref_id) for s in scopes),
        )
        ctx.authz_cache.put(user.id, user.authz_version, authz)
    return authz


def check_password(password: str, username: str, policy: SecurityPolicy) -> None:
    """Refuse a password that breaks the policy (422 identity.weak_password)."""
    problems = rules.password_problems(password, username, policy)
    if problems:
        raise Unprocessable("identity.weak_password", reasons=problems, min_length=policy.min_length)


# ---------------------------------------------------------------- login and sessions


@dataclass(frozen=True)
class LoginResult:
    """A new session: the raw token goes into the cookie, only its hash is stored."""

    token: str
    csrf: str
    user: User
    session: AuthSession


async def login(
    session: AsyncSession,
    ctx: IdentityContext,
    *,
    username: str,
    password: str,
    totp_code: str | None,
    ip: str | None,
    user_agent: str | None,
) -> LoginResult:
    """GB/T 22239-2019 8.1.4.1 a/b: check credentials, lockout and second factor; open a server-side session."""
    now = utcnow()
    username = repo.normal_username(username)  # case-insensitive: "Admin" signs in as admin
    user = await repo.user_by_username(session, username)
    who = AuditActor(user.id if user else None, username[:64], ip)
    if user is not None and rules.is_locked(user.locked_until, now):
        until = user.locked_until.isoformat() if user.locked_until else None
        await session.rollback()  # release the request's lock before the side transaction
        await record_now(ctx.database, who, "identity.login", result="denied", detail={"reason": "locked"})
        raise Locked("identity.account_locked", until=until)
    if (
        not verify_password(user.password_hash if user else None, password)
        or user is None
        or not user.is_active
    ):
        reason = "bad_credentials" if user is None or user.is_active else "inactive"
        await session.rollback()
        await _count_failure(ctx, who.id, who, "identity.login", {"reason": reason})
        raise NotAuthenticated("identity.invalid_credentials")
    if user.totp_secret_enc:
        if not totp_code:
            raise NotAuthenticated("identity.totp_required")
        problem = await _use_totp(session, ctx, user, totp_code, now)
        if problem is not None:
            await session.rollback()
            await _count_failure(ctx, who.id, who, "identity.login", {"reason": problem})
            raise NotAuthenticated("identity.invalid_credentials")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    token, csrf = new_token(), new_token()
    auth = AuthSession(
        token_hash=token_digest(token),
        user_id=user.id,
        kind="cookie",
        csrf_token=csrf,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=ctx.policy.absolute_session_hours),
        ip=ip,
        user_agent=(user_agent or "")[:255] or None,
    )
    session.add(auth)
    await session.flush()
    expired = rules.password_expired(user.password_changed_at, now, ctx.policy)
    if expired and not user.must_change_password:
        user.must_change_password = True
    await record(
        session,
        AuditActor(user.id, user.username, ip),
        "identity.login",
        target_type="session",
        target_id=auth.id,
        detail={"password_expired": expired},
    )
    return LoginResult(token, csrf, user, auth)


async def _use_totp(
    session: AsyncSession, ctx: IdentityContext, user: User, code: str, now: datetime
) -> str | None:
    """Accept a code of the user's active second factor once; None, or why it was refused."""
    secret = ctx.cipher.decrypt(user.totp_secret_enc) or ""
    step = totp_step(secret, code, now)
    if step is None:
        return "bad_totp"
    if not await repo.claim_totp_step(session, user.id, step):
        return "totp_reused"
    return None


async def _count_failure(
    ctx: IdentityContext,
    user_id: int | None,
    who: AuditActor | None,
    action: str,
    detail: dict[str, object],
) -> None:
    """GB/T 22239-2019 8.1.4.1 b): count a failed authentication and maybe lock the account.

    Written in its own transaction, since the request itself is refused and rolled back. Failed
    sign-ins and failed re-authentications (a wrong old password, a wrong code to turn off TOTP)
    count alike, so a stolen session cannot guess the password without limit.
    """
    async with ctx.database.transaction() as s:
        detail = dict(detail)
        if user_id is not None:
            # Row lock: concurrent failures must each count (on PostgreSQL they otherwise overwrite
            # one another and a parallel brute force never reaches the lockout).
            u = await s.get(User, user_id, with_for_update=True)
            if u is not None:
                u.failed_logins, u.locked_until = rules.after_failed_login(
                    u.failed_logins, utcnow(), ctx.policy
                )
                if u.locked_until is not None:
                    detail["locked_until"] = u.locked_until.isoformat()
                    await record(
                        s,
                        who,
                        "identity.account_locked",
                        target_type="user",
                        target_id=user_id,
                        detail={"policy": ctx.policy.version},
                    )
        await record(
            s,
            who,
            action,
            result="failed",
            # A failed sign-in names no target (the name may not exist); a re-authentication is about the user.
            target_type=None if action == "identity.login" else "user",
            target_id=None if action == "identity.login" else user_id,
            detail=detail,
        )


async def _refuse_while_locked(
    session: AsyncSession, ctx: IdentityContext, actor: Actor, user: User, action: str
) -> None:
    """GB/T 22239-2019 8.1.4.1 b): a locked account may keep its sessions, but proves no secret until the lock ends."""
    if not rules.is_locked(user.locked_until, utcnow()):
        return
    until = user.locked_until.isoformat() if user.locked_until else None
    await session.rollback()
    await record_now(
        ctx.database,
        audit_actor(actor),
        action,
        result="denied",
        target_type="user",
        target_id=actor.user_id,
        detail={"reason": "locked"},
    )
    raise Locked("identity.account_locked", until=until)


async def logout(session: AsyncSession, actor: Actor) -> str | None:
    """Revoke the caller's session; returns its token hash for realtime revocation."""
    auth = await session.get(AuthSession, actor.session_id)
    if auth is None:
        return None
    auth.revoked_at = utcnow()
    await record(session, audit_actor(actor), "identity.logout", target_type="session", target_id=auth.id)
    return auth.token_hash


async def resolve(
    session: AsyncSession, ctx: IdentityContext, token: str, *, ip: str | None
) -> tuple[Actor, AuthSession]:
    """GB/T 22239-2019 8.1.4.1 b): turn a session cookie or bearer token into an Actor, ending
    sessions past their idle or absolute timeout and those of disabled accounts.

    A lockout refuses new sign-ins only: it does not end the account's existing sessions, or
    anyone could sign a user out by typing five wrong passwords under their name.
    """
    found = await repo.session_with_user(session, token_digest(token))
    if found is None:
        raise NotAuthenticated("identity.session_invalid")
    auth, user = found
    now = utcnow()
    reason = rules.session_end_reason(
        auth.created_at,
        auth.last_seen_at,
        auth.expires_at,
        now,
        ctx.policy,
        idle_applies=auth.kind == "cookie",
    )
    if not user.is_active:
        reason = "user_disabled"
    if reason is not None:
        who, auth_id = AuditActor(user.id, user.username, ip), auth.id
        await session.rollback()  # release the request's lock before the side transaction
        async with ctx.database.transaction() as s:
            live = await s.get(AuthSession, auth_id)
            if live is not None and live.revoked_at is None:
                live.revoked_at = now
                await record(
                    s,
                    who,
                    "identity.session_ended",
                    target_type="session",
                    target_id=auth_id,
                    detail={"reason": reason},
                )
        raise NotAuthenticated("identity.session_expired", reason=reason)
    return actor_of(user, auth, await load_authz(session, ctx, user), ip), auth


async def me(session: AsyncSession, actor: Actor) -> Me:
    """The caller's profile, roles, permissions and scopes."""
    user = await repo.user_by_id(session, actor.user_id)
    if user is None:
        raise NotAuthenticated("identity.session_invalid")
    return Me(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        locale=user.locale,
        roles=list(actor.roles),
        permissions=sorted(actor.permissions),
        scopes=list(actor.scopes),
        must_change_password=user.must_change_password,
    )


async def change_password(
    session: AsyncSession, ctx: IdentityContext, actor: Actor, old_password: str, new_password: str
) -> list[str]:
    """GB/T 22239-2019 8.1.4.1 a/b: change one's own password after proving the old one.

    A wrong old password counts toward the lockout like a failed sign-in; while the account is
    locked no attempt is checked at all. Other sessions are revoked (their hashes are returned).
    """
    user = await session.get(User, actor.user_id)
    if user is None:
        raise NotAuthenticated("identity.session_invalid")
    await _refuse_while_locked(session, ctx, actor, user, "identity.password_changed")
    if not verify_password(user.password_hash, old_password):
        await session.rollback()  # nothing of the session's objects is used after this
        await _count_failure(
            ctx,
            actor.user_id,
            audit_actor(actor),
            "identity.password_changed",
            {"reason": "bad_old_password"},
        )
        raise AuditedRefusal("identity.bad_old_password")
    check_password(new_password, user.username, ctx.policy)
    _refuse_reuse(user, new_password, ctx.policy)
    _set_password(user, new_password, ctx.policy, must_change=False)
    user.failed_logins = 0
    revoked = await repo.revoke_sessions(session, user.id, utcnow(), except_id=actor.session_id)
    await record(
        session, audit_actor(actor), "identity.password_changed", target_type="user", target_id=user.id
    )
    return revoked


def _refuse_reuse(user: User, new_password: str, policy: SecurityPolicy) -> None:
    recent = [user.password_hash, *(user.password_history or [])][: policy.password_history]
    if any(verify_password(h, new_password) for h in recent):
        raise Unprocessable("identity.weak_password", reasons=["reused"], min_length=policy.min_length)


def _set_password(user: User, password: str, policy: SecurityPolicy, *, must_change: bool) -> None:
    if user.password_hash:
        user.password_history = [user.password_hash, *(user.password_history or [])][
            : policy.password_history
        ]
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.must_change_password = must_change


async def create_token(session: AsyncSession, actor: Actor, name: str, days: int) -> tuple[AuthSession, str]:
    """Issue a bearer API token for the caller (for gateways and scripts)."""
    now = utcnow()
    token = new_token()
    auth = AuthSession(
        token_hash=token_digest(token),
        user_id=actor.user_id,
        kind="token",
        name=name,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(days=days),
        ip=actor.ip,
    )
    session.add(auth)
    await session.flush()
    await record(
        session,
        audit_actor(actor),
        "identity.token_created",
        target_type="session",
        target_id=auth.id,
        detail={"name": name, "days": days},
    )
    return auth, token


async def revoke_own_session(session: AsyncSession, actor: Actor, session_id: int) -> str:
    """Revoke one of the caller's own sessions or tokens."""
    auth = await session.get(AuthSession, session_id)
    if auth is None or auth.user_id != actor.user_id or auth.revoked_at is not None:
        raise NotFound("common.not_found")
    auth.revoked_at = utcnow()
    await record(
        session, audit_actor(actor), "identity.session_revoked", target_type="session", target_id=auth.id
    )
    return auth.token_hash


# ---------------------------------------------------------------- users


async def department_subtree(session: AsyncSession, roots: set[int]) -> set[int]:
    """Department ids under (and including) the given ones."""
    if not roots:
        return set()
    rows = (await session.execute(select(_department.c.id, _department.c.parent_id))).all()
    children: dict[int, list[int]] = {}
    for rid, parent in rows:
        if parent is not None:
            children.setdefault(parent, []).append(rid)
    out, stack = set(), list(roots)
    while stack:
        d = stack.pop()
        if d in out:
            continue
        out.add(d)
        stack.extend(children.get(d, []))
    return out


def user_out(user: User, cipher: FieldCipher) -> UserOut:
    """Response body of a user (phone decrypted for the viewer)."""
    return UserOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        phone=cipher.decrypt(user.phone_enc),
        department_id=user.department_id,
        is_active=user.is_active,
        locked_until=user.locked_until,
        roles=sorted(ur.role.code for ur in user.roles),
        scopes=[Scope(kind=s.kind, ref_id=s.ref_id) for s in user.scopes],
        created_at=user.created_at,
        last_login_at=user.last_login_at,
        totp_enabled=bool(user.totp_secret_enc),
        locale=user.locale,
    )


async def list_users(
    session: AsyncSession, actor: Actor, q: str | None, params: PageParams
) -> tuple[list[User], int]:
    """Users the caller may see, one page."""
    depts = await department_subtree(session, actor.scope_ids("department"))
    stmt = repo.users_in_scope(repo.list_users_stmt(q), actor, depts)
    return await paginate(
        session,
        stmt,
        params,
        {
            "username": User.username,
            "display_name": User.display_name,
            "created_at": User.created_at,
            "last_login_at": User.last_login_at,
        },
        "username",
    )


async def get_user_scoped(session: AsyncSession, actor: Actor, user_id: int) -> User:
    """One user, or 404 when missing and 403 when outside the caller's data scope."""
    user = await repo.user_by_id(session, user_id)
    if user is None:
        raise NotFound("identity.user_not_found", id=user_id)
    if not actor.all_data and user.id != actor.user_id:
        depts = await department_subtree(session, actor.scope_ids("department"))
        if user.department_id not in depts:
            raise Forbidden("identity.out_of_scope")
    return user


async def _check_department(session: AsyncSession, actor: Actor, department_id: int | None) -> None:
    if department_id is None:
        # A department-scoped caller would lose sight of a user it puts outside every department.
        if not actor.all_data:
            raise Forbidden("identity.out_of_scope")
        return
    exists = await session.scalar(select(_department.c.id).where(_department.c.id == department_id))
    if exists is None:
        raise Unprocessable("identity.unknown_department", id=department_id)
    if not actor.all_data:
        depts = await department_subtree(session, actor.scope_ids("department"))
        if department_id not in depts:
            raise Forbidden("identity.out_of_scope")


async def create_user(
    session: AsyncSession, ctx: IdentityContext, actor: Actor | None, body: UserCreate
) -> User:
    """Create an account with a policy-checked password; it must be changed at first login."""
    if await repo.user_by_username(session, body.username) is not None:
        raise Conflict("identity.username_taken", username=body.username)
    check_password(body.password, body.username, ctx.policy)
    if actor is not None:
        await _check_department(session, actor, body.department_id)
    user = User(
        username=body.username,
        display_name=body.display_name,
        email=str(body.email) if body.email else None,
        phone_enc=ctx.cipher.encrypt(body.phone),
        department_id=body.department_id,
        locale=body.locale,
        password_hash="",
        password_history=[],
    )
    _set_password(user, body.password, ctx.policy, must_change=actor is not None)
    session.add(user)
    await session.flush()
    await record(
        session,
        audit_actor(actor),
        "identity.user_created",
        target_type="user",
        target_id=user.id,
        detail={"username": user.username},
    )
    return await repo.user_by_id(session, user.id)  # type: ignore[return-value]


async def update_user(
    session: AsyncSession, ctx: IdentityContext, actor: Actor, user_id: int, body: UserUpdate
) -> tuple[User, list[str]]:
    """Edit an account; disabling it revokes its sessions (their hashes are returned)."""
    user = await get_user_scoped(session, actor, user_id)
    changes = body.model_dump(exclude_unset=True)
    revoked: list[str] = []
    if "department_id" in changes:
        await _check_department(session, actor, changes["department_id"])
    if changes.get("is_active") is False and user.id == actor.user_id:
        raise Conflict("identity.cannot_disable_self")
    for key, value in changes.items():
        if key == "phone":
            user.phone_enc = ctx.cipher.encrypt(value)
        elif key == "email":
            user.email = str(value) if value else None
        else:
            setattr(user, key, value)
    if changes.get("is_active") is False:
        revoked = await repo.revoke_sessions(session, user.id, utcnow())
    await record(
        session,
        audit_actor(actor),
        "identity.user_updated",
        target_type="user",
        target_id=user.id,
        detail={k: (v if k != "phone" else "***") for k, v in changes.items()},
    )
    return user, revoked


async def set_roles(session: AsyncSession, actor: Actor, user_id: int, codes: list[str]) -> User:
    """Replace a user's roles, refusing any set that mixes 三员 duties."""
    user = await get_user_scoped(session, actor, user_id)
    wanted = sorted(set(codes))
    roles = await repo.roles_by_code(session, wanted)
    unknown = sorted(set(wanted) - {r.code for r in roles})
    if unknown:
        raise Unprocessable("identity.unknown_role", roles=unknown)
    duties = {r.duty for r in roles if r.duty} | rules.duties_of(
        [p for r in roles for p in r.permissions or []], PERMISSION_DUTY
    )
    if rules.violates_separation_of_duties(duties):
        raise Conflict("identity.separation_of_duties", duties=sorted(duties))
    if user.id == actor.user_id:
        raise Conflict("identity.cannot_change_own_roles")
    before = sorted(ur.role.code for ur in user.roles)
    user.roles = [UserRole(user_id=user.id, role_id=r.id) for r in roles]
    await session.flush()
    await repo.bump_authz_version(session, user_id=user.id)
    await record(
        session,
        audit_actor(actor),
        "identity.roles_changed",
        target_type="user",
        target_id=user.id,
        detail={"before": before, "after": wanted},
    )
    return await repo.user_by_id(session, user.id)  # type: ignore[return-value]


async def set_scopes(session: AsyncSession, actor: Actor, user_id: int, scopes: list[Scope]) -> User:
    """Replace a user's data scopes; a caller can only grant within its own scope."""
    user = await get_user_scoped(session, actor, user_id)
    if not actor.all_data:
        # Within its own scope only: department grants inside the caller's department subtree.
        own = await department_subtree(session, actor.scope_ids("department"))
        if any(s.kind != "department" or s.ref_id not in own for s in scopes):
            raise Forbidden("identity.out_of_scope")
    for s in scopes:
        if s.kind != "all" and s.ref_id is not None:
            tbl = {"site": "plant_site", "area": "plant_area", "department": "plant_department"}[s.kind]
            t = table(tbl, column("id"))
            if await session.scalar(select(t.c.id).where(t.c.id == s.ref_id)) is None:
                raise Unprocessable("identity.unknown_scope_target", kind=s.kind, id=s.ref_id)
    before = [f"{s.kind}:{s.ref_id}" for s in user.scopes]
    unique = list(dict.fromkeys(scopes))
    # Keep the rows that stay (replacing them would insert before deleting and hit the unique key).
    kept = {(d.kind, d.ref_id): d for d in user.scopes}
    user.scopes = [
        kept.get((s.kind, s.ref_id)) or DataScope(user_id=user.id, kind=s.kind, ref_id=s.ref_id)
        for s in unique
    ]
    await session.flush()
    await repo.bump_authz_version(session, user_id=user.id)
    await record(
        session,
        audit_actor(actor),
        "identity.scopes_changed",
        target_type="user",
        target_id=user.id,
        detail={"before": before, "after": [f"{s.kind}:{s.ref_id}" for s in unique]},
    )
    return await repo.user_by_id(session, user.id)  # type: ignore[return-value]


async def unlock_user(session: AsyncSession, actor: Actor, user_id: int) -> User:
    """Clear a lockout before it runs out."""
    user = await get_user_scoped(session, actor, user_id)
    user.locked_until = None
    user.failed_logins = 0
    await record(session, audit_actor(actor), "identity.user_unlocked", target_type="user", target_id=user.id)
    return user


async def reset_password(
    session: AsyncSession, ctx: IdentityContext, actor: Actor, user_id: int, new_password: str
) -> list[str]:
    """Set a temporary password that must be changed at next login; sessions are revoked."""
    user = await get_user_scoped(session, actor, user_id)
    check_password(new_password, user.username, ctx.policy)
    _set_password(user, new_password, ctx.policy, must_change=True)
    revoked = await repo.revoke_sessions(session, user.id, utcnow())
    await record(
        session, audit_actor(actor), "identity.password_reset", target_type="user", target_id=user.id
    )
    return revoked


async def reset_totp(session: AsyncSession, actor: Actor, user_id: int) -> list[str]:
    """Remove a user's second factor (lost authenticator); sessions are revoked (GB/T 22239-2019 8.1.4.1 d)."""
    user = await get_user_scoped(session, actor, user_id)
    if user.id == actor.user_id:
        raise Conflict("identity.cannot_reset_own_totp")
    if not user.totp_secret_enc:
        raise Conflict("identity.totp_not_enabled")
    user.totp_secret_enc = None
    user.totp_last_step = None
    revoked = await repo.revoke_sessions(session, user.id, utcnow())
    await record(session, audit_actor(actor), "identity.totp_reset", target_type="user", target_id=user.id)
    return revoked


# ---------------------------------------------------------------- second factor


TOTP_PENDING = "totp_pending"


async def _own_user(session: AsyncSession, actor: Actor) -> User:
    user = await session.get(User, actor.user_id)
    if user is None:
        raise NotAuthenticated("identity.session_invalid")
    return user


async def start_totp(session: AsyncSession, ctx: IdentityContext, actor: Actor) -> str:
    """GB/T 22239-2019 8.1.4.1 d): a new TOTP secret, kept (encrypted) on the caller's session until confirmed.

    The secret is shown once, for the authenticator app; confirming needs only a code from it.
    Replacing an active factor needs it turned off first (with a current code).
    """
    user = await _own_user(session, actor)
    if user.totp_secret_enc:
        raise Conflict("identity.totp_already_enabled")
    auth = await session.get(AuthSession, actor.session_id)
    if auth is None:
        raise NotAuthenticated("identity.session_invalid")
    secret = new_totp_secret()
    auth.meta = {**(auth.meta or {}), TOTP_PENDING: ctx.cipher.encrypt(secret)}
    return secret


async def confirm_totp(session: AsyncSession, ctx: IdentityContext, actor: Actor, code: str) -> None:
    """GB/T 22239-2019 8.1.4.1 d): turn on the pending second factor once a code from it proves the app works."""
    user = await _own_user(session, actor)
    if user.totp_secret_enc:
        raise Conflict("identity.totp_already_enabled")
    auth = await session.get(AuthSession, actor.session_id)
    pending = (auth.meta or {}).get(TOTP_PENDING) if auth is not None else None
    if auth is None or not isinstance(pending, str):
        raise Conflict("identity.totp_setup_required")
    step = totp_step(ctx.cipher.decrypt(pending) or "", code, utcnow())
    if step is None or not await repo.claim_totp_step(session, user.id, step):
        raise Unprocessable("identity.totp_invalid")
    user.totp_secret_enc = pending
    auth.meta = {k: v for k, v in (auth.meta or {}).items() if k != TOTP_PENDING}
    await record(session, audit_actor(actor), "identity.totp_enabled", target_type="user", target_id=user.id)


async def disable_totp(session: AsyncSession, ctx: IdentityContext, actor: Actor, code: str) -> None:
    """GB/T 22239-2019 8.1.4.1 d): turn off the second factor, proving it with a current code.

    A wrong code counts toward the lockout like a failed sign-in (8.1.4.1 b), so a stolen
    session cannot guess its way to removing the factor.
    """
    user = await _own_user(session, actor)
    if not user.totp_secret_enc:
        raise Conflict("identity.totp_not_enabled")
    await _refuse_while_locked(session, ctx, actor, user, "identity.totp_disabled")
    problem = await _use_totp(session, ctx, user, code, utcnow())
    if problem is not None:
        await session.rollback()
        await _count_failure(
            ctx, actor.user_id, audit_actor(actor), "identity.totp_disabled", {"reason": problem}
        )
        raise Unprocessable("identity.totp_invalid")
    user.totp_secret_enc = None
    await record(session, audit_actor(actor), "identity.totp_disabled", target_type="user", target_id=user.id)
