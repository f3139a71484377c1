"""Safety master data (安全基础信息) in a real Chromium, at desktop and phone width, as the safety
manager (安全主管, every basics permission): reminder centre → registers (certificates, people with the
detail drawer and the generated form, server field problems) → Excel import check with the row-level
report → work eligibility (the expired demo welder is refused hot work with AQ 3064.2 code 5/51) →
interlock bypasses (request) → completeness and self-diagnosis. Screenshots of every page.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from anguan.basics.seed import EXPIRED_WELDER_ID_NUMBER, EXPIRED_WELDER_NAME
from anguan.simulator.seed import DEMO_PASSWORD
from tests.e2e.conftest import running_server, shot

pytestmark = pytest.mark.browser
USER = "safety"


@pytest.fixture(scope="module")
def server(
    sqlite_template: Path, files_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A server of its own: the tests below request bypasses and so change the data."""
    with running_server(sqlite_template, files_root, tmp_path_factory.mktemp("e2e-basics")) as base:
        yield base


@contextlib.contextmanager
def api(server: str, username: str = USER) -> Iterator[httpx.Client]:
    """A signed-in API client (session cookie and CSRF header)."""
    with httpx.Client(base_url=server, timeout=30) as client:
        client.post(
            "/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD}
        ).raise_for_status()
        client.headers["X-CSRF-Token"] = client.cookies.get("anguan_csrf") or ""
        yield client


def login(page, username: str = USER) -> None:
    page.goto("/login")
    page.locator("input[autocomplete=username]").fill(username)
    page.locator("input[autocomplete=current-password]").fill(DEMO_PASSWORD)
    page.locator(".login-submit").click()
    page.wait_for_url(re.compile(r"/$"))


def is_phone(page) -> bool:
    return bool(page.viewport_name == "phone")


def open_menu_item(page, label: str) -> None:
    """Click a side-menu entry; at phone width the menu lives in a drawer behind the ☰ button."""
    if is_phone(page):
        page.locator(".menu-toggle").click()
    item = page.locator(".el-menu-item").filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")).last
    item.wait_for(state="visible")
    item.click()


def no_horizontal_overflow(page) -> None:
    """At phone width nothing may push the page wider than the screen."""
    if is_phone(page):
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width}px wide at 390px"


def rows(page):
    """The rows of a register list: table rows on desktop, cards on phones."""
    return page.locator(".register-card" if is_phone(page) else ".register-table .el-table__body tr")


def pick_option(page, select, text: str, search: str | None = None) -> None:
    """Open an Element Plus select (typing `search` for a remote one) and click the option."""
    select.click()
    if search is not None:
        select.locator("input").fill(search)
    page.locator(".el-select-dropdown__item", has_text=text).locator("visible=true").first.click()


def test_reminder_centre(page, server):
    login(page)
    open_menu_item(page, "提醒中心")
    page.wait_for_url(re.compile(r"/basics/reminders"))
    expired = page.locator(".summary-expired .value")
    page.wait_for_function("() => Number(document.querySelector('.summary-expired .value')?.textContent) > 0")
    assert int(expired.inner_text()) > 0
    assert int(page.locator(".summary-d90 .value").inner_text()) > 0
    items = page.locator(".reminder-card" if is_phone(page) else ".reminder-table .el-table__body tr")
    items.first.wait_for()
    text = page.locator(".reminder-cards" if is_phone(page) else ".reminder-table").inner_text()
    assert "已过期" in text and "天后到期" in text, text
    no_horizontal_overflow(page)
    shot(page, "basics-01-reminders")

    # the expired card filters to expired items only; a reminder links to its row's drawer
    expired_count = int(expired.inner_text())
    page.locator(".summary-expired").click()
    page.wait_for_function(
        "(n) => { const b = [...document.querySelectorAll('.due-badge')];"
        " return b.length === n && b.every(x => x.dataset.level === 'expired') }",
        arg=expired_count,
    )
    # (the expired list also holds the major-hazard module's items, linked to /hazards/...)
    basics_link = "[href^='/basics/']"
    link = page.locator(
        f".reminder-card{basics_link}" if is_phone(page) else f".reminder-table a.link{basics_link}"
    )
    link.first.click()
    page.wait_for_url(re.compile(r"/basics/[a-z-]+\?.*id=\d+"))
    drawer = page.locator(".record-drawer")
    drawer.locator(".due-states .due-expired").first.wait_for()


