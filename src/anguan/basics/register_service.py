"""Generic business logic of the registers: scoped lists, validated writes, completeness.

Functions never commit; the request's transaction does. Every write is audited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics import rules
from anguan.basics.reference import LICENCE_TYPES, ReminderPolicy
from anguan.basics.refs import Refs, ref_fields
from anguan.basics.registers import REF_REGISTERS, REGISTERS
from anguan.basics.registry import Field, FieldProblem, Register
from anguan.basics.schemas import CompletenessItem, CompletenessOut, DueOut, RowOut, TypeCount
from anguan.basics.scope import visible_clause
from anguan.basics.settings_service import reminder_policy
from anguan.basics.values import clean, json_value
from anguan.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from anguan.core.files import StoredFile
from anguan.core.i18n import translate
from anguan.core.pagination import PageParams
from anguan.core.timeline import AuditActor, record
from anguan.identity import permissions as P
from anguan.identity.schemas import Actor


def register(name: str) -> Register:
    """The register named in a URL (404 for an unknown name)."""
    reg = REGISTERS.get(name)
    if reg is None:
        raise NotFound("basics.register_not_found", name=name[:40])
    return reg


def who(actor: Actor) -> AuditActor:
    """The audit identity of a caller."""
    return AuditActor(actor.user_id, actor.username, actor.ip)


def problems_error(problems: Sequence[FieldProblem], locale: str) -> Unprocessable:
    """A 422 listing every problem with its field, code and message."""
    return Unprocessable(
        "basics.invalid_values",
        problems=[
            {
                "field": p.field,
                "code": p.code,
                "message": translate(p.code, locale, field=p.field, **dict(p.params)),
            }
            for p in problems
        ],
    )


# ------------------------------------------------------------------------------------ reading


def _due_clause(reg: Register, mode: str, today: date, policy: ReminderPolicy) -> ColumnElement[bool]:
    model: Any = reg.model
    horizon = today + timedelta(days=max(policy.lead_days))
    parts = []
    for d in reg.due:
        col = getattr(model, d.field)
        if mode == "expired":
            parts.append(col < today)
        elif mode == "due":
            parts.append(and_(col >= today, col <= horizon))
        else:
            parts.append(col <= horizon)
    return or_(*parts) if parts else and_(model.id.is_(None), model.id.is_not(None))


def _filter_clause(reg: Register, spec: str) -> ColumnElement[bool]:
    key, _, raw = spec.partition(":")
    f = reg.by_key.get(key)
    if f is None or not f.filter:
        raise Unprocessable("basics.bad_filter", filter=spec[:60])
    col: Any = getattr(reg.model, key)
    try:
        if f.type == "bool":
            if raw not in ("true", "false"):
                raise ValueError(raw)
            return col.is_(raw == "true")  # type: ignore[no-any-return]
        if f.type == "ref":
            return col == int(raw)  # type: ignore[no-any-return]
        if f.type == "date":
            return col == date.fromisoformat(raw)  # type: ignore[no-any-return]
        if f.type == "enums":
            if f.options is not None and raw not in f.options:
                raise ValueError(raw)
            return cast(col, String).like(f'%"{raw}"%')
        if f.type == "enum" and f.options is not None and raw not in f.options:
            raise ValueError(raw)
        return col == raw  # type: ignore[no-any-return]
    except ValueError as exc:
        raise Unprocessable("basics.bad_filter", filter=spec[:60]) from exc


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def _select(
    session: AsyncSession,
    actor: Actor,
    reg: Register,
    *,
    q: str | None,
    filters: Sequence[str],
    due: str | None,
    today: date,
    policy: ReminderPolicy,
) -> Select[Any]:
    model: Any = reg.model
    stmt = select(model).where(await visible_clause(session, actor, reg))
    if q and q.strip() and reg.search:
        pattern = _like(q.strip().lower())
        stmt = stmt.where(
            or_(*(func.lower(getattr(model, k)).like(pattern, escape="\\") for k in reg.search))
        )
    for spec in filters:
        stmt = stmt.where(_filter_clause(reg, spec))
    if due:
        stmt = stmt.where(_due_clause(reg, due, today, policy))
    return stmt


def _order(reg: Register, sort: str | None) -> list[Any]:
    model: Any = reg.model
    keys = [sort] if sort else list(reg.order_by)
    out = []
    for key in keys:
        name = key.lstrip("-")
        f = reg.by_key.get(name)
        if name not in ("id", "created_at", "updated_at") and (
            f is None or f.type in ("enums", "tags", "files", "text")
        ):
            raise Unprocessable("basics.bad_sort", sort=key[:40])
        col = getattr(model, name)
        out.append(col.desc() if key.startswith("-") else col.asc())
    out.append(model.id.asc())
    return out


async def list_rows(
    session: AsyncSession,
    actor: Actor,
    reg: Register,
    params: PageParams,
    *,
    q: str | None = None,
    filters: Sequence[str] = (),
    due: str | None = None,
    incomplete: bool = False,
    today: date,
) -> tuple[list[RowOut], int]:
    """One page of a register within the caller's scope, with due states and missing key fields."""
    policy = await reminder_policy(session)
    stmt = await _select(session, actor, reg, q=q, filters=filters, due=due, today=today, policy=policy)
    stmt = stmt.order_by(*_order(reg, params.sort))
    refs = Refs(session, actor)
    if incomplete:
        # Completeness is computed, not stored: filter the scoped rows, then page in memory.
        rows = [r for r in (await session.scalars(stmt)).all() if _missing(reg, r)]
        total = len(rows)
        rows = rows[params.offset : params.offset + params.page_size]
    else:
        total = int(
            await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
        )
        rows = list((await session.scalars(stmt.offset(params.offset).limit(params.page_size))).all())
    return [await row_out(reg, r, refs, actor, today, policy) for r in rows], total


