"""Permits as AQ 3064.2-2025 表A.1 records with their 表A.3 alarms: the pure mapping (formats, required
fields by state and type, the reading shown, aligned certificates) and the endpoints on the demo plant
(SQLite and PostgreSQL): TICKET_STATUS through the life cycle (0 未签发 … 6 暂停), a complete accepted
hot-work permit with nothing missing, contractor work, alarms raised and handled, the incremental
feed, permissions and data scope."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from anguan.basics.models import Person
from anguan.permits import alarms
from anguan.permits.exchange import (
    ALARM_FIELDS,
    TICKET_FIELDS,
    TicketFacts,
    TicketPerson,
    alarm_code,
    alarm_record,
    exchange_time,
    gas_reading,
    missing_alarm_fields,
    missing_required,
    ticket_record,
)
from anguan.permits.models import GasTest, Permit, WorkAlarm
from anguan.plant.geo import GeoReference, to_wgs84
from anguan.plant.models import Enterprise, Site
from tests.permits.support import (
    LEDGER,
    NOW,
    PM,
    World,
    act,
    alarm_codes,
    emergency,
    new_permit,
    to_accepted,
    to_applying,
    to_in_progress,
    to_issued,
    world,
)

__all__ = ["world"]

TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
TIME_FIELDS = (
    "GAS_TIME",
    "ISSUE_TIME",
    "START_TIME",
    "END_TIME",
    "CHECKED_TIME",
    "CREATE_DATE",
    "UPDATE_DATE",
)
AT = datetime(2027, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 plant time


def permit(**extra: Any) -> Permit:
    values: dict[str, Any] = {
        "id": 1,
        "uid": "6f1c2a4e-0000-4000-8000-000000000001",
        "number": "DH-20270302-001",
        "work_type": "hot_work",
        "grade": "2",
        "state": "draft",
        "site_id": 1,
        "location": "合成装置区",
        "x": 100.0,
        "y": 100.0,
        "hazardous_area": False,
        "content": "电焊",
        "contractor_id": None,
        "work_unit": "合成车间",
        "leader_id": 1,
        "planned_start": AT,
        "planned_end": AT + timedelta(hours=6),
        "created_at": AT - timedelta(days=1),
        "updated_at": AT - timedelta(days=1),
        "created_by": "safety",
    }
    return Permit(**(values | extra))


def facts(p: Permit, **extra: Any) -> TicketFacts:
    values: dict[str, Any] = {
        "permit": p,
        "company_name": "华北精细化工有限公司",
        "company_code": "91130100MA0DEMQ4XX",
        "leader": TicketPerson("刘强", "leader", "13931180000"),
        "people": [
            TicketPerson("马俊", "worker", None, "特种作业操作证-焊接与热切割作业", "T1"),
            TicketPerson("孙磊", "guardian"),
        ],
        "gas_tests": [],
        "geo": GeoReference(38.0428, 114.5149),
    }
    return TicketFacts(**(values | extra))


def test_times_are_plant_time_without_offset() -> None:
    assert exchange_time(AT) == "2027-03-02 09:00:00"
    assert exchange_time(datetime(2027, 3, 2, 16, 30, 5, tzinfo=UTC)) == "2027-03-03 00:30:05"
    assert exchange_time(None) is None


def test_a_record_has_exactly_the_table_identifiers_in_order() -> None:
    record = ticket_record(facts(permit()))
    assert list(record) == list(TICKET_FIELDS) and len(TICKET_FIELDS) == 33
    assert record["TICKET_TYPE"] == "03" and record["TICKET_STATUS"] == "0"
    assert (record["START_TIME"], record["END_TIME"]) == ("2027-03-02 09:00:00", "2027-03-02 15:00:00")
    lat, lon = to_wgs84(GeoReference(38.0428, 114.5149), 100.0, 100.0)
    assert (record["LATITUDE"], record["LONGITUDE"]) == (round(lat, 7), round(lon, 7))
    assert record["UPDATE_DATE"] == record["CREATE_DATE"] and record["UPDATE_BY"] == record["CREATE_BY"]
    assert (
        record["IS_CONTRACTOR_WORK"],
        record["IS_CHANGED"],
        record["IS_CANCELLED"],
        record["DELETED"],
    ) == ("0",) * 4
    # no point, or no reference: no position
    assert ticket_record(facts(permit(x=None)))["LONGITUDE"] is None
    assert ticket_record(facts(permit(), geo=None))["LATITUDE"] is None


@pytest.mark.parametrize(
    ("state", "present", "absent"),
    [
        ("draft", {"GAS_NAME", "GAS_TIME", "GAS_VALUE"}, {"ISSUE_TIME", "CHECKED_TIME"}),
        ("issued", {"ISSUE_TIME", "GAS_NAME"}, {"CHECKED_TIME"}),
        ("paused", {"ISSUE_TIME"}, {"CHECKED_TIME"}),
        ("accepted", {"ISSUE_TIME", "CHECKED_TIME"}, set()),
        ("voided", set(), {"ISSUE_TIME", "CHECKED_TIME"}),
    ],
)
def test_issue_and_acceptance_times_are_required_once_they_can_exist(
    state: str, present: set[str], absent: set[str]
) -> None:
    missing = set(missing_required(ticket_record(facts(permit(state=state)))))
    assert present <= missing and not (absent & missing)


def test_gas_and_certificates_are_required_by_type() -> None:
    power = ticket_record(facts(permit(work_type="temporary_electricity", grade=None), people=[]))
    assert power["TICKET_TYPE"] == "10" and "GAS_NAME" not in missing_required(power)
    assert {"GAS_NAME", "GAS_TIME", "GAS_VALUE"} <= set(missing_required(power, gas_required=True))
    assert {"WORKER_CERTI_NAME", "WORKER_CERTI_NUM"} <= set(missing_required(power))  # 电工作业
    space = ticket_record(facts(permit(work_type="confined_space", grade=None), people=[]))
    assert "GAS_VALUE" in missing_required(space) and "WORKER_CERTI_NUM" not in missing_required(space)
    digging = ticket_record(facts(permit(work_type="excavation", grade=None), people=[]))
    assert not {"GAS_NAME", "WORKER_CERTI_NAME"} & set(missing_required(digging))


def test_certificates_are_aligned_with_the_workers() -> None:
    people = [
        TicketPerson("马俊", "worker", None, "特种作业操作证-焊接与热切割作业", "T1"),
        TicketPerson("杨帆", "worker"),
        TicketPerson("黄磊", "electrician", None, "特种作业操作证-低压电工作业", "T2"),
        TicketPerson("孙磊", "guardian"),
        TicketPerson("李娜", "analyst"),
    ]
    r = ticket_record(facts(permit(), people=people))
    assert r["WORKER_NAME"] == "马俊,杨帆,黄磊" and r["SUPERVISOR_NAME"] == "孙磊"
    assert r["WORKER_CERTI_NAME"] == "特种作业操作证-焊接与热切割作业,,特种作业操作证-低压电工作业"
    assert r["WORKER_CERTI_NUM"] == "T1,,T2"
    r = ticket_record(facts(permit(), people=[TicketPerson("杨帆", "worker")]))
    assert r["WORKER_CERTI_NAME"] is None and r["WORKER_CERTI_NUM"] is None


def _test(
    readings: list[dict[str, Any]], failures: list[dict[str, Any]] | None = None, **extra: Any
) -> GasTest:
    values = {"id": 1, "sampled_at": AT, "point": "p", "analyst": "a", "readings": readings}
    return GasTest(**(values | extra), passed=not failures, failures=failures or [])


def test_the_reading_shown_is_the_failing_one_else_combustible_else_the_first() -> None:
    o2 = {"kind": "oxygen", "name": "O2", "value": 18.0}
    ch = {"kind": "combustible", "name": "甲醇", "value": 0.1}
    assert gas_reading(_test([o2, ch])) == ch
    assert gas_reading(_test([o2, ch], [{"name": "O2", "kind": "oxygen"}])) == o2
    assert gas_reading(_test([o2])) == o2
    assert gas_reading(_test([])) is None
    later = _test(
        [{"kind": "combustible", "name": "甲烷", "value": 0.2}], id=2, sampled_at=AT + timedelta(minutes=1)
    )
    r = ticket_record(facts(permit(), gas_tests=[later, _test([ch])]))
    assert (r["GAS_NAME"], r["GAS_TIME"], r["GAS_VALUE"]) == ("甲烷", "2027-03-02 09:01:00", 0.2)


def test_changes_and_cancellations() -> None:
    r = ticket_record(facts(permit(state="closed_for_reissue", change_cause="作业地点变更")))
    assert (r["TICKET_STATUS"], r["IS_CHANGED"], r["CHANGED_CAUSE"]) == ("4", "1", "作业地点变更")
    r = ticket_record(facts(permit(state="revoked", cancel_cause="计划取消")))
    assert (r["TICKET_STATUS"], r["IS_CANCELLED"], r["CANCELLED_CAUSE"]) == ("5", "1", "计划取消")
    r = ticket_record(facts(permit(state="voided", void_cause="违章收回")))
    assert (r["TICKET_STATUS"], r["IS_CANCELLED"], r["CANCELLED_CAUSE"]) == ("4", "1", "违章收回")
    r = ticket_record(facts(permit(contractor_id=3), contractor_name="河北诚信建设工程有限公司"))
    assert (r["IS_CONTRACTOR_WORK"], r["WORK_DEPARTMENT"]) == ("1", "合成车间,河北诚信建设工程有限公司")


def test_alarm_records() -> None:
    a = WorkAlarm(uid="a-1", code="0/02", started_at=AT, ended_at=None, result=None, handled_by=None)
    r = alarm_record(a, "t-1")
    assert list(r) == list(ALARM_FIELDS) and alarm_code("0/02") == "02" and r["ALARM_TYPE"] == "02"
    assert (r["ALARM_END_TIME"], r["UPDATE_BY"], r["DELETED"]) == (None, "system", "0")
    assert missing_alarm_fields(r) == []
    a.ended_at, a.result, a.handled_by = AT + timedelta(minutes=3), "补做气体分析", "safety"
    r = alarm_record(a, "t-1")
    assert (r["ALARM_END_TIME"], r["ALARM_RESULT"], r["UPDATE_BY"]) == (
        "2027-03-02 09:03:00",
        "补做气体分析",
        "safety",
    )
    assert r["UPDATE_DATE"] == r["ALARM_END_TIME"] and r["CREATE_DATE"] == r["ALARM_START_TIME"]


# ------------------------------------------------------------------------------ through the API


def _shape(body: dict[str, Any]) -> dict[str, Any]:
    ticket = body["ticket"]
    assert list(ticket) == list(TICKET_FIELDS)
    for key in TIME_FIELDS:
        assert ticket[key] is None or TIME.match(ticket[key]), (key, ticket[key])
    for alarm in body["alarms"]:
        assert list(alarm) == list(ALARM_FIELDS) and alarm["TICKET_ID"] == ticket["ID"]
    assert body["missing"] == missing_required(ticket, gas_required=True) or ticket["TICKET_TYPE"] != "03"
    return dict(ticket)


async def _get(client: Any, pid: int) -> dict[str, Any]:
    r = await client.get(f"{PM}/{pid}/exchange")
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_ticket_status_through_the_life_cycle(world: World) -> None:
    people, callers = world.people, world.callers
    safety, leader = await callers("safety"), await callers("leader")
    draft = (await new_permit(safety, people))["id"]
    revoked = (await new_permit(safety, people))["id"]
    assert (await act(safety, revoked, "cancel", reason="计划取消")).status_code == 200
    issued, voided, running, paused = [
        (await new_permit(safety, people, **emergency()))["id"] for _ in range(4)
    ]
    await to_issued(safety, leader, issued, people)
    await to_issued(safety, leader, voided, people)
    assert (await act(safety, voided, "void", reason="过期未用")).json()["state"] == "voided"
    await to_in_progress(safety, leader, running, people)
    await to_in_progress(safety, leader, paused, people)
    assert (await act(safety, paused, "pause", reason="等待备件")).json()["state"] == "paused"
    accepted = (await new_permit(safety, people, **emergency()))["id"]
    await to_accepted(safety, leader, accepted, people)

    expected = {draft: "0", issued: "1", running: "2", accepted: "3", voided: "4", revoked: "5", paused: "6"}
    tickets = {pid: _shape(await _get(safety, pid)) for pid in expected}
    assert {pid: t["TICKET_STATUS"] for pid, t in tickets.items()} == expected
    assert tickets[draft]["ISSUE_TIME"] is None and tickets[issued]["ISSUE_TIME"] == "2027-03-02 09:00:00"
    assert (tickets[voided]["IS_CANCELLED"], tickets[voided]["CANCELLED_CAUSE"]) == ("1", "过期未用")
    assert (tickets[revoked]["IS_CANCELLED"], tickets[revoked]["CANCELLED_CAUSE"]) == ("1", "计划取消")
    body = await _get(safety, draft)
    assert {"SUPERVISOR_NAME", "WORKER_NAME", "GAS_NAME"} <= set(body["missing"])
    assert "ISSUE_TIME" not in body["missing"]
    # A paused permit closed for re-issue (GB 30871-2022 §4.16): 作废 with IS_CHANGED, a new record.
    r = await act(safety, paused, "close_for_reissue", reason="作业地点变更")
    assert r.status_code == 200, r.text
    old = _shape(await _get(safety, paused))
    assert (old["TICKET_STATUS"], old["IS_CHANGED"], old["CHANGED_CAUSE"]) == ("4", "1", "作业地点变更")
    new = _shape(await _get(safety, r.json()["reissued_id"]))
    assert (new["TICKET_STATUS"], new["IS_CHANGED"]) == ("0", "0") and new["ID"] != old["ID"]


async def test_a_complete_accepted_hot_work_permit_misses_nothing(world: World) -> None:
    people, callers, app = world.people, world.callers, world.app
    safety, leader = await callers("safety"), await callers("leader")
    p = await new_permit(safety, people, **emergency())
    await to_accepted(safety, leader, p["id"], people)
    body = await _get(safety, p["id"])
    t = _shape(body)
    assert body["missing"] == [] and body["alarms"] == [] and body["local_alarms"] == []
    async with app.state.database.transaction(write=False) as s:
        site = await s.get(Site, p["site_id"])
        assert site is not None and site.origin_lat is not None and site.origin_lon is not None
        enterprise = await s.get(Enterprise, site.enterprise_id)
        leader_phone = (await s.scalars(select(Person.phone).where(Person.name == "刘强"))).one()
    assert enterprise is not None
    lat, lon = to_wgs84(
        GeoReference(site.origin_lat, site.origin_lon, site.rotation_deg or 0.0), 100.0, 100.0
    )
    assert t["ID"] == p["uid"] and (t["COMPANY_NAME"], t["COMPANY_CODE"]) == (
        enterprise.name,
        enterprise.uscc,
    )
    assert len(t["COMPANY_CODE"]) == 18 and t["TICKET_TYPE"] == "03" and t["TICKET_STATUS"] == "3"
    assert (t["GAS_NAME"], t["GAS_TIME"], t["GAS_VALUE"]) == ("甲醇", "2027-03-02 08:55:00", 0.1)
    assert (t["START_TIME"], t["END_TIME"]) == ("2027-03-02 09:00:00", "2027-03-02 15:00:00")
    assert t["ISSUE_TIME"] == t["CHECKED_TIME"] == "2027-03-02 09:00:00"
    assert (t["LATITUDE"], t["LONGITUDE"]) == (round(lat, 7), round(lon, 7))
    assert (t["SUPERVISOR_NAME"], t["WORKER_NAME"]) == ("孙磊", "马俊")
    assert t["WORKER_CERTI_NAME"] == "特种作业操作证-焊接与热切割作业" and t["WORKER_CERTI_NUM"].startswith(
        "T"
    )
    assert (t["WORK_DEPARTMENT"], t["IS_CONTRACTOR_WORK"]) == ("合成车间", "0")
    assert (t["TICKET_RESPONS_NAME"], t["MAJOR_PERSON_MOBILE"]) == ("刘强", leader_phone)
    assert (t["IS_CHANGED"], t["IS_CANCELLED"], t["DELETED"]) == ("0", "0", "0")
    assert (t["CREATE_BY"], t["UPDATE_BY"], t["UPDATE_DATE"]) == ("safety", "leader", "2027-03-02 09:00:00")


async def test_contractor_work_and_alarms(world: World) -> None:
    people, callers, app = world.people, world.callers, world.app
    safety = await callers("safety")
    async with app.state.database.transaction(write=False) as s:
        c1 = (await s.scalars(select(Person.contractor_id).where(Person.name == "郑海波"))).one()
    p = await new_permit(safety, people, contractor_id=c1, work_unit="合成车间")
    pid = p["id"]
    await to_applying(safety, pid, people, worker="郑海波")  # his welding certificate has expired
    r = await act(safety, pid, "submit_for_signing")
    assert r.status_code == 409 and await alarm_codes(app, pid) == ["0/01", "5/51"]
    body = await _get(safety, pid)
    t = _shape(body)
    assert t["IS_CONTRACTOR_WORK"] == "1" and t["WORK_DEPARTMENT"].startswith("合成车间,")
    assert sorted(a["ALARM_TYPE"] for a in body["alarms"]) == ["01", "51"]
    assert all(a["ALARM_END_TIME"] is None and a["UPDATE_BY"] == "system" for a in body["alarms"])
    assert all(missing_alarm_fields(a) == [] for a in body["alarms"])
    # Handled alarms carry the handling record (ALARM_RESULT), closed-loop (AQ 3064.2-2025 §5.9.10).
    opened = (await safety.get(f"{PM}/alarms/open")).json()
    target = next(a for a in opened if a["permit_id"] == pid and a["code"] == "5/51")
    r = await safety.post(f"{PM}/alarms/{target['id']}/handle", json={"result": "更换持证焊工"})
    assert r.status_code == 200
    handled = next(a for a in (await _get(safety, pid))["alarms"] if a["ALARM_TYPE"] == "51")
    assert (handled["ALARM_RESULT"], handled["UPDATE_BY"]) == ("更换持证焊工", "safety")
    assert handled["ALARM_END_TIME"] == "2027-03-02 09:00:00"
    # A local alarm type (0/09, not in 表A.4) keeps the record shape and is listed as local.
    async with app.state.database.transaction() as s:
        row = await s.get(Permit, pid)
        assert row is not None
        raised = await alarms.raise_alarms(s, None, row, ["0/09"], NOW)
        local_uid = raised[0].uid
    body = await _get(safety, pid)
    assert body["local_alarms"] == [local_uid]
    assert next(a for a in body["alarms"] if a["ID"] == local_uid)["ALARM_TYPE"] == "09"


async def test_the_incremental_feed_and_the_scope(world: World, frozen_clock: Any) -> None:
    people, callers = world.people, world.callers
    safety = await callers("safety")
    a = await new_permit(safety, people)
    b = await new_permit(safety, people, area="DK-01", location="1# 防火堤 T-101")
    await to_applying(safety, b["id"], people, worker="郑海波")
    await act(safety, b["id"], "submit_for_signing")  # raises 0/01 and 5/51 on B
    frozen_clock.advance(timedelta(minutes=10))
    t1 = NOW + timedelta(minutes=10)
    assert (await act(safety, a["id"], "submit_booking")).status_code == 200
    frozen_clock.advance(timedelta(minutes=10))
    opened = (await safety.get(f"{PM}/alarms/open")).json()
    alarm = next(x for x in opened if x["permit_id"] == b["id"])
    assert (
        await safety.post(f"{PM}/alarms/{alarm['id']}/handle", json={"result": "已处理"})
    ).status_code == 200

    async def feed(client: Any, **params: Any) -> list[dict[str, Any]]:
        r = await client.get(f"{LEDGER}/exchange", params=params)
        assert r.status_code == 200, r.text
        return list(r.json())

    since = await feed(safety, updated_since=(t1 - timedelta(seconds=1)).isoformat())
    assert [x["ticket"]["ID"] for x in since] == [a["uid"], b["uid"]]  # oldest change first
    assert since[0]["ticket"]["UPDATE_DATE"] == "2027-03-02 09:10:00"
    assert (since[1]["ticket"]["UPDATE_DATE"], since[1]["ticket"]["UPDATE_BY"]) == (
        "2027-03-02 09:20:00",
        "safety",
    )
    later = await feed(safety, updated_since=(t1 + timedelta(minutes=5)).isoformat())
    assert [x["ticket"]["ID"] for x in later] == [b["uid"]]  # only the handled alarm changed since
    assert [x["ticket"]["ID"] for x in await feed(safety, updated_since=t1.isoformat(), limit=1)] == [
        a["uid"]
    ]
    everything = {x["ticket"]["ID"] for x in await feed(safety, limit=1000)}
    assert {a["uid"], b["uid"]} <= everything
    inspector = await callers("inspector")  # 储运: sees the tank farm, not the synthesis unit
    seen = {x["ticket"]["ID"] for x in await feed(inspector, limit=1000)}
    assert b["uid"] in seen and a["uid"] not in seen
    r = await inspector.get(f"{PM}/{a['id']}/exchange")
    assert r.status_code == 403 and r.json()["code"] == "identity.out_of_scope"
    assert (await inspector.get(f"{PM}/{b['id']}/exchange")).status_code == 200
    r = await safety.get(f"{LEDGER}/exchange", params={"updated_since": "2027-03-02T09:00:00"})
    assert r.status_code == 422  # a time without its zone
    auditor = await callers("auditor")
    for path in (f"{LEDGER}/exchange", f"{PM}/{b['id']}/exchange"):
        r = await auditor.get(path)
        assert r.status_code == 403 and r.json()["code"] == "common.forbidden"
    assert (await safety.get(f"{PM}/987654/exchange")).status_code == 404
