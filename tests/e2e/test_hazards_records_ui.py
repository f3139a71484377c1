"""Evaluation reports (评价评估报告) and supervision findings (督导检查问题, 三录入) in a real Chromium at
1366 and phone width, as the safety manager: the reports list with the 1# tank farm's HAZOP past its
three-year cycle and the site's safety evaluation falling due → a report recorded through the dialog
(renewal date derived from the cycle, an attachment downloaded through the report's file route) → the
findings list with the hydrogenation unit's overdue one → a finding run through its problem entry,
rectification feedback and rectification entry, the review refused to whoever entered the
rectification, and the drawer's three sections → the unit page's tab and the reminder centre's links.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import PHONE, running_server, shot
from tests.e2e.test_hazards_ui import (
    _photo,
    _unit_id,
    api,
    is_phone,
    login,
    no_horizontal_overflow,
    open_menu_item,
)

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 900}
RESPONSIBLE = "田刚"
OWN_REVIEW = "复核人不能是整改录入人"


@pytest.fixture(scope="module")
def server(
    sqlite_template: Path, files_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A server of its own: the tests record reports and findings."""
    with running_server(sqlite_template, files_root, tmp_path_factory.mktemp("e2e-records")) as base:
        yield base


@pytest.fixture(params=["desktop", "phone"])
def viewport(request: pytest.FixtureRequest) -> tuple[str, dict[str, int]]:
    """A common laptop width (1366) and the phone."""
    return request.param, LAPTOP if request.param == "desktop" else PHONE


def report_row(page, kind: str):
    """A report of the list by its kind: a card on phones, a table row on desktop."""
    if is_phone(page):
        return page.locator(f".report-card[data-kind='{kind}']")
    return page.locator(f".report-table .el-table__body tr.kind-{kind}")


def finding_rows(page):
    return page.locator(
        ".finding-card" if is_phone(page) else ".finding-table .el-table__body tr.el-table__row"
    )


def pick(page, select, text: str, search: bool = False) -> None:
    """Choose an option of an Element Plus select (typing first for a filterable or remote one)."""
    select.click()
    if search:
        select.locator("input").fill(text)
    page.locator(".el-select-dropdown__item", has_text=text).locator("visible=true").first.click()


def set_date(field, value: date) -> None:
    """Type a date into an Element Plus date picker."""
    box = field.locator("input")
    box.click()
    box.fill(value.isoformat())
    box.press("Enter")


def test_reports_list(page, server):
    with api(server) as client:
        hazop = next(r for r in client.get("/api/v1/hazards/reports").json() if r["kind"] == "hazop")
    login(page)
    open_menu_item(page, "评价评估报告")
    page.wait_for_url(re.compile(r"/hazards/reports$"))
    row = report_row(page, "hazop")
    row.first.wait_for()
    due = row.first.locator(".report-due")
    assert due.get_attribute("data-due") == "expired"
    assert re.fullmatch(r"已过期 \d+ 天", due.inner_text().strip())
    assert "HZ-DK01" in row.first.inner_text()
    site = report_row(page, "safety_evaluation").first
    assert site.locator(".report-due").get_attribute("data-due") == "due"
    assert "全厂" in site.inner_text()
    assert report_row(page, "hazard_assessment").count() == 1 and report_row(page, "sil").count() == 1
    no_horizontal_overflow(page)
    shot(page, "hazards-records-01-reports")

    # ?id=N opens the report (the reminder centre links there)
    page.goto(f"/hazards/reports?id={hazop['id']}")
    drawer = page.locator(".report-drawer")
    drawer.locator(".fields").wait_for()
    assert hazop["title"] in drawer.inner_text()
    drawer.get_by_text("法定周期 3 年").wait_for()  # the kind's cycle and its basis
    assert drawer.locator(".btn-raise").is_visible()
    shot(page, "hazards-records-02-report-drawer")
    drawer.locator(".el-drawer__close-btn").click()
    page.wait_for_url(re.compile(r"/hazards/reports$"))


