"""A permit printed in the layout of GB 30871-2022 附录A (表A.1–A.8) as an A4 PDF.

`permit_pdf` is a pure builder over `PermitPrint`, a plain snapshot that `print_data.load_print_data`
fills from the database (it only reads). The order follows the printed templates: title with the 编号 and, on
graded permits, a visible grade mark (附录B.1); the common fields; the type's own fields; the gas
analyses; the safety-measure table; the briefing; the signature blocks in 表B.1 order (完工验收
last), each with its opinion, signer, time, drawn signature and the SHA-256 of the content signed.

Set in reportlab's built-in CID font STSong-Light like the hazards calculation sheet: nothing is
embedded, the reader supplies an Adobe-GB1 font. Times are plant time (Asia/Shanghai) written
"年月日时分" as on the printed form.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from anguan.core.pdf import CJK_FONT, NumberedCanvas
from anguan.core.time import as_utc
from anguan.permits import rules
from anguan.permits.reference import GRADES_BY_KEY, HEIGHT_FACTORS, WORK_TYPES
from anguan.permits.workflow import State, ticket_status

FONT = CJK_FONT
STANDARD = "GB 30871-2022"
PLANT_TZ = ZoneInfo("Asia/Shanghai")
MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN  # 180 mm
GRID = colors.HexColor("#7d8794")
HEAD_BG = colors.HexColor("#eef1f5")
MARK = colors.HexColor("#c00000")
MAX_IMAGE_BYTES = 2 * 1024 * 1024
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


_BASE = ParagraphStyle("permit", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")
TITLE = ParagraphStyle("title", parent=_BASE, fontSize=17, leading=22, alignment=TA_CENTER)
SUBTITLE = ParagraphStyle("subtitle", parent=_BASE, fontSize=8, leading=10, alignment=TA_CENTER)
RIGHT = ParagraphStyle("right", parent=_BASE, alignment=TA_RIGHT)
HEADING = ParagraphStyle("heading", parent=_BASE, fontSize=10.5, leading=14, spaceBefore=6, spaceAfter=3)
CELL = ParagraphStyle("cell", parent=_BASE, fontSize=8.5, leading=11)
LABEL = ParagraphStyle("label", parent=CELL, fontSize=8.5, leading=10.5)
SMALL = ParagraphStyle("small", parent=_BASE, fontSize=6.5, leading=8, textColor=colors.HexColor("#555555"))
BADGE = ParagraphStyle("badge", parent=_BASE, fontSize=13, leading=15, alignment=TA_CENTER, textColor=MARK)
STATUS = ParagraphStyle("status", parent=_BASE, fontSize=8.5, leading=11, alignment=TA_RIGHT, textColor=MARK)

# GB 30871-2022 附录A: the table of each type's template.
TEMPLATE_TABLE = {
    "hot_work": "表A.1",
    "confined_space": "表A.2",
    "blinding": "表A.3",
    "work_at_height": "表A.4",
    "lifting": "表A.5",
    "temporary_electricity": "表A.6",
    "excavation": "表A.7",
    "road_breaking": "表A.8",
}
# Where 附录A words the place or the workers its own way.
LOCATION_LABEL = {
    "hot_work": ("动火地点及动火部位", "Place and point of hot work"),
    "lifting": ("吊装地点", "Lifting place"),
}
WORKER_LABEL = {
    "hot_work": ("动火人及证书编号", "Hot-work operators and certificates"),
    "lifting": ("吊装作业人", "Lifting operators"),
    "temporary_electricity": ("作业人及电工证号", "Workers and electrician certificates"),
}
ROLE_LABEL = {
    "rigger": ("司索人", "Riggers"),
    "commander": ("指挥人员", "Commanders"),
    "electrician": ("电工", "Electricians"),
    "analyst": ("分析人", "Gas analysts"),
}
# The type's own fields of 附录A, by the `details` key the application stores them under.
DETAIL_LABELS: dict[str, tuple[str, str]] = {
    "method": ("动火方式", "Hot-work method"),
    "hot_work_facts": ("动火分级依据", "Grading facts"),
    "plan": ("作业方案", "Work plan"),
    "space_name": ("受限空间名称", "Confined space"),
    "space": ("受限空间名称", "Confined space"),
    "original_medium": ("受限空间内原有介质名称", "Medium originally inside"),
    "oxygen_rich": ("富氧环境", "Oxygen-rich environment"),
    "pipeline": ("设备、管道名称", "Equipment or pipeline"),
    "medium": ("介质", "Medium"),
    "temperature": ("管道参数：温度", "Pipe temperature"),
    "pressure": ("管道参数：压力", "Pipe pressure"),
    "blinds": ("盲板（编号/作业类别/材质/规格）", "Blinds (number, action, material, size)"),
    "actual_start": ("实际作业开始时间", "Actual start"),
    "height_m": ("作业高度（m）", "Work height (m)"),
    "height_factors": ("客观危险因素", "Objective hazard factors"),
    "lifting_gear": ("吊具名称", "Lifting gear"),
    "load": ("吊物内容", "Load"),
    "mass_t": ("吊物质量（t）", "Load mass (t)"),
    "power_source": ("电源接入点", "Power connection point"),
    "power_kw": ("许可用电功率（kW）", "Permitted power (kW)"),
    "voltage": ("工作电压", "Working voltage"),
    "equipment": ("用电设备名称及额定功率", "Equipment and rated power"),
    "scope": ("作业范围、内容、方式", "Scope, content and method"),
    "depth_m": ("深度（m）", "Depth (m)"),
    "area_m2": ("面积（平方米）", "Area (m2)"),
    "departments": ("涉及相关单位（部门）", "Units concerned"),
    "reason": ("断路原因", "Reason for closing the road"),
    "related_types": ("应关联的其他特殊作业", "Related work types required"),
    "special_validity": ("特殊情况延长有效期", "Extended validity (special case)"),
}
# Keys a template words its own way.
TYPE_DETAIL_LABELS: dict[tuple[str, str], tuple[str, str]] = {
    ("confined_space", "medium"): ("受限空间内原有介质名称", "Medium originally inside"),
    ("blinding", "medium"): ("管道参数：介质", "Pipe medium"),
}
HOT_WORK_FACTS = {
    "in_fire_explosion_area": "火灾爆炸危险场所",
    "on_operating_equipment": "在运行的设备、管道、储罐上",
    "in_major_hazard_tank_dike": "重大危险源罐区防火堤内",
    "on_pipe_rack": "管廊上",
    "shut_down_cleaned_isolated_approved": "已停车、清洗、置换、隔离并经批准",
}
BLIND_ACTION_ZH = {code: zh for code, (zh, _en) in rules.BLIND_ACTIONS.items()}
STATE_ZH = {
    "draft": "草稿",
    "booked": "预约待批",
    "booking_approved": "预约已批准",
    "applying": "申请中",
    "signing": "签批中",
    "issued": "已签发",
    "in_progress": "作业中",
    "paused": "暂停",
    "acceptance_pending": "待验收",
    "accepted": "已验收",
    "revoked": "已撤销",
    "voided": "已作废",
    "closed_for_reissue": "已关闭（重新办理）",
}
# States in which the paper is not a valid permit: printed with a red note under the number.
NOT_VALID = {
    State.DRAFT: "未签发 · 不得作业",
    State.BOOKED: "未签发 · 不得作业",
    State.BOOKING_APPROVED: "未签发 · 不得作业",
    State.APPLYING: "未签发 · 不得作业",
    State.SIGNING: "签批中 · 不得作业",
    State.REVOKED: "已撤销 · 不得作业",
    State.VOIDED: "已作废 · 不得作业",
    State.CLOSED_FOR_REISSUE: "已关闭并重新办理 · 不得作业",
}


# ------------------------------------------------------------------------------ data


@dataclass(frozen=True)
class PrintPerson:
    """A person on the permit with the certificate recorded for them."""

    name: str
    role: str
    certificate_no: str | None = None
    active: bool = True


@dataclass(frozen=True)
class PrintGasTest:
    """One row of the gas-analysis grid."""

    sampled_at: datetime
    gases: str  # 代表性气体
    point: str  # 部位
    result: str  # 分析结果
    analyst: str
    passed: bool


@dataclass(frozen=True)
class PrintMeasure:
    """One row of the safety-measure table."""

    seq: int
    text: str
    involved: bool | None
    confirmed_by: str | None


@dataclass(frozen=True)
class PrintBlock:
    """A signature block (意见 + 签字 + 时间); `signer` None while the step is unsigned."""

    code: str
    zh: str
    en: str
    signer: str | None = None
    signed_at: datetime | None = None
    opinion: str | None = None
    on_behalf_of: str | None = None
    on_site: bool | None = None
    content_hash: str | None = None
    image: bytes | None = None  # the drawn signature, PNG


@dataclass(frozen=True)
class PermitPrint:
    """Everything printed on a permit, as plain values."""

    number: str
    work_type: str
    grade: str | None
    state: str
    enterprise: str
    applicant_unit: str
    applied_at: datetime | None
    work_unit: str
    content: str
    location: str
    leader: str
    planned_start: datetime
    planned_end: datetime
    required_grade: str | None = None
    contractor: str | None = None
    area: str | None = None
    people: Sequence[PrintPerson] = ()
    linked: Sequence[str] = ()
    risks: Sequence[str] = ()
    details: Mapping[str, Any] = field(default_factory=dict)
    gas_tests: Sequence[PrintGasTest] = ()
    measures: Sequence[PrintMeasure] = ()
    checklist_paraphrased: bool = False
    briefing_by: str | None = None
    briefing_at: datetime | None = None
    blocks: Sequence[PrintBlock] = ()
    content_hash: str | None = None
    tz: ZoneInfo = PLANT_TZ


# ------------------------------------------------------------------------------ text helpers


def title_of(work_type: str) -> str:
    """The template's title: 动火作业 → 动火安全作业票."""
    zh = WORK_TYPES[work_type].zh
    return (zh[: -len("作业")] if zh.endswith("作业") else zh) + "安全作业票"