async def scoped_rows(
    session: AsyncSession,
    actor: Actor,
    reg: Register,
    *,
    q: str | None = None,
    filters: Sequence[str] = (),
    due: str | None = None,
    today: date,
) -> list[Any]:
    """Every row of a filtered list (for exports), in list order."""
    policy = await reminder_policy(session)
    stmt = await _select(session, actor, reg, q=q, filters=filters, due=due, today=today, policy=policy)
    return list((await session.scalars(stmt.order_by(*_order(reg, None)))).all())


def row_values(reg: Register, row: Any) -> dict[str, Any]:
    return {f.key: getattr(row, f.key) for f in reg.fields}


def _missing(reg: Register, row: Any) -> list[str]:
    values = row_values(reg, row)
    return rules.missing_fields(values, reg.key_fields(values))


def mask(f: Field, v: Any) -> Any:
    """A PII value as shown to callers without basics.pii."""
    if not isinstance(v, str) or not v:
        return v
    if f.key.endswith("id_number") or f.key == "number":
        return rules.mask_id_number(v)
    return "*" * max(0, len(v) - 4) + v[-4:]


async def row_out(
    reg: Register, row: Any, refs: Refs, actor: Actor, today: date, policy: ReminderPolicy
) -> RowOut:
    """A row as the API answers it."""
    pii = P.BASICS_PII in actor.permissions
    values: dict[str, Any] = {}
    labels: dict[str, str] = {}
    for f in reg.fields:
        v = getattr(row, f.key)
        values[f.key] = json_value(f, mask(f, v) if f.pii and not pii else v)
        if f.type == "ref" and f.ref is not None and v is not None:
            label = await refs.label(f.ref, v)
            if label is not None:
                labels[f.key] = label
        if f.type == "files" and v:
            # Attachments are listed by file name: labels["attachments:<file id>"].
            labels.update({f"{f.key}:{i}": name for i, name in (await refs.file_names(list(v))).items()})
    due = []
    for d in reg.due:
        when = getattr(row, d.field)
        if isinstance(when, date):
            st = rules.due_status(when, today, policy)
            due.append(
                DueOut(
                    field=d.field,
                    what=d.what,
                    date=when,
                    status=st.status,
                    days_left=st.days_left,
                    tier=st.tier,
                )
            )
    return RowOut(
        id=row.id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        values=values,
        labels=labels,
        due=due,
        missing=_missing(reg, row),
    )


async def get_row(session: AsyncSession, actor: Actor, reg: Register, row_id: int) -> Any:
    """One row; 404 when missing, 403 outside the caller's scope."""
    row = await session.get(reg.model, row_id)
    if row is None:
        raise NotFound("basics.row_not_found", register=reg.name, id=row_id)
    model: Any = reg.model
    clause = await visible_clause(session, actor, reg)
    if await session.scalar(select(model.id).where(model.id == row_id, clause)) is None:
        raise Forbidden("identity.out_of_scope")
    return row


