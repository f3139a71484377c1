"""Excel template, export and import of every register, with a row-level report.

Columns are the register's fields (bilingual headers). Choice fields accept the code, the Chinese or
the English label; references carry the referenced row's natural key (site code, area code within the
row's site, department code, contractor USCC, person ID number, process code, equipment or interlock
tag). A row whose natural key matches an existing row updates it; otherwise it is created. Modes:
`validate` writes nothing; `all_or_nothing` writes only when every row is valid; `valid_only` writes
the valid rows. A broken file is refused as a whole (422).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics import register_service as svc
from anguan.basics import settings_service
from anguan.basics.refs import Refs
from anguan.basics.registry import Field, FieldProblem, Register
from anguan.basics.schemas import ImportMode, ImportReport, ImportRowError
from anguan.basics.scope import can_see
from anguan.basics.values import PLANT_TZ, clean
from anguan.core import excel
from anguan.core.errors import Forbidden, Unprocessable
from anguan.core.i18n import translate
from anguan.core.time import utcnow
from anguan.core.timeline import record
from anguan.identity import permissions as P
from anguan.identity.schemas import Actor

MAX_IMPORT_ROWS = 10_000
_CELL = {
    "str": "str",
    "text": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "date": "date",
    "datetime": "datetime",
    "enum": "str",
    "enums": "list",
    "tags": "list",
    "ref": "str",
}
REF_SUFFIX = {
    "site": ("编码", "code"),
    "area": ("编码", "code"),
    "department": ("编码", "code"),
    "contractor": ("信用代码", "USCC"),
    "person": ("身份证号", "ID number"),
    "process": ("编码", "code"),
    "equipment": ("位号", "tag"),
    "interlock": ("位号", "tag"),
}
TYPE_NOTES = {
    "str": "文本 text",
    "text": "文本 text",
    "int": "整数 integer",
    "float": "数值 number",
    "bool": "是/否 yes/no",
    "date": "日期 date (2026-03-01)",
    "datetime": "日期时间 date-time (2026-03-01 08:30, 北京时间 plant time)",
    "enum": "选项 choice",
    "enums": "多选, 以逗号或顿号分隔 several choices separated by commas",
    "tags": "多项, 以逗号或顿号分隔 several items separated by commas",
    "ref": "引用 reference",
}


def columns(reg: Register) -> list[excel.Column]:
    """The sheet's columns: every field that Excel carries."""
    out = []
    for f in reg.fields:
        if not f.excel:
            continue
        zh, en = f.zh, f.en
        if f.type == "ref" and f.ref is not None:
            zh, en = zh + REF_SUFFIX[f.ref][0], f"{en} {REF_SUFFIX[f.ref][1]}"
        width = 30 if f.type in ("text", "enums", "tags") else 16
        out.append(excel.Column(f.key, zh, en, _CELL[f.type], required=f.required, width=width))  # type: ignore[arg-type]
    return out


def _notes(reg: Register) -> list[tuple[str, str]]:
    notes = [
        (
            "说明 About",
            f"{reg.zh} {reg.en}: 第一行为表头, 红色为必填列. Row 1 is the header; red columns are required.",
        ),
        (
            "唯一键 Key",
            "、".join(reg.by_key[k].zh for k in reg.natural_key)
            + " — 已存在则更新 an existing row is updated",
        ),
    ]
    for f in reg.fields:
        if not f.excel:
            continue
        text = TYPE_NOTES[f.type]
        if f.options:
            text += ": " + "; ".join(f"{code} = {zh} / {en}" for code, (zh, en) in f.options.items())[:3000]
        if f.type == "ref" and f.ref is not None:
            text += f" ({REF_SUFFIX[f.ref][0]} {REF_SUFFIX[f.ref][1]})"
        notes.append((f"{f.zh} {f.en}", text))
    return notes


def template(reg: Register) -> bytes:
    """An empty sheet with the headers and a notes sheet explaining every column."""
    return excel.write_xlsx(reg.zh, columns(reg), [], _notes(reg))


async def _cell(f: Field, v: Any, refs: Refs, pii: bool) -> Any:
    if v is None:
        return None
    if f.type == "enum" and f.options:
        return f.options.get(v, (v,))[0]
    if f.type in ("enums", "tags"):
        return "、".join(f.options.get(x, (x,))[0] if f.options else x for x in v)
    if f.type == "ref" and f.ref is not None:
        return await refs.natural_key(f.ref, v)
    if f.type == "bool":
        return "是" if v else "否"
    if f.type == "datetime" and isinstance(v, datetime):
        return (v if v.tzinfo else v.replace(tzinfo=UTC)).astimezone(PLANT_TZ).replace(tzinfo=None)
    if f.pii and not pii and isinstance(v, str):
        return svc.mask(f, v)
    return v


async def export(session: AsyncSession, actor: Actor, reg: Register, rows: list[Any]) -> bytes:
    """The given rows as a sheet the import reads back."""
    refs = Refs(session, actor)
    pii = P.BASICS_PII in actor.permissions
    fields = [f for f in reg.fields if f.excel]
    out = [[await _cell(f, getattr(r, f.key), refs, pii) for f in fields] for r in rows]
    return excel.write_xlsx(reg.zh, columns(reg), out, _notes(reg))


def _option(f: Field, text: str) -> str | None:
    assert f.options is not None
    wanted = text.strip().casefold()
    for code, (zh, en) in f.options.items():
        if wanted in (code.casefold(), zh.casefold(), en.casefold()):
            return code
    return None


