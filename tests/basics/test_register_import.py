"""Excel import/export of the registers: broken files, row-level reports, modes, round trips."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from anguan.basics import register_excel
from anguan.basics.registers import REGISTERS

B = "/api/v1/basics"


def sheet(header: list[str], rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def upload(client: Any, register: str, data: bytes, mode: str = "validate") -> Any:
    return await client.post(
        f"{B}/r/{register}/import", params={"mode": mode}, files={"file": ("t.xlsx", data)}
    )


async def total(client: Any, register: str, **params: Any) -> int:
    return int((await client.get(f"{B}/r/{register}", params=params)).json()["total"])


@pytest.mark.parametrize("register", sorted(REGISTERS))
async def test_template_headers_match_the_columns(callers: Any, register: str) -> None:
    r = await (await callers("operator")).get(f"{B}/r/{register}/template.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    header = [c.value for c in wb.worksheets[0][1]]
    assert header == [c.label for c in register_excel.columns(REGISTERS[register])]
    assert wb.worksheets[1].title == "说明 Notes"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "basics.import_empty"),
        (b"not a spreadsheet", "basics.import_not_xlsx"),
        (b"PK\x03\x04broken zip", "basics.import_not_xlsx"),
        (sheet(["品名 Name"], []), "basics.import_empty"),
        (
            sheet(["CAS号 CAS number"], [["67-56-1"]]),
            "basics.import_bad_headers",
        ),  # the required name is missing
        (sheet(["品名 Name", "颜色 Colour"], [["甲醇", "红"]]), "basics.import_bad_headers"),
        (sheet(["品名 Name", "Name"], [["甲醇", "甲醇"]]), "basics.import_bad_headers"),
    ],
)
async def test_broken_files_are_refused_whole(callers: Any, data: bytes, code: str) -> None:
    safety = await callers("safety")
    before = await total(safety, "chemicals")
    r = await upload(safety, "chemicals", data, "valid_only")
    assert r.status_code == 422 and r.json()["code"] == code, r.text
    assert await total(safety, "chemicals") == before


async def test_too_many_rows(callers: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(register_excel, "MAX_IMPORT_ROWS", 2)
    r = await upload(await callers("safety"), "chemicals", sheet(["品名 Name"], [["a"], ["b"], ["c"]]))
    assert r.status_code == 422 and r.json()["code"] == "basics.import_too_many_rows"


HEADER = [
    "品名 Name",
    "CAS号 CAS number",
    "GHS危险性类别 GHS classes",
    "物态 State",
    "爆炸下限% LEL % v/v",
    "爆炸上限% UEL % v/v",
    "MSDS修订日期 MSDS revised on",
    "重点监管危化品 Key supervised",
]
ROWS: list[list[Any]] = [
    [
        "导入甲烷",
        "74-82-8",
        "易燃气体 类别1、加压气体 压缩气体",
        "气体",
        5.0,
        15.0,
        "2025-03-01",
        "是",
    ],  # row 2 ok
    ["导入乙醇", "64-17-6", None, "liquid", 3.3, 19.0, None, "否"],  # row 3: CAS check digit
    ["导入丙烷", "74-98-6", "flam_gas:1", "等离子", 2.1, 9.5, None, None],  # row 4: unknown state
    ["导入甲烷", "74-82-8", None, "gas", None, None, None, None],  # row 5: duplicates row 2
    ["导入丁烷", "106-97-8", "flam_gas:9", "gas", 1.8, 8.4, "2025-02-30", "可能"],  # row 6: three bad cells
    ["导入乙炔", "74-86-2", None, "gas", 2.5, 80.0, None, None],  # row 7 ok
]


async def test_row_level_report_and_modes(callers: Any) -> None:
    safety = await callers("safety")
    data = sheet(HEADER, ROWS)
    before = await total(safety, "chemicals")
    for mode in ("validate", "all_or_nothing"):
        r = await upload(safety, "chemicals", data, mode)
        assert r.status_code == 200, r.text
        report = r.json()
        assert (report["total_rows"], report["valid_rows"], report["written"]) == (6, 2, False)
        assert await total(safety, "chemicals") == before
    errors = {(e["row"], e["field"]): e["code"] for e in report["errors"]}
    assert errors == {
        (3, "cas"): "basics.invalid_cas",
        (4, "state"): "basics.unknown_option",
        (5, "name"): "basics.duplicate_in_file",
        (5, "cas"): "basics.duplicate_in_file",
        (6, "ghs"): "basics.unknown_option",
        (6, "msds_revised_on"): "basics.import_bad_date",
        (6, "key_supervised"): "basics.import_bad_boolean",
    }
    assert all(e["message"] for e in report["errors"])
    r = await upload(safety, "chemicals", data, "valid_only")
    report = r.json()
    assert (report["created"], report["updated"], report["written"]) == (2, 0, True)
    assert await total(safety, "chemicals") == before + 2
    methane = (await safety.get(f"{B}/r/chemicals", params={"q": "导入甲烷"})).json()["items"][0]["values"]
    assert methane["ghs"] == ["flam_gas:1", "press_gas:compressed"] and methane["state"] == "gas"
    assert methane["key_supervised"] is True and methane["msds_revised_on"] == "2025-03-01"


async def test_references_resolve_by_natural_key(callers: Any) -> None:
    safety = await callers("safety")
    sites = (await safety.get("/api/v1/plant/sites")).json()
    areas = (await safety.get("/api/v1/plant/areas", params={"site_id": sites[0]["id"]})).json()
    header = [
        "设备位号 Tag",
        "名称 Name",
        "类别 Kind",
        "厂区编码 Site code",
        "区域编码 Area code",
        "上次检验/校验/更换 Last check",
    ]
    rows = [
        ["T-IMP-1", "导入储罐", "压力容器", sites[0]["code"], areas[0]["code"], "2025-01-10"],
        ["T-IMP-2", "导入安全阀", "safety_valve", "NO-SUCH-SITE", None, None],
        ["T-IMP-3", "导入探头", "gas_detector", sites[0]["code"], "NO-SUCH-AREA", None],
    ]
    r = await upload(safety, "equipment", sheet(header, rows), "valid_only")
    report = r.json()
    assert {(e["row"], e["field"], e["code"]) for e in report["errors"]} == {
        (3, "site_id", "basics.import_unknown_ref"),
        (4, "area_id", "basics.import_unknown_ref"),
    }
    item = (await safety.get(f"{B}/r/equipment", params={"q": "T-IMP-1"})).json()["items"][0]
    assert item["values"]["area_id"] == areas[0]["id"]
    assert item["values"]["next_due_on"] == "2028-01-10"  # pressure vessel: 36 months


async def test_export_then_import_updates_in_place(callers: Any) -> None:
    safety = await callers("safety")
    await upload(
        safety,
        "chemicals",
        sheet(["品名 Name", "CAS号 CAS number"], [["往返乙苯", "100-41-4"]]),
        "valid_only",
    )
    r = await safety.get(f"{B}/r/chemicals/export.xlsx", params={"q": "往返"})
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    assert ws.max_row == 2
    ws.cell(row=2, column=header.index("闪点℃ Flash point °C") + 1, value=4.4)
    out = io.BytesIO()
    wb.save(out)
    before = await total(safety, "chemicals")
    report = (await upload(safety, "chemicals", out.getvalue(), "all_or_nothing")).json()
    assert (report["created"], report["updated"], report["errors"]) == (0, 1, [])
    assert await total(safety, "chemicals") == before
    item = (await safety.get(f"{B}/r/chemicals", params={"q": "往返"})).json()["items"][0]
    assert item["values"]["flash_point_c"] == 4.4 and item["values"]["cas"] == "100-41-4"


async def test_import_needs_write_permission(callers: Any) -> None:
    r = await upload(await callers("operator"), "chemicals", sheet(["品名 Name"], [["x"]]))
    assert r.status_code == 403