def test_create_report(page, server, tmp_path):
    title = f"2# 罐区 HAZOP 分析报告（{page.viewport_name}）"
    issued = date.today() - timedelta(days=30)
    login(page)
    page.goto("/hazards/reports")
    page.locator(".btn-create-report").click()
    dialog = page.locator(".report-form-dialog")
    dialog.locator(".field-kind").wait_for()
    pick(page, dialog.locator(".field-kind .el-select"), "HAZOP分析报告")
    dialog.locator(".field-place").get_by_text("重大危险源").click()
    pick(page, dialog.locator(".field-unit .el-select"), "HZ-DK02", search=True)
    dialog.locator(".field-title input").fill(title)
    dialog.locator(".field-no input").fill("HZ-2026-E2E")
    dialog.locator(".field-agency input").fill("华安过程安全咨询有限公司")
    set_date(dialog.locator(".field-issued"), issued)
    # left empty, the renewal date follows the kind's three-year cycle
    hint = dialog.locator(".valid-hint")
    hint.wait_for()
    derived = issued.replace(year=issued.year + 3).isoformat()
    assert "3 年" in hint.inner_text() and derived in hint.inner_text()
    dialog.locator(".field-conclusion textarea").fill("节点偏差分析完成，提出 6 条建议措施。")
    dialog.locator(".field-files input[type=file]").set_input_files(str(_photo(tmp_path / "hazop.png")))
    dialog.locator(".field-files .chip[data-file]").wait_for()
    shot(page, "hazards-records-03-report-form")
    dialog.locator(".report-save").click()
    dialog.wait_for(state="hidden")

    row = report_row(page, "hazop").filter(has_text=title)
    row.first.wait_for()
    assert row.first.locator(".report-due").get_attribute("data-due") == "valid"
    row.first.click()
    drawer = page.locator(".report-drawer")
    drawer.get_by_text(derived).wait_for()
    link = drawer.locator(".record-files a").first
    href = link.get_attribute("href")
    assert href and re.search(r"/hazards/reports/\d+/files/\d+$", href)
    resp = page.request.get(href)
    assert resp.ok and resp.body().startswith(b"\x89PNG")
    with api(server) as client:
        saved = next(r for r in client.get("/api/v1/hazards/reports").json() if r["title"] == title)
        assert saved["valid_until"] == derived and saved["current"] is True and len(saved["files"]) == 1

    # correct it, then delete it (with a confirmation)
    drawer.locator(".btn-edit-report").click()
    dialog.locator(".field-agency input").fill("河北安评技术服务有限公司")
    dialog.locator(".report-save").click()
    dialog.wait_for(state="hidden")
    drawer.get_by_text("河北安评技术服务有限公司").wait_for()
    drawer.locator(".btn-delete-report").click()
    page.locator(".el-message-box").get_by_role("button", name="删除").click()
    drawer.wait_for(state="hidden")
    row.first.wait_for(state="detached")
    with api(server) as client:
        assert all(r["title"] != title for r in client.get("/api/v1/hazards/reports").json())


def test_raise_finding_from_report(page, server):
    problem = f"HAZOP 建议：T-101 高液位联锁增设独立液位开关（{page.viewport_name}）"
    with api(server) as client:
        hazop = next(r for r in client.get("/api/v1/hazards/reports").json() if r["kind"] == "hazop")
    login(page)
    page.goto(f"/hazards/reports?id={hazop['id']}")
    page.locator(".report-drawer .btn-raise").click()
    form = page.locator(".finding-form-dialog")
    form.locator(".field-report").wait_for()
    assert "HZ-DK01" in form.locator(".field-unit").inner_text()
    assert form.locator(".field-unit input").is_disabled()
    assert "评价报告提出" in form.locator(".field-source").inner_text()
    assert hazop["title"] in form.locator(".field-report").inner_text()
    form.locator(".field-inspector input").fill(hazop["agency"])
    form.locator(".field-description textarea").fill(problem)
    set_date(form.locator(".field-deadline"), date.today() + timedelta(days=60))
    form.locator(".finding-save").click()
    page.wait_for_url(re.compile(r"/hazards/findings\?id=\d+"))
    drawer = page.locator(".finding-drawer")
    drawer.locator(".entry-problem").get_by_text(problem).wait_for()
    assert f"查看报告 #{hazop['id']}" in drawer.locator(".entry-problem").inner_text()
    with api(server) as client:
        assert client.get(f"/api/v1/hazards/reports/{hazop['id']}").json()["open_findings"] >= 1


