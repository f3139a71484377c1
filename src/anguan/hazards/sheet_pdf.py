"""The GB 18218-2018 calculation sheet (计算书) of an assessment as an A4 PDF.

Set in reportlab's built-in CID font STSong-Light: no font file is shipped or embedded, the PDF
reader supplies an Adobe-GB1 font (every Chinese reader has one), so the file works offline and
stays small. Headings are zh-CN first with the English below.
"""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import partial
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from anguan.core.pdf import CJK_FONT, NumberedCanvas
from anguan.core.time import as_utc
from anguan.hazards.models import Assessment, HazardUnit
from anguan.hazards.reference import GRADE_NAMES, TABLE6
from anguan.hazards.service import decimal_text

FONT = CJK_FONT
STANDARD = "GB 18218-2018"
MARGIN = 15 * mm
GRID = colors.HexColor("#9aa4b1")
HEAD_BG = colors.HexColor("#e8edf3")
FLAG = colors.HexColor("#b35c00")
KINDS = {"storage": "储存单元 Storage unit", "production": "生产单元 Production unit"}


_BASE = ParagraphStyle("sheet", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
TITLE = ParagraphStyle("title", parent=_BASE, fontSize=15, leading=20, alignment=TA_CENTER)
SUBTITLE = ParagraphStyle("subtitle", parent=_BASE, fontSize=9.5, alignment=TA_CENTER, textColor=colors.grey)
HEADING = ParagraphStyle("heading", parent=_BASE, fontSize=11, leading=15, spaceBefore=8, spaceAfter=4)
TEXT = _BASE
CELL = ParagraphStyle("cell", parent=_BASE, fontSize=8, leading=10)
NUM = ParagraphStyle("num", parent=CELL, alignment=TA_RIGHT)
HEAD = ParagraphStyle("head", parent=CELL, fontSize=8, leading=10)
HEAD_NUM = ParagraphStyle("head_num", parent=HEAD, alignment=TA_RIGHT)
NOTE = ParagraphStyle("note", parent=_BASE, fontSize=8, leading=10, textColor=FLAG)

# (zh, en, width in mm, numeric): substance, CAS, q, Q, Q basis, q/Q, β, β basis, β·q/Q (180 mm)
LINE_COLUMNS = (
    ("危险化学品", "Substance", 25, False),
    ("CAS号", "CAS No.", 19, False),
    ("实际存在量 q (t)", "Quantity q (t)", 17, True),
    ("临界量 Q (t)", "Threshold Q (t)", 17, True),
    ("Q 依据", "Q basis (table, row)", 31, False),
    ("q/Q", "q/Q", 14, True),
    ("校正系数 β", "Correction β", 14, True),
    ("β 依据", "β basis", 27, False),
    ("β·q/Q", "β·q/Q", 16, True),
)


def _p(text: str, style: ParagraphStyle = TEXT) -> Paragraph:
    """A paragraph of plain text (escaped: names and notes are user input)."""
    return Paragraph(escape(text), style)


def _bilingual(zh: str, en: str, style: ParagraphStyle = HEAD) -> Paragraph:
    return Paragraph(
        f"{escape(zh)}<br/><font size={style.fontSize - 1.5} color=#555555>{escape(en)}</font>", style
    )


def _num(text: Any, places: int = 4) -> str:
    """Stored decimal text as fixed-point text (older sheets may hold 5E+2); '—' when absent."""
    if text is None or text == "":
        return "—"
    try:
        return decimal_text(Fraction(Decimal(str(text))), places) or "—"
    except (InvalidOperation, ValueError):
        return str(text)


def _sum(values: list[Any]) -> str:
    """Σ of the printed line values, so the total is the sum a reader would make by hand."""
    try:
        return _num(sum((Decimal(str(v)) for v in values), Decimal(0)))
    except InvalidOperation:
        return "—"


def _band(grade: int) -> str:
    """The R range of a grade from 表6 (e.g. 50 > R ≥ 10)."""
    bounds = dict((g, least) for least, g in TABLE6)
    low, high = bounds.get(grade), bounds.get(grade - 1)
    if low is None:
        return f"R < {high}"
    return f"R ≥ {low}" if high is None else f"{high} > R ≥ {low}"


def _when(at: Any, tz: ZoneInfo) -> str:
    local = as_utc(at).astimezone(tz)
    offset = f"{local:%z}"
    return f"{local:%Y-%m-%d %H:%M:%S} ({tz.key}, UTC{offset[:3]}:{offset[3:]})"


def _info_table(rows: list[tuple[str, str, str]], widths: tuple[float, float]) -> Table:
    """Label / value rows with bilingual labels."""
    data = [[_bilingual(zh, en, CELL), _p(value, CELL)] for zh, en, value in rows]
    table = Table(data, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("BACKGROUND", (0, 0), (0, -1), HEAD_BG),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _lines_table(a: Assessment) -> Table:
    inputs = list((a.inputs or {}).get("substances") or [])
    by_name = {s.get("name"): s for s in inputs}
    head = [_bilingual(zh, en, HEAD_NUM if numeric else HEAD) for zh, en, _width, numeric in LINE_COLUMNS]
    data: list[list[Any]] = [head]
    flagged: list[int] = []
    for i, ln in enumerate(a.sheet):
        # inputs are stored in sheet order; the name is unique within a unit
        source = inputs[i] if i < len(inputs) and inputs[i].get("name") == ln.get("name") else None
        source = source or by_name.get(ln.get("name")) or {}
        beta_basis = str(ln.get("beta_basis") or "—")
        if ln.get("beta_ambiguous"):
            flagged.append(len(data))
            beta_basis += "（β 待复核 / to review）"
        data.append(
            [
                _p(str(ln.get("name") or "—"), CELL),
                _p(str(source.get("cas") or "—"), CELL),
                _p(_num(ln.get("q_t")), NUM),
                _p(_num(ln.get("Q_t")), NUM),
                _p(str(ln.get("Q_basis") or "—"), CELL),
                _p(_num(ln.get("ratio")), NUM),
                _p(_num(ln.get("beta")), NUM),
                _p(beta_basis, CELL),
                _p(_num(ln.get("weighted")), NUM),
            ]
        )
    data.append(
        [
            _bilingual("合计", "Total", CELL),
            "",
            "",
            "",
            _p("S = Σ q/Q →", NUM),
            _p(_num(a.s_value), NUM),
            "",
            _p("Σ β·q/Q →", NUM),
            _p(_sum([ln.get("weighted") for ln in a.sheet]), NUM),
        ]
    )
    table = Table(data, colWidths=[w * mm for _zh, _en, w, _n in LINE_COLUMNS], repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("BACKGROUND", (0, -1), (-1, -1), HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("SPAN", (0, -1), (3, -1)),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    style += [("BACKGROUND", (6, r), (7, r), colors.HexColor("#fff3e0")) for r in flagged]
    table.setStyle(TableStyle(style))
    return table


def _review_text(a: Assessment, tz: ZoneInfo) -> str:
    if a.reviewed_at is not None:
        text = f"已复核 Reviewed：{a.reviewed_by or '—'}，{_when(a.reviewed_at, tz)}"
        return text + (f"；复核意见 Note：{a.review_note}" if a.review_note else "")
    if a.needs_review:
        return "待复核 Pending review — 某物质有多个危险性类别且 β 不同，已取最大值，需复核确认"
    return "无需复核 Not required"


def calculation_sheet_pdf(unit: HazardUnit, a: Assessment, *, tz: str = "UTC") -> bytes:
    """The assessment's calculation sheet (计算书) as A4 PDF bytes; times shown in `tz`."""
    zone = ZoneInfo(tz)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=18 * mm,
        title=f"{unit.code} {unit.name} 重大危险源辨识与分级计算书",
        subject=f"{STANDARD} ({a.rule_version})",
        creator="Anguan",
        invariant=True,  # the same assessment always gives the same bytes
    )
    inputs = a.inputs or {}
    people = inputs.get("people_outside", unit.people_outside)
    grade_name = GRADE_NAMES.get(a.grade or 0)
    s_text = _num(a.s_value)
    if a.major:
        s_line = f"{s_text} ≥ 1：构成重大危险源 — a major hazard source"
        alpha_line = (
            f"{_num(a.alpha, 2)}（{a.alpha_basis or '—'}；厂外500 m常住人口 {people} 人 / residents）"
        )
        r_line = f"{_num(a.alpha, 2)} × {_sum([ln.get('weighted') for ln in a.sheet])} = {_num(a.r_value)}"
        grade_line = (
            f"{grade_name[0]} {grade_name[1]}（表6 / Table 6：{_band(a.grade or 4)}）" if grade_name else "—"
        )
    else:
        s_line = f"{s_text} < 1：不构成重大危险源 — not a major hazard source"
        alpha_line = r_line = "—（S < 1，不分级 / not graded）"
        grade_line = "不构成重大危险源 Not a major hazard source"

    story: list[Any] = [
        _p("危险化学品重大危险源辨识与分级计算书", TITLE),
        _p(f"Major hazard identification and grading — calculation sheet ({STANDARD})", SUBTITLE),
        Spacer(1, 5 * mm),
        _info_table(
            [
                ("辨识单元", "Unit", f"{unit.code}  {unit.name}"),
                ("单元类型", "Kind", KINDS.get(unit.kind, unit.kind)),
                ("计算依据", "Rule", f"{STANDARD}（{a.rule_version}）"),
                ("计算编号 / 时间", "Assessment / computed", f"#{a.id or '—'}  {_when(a.computed_at, zone)}"),
            ],
            (38 * mm, 142 * mm),
        ),
        _bilingual("一、危险化学品及计算", "1. Hazardous chemicals and calculation", HEADING),
        _lines_table(a),
    ]
    if any(ln.get("beta_ambiguous") for ln in a.sheet):
        story.append(
            _p(
                "注：标为“β 待复核”的物质有多个危险性类别且校正系数不同，已取最大值，需复核确认。"
                " Note: a substance marked “to review” has several hazard classes with different β;"
                " the largest was taken and needs a reviewer's confirmation.",
                NOTE,
            )
        )
    # the result block is read as one: never split it over a page break
    story.append(
        KeepTogether(
            [
                _bilingual("二、辨识与分级结果", "2. Identification and grading result", HEADING),
                _info_table(
                    [
                        ("S = Σ q/Q", "Identification (§4.2)", s_line),
                        ("校正系数 α（表5）", "Correction α (Table 5)", alpha_line),
                        ("R = α · Σ β·q/Q", "Grading value (§4.3)", r_line),
                        ("重大危险源级别（表6）", "Grade (Table 6)", grade_line),
                        ("复核", "Review", _review_text(a, zone)),
                    ],
                    (48 * mm, 132 * mm),
                ),
            ]
        )
    )
    footer = f"{STANDARD} 危险化学品重大危险源辨识  ·  {unit.code}"
    doc.build(story, canvasmaker=partial(NumberedCanvas, footer=footer, margin=MARGIN, rule=GRID))
    return buf.getvalue()
