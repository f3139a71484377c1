"""Demo master data (安全管理基础信息) for the demo plant HB-01; called by `anguan seed-demo`.

Idempotent: rows are found by their natural keys (licence type + number, chemical name, unit code,
equipment and interlock tag, ID number, certificate kind + number, USCC, visitor ID number) and only
missing ones are created. Records that hang off a row and carry dates relative to the seeding day
(check history, start-ups, trainings, bypasses) are created together with that row only, so a later
re-seed adds none of them again. The duty roster is the exception: it covers today-3 .. today+7 by
(day, shift, role), so a re-seed on a later day extends it and the demo always has someone on duty.
Dates are relative to `today`; the data itself lives in `seed_data`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.basics import models as m
from anguan.basics import reference as ref
from anguan.basics import seed_data as D
from anguan.basics.registers import REGISTERS
from anguan.basics.rules import add_months
from anguan.core.db import Base
from anguan.core.files import LocalFileStore, StoredFile
from anguan.identity.models import User
from anguan.plant.models import Area, Department, Enterprise, Site
from anguan.simulator import plant_layout as L

# The plant's clock: Asia/Shanghai is UTC+8 all year.
PLANT_TZ = timezone(timedelta(hours=8))
EXPIRED_WELDER_ID_NUMBER = D.EXPIRED_WELDER_ID_NUMBER
EXPIRED_WELDER_NAME = D.EXPIRED_WELDER_NAME


@dataclass
class _Ctx:
    session: AsyncSession
    files: LocalFileStore
    today: date
    site_id: int
    areas: dict[str, int]
    departments: dict[str, int]
    users: dict[str, int]
    uscc: str

    def day(self, offset: int | None) -> date | None:
        return None if offset is None else self.today + timedelta(days=offset)

    def at(self, offset: int, hour: int) -> datetime:
        """A plant-local hour of a day relative to today, as UTC."""
        local = datetime.combine(self.today + timedelta(days=offset), time(hour), tzinfo=PLANT_TZ)
        return local.astimezone(UTC)


def scan_pdf(title: str, lines: Sequence[str]) -> bytes:
    """A minimal one-page PDF 1.4 (Helvetica, ASCII text) standing in for a scanned document."""

    def esc(s: str) -> str:
        s = s.encode("ascii", "replace").decode("ascii")
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = [f"BT /F1 16 Tf 56 780 Td ({esc(title)}) Tj ET"]
    for i, line in enumerate(lines):
        text.append(f"BT /F1 11 Tf 56 {748 - 18 * i} Td ({esc(line)}) Tj ET")
    stream = "\n".join(text).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


async def _scan(ctx: _Ctx, what: str, key: str, filename: str) -> list[int]:
    """Store a demo scan of one document and return the attachment list holding its file id."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    data = scan_pdf(
        f"Anguan demo scan: {what}",
        [
            "Demo data - not a real document.",
            f"Reference: {key}",
            f"Document key: {digest}",
            f"Seeded on {ctx.today.isoformat()}",
        ],
    )
    key_hash = ctx.files.put(data)
    row = StoredFile(
        key=key_hash,
        name=f"{filename}.pdf"[:255],
        content_type="application/pdf",
        size=len(data),
        sha256=key_hash,
        created_by=None,
    )
    ctx.session.add(row)
    await ctx.session.flush()
    return [row.id]


async def _existing(session: AsyncSession, *columns: Any) -> set[Any]:
    rows = (await session.execute(select(*columns))).all()
    return {tuple(r) if len(columns) > 1 else r[0] for r in rows}


# ------------------------------------------------------------------------------------ sections


async def _licences(ctx: _Ctx) -> None:
    have = await _existing(ctx.session, m.Licence.type, m.Licence.number)
    for lic in D.LICENCES:
        number = lic.number.replace("{uscc}", ctx.uscc)
        if (lic.type, number) in have:
            continue
        kind = ref.LICENCE_TYPES[lic.type]
        issued = ctx.day(lic.issued)
        assert issued is not None
        review = add_months(issued, 12 * kind.update_years) if kind.update_years else None
        ctx.session.add(
            m.Licence(
                type=lic.type,
                number=number,
                name=lic.name,
                issuer=lic.issuer,
                site_id=None if lic.enterprise_wide else ctx.site_id,
                issued_on=issued,
                valid_until=ctx.day(lic.valid),
                review_due_on=review,
                status="active",
                attachments=await _scan(ctx, kind.en, number, f"{lic.name}-{number}") if lic.scan else [],
                **lic.extra,
            )
        )
    await ctx.session.flush()


