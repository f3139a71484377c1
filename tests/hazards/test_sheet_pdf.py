"""The calculation sheet (计算书) as A4 PDF: the builder on its own (Chinese text extractable, the
numbers fixed-point, long units over several pages with numbered footers) and the export endpoint
on the seeded demo plant (SQLite and PostgreSQL) with its permissions and scope."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from pypdf import PdfReader

from anguan.hazards.models import Assessment, HazardUnit
from anguan.hazards.sheet_pdf import calculation_sheet_pdf
from anguan.identity import permissions as P
from tests.plant.support import Callers, perms_of

H = "/api/v1/hazards"


def line(name: str, q: str, ratio: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "q_t": q,
        "Q_t": "500",
        "Q_basis": f"表1 第65行 {name}",
        "ratio": ratio,
        "beta": "1",
        "beta_basis": "表4 W5.3",
        "beta_ambiguous": False,
        "weighted": ratio,
        **extra,
    }


def tank_farm(n_extra: int = 0) -> tuple[HazardUnit, Assessment]:
    """DK-01 as the demo seeds it (甲醇 1422 t, 甲苯 1566 t), optionally with more substances."""
    sheet = [
        line("甲醇", "1422", "2.844"),
        # an older sheet held Q as 5E+2: printed fixed-point all the same
        line("甲苯", "1566", "3.132", Q_t="5E+2", Q_basis="表1 第64行 甲苯"),
    ]
    sheet += [line(f"测试物料{i:03d}", "0.5", "0.001") for i in range(n_extra)]
    cas = {"甲醇": "67-56-1", "甲苯": "108-88-3"}
    unit = HazardUnit(id=1, code="HZ-DK01", name="1# 罐区", kind="storage", people_outside=120)
    a = Assessment(
        id=7,
        unit_id=1,
        computed_at=datetime(2026, 5, 9, 7, 35, tzinfo=UTC),
        rule_version="gb18218-2018/v1",
        trigger="manual",
        inputs={
            "people_outside": 120,
            "substances": [{"name": ln["name"], "cas": cas.get(ln["name"])} for ln in sheet],
        },
        sheet=sheet,
        s_value=str(Decimal("5.976") + Decimal("0.001") * n_extra),
        major=True,
        alpha="2",
        alpha_basis="表5 100人以上",
        r_value=str(2 * (Decimal("5.976") + Decimal("0.001") * n_extra)),
        grade=3,
        needs_review=False,
    )
    return unit, a


def text_of(pdf: bytes) -> tuple[int, list[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), [page.extract_text() for page in reader.pages]


def test_builder_writes_an_a4_sheet_with_chinese_text() -> None:
    unit, a = tank_farm()
    pdf = calculation_sheet_pdf(unit, a, tz="Asia/Shanghai")
    assert pdf.startswith(b"%PDF-") and b"/STSong-Light" in pdf
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    pages, texts = text_of(pdf)
    text = "\n".join(texts)
    assert pages == 1
    assert "HZ-DK01" in text and "1# 罐区" in text and "计算书" in text
    assert "甲醇" in text and "67-56-1" in text and "表1 第64行 甲苯" in text
    assert "5.976" in text and "11.952" in text and "2 × 5.976 = 11.952" in text
    assert "三级" in text and "50 > R ≥ 10" in text and "表5 100人以上" in text
    assert "2026-05-09 15:35:00" in text  # computed time in the site's zone
    assert "5E+2" not in text
    assert "无需复核" in text
    assert "GB 18218-2018" in texts[0] and "第 1 页 / 共 1 页" in texts[0]


def test_review_state_and_user_text_are_printed_as_given() -> None:
    unit, a = tank_farm()
    a.sheet[1]["beta_ambiguous"] = True
    a.needs_review = True
    _, texts = text_of(calculation_sheet_pdf(unit, a))
    assert "待复核" in texts[0]
    a.reviewed_by, a.reviewed_at, a.review_note = (
        "safety",
        datetime(2026, 5, 9, 8, tzinfo=UTC),
        "按 <J4> & 取 β",
    )
    _, texts = text_of(calculation_sheet_pdf(unit, a))
    assert "已复核" in texts[0] and "safety" in texts[0] and "按 <J4> & 取 β" in texts[0]


def test_a_unit_that_is_not_a_major_hazard_source_is_not_graded() -> None:
    unit, a = tank_farm()
    a.s_value, a.major, a.alpha, a.alpha_basis, a.r_value, a.grade = "0.25", False, None, None, None, None
    _, texts = text_of(calculation_sheet_pdf(unit, a))
    assert "0.25 < 1" in texts[0] and "不构成重大危险源" in texts[0] and "不分级" in texts[0]


def test_many_substances_run_over_pages_with_numbered_footers() -> None:
    unit, a = tank_farm(n_extra=120)
    pages, texts = text_of(calculation_sheet_pdf(unit, a))
    assert pages > 1
    for n, text in enumerate(texts, start=1):
        assert "GB 18218-2018" in text and f"第 {n} 页 / 共 {pages} 页" in text
        if "测试物料" in text:
            assert "CAS No." in text  # the table header repeats on each page of the table
    assert any("测试物料119" in text for text in texts)
    # the result block is not split over a page break
    assert "6.096 ≥ 1" in texts[-1] and "2 × 6.096 = 12.192" in texts[-1] and "三级" in texts[-1]


def test_the_same_assessment_gives_the_same_bytes() -> None:
    unit, a = tank_farm()
    assert calculation_sheet_pdf(unit, a) == calculation_sheet_pdf(unit, a)


# ------------------------------------------------------------------ the endpoint


@pytest.fixture
async def callers(app: Any) -> AsyncIterator[Callers]:
    c = Callers(app)
    yield c
    await c.aclose()


async def unit_by_code(client: Any, code: str) -> dict[str, Any]:
    units = (await client.get(f"{H}/units")).json()
    return next(u for u in units if u["code"] == code)


async def test_sheet_exports_as_pdf(callers: Any) -> None:
    safety = await callers("safety")
    dk01 = await unit_by_code(safety, "HZ-DK01")
    aid = dk01["assessment_id"]
    r = await safety.get(f"{H}/assessments/{aid}/sheet.pdf")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == (
        f"attachment; filename*=UTF-8''{quote(f'HZ-DK01-计算书-{aid}.pdf')}"
    )
    _, texts = text_of(r.content)
    text = "\n".join(texts)
    assert "HZ-DK01" in text and "甲醇" in text and "甲苯" in text
    assert "5.976" in text and "11.952" in text and "三级" in text


async def test_readers_get_the_pdf_others_are_refused(callers: Any) -> None:
    operator, contractor, inspector = (
        await callers("operator"),
        await callers("contractor"),
        await callers("inspector"),
    )
    dk01 = await unit_by_code(operator, "HZ-DK01")
    r = await operator.get(f"{H}/assessments/{dk01['assessment_id']}/sheet.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    assert P.HAZARDS_READ not in perms_of("contractor")
    r = await contractor.get(f"{H}/assessments/{dk01['assessment_id']}/sheet.pdf")
    assert r.status_code == 403
    anonymous = await callers(None)
    assert (await anonymous.get(f"{H}/assessments/{dk01['assessment_id']}/sheet.pdf")).status_code == 401
    assert (await operator.get(f"{H}/assessments/987654/sheet.pdf")).status_code == 404
    # outside the caller's data scope: refused like the assessment itself
    visible_areas = {a["id"] for a in (await inspector.get("/api/v1/plant/areas")).json()}
    pu01 = await unit_by_code(operator, "HZ-PU01")
    if pu01["area_id"] not in visible_areas:
        r = await inspector.get(f"{H}/assessments/{pu01['assessment_id']}/sheet.pdf")
        assert r.status_code == 403
