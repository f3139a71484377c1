"""Monitoring points (位号): set-point and reference checks, CRUD, and the audit actor helper."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from anguan.core.events import EventBus
from anguan.core.pagination import PageParams
from anguan.core.timeline import AuditActor, record
from anguan.identity.schemas import Actor
from anguan.monitoring import repository as repo
from anguan.monitoring import rules
from anguan.monitoring.config_events import PointsChanged
from anguan.monitoring.events import AlarmChanged, alarm_view
from anguan.monitoring.models import Point
from anguan.monitoring.reference import GBT50493_2019, GasSetpointLimits
from anguan.monitoring.repository import Scope
from anguan.monitoring.schemas import PointIn, PointUpdate
from anguan.plant.models import Area, Site

GAS = GBT50493_2019
SETPOINTS = ("sp_ll", "sp_l", "sp_h", "sp_hh")
POINT_FIELDS = tuple(PointIn.model_fields)
POINT_DEFAULTS: dict[str, Any] = {
    k: f.get_default(call_default_factory=True)
    for k, f in PointIn.model_fields.items()
    if not f.is_required()
}


def _who(actor: Actor | None) -> AuditActor | None:
    return AuditActor(actor.user_id, actor.username, actor.ip) if actor else None


# ============================================================== points (位号)


@dataclass(frozen=True)
class Problem:
    """One reason a point configuration is refused: the field, a stable code and message params."""

    field: str
    code: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)


GAS_RULE_CODES = {
    "level1_out_of_range": ("sp_h", "monitoring.gas_level1_too_high"),
    "level2_out_of_range": ("sp_hh", "monitoring.gas_level2_too_high"),
    "level2_not_above_level1": ("sp_hh", "monitoring.gas_level2_not_above_level1"),
    "idlh_required": ("gas_idlh", "monitoring.gas_idlh_required"),
}


def setpoint_problems(d: Mapping[str, Any], gas: GasSetpointLimits = GAS) -> list[Problem]:
    """Set-points inside the range and ordered LL < L < H < HH; gas detectors per GB/T 50493-2019."""
    out: list[Problem] = []
    lo, hi = d["range_lo"], d["range_hi"]
    if not lo < hi:
        out.append(Problem("range_hi", "monitoring.range_invalid", {"range_lo": lo, "range_hi": hi}))
    else:
        for sp in SETPOINTS:
            v = d.get(sp)
            if v is not None and not lo <= v <= hi:
                out.append(
                    Problem(
                        sp,
                        "monitoring.setpoint_out_of_range",
                        {"setpoint": sp, "range_lo": lo, "range_hi": hi},
                    )
                )
    present = [(sp, d[sp]) for sp in SETPOINTS if d.get(sp) is not None]
    for (low_name, low), (high_name, high) in itertools.pairwise(present):
        if not low < high:
            out.append(
                Problem(high_name, "monitoring.setpoint_order", {"lower": low_name, "upper": high_name})
            )
    kind = d["kind"]
    if kind in ("gas_combustible", "gas_toxic"):
        # GB/T 50493-2019: two alarm levels, 一级 = H, 二级 = HH.
        missing = [sp for sp in ("sp_h", "sp_hh") if d.get(sp) is None]
        if missing:
            out.append(Problem(missing[0], "monitoring.gas_setpoints_required", {"missing": missing}))
            return out
        l1, l2 = d["sp_h"], d["sp_hh"]
        found: list[str]
        if kind == "gas_combustible":
            found = rules.combustible_setpoint_problems(l1, l2, gas)
            limits = {
                "max1": gas.combustible_l1_max_lel_pct,
                "max2": gas.combustible_l2_max_lel_pct,
                "unit": "%LEL",
            }
        else:
            oel = d.get("gas_oel")
            if oel is None:
                out.append(Problem("gas_oel", "monitoring.gas_oel_required"))
                return out
            # "测量范围不能满足上述要求": the range cannot reach the 200 %OEL level-2 bound.
            short_range = hi < gas.toxic_l2_max_oel_ratio * oel
            found = rules.toxic_setpoint_problems(
                l1, l2, oel=oel, limits=gas, idlh=d.get("gas_idlh"), range_insufficient=short_range
            )
            idlh = d.get("gas_idlh") or 0.0
            limits = (
                {
                    "max1": gas.toxic_l1_max_idlh_ratio * idlh,
                    "max2": gas.toxic_l2_max_idlh_ratio * idlh,
                    "unit": "IDLH",
                }
                if short_range
                else {
                    "max1": gas.toxic_l1_max_oel_ratio * oel,
                    "max2": gas.toxic_l2_max_oel_ratio * oel,
                    "unit": "OEL",
                }
            )
        for name in found:
            fld, code = GAS_RULE_CODES[name]
            out.append(Problem(fld, code, {"level1": l1, "level2": l2, **limits}))
    elif kind == "oxygen":
        # GB/T 50493-2019: O2 alarms above 23.5 % and below 19.5 % (v/v); tighter is allowed.
        if d.get("sp_h") is None or d["sp_h"] > gas.oxygen_high_pct:
            out.append(Problem("sp_h", "monitoring.oxygen_high_setpoint", {"max": gas.oxygen_high_pct}))
        if d.get("sp_l") is None or d["sp_l"] < gas.oxygen_low_pct:
            out.append(Problem("sp_l", "monitoring.oxygen_low_setpoint", {"min": gas.oxygen_low_pct}))
    return out


@dataclass
class Refs:
    """Rows a point may refer to, loaded once (per request, or per import file)."""

    sites: dict[int, Site] = dataclasses.field(default_factory=dict)
    areas: dict[int, Area] = dataclasses.field(default_factory=dict)
    equipment_site: dict[int, int] = dataclasses.field(default_factory=dict)
    source_ids: set[int] = dataclasses.field(default_factory=set)
    point_ids: set[int] = dataclasses.field(default_factory=set)
    tag_owner: dict[str, int] = dataclasses.field(default_factory=dict)

    @classmethod
    async def for_point(cls, session: AsyncSession, d: Mapping[str, Any]) -> Refs:
        """Only the rows this configuration names."""
        refs = cls()
        if (s := await repo.site(session, d["site_id"])) is not None:
            refs.sites[s.id] = s
        if d.get("area_id") is not None and (a := await repo.area(session, d["area_id"])) is not None:
            refs.areas[a.id] = a
        if d.get("equipment_id") is not None and (e := await repo.equipment(session, d["equipment_id"])):
            refs.equipment_site[e.id] = e.site_id
        if d.get("source_id") is not None and await repo.source(session, d["source_id"]) is not None:
            refs.source_ids.add(d["source_id"])
        if d.get("suppress_point_id") is not None and await repo.point(session, d["suppress_point_id"]):
            refs.point_ids.add(d["suppress_point_id"])
        refs.tag_owner = await repo.point_ids_by_tag(session, [d["tag"]])
        return refs


def reference_problems(d: Mapping[str, Any], refs: Refs, scope: Scope, point_id: int | None) -> list[Problem]:
    """Site, area, equipment, source and suppressing point exist and fit; scope; unique tag."""
    out: list[Problem] = []
    site_id, area_id = d["site_id"], d.get("area_id")
    if site_id not in refs.sites:
        return [Problem("site_id", "monitoring.site_not_found", {"id": site_id})]
    if area_id is not None:
        area = refs.areas.get(area_id)
        if area is None:
            out.append(Problem("area_id", "monitoring.area_not_found", {"id": area_id}))
        elif area.site_id != site_id:
            out.append(Problem("area_id", "monitoring.area_not_in_site", {"area": area.code}))
    if not scope.allows(site_id, area_id):
        out.insert(0, Problem("area_id" if area_id is not None else "site_id", "identity.out_of_scope"))
    eq = d.get("equipment_id")
    if eq is not None and refs.equipment_site.get(eq) != site_id:
        out.append(Problem("equipment_id", "monitoring.equipment_not_in_site", {"id": eq}))
    if d.get("source_id") is not None and d["source_id"] not in refs.source_ids:
        out.append(Problem("source_id", "monitoring.source_not_found", {"id": d["source_id"]}))
    sup = d.get("suppress_point_id")
    if sup is not None and (sup == point_id or sup not in refs.point_ids):
        out.append(Problem("suppress_point_id", "monitoring.suppress_point_invalid", {"id": sup}))
    owner = refs.tag_owner.get(d["tag"])
    if owner is not None and owner != point_id:
        out.append(Problem("tag", "monitoring.tag_taken", {"tag": d["tag"]}))
    return out


def _raise_first(problems: Sequence[Problem]) -> None:
    """403 for scope, 409 for a taken tag, else 422 naming the first problem (all in `problems`)."""
    if not problems:
        return
    first = next((p for p in problems if p.code == "identity.out_of_scope"), None)
    if first is not None:
        raise Forbidden("identity.out_of_scope")
    first = next((p for p in problems if p.code == "monitoring.tag_taken"), None)
    if first is not None:
        raise Conflict(first.code, **first.params)
    head = problems[0]
    raise Unprocessable(
        head.code,
        field=head.field,
        **head.params,
        problems=[{"field": p.field, "code": p.code, **p.params} for p in problems],
    )


def _default_console(area: Area | None) -> str:
    return area.code[:40] if area is not None else "main"


def _fields(p: Point) -> dict[str, Any]:
    return {f: getattr(p, f) for f in POINT_FIELDS}


async def get_point(session: AsyncSession, actor: Actor, point_id: int) -> Point:
    """One point; 404 when missing, 403 outside the data scope."""
    p = await repo.point(session, point_id)
    if p is None:
        raise NotFound("monitoring.point_not_found", id=point_id)
    if not (await repo.scope_of(session, actor)).allows(p.site_id, p.area_id):
        raise Forbidden("identity.out_of_scope")
    return p


async def list_points(
    session: AsyncSession, actor: Actor, params: PageParams, **filters: Any
) -> tuple[list[Point], int]:
    """A page of points within the caller's scope (filters: site_id, area_id, kind, q, enabled)."""
    return await repo.points_page(session, await repo.scope_of(session, actor), params, **filters)


