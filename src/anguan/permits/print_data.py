"""What a printed permit shows, read from the database: `load_print_data` fills the `PermitPrint`
snapshot that `printing.permit_pdf` lays out (GB 30871-2022 附录A). It only reads; the caller has
checked the data scope.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics.models import Contractor, Person
from anguan.core.errors import NotFound
from anguan.core.files import LocalFileStore, StoredFile
from anguan.core.timeline import TimelineEntry
from anguan.identity.models import User
from anguan.permits import rules, service
from anguan.permits.checklists import CHECKLISTS_V1
from anguan.permits.models import Measure, Permit, PermitLink, PermitPerson
from anguan.permits.printing import PermitPrint, PrintBlock, PrintGasTest, PrintMeasure, PrintPerson, png_size
from anguan.permits.reference import WORK_TYPES
from anguan.plant.models import Area, Department, Enterprise, Site


def _reading_text(readings: Sequence[Mapping[str, Any]]) -> str:
    return (
        "；".join(
            f"{r.get('name') or r.get('kind')} {r.get('value')} {r.get('unit') or '%'}" for r in readings
        )
        or "—"
    )


async def _signer_names(session: AsyncSession, user_ids: set[int]) -> dict[int, str]:
    """Each user's name as printed: the person's name when the account is linked to one."""
    if not user_ids:
        return {}
    out = dict(
        (await session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))))
        .tuples()
        .all()
    )
    linked = (
        (await session.execute(select(Person.user_id, Person.name).where(Person.user_id.in_(user_ids))))
        .tuples()
        .all()
    )
    out |= {uid: name for uid, name in linked if uid is not None}
    return out


async def _by_username(session: AsyncSession, usernames: set[str]) -> dict[str, str]:
    """Names as printed for the usernames that record who confirmed, briefed or analysed."""
    usernames.discard("")
    if not usernames:
        return {}
    users = (
        (await session.execute(select(User.id, User.username).where(User.username.in_(usernames))))
        .tuples()
        .all()
    )
    names = await _signer_names(session, {uid for uid, _ in users})
    return {username: names.get(uid, username) for uid, username in users}


async def _images(session: AsyncSession, ids: set[int], files: LocalFileStore | None) -> dict[int, bytes]:
    """The drawn signatures that are stored and are PNG; missing or other files are left out."""
    if not ids or files is None:
        return {}
    out = {}
    for fid, key in (
        await session.execute(select(StoredFile.id, StoredFile.key).where(StoredFile.id.in_(ids)))
    ).tuples():
        if not files.exists(key):
            continue
        data = files.get(key)
        if png_size(data) is not None:
            out[fid] = data
    return out


async def load_print_data(
    session: AsyncSession, permit_id: int, files: LocalFileStore | None = None
) -> PermitPrint:
    """What `permit_pdf` prints, read from the database (the caller has checked the data scope)."""
    p = await session.get(Permit, permit_id)
    if p is None:
        raise NotFound("permits.not_found", id=permit_id)
    site = await session.get(Site, p.site_id)
    enterprise = await session.get(Enterprise, site.enterprise_id) if site else None
    area = await session.get(Area, p.area_id) if p.area_id else None
    # [D] 作业申请单位: the applying department, else the department owning the area (所在单位).
    dept_id = p.applicant_department_id or (area.department_id if area else None)
    dept = await session.get(Department, dept_id) if dept_id else None
    contractor = await session.get(Contractor, p.contractor_id) if p.contractor_id else None
    rows: list[PermitPerson] = await service.people_of(session, p.id, active_only=False)
    names = dict(
        (
            await session.execute(
                select(Person.id, Person.name).where(
                    Person.id.in_({r.person_id for r in rows} | {p.leader_id})
                )
            )
        )
        .tuples()
        .all()
    )
    linked_rows = (
        await session.execute(
            select(Permit.number, Permit.work_type)
            .join(PermitLink, PermitLink.linked_id == Permit.id)
            .where(PermitLink.permit_id == p.id)
            .order_by(Permit.number)
        )
    ).all()
    measures = (
        await session.scalars(select(Measure).where(Measure.permit_id == p.id).order_by(Measure.seq))
    ).all()
    # 作业申请时间: when the application was made (the apply action), else when the permit was drafted.
    applied_at = await session.scalar(
        select(TimelineEntry.ts)
        .where(
            TimelineEntry.entity_type == "permit",
            TimelineEntry.entity_id == str(p.id),
            TimelineEntry.action == "apply",
        )
        .order_by(TimelineEntry.id)
        .limit(1)
    )
    sigs = {s.step: s for s in await service.signatures(session, p.id)}  # the latest per step
    users = await _signer_names(
        session,
        {s.signer_id for s in sigs.values()} | {s.on_behalf_of for s in sigs.values() if s.on_behalf_of},
    )
    images = await _images(session, {s.image_id for s in sigs.values() if s.image_id}, files)
    tests = await service.gas_tests(session, p.id)
    known = await _by_username(
        session,
        {m.confirmed_by or "" for m in measures} | {t.analyst for t in tests} | {p.briefing_by or ""},
    )
    blocks = []
    steps = rules.approval_steps(p.work_type, p.grade)
    for step in steps:
        s = sigs.get(step.code)
        if s is None:
            blocks.append(PrintBlock(step.code, step.zh, step.en))
            continue
        blocks.append(
            PrintBlock(
                code=step.code,
                zh=step.zh,
                en=step.en,
                signer=users.get(s.signer_id, s.signer_name),
                signed_at=s.signed_at,
                opinion=s.opinion,
                on_behalf_of=users.get(s.on_behalf_of, str(s.on_behalf_of)) if s.on_behalf_of else None,
                on_site=s.on_site,
                content_hash=s.content_hash,
                image=images.get(s.image_id) if s.image_id else None,
            )
        )
    return PermitPrint(
        number=p.number,
        work_type=p.work_type,
        grade=p.grade,
        required_grade=p.required_grade,
        state=p.state,
        enterprise=enterprise.name if enterprise else "",
        applicant_unit=dept.name if dept else "—",
        applied_at=applied_at or p.created_at,
        work_unit=p.work_unit,
        contractor=contractor.name if contractor else None,
        content=p.content,
        location=p.location,
        area=area.name if area else None,
        leader=names.get(p.leader_id, ""),
        planned_start=p.planned_start,
        planned_end=p.planned_end,
        people=[PrintPerson(names.get(r.person_id, ""), r.role, r.certificate_no, r.active) for r in rows],
        linked=[f"{WORK_TYPES[t].zh if t in WORK_TYPES else t} {n}" for n, t in linked_rows],
        risks=list(p.risks or []),
        details=dict(p.details or {}),
        gas_tests=[
            PrintGasTest(
                sampled_at=t.sampled_at,
                gases="、".join(str(r.get("name") or r.get("kind")) for r in t.readings or []) or "—",
                point=t.point,
                result=_reading_text(t.readings or []),
                analyst=known.get(t.analyst, t.analyst),
                passed=t.passed,
            )
            for t in tests
        ],
        measures=[
            PrintMeasure(
                m.seq,
                m.text,
                m.involved,
                known.get(m.confirmed_by, m.confirmed_by) if m.confirmed_by else None,
            )
            for m in measures
        ],
        checklist_paraphrased=CHECKLISTS_V1[p.work_type].paraphrased
        if p.work_type in CHECKLISTS_V1
        else False,
        briefing_by=known.get(p.briefing_by, p.briefing_by) if p.briefing_by else None,
        briefing_at=p.briefing_at,
        blocks=blocks,
        content_hash=p.content_hash,
    )