# ------------------------------------------------------------------------------------ writing


async def check(
    session: AsyncSession,
    refs: Refs,
    reg: Register,
    merged: dict[str, Any],
    changed: Mapping[str, Any],
    row_id: int | None,
    *,
    seen_keys: dict[tuple[Any, ...], int] | None = None,
) -> list[FieldProblem]:
    """Cross-field rules, references, attachments and uniqueness of a row's values after a change."""
    problems = list(reg.check(merged)) if reg.check else []
    for f in ref_fields(reg):
        v = merged.get(f.key)
        if v is not None and (f.key in changed or (f.ref == "area" and "site_id" in changed)):
            code = await refs.problem(f, v, merged)
            if code:
                problems.append(FieldProblem(f.key, code, {"id": v}))
    for f in reg.fields:
        if f.type == "files" and changed.get(f.key):
            problems += await _check_files(session, refs.actor, reg, f, changed[f.key], row_id)
    problems += await _check_unique(session, reg, merged, row_id, seen_keys)
    return problems


async def _check_files(
    session: AsyncSession, actor: Actor, reg: Register, f: Field, ids: list[int], row_id: int | None
) -> list[FieldProblem]:
    """Attachments must exist and be the caller's own uploads or already on this row."""
    already: set[int] = set()
    if row_id is not None:
        row = await session.get(reg.model, row_id)
        already = set(getattr(row, f.key) or [])
    new = [i for i in ids if i not in already]
    if not new:
        return []
    owned = set(
        (
            await session.scalars(
                select(StoredFile.id).where(StoredFile.id.in_(new), StoredFile.created_by == actor.user_id)
            )
        ).all()
    )
    bad = [i for i in new if i not in owned]
    return [FieldProblem(f.key, "basics.unknown_file", {"ids": bad})] if bad else []


def unique_keys(reg: Register) -> list[tuple[str, ...]]:
    """Field tuples that identify a row: the natural key and single unique columns."""
    out = [reg.natural_key]
    table: Any = reg.model.__table__
    for col in table.columns:
        if col.unique and (col.name,) not in out and col.name in reg.by_key:
            out.append((col.name,))
    return out


def norm_key(v: Any) -> Any:
    return v.upper() if isinstance(v, str) else v


async def _check_unique(
    session: AsyncSession,
    reg: Register,
    merged: Mapping[str, Any],
    row_id: int | None,
    seen_keys: dict[tuple[Any, ...], int] | None,
) -> list[FieldProblem]:
    model: Any = reg.model
    out = []
    for key in unique_keys(reg):
        vals = tuple(merged.get(k) for k in key)
        if any(v is None for v in vals):
            continue
        stmt = select(model.id).where(*(getattr(model, k) == merged[k] for k in key))
        if row_id is not None:
            stmt = stmt.where(model.id != row_id)
        other = await session.scalar(stmt.limit(1))
        if other is not None:
            out.append(FieldProblem(key[-1], "basics.duplicate", {"fields": list(key), "id": other}))
        elif seen_keys is not None:
            marker = (key, *(norm_key(v) for v in vals))
            if marker in seen_keys:
                out.append(
                    FieldProblem(key[-1], "basics.duplicate_in_file", {"first_row": seen_keys[marker]})
                )
    return out