async def _chemicals(ctx: _Ctx) -> None:
    have = await _existing(ctx.session, m.Chemical.name)
    for c in D.CHEMICALS:
        if c.name in have:
            continue
        scan = (
            []
            if c.name == D.CHEMICAL_WITHOUT_SCAN
            else await _scan(ctx, f"MSDS {c.name_en}", c.cas, f"MSDS-{c.name}")
        )
        values = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(c).items()}
        ctx.session.add(
            m.Chemical(**values, highly_toxic=False, msds_revised_on=ctx.day(-240), attachments=scan)
        )
    await ctx.session.flush()


async def _processes(ctx: _Ctx) -> None:
    have = await _existing(ctx.session, m.Process.code)
    created: dict[str, int] = {}
    for p in D.PROCESSES:
        if p.code in have:
            continue
        hp = ref.HAZARDOUS_PROCESSES.get(p.hazardous_process or "")
        row = m.Process(
            code=p.code,
            name=p.name,
            site_id=ctx.site_id,
            area_id=ctx.areas.get(p.area),
            hazardous_process=p.hazardous_process,
            reaction_type=hp.reaction if hp else None,
            key_parameters=hp.key_parameters if hp else None,
            control_means=hp.control if hp else None,
            key_monitored_unit=hp is not None,
            automation=list(p.automation),
            chemicals=list(p.chemicals),
            capacity=p.capacity,
            description=p.description,
            hazards=p.hazards,
            status="running",
        )
        ctx.session.add(row)
        await ctx.session.flush()
        created[p.code] = row.id
    for code, kind, planned, done, reason, approver, confirmed, status in D.STARTSTOPS:
        if code not in created:
            continue
        ctx.session.add(
            m.StartStop(
                process_id=created[code],
                kind=kind,
                planned_at=ctx.at(*planned) if planned else None,
                done_at=ctx.at(*done) if done else None,
                reason=reason,
                approved_by=approver,
                checklist_confirmed=confirmed,
                status=status,
            )
        )
    await ctx.session.flush()


def _digits(key: str, n: int) -> str:
    """n stable pseudo-random digits derived from a key (serial and report numbers)."""
    return f"{int(hashlib.sha256(key.encode()).hexdigest()[:12], 16) % 10**n:0{n}d}"


def _float(v: str | None) -> float | None:
    return None if v is None else float(v)


async def _equipment(ctx: _Ctx) -> None:
    have = await _existing(ctx.session, m.Equipment.tag)
    for tag, name, kind, area, medium, design, set_p, protects, model, maker, reg, due, years in D.EQUIPMENT:
        assert tag and name and kind and due and years
        if tag in have:
            continue
        interval = ref.EQUIPMENT_KINDS[kind].interval_months
        last = add_months(ctx.today + timedelta(days=int(due)), -interval)
        installed = min(add_months(ctx.today, -12 * int(years)), last)
        row = m.Equipment(
            tag=tag,
            name=name,
            kind=kind,
            site_id=ctx.site_id,
            area_id=ctx.areas.get(area or ""),
            registration_no=reg,
            model=model,
            manufacturer=maker,
            serial_no=f"{installed.year}-{_digits(tag, 5)}",
            medium=medium,
            design_pressure_mpa=_float(design),
            set_pressure_mpa=_float(set_p),
            protects=protects,
            installed_on=installed,
            interval_months=interval,
            last_check_on=last,
            next_due_on=add_months(last, interval),
            status="in_use",
            attachments=[]
            if tag in D.EQUIPMENT_WITHOUT_SCAN
            else await _scan(ctx, ref.EQUIPMENT_KINDS[kind].en, tag, f"{tag}-{name}"),
        )
        ctx.session.add(row)
        await ctx.session.flush()
        history = D.EQUIPMENT_CHECKS.get(tag)
        if history is None:
            continue
        check_kind, cycles, org, prefix, note = history
        for n in range(cycles):
            done = add_months(last, -interval * n)
            report_no = f"{prefix}-{done.year}-{done.month:02d}{_digits(tag, 3)}"
            # Reports are scanned since the platform went live; the oldest record predates it.
            scan = n < cycles - 1 or cycles == 1
            ctx.session.add(
                m.EquipmentCheck(
                    equipment_id=row.id,
                    kind=check_kind,
                    done_on=done,
                    org=org,
                    report_no=report_no,
                    attachments=await _scan(ctx, "Inspection report", report_no, f"{tag}-{report_no}")
                    if scan
                    else [],
                    result="conditional" if n == 0 and note and "基本符合" in note else "pass",
                    next_due_on=add_months(done, interval),
                    note=note if n == 0 else None,
                )
            )
    await ctx.session.flush()


