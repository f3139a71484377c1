"""Work eligibility (作业资格): AQ 3064.2 codes 5/50 missing, 5/51 expired, 5/52 holder mismatch; a
certificate valid until the date of T is accepted, and the date is Asia/Shanghai's; people who left;
contractor workers of suspended or unqualified companies; scope; the batch for permits; bad input."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from anguan.basics import models as m
from tests.basics.ops_support import API, NOW, TODAY, World, api, id_number, world
from tests.plant.support import Callers

__all__ = ["api", "world"]
OTHER_ID = id_number(999, "19850505")


@pytest.fixture
async def people(world: World) -> dict[str, int]:
    w = world
    d = lambda days: TODAY + timedelta(days=days)  # noqa: E731
    ok_c = m.Contractor(
        name="甲", uscc="91130100MA0000001X", qualification_valid_until=d(30), safety_licence_valid_until=d(0)
    )
    sus_c = m.Contractor(
        name="乙", uscc="91130100MA0000002X", status="suspended", qualification_valid_until=d(30)
    )
    old_c = m.Contractor(name="丙", uscc="91130100MA0000003X", qualification_valid_until=d(-1))
    (ca, cs, cx) = await w.add(ok_c, sus_c, old_c)
    names = {
        "valid_today": w.person("甲一", 1),
        "expired": w.person("乙二", 2),
        "missing": w.person("丙三", 3),
        "mismatched": w.person("丁四", 4),
        "no_holder_id": w.person("戊五", 5),
        "left": w.person("己六", 6, status="left"),
        "not_yet": w.person("庚七", 7),
        "contractor_ok": w.person("承一", 8, dept=None, kind="contractor", contractor_id=ca),
        "contractor_suspended": w.person("承二", 9, dept=None, kind="contractor", contractor_id=cs),
        "contractor_unqualified": w.person("承三", 10, dept=None, kind="contractor", contractor_id=cx),
        "stor": w.person("储运工", 11, dept="STOR"),
    }
    ids = dict(zip(names, await w.add(*names.values()), strict=True))
    own = {k: id_number(i) for i, k in enumerate(names, start=1)}

    def cert(key: str, until: int, **kw: Any) -> m.PersonCertificate:
        kw.setdefault("holder_id_number", own[key])
        kw.setdefault("valid_from", d(-1000))
        return m.PersonCertificate(
            person_id=ids[key], kind="welding_cutting", number=f"T-{key}", valid_until=d(until), **kw
        )

    await w.add(
        cert("valid_today", 0),
        cert("expired", -1),
        m.PersonCertificate(person_id=ids["missing"], kind="electrician_low_voltage", number="E-1", valid_from=d(-9), valid_until=d(900)),
        cert("mismatched", 900, holder_id_number=OTHER_ID),
        cert("no_holder_id", 900, holder_id_number=None),
        cert("left", 900),
        cert("not_yet", 900, valid_from=d(1)),
        cert("contractor_ok", 900),
        cert("contractor_suspended", 900),
        cert("contractor_unqualified", 900),
        cert("stor", 900),
    )  # fmt: skip
    return ids


@pytest.mark.parametrize(
    ("key", "ok", "reason", "code"),
    [
        ("valid_today", True, None, None),  # valid until the date of T: accepted
        ("expired", False, "expired", "5/51"),
        ("missing", False, "missing", "5/50"),  # a certificate of another kind does not count
        ("mismatched", False, "mismatched", "5/52"),
        ("no_holder_id", True, None, None),  # no holder printed: the person's own
        ("not_yet", False, "not_yet_valid", "5/51"),
        ("left", False, "person_inactive", None),
        ("contractor_ok", True, None, None),  # safety licence valid through today
        ("contractor_suspended", False, "contractor_not_approved", None),
        ("contractor_unqualified", False, "contractor_qualification_expired", None),
    ],
)
async def test_hot_work_eligibility(
    people: dict[str, int], api: Callers, key: str, ok: bool, reason: str | None, code: str | None
) -> None:
    r = await (await api("safety")).get(
        f"{API}/eligibility",
        params={"person_id": people[key], "work_type": "hot_work", "at": NOW.isoformat()},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["ok"], body["reason"], body["alarm_code"]) == (ok, reason, code)
    assert body["on"] == TODAY.isoformat() and body["accepted_kinds"] == ["welding_cutting"]
    assert body["person"]["id"] == people[key]


async def test_every_check_is_reported(people: dict[str, int], api: Callers) -> None:
    r = await (await api("safety")).get(
        f"{API}/eligibility", params={"person_id": people["contractor_suspended"], "work_type": "hot_work"}
    )
    assert [(c["check"], c["ok"], c["reason"]) for c in r.json()["checks"]] == [
        ("person_active", True, None),
        ("contractor_approved", False, "contractor_not_approved"),
        ("contractor_qualification", True, None),
        ("certificate", True, None),
    ]
    r = await (await api("safety")).get(
        f"{API}/eligibility", params={"person_id": people["mismatched"], "work_type": "hot_work"}
    )
    (cert,) = r.json()["certificates"]
    assert (cert["number"], cert["kind"], cert["holder_matches"], cert["revoked"]) == (
        "T-mismatched",
        "welding_cutting",
        False,
        False,
    )


@pytest.mark.parametrize(
    ("at", "ok"),
    [
        ("2027-01-15T15:59:59+00:00", True),  # 23:59:59 in Shanghai: still the 15th
        ("2027-01-15T16:00:00+00:00", False),  # midnight in Shanghai: the 16th, expired
        ("2027-01-15T23:59:00", True),  # no offset: plant-local time
        ("2027-01-16T00:00:00", False),
        ("2027-01-16T00:00:00+08:00", False),
    ],
)
async def test_the_date_is_taken_in_shanghai(people: dict[str, int], api: Callers, at: str, ok: bool) -> None:
    r = await (await api("safety")).get(
        f"{API}/eligibility", params={"person_id": people["valid_today"], "work_type": "hot_work", "at": at}
    )
    assert r.json()["ok"] is ok, r.text
    assert r.json()["alarm_code"] == (None if ok else "5/51")


async def test_lookup_by_id_number_and_work_without_certificates(
    people: dict[str, int], api: Callers
) -> None:
    safety = await api("safety")
    r = await safety.get(f"{API}/eligibility", params={"id_number": id_number(1), "work_type": "hot_work"})
    assert r.json()["person"]["id"] == people["valid_today"]
    r = await safety.get(
        f"{API}/eligibility", params={"person_id": people["missing"], "work_type": "confined_space"}
    )
    assert (r.json()["ok"], r.json()["accepted_kinds"], r.json()["certificates"]) == (True, [], [])
    r = await safety.get(
        f"{API}/eligibility", params={"person_id": people["missing"], "work_type": "temporary_electricity"}
    )
    assert r.json()["ok"] is True  # the low-voltage electrician's certificate is accepted


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"person_id": 1, "work_type": "welding"}, 422, "basics.unknown_work_type"),
        ({"work_type": "hot_work"}, 422, "basics.eligibility_person_required"),
        (
            {"person_id": 1, "id_number": "x", "work_type": "hot_work"},
            422,
            "basics.eligibility_person_required",
        ),
        ({"person_id": 999999, "work_type": "hot_work"}, 404, "basics.person_not_found"),
        ({"person_id": 0, "work_type": "hot_work"}, 422, "common.validation_error"),
        ({"person_id": 1, "work_type": "hot_work", "at": "yesterday"}, 422, "common.validation_error"),
    ],
)
async def test_bad_input(
    people: dict[str, int], api: Callers, params: dict[str, Any], status: int, code: str
) -> None:
    r = await (await api("safety")).get(f"{API}/eligibility", params=params)
    assert (r.status_code, r.json()["code"]) == (status, code)


async def test_scope(people: dict[str, int], api: Callers) -> None:
    leader = await api("leader")  # department SYN
    r = await leader.get(f"{API}/eligibility", params={"person_id": people["stor"], "work_type": "hot_work"})
    assert r.status_code == 404 and r.json()["code"] == "basics.person_not_found"  # like a missing person
    r = await leader.get(f"{API}/eligibility", params={"id_number": id_number(11), "work_type": "hot_work"})
    assert r.status_code == 404
    r = await leader.get(
        f"{API}/eligibility", params={"person_id": people["contractor_ok"], "work_type": "hot_work"}
    )
    assert r.status_code == 200 and r.json()["ok"] is True  # contractor workers: every reader
    r = await (await api("contractor")).get(
        f"{API}/eligibility", params={"person_id": 1, "work_type": "hot_work"}
    )
    assert r.status_code == 403


async def test_batch(people: dict[str, int], api: Callers) -> None:
    leader = await api("leader")
    ids = [people["valid_today"], 999999, people["expired"], people["stor"], people["valid_today"]]
    r = await leader.post(
        f"{API}/eligibility/batch", json={"person_ids": ids, "work_type": "hot_work", "at": NOW.isoformat()}
    )
    assert r.status_code == 200, r.text
    assert [(a["person"] or {}).get("id") for a in r.json()] == [ids[0], None, ids[2], None, ids[0]]
    assert [(a["ok"], a["reason"], a["alarm_code"]) for a in r.json()] == [
        (True, None, None),
        (False, "person_not_found", None),
        (False, "expired", "5/51"),
        (False, "person_not_found", None),  # outside the caller's scope
        (True, None, None),
    ]
    too_many = {"person_ids": list(range(1, 202)), "work_type": "hot_work"}
    assert (await leader.post(f"{API}/eligibility/batch", json=too_many)).status_code == 422
    bad = {"person_ids": [1], "work_type": "dancing"}
    r = await leader.post(f"{API}/eligibility/batch", json=bad)
    assert (r.status_code, r.json()["code"]) == (422, "basics.unknown_work_type")
    assert (
        await leader.post(f"{API}/eligibility/batch", json={"person_ids": [], "work_type": "hot_work"})
    ).status_code == 422