@dataclass
class _Planned:
    row: int
    values: dict[str, Any]
    existing: Any | None


async def _row_values(
    reg: Register, raw: dict[str, Any], present: set[str], refs: Refs
) -> tuple[dict[str, Any], list[FieldProblem]]:
    """One sheet row as API values (choices as codes, references as ids), with its problems."""
    body: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    by_col = {c.key: c for c in columns(reg)}
    fields = reg.by_key
    refs_later: list[tuple[Field, str]] = []
    for key in present:
        f = fields[key]
        try:
            v = excel.coerce(by_col[key], raw.get(key), prefix="basics")
        except excel.CellError as exc:
            problems.append(FieldProblem(key, exc.code, exc.params))
            continue
        if v is None:
            body[key] = None
        elif f.type == "enum":
            code = _option(f, str(v))
            if code is None:
                problems.append(FieldProblem(key, "basics.unknown_option", {"value": str(v)[:60]}))
            body[key] = code
        elif f.type == "enums":
            codes = [_option(f, x) for x in v]
            bad = [x for x, c in zip(v, codes, strict=True) if c is None]
            if bad:
                problems.append(FieldProblem(key, "basics.unknown_option", {"value": bad[0][:60]}))
            body[key] = [c for c in codes if c]
        elif f.type == "ref":
            refs_later.append((f, str(v)))
        elif f.type == "datetime" and isinstance(v, datetime):
            body[key] = v.isoformat()
        else:
            body[key] = v
    site_id = body.get("site_id")
    for f, key_text in sorted(refs_later, key=lambda p: p[0].ref != "site"):
        assert f.ref is not None
        ref_id = await refs.resolve(f.ref, key_text, site_id if f.ref == "area" else None)
        if ref_id is None:
            problems.append(FieldProblem(f.key, "basics.import_unknown_ref", {"value": key_text[:60]}))
        body[f.key] = ref_id
        if f.ref == "site":
            site_id = ref_id
    return body, problems


async def _existing(session: AsyncSession, reg: Register, values: dict[str, Any]) -> Any | None:
    if any(values.get(k) is None for k in reg.natural_key):
        return None
    model: Any = reg.model
    stmt = select(model).where(*(getattr(model, k) == values[k] for k in reg.natural_key))
    return (await session.scalars(stmt.limit(1))).first()


async def import_rows(
    session: AsyncSession, actor: Actor, reg: Register, data: bytes, mode: ImportMode, locale: str
) -> ImportReport:
    """Check a sheet row by row and write it according to `mode`."""
    if not reg.writable:
        raise Forbidden("basics.register_read_only")
    try:
        present, rows = excel.read_xlsx(data, columns(reg), max_rows=MAX_IMPORT_ROWS, prefix="basics")
    except excel.WorkbookError as exc:
        raise Unprocessable(exc.code, **exc.params) from exc
    refs = Refs(session, actor)
    errors: list[ImportRowError] = []
    planned: list[_Planned] = []
    seen: dict[tuple[Any, ...], int] = {}
    for rownum, raw in rows:
        body, problems = await _row_values(reg, raw, present, refs)
        existing = None
        values: dict[str, Any] = {}
        if not problems:
            existing = await _existing(session, reg, {k: body.get(k) for k in reg.natural_key})
            if existing is not None:
                if not await can_see(session, actor, reg, existing.id):
                    problems.append(FieldProblem(reg.natural_key[0], "basics.row_out_of_scope"))
                else:
                    values, problems = clean(
                        reg, {k: v for k, v in body.items() if not reg.by_key[k].readonly}, creating=False
                    )
            else:
                values, problems = clean(
                    reg, {k: v for k, v in body.items() if not reg.by_key[k].readonly}, creating=True
                )
        if not problems:
            merged = {**(svc.row_values(reg, existing) if existing is not None else {}), **values}
            if reg.derive:
                values.update({k: v for k, v in reg.derive(dict(merged)).items() if k not in values})
                merged.update(values)
            problems = await svc.check(
                session,
                refs,
                reg,
                merged,
                values,
                existing.id if existing is not None else None,
                seen_keys=seen,
            )
        if problems:
            errors += [
                ImportRowError(
                    row=rownum,
                    field=p.field,
                    code=p.code,
                    message=translate(p.code, locale, field=p.field, **dict(p.params)),
                )
                for p in problems
            ]
            continue
        for key in svc.unique_keys(reg):
            vals = tuple(merged.get(k) for k in key)
            if all(v is not None for v in vals):
                seen[(key, *(svc.norm_key(v) for v in vals))] = rownum
        planned.append(_Planned(rownum, values, existing))
    write = mode == "valid_only" or (mode == "all_or_nothing" and not errors)
    created = updated = 0
    if write and planned:
        for p in planned:
            if p.existing is None:
                session.add(reg.model(**p.values))
                created += 1
            else:
                for k, v in p.values.items():
                    setattr(p.existing, k, v)
                updated += 1
        await session.flush()
        await record(
            session,
            svc.who(actor),
            f"basics.{reg.name}.imported",
            target_type=reg.name,
            detail={
                "mode": mode,
                "created": created,
                "updated": updated,
                "rejected_rows": len({e.row for e in errors}),
            },
        )
    return ImportReport(
        mode=mode,
        total_rows=len(rows),
        valid_rows=len(planned),
        created=created,
        updated=updated,
        written=write and bool(planned),
        errors=errors,
    )


def today_local(tz: str = "Asia/Shanghai") -> date:
    """Today's date at the plant (the site time zone of the deployment)."""
    return settings_service.plant_date(utcnow(), tz)
