"""Major hazard sources (重大危险源) in a real Chromium, at desktop and phone width, as the safety manager
(安全主管, every hazards permission): the list with the GB 18218 grades → a unit's tabs with the
calculation sheet an engineer can check by hand (S, α, R, the 表1/表5/表6 bases) → the risk colour map
with the provisional model's label, recoloured live when a unit's alarms are taken out of service →
warnings, closing a cleared one with its disposal, cause and measures → naming a 包保 head, the head's
own tasks on the phone completed with a photo and position → the 包保 performance report and task
lists. Screenshots of every page.
"""

from __future__ import annotations

import contextlib
import re
import struct
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from anguan.simulator.seed import DEMO_PASSWORD
from tests.e2e.conftest import running_server, shot

pytestmark = pytest.mark.browser
USER = "safety"
USER_PERSON = "陈志刚"  # the safety manager's person record (basics seed: login "safety")
E2E_UNIT = "HZ-E2E"
PROVISIONAL = "临时模型——非国家预警模型"


@pytest.fixture(scope="module")
def server(
    sqlite_template: Path, files_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A server of its own: the tests below take alarms out of service, close a warning and name a head."""
    with running_server(sqlite_template, files_root, tmp_path_factory.mktemp("e2e-hazards")) as base:
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


def unit_row(page, code: str):
    """A unit of the list: a card on phones, a table row on desktop."""
    if is_phone(page):
        return page.locator(f".unit-card[data-code='{code}']")
    return page.locator(".unit-table .el-table__body tr").filter(has_text=code)


def open_tab(page, label: str) -> None:
    page.locator(".unit-tabs .el-tabs__item", has_text=label).click()


def _unit_id(client: httpx.Client, code: str) -> int:
    return next(u["id"] for u in client.get("/api/v1/hazards/units").json() if u["code"] == code)


def _risk(client: httpx.Client, code: str) -> dict:
    return next(r for r in client.get("/api/v1/hazards/risk").json() if r["code"] == code)


def _wait(what: str, check, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}")


def _quiet_dk02(server: str) -> None:
    """Take every alarm of HZ-DK02's points out of service until its colour falls back to the inherent
    blue of a 四级 source (stale-data alarms keep appearing for a while after the server starts)."""
    with api(server) as client:
        unit = _unit_id(client, "HZ-DK02")
        points = client.get("/api/v1/monitoring/points", params={"page_size": 200}).json()["items"]
        bound = {p["id"] for p in points if p["hazard_source_id"] == unit}
        assert bound, "HZ-DK02 has no bound monitoring points"

        def quiet() -> bool:
            alarms = client.get("/api/v1/monitoring/alarms", params={"state": "all", "page_size": 200})
            for a in alarms.json()["items"]:
                if a["point_id"] in bound and not a["oos"]:
                    client.post(
                        f"/api/v1/monitoring/alarms/{a['id']}/oos", json={"reason": "e2e：测点维护隔离"}
                    ).raise_for_status()
            return bool(_risk(client, "HZ-DK02")["colour"] == "blue")

        _wait("HZ-DK02 back to blue", quiet, timeout=90)


def _photo(path: Path) -> Path:
    """A small PNG (an evidence photo)."""
    w, h = 48, 32
    raw = b"".join(b"\x00" + bytes([200, 80, 40]) * w for _ in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )
    return path


@pytest.fixture(scope="module")
def e2e_unit(server: str) -> int:
    """A major storage unit without heads (methanol 1000 t: S = 2), for naming the safety manager its
    operational head in the UI (existing units' tasks of this period already belong to their heads)."""
    with api(server) as client:
        area = next(a for a in client.get("/api/v1/plant/areas").json() if a["code"] == "WH-01")
        unit = client.post(
            "/api/v1/hazards/units",
            json={
                "code": E2E_UNIT,
                "name": "E2E 甲醇中间罐区",
                "kind": "storage",
                "site_id": area["site_id"],
                "area_id": area["id"],
                "people_outside": 40,
                "people_basis": "e2e",
            },
        )
        unit.raise_for_status()
        chem = client.get("/api/v1/basics/r/chemicals", params={"q": "甲醇"}).json()["items"][0]
        client.post(
            f"/api/v1/hazards/units/{unit.json()['id']}/substances",
            json={"name": "甲醇", "chemical_id": chem["id"], "q_t": 1000},
        ).raise_for_status()
        assert client.get(f"/api/v1/hazards/units/{unit.json()['id']}").json()["major"] is True
        return int(unit.json()["id"])


def test_units_list(page, server):
    login(page)
    open_menu_item(page, "重大危险源清单")
    page.wait_for_url(re.compile(r"/hazards$"))
    unit_row(page, "HZ-DK01").wait_for()
    assert unit_row(page, "HZ-DK01").locator(".grade-tag").inner_text() == "三级"
    assert unit_row(page, "HZ-DK01").locator(".grade-tag").get_attribute("data-grade") == "3"
    assert unit_row(page, "HZ-DK02").locator(".grade-tag").inner_text() == "四级"
    assert unit_row(page, "HZ-PU01").locator(".grade-tag").inner_text() == "不构成"
    assert unit_row(page, "HZ-PU01").locator(".grade-tag").get_attribute("data-grade") == "none"
    # every unit carries its risk colour now
    page.wait_for_function(
        "() => [...document.querySelectorAll('.units-page .colour-dot')].filter(d => d.dataset.colour).length >= 3"
    )
    no_horizontal_overflow(page)
    shot(page, "hazards-01-units")

    # major only
    page.locator(".major-filter").get_by_text("仅重大危险源").click()
    unit_row(page, "HZ-PU01").wait_for(state="detached")
    assert unit_row(page, "HZ-DK02").count() == 1


def test_unit_detail_and_sheet(page, server):
    login(page)
    page.goto("/hazards")
    unit_row(page, "HZ-DK01").first.click()
    page.wait_for_url(re.compile(r"/hazards/units/\d+$"))
    overview = page.locator(".overview")
    overview.get_by_text("120 人").wait_for()
    assert "园区管委会 2026 年人口核查" in overview.inner_text()
    assert "1# 防火堤" in overview.inner_text()
    no_horizontal_overflow(page)
    shot(page, "hazards-02-unit-overview")

    # 辨识分级: the sheet as an engineer checks it by hand
    open_tab(page, "辨识分级")
    page.wait_for_url(re.compile(r"tab=assessment"))
    sheet = page.locator(".calc-sheet")
    sheet.wait_for()
    assert sheet.locator(".value-s").inner_text() == "5.976"
    assert sheet.locator(".value-alpha").inner_text() == "2"
    assert sheet.locator(".value-r").inner_text() == "11.952"
    text = sheet.inner_text()
    assert "表1 第65行" in text and "表1 第64行" in text
    assert "表5 100人以上" in text and "120 人" in text
    assert "2.844 + 3.132" in text
    assert "5E+2" not in text and "500" in text  # Q printed plainly
    assert sheet.locator(".grade-line .grade-tag").inner_text() == "三级"
    assert "50 > R ≥ 10" in text
    assert page.locator(".substance-table, .substance-cards").get_by_text("甲醇").count() >= 1
    export = page.locator(".btn-export")
    href = export.get_attribute("href")
    assert href and href.endswith("/sheet.xlsx")
    resp = page.request.get(href)
    assert resp.ok and "spreadsheetml" in resp.headers["content-type"]
    no_horizontal_overflow(page)
    shot(page, "hazards-03-unit-sheet")

    # the substance form (add), then cancel
    page.locator(".btn-add-substance").click()
    dialog = page.locator(".substance-dialog")
    dialog.locator(".field-name input").wait_for()
    shot(page, "hazards-04-substance-form")
    dialog.get_by_role("button", name="取消").click()
    dialog.wait_for(state="hidden")

    open_tab(page, "历史记录")
    page.locator(".history-table .el-table__body tr, .history-card").first.wait_for()
    shot(page, "hazards-05-unit-history")

    open_tab(page, "实时监测")
    page.locator(".unit-live .point-tile").first.wait_for()
    assert "绑定监测点" in page.locator(".unit-live").inner_text()
    no_horizontal_overflow(page)
    shot(page, "hazards-06-unit-live")

    open_tab(page, "包保责任")
    page.wait_for_function(
        "() => document.querySelector(\".head-card[data-role='principal'] .person\")?.textContent.includes('王建国')"
    )
    assert "孙建华" in page.locator(".head-card[data-role='technical']").inner_text()
    assert "田刚" in page.locator(".head-card[data-role='operational']").inner_text()
    page.locator(".unit-duties .task .task-state").first.wait_for()
    no_horizontal_overflow(page)
    shot(page, "hazards-07-unit-duty")

    open_tab(page, "预警")
    page.locator(".warning-list").wait_for()
    no_horizontal_overflow(page)
    shot(page, "hazards-08-unit-warnings")


def test_risk_map(page, server):
    with api(server) as client:
        dk02 = _unit_id(client, "HZ-DK02")
        if not is_phone(page):
            # the demo's points get no live data here: their STALE alarms soon raise the units' colours
            _wait("HZ-DK02 raised above blue", lambda: _risk(client, "HZ-DK02")["colour"] != "blue")
    login(page)
    open_menu_item(page, "风险四色图")
    page.wait_for_url(re.compile(r"/hazards/map"))
    legend = page.locator(".risk-legend")
    legend.locator(".model-label").wait_for()
    assert PROVISIONAL in legend.locator(".model-label").inner_text()
    # each unit's area filled in its colour (SVG paths of the risk layer)
    page.wait_for_function("() => document.querySelectorAll('path.risk-area[data-colour]').length >= 3")
    colours = page.eval_on_selector_all(
        "path.risk-area", "els => els.map(e => e.getAttribute('data-colour'))"
    )
    assert set(colours) <= {"red", "orange", "yellow", "blue"}
    assert page.locator(".risk-unit").count() >= 3
    no_horizontal_overflow(page)
    shot(page, "hazards-09-risk-map")
    if is_phone(page):
        page.locator(".map-side").scroll_into_view_if_needed()
        shot(page, "hazards-10-risk-map-sheet")
        return

    # live: take HZ-DK02's alarms out of service; the map recolours it without a reload
    before = page.locator(f"path.risk-area[data-unit='{dk02}']").first.get_attribute("data-colour")
    assert before != "blue"
    page.evaluate("window.__sameDocument = true")
    _quiet_dk02(server)
    page.wait_for_function(
        "(id) => document.querySelector(`path.risk-area[data-unit='${id}']`)?.getAttribute('data-colour') === 'blue'",
        arg=dk02,
        timeout=20000,
    )
    page.locator(".risk-unit[data-code='HZ-DK02'][data-colour='blue']").wait_for()
    assert page.evaluate("window.__sameDocument") is True
    shot(page, "hazards-10-risk-map-recoloured")


def test_warnings(page, server):
    _quiet_dk02(server)
    with api(server) as client:
        dk02 = _unit_id(client, "HZ-DK02")
        _wait(
            "HZ-DK02's warning to clear or close",
            lambda: any(
                w["status"] in ("cleared", "closed")
                for w in client.get("/api/v1/hazards/warnings", params={"unit_id": dk02}).json()
            ),
        )
    login(page)
    open_menu_item(page, "预警处置")
    page.wait_for_url(re.compile(r"/hazards/warnings"))
    items = page.locator(
        ".warning-card" if is_phone(page) else ".warning-table .el-table__body tr.el-table__row"
    )
    items.first.wait_for()
    no_horizontal_overflow(page)
    shot(page, "hazards-11-warnings")

    target = items.filter(has_text="HZ-DK02").filter(has=page.locator(".btn-close"))
    if target.count():
        target.first.locator(".btn-close").click()
        dialog = page.locator(".warning-close-dialog")
        dialog.locator(".field-disposal textarea").wait_for()
        # too short: refused in the form
        dialog.locator(".field-disposal textarea").fill("好")
        dialog.locator(".close-submit").click()
        dialog.locator(".field-disposal .el-form-item__error").wait_for()
        dialog.locator(".field-disposal textarea").fill(
            "已对 2# 罐区相关测点逐一检查，恢复数据采集，报警全部恢复正常。"
        )
        dialog.locator(".field-cause textarea").fill("采集网关停止上传，测点数据中断。")
        dialog.locator(".field-measures textarea").fill("增加网关心跳监视，中断 5 分钟即通知仪表班。")
        shot(page, "hazards-12-warning-close")
        dialog.locator(".close-submit").click()
        dialog.wait_for(state="hidden")
    closed = items.filter(has_text="HZ-DK02").filter(has_text="已处置")
    closed.first.wait_for()
    if is_phone(page):
        assert "整改措施" in closed.first.inner_text()
    shot(page, "hazards-13-warnings-closed")


def test_duty_and_my_tasks(page, server, e2e_unit, tmp_path):
    login(page)
    page.goto(f"/hazards/units/{e2e_unit}?tab=duty")
    head = page.locator(".head-card[data-role='operational']")
    head.wait_for()
    if USER_PERSON not in head.inner_text():
        # name the safety manager the operational head, with the person picker
        head.locator(".btn-assign").click()
        dialog = page.locator(".assign-dialog")
        select = dialog.locator(".person-select")
        select.click()
        select.locator("input").fill(USER_PERSON)
        page.locator(".el-select-dropdown__item", has_text=USER_PERSON).locator("visible=true").first.click()
        dialog.locator(".assign-save").click()
        dialog.wait_for(state="hidden")
        page.wait_for_function(
            "(n) => document.querySelector(\".head-card[data-role='operational'] .person\")?.textContent.includes(n)",
            arg=USER_PERSON,
        )
    page.locator(".unit-duties .task").first.wait_for()
    shot(page, "hazards-14-duty-assigned")

    # my tasks (phone first): complete one with a photo and the position
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 38.0441, "longitude": 114.5172, "accuracy": 8})
    open_menu_item(page, "我的包保任务")
    page.wait_for_url(re.compile(r"/hazards/tasks"))
    cards = page.locator(".task-card")
    cards.first.wait_for()
    count = cards.count()
    assert E2E_UNIT in cards.first.inner_text()
    no_horizontal_overflow(page)
    shot(page, "hazards-15-my-tasks")

    cards.first.locator(".btn-complete").click()
    dialog = page.locator(".task-complete-dialog")
    dialog.locator(".position[data-state='ok']").wait_for()
    dialog.locator("input[type=file]").set_input_files(str(_photo(tmp_path / "site.png")))
    dialog.locator(".photo:not(.pending)").wait_for()
    dialog.locator(".result").get_by_text("发现异常").click()
    assert dialog.locator(".task-submit").is_disabled()  # an abnormal finding needs a description
    dialog.locator(".note textarea").fill("T-E2E 呼吸阀有轻微结霜，已通知维修。")
    no_horizontal_overflow(page)
    shot(page, "hazards-16-task-complete")
    dialog.locator(".task-submit").click()
    dialog.wait_for(state="hidden")
    page.wait_for_function("(n) => document.querySelectorAll('.task-card').length === n - 1", arg=count)
    with api(server) as client:
        done = [
            t
            for t in client.get("/api/v1/hazards/tasks", params={"mine": "true"}).json()
            if t["done_at"] and t["result"] == "abnormal"
        ]
        assert done and done[0]["photos"] and done[0]["lat"] == pytest.approx(38.0441)


def test_duty_report(page, server):
    login(page)
    open_menu_item(page, "包保考核")
    page.wait_for_url(re.compile(r"/hazards/duty-report"))
    rows = page.locator(".report-card" if is_phone(page) else ".report-table .el-table__body tr")
    rows.first.wait_for()
    text = page.locator(".duty-report").inner_text()
    assert "王建国" in text and "孙建华" in text and "田刚" in text
    no_horizontal_overflow(page)
    shot(page, "hazards-17-duty-report")

    page.locator(".report-tabs .el-tabs__item", has_text="包保任务清单").click()
    operational = page.locator(".role-block[data-role='operational']")
    operational.locator(".item").first.wait_for()
    assert operational.locator(".item").count() == 10
    assert "国家清单" in operational.inner_text()
    no_horizontal_overflow(page)
    shot(page, "hazards-18-duty-templates")