async def _interlocks(ctx: _Ctx) -> None:
    have = await _existing(ctx.session, m.Interlock.tag)
    created: dict[str, int] = {}
    bypassed = {b[0] for b in D.BYPASSES}
    for i in D.INTERLOCKS:
        if i.tag in have:
            continue
        last = add_months(ctx.today + timedelta(days=i.next_due), -i.interval_months)
        row = m.Interlock(
            tag=i.tag,
            name=i.name,
            kind=i.kind,
            sil=i.sil,
            site_id=ctx.site_id,
            area_id=ctx.areas.get(i.area),
            process_code=i.process,
            cause=i.cause,
            action=i.action,
            point_tags=list(i.point_tags),
            status="bypassed" if i.tag in bypassed else "in_service",
            interval_months=i.interval_months,
            last_check_on=last,
            next_due_on=add_months(last, i.interval_months),
        )
        ctx.session.add(row)
        await ctx.session.flush()
        created[i.tag] = row.id
    names = {u.username: u.display_name.split()[-1] for u in (await ctx.session.scalars(select(User))).all()}
    for tag, reason, measures, requester, approver, approved, until in D.BYPASSES:
        if tag not in created:
            continue
        approved_at, approved_until = ctx.at(*approved), ctx.at(*until)
        ctx.session.add(
            m.Bypass(
                interlock_id=created[tag],
                reason=reason,
                measures=measures,
                requested_by=ctx.users.get(requester),
                requested_by_name=names.get(requester, requester),
                requested_until=approved_until,
                approved_by=ctx.users.get(approver),
                approved_by_name=names.get(approver, approver),
                approved_at=approved_at,
                approved_until=approved_until,
                applied_at=approved_at + timedelta(minutes=30),
                status="active",
            )
        )
    await ctx.session.flush()


async def _third_parties(ctx: _Ctx) -> dict[str, int]:
    """Contractors and suppliers; returns contractor ids by their seed key (C1, C2, C3)."""
    contractors = {c.uscc: c.id for c in (await ctx.session.scalars(select(m.Contractor))).all()}
    out: dict[str, int] = {}
    for (
        key,
        name,
        prefix,
        qual,
        qual_no,
        qual_days,
        lic_no,
        lic_days,
        scope,
        contact,
        phone,
        status,
        rating,
        note,
    ) in D.CONTRACTORS:
        assert key and name and prefix and qual_days and lic_days and status
        code = D.uscc(prefix)
        if code not in contractors:
            row = m.Contractor(
                name=name,
                uscc=code,
                qualification=qual,
                qualification_no=qual_no,
                qualification_valid_until=ctx.day(int(qual_days)),
                safety_licence_no=lic_no,
                safety_licence_valid_until=ctx.day(int(lic_days)),
                work_scope=scope,
                contact_name=contact,
                contact_phone=phone,
                status=status,
                rating=rating,
                attachments=await _scan(ctx, "Contractor qualification", code, f"{name}-资质"),
                note=note,
            )
            ctx.session.add(row)
            await ctx.session.flush()
            contractors[code] = row.id
        out[key] = contractors[code]
    have = await _existing(ctx.session, m.Supplier.uscc)
    for name, kind, prefix, lic_no, days, supplies, contact, phone, scan in D.SUPPLIERS:
        assert name and kind and prefix and days
        code = D.uscc(prefix)
        if code in have:
            continue
        ctx.session.add(
            m.Supplier(
                name=name,
                uscc=code,
                kind=kind,
                licence_no=lic_no,
                licence_valid_until=ctx.day(int(days)),
                supplies=supplies,
                contact_name=contact,
                contact_phone=phone,
                status="approved",
                attachments=await _scan(ctx, "Supplier licence", code, f"{name}-许可证")
                if scan == "yes"
                else [],
            )
        )
    await ctx.session.flush()
    return out


