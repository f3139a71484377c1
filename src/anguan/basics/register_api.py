"""Register REST API: metadata, scoped lists, edits, attachments, Excel, completeness.

Every register answers under /basics/r/{register}; `GET /basics/registers` describes them so the SPA
renders lists and forms without knowing each one.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response, UploadFile
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics import register_excel as xl
from anguan.basics import register_service as svc
from anguan.basics.refs import Refs
from anguan.basics.registers import REGISTERS
from anguan.basics.registry import Register
from anguan.basics.schemas import (
    CompletenessOut,
    DueFieldMeta,
    FieldMeta,
    ImportMode,
    ImportReport,
    OptionMeta,
    RegisterMeta,
    RowOut,
)
from anguan.basics.settings_service import reminder_policy
from anguan.core.db import MAX_ID
from anguan.core.errors import (
    Conflict,
    Forbidden,
    NotAuthenticated,
    NotFound,
    PayloadTooLarge,
    Unprocessable,
    error_responses,
)
from anguan.core.files import LocalFileStore, StoredFile
from anguan.core.i18n import negotiate_locale
from anguan.core.pagination import Page, PageParams, page_params
from anguan.core.web import TransactionalRoute, get_session
from anguan.identity import permissions as P
from anguan.identity.deps import require
from anguan.identity.schemas import Actor

router = APIRouter(prefix="/basics", tags=["basics"], route_class=TransactionalRoute)
READ_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound, Unprocessable)
WRITE_ERRORS = error_responses(NotAuthenticated, Forbidden, NotFound, Conflict, Unprocessable)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
RegisterName = Annotated[
    str, Path(pattern=r"^[a-z][a-z\-]{1,39}$", description="register name, e.g. licences")
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {XLSX: {}}}}


def _today(request: Request) -> date:
    """Today at the plant: due states and due filters count in the site's calendar days."""
    return xl.today_local(request.app.state.settings.site_timezone)


def _locale(request: Request) -> str:
    return negotiate_locale(request.headers.get("accept-language"))


def _meta(reg: Register) -> RegisterMeta:
    return RegisterMeta(
        name=reg.name,
        zh=reg.zh,
        en=reg.en,
        group=reg.group,
        natural_key=list(reg.natural_key),
        title_field=reg.title_field,
        writable=reg.writable,
        due=[DueFieldMeta(field=d.field, what=d.what) for d in reg.due],
        fields=[
            FieldMeta(
                key=f.key,
                zh=f.zh,
                en=f.en,
                type=f.type,
                required=f.required,
                max_len=f.max_len,
                ge=f.ge,
                le=f.le,
                options=[OptionMeta(code=c, zh=zh, en=en) for c, (zh, en) in f.options.items()]
                if f.options
                else None,
                ref=f.ref,
                list=f.list,
                filter=f.filter,
                excel=f.excel,
                readonly=f.readonly,
                pii=f.pii,
                default=f.default,
            )
            for f in reg.fields
        ],
    )


def _download(data: bytes, name: str, media_type: str = XLSX) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "X-Content-Type-Options": "nosniff",
        },
    )


class ListQuery:
    """The list filters shared by the list and the export."""

    def __init__(
        self,
        q: str | None = Query(
            None, max_length=100, description="text search over the register's search fields"
        ),
        filter: list[str] = Query(
            [], max_length=20, description="field:value, repeatable; only fields marked filter"
        ),
        due: str | None = Query(None, pattern="^(attention|due|expired)$", description="due-date state"),
    ) -> None:
        self.q = q
        self.filters = [f[:120] for f in filter]
        self.due = due


@router.get("/registers", response_model=list[RegisterMeta], responses=READ_ERRORS)
async def registers(actor: Actor = Depends(require(P.BASICS_READ))) -> list[RegisterMeta]:
    """Every register with its fields, choices and due dates."""
    return [_meta(r) for r in REGISTERS.values()]


@router.get("/completeness", response_model=list[CompletenessOut], responses=READ_ERRORS)
async def completeness(
    actor: Actor = Depends(require(P.BASICS_READ)), session: AsyncSession = Depends(get_session)
) -> list[CompletenessOut]:
    """Completeness report: rows missing key information, per register and per licence type."""
    return await svc.completeness(session, actor)


@router.get("/r/{register}", response_model=Page[RowOut], responses=READ_ERRORS)
async def list_rows(
    register: RegisterName,
    request: Request,
    query: ListQuery = Depends(),
    incomplete: bool = Query(False, description="only rows missing key information"),
    params: PageParams = Depends(page_params),
    actor: Actor = Depends(require(P.BASICS_READ)),
    session: AsyncSession = Depends(get_session),
) -> Page[RowOut]:
    """One page of a register within the caller's data scope."""
    reg = svc.register(register)
    items, total = await svc.list_rows(
        session,
        actor,
        reg,
        params,
        q=query.q,
        filters=query.filters,
        due=query.due,
        incomplete=incomplete,
        today=_today(request),
    )
    return Page(items=items, total=total, page=params.page, page_size=params.page_size)


