"""Compliance self-diagnosis (合规自诊断): staffing counts (active employees, safety staff, registered
engineers with a certificate valid today) against the configured thresholds, key-role qualification
findings, three-level induction, and the caller's scope for named findings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from anguan.basics import models as m
from anguan.basics.reference import QUALIFICATIONS_V1
from tests.basics.ops_support import API, TODAY, World, api, world
from tests.plant.support import Callers

__all__ = ["api", "world"]


@pytest.fixture
async def staff(world: World, api: Callers) -> dict[str, int]:
    w = world
    d = lambda days: TODAY + timedelta(days=days)  # noqa: E731
    (contractor,) = await w.add(
        m.Contractor(name="甲", uscc="91130100MA0000001X", qualification_valid_until=d(99))
    )
    people = {
        "A": w.person("安全员甲", 1, key_roles=["safety_staff"], education="junior_high"),
        "B": w.person("注安师乙", 2, dept="SHE", key_roles=["safety_staff", "registered_engineer"], education="bachelor"),
        "C": w.person("焊工丙", 3, key_roles=["special_operator"], education="high_school"),
        "D": w.person("员工丁", 4, dept="STOR"),
        "E": w.person("离职戊", 5, key_roles=["safety_staff"], status="left"),
        "F": w.person("承包己", 6, dept=None, kind="contractor", contractor_id=contractor, key_roles=["special_operator"]),
    }  # fmt: skip
    ids = dict(zip(people, await w.add(*people.values()), strict=True))

    def cert(key: str, kind: str, until: int) -> m.PersonCertificate:
        return m.PersonCertificate(person_id=ids[key], kind=kind, number=f"{key}-{kind}", valid_from=d(-900), valid_until=d(until))  # fmt: skip

    def training(key: str, kind: str, passed: bool = True) -> m.Training:
        return m.Training(
            person_id=ids[key], kind=kind, title=kind, started_on=d(-30), hours=8, passed=passed
        )

    await w.add(
        cert("B", "registered_safety_engineer", 0),  # valid through today
        cert("D", "registered_safety_engineer", -1),  # expired: not counted
        cert("C", "welding_cutting", -1),
        cert("E", "registered_safety_engineer", 99),  # left: not counted
        *(training("A", k) for k in ("company", "workshop", "team")),
        training("B", "company"),
        training("B", "workshop"),
        training("B", "team", passed=False),
        *(training("D", k) for k in ("company", "workshop", "team")),
        training("D", "annual"),
    )
    r = await (await api("safety")).put(
        f"{API}/settings",
        json={
            "reminder_lead_days": [90, 30, 7],
            "staffing": {"safety_staff_ratio": 0.75, "safety_staff_min": 1, "registered_engineer_share": 0.5},
        },
    )
    assert r.status_code == 200, r.text
    return ids


def _findings(body: dict[str, Any]) -> set[tuple[int, str, str, tuple[str, ...]]]:
    return {(f["person_id"], f["role"], f["problem"], tuple(f["required"])) for f in body["qualifications"]}


async def test_diagnosis(staff: dict[str, int], api: Callers) -> None:
    r = await (await api("safety")).get(f"{API}/diagnosis")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["on"] == TODAY.isoformat()
    assert body["rules_version"] == f"anguan-staffing/v1-provisional+custom;{QUALIFICATIONS_V1.version}"
    # 4 active employees × 0.75 → 3 safety staff needed, 2 held; 2 × 0.5 → 1 engineer needed, 1 held.
    assert [(f["item"], f["required"], f["actual"], f["ok"]) for f in body["staffing"]] == [
        ("safety_staff", 3, 2, False),
        ("registered_engineers", 1, 1, True),
    ]
    special = tuple(sorted(QUALIFICATIONS_V1.required_certificates["special_operator"]))
    assert _findings(body) == {
        (staff["A"], "safety_staff", "education", ("high_school", "secondary_vocational")),
        (staff["A"], "safety_staff", "certificate", ("registered_safety_engineer", "safety_manager")),
        (staff["C"], "special_operator", "certificate", special),  # the welding certificate expired
        (staff["F"], "special_operator", "education", ("high_school", "secondary_vocational")),  # unknown
        (staff["F"], "special_operator", "certificate", special),
    }
    a = next(f for f in body["qualifications"] if f["person_id"] == staff["A"])
    assert (a["name"], a["role_zh"], a["education"]) == ("安全员甲", "专职安全管理人员", "junior_high")
    assert {(i["person_id"], tuple(i["missing"])) for i in body["induction"]} == {
        (staff["B"], ("team",)),  # failed the team-level test
        (staff["C"], ("company", "workshop", "team")),
    }
    assert body["summary"] == {
        "employees": 4,
        "safety_staff": 2,
        "registered_engineers": 1,
        "staffing_failed": 1,
        "qualification_findings": 5,
        "people_with_qualification_findings": 3,
        "induction_incomplete": 2,
    }


async def test_named_findings_follow_the_scope(staff: dict[str, int], api: Callers) -> None:
    body = (await (await api("leader")).get(f"{API}/diagnosis")).json()  # department SYN
    # Staffing is the enterprise's obligation: the same counts for every caller.
    assert [(f["required"], f["actual"]) for f in body["staffing"]] == [(3, 2), (1, 1)]
    assert {f["person_id"] for f in body["qualifications"]} == {staff["A"], staff["C"], staff["F"]}
    assert [i["person_id"] for i in body["induction"]] == [staff["C"]]  # B works in SHE
    assert (await (await api("contractor")).get(f"{API}/diagnosis")).status_code == 403


async def test_defaults_without_people(world: World, api: Callers) -> None:
    body = (await (await api("safety")).get(f"{API}/diagnosis")).json()
    # No employees: the minimum of one safety officer and one registered engineer still applies.
    assert [(f["required"], f["actual"], f["ok"]) for f in body["staffing"]] == [(1, 0, False), (1, 0, False)]
    assert body["qualifications"] == [] and body["induction"] == []
    assert body["rules_version"].startswith("anguan-staffing/v1-provisional;")