def test_registers_drawer_and_form(page, server):
    login(page)
    # Certificates: due badges in the list, the holder by name
    page.goto("/basics/certificates")
    rows(page).first.wait_for()
    page.locator(".due-badge").first.wait_for()
    assert EXPIRED_WELDER_NAME in page.locator(".register-page").inner_text()
    no_horizontal_overflow(page)
    shot(page, "basics-02-certificates")

    # People: search, open the drawer with the person's certificates and trainings
    open_menu_item(page, "人员")
    page.wait_for_url(re.compile(r"/basics/people"))
    search = page.locator(".register-filters .q input")
    search.fill(EXPIRED_WELDER_NAME)
    search.press("Enter")
    page.wait_for_function(
        "(n) => { const r = document.querySelectorAll('.register-card, .register-table .el-table__body tr');"
        " return r.length === 1 && r[0].textContent.includes(n) }",
        arg=EXPIRED_WELDER_NAME,
    )
    rows(page).first.click()
    page.wait_for_url(re.compile(r"/basics/people\?.*id=\d+"))
    drawer = page.locator(".record-drawer")
    drawer.locator(".related-certificates .rel-row").first.wait_for()
    drawer.locator(".related-trainings").wait_for()
    assert "特种作业操作证-焊接与热切割作业" in drawer.inner_text()
    drawer.locator(".related-certificates .due-badge[data-level=expired]").first.wait_for()
    no_horizontal_overflow(page)
    shot(page, "basics-03-person-drawer")

    # The edit form generated from the metadata: required marks, enum and reference inputs
    drawer.locator(".drawer-edit").click()
    form = page.locator(".record-form-dialog")
    form.locator(".field-name input").wait_for()
    assert form.locator(".field-name input").input_value() == EXPIRED_WELDER_NAME
    assert form.locator(".is-required").count() >= 2
    shot(page, "basics-04-person-form")
    form.get_by_role("button", name="取消").click()
    form.wait_for(state="hidden")

    # A new chemical with a wrong CAS check digit: the server's problem shows under the field
    # (one chemical per viewport: both runs share the server)
    name, cas = ("测试品-乙醇", "64-17-5") if not is_phone(page) else ("测试品-异丙醇", "67-63-0")
    page.goto("/basics/chemicals")
    rows(page).first.wait_for()
    page.locator(".btn-create").click()
    form.locator(".field-name input").fill(name)
    form.locator(".field-cas input").fill(cas[:-1] + str((int(cas[-1]) + 1) % 10))
    form.locator(".form-save").click()
    problem = form.locator(".field-cas .el-form-item__error")
    problem.wait_for()
    assert "CAS" in problem.inner_text()
    shot(page, "basics-05-form-problem")
    form.locator(".field-cas input").fill(cas)
    form.locator(".form-save").click()
    form.wait_for(state="hidden")
    page.locator(".record-drawer .title", has_text=name).wait_for()


def _broken_sheet(server: str) -> bytes:
    """The chemicals template with one good row, one with a bad CAS number and one without a name."""
    from openpyxl import load_workbook

    with api(server) as client:
        data = client.get("/api/v1/basics/r/chemicals/template.xlsx").content
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    header = [str(c.value or "") for c in sheet[1]]
    name = next(i for i, h in enumerate(header) if h.startswith("品名"))
    cas = next(i for i, h in enumerate(header) if h.startswith("CAS"))
    for row_name, row_cas in (("测试品-甲", "50-00-0"), ("测试品-乙", "64-17-6"), (None, "108-95-2")):
        cells: list[object] = [None] * len(header)
        cells[name], cells[cas] = row_name, row_cas
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_import_check(page, server, tmp_path):
    sheet = tmp_path / "chemicals-broken.xlsx"
    sheet.write_bytes(_broken_sheet(server))
    login(page)
    page.goto("/basics/chemicals")
    rows(page).first.wait_for()
    page.locator(".btn-import").click()
    dialog = page.locator(".register-import-dialog")
    dialog.locator("input[type=file]").set_input_files(str(sheet))
    dialog.get_by_text("chemicals-broken.xlsx").wait_for()
    assert dialog.locator(".mode-validate input").is_checked()
    dialog.locator(".import-run").click()
    dialog.locator(".import-result").wait_for()
    assert "共 3 行，正确 1 行" in dialog.locator(".import-result").inner_text()
    assert "未写入任何数据" in dialog.inner_text()
    # spreadsheet rows (the header is row 1): row 3 has the bad CAS number, row 4 no name
    errors = dialog.locator(".import-error")
    assert errors.count() == 2, dialog.locator(".import-errors").inner_text()
    assert "CAS" in dialog.locator(".import-error.row-3.field-cas").inner_text()
    assert "品名" in dialog.locator(".import-error.row-4.field-name").inner_text()
    shot(page, "basics-06-import")


