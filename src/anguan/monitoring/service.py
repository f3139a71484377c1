"""Monitoring business logic: points (位号), sources, alarm handling, console views, KPIs, data
quality. Functions take `(session, ...)` and never commit.

Alarm rows are shared with the ingest pipeline: operator actions change only the operator columns,
with targeted UPDATEs guarded by what the operator saw and bumping `rev` (models.py docstring).
Every operator action writes a journal row, an audit entry, and an `AlarmChanged` after commit.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import secrets
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from anguan.core.events import EventBus
from anguan.core.i18n import translate
from anguan.core.pagination import PageParams
from anguan.core.time import as_utc, utcnow
from anguan.core.timeline import AuditActor, record
from anguan.identity.schemas import Actor
from anguan.monitoring import excel, historian, kpi, rules
from anguan.monitoring import repository as repo
from anguan.monitoring.config_events import PointsChanged, SourcesChanged
from anguan.monitoring.events import AlarmChanged, AlarmCleared, AlarmRaised, AlarmView, alarm_view
from anguan.monitoring.models import Alarm, Point, Source
from anguan.monitoring.reference import GBT50493_2019, ISA182_EEMUA191_V1, GasSetpointLimits
from anguan.monitoring.repository import Scope
from anguan.monitoring.schemas import (
    POINT_KINDS,
    AlarmEventOut,
    BoardArea,
    BoardOut,
    BoardPoint,
    BulkAckOut,
    BulkSkip,
    ImportMode,
    ImportReport,
    ImportRowError,
    KpiLimitsOut,
    KpiOut,
    PointIn,
    PointUpdate,
    RejectOut,
    RejectsOut,
    SnapshotOut,
    SnapshotValue,
    SourceIn,
    SourceOut,
    SourceUpdate,
    SourceWithToken,
    StatusOut,
    TrendOut,
    TrendSeriesOut,
)
from anguan.monitoring.types import PRIORITIES, from_dt
from anguan.plant.models import Area, Site

GAS = GBT50493_2019
KPI_LIMITS = ISA182_EEMUA191_V1
HANDLING = kpi.HANDLING_V1
SETPOINTS = ("sp_ll", "sp_l", "sp_h", "sp_hh")
POINT_FIELDS = tuple(PointIn.model_fields)
POINT_DEFAULTS: dict[str, Any] = {
    k: f.get_default(call_default_factory=True)
    for k, f in PointIn.model_fields.items()
    if not f.is_required()
}
MAX_IMPORT_ROWS = 5000
MAX_TREND_POINTS = 20
MAX_TREND_DAYS = 400
MAX_KPI_DAYS = 31
SPARKLINE = timedelta(minutes=30)
SECRET_HINTS = ("password", "passwd", "secret", "token", "key", "credential")
MASK = "***"


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


# -------------------------------------------------------------- Excel


TEMPLATE_NOTES: tuple[tuple[str, str], ...] = (
    ("类型 Kind", ", ".join(POINT_KINDS)),
    ("优先级 Priority", ", ".join(PRIORITIES)),
    ("启用 Enabled", "是/否, true/false, 1/0"),
    (
        "可燃气体 Combustible gas",
        f"高报 H = 一级报警 ≤ {GAS.combustible_l1_max_lel_pct:g} %LEL, 高高报 HH = 二级报警 ≤ "
        f"{GAS.combustible_l2_max_lel_pct:g} %LEL (GB/T 50493-2019)",
    ),
    (
        "有毒气体 Toxic gas",
        f"H ≤ {GAS.toxic_l1_max_oel_ratio:g}×OEL, HH ≤ {GAS.toxic_l2_max_oel_ratio:g}×OEL; "
        f"量程不足 {GAS.toxic_l2_max_oel_ratio:g}×OEL 时 H ≤ {GAS.toxic_l1_max_idlh_ratio:g}×IDLH, "
        f"HH ≤ {GAS.toxic_l2_max_idlh_ratio:g}×IDLH (GB/T 50493-2019)",
    ),
    ("氧气 Oxygen", f"H ≤ {GAS.oxygen_high_pct:g} %, L ≥ {GAS.oxygen_low_pct:g} % (GB/T 50493-2019)"),
    (
        "导入 Import",
        "按位号匹配：已存在则更新，否则新建 / Matched by tag: existing points are updated, others created",
    ),
)


def template_xlsx() -> bytes:
    """An empty import template with its notes sheet."""
    return excel.write_xlsx("位号 Points", excel.POINT_COLUMNS, [], TEMPLATE_NOTES)


async def _code_maps(
    session: AsyncSession,
) -> tuple[dict[int, str], dict[int, str], dict[int, str], dict[int, str]]:
    sites = {s.id: s.code for s in await repo.all_sites(session)}
    areas = {a.id: a.code for a in await repo.all_areas(session)}
    sources = {s.id: s.code for s in await repo.sources(session)}
    equipment = {i: tag for i, _, tag in await repo.all_equipment_refs(session)}
    return sites, areas, sources, equipment


async def export_xlsx(session: AsyncSession, actor: Actor) -> bytes:
    """The caller's points in the import layout (export, edit, import back)."""
    points = await repo.points_in_scope(session, await repo.scope_of(session, actor))
    sites, areas, sources, equipment = await _code_maps(session)
    refs = {"site": sites, "area": areas, "source": sources, "equipment": equipment}
    ref_field = {"site": "site_id", "area": "area_id", "source": "source_id", "equipment": "equipment_id"}
    rows = []
    for p in points:
        row = []
        for col in excel.POINT_COLUMNS:
            if col.key in refs:
                ref = getattr(p, ref_field[col.key])
                row.append(refs[col.key].get(ref) if ref is not None else None)
            else:
                row.append(getattr(p, col.key))
        rows.append(row)
    return excel.write_xlsx("位号 Points", excel.POINT_COLUMNS, rows, TEMPLATE_NOTES)