async def create_point(session: AsyncSession, bus: EventBus, actor: Actor, body: PointIn) -> Point:
    """Add a point after checking its references, scope and set-points."""
    scope = await repo.scope_of(session, actor)
    d = body.model_dump()
    refs = await Refs.for_point(session, d)
    _raise_first(reference_problems(d, refs, scope, None) + setpoint_problems(d))
    if d["console"] is None:
        d["console"] = _default_console(refs.areas.get(d["area_id"]) if d["area_id"] else None)
    p = Point(**d)
    session.add(p)
    await session.flush()
    await record(
        session,
        _who(actor),
        "monitoring.point_created",
        target_type="point",
        target_id=p.id,
        detail={"tag": p.tag},
    )
    bus.emit(session, PointsChanged(change="created", point_ids=[p.id]))
    return p


async def update_point(
    session: AsyncSession, bus: EventBus, actor: Actor, point_id: int, body: PointUpdate
) -> Point:
    """Edit a point; its alarm rows follow its site, area, console and priorities (never deactivated:
    a removed set-point's alarm is returned by the engine)."""
    p = await get_point(session, actor, point_id)
    scope = await repo.scope_of(session, actor)
    changes = body.model_dump(exclude_unset=True)
    d = _fields(p) | changes
    refs = await Refs.for_point(session, d)
    _raise_first(reference_problems(d, refs, scope, p.id) + setpoint_problems(d))
    if d["console"] is None or ("area_id" in changes and "console" not in changes):
        # A console left empty, or one derived from the old area, follows the new area.
        old_area = await repo.area(session, p.area_id) if p.area_id is not None else None
        if d["console"] is None or p.console == _default_console(old_area):
            d["console"] = _default_console(refs.areas.get(d["area_id"]) if d["area_id"] else None)
    changed = {k: v for k, v in d.items() if getattr(p, k) != v}
    for k, v in changed.items():
        setattr(p, k, v)
    await session.flush()
    await _mirror_alarms(session, bus, p)
    await record(
        session,
        _who(actor),
        "monitoring.point_updated",
        target_type="point",
        target_id=p.id,
        detail={"tag": p.tag, "changes": changed},
    )
    bus.emit(session, PointsChanged(change="updated", point_ids=[p.id]))
    return p


async def _mirror_alarms(session: AsyncSession, bus: EventBus, p: Point) -> None:
    for alarm_id in await repo.mirror_point_to_alarms(session, p):
        found = await repo.alarm_with_point(session, alarm_id)
        if found is not None:
            bus.emit(session, AlarmChanged(change="reconfigured", alarm=alarm_view(*found)))


async def delete_point(session: AsyncSession, bus: EventBus, actor: Actor, point_id: int) -> None:
    """Delete a point that has no alarm history (one with history is disabled instead)."""
    p = await get_point(session, actor, point_id)
    if await repo.point_has_journal(session, p.id):
        raise Conflict("monitoring.point_has_history", tag=p.tag)
    tag = p.tag
    session.expunge(p)
    await repo.delete_point(session, point_id)
    await record(
        session,
        _who(actor),
        "monitoring.point_deleted",
        target_type="point",
        target_id=point_id,
        detail={"tag": tag},
    )
    bus.emit(session, PointsChanged(change="deleted", point_ids=[point_id]))
