"""Monitoring in a real Chromium, at desktop and phone width, as the operator (操作员):
the sensors layer on the home map → live board → alarm console (acknowledge, shelve with a reason,
journal; no out-of-service action without monitoring.oos) → trend → alarm KPIs → points and data quality.

The server of this module runs the demo plant simulator in-process (as `anguan serve --demo` does),
catching up half an hour of history, so values, trends and alarms are live.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import running_server, shot

pytestmark = pytest.mark.browser
PASSWORD = "Anguan@2026"
USER = "operator"
BACKFILL_S = 1800
# Alarm conditions the simulator raises without chattering: safe to acknowledge and shelve.
PROCESS_CONDITIONS = {"HH", "H", "L", "LL", "PRE", "BAD", "ROC"}


@pytest.fixture(scope="module")
def server(
    sqlite_template: Path, files_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`anguan serve` on a copy of the seeded demo database with the demo simulator running."""
    with running_server(
        sqlite_template,
        files_root,
        tmp_path_factory.mktemp("e2e-monitoring"),
        ANGUAN_INGEST__SIMULATOR="true",
        ANGUAN_INGEST__SIMULATOR_BACKFILL_S=str(BACKFILL_S),
        ANGUAN_INGEST__SIMULATOR_SPEED="120",
    ) as base:
        yield base


@contextlib.contextmanager
def api(server: str, username: str = USER) -> Iterator[httpx.Client]:
    """A signed-in API client (session cookie and CSRF header)."""
    with httpx.Client(base_url=server, timeout=30) as client:
        client.post(
            "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
        ).raise_for_status()
        client.headers["X-CSRF-Token"] = client.cookies.get("anguan_csrf") or ""
        yield client


@pytest.fixture(scope="module")
def plant(server: str) -> None:
    """Wait until the simulator has caught up (current values) and raised process alarms."""
    with api(server) as client:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            snap = client.get("/api/v1/monitoring/realtime/snapshot").json()
            fresh = [v for v in snap["values"] if v["t"] > time.time() - 60]
            if len(fresh) > 0.8 * len(snap["values"]) > 0 and len(_targets(client)) >= 2:
                return
            time.sleep(1)
    pytest.fail("the demo simulator produced no live values and alarms in 120 s")


def _targets(client: httpx.Client) -> list[tuple[int, str]]:
    """(id, tag) of unacknowledged, non-chattering process alarms on distinct points, most important first."""
    items = client.get("/api/v1/monitoring/alarms", params={"state": "unacked", "page_size": 200}).json()[
        "items"
    ]
    out: list[tuple[int, str]] = []
    for a in items:
        if (
            a["condition"] in PROCESS_CONDITIONS
            and not a["chattering"]
            and a["tag"] not in {t for _, t in out}
        ):
            out.append((a["id"], a["tag"]))
    return out


def login(page, username: str = USER) -> None:
    page.goto("/login")
    page.locator("input[autocomplete=username]").fill(username)
    page.locator("input[autocomplete=current-password]").fill(PASSWORD)
    page.locator(".login-submit").click()
    page.wait_for_url(re.compile(r"/$"))


def open_menu_item(page, label: str) -> None:
    """Click a side-menu entry; at phone width the menu lives in a drawer behind the ☰ button."""
    if page.viewport_name == "phone":  # type: ignore[attr-defined]
        page.locator(".menu-toggle").click()
    item = page.locator(".el-menu-item", has_text=label).last
    item.wait_for(state="visible")
    item.click()


def alarm_item(page, alarm_id: int):
    """The console row (desktop) or card (phone) of an alarm."""
    if page.viewport_name == "phone":  # type: ignore[attr-defined]
        return page.locator(f".alarm-card[data-alarm-id='{alarm_id}']")
    return page.locator(f".alarm-table tr.alarm-id-{alarm_id}")


def chart_has_pixels(page, selector: str) -> bool:
    """True once an ECharts canvas under `selector` has drawn something."""
    return bool(
        page.evaluate(
            """(sel) => { const c = document.querySelector(sel + ' canvas'); if (!c || !c.width) return false;
                 const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                 for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true; return false }""",
            selector,
        )
    )