@router.get("/r/{register}/template.xlsx", responses={**XLSX_RESPONSE, **READ_ERRORS})
async def template(register: RegisterName, actor: Actor = Depends(require(P.BASICS_READ))) -> Response:
    """An empty import sheet with bilingual headers and a notes sheet."""
    reg = svc.register(register)
    return _download(xl.template(reg), f"{reg.zh}-模板-template.xlsx")


@router.get("/r/{register}/export.xlsx", responses={**XLSX_RESPONSE, **READ_ERRORS})
async def export(
    register: RegisterName,
    request: Request,
    query: ListQuery = Depends(),
    actor: Actor = Depends(require(P.BASICS_READ)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """The filtered list as a sheet the import reads back."""
    reg = svc.register(register)
    rows = await svc.scoped_rows(
        session, actor, reg, q=query.q, filters=query.filters, due=query.due, today=_today(request)
    )
    return _download(await xl.export(session, actor, reg, rows), f"{reg.zh}-{date.today().isoformat()}.xlsx")


@router.post(
    "/r/{register}/import",
    response_model=ImportReport,
    responses=error_responses(NotAuthenticated, Forbidden, NotFound, Unprocessable, PayloadTooLarge),
)
async def import_rows(
    register: RegisterName,
    file: UploadFile,
    request: Request,
    mode: ImportMode = Query("validate"),
    actor: Actor = Depends(require(P.BASICS_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> ImportReport:
    """Check a sheet and, by mode, write nothing, everything or nothing, or only the valid rows."""
    reg = svc.register(register)
    limit = request.app.state.settings.storage.max_upload_mb
    data = await file.read(limit * 1024 * 1024 + 1)
    if len(data) > limit * 1024 * 1024:
        raise PayloadTooLarge(limit_mb=limit)
    return await xl.import_rows(session, actor, reg, data, mode, _locale(request))


async def _out(request: Request, session: AsyncSession, actor: Actor, reg: Register, row: Any) -> RowOut:
    policy = await reminder_policy(session)
    return await svc.row_out(reg, row, Refs(session, actor), actor, _today(request), policy)


@router.get("/r/{register}/{row_id}", response_model=RowOut, responses=READ_ERRORS)
async def get_row(
    register: RegisterName,
    row_id: Id,
    request: Request,
    actor: Actor = Depends(require(P.BASICS_READ)),
    session: AsyncSession = Depends(get_session),
) -> RowOut:
    """One row."""
    reg = svc.register(register)
    return await _out(request, session, actor, reg, await svc.get_row(session, actor, reg, row_id))


@router.post("/r/{register}", response_model=RowOut, status_code=201, responses=WRITE_ERRORS)
async def create_row(
    register: RegisterName,
    request: Request,
    body: dict[str, Any] = Body(..., description="field values by key (see GET /basics/registers)"),
    actor: Actor = Depends(require(P.BASICS_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> RowOut:
    """Add a row."""
    reg = svc.register(register)
    row = await svc.create_row(session, actor, reg, body, _locale(request))
    return await _out(request, session, actor, reg, row)


@router.patch("/r/{register}/{row_id}", response_model=RowOut, responses=WRITE_ERRORS)
async def update_row(
    register: RegisterName,
    row_id: Id,
    request: Request,
    body: dict[str, Any] = Body(..., description="the fields to change"),
    actor: Actor = Depends(require(P.BASICS_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> RowOut:
    """Change some fields of a row."""
    reg = svc.register(register)
    row = await svc.update_row(session, actor, reg, row_id, body, _locale(request))
    return await _out(request, session, actor, reg, row)


@router.delete("/r/{register}/{row_id}", status_code=204, responses=WRITE_ERRORS)
async def delete_row(
    register: RegisterName,
    row_id: Id,
    actor: Actor = Depends(require(P.BASICS_WRITE)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """Delete a row nothing refers to."""
    await svc.delete_row(session, actor, svc.register(register), row_id)
    return Response(status_code=204)


@router.get(
    "/r/{register}/{row_id}/files/{file_id}",
    responses={200: {"content": {"application/octet-stream": {}}}, **READ_ERRORS},
)
async def download_attachment(
    register: RegisterName,
    row_id: Id,
    file_id: Id,
    request: Request,
    actor: Actor = Depends(require(P.BASICS_READ)),
    session: AsyncSession = Depends(get_session),
) -> Response:
    """An attachment linked to a row the caller may read."""
    reg = svc.register(register)
    row = await svc.get_row(session, actor, reg, row_id)
    linked = {i for f in reg.fields if f.type == "files" for i in (getattr(row, f.key) or [])}
    stored = await session.get(StoredFile, file_id) if file_id in linked else None
    store: LocalFileStore = request.app.state.files
    if stored is None or not store.exists(stored.key):
        raise NotFound("basics.file_not_found", id=file_id)
    return _download(store.get(stored.key), stored.name, "application/octet-stream")
