"""The permit printed in the layout of GB 30871-2022 附录A: the builder on its own (every type, a grade
mark on graded permits, long checklists over numbered pages, damaged drawings left out) and the
endpoint on the demo plant (SQLite and PostgreSQL) for a signed hot-work permit with a drawn
signature, with its permissions and data scope; printing changes nothing."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from anguan.core.files import LocalFileStore
from anguan.core.timeline import AuditEntry
from anguan.permits import print_data, printing
from anguan.permits.checklists import CHECKLISTS_V1
from anguan.permits.models import Permit
from anguan.permits.printing import PermitPrint, PrintBlock, PrintGasTest, PrintMeasure, PrintPerson
from anguan.permits.reference import WORK_TYPES
from tests.permits.support import (
    PM,
    World,
    act,
    emergency,
    new_permit,
    signature_png,
    to_accepted,
    upload,
    world,
)

__all__ = ["world"]

AT = datetime(2027, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 plant time
DETAILS = {
    "hot_work": {"method": "电焊", "hot_work_facts": {"in_fire_explosion_area": True}},
    "confined_space": {"space_name": "T-101 储罐", "original_medium": "甲醇", "oxygen_rich": False},
    "blinding": {"pipeline": "P-201 甲醇进料管", "blinds": [{"blind_no": "MB-07", "action": "insert"}]},
    "work_at_height": {"height_m": 6, "height_factors": ["a"]},
    "lifting": {"mass_t": 45, "lifting_gear": "25 t 汽车吊", "load": "换热器管束"},
    "temporary_electricity": {"power_source": "2# 配电室 3AP", "power_kw": 15, "voltage": "380 V"},
    "excavation": {"scope": "人工开挖电缆沟", "depth_m": 1.0, "area_m2": 6},
    "road_breaking": {"departments": ["储运车间", "消防队"], "reason": "管线穿越"},
}
GRADES = {"hot_work": "2", "work_at_height": "II", "lifting": "2"}


def text_of(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def sample(work_type: str = "hot_work", **extra: Any) -> PermitPrint:
    grade = GRADES.get(work_type)
    blocks = [
        PrintBlock(
            "work_leader", "作业负责人意见", "Work leader", "刘强", AT, "措施已落实", None, True, "ab" * 32
        ),
        PrintBlock("unit", "所在单位意见", "Owning unit"),
        PrintBlock("acceptance", "完工验收", "Completion acceptance"),
    ]
    values: dict[str, Any] = {
        "number": "DH-20270302-001",
        "work_type": work_type,
        "grade": grade,
        "required_grade": grade,
        "state": "issued",
        "enterprise": "河北示范化工有限公司",
        "applicant_unit": "合成车间",
        "applied_at": AT,
        "work_unit": "合成车间",
        "content": "更换 E-201 检修平台护栏立柱，电焊",
        "location": "合成装置区 检修平台",
        "leader": "刘强",
        "planned_start": AT,
        "planned_end": AT.replace(hour=7),
        "people": [PrintPerson("马俊", "worker", "T130108198408161234"), PrintPerson("孙磊", "guardian")],
        "linked": ["受限空间作业 SX-20270302-001"],
        "risks": ["火灾", "灼烫"],
        "details": DETAILS[work_type],
        "gas_tests": [PrintGasTest(AT, "甲醇", "动火点 10 m 内", "甲醇 0.1 %", "陈志刚", True)],
        "measures": [
            PrintMeasure(i + 1, t, i != 2, "陈志刚") for i, t in enumerate(CHECKLISTS_V1[work_type].rows)
        ],
        "checklist_paraphrased": True,
        "briefing_by": "陈志刚",
        "briefing_at": AT,
        "blocks": blocks,
        "content_hash": "ab" * 32,
    }
    return PermitPrint(**(values | extra))


@pytest.mark.parametrize("work_type", list(WORK_TYPES))
def test_every_type_prints_its_title_fields_and_blocks(work_type: str) -> None:
    pdf = printing.permit_pdf(sample(work_type))
    assert pdf.startswith(b"%PDF-") and b"/STSong-Light" in pdf
    pages, text = text_of(pdf)
    flat = re.sub(r"\s+", "", text)
    title = printing.title_of(work_type)
    assert title.endswith("安全作业票") and title in text
    assert "DH-20270302-001" in text and "GB 30871-2022 附录A · DH-20270302-001" in text
    for label in (
        "作业申请单位",
        "作业实施时间",
        "关联的其他特殊作业及安全作业票编号",
        "风险辨识结果",
        "安全交底人",
    ):
        assert label in flat, label
    assert "作业负责人意见" in text and "完工验收" in text and "刘强" in text
    assert f"第 {pages} 页 / 共 {pages} 页" in text
    mark = printing.grade_mark(work_type, GRADES.get(work_type))
    if work_type in GRADES:
        assert mark and mark in text  # 附录B.1: graded permits carry a visible grade mark
    else:
        assert mark is None


def test_titles_and_grade_marks() -> None:
    assert printing.title_of("hot_work") == "动火安全作业票"
    assert printing.title_of("blinding") == "盲板抽堵安全作业票"
    assert printing.title_of("temporary_electricity") == "临时用电安全作业票"
    assert [printing.grade_mark("hot_work", g) for g in ("special", "1", "2")] == ["特级", "一级", "二级"]
    assert printing.grade_mark("work_at_height", "IV") == "Ⅳ级"
    assert printing.grade_mark("lifting", "3") == "三级"
    assert printing.grade_mark("excavation", None) is None


def test_type_fields_come_from_details_with_the_template_labels() -> None:
    rows = printing.detail_rows("blinding", {"zz_extra": 1, **DETAILS["blinding"]})
    assert rows[0][:2] == ("设备、管道名称", "Equipment or pipeline")
    assert rows[1][2] == "MB-07 堵盲板"
    assert rows[-1] == ("zz_extra", "zz_extra", "1")  # unknown keys are printed after, as given
    rows = printing.detail_rows("work_at_height", DETAILS["work_at_height"])
    assert rows[1][2].startswith("阵风风力五级")


def test_an_upgrade_a_void_and_a_draft_are_marked() -> None:
    _, text = text_of(printing.permit_pdf(sample(required_grade="1")))
    assert "应升级为一级" in text
    _, text = text_of(printing.permit_pdf(sample(state="voided")))
    assert "已作废 · 不得作业" in text and "TICKET_STATUS 4" in re.sub(r"\s+", " ", text)
    _, text = text_of(printing.permit_pdf(sample(state="draft")))
    assert "未签发 · 不得作业" in text


def test_long_content_runs_over_numbered_pages_and_the_same_data_gives_the_same_bytes() -> None:
    measures = [
        PrintMeasure(i, f"第 {i} 条安全措施 " + "检查确认" * 20, True, "陈志刚") for i in range(1, 60)
    ]
    d = sample(measures=measures)
    pdf = printing.permit_pdf(d)
    pages, text = text_of(pdf)
    assert pages >= 3 and f"第 {pages} 页 / 共 {pages} 页" in text and "第 59 条安全措施" in text
    assert printing.permit_pdf(d) == pdf


def test_a_drawn_signature_is_embedded_and_a_damaged_one_left_out() -> None:
    good = sample(
        blocks=[
            PrintBlock(
                "work_leader", "作业负责人意见", "Work leader", "刘强", AT, "同意", image=signature_png()
            )
        ]
    )
    assert b"/Subtype /Image" in printing.permit_pdf(good)
    for data in (b"not a png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40):
        bad = sample(
            blocks=[
                PrintBlock("work_leader", "作业负责人意见", "Work leader", "刘强", AT, "同意", image=data)
            ]
        )
        pdf = printing.permit_pdf(bad)
        assert b"/Subtype /Image" not in pdf and "刘强" in text_of(pdf)[1]


def test_text_is_escaped() -> None:
    _, text = text_of(printing.permit_pdf(sample(content="<b>炉内</b> & 管线 <br/>")))
    assert "<b>炉内</b> & 管线 <br/>" in text


# ------------------------------------------------------------------------------ through the API


async def _audit_count(app: Any) -> int:
    async with app.state.database.transaction(write=False) as s:
        return int(await s.scalar(select(func.count()).select_from(AuditEntry)) or 0)


async def _row(app: Any, pid: int) -> tuple[Any, ...]:
    async with app.state.database.transaction(write=False) as s:
        cols = list(Permit.__table__.columns)
        return tuple((await s.execute(select(*cols).where(Permit.id == pid))).one())


async def test_a_signed_hot_work_permit_prints_with_its_signatures(world: World, tmp_path: Path) -> None:
    people, callers = world.people, world.callers
    safety, leader = await callers("safety"), await callers("leader")
    p = await new_permit(safety, people, **emergency())
    pid, number = p["id"], p["number"]
    drawing = await upload(leader, signature_png(), "sign.png", "image/png")
    await to_accepted(safety, leader, pid, people, image_id=drawing)
    detail = (await safety.get(f"{PM}/{pid}")).json()
    before, audits = await _row(world.app, pid), await _audit_count(world.app)

    r = await safety.get(f"{PM}/{pid}/print.pdf")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf" and number in r.headers["content-disposition"]
    pdf = r.content
    (tmp_path / "permit.pdf").write_bytes(pdf)
    _, text = text_of(pdf)
    flat = re.sub(r"\s+", "", text)
    assert (
        "动火安全作业票" in text and f"编号：{number}" in text and f"GB 30871-2022 附录A · {number}" in text
    )
    assert "■二级" in flat and "二级" in text  # the grade mark and the ticked grade
    for measure in (CHECKLISTS_V1["hot_work"].rows[0], "配备灭火器两具"):
        assert re.sub(r"\s+", "", measure)[:30] in flat
    assert (
        "刘强" in text and "马俊" in text and "孙磊" in text and "陈志刚" in text
    )  # signer, worker, guardian, briefer
    for step in (
        "作业负责人意见",
        "所在单位意见",
        "动火审批人意见",
        "动火前，岗位当班班长验票情况",
        "完工验收",
    ):
        assert step in flat, step
    assert flat.index("作业负责人意见") < flat.index("动火审批人意见") < flat.index("完工验收")  # 表B.1 order
    for sig in detail["signatures"]:
        assert sig["content_hash"] in flat
    assert "措施已落实" in text and "现场无余火" in text and "甲醇" in text
    assert b"/Subtype /Image" in pdf  # the drawn signature
    # Printing changed nothing and audited nothing.
    assert await _row(world.app, pid) == before and await _audit_count(world.app) == audits


async def test_a_draft_prints_blank_blocks_and_an_unusable_drawing_is_skipped(world: World) -> None:
    people, callers = world.people, world.callers
    safety, leader = await callers("safety"), await callers("leader")
    p = await new_permit(safety, people, **emergency())
    pid = p["id"]
    r = await safety.get(f"{PM}/{pid}/print.pdf")
    assert r.status_code == 200
    _, text = text_of(r.content)
    assert "未签发" in text and "完工验收" in text and "签字：" in text
    # A signature whose "drawing" is a text file prints without an image.
    note = await upload(leader, b"hello", "sign.txt", "text/plain")
    await to_accepted(safety, leader, pid, people, image_id=note)
    r = await safety.get(f"{PM}/{pid}/print.pdf")
    assert r.status_code == 200 and b"/Subtype /Image" not in r.content
    # The loader without the file store (or with one missing the files) prints too.
    async with world.app.state.database.transaction(write=False) as s:
        for files in (None, LocalFileStore("/nonexistent-anguan-files")):
            data = await print_data.load_print_data(s, pid, files)
            assert all(b.image is None for b in data.blocks) and data.blocks[-1].signer == "刘强"


async def test_print_needs_permits_read_and_the_data_scope(world: World) -> None:
    people, callers = world.people, world.callers
    safety = await callers("safety")
    pid = (await new_permit(safety, people))["id"]
    tank = (await new_permit(safety, people, area="DK-01", location="1# 防火堤 T-101"))["id"]
    auditor, inspector = await callers("auditor"), await callers("inspector")
    r = await auditor.get(f"{PM}/{pid}/print.pdf")
    assert r.status_code == 403 and r.json()["code"] == "common.forbidden"
    r = await inspector.get(f"{PM}/{pid}/print.pdf")  # 合成装置 is outside the 储运 department
    assert r.status_code == 403 and r.json()["code"] == "identity.out_of_scope"
    assert (await inspector.get(f"{PM}/{tank}/print.pdf")).status_code == 200
    assert (await safety.get(f"{PM}/987654/print.pdf")).status_code == 404
    assert (await (await callers(None)).get(f"{PM}/{pid}/print.pdf")).status_code == 401
    r = await act(safety, pid, "cancel", reason="取消")
    assert r.status_code == 200
    assert "已撤销" in text_of((await safety.get(f"{PM}/{pid}/print.pdf")).content)[1]
