"""Points in Excel: template, export → import round trip, the three import modes, row errors with
precise codes, broken files refused with a precise 422, nothing written on bad input."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from anguan.identity import permissions as P
from anguan.monitoring import excel, service
from anguan.monitoring.config_events import PointsChanged
from tests.monitoring import support
from tests.monitoring.support import (
    API,
    SITE,
    audit_actions,
    last_audit_seq,
    make_point,
    mon_snapshot,
)

# Fixtures shared by the monitoring API tests.
callers = support.callers
events = support.events
ids = support.ids

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LABEL = {c.key: c.label for c in excel.POINT_COLUMNS}


def workbook(header: list[str], rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sheet(rows: list[dict[str, Any]], keys: list[str] | None = None) -> bytes:
    """A workbook with the template's bilingual headers for `keys` and one row per dict."""
    keys = keys or [
        "tag",
        "name",
        "kind",
        "site",
        "area",
        "unit",
        "range_lo",
        "range_hi",
        "sp_l",
        "sp_h",
        "sp_hh",
        "enabled",
    ]
    return workbook([LABEL[k] for k in keys], [[r.get(k) for k in keys] for r in rows])


def row(tag: str, **over: Any) -> dict[str, Any]:
    return {
        "tag": tag,
        "name": f"导入液位 {tag}",
        "kind": "level",
        "site": SITE,
        "area": "PU-01",
        "unit": "m",
        "range_lo": 0,
        "range_hi": 20,
        "sp_l": 2,
        "sp_h": 16,
        "sp_hh": 18,
        "enabled": "是",
    } | over


async def upload(client: Any, data: bytes, mode: str = "validate", **headers: str) -> Any:
    return await client.post(
        f"{API}/points/import",
        files={"file": ("points.xlsx", data, XLSX)},
        data={"mode": mode},
        headers=headers,
    )


BAD_ROWS = [
    row("TST-E1", range_hi="二十"),  # not a number
    row("TST-E2", area="NOPE"),  # unknown area
    row("TST-E3", kind="gas_combustible", unit="%LEL", range_hi=100, sp_l=None, sp_h=30, sp_hh=50),  # AL-1
    row("TST-OK1"),  # duplicated below
    row("TST-OK1", name="重复"),
    row("TST-E4", name=None),
    row("TST-E5", enabled="也许"),
    row("TST-E6", kind="vibration"),
    row("TST-E7", sp_h=19, sp_hh=18),
]
EXPECTED = [
    (2, "range_hi", "monitoring.import_bad_number"),
    (3, "area", "monitoring.import_unknown_area"),
    (4, "sp_h", "monitoring.gas_level1_too_high"),
    (6, "tag", "monitoring.import_duplicate_tag"),
    (7, "name", "monitoring.import_required"),
    (8, "enabled", "monitoring.import_bad_boolean"),
    (9, "kind", "monitoring.import_bad_value"),
    (10, "sp_hh", "monitoring.setpoint_order"),
]


async def test_import_modes_and_row_errors(app: Any, callers: Any, events: list[Any]):
    safety = await callers("safety")
    db = app.state.database
    data = sheet([*BAD_ROWS, row("TST-OK2", area=None)])
    before = await mon_snapshot(db)
    for mode in ("validate", "all_or_nothing"):
        r = await upload(safety, data, mode)
        assert r.status_code == 200, r.text
        rep = r.json()
        assert (
            rep["mode"],
            rep["total_rows"],
            rep["valid_rows"],
            rep["created"],
            rep["updated"],
            rep["written"],
        ) == (
            mode,
            10,
            2,
            0,
            0,
            False,
        )
        assert [(e["row"], e["field"], e["code"]) for e in rep["errors"]] == EXPECTED
    assert await mon_snapshot(db) == before
    assert events == []
    msg = {e["code"]: e["message"] for e in rep["errors"]}
    assert msg["monitoring.import_duplicate_tag"] == "位号 TST-OK1 与第 5 行重复"

    r = await upload(safety, data, "valid_only", **{"Accept-Language": "en-US"})
    rep = r.json()
    assert (rep["created"], rep["updated"], rep["written"]) == (2, 0, True)
    assert {e["message"] for e in rep["errors"]} >= {
        "Tag TST-OK1 repeats row 5",
        "enabled must be yes/no (是/否, true/false, 1/0)",
    }
    r = await safety.get(f"{API}/points?q=TST-OK")
    pts = {p["tag"]: p for p in r.json()["items"]}
    assert set(pts) == {"TST-OK1", "TST-OK2"}
    assert pts["TST-OK1"]["name"] == "导入液位 TST-OK1" and pts["TST-OK1"]["console"] == "PU-01"
    assert (pts["TST-OK2"]["area_id"], pts["TST-OK2"]["console"], pts["TST-OK2"]["sp_ll"]) == (
        None,
        "main",
        None,
    )
    assert [(e.change, len(e.point_ids)) for e in events if isinstance(e, PointsChanged)] == [("imported", 2)]


