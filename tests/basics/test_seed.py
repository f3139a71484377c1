"""The demo master data: a re-seed adds nothing, identifiers are valid, every due state is present."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from anguan.basics import models as m
from anguan.basics import reference as ref
from anguan.basics import rules
from anguan.basics import seed_data as D
from anguan.basics.seed import EXPIRED_WELDER_ID_NUMBER, PLANT_TZ, scan_pdf, seed_basics
from anguan.core.db import Database
from anguan.core.files import LocalFileStore, StoredFile
from anguan.identity.models import User
from anguan.plant.rules import uscc_valid
from anguan.simulator.points import POINTS_BY_TAG

# The plant's today, as `seed-demo` seeds with: rows it already created are relative to the same day.
TODAY = datetime.now(PLANT_TZ).date()


async def _seed(database: Database, files: LocalFileStore, today: date) -> dict[str, int]:
    async with database.transaction() as s:
        return await seed_basics(s, files, today)


async def _all(database: Database, model: Any) -> list[Any]:
    async with database.transaction(write=False) as s:
        return list((await s.scalars(select(model))).all())


async def test_seed_twice_adds_nothing_and_the_data_is_valid(db_url: str, files_root: Path) -> None:
    database = Database(db_url)
    files = LocalFileStore(files_root)
    try:
        first = await _seed(database, files, TODAY)
        stored = len(await _all(database, StoredFile))
        assert await _seed(database, files, TODAY) == first
        assert len(await _all(database, StoredFile)) == stored
        assert first["people"] >= 40 and first["equipment"] >= 40 and first["licences"] >= 12
        assert first["interlocks"] == 8 and first["bypasses"] == 2 and first["contractors"] == 3

        chemicals = await _all(database, m.Chemical)
        assert all(c.cas and rules.cas_valid(c.cas) for c in chemicals)
        assert all(rules.ghs_valid(g, ref.GHS_CLASSES_V1) for c in chemicals for g in c.ghs)
        assert all(not rules.flammability_problems(c.lel_pct, c.uel_pct) for c in chemicals)
        supervised = {c.name for c in chemicals if c.key_supervised}
        assert {"甲醇", "氨", "氯", "氢", "苯", "甲苯", "环氧乙烷", "一氧化碳", "硫化氢"} <= supervised
        assert not {"硫酸", "氢氧化钠"} & supervised

        people = await _all(database, m.Person)
        assert all(rules.id_number_valid(p.id_number) for p in people)
        visitors = await _all(database, m.Visitor)
        assert len(visitors) == 4 and all(rules.id_number_valid(v.id_number) for v in visitors)
        parties = await _all(database, m.Contractor) + await _all(database, m.Supplier)
        assert all(uscc_valid(p.uscc) for p in parties)
        certificates = await _all(database, m.PersonCertificate)
        assert all(c.holder_id_number and rules.id_number_valid(c.holder_id_number) for c in certificates)
        assert all(c.kind in ref.CERTIFICATE_KINDS_V1 for c in certificates)
        assert all(set(p.key_roles) <= set(ref.KEY_ROLES_V1) for p in people)
        assert all(p.education in ref.EDUCATION_LEVELS_V1 for p in people)
        processes = await _all(database, m.Process)
        assert any(p.hazardous_process for p in processes) and any(not p.hazardous_process for p in processes)
        assert all(
            p.hazardous_process is None or p.hazardous_process in ref.HAZARDOUS_PROCESSES for p in processes
        )
        interlocks = await _all(database, m.Interlock)
        assert all(t in POINTS_BY_TAG for i in interlocks for t in i.point_tags)

        def states(dates: list[date | None]) -> set[str]:
            return {rules.due_status(d, TODAY).status for d in dates if d is not None}

        licences = await _all(database, m.Licence)
        equipment = await _all(database, m.Equipment)
        assert {"expired", "due", "valid"} <= states([x.valid_until for x in licences])
        assert {"expired", "due", "valid"} <= states([x.next_due_on for x in equipment])
        assert {"expired", "due", "valid"} <= states([x.valid_until for x in certificates])
        tiers = {rules.due_status(x.valid_until, TODAY).tier for x in licences if x.valid_until}
        assert {0, 7, 30, 90} <= tiers
        assert sum(rules.due_status(x.next_due_on, TODAY).status == "expired" for x in equipment) >= 2
        tags = {x.tag for x in equipment}
        assert all(x.protects in tags for x in equipment if x.kind in ("safety_valve", "rupture_disc"))
        assert any(not x.attachments for x in licences) and any(x.attachments for x in licences)
    finally:
        await database.dispose()


async def test_expired_welder_is_refused_hot_work_and_the_workflow_data_is_there(
    db_url: str, files_root: Path
) -> None:
    database = Database(db_url)
    try:
        await _seed(database, LocalFileStore(files_root), TODAY)
        people = {p.id_number: p for p in await _all(database, m.Person)}
        certificates = await _all(database, m.PersonCertificate)

        def answer(person: m.Person, work: str) -> rules.Eligibility:
            certs = [
                rules.Certificate(
                    c.kind, c.holder_id_number or person.id_number, c.valid_from, c.valid_until, c.revoked
                )
                for c in certificates
                if c.person_id == person.id
            ]
            return rules.eligibility(person.id_number, certs, ref.WORK_CERTIFICATES_V1[work], TODAY)

        welder = people[EXPIRED_WELDER_ID_NUMBER]
        assert welder.name == D.EXPIRED_WELDER_NAME and welder.kind == "contractor"
        refused = answer(welder, "hot_work")
        assert (refused.ok, refused.reason, refused.alarm_code) == (False, "expired", "5/51")
        by_name = {p.name: p for p in people.values()}
        assert answer(by_name["马俊"], "hot_work").ok
        mismatched = answer(by_name[D.MISMATCH_HOLDER[0]], "temporary_electricity")
        assert (mismatched.reason, mismatched.alarm_code) == ("mismatched", "5/52")
        assert answer(by_name["王建国"], "hot_work").reason == "missing"

        trainings = await _all(database, m.Training)
        new = by_name[D.NEW_EMPLOYEE_NAME]
        assert {t.kind for t in trainings if t.person_id == new.id} == {"company", "workshop"}
        assert {"company", "workshop", "team"} <= {
            t.kind for t in trainings if t.person_id == by_name["张伟"].id
        }

        roles = [set(p.key_roles) for p in people.values()]
        assert sum("principal" in r for r in roles) == 1 and sum("safety_deputy" in r for r in roles) == 1
        assert (
            sum("safety_staff" in r for r in roles) == 3
            and sum("registered_engineer" in r for r in roles) == 1
        )
        users = {u.id: u.username for u in await _all(database, User)}
        linked = {users[p.user_id] for p in people.values() if p.user_id}
        assert {"safety", "leader", "operator", "inspector"} <= linked

        duties = await _all(database, m.Duty)
        days = {d.day for d in duties}
        assert {TODAY + timedelta(days=n) for n in range(-3, 8)} <= days

        bypasses = await _all(database, m.Bypass)
        assert all(b.status == "active" and b.approved_by != b.requested_by for b in bypasses)
        now = datetime.now(PLANT_TZ)
        overdue = [
            b for b in bypasses if b.approved_until and rules.bypass_overdue(True, b.approved_until, now)
        ]
        assert len(overdue) == 1
        status = {i.id: i.status for i in await _all(database, m.Interlock)}
        assert all(status[b.interlock_id] == "bypassed" for b in bypasses)
    finally:
        await database.dispose()


def test_scan_pdf_is_well_formed() -> None:
    pdf = scan_pdf("Title (demo)", ["line one", "冀 non-ASCII"])
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    startxref = int(re.findall(rb"startxref\n(\d+)", pdf)[-1])
    assert pdf[startxref:].startswith(b"xref")
    offsets = [int(o) for o in re.findall(rb"^(\d{10}) 00000 n ", pdf, re.M)]
    assert [pdf[o:].split(b" ", 1)[0] for o in offsets] == [
        str(n).encode() for n in range(1, len(offsets) + 1)
    ]
