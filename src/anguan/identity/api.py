"""Identity REST API: auth, users, roles, permissions, audit."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import pyotp
from fastapi import APIRouter, Depends, Path, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.db import MAX_ID, after_commit
from anguan.core.errors import (
    Conflict,
    Forbidden,
    Locked,
    NotAuthenticated,
    NotFound,
    Unprocessable,
    error_responses,
)
from anguan.core.pagination import Page, PageParams, page_params, paginate
from anguan.core.realtime import RealtimeHub
from anguan.core.time import utcnow
from anguan.core.timeline import AuditEntry, verify_chain
from anguan.core.web import TransactionalRoute, client_ip, get_session
from anguan.identity import permissions as P
from anguan.identity import repository as repo
from anguan.identity import role_service, service
from anguan.identity.deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    current_actor,
    current_actor_before_password_change,
    identity_context,
    require,
)
from anguan.identity.schemas import (
    Actor,
    AuditOut,
    ChainOut,
    LoginIn,
    Me,
    PasswordChangeIn,
    PermissionOut,
    ResetPasswordIn,
    RoleIn,
    RoleOut,
    RolesIn,
    RoleUpdate,
    Scope,
    ScopesIn,
    SessionOut,
    TokenIn,
    TokenOut,
    TotpCodeIn,
    TotpSetupOut,
    UserCreate,
    UserOut,
    UserUpdate,
)

auth_router = APIRouter(prefix="/auth", tags=["auth"], route_class=TransactionalRoute)
users_router = APIRouter(prefix="/users", tags=["users"], route_class=TransactionalRoute)
roles_router = APIRouter(tags=["roles"], route_class=TransactionalRoute)
audit_router = APIRouter(prefix="/audit", tags=["audit"], route_class=TransactionalRoute)

AUTH_ERRORS = error_responses(NotAuthenticated, Forbidden)
# Path ids are validated up front so an id no database can hold is a 422, not a driver error.
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


def _revoke_realtime(request: Request, session: AsyncSession, hashes: list[str]) -> None:
    """Close the WebSockets of revoked sessions once the revocation is committed: a request that
    rolls back revokes nothing, and no socket is told "revoked" while the row still says live."""
    if not hashes:
        return
    hub: RealtimeHub = request.app.state.hub

    async def revoke() -> None:
        for h in hashes:
            await hub.revoke_session(h)

    after_commit(session, revoke)


def _set_cookies(request: Request, response: Response, token: str, csrf: str, max_age: int) -> None:
    secure = request.app.state.settings.auth.cookie_secure
    response.set_cookie(
        SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/"
    )
    response.set_cookie(
        CSRF_COOKIE, csrf, max_age=max_age, httponly=False, samesite="strict", secure=secure, path="/"
    )


@auth_router.post("/login", response_model=Me, responses=error_responses(NotAuthenticated, Locked))
async def login(
    body: LoginIn, request: Request, response: Response, session: AsyncSession = Depends(get_session)
) -> Me:
    """Sign in with username and password (and TOTP when enabled); sets the session cookies."""
    ctx = identity_context(request)
    result = await service.login(
        session,
        ctx,
        username=body.username,
        password=body.password,
        totp_code=body.totp_code,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent"),
    )
    _set_cookies(request, response, result.token, result.csrf, ctx.policy.absolute_session_hours * 3600)
    roles, perms = await repo.role_permissions(session, result.user.id)
    scopes = await repo.scopes_of(session, result.user.id)
    actor = Actor(
        result.user.id,
        result.user.username,
        frozenset(perms),
        tuple(Scope(kind=s.kind, ref_id=s.ref_id) for s in scopes),
        result.session.id,
        "cookie",
        roles=tuple(roles),
    )
    return await service.me(session, actor)


@auth_router.post("/logout", status_code=204, responses=AUTH_ERRORS)
async def logout(
    request: Request,
    response: Response,
    actor: Actor = Depends(current_actor_before_password_change),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """Revoke the current session and clear the cookies."""
    token_hash = await service.logout(session, actor)
    out = Response(status_code=204)
    out.delete_cookie(SESSION_COOKIE, path="/")
    out.delete_cookie(CSRF_COOKIE, path="/")
    if token_hash:
        _revoke_realtime(request, session, [token_hash])
    return out


@auth_router.get("/me", response_model=Me, responses=AUTH_ERRORS)
async def me(
    actor: Actor = Depends(current_actor_before_password_change), session: AsyncSession = Depends(get_session)
) -> Me:
    """The signed-in user's profile, roles, permissions and data scopes."""
    return await service.me(session, actor)