async def test_export_edit_import_round_trip(app: Any, callers: Any, ids: dict[str, int]):
    safety = await callers("safety")
    db = app.state.database
    a = await make_point(
        safety, ids[SITE], "TST-RT-1", area_id=ids["PU-01"], name='=HYPERLINK("http://x")', cause="原因"
    )
    await make_point(safety, ids[SITE], "TST-RT-2", area_id=ids["TF-01"], enabled=False)
    r = await safety.get(f"{API}/points/export.xlsx")
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    assert r.headers["content-disposition"] == 'attachment; filename="points.xlsx"'
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    assert header == [c.label for c in excel.POINT_COLUMNS]
    tags = {ws.cell(row=i, column=1).value: i for i in range(2, ws.max_row + 1)}
    i = tags["TST-RT-1"]
    name_cell = ws.cell(row=i, column=header.index(LABEL["name"]) + 1)
    assert name_cell.value == '=HYPERLINK("http://x")' and name_cell.data_type == "s"  # text, not a formula
    assert ws.cell(row=i, column=header.index(LABEL["area"]) + 1).value == "PU-01"
    # Re-import unchanged: every row updates to itself.
    out = io.BytesIO()
    wb.save(out)
    seq = await last_audit_seq(db)
    r = await upload(safety, out.getvalue(), "all_or_nothing")
    rep = r.json()
    assert rep["errors"] == [] and rep["created"] == 0 and rep["updated"] == ws.max_row - 1
    assert (await safety.get(f"{API}/points/{a['id']}")).json() | {"updated_at": None} == a | {
        "updated_at": None
    }
    assert await audit_actions(db, seq) == [("monitoring.points_imported", "ok", "safety")]
    # Edit one cell, import again.
    ws.cell(row=i, column=header.index(LABEL["sp_h"]) + 1).value = 15.5
    out = io.BytesIO()
    wb.save(out)
    r = await upload(safety, out.getvalue(), "all_or_nothing")
    assert r.json()["errors"] == []
    assert (await safety.get(f"{API}/points/{a['id']}")).json()["sp_h"] == 15.5


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("hello.txt", "not a workbook")
    return out.getvalue()