def test_findings_list(page, server):
    login(page)
    open_menu_item(page, "督导检查问题")
    page.wait_for_url(re.compile(r"/hazards/findings$"))
    rows = finding_rows(page)
    rows.first.wait_for()
    overdue = rows.filter(has=page.locator(".overdue-tag"))
    assert overdue.count() >= 1
    assert "R-201 紧急切断阀" in overdue.first.inner_text()
    assert overdue.first.locator(".overdue-tag").inner_text().strip() == "逾期"
    assert rows.filter(has_text="已销号").count() >= 1
    no_horizontal_overflow(page)
    shot(page, "hazards-records-04-findings")
    export = page.locator(".btn-export-findings").get_attribute("href")
    assert export and "/hazards/findings/export.xlsx" in export
    resp = page.request.get(export)
    assert resp.ok and "spreadsheetml" in resp.headers["content-type"]

    # overdue only
    total = rows.count()
    page.locator(".overdue-only").click()
    page.wait_for_function(
        "(n) => document.querySelectorAll('.finding-card, .finding-table .el-table__body tr.el-table__row').length < n",
        arg=total,
    )
    assert rows.count() == rows.filter(has=page.locator(".overdue-tag")).count() >= 1


def test_finding_three_entries(page, server, tmp_path):
    problem = f"罐区泡沫站 1# 泡沫泵出口压力表超期未检（{page.viewport_name}）"
    login(page)
    page.goto("/hazards/findings")
    finding_rows(page).first.wait_for()

    # 1 问题录入
    page.locator(".btn-create-finding").click()
    form = page.locator(".finding-form-dialog")
    form.locator(".field-unit").wait_for()
    pick(page, form.locator(".field-unit .el-select"), "HZ-DK01", search=True)
    pick(page, form.locator(".field-source .el-select"), "企业自查")
    form.locator(".field-inspector input").fill("安全环保部 周检组")
    form.locator(".field-description textarea").fill(problem)
    form.locator(".field-basis input").fill("GB 50151-2021 9.0.3")
    set_date(form.locator(".field-deadline"), date.today() + timedelta(days=10))
    pick(page, form.locator(".field-responsible .el-select"), RESPONSIBLE, search=True)
    form.locator(".field-files input[type=file]").set_input_files(str(_photo(tmp_path / "gauge.png")))
    form.locator(".field-files .chip[data-file]").wait_for()
    no_horizontal_overflow(page)
    shot(page, "hazards-records-05-finding-form")
    form.locator(".finding-save").click()
    form.wait_for(state="hidden")
    page.wait_for_url(re.compile(r"/hazards/findings\?id=\d+"))
    drawer = page.locator(".finding-drawer")
    drawer.locator(".entry-problem").get_by_text(problem).wait_for()
    assert RESPONSIBLE in drawer.locator(".entry-problem").inner_text()
    assert drawer.locator(".entry-problem .record-files .photo img").count() == 1
    assert drawer.locator(".finding-status").inner_text().strip() == "待整改"

    # 整改反馈
    drawer.locator(".btn-feedback").click()
    step = page.locator(".finding-step-dialog")
    step.locator(".field-note textarea").fill("已联系计量站，压力表送检中。")
    step.locator(".field-files input[type=file]").set_input_files(str(_photo(tmp_path / "sent.png")))
    step.locator(".field-files .chip[data-file]").wait_for()
    step.locator(".step-submit").click()
    step.wait_for(state="hidden")
    drawer.locator(".event[data-kind='feedback']").get_by_text("压力表送检中").wait_for()

    # 2 整改录入
    drawer.locator(".btn-rectify").click()
    step.locator(".field-measures textarea").wait_for()
    step.locator(".step-submit").click()  # measures missing: refused in the form
    step.locator(".field-measures .el-form-item__error").wait_for()
    step.locator(".field-measures textarea").fill("更换检定合格的压力表，建立泡沫站仪表检定台账。")
    step.locator(".field-cost input").fill("0.12")
    step.locator(".step-submit").click()
    step.wait_for(state="hidden")
    rectification = drawer.locator(".entry-rectification")
    rectification.get_by_text("更换检定合格的压力表").wait_for()
    assert "0.12 万元" in rectification.inner_text()
    assert drawer.locator(".finding-status").inner_text().strip() == "待复核"

    # 3 复核录入: refused to whoever entered the rectification, with the server's reason
    assert drawer.locator(".own-hint").is_visible()
    drawer.locator(".btn-review").click()
    step.locator(".field-result").wait_for()
    step.locator(".result").get_by_text("不通过").click()
    step.locator(".step-submit").click()  # a fail needs the reason
    step.locator(".field-note .el-form-item__error").wait_for()
    step.locator(".result").get_by_text("通过（销号）").click()
    step.locator(".step-submit").click()
    error = step.locator(".step-error")
    error.wait_for()
    assert OWN_REVIEW in error.inner_text()
    shot(page, "hazards-records-06-review-refused")
    step.get_by_role("button", name="取消").click()
    step.wait_for(state="hidden")

    # the three entries, the round and the history
    for section, heading in (("problem", "问题录入"), ("rectification", "整改录入"), ("review", "复核录入")):
        assert heading in drawer.locator(f".entry-{section} h4").inner_text()
    assert "尚未复核" in drawer.locator(".entry-review").inner_text()
    assert "第 1 轮" in drawer.locator(".round-tag").inner_text()
    kinds = drawer.locator(".event").evaluate_all("els => els.map(e => e.dataset.kind)")
    assert kinds == ["entered", "feedback", "rectified"]
    assert drawer.locator(".event[data-kind='feedback'] .record-files .photo").count() == 1
    no_horizontal_overflow(page)
    shot(page, "hazards-records-07-finding-drawer")
    with api(server) as client:
        fid = int(re.search(r"id=(\d+)", page.url).group(1))  # type: ignore[union-attr]
        detail = client.get(f"/api/v1/hazards/findings/{fid}").json()
        assert detail["status"] == "rectified" and detail["cost"] == pytest.approx(0.12)
        assert detail["responsible_name"] == RESPONSIBLE and len(detail["problem_files"]) == 1