def test_monitoring_pages(page, server, plant):
    kind = page.viewport_name  # type: ignore[attr-defined]
    with api(server) as client:
        (ack_id, ack_tag), (shelve_id, shelve_tag) = _targets(client)[:2]
    login(page)

    # Home map: the sensors layer draws a marker per point; the layer control toggles it.
    markers = page.locator(".plant-map path.sensor-marker")
    markers.first.wait_for()
    assert markers.count() >= 50
    page.locator(".plant-map path.sensor-alerting").first.wait_for()
    control = page.locator(".leaflet-control-layers")
    if kind == "phone":
        control.hover()  # the collapsed control opens on pointer enter (and on tap)
        control.locator(".leaflet-control-layers-list").wait_for()
    toggle = control.locator("label", has_text="监测点").locator("input")
    toggle.uncheck()
    assert markers.count() == 0
    toggle.check()
    markers.first.wait_for()
    shot(page, "mon-01-map")

    # Live board: a tile per point with its value; the live indicator shows the socket is open.
    open_menu_item(page, "实时监测")
    page.wait_for_url(re.compile(r"/monitoring/board"))
    page.locator(f".point-tile[data-tag='{ack_tag}']").wait_for()
    assert page.locator(".point-tile").count() >= 50
    page.locator(".live.on").wait_for()
    page.locator(".area-select").click()
    page.locator(".el-select-dropdown__item", has_text="合成反应装置区").locator("visible=true").click()
    page.locator(".area-section").first.wait_for()
    assert page.locator(".area-section").count() == 1
    shot(page, "mon-02-board")

    # Alarm console: acknowledge one alarm, shelve another with a reason, read the journal.
    open_menu_item(page, "报警台")
    page.wait_for_url(re.compile(r"/monitoring/alarms"))
    row = alarm_item(page, ack_id)
    row.wait_for()
    assert row.locator(".alarm-state[data-state=unack], .alarm-state[data-state=rtn_unack]").count() == 1
    sound = page.locator(".sound-toggle")
    pressed = sound.get_attribute("aria-pressed")
    sound.click()
    assert sound.get_attribute("aria-pressed") != pressed
    sound.click()
    assert sound.get_attribute("aria-pressed") == pressed
    shot(page, "mon-03-console")

    # The operator has no monitoring.oos: the "more" menu offers no out-of-service action.
    row.locator(".action-more").click()
    menu = page.locator(".el-dropdown-menu").locator("visible=true")
    menu.locator(".action-comment").wait_for()
    assert menu.locator(".action-oos").count() == 0
    row.locator(".action-more").click()  # the trigger toggles the menu closed
    menu.wait_for(state="hidden")

    row.locator(".action-ack").click()
    page.locator(".el-message", has_text="已确认 1 条报警").last.wait_for()
    # acknowledged: an active alarm stays (steady), a returned one leaves the list
    page.wait_for_function(
        "(id) => { const r = document.querySelector(`.alarm-id-${id}, .alarm-card[data-alarm-id='${id}']`);"
        " return !r || !!r.querySelector('.alarm-state[data-state=acked]') }",
        arg=ack_id,
    )

    alarm_item(page, shelve_id).locator(".action-shelve").click()
    dialog = page.locator(".alarm-action-dialog")
    dialog.wait_for()
    dialog.get_by_text("2 小时").click()
    dialog.locator("textarea").fill("仪表检修，已通知仪表班")
    shot(page, "mon-04-shelve")
    dialog.get_by_role("button", name="确定").click()
    dialog.wait_for(state="hidden")
    alarm_item(page, shelve_id).wait_for(state="detached")
    page.locator(".states").get_by_text("已搁置").click()
    shelved = alarm_item(page, shelve_id)
    shelved.wait_for()
    assert "搁置至" in shelved.inner_text()

    page.locator(".states").get_by_text("全部").click()
    page.locator(".el-pagination").wait_for()
    page.locator(".states").get_by_text("已搁置").click()
    item = alarm_item(page, shelve_id)
    item.wait_for()
    if kind == "phone":
        item.locator(".title").click()
    else:
        item.locator(".action-more").click()
        page.locator(".el-dropdown-menu .action-journal").locator("visible=true").click()
    drawer = page.locator(".alarm-journal")
    drawer.locator(".el-timeline-item", has_text="搁置").first.wait_for()
    assert "仪表检修，已通知仪表班" in drawer.inner_text()
    assert "操作人" in drawer.inner_text()
    shot(page, "mon-05-journal")
    drawer.locator(".el-drawer__close-btn").click()
    drawer.wait_for(state="hidden")

    # Trend: the deep link opens both points; the chart draws the history at screen resolution.
    page.goto(f"/monitoring/trend?points={ack_tag},{shelve_tag}&range=1h")
    page.locator(".trend-chart canvas").wait_for()
    page.wait_for_function(
        "() => /\\d+ 个数据点/.test(document.querySelector('.chart-foot')?.textContent ?? '')"
    )
    foot = page.locator(".chart-foot").inner_text()
    assert int(re.search(r"(\d+) 个数据点", foot).group(1)) >= 4, foot  # type: ignore[union-attr]
    page.wait_for_function("() => !document.querySelector('.trend-wrap .el-loading-mask')")
    assert chart_has_pixels(page, ".trend-chart")
    assert (page.locator(".export-csv").get_attribute("href") or "").startswith(
        "/api/v1/monitoring/trend/export"
    )
    shot(page, "mon-06-trend")
    page.locator(".presets").get_by_text("24 小时").click()
    page.wait_for_function("() => new URL(location.href).searchParams.get('range') === '24h'")

    # Alarm KPIs per console: counts, the per-10-minute chart and the bad actors.
    open_menu_item(page, "报警绩效")
    page.wait_for_url(re.compile(r"/monitoring/kpi"))
    card = page.locator(".kpi-card").first
    card.wait_for()
    card.locator(".bad-actors .el-table__row").first.wait_for()
    page.wait_for_function("() => document.querySelectorAll('.kpi-card canvas').length >= 2")
    assert chart_has_pixels(page, ".kpi-card .bars")
    shot(page, "mon-07-kpi")

    # Points: the list, a point's details (read-only for the operator), data quality.
    open_menu_item(page, "位号管理")
    page.wait_for_url(re.compile(r"/monitoring/points"))
    page.locator(".points .el-input input").first.fill(ack_tag)
    page.locator(".points .el-input input").first.press("Enter")
    if kind == "phone":
        page.locator(".point-card", has_text=ack_tag).first.click()
    else:
        page.locator(".points-table tr", has=page.get_by_text(ack_tag, exact=True)).get_by_text(
            "详情"
        ).click()
    point_dialog = page.locator(".point-dialog")
    point_dialog.get_by_text("报警设置").click()
    point_dialog.get_by_text("高高报").first.wait_for()
    assert point_dialog.get_by_role("button", name="保存").count() == 0
    shot(page, "mon-08-point")
    point_dialog.get_by_role("button", name="关闭", exact=True).click()
    point_dialog.wait_for(state="hidden")
    page.get_by_role("tab", name="数据质量").click()
    page.get_by_text("在线率").wait_for()
    shot(page, "mon-09-quality")