def _truncated_xlsx() -> bytes:
    good = sheet([row("TST-T1")])
    return good[: len(good) // 2]


@pytest.mark.parametrize(
    ("case", "data", "code", "params"),
    [
        ("empty-file", b"", "monitoring.import_empty", {}),
        ("csv-text", "位号 Tag,名称 Name\nT-1,x\n".encode(), "monitoring.import_not_xlsx", {}),
        ("zip-but-not-xlsx", _zip_without_workbook(), "monitoring.import_not_xlsx", {}),
        ("truncated-xlsx", _truncated_xlsx(), "monitoring.import_not_xlsx", {}),
        ("header-only", sheet([]), "monitoring.import_empty", {}),
        ("blank-sheet", workbook([], []), "monitoring.import_empty", {}),
        (
            "wrong-headers",
            workbook(["位号 Tag", "名字", "Kind", "Kind"], [["T-1", "x", "level", "level"]]),
            "monitoring.import_bad_headers",
            {"missing": [LABEL["name"], LABEL["site"]], "unknown": ["名字"], "duplicate": [LABEL["kind"]]},
        ),
    ],
)
async def test_broken_files_get_a_precise_422(
    app: Any, callers: Any, case: str, data: bytes, code: str, params: dict[str, Any]
):
    safety = await callers("safety")
    before = await mon_snapshot(app.state.database)
    r = await upload(safety, data, "valid_only")
    assert r.status_code == 422, (case, r.text)
    assert r.json()["code"] == code
    assert r.json()["params"] == params
    assert await mon_snapshot(app.state.database) == before


async def test_import_limits_and_permissions(app: Any, callers: Any, monkeypatch: pytest.MonkeyPatch):
    safety, operator = await callers("safety"), await callers("operator")
    monkeypatch.setattr(service, "MAX_IMPORT_ROWS", 2)
    r = await upload(safety, sheet([row("TST-L1"), row("TST-L2"), row("TST-L3")]), "valid_only")
    assert r.status_code == 422 and r.json() | {"request_id": None, "message": None} == {
        "code": "monitoring.import_too_many_rows",
        "params": {"max_rows": 2},
        "request_id": None,
        "message": None,
    }
    r = await upload(safety, sheet([row("TST-L1")]), "sometimes")
    assert r.status_code == 422 and r.json()["code"] == "common.validation_error"
    r = await upload(operator, sheet([row("TST-L1")]), "valid_only")
    assert r.status_code == 403 and r.json()["params"] == {"permission": P.MON_CONFIGURE}
    assert (await operator.get(f"{API}/points/template.xlsx")).status_code == 403
    r = await safety.get(f"{API}/points/template.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert [c.value for c in wb.worksheets[0][1]] == [c.label for c in excel.POINT_COLUMNS]
    assert wb.worksheets[0].max_row == 1
    assert wb.sheetnames[1] == "说明 Notes"


async def test_export_honours_the_data_scope(app: Any, callers: Any, ids: dict[str, int]):
    safety, leader = await callers("safety"), await callers("leader")
    await make_point(safety, ids[SITE], "TST-X-PU", area_id=ids["PU-01"])
    await make_point(safety, ids[SITE], "TST-X-TF", area_id=ids["TF-01"])
    r = await leader.get(f"{API}/points/export.xlsx")
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    tags = {ws.cell(row=i, column=1).value for i in range(2, ws.max_row + 1)}
    assert "TST-X-PU" in tags and "TST-X-TF" not in tags
    areas = {
        ws.cell(row=i, column=[c.key for c in excel.POINT_COLUMNS].index("area") + 1).value
        for i in range(2, ws.max_row + 1)
    }
    assert areas == {"PU-01"}


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("str", 101.0, "101"),
        ("str", "  LT-1 ", "LT-1"),
        ("str", "", None),
        ("float", "1.5", 1.5),
        ("float", 3, 3.0),
        ("int", 600.0, 600),
        ("bool", "是", True),
        ("bool", "FALSE", False),
        ("bool", 1, True),
        ("bool", 0.0, False),
    ],
)
def test_cell_coercion(kind: str, value: Any, expected: Any):
    assert excel.coerce(excel.Column("k", "列", "Col", kind), value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "value", "code"),
    [
        ("float", "abc", "monitoring.import_bad_number"),
        ("float", "nan", "monitoring.import_bad_number"),
        ("float", True, "monitoring.import_bad_number"),
        ("int", 1.5, "monitoring.import_bad_integer"),
        ("bool", "maybe", "monitoring.import_bad_boolean"),
    ],
)
def test_cell_coercion_errors(kind: str, value: Any, code: str):
    with pytest.raises(excel.CellError) as err:
        excel.coerce(excel.Column("k", "列", "Col", kind), value)  # type: ignore[arg-type]
    assert err.value.code == code