def test_unit_tab(page, server):
    with api(server) as client:
        dk01 = _unit_id(client, "HZ-DK01")
    login(page)
    page.goto(f"/hazards/units/{dk01}")
    page.locator(".unit-tabs .el-tabs__item", has_text="评价与检查").click()
    page.wait_for_url(re.compile(r"tab=records"))
    records = page.locator(".unit-records")
    report_row(page, "hazop").first.wait_for()
    finding_rows(page).first.wait_for()
    assert "T-102" in records.locator(".unit-findings").inner_text()
    assert "R-201" not in records.locator(".unit-findings").inner_text()  # another unit's finding
    assert report_row(page, "safety_evaluation").count() == 0  # site-wide, not this unit's
    no_horizontal_overflow(page)
    shot(page, "hazards-records-08-unit-tab")


def test_reminder_links(page, server):
    login(page)
    page.goto("/basics/reminders")
    link = page.locator("a[href*='/hazards/reports?id=']").first
    link.wait_for()
    link.click()
    page.wait_for_url(re.compile(r"/hazards/reports\?id=\d+"))
    page.locator(".report-drawer .fields").wait_for()

    page.goto("/basics/reminders")
    link = page.locator("a[href*='/hazards/findings?id=']").first
    link.wait_for()
    link.click()
    page.wait_for_url(re.compile(r"/hazards/findings\?id=\d+"))
    page.locator(".finding-drawer .entry-problem").wait_for()