# Column keys that name a row by code, and the point field each resolves to.
CODE_COLUMNS = {"site": "site_id", "area": "area_id", "source": "source_id", "equipment": "equipment_id"}
FIELD_TO_COLUMN = {v: k for k, v in CODE_COLUMNS.items()}


@dataclass
class _Planned:
    row: int
    data: dict[str, Any]
    existing: Point | None


async def import_points(
    session: AsyncSession, bus: EventBus, actor: Actor, data: bytes, mode: ImportMode, locale: str
) -> ImportReport:
    """Validate an xlsx of points and, by mode, write nothing (validate), everything or nothing
    (all_or_nothing), or the valid rows (valid_only). A broken file is a 422 with a precise code."""
    try:
        present, rows = excel.read_xlsx(data, excel.POINT_COLUMNS, max_rows=MAX_IMPORT_ROWS)
    except excel.WorkbookError as exc:
        raise Unprocessable(exc.code, **exc.params) from exc
    scope = await repo.scope_of(session, actor)
    sites = await repo.all_sites(session)
    areas = await repo.all_areas(session)
    site_by_code = {s.code: s for s in sites}
    area_by_code = {(a.site_id, a.code): a for a in areas}
    source_by_code = {s.code: s.id for s in await repo.sources(session)}
    equipment_by_tag = {(site_id, tag): i for i, site_id, tag in await repo.all_equipment_refs(session)}
    columns = {c.key: c for c in excel.POINT_COLUMNS}
    tags = [str(excel.coerce(columns["tag"], raw.get("tag")) or "") for _, raw in rows]
    existing = await repo.points_by_tag(session, [t for t in tags if t])
    refs = Refs(
        sites={s.id: s for s in sites},
        areas={a.id: a for a in areas},
        equipment_site={i: site_id for (site_id, _), i in equipment_by_tag.items()},
        source_ids=set(source_by_code.values()),
        tag_owner=await repo.point_ids_by_tag(session),
    )
    refs.point_ids = set(refs.tag_owner.values())

    errors: list[ImportRowError] = []
    planned: list[_Planned] = []
    first_row_of: dict[str, int] = {}

    def fail(row: int, fld: str, code: str, params: Mapping[str, Any]) -> None:
        column = FIELD_TO_COLUMN.get(fld, fld)
        errors.append(
            ImportRowError(
                row=row, field=column, code=code, message=translate(code, locale, field=column, **params)
            )
        )

    for rownum, raw in rows:
        values: dict[str, Any] = {}
        bad = False
        for key in present:
            try:
                values[key] = excel.coerce(columns[key], raw.get(key))
            except excel.CellError as exc:
                fail(rownum, key, exc.code, exc.params)
                bad = True
        for col in excel.POINT_COLUMNS:
            if col.required and col.key in values and values[col.key] is None:
                fail(rownum, col.key, "monitoring.import_required", {})
                bad = True
        if bad:
            continue
        tag = values["tag"]
        if tag in first_row_of:
            fail(
                rownum, "tag", "monitoring.import_duplicate_tag", {"tag": tag, "first_row": first_row_of[tag]}
            )
            continue
        first_row_of[tag] = rownum
        site = site_by_code.get(values["site"])
        if site is None:
            fail(rownum, "site", "monitoring.site_not_found", {"id": values["site"]})
            continue
        resolved: dict[str, Any] = {"site_id": site.id}
        lookups: dict[str, Mapping[Any, int]] = {
            "area": {code: a.id for (sid, code), a in area_by_code.items() if sid == site.id},
            "source": source_by_code,
            "equipment": {code: i for (sid, code), i in equipment_by_tag.items() if sid == site.id},
        }
        for key, lookup in lookups.items():
            if key not in values:
                continue
            code = values[key]
            ref_id = None if code is None else lookup.get(code)
            if code is not None and ref_id is None:
                fail(rownum, key, f"monitoring.import_unknown_{key}", {"code": code})
                bad = True
            resolved[CODE_COLUMNS[key]] = ref_id
        if bad:
            continue
        target = existing.get(tag)
        if target is not None and not scope.allows(target.site_id, target.area_id):
            fail(rownum, "tag", "identity.out_of_scope", {})
            continue
        base = _fields(target) if target is not None else dict(POINT_DEFAULTS)
        plain = {k: v for k, v in values.items() if k not in CODE_COLUMNS}
        # An empty cell means "no value": null for a nullable field, the default for the others.
        plain = {k: POINT_DEFAULTS.get(k) if v is None else v for k, v in plain.items()}
        candidate = base | plain | resolved
        try:
            checked = PointIn.model_validate(candidate).model_dump()
        except ValidationError as exc:
            for err in exc.errors():
                loc = str(err["loc"][0]) if err.get("loc") else "?"
                fail(rownum, loc, "monitoring.import_bad_value", {"detail": err.get("msg", "")})
            continue
        problems = reference_problems(
            checked, refs, scope, target.id if target else None
        ) + setpoint_problems(checked)
        if problems:
            for p in problems:
                fail(rownum, p.field, p.code, p.params)
            continue
        if checked["console"] is None:
            area = refs.areas.get(checked["area_id"]) if checked["area_id"] is not None else None
            checked["console"] = (
                target.console
                if target is not None and target.area_id == checked["area_id"]
                else _default_console(area)
            )
        planned.append(_Planned(rownum, checked, target))

    failed_rows = {e.row for e in errors}
    write = mode == "valid_only" or (mode == "all_or_nothing" and not errors)
    created = updated = 0
    ids: list[int] = []
    if write:
        for item in planned:
            if item.existing is None:
                point = Point(**item.data)
                session.add(point)
                await session.flush()
                created += 1
            else:
                point = item.existing
                for k, v in item.data.items():
                    if getattr(point, k) != v:
                        setattr(point, k, v)
                await session.flush()
                await _mirror_alarms(session, bus, point)
                updated += 1
            ids.append(point.id)
        if ids:
            await record(
                session,
                _who(actor),
                "monitoring.points_imported",
                target_type="point",
                detail={
                    "mode": mode,
                    "created": created,
                    "updated": updated,
                    "tags": [i.data["tag"] for i in planned][:200],
                },
            )
            bus.emit(session, PointsChanged(change="imported", point_ids=ids))
    return ImportReport(
        mode=mode,
        total_rows=len(rows),
        valid_rows=len(rows) - len(failed_rows),
        created=created,
        updated=updated,
        written=write and bool(ids),
        errors=sorted(errors, key=lambda e: (e.row, e.field)),
    )