def _phone(index: int) -> str:
    return f"139{3118 + index % 7}{(index * 7919) % 10000:04d}"


async def _people(ctx: _Ctx, contractors: dict[str, int]) -> dict[str, int]:
    """People, their trainings (with new people only); returns person ids by name."""
    by_number = {p.id_number: p.id for p in (await ctx.session.scalars(select(m.Person))).all()}
    taken = set(await _existing(ctx.session, m.Person.user_id)) - {None}
    ids: dict[str, int] = {}
    for index, row in enumerate(D.PEOPLE):
        name, gender, _, _, org, position, roles, edu, major, title, years, login = row
        assert name and org and years
        number = D.ID_NUMBERS[name]
        if number in by_number:
            ids[name] = by_number[number]
            continue
        contractor = contractors.get(org)
        hired = ctx.today - timedelta(days=round(float(years) * 365.25))
        user_id = ctx.users.get(login or "")
        person = m.Person(
            kind="contractor" if contractor else "employee",
            name=name,
            id_number=number,
            gender=gender,
            phone=_phone(index),
            department_id=None if contractor else ctx.departments.get(org),
            contractor_id=contractor,
            position=position,
            key_roles=roles.split(",") if roles else [],
            education=edu,
            major=major,
            title=title,
            user_id=user_id if user_id not in taken else None,
            hired_on=hired,
            status="active",
        )
        ctx.session.add(person)
        await ctx.session.flush()
        ids[name] = by_number[number] = person.id
        score = 80 + (index * 7) % 19
        if contractor:
            levels: Sequence[tuple[str, date]] = [("contractor_entry", hired)]
        else:
            levels = [("company", hired), ("workshop", hired + timedelta(days=1))]
            if name != D.NEW_EMPLOYEE_NAME:
                levels = [*levels, ("team", hired + timedelta(days=3))]
            if float(years) >= 1:
                levels = [*levels, ("annual", ctx.today - timedelta(days=30 + (index * 11) % 150))]
        for kind, day in levels:
            title_text, hours, trainer = D.TRAININGS[kind]
            ctx.session.add(
                m.Training(
                    person_id=person.id,
                    kind=kind,
                    title=title_text,
                    started_on=day,
                    hours=hours,
                    trainer=trainer,
                    passed=True,
                    score=float(score),
                )
            )
    await ctx.session.flush()
    return ids


_CERT_ISSUERS = {"T": "河北省应急管理厅", "ID": "石家庄市市场监督管理局"}


async def _certificates(ctx: _Ctx, people: dict[str, int]) -> None:
    have = await _existing(ctx.session, m.PersonCertificate.kind, m.PersonCertificate.number)
    for holder, kind, until_days, years, style, scan in D.CERTIFICATES:
        assert holder and kind and until_days and years and style
        holder_name, holder_id = holder, D.ID_NUMBERS[holder]
        if holder == D.MISMATCH_HOLDER[0]:
            holder_name, holder_id = D.MISMATCH_HOLDER[1], D.MISMATCH_HOLDER[2]
        number = {"T": f"T{holder_id}", "ID": holder_id}.get(style, style)
        if (kind, number) in have:
            continue
        until = ctx.today + timedelta(days=int(until_days))
        valid_from = add_months(until, -12 * int(years)) + timedelta(days=1)
        # 特种作业操作证 are reviewed (复审) every 3 years of their 6; a review already past was done.
        review = add_months(valid_from, 36) if style == "T" else None
        if review is not None and review < ctx.today:
            review = None
        issuer = _CERT_ISSUERS.get(style) or (
            "河北省住房和城乡建设厅" if "建安" in style else "河北省应急管理厅"
        )
        ctx.session.add(
            m.PersonCertificate(
                person_id=people[holder],
                kind=kind,
                number=number,
                holder_name=holder_name,
                holder_id_number=holder_id,
                issuer=issuer,
                valid_from=valid_from,
                valid_until=until,
                review_due_on=review,
                revoked=False,
                attachments=await _scan(ctx, ref.CERTIFICATE_KINDS_V1[kind][1], number, f"{holder}-{number}")
                if scan == "yes"
                else [],
                note=D.CERT_NOTES.get((holder, kind)),
            )
        )
    await ctx.session.flush()


