"""Register API: metadata, edits with validation, permissions, data scope, PII, due states, attachments.

Runs on SQLite and PostgreSQL (the `app` fixture) over the seeded demo plant; every test creates the
rows it asserts on, with keys no seed uses.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from anguan.basics import register_excel, register_service
from anguan.basics.registers import REGISTERS
from anguan.plant.rules import uscc_check_char

B = "/api/v1/basics"
TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(register_excel, "today_local", lambda tz="Asia/Shanghai": TODAY)


def uscc(prefix17: str) -> str:
    return prefix17 + (uscc_check_char(prefix17) or "")


async def _site_and_areas(client: Any) -> tuple[int, list[dict[str, Any]]]:
    sites = (await client.get("/api/v1/plant/sites")).json()
    areas = (await client.get("/api/v1/plant/areas", params={"site_id": sites[0]["id"]})).json()
    return sites[0]["id"], areas


def problems(r: Any) -> dict[str, str]:
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "basics.invalid_values"
    return {p["field"]: p["code"] for p in body["params"]["problems"]}


async def test_metadata_describes_every_register(callers: Any) -> None:
    r = await (await callers("operator")).get(f"{B}/registers")
    assert r.status_code == 200
    metas = {m["name"]: m for m in r.json()}
    assert set(metas) == set(REGISTERS)
    lic = metas["licences"]
    types = {o["code"]: o["zh"] for o in next(f for f in lic["fields"] if f["key"] == "type")["options"]}
    assert types["safety_production_permit"] == "危险化学品安全生产许可证"
    assert {d["field"] for d in lic["due"]} == {"valid_until", "review_due_on"}
    people = {f["key"]: f for f in metas["people"]["fields"]}
    assert people["id_number"]["pii"] and people["department_id"]["ref"] == "department"


async def test_chemical_create_read_update_delete(callers: Any) -> None:
    safety = await callers("safety")
    body = {
        "name": "测试甲醇",
        "cas": "67-56-1",
        "ghs": ["flam_liq:2", "acute_tox_oral:3"],
        "lel_pct": 6.0,
        "uel_pct": 36.5,
        "key_supervised": True,
    }
    existing = await safety.get(f"{B}/r/chemicals", params={"q": "67-56-1"})
    for row in existing.json()["items"]:  # the demo seed may already hold methanol's CAS
        body["cas"] = "7732-18-5"  # water: a valid CAS no seed uses
        assert row["values"]["cas"] == "67-56-1"
    r = await safety.post(f"{B}/r/chemicals", json=body)
    assert r.status_code == 201, r.text
    row = r.json()
    assert row["values"]["ghs"] == ["flam_liq:2", "acute_tox_oral:3"]
    assert "msds_first_aid" in row["missing"] and "cas" not in row["missing"]
    r = await safety.patch(f"{B}/r/chemicals/{row['id']}", json={"msds_first_aid": "脱离现场至空气新鲜处"})
    assert r.status_code == 200 and "msds_first_aid" not in r.json()["missing"]
    r = await safety.get(f"{B}/r/chemicals", params={"q": "测试甲"})
    assert [i["id"] for i in r.json()["items"]] == [row["id"]]
    assert (await safety.delete(f"{B}/r/chemicals/{row['id']}")).status_code == 204
    assert (await safety.get(f"{B}/r/chemicals/{row['id']}")).status_code == 404


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"name": "x", "cas": "67-56-2"}, {"cas": "basics.invalid_cas"}),
        ({"name": "x", "lel_pct": 40, "uel_pct": 36.5}, {"uel_pct": "basics.invalid_explosion_limits"}),
        ({"name": "x", "lel_pct": 0}, {"lel_pct": "basics.invalid_explosion_limits"}),
        ({"name": "x", "ghs": ["flam_liq:9"]}, {"ghs": "basics.unknown_option"}),
        ({"name": "x", "state": "plasma"}, {"state": "basics.unknown_option"}),
        ({"name": "x", "flash_point_c": "cold"}, {"flash_point_c": "basics.expected_number"}),
        ({"name": "x", "key_supervised": "yes"}, {"key_supervised": "basics.expected_boolean"}),
        ({"name": "x", "msds_revised_on": "2026-02-30"}, {"msds_revised_on": "basics.expected_date"}),
        ({"name": "x", "catalogue_no": 1.5}, {"catalogue_no": "basics.expected_integer"}),
        ({"name": "x" * 121}, {"name": "basics.too_long"}),
        ({"cas": "64-17-5"}, {"name": "basics.required"}),
        ({"name": "x", "colour": "red"}, {"colour": "basics.unknown_field"}),
        ({"name": "x", "attachments": [999999]}, {"attachments": "basics.unknown_file"}),
    ],
)
async def test_bad_chemical_values_are_refused_and_change_nothing(
    callers: Any, body: dict[str, Any], expected: dict[str, str]
) -> None:
    safety = await callers("safety")
    before = (await safety.get(f"{B}/r/chemicals")).json()["total"]
    assert problems(await safety.post(f"{B}/r/chemicals", json=body)) == expected
    assert (await safety.get(f"{B}/r/chemicals")).json()["total"] == before


async def test_system_fields_and_uniqueness(callers: Any) -> None:
    safety = await callers("safety")
    site_id, _ = await _site_and_areas(safety)
    body = {"tag": "T-SIS-901", "name": "测试联锁", "kind": "sis", "site_id": site_id}
    assert (await safety.post(f"{B}/r/interlocks", json=body)).status_code == 201
    assert problems(await safety.post(f"{B}/r/interlocks", json=body)) == {"tag": "basics.duplicate"}
    assert problems(
        await safety.post(f"{B}/r/interlocks", json={**body, "tag": "T-SIS-902", "status": "bypassed"})
    ) == {"status": "basics.readonly_field"}


async def test_reference_checks(callers: Any) -> None:
    safety = await callers("safety")
    _, areas = await _site_and_areas(safety)
    assert problems(
        await safety.post(
            f"{B}/r/equipment",
            json={"tag": "T-E-1", "name": "罐", "kind": "pressure_vessel", "site_id": 987654},
        )
    ) == {"site_id": "basics.unknown_ref"}
    other = {"code": "T-SITE-2", "name": "二厂区", "width_m": 100, "height_m": 100}
    site2 = (await safety.post("/api/v1/plant/sites", json=other)).json()["id"]
    body = {
        "tag": "T-E-2",
        "name": "罐",
        "kind": "pressure_vessel",
        "site_id": site2,
        "area_id": areas[0]["id"],
    }
    assert problems(await safety.post(f"{B}/r/equipment", json=body)) == {
        "area_id": "basics.area_not_in_site"
    }
    body = {"name": "承包商工人", "id_number": "11010519491231002X", "kind": "contractor"}
    assert problems(await safety.post(f"{B}/r/people", json=body)) == {
        "contractor_id": "basics.contractor_required"
    }
    assert problems(
        await safety.post(
            f"{B}/r/people", json={**body, "kind": "employee", "id_number": "110105194912310021"}
        )
    ) == {"id_number": "basics.invalid_id_number"}


async def test_permissions(callers: Any) -> None:
    anonymous, contractor, operator = (
        await callers(None),
        await callers("contractor"),
        await callers("operator"),
    )
    assert (await anonymous.get(f"{B}/r/chemicals")).status_code == 401
    assert (await contractor.get(f"{B}/r/chemicals")).status_code == 403
    assert (await operator.get(f"{B}/r/chemicals")).status_code == 200
    r = await operator.post(f"{B}/r/chemicals", json={"name": "越权"})
    assert r.status_code == 403
    assert (await operator.get(f"{B}/r/nonsense")).status_code == 404


async def test_data_scope_hides_and_refuses_rows_outside(callers: Any) -> None:
    safety, inspector = await callers("safety"), await callers("inspector")
    site_id, areas = await _site_and_areas(safety)
    seen = {a["id"] for a in (await inspector.get("/api/v1/plant/areas")).json()}
    outside = next(a for a in areas if a["id"] not in seen)
    inside = next(a for a in areas if a["id"] in seen)
    ids = {}
    for tag, area in (("T-SC-OUT", outside), ("T-SC-IN", inside)):
        r = await safety.post(
            f"{B}/r/equipment",
            json={"tag": tag, "name": tag, "kind": "gas_detector", "site_id": site_id, "area_id": area["id"]},
        )
        ids[tag] = r.json()["id"]
    listed = {
        i["values"]["tag"]
        for i in (await inspector.get(f"{B}/r/equipment", params={"q": "T-SC-"})).json()["items"]
    }
    assert listed == {"T-SC-IN"}
    assert (await inspector.get(f"{B}/r/equipment/{ids['T-SC-OUT']}")).status_code == 403
    assert (await inspector.get(f"{B}/r/equipment/{ids['T-SC-IN']}")).status_code == 200


async def test_id_numbers_are_masked_without_pii_permission(callers: Any) -> None:
    safety, operator = await callers("safety"), await callers("operator")
    _, areas = await _site_and_areas(operator)  # the operator sees the people of its areas' departments
    dept = next(a["department_id"] for a in areas if a["department_id"])
    body = {
        "name": "测试人员",
        "id_number": "11010519491231002X",
        "phone": "13800138000",
        "kind": "employee",
        "department_id": dept,
    }
    r = await safety.post(f"{B}/r/people", json=body)
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    assert r.json()["values"]["id_number"] == "11010519491231002X"
    seen = (await operator.get(f"{B}/r/people/{pid}")).json()["values"]
    assert seen["id_number"] == "110***********002X" and seen["phone"] == "*******8000"
    # A writer without the PII permission echoing the masked number back leaves the stored one.
    row = SimpleNamespace(id_number="11010519491231002X", phone="13800138000")
    no_pii = SimpleNamespace(permissions=frozenset({"basics.write"}))
    body = {"id_number": "110***********002X", "phone": "*******8000", "position": "操作工"}
    assert register_service._strip_masked(REGISTERS["people"], row, body, no_pii) == {"position": "操作工"}
    with_pii = SimpleNamespace(permissions=frozenset({"basics.write", "basics.pii"}))
    assert register_service._strip_masked(REGISTERS["people"], row, body, with_pii) == body


@pytest.mark.parametrize(
    ("next_due", "status", "tier"),
    [
        ("2026-09-14", "valid", None),  # 91 days
        ("2026-09-13", "due", 90),  # exactly 90 days
        ("2026-07-15", "due", 30),  # exactly 30 days
        ("2026-06-22", "due", 7),  # exactly 7 days
        ("2026-06-15", "due", 7),  # due today: still valid today
        ("2026-06-14", "expired", 0),  # yesterday
    ],
)
async def test_due_states_at_the_boundaries(
    callers: Any, next_due: str, status: str, tier: int | None
) -> None:
    safety = await callers("safety")
    site_id, _ = await _site_and_areas(safety)
    tag = f"T-DUE-{next_due}"
    r = await safety.post(
        f"{B}/r/equipment",
        json={
            "tag": tag,
            "name": "压力表",
            "kind": "pressure_gauge",
            "site_id": site_id,
            "next_due_on": next_due,
        },
    )
    due = r.json()["due"][0]
    assert (due["status"], due["tier"]) == (status, tier)
    for mode in ("attention", "due", "expired"):
        rows = (await safety.get(f"{B}/r/equipment", params={"q": tag, "due": mode})).json()["items"]
        expected = status != "valid" and (mode == "attention" or mode == status)
        assert bool(rows) is expected, mode


async def test_next_due_is_derived_from_the_last_check(callers: Any) -> None:
    safety = await callers("safety")
    site_id, _ = await _site_and_areas(safety)
    body = {
        "tag": "T-PSV-31",
        "name": "安全阀",
        "kind": "safety_valve",
        "site_id": site_id,
        "last_check_on": "2026-01-31",
    }
    r = await safety.post(f"{B}/r/equipment", json=body)
    values = r.json()["values"]
    assert (values["interval_months"], values["next_due_on"]) == (12, "2027-01-31")
    r = await safety.patch(f"{B}/r/equipment/{r.json()['id']}", json={"interval_months": 1})
    assert r.json()["values"]["next_due_on"] == "2026-02-28"  # month end, not March


async def test_filters_and_sorting(callers: Any) -> None:
    safety = await callers("safety")
    r = await safety.get(f"{B}/r/chemicals", params={"filter": "key_supervised:true"})
    assert r.status_code == 200 and all(i["values"]["key_supervised"] for i in r.json()["items"])
    r = await safety.get(f"{B}/r/people", params={"filter": "key_roles:safety_staff"})
    assert r.status_code == 200 and all("safety_staff" in i["values"]["key_roles"] for i in r.json()["items"])
    for bad in (
        {"filter": "name:x"},
        {"filter": "state:plasma"},
        {"sort": "ghs"},
        {"filter": "key_supervised:maybe"},
    ):
        r = await safety.get(f"{B}/r/chemicals", params=bad)
        assert r.status_code == 422, bad


async def test_delete_refused_while_referenced(callers: Any) -> None:
    safety = await callers("safety")
    r = await safety.post(
        f"{B}/r/contractors", json={"name": "测试承包商", "uscc": uscc("91130100MA0T00001")}
    )
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    body = {
        "name": "承包商工人",
        "id_number": "11010519491231002X",
        "kind": "contractor",
        "contractor_id": cid,
    }
    existing = (await safety.get(f"{B}/r/people", params={"filter": "kind:contractor"})).json()["items"]
    if any(p["values"]["id_number"] == body["id_number"] for p in existing):
        body["id_number"] = "440524188001010014"
    r = await safety.post(f"{B}/r/people", json=body)
    assert r.status_code == 201, r.text
    r = await safety.delete(f"{B}/r/contractors/{cid}")
    assert r.status_code == 409 and r.json()["code"] == "basics.in_use"


async def test_attachments_link_to_the_record(callers: Any) -> None:
    safety, operator = await callers("safety"), await callers("operator")
    up = await safety.post("/api/v1/files", files={"file": ("scan.pdf", b"%PDF-1.4 test", "application/pdf")})
    fid = up.json()["id"]
    r = await safety.post(
        f"{B}/r/licences",
        json={"type": "other", "number": "T-LIC-1", "name": "测试证照", "attachments": [fid]},
    )
    assert r.status_code == 201, r.text
    lid = r.json()["id"]
    assert r.json()["labels"][f"attachments:{fid}"] == "scan.pdf"
    got = await operator.get(f"{B}/r/licences/{lid}/files/{fid}")
    assert got.status_code == 200 and got.content == b"%PDF-1.4 test"
    assert (await operator.get(f"{B}/r/licences/{lid}/files/{fid + 1}")).status_code == 404
    # Someone else's upload cannot be linked.
    theirs = (await operator.post("/api/v1/files", files={"file": ("x.txt", b"x")})).json()
    if "id" in theirs:
        assert problems(
            await safety.patch(f"{B}/r/licences/{lid}", json={"attachments": [fid, theirs["id"]]})
        ) == {"attachments": "basics.unknown_file"}