# ============================================================== sources


def _redact(config: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: (MASK if any(h in k.lower() for h in SECRET_HINTS) and v not in (None, "") else v)
        for k, v in config.items()
    }


def source_out(s: Source, token: str | None = None) -> SourceWithToken:
    """A source as the API returns it: secret-looking config values masked, the token only when new."""
    return SourceWithToken(
        id=s.id,
        code=s.code,
        name=s.name,
        kind=s.kind,
        enabled=s.enabled,
        config=_redact(s.config or {}),
        has_token=s.token_hash is not None,
        last_seen_at=s.last_seen_at,
        created_at=s.created_at,
        updated_at=s.updated_at,
        token=token,
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _require_all_data(actor: Actor) -> None:
    # Sources serve every site: only callers with the whole enterprise in scope configure them.
    if not actor.all_data:
        raise Forbidden("identity.out_of_scope")


async def list_sources(session: AsyncSession) -> list[SourceOut]:
    """Every data source (secrets masked)."""
    return [
        SourceOut.model_validate(source_out(s).model_dump(exclude={"token"}))
        for s in await repo.sources(session)
    ]


async def create_source(
    session: AsyncSession, bus: EventBus, actor: Actor, body: SourceIn
) -> SourceWithToken:
    """Register a data source; an HTTP batch source gets a token, shown in this answer only."""
    _require_all_data(actor)
    if await repo.source_by_code(session, body.code) is not None:
        raise Conflict("monitoring.source_code_taken", code=body.code)
    token = secrets.token_urlsafe(32) if body.kind == "http" else None
    s = Source(
        code=body.code,
        name=body.name,
        kind=body.kind,
        enabled=body.enabled,
        config=body.config,
        token_hash=_digest(token) if token else None,
    )
    session.add(s)
    await session.flush()
    await record(
        session,
        _who(actor),
        "monitoring.source_created",
        target_type="source",
        target_id=s.id,
        detail={"code": s.code, "kind": s.kind},
    )
    bus.emit(session, SourcesChanged(change="created", source_id=s.id))
    return source_out(s, token)


async def _get_source(session: AsyncSession, source_id: int) -> Source:
    s = await repo.source(session, source_id)
    if s is None:
        raise NotFound("monitoring.source_not_found", id=source_id)
    return s


async def update_source(
    session: AsyncSession, bus: EventBus, actor: Actor, source_id: int, body: SourceUpdate
) -> SourceWithToken:
    """Rename, enable/disable or reconfigure a source; a masked secret sent back keeps its value."""
    _require_all_data(actor)
    s = await _get_source(session, source_id)
    changes = body.model_dump(exclude_unset=True)
    if "config" in changes:
        old = s.config or {}
        changes["config"] = {
            k: (old.get(k) if v == MASK and k in old else v) for k, v in changes["config"].items()
        }
    for k, v in changes.items():
        setattr(s, k, v)
    await session.flush()
    await record(
        session,
        _who(actor),
        "monitoring.source_updated",
        target_type="source",
        target_id=s.id,
        detail={"code": s.code, "changes": _redact({k: v for k, v in changes.items() if k != "config"})}
        | ({"config_keys": sorted(changes["config"])} if "config" in changes else {}),
    )
    bus.emit(session, SourcesChanged(change="updated", source_id=s.id))
    return source_out(s)


async def rotate_source_token(
    session: AsyncSession, bus: EventBus, actor: Actor, source_id: int
) -> SourceWithToken:
    """Issue a new HTTP batch token (the old one stops working at commit)."""
    _require_all_data(actor)
    s = await _get_source(session, source_id)
    if s.kind != "http":
        raise Conflict("monitoring.source_not_http", code=s.code)
    token = secrets.token_urlsafe(32)
    s.token_hash = _digest(token)
    await session.flush()
    await record(
        session,
        _who(actor),
        "monitoring.source_token_rotated",
        target_type="source",
        target_id=s.id,
        detail={"code": s.code},
    )
    bus.emit(session, SourcesChanged(change="token_rotated", source_id=s.id))
    return source_out(s, token)


async def source_by_token(session: AsyncSession, token: str) -> Source | None:
    """The enabled HTTP source a batch-ingest bearer token belongs to (None: refuse the request)."""
    if not token or len(token) > 200:
        return None
    return await repo.source_by_token_hash(session, _digest(token))


# ============================================================== alarms


async def _visible_alarm(session: AsyncSession, actor: Actor, alarm_id: int) -> tuple[Alarm, Point]:
    found = await repo.alarm_with_point(session, alarm_id)
    if found is None:
        raise NotFound("monitoring.alarm_not_found", id=alarm_id)
    if not (await repo.scope_of(session, actor)).allows(found[0].site_id, found[0].area_id):
        raise Forbidden("identity.out_of_scope")
    return found


async def list_alarms(
    session: AsyncSession, actor: Actor, params: PageParams, **filters: Any
) -> tuple[list[AlarmView], int]:
    """A page of alarm conditions within the caller's scope (default: annunciated, console order)."""
    rows, total = await repo.alarms_page(
        session, await repo.scope_of(session, actor), params, utcnow(), **filters
    )
    return [alarm_view(a, p) for a, p in rows], total


async def get_alarm(session: AsyncSession, actor: Actor, alarm_id: int) -> AlarmView:
    """One alarm condition."""
    return alarm_view(*await _visible_alarm(session, actor, alarm_id))


async def alarm_events(
    session: AsyncSession, actor: Actor, alarm_id: int, params: PageParams
) -> tuple[list[AlarmEventOut], int]:
    """The journal of one alarm, newest first by default."""
    await _visible_alarm(session, actor, alarm_id)
    rows, total = await repo.alarm_events_page(session, alarm_id, params)
    return [
        AlarmEventOut(
            id=e.id,
            alarm_id=e.alarm_id,
            ts=e.ts,
            kind=e.kind,
            occurrence=e.occurrence,
            priority=e.priority,
            value=e.value,
            actor_id=e.actor_id,
            actor_name=name,
            note=e.note,
        )
        for e, name in rows
    ], total


def _cleared(alarm: Alarm, point: Point, at: datetime) -> AlarmCleared:
    return AlarmCleared(
        alarm_id=alarm.id,
        point_id=alarm.point_id,
        condition=alarm.condition,
        site_id=alarm.site_id,
        area_id=alarm.area_id,
        hazard_source_id=point.hazard_source_id,
        at=at,
    )


async def _after_action(
    session: AsyncSession,
    bus: EventBus,
    actor: Actor | None,
    alarm_id: int,
    kind: str,
    at: datetime,
    *,
    note: str | None = None,
    detail: Mapping[str, Any] | None = None,
    audit_action: str | None = None,
) -> tuple[Alarm, Point]:
    """Journal row, audit entry and AlarmChanged for an operator action already applied."""
    found = await repo.alarm_with_point(session, alarm_id)
    assert found is not None
    alarm, point = found
    await repo.add_alarm_event(session, alarm, kind, at, actor.user_id if actor else None, note)
    await record(
        session,
        _who(actor),
        audit_action or f"monitoring.alarm_{kind}",
        target_type="alarm",
        target_id=alarm.id,
        detail={
            "tag": point.tag,
            "condition": alarm.condition,
            "occurrence": alarm.occurrence,
            **(detail or {}),
        },
    )
    bus.emit(session, AlarmChanged(change=kind, alarm=alarm_view(alarm, point)))
    return alarm, point


async def _ack(
    session: AsyncSession, bus: EventBus, actor: Actor, alarm: Alarm, occurrence: int
) -> AlarmView:
    now = utcnow()
    applied = await repo.update_alarm(
        session,
        alarm.id,
        [Alarm.occurrence == occurrence, Alarm.acked.is_(False), Alarm.oos.is_(False)],
        {"acked": True, "acked_at": now, "acked_by": actor.user_id},
    )
    if not applied:
        # The engine re-activated (or the alarm changed) between the read and the update.
        raise Conflict("monitoring.alarm_occurrence_changed", given=occurrence)
    alarm, point = await _after_action(session, bus, actor, alarm.id, "acknowledged", now)
    if not alarm.active:
        # rtn_unack → normal: linkage may release what the alarm held (durable: outbox).
        bus.emit(session, _cleared(alarm, point, now), durable=True)
    return alarm_view(alarm, point)


async def ack_alarm(
    session: AsyncSession, bus: EventBus, actor: Actor, alarm_id: int, occurrence: int
) -> AlarmView:
    """Acknowledge the occurrence the operator saw; a newer occurrence is a 409."""
    alarm, _ = await _visible_alarm(session, actor, alarm_id)
    if alarm.oos:
        raise Conflict("monitoring.alarm_out_of_service")
    if alarm.occurrence != occurrence:
        raise Conflict("monitoring.alarm_occurrence_changed", given=occurrence, current=alarm.occurrence)
    if alarm.acked:
        raise Conflict("monitoring.alarm_already_acked")
    return await _ack(session, bus, actor, alarm, occurrence)


async def ack_alarms(session: AsyncSession, bus: EventBus, actor: Actor, ids: Sequence[int]) -> BulkAckOut:
    """Acknowledge the current occurrence of several alarms; the others are reported, not failed."""
    scope = await repo.scope_of(session, actor)
    acked: list[AlarmView] = []
    skipped: list[BulkSkip] = []
    for alarm_id in dict.fromkeys(ids):
        found = await repo.alarm_with_point(session, alarm_id)
        if found is None or not scope.allows(found[0].site_id, found[0].area_id):
            skipped.append(BulkSkip(id=alarm_id, code="monitoring.alarm_not_found"))
            continue
        alarm = found[0]
        if alarm.oos:
            skipped.append(BulkSkip(id=alarm_id, code="monitoring.alarm_out_of_service"))
        elif alarm.acked:
            skipped.append(BulkSkip(id=alarm_id, code="monitoring.alarm_already_acked"))
        else:
            try:
                acked.append(await _ack(session, bus, actor, alarm, alarm.occurrence))
            except Conflict as exc:
                skipped.append(BulkSkip(id=alarm_id, code=exc.instance_code))
    return BulkAckOut(acked=acked, skipped=skipped)


def _shelved(alarm: Alarm, now: datetime) -> bool:
    return alarm.shelved_until is not None and alarm.shelved_until > now


async def shelve_alarm(
    session: AsyncSession, bus: EventBus, actor: Actor, alarm_id: int, reason: str, minutes: int
) -> AlarmView:
    """Timed shelving (OPC UA Part 9) with a reason, at most `MAX_SHELVE_MINUTES`."""
    if minutes > HANDLING.max_shelve_minutes:
        raise Unprocessable(
            "monitoring.shelve_too_long", max_minutes=HANDLING.max_shelve_minutes, minutes=minutes
        )
    alarm, _ = await _visible_alarm(session, actor, alarm_id)
    now = utcnow()
    if alarm.oos:
        raise Conflict("monitoring.alarm_out_of_service")
    if _shelved(alarm, now):
        raise Conflict("monitoring.alarm_already_shelved")
    until = now + timedelta(minutes=minutes)
    if not await repo.update_alarm(
        session,
        alarm.id,
        [Alarm.oos.is_(False)],
        {"shelved_until": until, "shelved_by": actor.user_id, "shelve_reason": reason},
    ):
        raise Conflict("monitoring.alarm_out_of_service")
    alarm, point = await _after_action(
        session,
        bus,
        actor,
        alarm.id,
        "shelved",
        now,
        note=reason,
        detail={"minutes": minutes, "reason": reason},
    )
    return alarm_view(alarm, point)


async def unshelve_alarm(session: AsyncSession, bus: EventBus, actor: Actor, alarm_id: int) -> AlarmView:
    """End a shelving early."""
    alarm, _ = await _visible_alarm(session, actor, alarm_id)
    if alarm.shelved_until is None:
        raise Conflict("monitoring.alarm_not_shelved")
    now = utcnow()
    await repo.update_alarm(
        session, alarm.id, [], {"shelved_until": None, "shelved_by": None, "shelve_reason": None}
    )
    alarm, point = await _after_action(session, bus, actor, alarm.id, "unshelved", now)
    return alarm_view(alarm, point)


async def unshelve_expired(session: AsyncSession, bus: EventBus, now: datetime) -> int:
    """Worker job: end expired shelving; a still-active alarm is annunciated again (unacknowledged,
    requirements AL-7). Returns how many alarms were unshelved."""
    done = 0
    for alarm, _ in await repo.expired_shelves(session, now):
        clear = {"shelved_until": None, "shelved_by": None, "shelve_reason": None}
        guard = [Alarm.shelved_until == alarm.shelved_until]
        reannunciated = await repo.update_alarm(
            session,
            alarm.id,
            [*guard, Alarm.active.is_(True), Alarm.oos.is_(False)],
            clear | {"acked": False, "acked_at": None, "acked_by": None},
        )
        if not reannunciated and not await repo.update_alarm(session, alarm.id, guard, clear):
            continue
        found = await repo.alarm_with_point(session, alarm.id)
        assert found is not None
        fresh, point = found
        await repo.add_alarm_event(session, fresh, "unshelved", now, None, "expired")
        if reannunciated:
            await repo.add_alarm_event(session, fresh, "reannunciated", now, None)
        await record(
            session,
            None,
            "monitoring.alarm_unshelved",
            target_type="alarm",
            target_id=fresh.id,
            detail={
                "tag": point.tag,
                "condition": fresh.condition,
                "expired": True,
                "reannunciated": reannunciated,
            },
        )
        bus.emit(
            session,
            AlarmChanged(
                change="reannunciated" if reannunciated else "unshelved", alarm=alarm_view(fresh, point)
            ),
        )
        done += 1
    return done


async def take_out_of_service(
    session: AsyncSession, bus: EventBus, actor: Actor, alarm_id: int, reason: str
) -> AlarmView:
    """Out of service for maintenance (OPC UA Part 9, with permission); ends any shelving."""
    alarm, _ = await _visible_alarm(session, actor, alarm_id)
    if alarm.oos:
        raise Conflict("monitoring.alarm_out_of_service")
    now = utcnow()
    if not await repo.update_alarm(
        session,
        alarm.id,
        [Alarm.oos.is_(False)],
        {
            "oos": True,
            "oos_by": actor.user_id,
            "oos_reason": reason,
            "shelved_until": None,
            "shelved_by": None,
            "shelve_reason": None,
        },
    ):
        raise Conflict("monitoring.alarm_out_of_service")
    alarm, point = await _after_action(
        session,
        bus,
        actor,
        alarm.id,
        "oos",
        now,
        note=reason,
        detail={"reason": reason},
        audit_action="monitoring.alarm_out_of_service",
    )
    bus.emit(session, _cleared(alarm, point, now), durable=True)
    return alarm_view(alarm, point)


async def return_to_service(session: AsyncSession, bus: EventBus, actor: Actor, alarm_id: int) -> AlarmView:
    """Back in service; an alarm still active is annunciated afresh (unacknowledged, raised again)."""
    alarm, _ = await _visible_alarm(session, actor, alarm_id)
    if not alarm.oos:
        raise Conflict("monitoring.alarm_in_service")
    now = utcnow()
    values: dict[str, Any] = {"oos": False, "oos_by": None, "oos_reason": None}
    if alarm.active:
        values |= {"acked": False, "acked_at": None, "acked_by": None}
    if not await repo.update_alarm(
        session, alarm.id, [Alarm.oos.is_(True), Alarm.active.is_(alarm.active)], values
    ):
        raise Conflict("monitoring.alarm_occurrence_changed", given=alarm.occurrence)
    alarm, point = await _after_action(session, bus, actor, alarm.id, "in_service", now)
    if alarm.active:
        bus.emit(
            session,
            AlarmRaised(
                alarm_id=alarm.id,
                point_id=point.id,
                tag=point.tag,
                kind=point.kind,
                condition=alarm.condition,
                priority=alarm.priority,
                site_id=alarm.site_id,
                area_id=alarm.area_id,
                equipment_id=point.equipment_id,
                hazard_source_id=point.hazard_source_id,
                value=alarm.value,
                limit=alarm.limit,
                at=now,
            ),
            durable=True,
        )
    return alarm_view(alarm, point)


async def comment_alarm(
    session: AsyncSession, bus: EventBus, actor: Actor, alarm_id: int, text: str
) -> AlarmView:
    """Add a note (cause, disposal) to the alarm's journal."""
    alarm, _ = await _visible_alarm(session, actor, alarm_id)
    await repo.update_alarm(session, alarm.id, [], {})
    alarm, point = await _after_action(
        session,
        bus,
        actor,
        alarm.id,
        "comment",
        utcnow(),
        note=text,
        audit_action="monitoring.alarm_commented",
    )
    return alarm_view(alarm, point)


# ============================================================== console views


async def snapshot(
    session: AsyncSession, actor: Actor, site_id: int | None, area_id: int | None
) -> SnapshotOut:
    """Current values and active/unacknowledged alarms: what a console loads before it follows the
    realtime topics (it then drops changes whose `rev` / `t` are not newer)."""
    now = utcnow()
    scope = await repo.scope_of(session, actor)
    points = await repo.points_in_scope(session, scope, site_id=site_id, area_id=area_id, enabled=True)
    ids = [p.id for p in points]
    current = await repo.current_values(session, ids)
    worst = await repo.worst_alarms(session, ids)
    values = [
        SnapshotValue(
            point_id=p.id,
            tag=p.tag,
            t=from_dt(c.ts),
            value=c.value,
            quality=c.quality,
            alarm_state=worst[p.id][0] if p.id in worst else None,
            alarm_priority=worst[p.id][1] if p.id in worst else None,
        )
        for p in points
        if (c := current.get(p.id)) is not None
    ]
    alarms = [
        alarm_view(a, p) for a, p in await repo.annunciation_candidates(session, scope, site_id, area_id)
    ]
    return SnapshotOut(at=now, values=values, alarms=alarms)


async def board(session: AsyncSession, actor: Actor, site_id: int | None, area_id: int | None) -> BoardOut:
    """Per area: each point's value, set-points, worst alarm and a 30-minute sparkline."""
    now = utcnow()
    scope = await repo.scope_of(session, actor)
    points = await repo.points_in_scope(session, scope, site_id=site_id, area_id=area_id, enabled=True)
    ids = [p.id for p in points]
    current = await repo.current_values(session, ids)
    worst = await repo.worst_alarms(session, ids)
    # The closed minutes of the last half hour (the open minute is not in mon_rollup_1m yet).
    since = now.replace(second=0, microsecond=0) - SPARKLINE
    lines = await repo.sparklines(session, ids, since)
    areas = {a.id: a for a in await repo.all_areas(session)}
    grouped: dict[tuple[int, int | None], list[BoardPoint]] = defaultdict(list)
    for p in points:
        c = current.get(p.id)
        grouped[(p.site_id, p.area_id)].append(
            BoardPoint(
                point_id=p.id,
                tag=p.tag,
                name=p.name,
                kind=p.kind,
                unit=p.unit,
                range_lo=p.range_lo,
                range_hi=p.range_hi,
                sp_hh=p.sp_hh,
                sp_h=p.sp_h,
                sp_l=p.sp_l,
                sp_ll=p.sp_ll,
                t=from_dt(c.ts) if c else None,
                value=c.value if c else None,
                quality=c.quality if c else None,
                alarm_state=worst[p.id][0] if p.id in worst else None,
                alarm_priority=worst[p.id][1] if p.id in worst else None,
                sparkline=lines.get(p.id, [])[-30:],
            )
        )
    out = []
    for (sid, aid), pts in sorted(
        grouped.items(), key=lambda kv: (kv[0][0], areas[kv[0][1]].code if kv[0][1] in areas else "")
    ):
        area = areas.get(aid) if aid is not None else None
        out.append(
            BoardArea(
                area_id=aid,
                area_code=area.code if area else None,
                area_name=area.name if area else None,
                site_id=sid,
                points=pts,
            )
        )
    return BoardOut(at=now, areas=out)


# ============================================================== trends


def check_range(start: datetime, end: datetime, max_days: int) -> tuple[datetime, datetime]:
    """Both ends as aware UTC; 422 unless start < end and the span is at most `max_days`."""
    start, end = as_utc(start), as_utc(end)
    if not start < end:
        raise Unprocessable("monitoring.time_range_invalid")
    if end - start > timedelta(days=max_days):
        raise Unprocessable("monitoring.time_range_too_long", max_days=max_days)
    return start, end


async def _trend_points(session: AsyncSession, actor: Actor, point_ids: Sequence[int]) -> list[Point]:
    if not 1 <= len(point_ids) <= MAX_TREND_POINTS:
        raise Unprocessable("monitoring.bad_point_ids", max=MAX_TREND_POINTS)
    return [await get_point(session, actor, pid) for pid in dict.fromkeys(point_ids)]


async def trend(
    session: AsyncSession,
    actor: Actor,
    point_ids: Sequence[int],
    start: datetime,
    end: datetime,
    max_points: int,
) -> TrendOut:
    """Trend of up to 20 points over at most 400 days, ≤ `max_points` per series, extremes kept."""
    start, end = check_range(start, end, MAX_TREND_DAYS)
    points = await _trend_points(session, actor, point_ids)
    by_id = {p.id: p for p in points}
    series = await historian.trend(session, [p.id for p in points], start, end, max_points)
    return TrendOut(
        start=start,
        end=end,
        series=[
            TrendSeriesOut(
                point_id=s.point_id,
                tag=s.tag,
                name=by_id[s.point_id].name,
                unit=by_id[s.point_id].unit,
                tier=s.tier,
                held=s.held,
                points=[(tp.t, tp.value, tp.vmin, tp.vmax, tp.quality) for tp in s.points],
            )
            for s in series
        ],
    )


async def trend_export(
    session: AsyncSession, actor: Actor, point_ids: Sequence[int], start: datetime, end: datetime, fmt: str
) -> tuple[bytes, str]:
    """The stored rows of the finest tier that fits, as CSV or XLSX, and a file name."""
    start, end = check_range(start, end, MAX_TREND_DAYS)
    points = await _trend_points(session, actor, point_ids)
    try:
        series = await historian.export_rows(session, [p.id for p in points], start, end)
    except historian.ExportTooLarge as exc:
        raise Unprocessable("monitoring.export_too_large", rows=exc.rows, limit=exc.limit) from exc
    site = await repo.site(session, points[0].site_id)
    tz = site.timezone if site is not None else "Asia/Shanghai"
    data = historian.to_csv(series, tz) if fmt == "csv" else historian.to_xlsx(series, tz)
    name = f"trend_{start:%Y%m%dT%H%M}Z_{end:%Y%m%dT%H%M}Z.{fmt}"
    return data, name


# ============================================================== KPI, data quality


async def kpi_report(
    session: AsyncSession, actor: Actor, start: datetime, end: datetime, console: str | None
) -> KpiOut:
    """ISA-18.2 / EEMUA 191 KPIs per console over [start, end) of at most 31 days (requirements §7.3)."""
    start, end = check_range(start, end, MAX_KPI_DAYS)
    now = utcnow()
    scope = await repo.scope_of(session, actor)
    window = timedelta(seconds=KPI_LIMITS.flood_window_s)
    rows = await repo.activations(session, scope, start - window, end, console)
    standing_rows = await repo.standing_alarms(session, scope, console)
    acts: dict[str, list[kpi.Activation]] = defaultdict(list)
    for r in rows:
        acts[r.console].append(
            kpi.Activation(r.alarm_id, r.point_id, r.tag, r.condition, r.console, r.priority, r.ts)
        )
    standing: dict[str, list[kpi.Standing]] = defaultdict(list)
    for r in standing_rows:
        standing[r.console].append(
            kpi.Standing(r.id, r.point_id, r.tag, r.condition, r.console, r.priority, r.activated_at)
        )
    consoles = sorted({c for c, a in acts.items() if any(x.ts >= start for x in a)} | set(standing))
    if console is not None:
        consoles = [console]
    lim = KPI_LIMITS
    return KpiOut(
        start=start,
        end=end,
        at=now,
        limits=KpiLimitsOut(
            version=lim.version,
            per_10min_acceptable=lim.per_10min_acceptable,
            per_10min_max=lim.per_10min_max,
            per_day_acceptable=lim.per_day_acceptable,
            per_day_max=lim.per_day_max,
            flood_start_above=lim.flood_start_above,
            flood_end_below=lim.flood_end_below,
            flood_window_s=lim.flood_window_s,
            chatter_window_s=lim.chatter_window_s,
            chatter_min_activations=lim.chatter_min_activations,
            stale_after_s=lim.stale_after_s,
        ),
        consoles=[
            kpi.console_kpi(c, acts.get(c, []), standing.get(c, []), start, end, now, lim) for c in consoles
        ],
    )


async def rejects(session: AsyncSession, hours: int) -> RejectsOut:
    """Rejected input of the last `hours`, per source and reason, with the latest detail."""
    now = utcnow()
    since = (now - timedelta(hours=hours)).replace(minute=0, second=0, microsecond=0)
    totals: dict[tuple[str, str], RejectOut] = {}
    for r in await repo.rejects_since(session, since):
        key = (r.source, r.reason)
        prev = totals.get(key)
        if prev is None:
            totals[key] = RejectOut(
                source=r.source, reason=r.reason, count=r.count, last_at=r.last_at, last_detail=r.last_detail
            )
        else:
            newer = r.last_at >= prev.last_at
            totals[key] = RejectOut(
                source=r.source,
                reason=r.reason,
                count=prev.count + r.count,
                last_at=r.last_at if newer else prev.last_at,
                last_detail=r.last_detail if newer else prev.last_detail,
            )
    items = sorted(totals.values(), key=lambda x: (-x.count, x.source, x.reason))
    return RejectsOut(since=since, items=items)


async def status(session: AsyncSession, actor: Actor, site_id: int | None) -> StatusOut:
    """Online rate (AQ 3064.1 §6.2 c) over enabled points, and alarm counts."""
    now = utcnow()
    scope = await repo.scope_of(session, actor)
    points = await repo.points_in_scope(session, scope, site_id=site_id)
    enabled = [p for p in points if p.enabled]
    current = await repo.current_values(session, [p.id for p in enabled])
    online = sum(
        1
        for p in enabled
        if (c := current.get(p.id)) is not None
        and not rules.data_stale(c.ts, timedelta(seconds=p.expected_interval_s), now)
    )
    by_priority, unacked = await repo.alarm_counts(session, scope, site_id)
    return StatusOut(
        at=now,
        points_total=len(points),
        points_configured=len(enabled),
        points_online=online,
        online_rate=round(rules.online_rate(online, len(enabled)), 4),
        active_alarms=by_priority,
        unacked_alarms=unacked,
    )