@auth_router.post(
    "/password",
    status_code=204,
    responses=error_responses(NotAuthenticated, Forbidden, Locked, Unprocessable),
)
async def change_password(
    body: PasswordChangeIn,
    request: Request,
    actor: Actor = Depends(current_actor_before_password_change),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """Change one's own password (other sessions are signed out; a wrong old password counts toward the lockout)."""
    revoked = await service.change_password(
        session, identity_context(request), actor, body.old_password, body.new_password
    )
    _revoke_realtime(request, session, revoked)
    return Response(status_code=204)


@auth_router.get("/sessions", response_model=list[SessionOut], responses=AUTH_ERRORS)
async def my_sessions(
    actor: Actor = Depends(current_actor_before_password_change), session: AsyncSession = Depends(get_session)
) -> list[SessionOut]:
    """The caller's live sessions and API tokens."""
    rows = await repo.sessions_of(session, actor.user_id, utcnow())
    return [
        SessionOut(
            id=r.id,
            kind=r.kind,
            name=r.name,
            created_at=r.created_at,
            last_seen_at=r.last_seen_at,
            expires_at=r.expires_at,
            ip=r.ip,
            current=r.id == actor.session_id,
        )
        for r in rows
    ]


@auth_router.delete(
    "/sessions/{session_id}",
    status_code=204,
    responses=error_responses(NotAuthenticated, Forbidden, NotFound),
)
async def revoke_session(
    session_id: Id,
    request: Request,
    actor: Actor = Depends(current_actor),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """Revoke one of the caller's sessions or tokens."""
    h = await service.revoke_own_session(session, actor, session_id)
    _revoke_realtime(request, session, [h])
    return Response(status_code=204)


@auth_router.post("/tokens", response_model=TokenOut, status_code=201, responses=AUTH_ERRORS)
async def create_token(
    body: TokenIn, actor: Actor = Depends(current_actor), session: AsyncSession = Depends(get_session)
) -> TokenOut:
    """Issue a bearer token for API clients; shown once."""
    auth, token = await service.create_token(session, actor, body.name, body.days)
    return TokenOut(id=auth.id, name=body.name, token=token, expires_at=auth.expires_at)


@auth_router.post(
    "/totp/setup",
    response_model=TotpSetupOut,
    responses=error_responses(NotAuthenticated, Forbidden, Conflict),
)
async def totp_setup(
    request: Request, actor: Actor = Depends(current_actor), session: AsyncSession = Depends(get_session)
) -> TotpSetupOut:
    """A fresh TOTP secret for the authenticator app, shown once (kept on this session until confirmed)."""
    secret = await service.start_totp(session, identity_context(request), actor)
    return TotpSetupOut(
        secret=secret,
        otpauth_uri=pyotp.TOTP(secret).provisioning_uri(name=actor.username, issuer_name="Anguan"),
    )


@auth_router.post(
    "/totp/confirm",
    status_code=204,
    responses=error_responses(NotAuthenticated, Forbidden, Conflict, Unprocessable),
)
async def totp_confirm(
    body: TotpCodeIn,
    request: Request,
    actor: Actor = Depends(current_actor),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """Turn on the pending TOTP secret of this session with a code from the authenticator."""
    await service.confirm_totp(session, identity_context(request), actor, body.code)
    return Response(status_code=204)


@auth_router.delete(
    "/totp",
    status_code=204,
    responses=error_responses(NotAuthenticated, Forbidden, Conflict, Locked, Unprocessable),
)
async def totp_disable(
    body: TotpCodeIn,
    request: Request,
    actor: Actor = Depends(current_actor),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """Turn TOTP off, proving it with a current code (a wrong code counts toward the lockout)."""
    await service.disable_totp(session, identity_context(request), actor, body.code)
    return Response(status_code=204)


# ---------------------------------------------------------------- users


@users_router.get("", response_model=Page[UserOut], responses=AUTH_ERRORS)
async def list_users(
    request: Request,
    q: str | None = Query(None, max_length=64),
    params: PageParams = Depends(page_params),
    actor: Actor = Depends(require(P.USER_READ)),
    session: AsyncSession = Depends(get_session),
) -> Page[UserOut]:
    """Users within the caller's data scope."""
    rows, total = await service.list_users(session, actor, q, params)
    cipher = identity_context(request).cipher
    return Page(
        items=[service.user_out(u, cipher) for u in rows],
        total=total,
        page=params.page,
        page_size=params.page_size,
    )


@users_router.post(
    "",
    response_model=UserOut,
    status_code=201,
    responses=error_responses(NotAuthenticated, Forbidden, Conflict, Unprocessable),
)
async def create_user(
    body: UserCreate,
    request: Request,
    actor: Actor = Depends(require(P.USER_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> UserOut:
    """Create an account (the password must be changed at first sign-in)."""
    ctx = identity_context(request)
    user = await service.create_user(session, ctx, actor, body)
    return service.user_out(user, ctx.cipher)


@users_router.get(
    "/{user_id}", response_model=UserOut, responses=error_responses(NotAuthenticated, Forbidden, NotFound)
)
async def get_user(
    user_id: Id,
    request: Request,
    actor: Actor = Depends(require(P.USER_READ)),
    session: AsyncSession = Depends(get_session),
) -> UserOut:
    """One user."""
    user = await service.get_user_scoped(session, actor, user_id)
    return service.user_out(user, identity_context(request).cipher)


@users_router.patch(
    "/{user_id}",
    response_model=UserOut,
    responses=error_responses(NotAuthenticated, Forbidden, NotFound, Conflict, Unprocessable),
)
async def update_user(
    user_id: Id,
    body: UserUpdate,
    request: Request,
    actor: Actor = Depends(require(P.USER_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> UserOut:
    """Edit an account; disabling it signs it out everywhere."""
    ctx = identity_context(request)
    user, revoked = await service.update_user(session, ctx, actor, user_id, body)
    _revoke_realtime(request, session, revoked)
    return service.user_out(user, ctx.cipher)


@users_router.put(
    "/{user_id}/roles",
    response_model=UserOut,
    responses=error_responses(NotAuthenticated, Forbidden, NotFound, Conflict, Unprocessable),
)
async def set_roles(
    user_id: Id,
    body: RolesIn,
    request: Request,
    actor: Actor = Depends(require(P.USER_ASSIGN_ROLES)),
    session: AsyncSession = Depends(get_session),
) -> UserOut:
    """Replace a user's roles (三员分立 enforced)."""
    user = await service.set_roles(session, actor, user_id, body.roles)
    return service.user_out(user, identity_context(request).cipher)


@users_router.put(
    "/{user_id}/scopes",
    response_model=UserOut,
    responses=error_responses(NotAuthenticated, Forbidden, NotFound, Unprocessable),
)
async def set_scopes(
    user_id: Id,
    body: ScopesIn,
    request: Request,
    actor: Actor = Depends(require(P.USER_ASSIGN_ROLES)),
    session: AsyncSession = Depends(get_session),
) -> UserOut:
    """Replace a user's data scopes."""
    user = await service.set_scopes(session, actor, user_id, body.scopes)
    return service.user_out(user, identity_context(request).cipher)


@users_router.post(
    "/{user_id}/unlock",
    response_model=UserOut,
    responses=error_responses(NotAuthenticated, Forbidden, NotFound),
)
async def unlock_user(
    user_id: Id,
    request: Request,
    # Account administration (system) or security policy (security): both 三员 may lift a lockout.
    actor: Actor = Depends(require(P.USER_WRITE, P.SESSION_MANAGE)),
    session: AsyncSession = Depends(get_session),
) -> UserOut:
    """Lift a lockout."""
    user = await service.unlock_user(session, actor, user_id)
    return service.user_out(await repo.user_by_id(session, user.id), identity_context(request).cipher)  # type: ignore[arg-type]


@users_router.post(
    "/{user_id}/reset-totp",
    status_code=204,
    responses=error_responses(NotAuthenticated, Forbidden, NotFound, Conflict),
)
async def reset_totp(
    user_id: Id,
    request: Request,
    actor: Actor = Depends(require(P.SESSION_MANAGE)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """Remove a user's second factor after a lost authenticator (security administrator)."""
    revoked = await service.reset_totp(session, actor, user_id)
    _revoke_realtime(request, session, revoked)
    return Response(status_code=204)


@users_router.post(
    "/{user_id}/reset-password",
    status_code=204,
    responses=error_responses(NotAuthenticated, Forbidden, NotFound, Unprocessable),
)
async def reset_password(
    user_id: Id,
    body: ResetPasswordIn,
    request: Request,
    actor: Actor = Depends(require(P.USER_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """Set a temporary password (to be changed at next sign-in)."""
    revoked = await service.reset_password(
        session, identity_context(request), actor, user_id, body.new_password
    )
    _revoke_realtime(request, session, revoked)
    return Response(status_code=204)


# ---------------------------------------------------------------- roles and permissions


@roles_router.get("/roles", response_model=list[RoleOut], responses=AUTH_ERRORS)
async def list_roles(
    actor: Actor = Depends(require(P.ROLE_READ)), session: AsyncSession = Depends(get_session)
) -> list[RoleOut]:
    """Every role with its permissions."""
    return [role_service.role_out(r) for r in await repo.all_roles(session)]


@roles_router.post(
    "/roles",
    response_model=RoleOut,
    status_code=201,
    responses=error_responses(NotAuthenticated, Forbidden, Conflict, Unprocessable),
)
async def create_role(
    body: RoleIn, actor: Actor = Depends(require(P.ROLE_WRITE)), session: AsyncSession = Depends(get_session)
) -> RoleOut:
    """Create a custom role."""
    return role_service.role_out(await role_service.create_role(session, actor, body))


@roles_router.patch(
    "/roles/{code}",
    response_model=RoleOut,
    responses=error_responses(NotAuthenticated, Forbidden, NotFound, Conflict, Unprocessable),
)
async def update_role(
    code: str,
    body: RoleUpdate,
    actor: Actor = Depends(require(P.ROLE_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> RoleOut:
    """Edit a custom role."""
    return role_service.role_out(await role_service.update_role(session, actor, code, body))


@roles_router.delete(
    "/roles/{code}",
    status_code=204,
    responses=error_responses(NotAuthenticated, Forbidden, NotFound, Conflict),
)
async def delete_role(
    code: str, actor: Actor = Depends(require(P.ROLE_WRITE)), session: AsyncSession = Depends(get_session)
) -> Response:
    """Delete a custom role nobody holds."""
    await role_service.delete_role(session, actor, code)
    return Response(status_code=204)


@roles_router.get("/permissions", response_model=list[PermissionOut], responses=AUTH_ERRORS)
async def list_permissions(actor: Actor = Depends(require(P.ROLE_READ))) -> list[PermissionOut]:
    """The permission-code catalogue."""
    return [
        PermissionOut(code=p.code, module=p.module, name_zh=p.name_zh, name_en=p.name_en, duty=p.duty)
        for p in P.PERMISSIONS
    ]


# ---------------------------------------------------------------- audit


@audit_router.get("", response_model=Page[AuditOut], responses=AUTH_ERRORS)
async def list_audit(
    actor_name: str | None = Query(None, alias="actor", max_length=64),
    action: str | None = Query(None, max_length=80),
    result: str | None = Query(None, pattern="^(ok|denied|failed)$"),
    since: datetime | None = None,
    until: datetime | None = None,
    params: PageParams = Depends(page_params),
    actor: Actor = Depends(require(P.AUDIT_READ)),
    session: AsyncSession = Depends(get_session),
) -> Page[AuditOut]:
    """The audit log, newest first by default."""
    stmt = repo.audit_stmt(actor_name, action, since, until, result)
    rows, total = await paginate(session, stmt, params, {"seq": AuditEntry.seq, "ts": AuditEntry.ts}, "-seq")
    return Page(
        items=[AuditOut.model_validate(r, from_attributes=True) for r in rows],
        total=total,
        page=params.page,
        page_size=params.page_size,
    )


@audit_router.get("/verify", response_model=ChainOut, responses=AUTH_ERRORS)
async def verify(
    actor: Actor = Depends(require(P.AUDIT_READ)), session: AsyncSession = Depends(get_session)
) -> ChainOut:
    """Recompute the hash chain of the audit log."""
    check = await verify_chain(session)
    return ChainOut(ok=check.ok, checked=check.checked, first_bad_seq=check.first_bad_seq)
