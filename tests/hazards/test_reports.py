"""Evaluation reports and supervision findings: renewal dates at the cycle's boundaries, the report in
force, the 三录入 closed loop with a separate reviewer, rectification feedback, attachments for
whoever may read the record, refusals that change nothing, and both in the reminder centre."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from anguan.basics import reminders
from anguan.basics.models import Person
from anguan.basics.rules import add_months
from anguan.basics.settings_service import plant_date
from anguan.core.time import utcnow
from anguan.hazards.models import EvaluationReport, Finding
from anguan.hazards.rules import (
    HazardInputError,
    current_reports,
    finding_next,
    finding_overdue,
    report_due,
)
from anguan.identity.models import DataScope, Role, User, UserRole
from anguan.notify.models import InboxItem, Message
from tests.plant.support import Callers

H = "/api/v1/hazards"


# ----------------------------------------------------------------------------- rules


@pytest.mark.parametrize(
    ("kind", "issued", "entered", "due"),
    [
        # 安全评价: 3 years to the day (危化品条例 Art. 22); an earlier date may be entered, the limit too.
        ("safety_evaluation", date(2023, 11, 29), None, date(2026, 11, 29)),
        ("safety_evaluation", date(2023, 11, 29), date(2026, 11, 29), date(2026, 11, 29)),
        ("safety_evaluation", date(2023, 11, 29), date(2025, 6, 30), date(2025, 6, 30)),
        ("safety_evaluation", date(2023, 11, 29), date(2023, 11, 29), date(2023, 11, 29)),
        # 29 Feb has no match three years on: the last day of February.
        ("hazard_assessment", date(2024, 2, 29), None, date(2027, 2, 28)),
        ("hazop", date(2023, 1, 31), None, date(2026, 1, 31)),
        # SIL: no statutory cycle; the entered date, or none.
        ("sil", date(2023, 1, 31), None, None),
        ("sil", date(2023, 1, 31), date(2030, 1, 1), date(2030, 1, 1)),
        ("other", date(2023, 1, 31), None, None),
    ],
)
def test_report_due(kind: str, issued: date, entered: date | None, due: date | None) -> None:
    assert report_due(kind, issued, entered) == due


@pytest.mark.parametrize(
    ("kind", "issued", "entered", "code"),
    [
        ("safety_evaluation", date(2023, 11, 29), date(2026, 11, 30), "hazards.report_beyond_cycle"),
        ("hazop", date(2024, 2, 29), date(2027, 3, 1), "hazards.report_beyond_cycle"),
        ("sil", date(2023, 11, 29), date(2023, 11, 28), "hazards.report_due_before_issue"),
        ("safety_evaluation", date(2023, 11, 29), date(2023, 11, 28), "hazards.report_due_before_issue"),
        ("fire_report", date(2023, 11, 29), None, "hazards.unknown_report_kind"),
    ],
)
def test_report_due_refusals(kind: str, issued: date, entered: date | None, code: str) -> None:
    with pytest.raises(HazardInputError) as exc:
        report_due(kind, issued, entered)
    assert exc.value.code == code


def test_current_report_is_the_latest_issued_per_kind_and_place() -> None:
    d = date(2025, 1, 1)
    rows = [
        (1, "hazop", 7, 1, d),
        (2, "hazop", 7, 1, d + timedelta(days=1)),  # later issue wins
        (3, "hazop", 8, 1, d),  # another unit
        (4, "hazop", None, 1, d),  # the site-wide one is its own group
        (5, "sil", 7, 1, d),
        (6, "sil", 7, 1, d),  # same day: the later entry wins
    ]
    assert current_reports(rows) == {2, 3, 4, 6}


@pytest.mark.parametrize(
    ("status", "action", "after"),
    [
        ("open", "edit", "open"),
        ("open", "feedback", "open"),
        ("open", "rectify", "rectified"),
        ("rectified", "feedback", "rectified"),
        ("rectified", "pass", "closed"),
        ("rectified", "fail", "open"),
        ("open", "pass", None),  # no review before a rectification
        ("rectified", "rectify", None),
        ("rectified", "edit", None),  # the problem entry is fixed once rectified
        ("closed", "feedback", None),
        ("closed", "fail", None),
    ],
)
def test_three_entry_loop(status: str, action: str, after: str | None) -> None:
    if after is None:
        with pytest.raises(HazardInputError) as exc:
            finding_next(status, action)
        assert exc.value.code == "hazards.finding_bad_state"
    else:
        assert finding_next(status, action) == after


@pytest.mark.parametrize(
    ("deadline", "status", "today", "overdue"),
    [
        (date(2026, 12, 1), "open", date(2026, 12, 1), False),  # the deadline day is in time
        (date(2026, 12, 1), "open", date(2026, 12, 2), True),
        (date(2026, 12, 1), "rectified", date(2027, 1, 1), False),  # awaiting review is not late
        (date(2026, 12, 1), "closed", date(2027, 1, 1), False),
    ],
)
def test_finding_overdue(deadline: date, status: str, today: date, overdue: bool) -> None:
    assert finding_overdue(deadline, status, today) is overdue


# ----------------------------------------------------------------------------- API


@pytest.fixture
async def callers(app: Any) -> AsyncIterator[Callers]:
    c = Callers(app)
    yield c
    await c.aclose()


def today() -> date:
    return plant_date(utcnow(), "Asia/Shanghai")


async def unit_id(client: Any, code: str) -> int:
    return int(next(u["id"] for u in (await client.get(f"{H}/units")).json() if u["code"] == code))


async def add_safety_manager(app: Any, username: str) -> int:
    """A second safety manager (all data), to review what `safety` rectified."""
    async with app.state.database.transaction() as s:
        role_id = (await s.scalars(select(Role.id).where(Role.code == "safety_manager"))).one()
        user = User(username=username, display_name=username, password_hash="x", password_history=[])
        s.add(user)
        await s.flush()
        s.add(UserRole(user_id=user.id, role_id=role_id))
        s.add(DataScope(user_id=user.id, kind="all", ref_id=None))
        return int(user.id)


async def upload(client: Any, name: str, data: bytes) -> int:
    r = await client.post("/api/v1/files", files={"file": (name, data, "application/pdf")})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def test_demo_reports_and_findings(callers: Any) -> None:
    safety = await callers("safety")
    reports = (await safety.get(f"{H}/reports")).json()
    by_kind = {r["kind"]: r for r in reports}
    assert set(by_kind) == {"safety_evaluation", "hazard_assessment", "hazop", "sil"}
    assert (
        by_kind["safety_evaluation"]["unit_id"] is None
        and by_kind["safety_evaluation"]["due_status"] == "due"
    )
    assert by_kind["hazop"]["due_status"] == "expired" and by_kind["hazop"]["unit_code"] == "HZ-DK01"
    findings = (await safety.get(f"{H}/findings")).json()
    assert [f["status"] for f in findings] == ["open", "open", "closed"]
    assert [f["overdue"] for f in findings] == [True, False, False]
    assert findings[0]["responsible_name"] == "田刚"
    due = (await safety.get("/api/v1/basics/reminders", params={"register": "hz_reports"})).json()
    assert {i["title"].split()[-1] for i in due} >= {"安全现状评价报告", "1#罐区HAZOP分析报告"}


async def test_report_lifecycle(app: Any, callers: Any) -> None:
    safety, operator = await callers("safety"), await callers("operator")
    dk02 = await unit_id(safety, "HZ-DK02")
    issued = add_months(today(), -36) + timedelta(days=10)  # due in 10 days
    body = {"kind": "hazard_assessment", "unit_id": dk02, "title": "2#罐区安全评估", "issued_on": str(issued)}
    assert (await operator.post(f"{H}/reports", json=body)).status_code == 403
    file_id = await upload(safety, "评估报告.pdf", b"%PDF-1.4 demo")
    r = await safety.post(f"{H}/reports", json=body | {"files": [file_id]})
    assert r.status_code == 201, r.text
    old = r.json()
    assert (old["valid_until"], old["due_status"], old["days_left"]) == (
        str(add_months(issued, 36)),
        "due",
        10,
    )
    assert old["current"] and old["file_refs"][0]["name"] == "评估报告.pdf"
    # Another reader of the report downloads its attachment; an unlinked file id is not served.
    r = await operator.get(f"{H}/reports/{old['id']}/files/{file_id}")
    assert r.status_code == 200 and r.content == b"%PDF-1.4 demo"
    assert (await operator.get(f"{H}/reports/{old['id']}/files/{file_id + 1000}")).status_code == 404
    items = (await safety.get("/api/v1/basics/reminders", params={"register": "hz_reports"})).json()
    assert any(i["id"] == old["id"] and i["what"] == "evaluation" for i in items)
    # A newer report supersedes it: no longer reminded.
    r = await safety.post(
        f"{H}/reports", json=body | {"title": "2#罐区安全评估（复评）", "issued_on": str(today())}
    )
    new = r.json()
    assert r.status_code == 201 and new["current"] and new["due_status"] == "valid"
    assert (await safety.get(f"{H}/reports/{old['id']}")).json()["current"] is False
    items = (await safety.get("/api/v1/basics/reminders", params={"register": "hz_reports"})).json()
    assert old["id"] not in {i["id"] for i in items}
    # Deleting the new one (entered by mistake) puts the old one back in force.
    assert (await safety.delete(f"{H}/reports/{new['id']}")).status_code == 204
    assert (await safety.get(f"{H}/reports/{old['id']}")).json()["current"] is True
    # An edit of the issue date moves the derived renewal date with it.
    r = await safety.patch(f"{H}/reports/{old['id']}", json={"issued_on": str(today())})
    assert r.json()["valid_until"] == str(add_months(today(), 36))


async def test_report_refusals_change_nothing(app: Any, callers: Any) -> None:
    safety = await callers("safety")
    dk02 = await unit_id(safety, "HZ-DK02")
    sites = (await safety.get("/api/v1/plant/sites")).json()
    base = {"kind": "hazop", "unit_id": dk02, "title": "x", "issued_on": str(today() - timedelta(days=1))}
    cases = [
        (base | {"issued_on": str(today() + timedelta(days=1))}, "hazards.report_issued_in_future"),
        (base | {"valid_until": str(add_months(today(), 40))}, "hazards.report_beyond_cycle"),
        (base | {"valid_until": str(today() - timedelta(days=5))}, "hazards.report_due_before_issue"),
        (base | {"unit_id": 987654}, "hazards.unit_not_found"),
        (base | {"unit_id": None}, "hazards.report_needs_place"),
        (base | {"unit_id": None, "site_id": 987654}, "hazards.site_not_found"),
        (base | {"site_id": sites[0]["id"] + 1000}, "hazards.unit_not_in_site"),
        (base | {"files": [987654]}, "hazards.unknown_file"),
        (base | {"kind": "fire"}, "common.validation_error"),
    ]
    async with app.state.database.transaction(write=False) as s:
        before = len((await s.scalars(select(EvaluationReport.id))).all())
    for body, code in cases:
        r = await safety.post(f"{H}/reports", json=body)
        assert r.status_code == 422 and r.json()["code"] == code, (body, r.text)
    async with app.state.database.transaction(write=False) as s:
        assert len((await s.scalars(select(EvaluationReport.id))).all()) == before
    # Another user's upload cannot be attached.
    other = await callers("inspector")
    fid = await upload(other, "x.pdf", b"x")
    r = await safety.post(f"{H}/reports", json=base | {"files": [fid]})
    assert r.status_code == 422 and r.json()["code"] == "hazards.unknown_file"


async def test_report_scope(callers: Any) -> None:
    safety, inspector = await callers("safety"), await callers("inspector")
    seen_units = {u["id"] for u in (await inspector.get(f"{H}/units")).json()}
    for r in (await inspector.get(f"{H}/reports")).json():
        assert r["unit_id"] is None or r["unit_id"] in seen_units
    pu01 = await unit_id(safety, "HZ-PU01")
    r = await safety.post(
        f"{H}/reports", json={"kind": "sil", "unit_id": pu01, "title": "加氢SIL", "issued_on": str(today())}
    )
    rid = r.json()["id"]
    expect = 200 if pu01 in seen_units else 403
    assert (await inspector.get(f"{H}/reports/{rid}")).status_code == expect
    assert (await inspector.get(f"{H}/reports/987654")).status_code == 404


async def _finding(client: Any, unit: int, **extra: Any) -> dict[str, Any]:
    body = {
        "unit_id": unit,
        "source": "government",
        "level": "major",
        "found_on": str(today() - timedelta(days=3)),
        "inspector": "市应急管理局",
        "description": "储罐呼吸阀阻火器未定期检查",
        "basis": "GB 50160 6.2.16",
        "deadline": str(today() + timedelta(days=4)),
    } | extra
    r = await client.post(f"{H}/findings", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_three_entries_with_a_separate_reviewer(app: Any, callers: Any) -> None:
    safety, operator = await callers("safety"), await callers("operator")
    await add_safety_manager(app, "safety2")
    reviewer = await callers("safety2")
    dk01 = await unit_id(safety, "HZ-DK01")
    photo = await upload(safety, "现场.jpg", b"jpeg")
    f = await _finding(safety, dk01, problem_files=[photo])
    assert (f["status"], f["rounds"], [e["kind"] for e in f["events"]]) == ("open", 1, ["entered"])
    fid = f["id"]
    assert (await operator.post(f"{H}/findings/{fid}/feedback", json={"note": "x"})).status_code == 403
    # Rectification feedback (整改反馈) while it is being rectified.
    r = await safety.post(f"{H}/findings/{fid}/feedback", json={"note": "已联系厂家，备件3日内到货"})
    assert r.status_code == 200 and r.json()["events"][-1]["note"].startswith("已联系厂家")
    # No review before the rectification.
    r = await reviewer.post(f"{H}/findings/{fid}/review", json={"result": "pass"})
    assert r.status_code == 409 and r.json()["code"] == "hazards.finding_bad_state"
    evidence = await upload(safety, "整改后.jpg", b"after")
    rect = {
        "measures": "更换阻火器并建立检查台账",
        "rectified_on": str(today()),
        "cost": 0.8,
        "files": [evidence],
    }
    r = await safety.post(f"{H}/findings/{fid}/rectify", json=rect)
    assert r.status_code == 200 and r.json()["status"] == "rectified"
    # The problem entry is fixed now; whoever entered the rectification cannot review it.
    assert (await safety.patch(f"{H}/findings/{fid}", json={"level": "general"})).status_code == 409
    r = await safety.post(f"{H}/findings/{fid}/review", json={"result": "pass"})
    assert r.status_code == 403 and r.json()["code"] == "hazards.review_own_rectification"
    # A failed review needs the reason and sends it back for a second round.
    r = await reviewer.post(f"{H}/findings/{fid}/review", json={"result": "fail"})
    assert r.status_code == 422 and r.json()["code"] == "hazards.review_fail_needs_note"
    r = await reviewer.post(f"{H}/findings/{fid}/review", json={"result": "fail", "note": "台账未建立"})
    body = r.json()
    assert (body["status"], body["rounds"], body["measures"], body["review_result"]) == (
        "open",
        2,
        None,
        "fail",
    )
    r = await safety.post(f"{H}/findings/{fid}/rectify", json=rect | {"measures": "补建检查台账并培训"})
    r = await reviewer.post(f"{H}/findings/{fid}/review", json={"result": "pass", "note": "同意销号"})
    body = r.json()
    assert (body["status"], body["reviewed_by"], body["rectified_by"]) == ("closed", "safety2", "safety")
    assert [e["kind"] for e in body["events"]] == [
        "entered",
        "feedback",
        "rectified",
        "failed",
        "rectified",
        "passed",
    ]
    assert (await safety.post(f"{H}/findings/{fid}/feedback", json={"note": "x"})).status_code == 409
    # The evidence of every entry is served to readers of the finding (the operator sees DK01).
    for file_id in (photo, evidence):
        assert (await operator.get(f"{H}/findings/{fid}/files/{file_id}")).status_code == 200
    assert (await operator.get(f"{H}/findings/{fid}/files/{file_id + 999}")).status_code == 404


async def test_finding_refusals_change_nothing(app: Any, callers: Any) -> None:
    safety = await callers("safety")
    dk01 = await unit_id(safety, "HZ-DK01")
    t = today()
    base = {
        "unit_id": dk01,
        "source": "park",
        "found_on": str(t),
        "inspector": "园区",
        "description": "问题",
        "deadline": str(t),
    }
    cases = [
        (base | {"found_on": str(t + timedelta(days=1)), "deadline": str(t + timedelta(days=2))}, "hazards.found_in_future"),
        (base | {"deadline": str(t - timedelta(days=1))}, "hazards.deadline_before_found"),
        (base | {"unit_id": 987654}, "hazards.unit_not_found"),
        (base | {"responsible_id": 987654}, "hazards.person_not_found"),
        (base | {"problem_files": [987654]}, "hazards.unknown_file"),
        (base | {"source": "rumour"}, "common.validation_error"),
    ]  # fmt: skip
    async with app.state.database.transaction(write=False) as s:
        before = len((await s.scalars(select(Finding.id))).all())
    for body, code in cases:
        r = await safety.post(f"{H}/findings", json=body)
        assert r.status_code == 422 and r.json()["code"] == code, (body, r.text)
    async with app.state.database.transaction(write=False) as s:
        assert len((await s.scalars(select(Finding.id))).all()) == before
    f = await _finding(safety, dk01)
    for body, code in (
        ({"measures": "x", "rectified_on": str(t + timedelta(days=1))}, "hazards.rectified_in_future"),
        ({"measures": "xx", "rectified_on": str(t - timedelta(days=30))}, "hazards.rectified_before_found"),
    ):
        r = await safety.post(f"{H}/findings/{f['id']}/rectify", json=body)
        assert r.status_code == 422, r.text
        if len(body["measures"]) > 1:
            assert r.json()["code"] == code
    assert (await safety.get(f"{H}/findings/{f['id']}")).json()["status"] == "open"


async def test_overdue_findings_in_the_reminder_centre_reach_the_responsible(app: Any, callers: Any) -> None:
    safety = await callers("safety")
    dk01 = await unit_id(safety, "HZ-DK01")
    async with app.state.database.transaction() as s:
        leader = (await s.scalars(select(User).where(User.username == "leader"))).one()
        person = (await s.scalars(select(Person).where(Person.user_id == leader.id))).first()
        if person is None:
            person = (await s.scalars(select(Person).where(Person.name == "王建国"))).one()
            person.user_id = leader.id
        safety_id = (await s.scalars(select(User.id).where(User.username == "safety"))).one()
    t = today()
    f = await _finding(
        safety,
        dk01,
        found_on=str(t - timedelta(days=9)),
        deadline=str(t - timedelta(days=1)),
        responsible_id=person.id,
    )
    assert f["overdue"] is True
    late = (await safety.get(f"{H}/findings", params={"overdue": True})).json()
    assert f["id"] in {x["id"] for x in late} and all(x["overdue"] for x in late)
    items = (await safety.get("/api/v1/basics/reminders", params={"register": "hz_findings"})).json()
    mine = next(i for i in items if i["id"] == f["id"])
    assert (mine["status"], mine["what"], mine["days_left"]) == ("expired", "rectification", -1)
    # Who lacks hazards.read does not get the module's items.
    contractor = await callers("contractor")
    assert (await contractor.get("/api/v1/basics/reminders")).status_code == 403
    async with app.state.database.transaction() as s:
        await reminders.send_reminders(s, app.state.bus, t)
    async with app.state.database.transaction(write=False) as s:
        msg = (
            await s.scalars(
                select(Message).where(Message.dedupe_key.like(f"basics.due:hz_findings:{f['id']}:%"))
            )
        ).one()
        users = set((await s.scalars(select(InboxItem.user_id).where(InboxItem.message_id == msg.id))).all())
    assert msg.severity == "urgent" and {safety_id, leader.id} <= users
    # Rectified: no longer overdue, no longer reminded.
    await safety.post(f"{H}/findings/{f['id']}/rectify", json={"measures": "已整改", "rectified_on": str(t)})
    items = (await safety.get("/api/v1/basics/reminders", params={"register": "hz_findings"})).json()
    assert f["id"] not in {i["id"] for i in items}


async def test_reference_tables_and_export(callers: Any) -> None:
    safety = await callers("safety")
    tables = (await safety.get(f"{H}/reference/tables")).json()
    assert len(tables["table1"]) == 85 and tables["version"] == "gb18218-2018/v1"
    ammonia = tables["table1"][0]
    assert (ammonia["cas"], ammonia["q_t"], ammonia["beta"]) == (["7664-41-7"], "10", "2")
    assert {"J1", "W5.3"} <= {r["code"] for r in tables["table2"]}
    assert [r["grade"] for r in tables["table6"]] == [1, 2, 3]
    kinds = {k["kind"]: k for k in (await safety.get(f"{H}/report-kinds")).json()}
    assert kinds["safety_evaluation"]["cycle_years"] == 3 and kinds["sil"]["cycle_years"] is None
    r = await safety.get(f"{H}/findings/export.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