def test_eligibility(page, server):
    login(page)
    open_menu_item(page, "作业资格查询")
    page.wait_for_url(re.compile(r"/basics/eligibility"))
    pick_option(page, page.locator(".eligibility-form .person"), EXPIRED_WELDER_NAME, EXPIRED_WELDER_NAME[:2])
    page.locator(".check-btn").click()
    result = page.locator(".eligibility-result")
    result.wait_for()
    assert result.get_attribute("data-ok") == "false"
    assert result.get_attribute("data-code") == "5/51"
    assert "资质证书已过期" in result.inner_text()
    assert "5/51" in result.inner_text()
    no_horizontal_overflow(page)
    shot(page, "basics-07-eligibility")

    # by ID number, the same answer
    page.locator(".eligibility-form .by").get_by_text("按身份证号").click()
    page.locator(".eligibility-form .id-number input").fill(EXPIRED_WELDER_ID_NUMBER)
    page.locator(".check-btn").click()
    page.wait_for_function("() => document.querySelector('.eligibility-result')?.dataset.code === '5/51'")


def test_bypasses(page, server):
    login(page)
    open_menu_item(page, "联锁旁路")
    page.wait_for_url(re.compile(r"/basics/bypasses"))
    items = page.locator(".bypass-card" if is_phone(page) else ".bypass-table .el-table__body tr")
    items.first.wait_for()
    # the demo's bypass of IS-203 outlived its approval: overdue badge, and its detail with history
    overdue = items.filter(has_text="IS-203")
    overdue.locator(".overdue-badge").wait_for()
    no_horizontal_overflow(page)
    shot(page, "basics-08-bypasses")
    overdue.locator(".interlock" if is_phone(page) else "td").first.click()
    drawer = page.locator(".bypass-drawer")
    drawer.locator(".fields").wait_for()
    assert "GT-202" in drawer.inner_text() and "超期" in drawer.inner_text()
    shot(page, "basics-09-bypass-drawer")
    drawer.locator(".el-drawer__close-btn").click()
    drawer.wait_for(state="hidden")

    # one interlock per viewport: an interlock takes one open request at a time
    tag = "IS-204" if is_phone(page) else "IS-101"
    page.locator(".btn-request").click()
    dialog = page.locator(".bypass-request-dialog")
    pick_option(page, dialog.locator(".ref-select"), tag, tag)
    reason = f"仪表检修（{'phone' if is_phone(page) else 'desktop'}）"
    dialog.locator(".bypass-reason textarea").fill(reason)
    dialog.locator(".bypass-measures textarea").fill("专人现场监护，DCS 设置替代报警")
    shot(page, "basics-10-bypass-request")
    dialog.locator(".bypass-submit").click()
    dialog.wait_for(state="hidden")
    page.get_by_text(reason).first.wait_for()
    no_horizontal_overflow(page)


def test_compliance(page, server):
    login(page)
    open_menu_item(page, "完整性与合规自诊断")
    page.wait_for_url(re.compile(r"/basics/compliance"))
    licences = page.locator(".completeness-licences")
    licences.wait_for()
    licences.locator(".el-collapse-item__header").click()
    licences.locator(".types .type").first.wait_for()
    no_horizontal_overflow(page)
    shot(page, "basics-11-completeness")

    page.get_by_role("tab", name="合规自诊断").click()
    page.locator(".staffing-table .el-table__body tr").first.wait_for()
    shot(page, "basics-12-diagnosis")

    page.get_by_role("tab", name="设置").click()
    page.locator(".settings-panel .settings-save").wait_for()
    shot(page, "basics-13-settings")
