"""Monitoring business logic, one import for callers: points, sources, alarm handling, console
views, KPIs, data quality. Functions take `(session, ...)` and never commit.

The logic lives in point_service, source_service, alarm_service and view_service; this module
re-exports their public names and holds the Excel import/export of points (its `MAX_IMPORT_ROWS`
is read here at call time, so tests can lower it on this module).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core.errors import Unprocessable
from anguan.core.events import EventBus
from anguan.core.i18n import translate
from anguan.core.timeline import record
from anguan.identity.schemas import Actor
from anguan.monitoring import excel
from anguan.monitoring import repository as repo
from anguan.monitoring.alarm_service import (
    HANDLING,
    ack_alarm,
    ack_alarms,
    alarm_events,
    comment_alarm,
    get_alarm,
    list_alarms,
    return_to_service,
    shelve_alarm,
    take_out_of_service,
    unshelve_alarm,
    unshelve_expired,
)
from anguan.monitoring.config_events import PointsChanged
from anguan.monitoring.models import Point
from anguan.monitoring.point_service import (
    GAS,
    GAS_RULE_CODES,
    POINT_DEFAULTS,
    POINT_FIELDS,
    SETPOINTS,
    Problem,
    Refs,
    _default_console,
    _fields,
    _mirror_alarms,
    _who,
    create_point,
    delete_point,
    get_point,
    list_points,
    reference_problems,
    setpoint_problems,
    update_point,
)
from anguan.monitoring.schemas import POINT_KINDS, ImportMode, ImportReport, ImportRowError, PointIn
from anguan.monitoring.source_service import (
    MASK,
    SECRET_HINTS,
    create_source,
    list_sources,
    rotate_source_token,
    source_by_token,
    source_out,
    update_source,
)
from anguan.monitoring.types import PRIORITIES
from anguan.monitoring.view_service import (
    KPI_LIMITS,
    MAX_KPI_DAYS,
    MAX_TREND_DAYS,
    MAX_TREND_POINTS,
    SPARKLINE,
    board,
    check_range,
    kpi_report,
    rejects,
    snapshot,
    status,
    trend,
    trend_export,
)

__all__ = [
    "CODE_COLUMNS",
    "FIELD_TO_COLUMN",
    "GAS",
    "GAS_RULE_CODES",
    "HANDLING",
    "KPI_LIMITS",
    "MASK",
    "MAX_IMPORT_ROWS",
    "MAX_KPI_DAYS",
    "MAX_TREND_DAYS",
    "MAX_TREND_POINTS",
    "POINT_DEFAULTS",
    "POINT_FIELDS",
    "SECRET_HINTS",
    "SETPOINTS",
    "SPARKLINE",
    "TEMPLATE_NOTES",
    "Problem",
    "Refs",
    "ack_alarm",
    "ack_alarms",
    "alarm_events",
    "board",
    "check_range",
    "comment_alarm",
    "create_point",
    "create_source",
    "delete_point",
    "export_xlsx",
    "get_alarm",
    "get_point",
    "import_points",
    "kpi_report",
    "list_alarms",
    "list_points",
    "list_sources",
    "reference_problems",
    "rejects",
    "return_to_service",
    "rotate_source_token",
    "setpoint_problems",
    "shelve_alarm",
    "snapshot",
    "source_by_token",
    "source_out",
    "status",
    "take_out_of_service",
    "template_xlsx",
    "trend",
    "trend_export",
    "unshelve_alarm",
    "unshelve_expired",
    "update_point",
    "update_source",
]

MAX_IMPORT_ROWS = 5000


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