def _audit_detail(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


def _strip_masked(reg: Register, row: Any, body: dict[str, Any], actor: Actor) -> dict[str, Any]:
    """A form sending back a masked PII value unchanged does not overwrite the stored value."""
    if P.BASICS_PII in actor.permissions or row is None:
        return body
    out = dict(body)
    for f in reg.fields:
        if f.pii and f.key in out and out[f.key] == mask(f, getattr(row, f.key)) and "*" in str(out[f.key]):
            del out[f.key]
    return out


async def create_row(
    session: AsyncSession, actor: Actor, reg: Register, body: Mapping[str, Any], locale: str
) -> Any:
    """Validate and add a row."""
    if not reg.writable:
        raise Forbidden("basics.register_read_only")
    values, problems = clean(reg, body, creating=True)
    if reg.derive and not problems:
        values.update(reg.derive(dict(values)))
    problems += await check(session, Refs(session, actor), reg, values, values, None)
    if problems:
        raise problems_error(problems, locale)
    row: Any = reg.model(**values)
    session.add(row)
    await session.flush()
    await record(
        session,
        who(actor),
        f"basics.{reg.name}.created",
        target_type=reg.name,
        target_id=row.id,
        detail=_audit_detail(values),
    )
    return row


async def update_row(
    session: AsyncSession, actor: Actor, reg: Register, row_id: int, body: Mapping[str, Any], locale: str
) -> Any:
    """Validate and apply a partial change."""
    if not reg.writable:
        raise Forbidden("basics.register_read_only")
    row = await get_row(session, actor, reg, row_id)
    values, problems = clean(reg, _strip_masked(reg, row, dict(body), actor), creating=False)
    merged = {**row_values(reg, row), **values}
    if reg.derive and not problems:
        derived = reg.derive({**merged, **{k: None for k in _rederived(reg, values, merged)}})
        values.update({k: v for k, v in derived.items() if k not in values})
        merged.update(values)
    problems += await check(session, Refs(session, actor), reg, merged, values, row.id)
    if problems:
        raise problems_error(problems, locale)
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    for k, v in changed.items():
        setattr(row, k, v)
    if changed:
        await record(
            session,
            who(actor),
            f"basics.{reg.name}.updated",
            target_type=reg.name,
            target_id=row.id,
            detail=_audit_detail(changed),
        )
    return row


def _rederived(reg: Register, values: Mapping[str, Any], merged: Mapping[str, Any]) -> list[str]:
    """Derived fields to recompute when their inputs change (a new last check moves the next due)."""
    if (
        "next_due_on" in reg.by_key
        and ({"last_check_on", "interval_months"} & set(values))
        and "next_due_on" not in values
    ):
        return ["next_due_on"]
    return []


async def delete_row(session: AsyncSession, actor: Actor, reg: Register, row_id: int) -> None:
    """Delete a row nothing else refers to (child records of the row go with it)."""
    if not reg.writable:
        raise Forbidden("basics.register_read_only")
    row = await get_row(session, actor, reg, row_id)
    kind = next((k for k, name in REF_REGISTERS.items() if name == reg.name), None)
    if kind is not None:
        for other in REGISTERS.values():
            for f in ref_fields(other):
                if f.ref != kind or (other.parent is not None and other.parent == (f.key, reg.name)):
                    continue
                col: Any = getattr(other.model, f.key)
                if await session.scalar(select(func.count()).where(col == row_id)):
                    raise Conflict("basics.in_use", register=other.name, field=f.key)
    await session.delete(row)
    await record(session, who(actor), f"basics.{reg.name}.deleted", target_type=reg.name, target_id=row_id)


# ------------------------------------------------------------------------------------ completeness


async def completeness(
    session: AsyncSession, actor: Actor, *, limit_items: int = 50
) -> list[CompletenessOut]:
    """Per register (and per licence type): how many rows miss key information, and which."""
    out = []
    for reg in REGISTERS.values():
        if not reg.completeness:
            continue
        model: Any = reg.model
        rows = (await session.scalars(select(model).where(await visible_clause(session, actor, reg)))).all()
        items = []
        by_type: dict[str, list[int]] = {}
        for row in rows:
            missing = _missing(reg, row)
            if reg.name == "licences":
                counts = by_type.setdefault(row.type, [0, 0])
                counts[0] += 1
                counts[1] += bool(missing)
            if missing:
                title_field = reg.by_key.get(reg.title_field)
                title = getattr(row, reg.title_field) or row.id
                if title_field is not None and title_field.pii and P.BASICS_PII not in actor.permissions:
                    title = mask(title_field, title)
                items.append(CompletenessItem(id=row.id, title=str(title), missing=missing))
        out.append(
            CompletenessOut(
                register_name=reg.name,
                zh=reg.zh,
                en=reg.en,
                total=len(rows),
                incomplete=len(items),
                by_type=[
                    TypeCount(
                        type=t,
                        zh=LICENCE_TYPES[t].zh if t in LICENCE_TYPES else t,
                        en=LICENCE_TYPES[t].en if t in LICENCE_TYPES else t,
                        total=c[0],
                        incomplete=c[1],
                    )
                    for t, c in sorted(by_type.items())
                ],
                items=items[:limit_items],
            )
        )
    return out