def grade_mark(work_type: str, grade: str | None) -> str | None:
    """The grade as printed (二级, Ⅲ级 …); None for the types without grades."""
    if grade is None:
        return None
    g = GRADES_BY_KEY.get((work_type, grade))
    if g is None:
        return grade
    return g.zh.replace(WORK_TYPES[work_type].zh, "") or grade


def form_time(at: datetime | None, tz: ZoneInfo = PLANT_TZ) -> str:
    """年月日时分 as on the printed form; blanks to fill in by hand when absent."""
    if at is None:
        return "    年   月   日   时   分"
    return as_utc(at).astimezone(tz).strftime("%Y年%m月%d日 %H时%M分")


def _p(text: str, style: ParagraphStyle = CELL) -> Paragraph:
    """Plain text, escaped (all of it is user input), line breaks kept."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _label(zh: str, en: str) -> Paragraph:
    return Paragraph(f"{escape(zh)}<br/><font size=6.5 color=#666666>{escape(en)}</font>", LABEL)


def _value(value: Any) -> str:
    """A details value as text."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Mapping):
        return "；".join(f"{k}：{_value(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "、".join(_value(v) for v in value) or "—"
    return str(value)


def detail_rows(work_type: str, details: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """The type's own fields as (zh, en, text), known keys in the template's order, others after."""
    rows = []
    for key, value in sorted(
        details.items(),
        key=lambda kv: (list(DETAIL_LABELS).index(kv[0]) if kv[0] in DETAIL_LABELS else 999, kv[0]),
    ):
        zh, en = TYPE_DETAIL_LABELS.get((work_type, key)) or DETAIL_LABELS.get(key, (key, key))
        if key == "hot_work_facts" and isinstance(value, Mapping):
            text = "、".join(HOT_WORK_FACTS.get(str(k), str(k)) for k, v in value.items() if v) or "无"
        elif key == "height_factors" and isinstance(value, list | tuple):
            text = "；".join(HEIGHT_FACTORS.get(str(v), (str(v), ""))[0] for v in value) or "无"
        elif key == "related_types" and isinstance(value, list | tuple):
            text = "、".join(WORK_TYPES[v].zh if v in WORK_TYPES else str(v) for v in value) or "—"
        elif key == "blinds" and isinstance(value, list | tuple):
            text = "；".join(
                " ".join(
                    str(x)
                    for x in (
                        b.get("blind_no"),
                        BLIND_ACTION_ZH.get(str(b.get("action")), b.get("action")),
                        b.get("material"),
                        b.get("spec"),
                    )
                    if x
                )
                if isinstance(b, Mapping)
                else str(b)
                for b in value
            )
        else:
            text = _value(value)
        rows.append((zh, en, text))
    return rows


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a readable PNG; None for anything else."""
    if not data.startswith(PNG_MAGIC) or len(data) > MAX_IMAGE_BYTES:
        return None
    try:
        with PILImage.open(io.BytesIO(data)) as img:
            img.verify()
        with PILImage.open(io.BytesIO(data)) as img:
            img.load()
            return img.size
    except Exception:  # a damaged drawing is left out, never fails the print
        return None


# ------------------------------------------------------------------------------ layout


def _grid(
    data: list[list[Any]], widths: Sequence[float], head: bool = False, label_cols: Sequence[int] = ()
) -> Table:
    table = Table(data, colWidths=list(widths), repeatRows=1 if head else 0)
    style: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if head:
        style.append(("BACKGROUND", (0, 0), (-1, 0), HEAD_BG))
    style += [("BACKGROUND", (c, 0), (c, -1), HEAD_BG) for c in label_cols]
    table.setStyle(TableStyle(style))
    return table


def _header(d: PermitPrint) -> Table:
    """Enterprise and template on the left, the title in the middle, 编号, grade mark and status right."""
    table_ref = TEMPLATE_TABLE.get(d.work_type, "")
    left = [_p(d.enterprise or "—", CELL), _p(f"{STANDARD} 附录A {table_ref}", SMALL)]
    middle = [_p(title_of(d.work_type), TITLE), _p(f"{WORK_TYPES[d.work_type].en} permit", SUBTITLE)]
    right: list[Any] = [_p(f"编号：{d.number}", RIGHT)]
    mark = grade_mark(d.work_type, d.grade)
    if mark is not None:
        badge = Table([[_p(mark, BADGE)]], colWidths=[24 * mm], hAlign="RIGHT")
        badge.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 1.6, MARK),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        right += [Spacer(1, 1.5 * mm), badge]
        required = grade_mark(d.work_type, d.required_grade)
        if d.required_grade and d.required_grade != d.grade and required:
            right.append(_p(f"应升级为{required}", STATUS))
    note = NOT_VALID.get(State(d.state)) if d.state in State._value2member_map_ else None
    if note:
        right.append(_p(note, STATUS))
    right.append(
        _p(f"状态：{STATE_ZH.get(d.state, d.state)} · TICKET_STATUS {ticket_status(d.state)}", SMALL)
    )
    table = Table([[left, middle, right]], colWidths=[45 * mm, 90 * mm, 45 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (2, 0), (2, 0), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 1.2, colors.black),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _names(people: Sequence[PrintPerson], roles: Sequence[str], with_cert: bool = False) -> str:
    out = []
    for p in people:
        if p.role not in roles:
            continue
        text = p.name
        if with_cert:
            text += f"（{p.certificate_no or '证书编号：'}）"
        if not p.active:
            text += "（已交接）"
        out.append(text)
    return "、".join(out) or "—"


def _common(d: PermitPrint) -> Table:
    """The fields every template shares, then the type's own."""
    wl = (30 * mm, 60 * mm, 30 * mm, 60 * mm)
    loc_zh, loc_en = LOCATION_LABEL.get(d.work_type, ("作业地点", "Work place"))
    wk_zh, wk_en = WORKER_LABEL.get(d.work_type, ("作业人", "Workers"))
    work_unit = d.work_unit + (
        f"（承包商：{d.contractor}）" if d.contractor and d.contractor != d.work_unit else ""
    )
    location = d.location + (f"（{d.area}）" if d.area else "")
    rows: list[list[Any]] = [
        [
            _label("作业申请单位", "Applying unit"),
            _p(d.applicant_unit),
            _label("作业申请时间", "Applied at"),
            _p(form_time(d.applied_at, d.tz)),
        ],
        [
            _label("作业单位", "Working unit"),
            _p(work_unit),
            _label("作业负责人", "Work leader"),
            _p(d.leader),
        ],
        [_label("作业内容", "Work content"), _p(d.content), "", ""],
        [_label(loc_zh, loc_en), _p(location), "", ""],
    ]
    spans = [2, 3]
    mark = grade_mark(d.work_type, d.grade)
    if WORK_TYPES[d.work_type].grades:
        options = "  ".join(
            ("■" if g == d.grade else "□") + (grade_mark(d.work_type, g) or g)
            for g in reversed(WORK_TYPES[d.work_type].grades)
        )
        rows.append([_label("作业级别", "Grade"), _p(options if mark else "—"), "", ""])
        spans.append(len(rows) - 1)
    rows += [
        [
            _label("监护人", "Guardians"),
            _p(_names(d.people, ("guardian",))),
            _label(wk_zh, wk_en),
            _p(_names(d.people, ("worker",), with_cert=True)),
        ],
    ]
    for role, (zh, en) in ROLE_LABEL.items():
        if any(p.role == role for p in d.people):
            rows.append(
                [_label(zh, en), _p(_names(d.people, (role,), with_cert=role == "electrician")), "", ""]
            )
            spans.append(len(rows) - 1)
    rows += [
        [
            _label("关联的其他特殊作业及安全作业票编号", "Related permits"),
            _p("；".join(d.linked) or "无"),
            "",
            "",
        ],
        [_label("风险辨识结果", "Identified risks"), _p("、".join(d.risks) or "—"), "", ""],
        [
            _label("作业实施时间", "Work period"),
            _p(f"自 {form_time(d.planned_start, d.tz)} 至 {form_time(d.planned_end, d.tz)} 止"),
            "",
            "",
        ],
    ]
    spans += [len(rows) - 3, len(rows) - 2, len(rows) - 1]
    for zh, en, text in detail_rows(d.work_type, d.details):
        rows.append([_label(zh, en), _p(text), "", ""])
        spans.append(len(rows) - 1)
    table = _grid(rows, wl, label_cols=(0,))
    style: list[tuple[Any, ...]] = [("SPAN", (1, r), (3, r)) for r in spans]
    style += [("BACKGROUND", (2, r), (2, r), HEAD_BG) for r in range(len(rows)) if r not in spans]
    table.setStyle(TableStyle(style))
    return table


def _gas(d: PermitPrint) -> Table:
    head = [
        _label("取样分析时间", "Sampled at"),
        _label("代表性气体 / 分析部位", "Gas / sampling point"),
        _label("分析结果", "Result"),
        _label("结论", "Verdict"),
        _label("分析人", "Analyst"),
    ]
    data: list[list[Any]] = [head]
    for t in d.gas_tests:
        data.append(
            [
                _p(form_time(t.sampled_at, d.tz)),
                _p(f"{t.gases} / {t.point}"),
                _p(t.result),
                _p("合格" if t.passed else "不合格"),
                _p(t.analyst),
            ]
        )
    if not d.gas_tests:
        data.append([_p("—"), _p("—"), _p("—"), _p("—"), _p("—")])
    return _grid(data, (38 * mm, 50 * mm, 50 * mm, 14 * mm, 28 * mm), head=True)


def _measures(d: PermitPrint) -> Table:
    head = [
        _label("序号", "No."),
        _label("安全措施", "Safety measure"),
        _label("是否涉及", "Involved"),
        _label("确认人", "Confirmed by"),
    ]
    data: list[list[Any]] = [head]
    for m in d.measures:
        involved = "—" if m.involved is None else ("是" if m.involved else "否")
        data.append([_p(str(m.seq)), _p(m.text), _p(involved), _p(m.confirmed_by or "")])
    if not d.measures:
        data.append([_p("—"), _p("—"), _p("—"), _p("—")])
    return _grid(data, (12 * mm, 122 * mm, 18 * mm, 28 * mm), head=True)


def _briefing(d: PermitPrint) -> Table:
    receivers = _names(d.people, ("worker", "electrician", "rigger", "commander", "guardian"))
    rows = [
        [
            _label("安全交底人", "Briefed by"),
            _p(d.briefing_by or "—"),
            _label("交底时间", "Briefed at"),
            _p(form_time(d.briefing_at, d.tz) if d.briefing_at else "—"),
        ],
        [_label("接受交底人", "Briefed"), _p(receivers), "", ""],
    ]
    table = _grid(rows, (30 * mm, 60 * mm, 30 * mm, 60 * mm), label_cols=(0,))
    table.setStyle(TableStyle([("SPAN", (1, 1), (3, 1)), ("BACKGROUND", (2, 0), (2, 0), HEAD_BG)]))
    return table


def _signature_image(data: bytes | None) -> Image | None:
    if data is None:
        return None
    size = png_size(data)
    if size is None:
        return None
    w, h = size
    scale = min(40 * mm / w, 13 * mm / h)
    return Image(io.BytesIO(data), width=w * scale, height=h * scale)


def _block(b: PrintBlock, tz: ZoneInfo) -> KeepTogether:
    """One signature block: 意见, the drawing, 签字 and time, the content hash in small print."""
    inner: list[Any] = [_p(f"意见：{b.opinion or ''}")]
    if b.signer is None:
        sign_line = f"签字：                    {form_time(None)}"
        drawing: Any = ""
    else:
        who = b.signer + (f"（受 {b.on_behalf_of} 委托）" if b.on_behalf_of else "")
        where = {True: " · 现场签批", False: " · 不在现场", None: ""}[b.on_site]
        sign_line = f"签字：{who}    {form_time(b.signed_at, tz)}{where}"
        drawing = _signature_image(b.image) or ""
    line = Table([[drawing, _p(sign_line)]], colWidths=[44 * mm, 98 * mm])
    line.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    inner.append(line)
    if b.content_hash:
        inner.append(
            Paragraph(f"签署内容 SHA-256：<font name=Courier>{escape(b.content_hash)}</font>", SMALL)
        )
    table = _grid([[_label(b.zh, b.en), inner]], (36 * mm, 144 * mm), label_cols=(0,))
    return KeepTogether([table])


def permit_pdf(d: PermitPrint) -> bytes:
    """The permit as A4 PDF bytes in the layout of GB 30871-2022 附录A (the same data, the same bytes)."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=18 * mm,
        title=f"{title_of(d.work_type)} {d.number}",
        subject=f"{STANDARD} 附录A {TEMPLATE_TABLE.get(d.work_type, '')}",
        creator="Anguan",
        invariant=True,
    )
    story: list[Any] = [_header(d), Spacer(1, 3 * mm), _common(d)]
    story += [Paragraph("气体分析 <font size=7 color=#666666>Gas analysis</font>", HEADING), _gas(d)]
    story += [Paragraph("安全措施 <font size=7 color=#666666>Safety measures</font>", HEADING), _measures(d)]
    if d.checklist_paraphrased:
        story.append(
            _p(
                "注：安全措施条目依据 GB 30871-2022 条款整理，文字与附录A原表不完全一致，使用前请核对。"
                " Note: measure wording paraphrased from the clauses; check against 附录A before use.",
                SMALL,
            )
        )
    story += [Paragraph("安全交底 <font size=7 color=#666666>Safety briefing</font>", HEADING), _briefing(d)]
    story.append(Paragraph("审批与验收 <font size=7 color=#666666>Signatures</font>", HEADING))
    story += [_block(b, d.tz) for b in d.blocks]
    if d.content_hash:
        story += [
            Spacer(1, 2 * mm),
            Paragraph(
                "首次签字封存的内容 SHA-256（不得涂改，GB 30871-2022 §4.18）："
                f"<font name=Courier>{escape(d.content_hash)}</font>",
                SMALL,
            ),
        ]
    footer = f"{STANDARD} 附录A · {d.number}"
    doc.build(story, canvasmaker=partial(NumberedCanvas, footer=footer, margin=MARGIN, rule=GRID))
    return buf.getvalue()
