"""Risk colour and warning API: the map's colours with their reasons, warnings and their closure."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.db import MAX_ID
from anguan.core.errors import Conflict, Forbidden, NotAuthenticated, NotFound, Unprocessable, error_responses
from anguan.core.schemas import RequestModel
from anguan.core.time import utcnow
from anguan.core.timeline import AuditActor
from anguan.core.web import TransactionalRoute, get_session
from anguan.hazards import risk
from anguan.hazards.models import RiskState, RiskWarning
from anguan.hazards.reference import RISK_MODEL_V1
from anguan.hazards.scope import visible_units
from anguan.identity import permissions as P
from anguan.identity.deps import require
from anguan.identity.schemas import Actor

router = APIRouter(prefix="/hazards", tags=["hazards"], route_class=TransactionalRoute)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class RiskOut(BaseModel):
    unit_id: int
    code: str
    name: str
    site_id: int
    area_id: int | None
    grade: int | None
    colour: str
    inherent: str
    dynamic: str
    points: float
    reasons: list[list[Any]]
    changed_at: datetime
    model_version: str
    model_label_zh: str
    model_label_en: str


class WarningOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    unit_id: int
    status: str
    colour: str
    reasons: list[list[Any]]
    raised_at: datetime
    cleared_at: datetime | None
    disposal: str | None
    cause: str | None
    measures: str | None
    closed_by: str | None
    closed_at: datetime | None


class CloseIn(RequestModel):
    disposal: str = Field(min_length=2, max_length=4000, description="处置结果")
    cause: str = Field(min_length=2, max_length=4000, description="原因分析")
    measures: str = Field(min_length=2, max_length=4000, description="整改措施")


@router.get("/risk", response_model=list[RiskOut], responses=error_responses(NotAuthenticated, Forbidden))
async def risk_colours(
    actor: Actor = Depends(require(P.HAZARDS_READ)), session: AsyncSession = Depends(get_session)
) -> list[RiskOut]:
    """Every visible unit's colour now with its reasons (provisional model, labelled so)."""
    units = await visible_units(session, actor)
    states = (await session.scalars(select(RiskState).where(RiskState.unit_id.in_(units)))).all()
    return [
        RiskOut(
            unit_id=s.unit_id,
            code=units[s.unit_id].code,
            name=units[s.unit_id].name,
            site_id=units[s.unit_id].site_id,
            area_id=units[s.unit_id].area_id,
            grade=units[s.unit_id].grade,
            colour=s.colour,
            inherent=s.inherent,
            dynamic=s.dynamic,
            points=s.points,
            reasons=s.reasons,
            changed_at=s.changed_at,
            model_version=s.model_version,
            model_label_zh=RISK_MODEL_V1.label_zh,
            model_label_en=RISK_MODEL_V1.label_en,
        )
        for s in sorted(states, key=lambda s: units[s.unit_id].code)
    ]


@router.get(
    "/warnings", response_model=list[WarningOut], responses=error_responses(NotAuthenticated, Forbidden)
)
async def warnings(
    status: Literal["open", "cleared", "closed"] | None = None,
    unit_id: int | None = Query(None, ge=1, le=MAX_ID),
    actor: Actor = Depends(require(P.HAZARDS_READ)),
    session: AsyncSession = Depends(get_session),
) -> list[RiskWarning]:
    """Risk warnings of visible units, newest first."""
    units = await visible_units(session, actor)
    stmt = (
        select(RiskWarning).where(RiskWarning.unit_id.in_(units)).order_by(RiskWarning.id.desc()).limit(500)
    )
    if status is not None:
        stmt = stmt.where(RiskWarning.status == status)
    if unit_id is not None:
        stmt = stmt.where(RiskWarning.unit_id == unit_id)
    return list((await session.scalars(stmt)).all())


@router.post(
    "/warnings/{warning_id}/close",
    response_model=WarningOut,
    responses=error_responses(NotAuthenticated, Forbidden, NotFound, Conflict, Unprocessable),
)
async def close(
    warning_id: Id,
    body: CloseIn,
    actor: Actor = Depends(require(P.HAZARDS_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> RiskWarning:
    """Report a cleared warning's disposal, cause and corrective measures (消警后上报)."""
    w = await session.get(RiskWarning, warning_id)
    if w is None or w.unit_id not in await visible_units(session, actor):
        raise NotFound("hazards.warning_not_found", id=warning_id)
    return await risk.close_warning(
        session,
        AuditActor(actor.user_id, actor.username, actor.ip),
        warning_id,
        disposal=body.disposal,
        cause=body.cause,
        measures=body.measures,
        now=utcnow(),
    )
