"""Alarm routing REST API (报警推送规则): read with monitoring.read, write with monitoring.configure
(or notify.configure, whose catalogue entry covers "notification channels and routes")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.db import MAX_ID
from anguan.core.errors import Forbidden, NotAuthenticated, NotFound, Unprocessable, error_responses
from anguan.core.web import TransactionalRoute, get_session
from anguan.identity import permissions as P
from anguan.identity.deps import require
from anguan.identity.schemas import Actor
from anguan.monitoring import routing
from anguan.monitoring.routing import RouteIn, RouteOut, RouteUpdate

router = APIRouter(prefix="/monitoring/routes", tags=["monitoring"], route_class=TransactionalRoute)
READ_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound)
WRITE_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound, Unprocessable)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
can_configure = require(P.MON_CONFIGURE, P.NOTIFY_CONFIGURE)


@router.get("", response_model=list[RouteOut], responses=READ_ERRORS)
async def list_alarm_routes(
    site_id: int | None = Query(None, ge=1, le=MAX_ID),
    actor: Actor = Depends(require(P.MON_READ)),
    session: AsyncSession = Depends(get_session),
) -> list[RouteOut]:
    """Alarm routes of the sites and areas within the caller's data scope."""
    return [RouteOut.model_validate(r) for r in await routing.list_routes(session, actor, site_id)]


@router.post("", response_model=RouteOut, status_code=201, responses=WRITE_ERRORS)
async def create_alarm_route(
    body: RouteIn, actor: Actor = Depends(can_configure), session: AsyncSession = Depends(get_session)
) -> RouteOut:
    """Add an alarm route."""
    return RouteOut.model_validate(await routing.create_route(session, actor, body))


@router.get("/{route_id}", response_model=RouteOut, responses=READ_ERRORS)
async def get_alarm_route(
    route_id: Id, actor: Actor = Depends(require(P.MON_READ)), session: AsyncSession = Depends(get_session)
) -> RouteOut:
    """One alarm route."""
    return RouteOut.model_validate(await routing.get_route(session, actor, route_id))


@router.patch("/{route_id}", response_model=RouteOut, responses=WRITE_ERRORS)
async def update_alarm_route(
    route_id: Id,
    body: RouteUpdate,
    actor: Actor = Depends(can_configure),
    session: AsyncSession = Depends(get_session),
) -> RouteOut:
    """Edit an alarm route."""
    return RouteOut.model_validate(await routing.update_route(session, actor, route_id, body))


@router.delete("/{route_id}", status_code=204, responses=WRITE_ERRORS)
async def delete_alarm_route(
    route_id: Id, actor: Actor = Depends(can_configure), session: AsyncSession = Depends(get_session)
) -> Response:
    """Remove an alarm route."""
    await routing.delete_route(session, actor, route_id)
    return Response(status_code=204)