async def _duties(ctx: _Ctx, people: dict[str, int]) -> None:
    have = await _existing(ctx.session, m.Duty.day, m.Duty.shift, m.Duty.role)
    phones = {p.id: p.phone for p in (await ctx.session.scalars(select(m.Person))).all()}
    for offset in range(-3, 8):
        day = ctx.today + timedelta(days=offset)
        n = day.toordinal()
        plan = [
            ("all_day", "leader", D.DUTY_LEADERS[n % len(D.DUTY_LEADERS)]),
            ("day", "officer", D.DUTY_OFFICERS[n % len(D.DUTY_OFFICERS)]),
            ("night", "officer", D.DUTY_OFFICERS[(n + 3) % len(D.DUTY_OFFICERS)]),
        ]
        for shift, role, name in plan:
            if (day, shift, role) in have:
                continue
            pid = people[name]
            ctx.session.add(
                m.Duty(
                    day=day,
                    shift=shift,
                    role=role,
                    person_id=pid,
                    site_id=ctx.site_id,
                    phone=D.DUTY_PHONE if role == "officer" else phones.get(pid),
                )
            )
    await ctx.session.flush()


async def _visitors(ctx: _Ctx, people: dict[str, int]) -> None:
    have = await _existing(ctx.session, m.Visitor.id_number)
    for index, row in enumerate(D.VISITORS):
        name, gender, birth, region, company, purpose, host, start, end, briefed, status = row
        assert name and birth and region and purpose and start and end and status
        number = D.make_id_number(region, birth, 300 + index, gender == "male")
        if number in have:
            continue
        d0, h0 = (int(x) for x in start.split(","))
        d1, h1 = (int(x) for x in end.split(","))
        ctx.session.add(
            m.Visitor(
                name=name,
                id_number=number,
                company=company,
                phone=_phone(100 + index),
                host_id=people.get(host or ""),
                purpose=purpose,
                site_id=ctx.site_id,
                valid_from=ctx.at(d0, h0),
                valid_until=ctx.at(d1, h1),
                briefed=briefed == "yes",
                status=status,
            )
        )
    await ctx.session.flush()


# Row counts returned per register name (and the bypasses, which only their workflow writes).
COUNTED: dict[str, type[Base]] = {
    **{name: reg.model for name, reg in REGISTERS.items()},
    "bypasses": m.Bypass,
}


async def seed_basics(session: AsyncSession, files: LocalFileStore, today: date) -> dict[str, int]:
    """Create the missing demo master data of the demo plant; returns row counts per table afterwards.

    Needs the plant seed (site HB-01, its areas and departments, the demo users) to have run.
    """
    site = (await session.scalars(select(Site).where(Site.code == L.SITE_CODE))).one_or_none()
    if site is None:
        raise RuntimeError(f"site {L.SITE_CODE} not found: run the plant seed first")
    enterprise = await session.get(Enterprise, site.enterprise_id)
    ctx = _Ctx(
        session=session,
        files=files,
        today=today,
        site_id=site.id,
        areas={a.code: a.id for a in (await session.scalars(select(Area).where(Area.site_id == site.id)))},
        departments={d.code: d.id for d in (await session.scalars(select(Department))).all()},
        users={u.username: u.id for u in (await session.scalars(select(User))).all()},
        uscc=enterprise.uscc if enterprise and enterprise.uscc else "",
    )
    await _licences(ctx)
    await _chemicals(ctx)
    await _processes(ctx)
    await _equipment(ctx)
    await _interlocks(ctx)
    contractors = await _third_parties(ctx)
    people = await _people(ctx, contractors)
    await _certificates(ctx, people)
    await _duties(ctx, people)
    await _visitors(ctx, people)
    counts: dict[str, int] = {}
    for name, model in COUNTED.items():
        counts[name] = int(await session.scalar(select(func.count()).select_from(model)) or 0)
    return counts
