"""Special-work permits (特殊作业票) in a real Chromium at 1366 and phone width, on the demo plant with the
server's real clock and its own on-site check (the reported position within 50 m of the work point):

- the ledger, and the new-permit form showing the server's 422 at its field (二级动火 longer than 72 h);
- a 二级 hot-work permit through its whole life: booked a plant day ahead → booking approved → people,
  risk identification, measures, briefing → applied → gas analysis → submitted for signing; the work
  leader (刘强) signs three times on the signature pad, then the shift leader's ticket check; the safety
  manager starts, pauses with a reason, resumes and finishes; the leader accepts with a signature;
- a welder with an expired certificate (郑海波) stops the submission with the 表A.4 alarm 5/51 in the
  blocked panel, the work alarm then handled on the work-alarms page.

Positions are injected with `window.__anguanPosition` (the UI's test hook) at the permit's point.
Screenshots of every stage at both widths.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.e2e.conftest import PHONE, running_server, shot
from tests.e2e.test_hazards_ui import api, is_phone, login, no_horizontal_overflow, open_menu_item

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 900}
PLANT_TZ = ZoneInfo("Asia/Shanghai")
PM = "/api/v1/permits"
POINT = {"x": 100.0, "y": 100.0}
INJECT_POSITION = "window.__anguanPosition = {x: 100, y: 100}"


@pytest.fixture(scope="module")
def server(
    sqlite_template: Path, files_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A server of its own: the tests create permits and raise and handle work alarms."""
    with running_server(sqlite_template, files_root, tmp_path_factory.mktemp("e2e-permits")) as base:
        yield base


@pytest.fixture(params=["desktop", "phone"])
def viewport(request: pytest.FixtureRequest) -> tuple[str, dict[str, int]]:
    """A common laptop width (1366) and the phone."""
    return request.param, LAPTOP if request.param == "desktop" else PHONE


def work_day() -> date:
    """The first plant day after today that is a weekday and no demo holiday: a 二级 hot-work permit
    from 09:00 to 15:00 that day needs no upgrade (GB 30871-2022 §5.1.1) and is booked ≥ 1 day ahead."""
    try:
        from anguan.permits.seed import HOLIDAYS_2026
    except ImportError:  # the demo calendar moved: weekdays only
        HOLIDAYS_2026 = ()
    holidays = set()
    for first, last, _ in HOLIDAYS_2026:
        d = first
        while d <= last:
            holidays.add(d)
            d += timedelta(days=1)
    day = datetime.now(PLANT_TZ).date() + timedelta(days=1)
    while day.weekday() >= 5 or day in holidays:
        day += timedelta(days=1)
    return day


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PLANT_TZ)


def switch_user(page, username: str) -> None:
    """Sign out (drop the session cookies) and sign in as someone else."""
    page.context.clear_cookies()
    login(page, username)


def state_is(page, state: str) -> None:
    page.locator(f".permit-head[data-state='{state}']").wait_for()


# steps taken on site open a dialog (reason, evidence photos) that confirms them
CONFIRMED_ACTIONS = {"start", "resume", "finish"}


def act(page, action: str) -> None:
    """Click an action of the action bar (and confirm the on-site steps' dialog)."""
    page.locator(f".action-bar .act-{action}").click()
    if action in CONFIRMED_ACTIONS:
        dialog = page.locator(".action-dialog")
        dialog.locator(".action-confirm").click()
        dialog.wait_for(state="hidden")


def act_with_reason(page, action: str, reason: str) -> None:
    act(page, action)
    box = page.locator(".reason-prompt")
    box.locator("textarea").fill(reason)
    box.locator(".reason-confirm").click()
    box.wait_for(state="hidden")


def pick(page, select, text: str) -> None:
    """Search an Element Plus select and click the option with `text`."""
    select.click()
    select.locator("input").fill(text)
    page.locator(".el-select-dropdown__item", has_text=text).locator("visible=true").first.click()


def draw_signature(page) -> None:
    """Draw a signature on the pad with the mouse (pointer events, as a finger would)."""
    pad = page.locator(".signature-dialog canvas.pad")
    pad.wait_for()
    box = pad.bounding_box()
    assert box
    x0, y0, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x0 + w * 0.15, y0 + h * 0.6)
    page.mouse.down()
    for i in range(1, 13):
        page.mouse.move(x0 + w * (0.15 + 0.06 * i), y0 + h * (0.6 - 0.25 * ((i % 4) / 3)), steps=2)
    page.mouse.up()
    page.mouse.move(x0 + w * 0.35, y0 + h * 0.3)
    page.mouse.down()
    page.mouse.move(x0 + w * 0.45, y0 + h * 0.8, steps=4)
    page.mouse.up()


def sign(page, expect_signatures: int, screenshot: str | None = None) -> None:
    """Sign the next step on the pad at the injected position."""
    act(page, "sign")
    _signature(page, screenshot)
    page.wait_for_function(
        "(n) => document.querySelectorAll('.section-signatures .step.signed').length === n",
        arg=expect_signatures,
    )


def _signature(page, screenshot: str | None) -> None:
    dialog = page.locator(".signature-dialog")
    dialog.locator(".position[data-state='injected']").wait_for()
    draw_signature(page)
    if screenshot:
        no_horizontal_overflow(page)
        shot(page, screenshot)
    dialog.locator(".sign-submit").click()
    dialog.wait_for(state="hidden")


def add_gas_test(page) -> None:
    page.locator(".section-gas .btn-add-gas").click()
    dialog = page.locator(".gas-test-dialog")
    dialog.locator(".field-point input").fill("动火点 10 m 内")
    row = dialog.locator(".reading").first
    row.locator(".name input").fill("甲醇")
    row.locator(".value input").fill("0.1")
    count = page.locator(".section-gas .test").count()
    dialog.locator(".gas-save").click()
    dialog.wait_for(state="hidden")
    page.wait_for_function(
        "(n) => document.querySelectorAll('.section-gas .test').length === n + 1", arg=count
    )
    assert page.locator(".section-gas .test").first.get_attribute("data-passed") == "true"


def _area(client: httpx.Client, code: str) -> tuple[int, int]:
    area = next(a for a in client.get("/api/v1/plant/areas").json() if a["code"] == code)
    return area["site_id"], area["id"]


def _person(client: httpx.Client, name: str) -> int:
    rows = client.get("/api/v1/basics/r/people", params={"q": name}).json()["items"]
    return int(next(r["id"] for r in rows if r["values"]["name"] == name))


def hot_work_applying(
    client: httpx.Client,
    *,
    location: str,
    content: str,
    start: datetime,
    end: datetime,
    worker: str = "马俊",
    grade: str = "2",
    emergency: bool = False,
) -> dict:
    """A hot-work permit in PU-01 taken over the API to 申请 (applying): booked and approved, worker and
    guardian 孙磊, risk analysis, every measure involved, briefing. Returns the permit."""
    site, area = _area(client, "PU-01")
    r = client.post(
        PM,
        json={
            "work_type": "hot_work",
            "grade": grade,
            "site_id": site,
            "area_id": area,
            "location": location,
            **POINT,
            "content": content,
            "work_unit": "合成车间",
            "leader_id": _person(client, "刘强"),
            "planned_start": start.isoformat(),
            "planned_end": end.isoformat(),
            "emergency": emergency,
            "details": {"method": "电焊"},
        },
    )
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    for action in ("submit_booking", "approve_booking"):
        client.post(f"{PM}/{pid}/actions/{action}", json={}).raise_for_status()
    client.put(
        f"{PM}/{pid}/people",
        json={
            "people": [
                {"person_id": _person(client, worker), "role": "worker"},
                {"person_id": _person(client, "孙磊"), "role": "guardian"},
            ]
        },
    ).raise_for_status()
    client.put(f"{PM}/{pid}/analysis", json={"risks": ["火灾"], "jha": "焊渣飞溅"}).raise_for_status()
    measures = client.get(f"{PM}/{pid}").json()["measures"]
    client.put(
        f"{PM}/{pid}/measures",
        json={"answers": [{"seq": m["seq"], "involved": True} for m in measures]},
    ).raise_for_status()
    client.post(f"{PM}/{pid}/briefing").raise_for_status()
    client.post(f"{PM}/{pid}/actions/apply", json={}).raise_for_status()
    return dict(client.get(f"{PM}/{pid}").json())


def test_ledger_and_new_permit_form(page, server):
    page.add_init_script(INJECT_POSITION)
    login(page)
    open_menu_item(page, "作业票台账")
    page.wait_for_url(re.compile(r"/permits$"))
    page.locator(".permit-card, .permit-table tr.el-table__row").first.wait_for()
    no_horizontal_overflow(page)
    shot(page, "permits-01-ledger")

    # the form: a 二级 hot-work permit longer than 72 h is refused at its end time (GB 30871 §5.1.5)
    day = work_day()
    page.locator(".btn-create-permit").click()
    dialog = page.locator(".permit-form-dialog")
    dialog.locator(".field-location input").wait_for()
    assert "二级" in dialog.locator(".field-grade .is-active").inner_text()
    pick(page, dialog.locator(".field-area .el-select"), "PU-01")
    dialog.locator(".field-location input").fill("合成装置区 E-201 检修平台")
    dialog.locator(".point-x input").fill("100")
    dialog.locator(".point-y input").fill("100")
    dialog.locator(".field-content textarea").fill("更换 E-201 检修平台护栏立柱，电焊")
    dialog.locator(".field-work-unit input").fill("合成车间")
    pick(page, dialog.locator(".field-leader .el-select"), "刘强")
    dialog.locator(".field-start input").fill(f"{day.isoformat()}T09:00")
    dialog.locator(".field-end input").fill(f"{(day + timedelta(days=4)).isoformat()}T09:00")
    dialog.locator(".permit-save").click()
    error = dialog.locator(".field-end .el-form-item__error")
    error.wait_for()
    assert "72" in error.inner_text()
    dialog.locator(".general-error").wait_for()
    no_horizontal_overflow(page)
    shot(page, "permits-02-form-422")
    dialog.get_by_role("button", name="取消").click()
    dialog.wait_for(state="hidden")


def hot_work_grade(start: datetime, end: datetime) -> str:
    """The lowest hot-work grade that needs no upgrade for this period on the demo calendar (GB 30871-2022
    §5.1.1: rest days, holidays and nights upgrade it), so that signing is not stopped by 4/4x."""
    from anguan.permits import rules

    try:
        from anguan.permits.seed import HOLIDAYS_2026, WORKDAYS_2026
    except ImportError:
        HOLIDAYS_2026, WORKDAYS_2026 = (), ()
    holidays = set()
    for first, last, _ in HOLIDAYS_2026:
        d = first
        while d <= last:
            holidays.add(d)
            d += timedelta(days=1)
    calendar = rules.PlantCalendar(
        tz=PLANT_TZ, holidays=frozenset(holidays), workdays=frozenset(WORKDAYS_2026)
    )
    for grade in ("2", "1", "special"):
        if rules.hot_work_upgrade(grade, start, end, calendar)[0] == grade:
            return grade
    return "special"


GRADE_LABEL = {"2": "二级", "1": "一级", "special": "特级"}
# Who signs a step in the demo plant: the work leader 刘强 ("leader") holds 作业负责人, 所在单位 and
# 岗位当班班长; the safety manager ("safety") the safety department and the plant leader.
LEADER_ROLES = {"work_leader", "unit", "shift_leader"}


def wait_until(moment: datetime) -> None:
    """The real clock: the work may not start before its planned start."""
    delay = (moment - datetime.now(PLANT_TZ)).total_seconds()
    assert delay < 180, f"planned start {moment} is {delay:.0f} s away"
    if delay > 0:
        time.sleep(delay + 1)


# The whole life runs once, at phone width (the flow; ~2 min of real-clock waiting); the
# confined-space life in test_permits_ui_more.py runs at the laptop width.
@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_hot_work_permit_whole_life(page, server):
    """An emergency (same-day) booking: with the real clock the work must be able to start in the test,
    and it may not start before its planned start (the next whole minute + 1 min)."""
    page.add_init_script(INJECT_POSITION)
    start = (datetime.now(PLANT_TZ) + timedelta(minutes=2)).replace(second=0, microsecond=0)
    end = start + timedelta(hours=6)
    grade = hot_work_grade(start, end)
    login(page)
    page.goto("/permits")
    page.locator(".btn-create-permit").click()
    dialog = page.locator(".permit-form-dialog")
    dialog.locator(".field-location input").wait_for()
    dialog.locator(".field-grade").get_by_text(GRADE_LABEL[grade], exact=True).click()
    pick(page, dialog.locator(".field-area .el-select"), "PU-01")
    dialog.locator(".field-location input").fill("合成装置区 E-201 检修平台 支架焊接")
    dialog.locator(".point-x input").fill("100")
    dialog.locator(".point-y input").fill("100")
    dialog.locator(".field-content textarea").fill("更换 E-201 检修平台护栏立柱，电焊")
    dialog.locator(".field-work-unit input").fill("合成车间")
    pick(page, dialog.locator(".field-leader .el-select"), "刘强")
    dialog.locator(".field-start input").fill(start.strftime("%Y-%m-%dT%H:%M"))
    dialog.locator(".field-end input").fill(end.strftime("%Y-%m-%dT%H:%M"))
    dialog.locator(".field-emergency .el-checkbox").click()
    no_horizontal_overflow(page)
    shot(page, "permits-03-form")
    dialog.locator(".permit-save").click()
    page.wait_for_url(re.compile(r"/permits/\d+$"))
    pid = int(page.url.rsplit("/", 1)[1])
    state_is(page, "draft")
    head = page.locator(".permit-head")
    assert head.locator(".grade-tag").inner_text() == f"{GRADE_LABEL[grade]}动火作业"
    assert "未签发" in head.locator(".ticket-status").inner_text()
    assert page.locator(".section-measures .measure").count() == 16
    no_horizontal_overflow(page)
    shot(page, "permits-04-detail-draft")

    # booking (预约): an emergency job booked for later today, approved by the safety manager
    act(page, "submit_booking")
    state_is(page, "booked")
    act(page, "approve_booking")
    state_is(page, "booking_approved")

    # people, risk identification and JHA, measures, briefing
    people = page.locator(".section-people")
    people.locator(".btn-edit-people").click()
    pick(page, people.locator(".pick-worker .el-select"), "马俊")
    page.keyboard.press("Escape")
    pick(page, people.locator(".pick-guardian .el-select"), "孙磊")
    page.keyboard.press("Escape")
    people.locator(".btn-save-people").click()
    people.locator(".role[data-role='guardian'] .person[data-person='孙磊']").wait_for()
    people.locator(".role[data-role='worker'] .person[data-person='马俊']").wait_for()

    analysis = page.locator(".section-analysis")
    analysis.locator(".btn-edit-analysis").click()
    for risk in ("火灾", "灼烫", "触电"):
        pick(page, analysis.locator(".risk-select"), risk)
    page.keyboard.press("Escape")
    analysis.locator(".field-jha textarea").fill("焊渣飞溅引燃周边可燃物；电焊机漏电")
    analysis.locator(".btn-save-analysis").click()
    analysis.locator(".el-tag", has_text="灼烫").wait_for()

    measures = page.locator(".section-measures")
    assert measures.locator(".paraphrased").count() == 1  # the checklist is paraphrased
    measures.locator(".other input").fill("配备灭火器两具")
    measures.locator(".btn-confirm-measures").click()
    measures.locator(".measure-count", has_text="16/16").wait_for()
    page.locator(".section-briefing .btn-briefing").click()
    page.locator(".section-briefing .done").wait_for()

    act(page, "apply")
    state_is(page, "applying")
    page.locator(".section-people").scroll_into_view_if_needed()
    no_horizontal_overflow(page)
    shot(page, "permits-05-detail-applying")

    # the gas analysis just before submitting (≤ 30 min, real clock), then signing
    add_gas_test(page)
    assert page.locator(".section-gas .age.fresh").count() == 1
    page.locator(".section-gas").scroll_into_view_if_needed()
    shot(page, "permits-06-gas")
    act(page, "submit_for_signing")
    state_is(page, "signing")
    assert page.locator(".section-signatures .step.next").get_attribute("data-step") == "work_leader"
    # the signing check stored the welder's certificate answer
    page.locator(".section-people .person[data-person='马俊'] .eligibility.ok").wait_for()
    page.locator(".section-signatures").scroll_into_view_if_needed()
    no_horizontal_overflow(page)
    shot(page, "permits-07-detail-signing")

    # every step of 表B.1 signed on site in order, by whoever holds it; then 当班班长验票 after issue
    user, signed = "safety", 0
    while True:
        step = page.locator(".section-signatures .step.next")
        code, role = step.get_attribute("data-step"), step.get_attribute("data-role")
        if code == "acceptance":
            break
        wanted = "leader" if role in LEADER_ROLES else "safety"
        if wanted != user:
            switch_user(page, wanted)
            page.goto(f"/permits/{pid}")
            page.locator(".section-signatures .step.next").wait_for()
            user = wanted
        signed += 1
        sign(page, signed, screenshot="permits-08-signature-pad" if signed == 1 else None)
        if code == "shift_leader_check":
            break
        if signed == 1:
            first = page.locator(".section-signatures .step[data-step='work_leader']")
            assert "现场签批" in first.inner_text() and "SHA-256" in first.inner_text()
            # the signer by display name, and the drawn signature from the permit's image route
            assert "合成车间班长 刘强" in first.locator(".signer").inner_text()
            drawn = first.locator(".drawn img")
            drawn.wait_for()
            page.wait_for_function(
                "(img) => img.complete && img.naturalWidth > 0", arg=drawn.element_handle()
            )
    state_is(page, "issued")
    assert "已签发" in page.locator(".permit-head .ticket-status").inner_text()
    page.locator(".section-signatures").scroll_into_view_if_needed()
    no_horizontal_overflow(page)
    shot(page, "permits-09-detail-issued")

    # the safety manager starts (gas ≤ 30 min), pauses with a reason, resumes and finishes
    if user != "safety":
        switch_user(page, "safety")
    page.goto(f"/permits/{pid}")
    state_is(page, "issued")
    wait_until(start)
    act(page, "start")
    state_is(page, "in_progress")
    assert page.locator(".permit-head .validity.success, .permit-head .validity.warning").count() == 1
    no_horizontal_overflow(page)
    shot(page, "permits-10-detail-in-progress")
    act_with_reason(page, "pause", "午休，暂停动火")
    state_is(page, "paused")
    act(page, "resume")
    state_is(page, "in_progress")
    act(page, "finish")
    state_is(page, "acceptance_pending")

    # the leader accepts with a signature (完工验收)
    switch_user(page, "leader")
    page.goto(f"/permits/{pid}")
    state_is(page, "acceptance_pending")
    act(page, "accept")
    _signature(page, "permits-11-acceptance-pad")
    state_is(page, "accepted")
    assert "已验收" in page.locator(".permit-head .ticket-status").inner_text()
    timeline = page.locator(".section-timeline")
    assert "午休，暂停动火" in timeline.inner_text()
    timeline.scroll_into_view_if_needed()
    no_horizontal_overflow(page)
    shot(page, "permits-12-detail-accepted")

    with api(server) as client:
        body = client.get(f"{PM}/{pid}").json()
        actions = [t["action"] for t in body["timeline"]]
        signing = ["sign"] * (len(body["steps"]) - 2)  # before issue: all but the check and acceptance
        assert actions == [
            "created", "submit_booking", "approve_booking", "apply", "submit_for_signing", *signing,
            "issue", "sign", "start", "pause", "resume", "finish", "accept",
        ]  # fmt: skip
        assert all(s["on_site"] and s["image_id"] for s in body["signatures"])
        assert len(body["signatures"]) == len(body["steps"]) and body["alarms"] == []

    # the ledger shows it accepted
    page.goto("/permits")
    row = (
        page.locator(f".permit-card[data-id='{pid}']")
        if is_phone(page)
        else page.locator(".permit-table .el-table__body tr").filter(has_text=body["number"])
    )
    row.locator(".state-tag[data-state='accepted']").wait_for()
    no_horizontal_overflow(page)
    shot(page, "permits-13-ledger")


def test_expired_certificate_blocks_signing(page, server):
    """郑海波's welding certificate has expired: submitting for signing is refused with 5/51."""
    day = work_day()
    with api(server) as client:
        pid = hot_work_applying(
            client,
            location="合成装置区 P-103 泵房 管托焊接",
            content="P-103 出口管托补焊",
            start=at(day, 9),
            end=at(day, 15),
            worker="郑海波",
        )["id"]

    login(page)
    page.goto(f"/permits/{pid}")
    state_is(page, "applying")
    add_gas_test(page)
    # the master data says so before anyone submits
    people = page.locator(".section-people")
    people.locator(".btn-check-eligibility").click()
    people.locator(".person[data-person='郑海波'] .eligibility.bad[data-code='5/51']").wait_for()
    act(page, "submit_for_signing")
    panel = page.locator(".blocked-panel")
    panel.wait_for()
    assert panel.locator(".code[data-code='5/51']").count() == 1
    assert "资质证书过期" in panel.inner_text()
    assert "提交签批" in panel.inner_text()
    state_is(page, "applying")  # nothing moved
    page.locator(".section-alarms .alarm.open[data-code='5/51']").wait_for()
    panel.scroll_into_view_if_needed()
    no_horizontal_overflow(page)
    shot(page, "permits-14-blocked")

    # the work alarm, handled on the work-alarms page
    open_menu_item(page, "作业报警")
    page.wait_for_url(re.compile(r"/permits/alarms$"))
    items = page.locator(".alarm-card" if is_phone(page) else ".alarm-table .el-table__body tr.el-table__row")
    mine = items.filter(has_text="资质证书过期").first
    mine.wait_for()
    no_horizontal_overflow(page)
    shot(page, "permits-15-alarms")
    count = items.count()
    mine.locator(".btn-handle").click()
    dialog = page.locator(".handle-alarm-dialog")
    dialog.locator(".field-result textarea").fill("更换持证焊工马俊，郑海波复训换证前不得动火")
    shot(page, "permits-16-alarm-handle")
    dialog.locator(".handle-submit").click()
    dialog.wait_for(state="hidden")
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length === n - 1",
        arg=[".alarm-card" if is_phone(page) else ".alarm-table .el-table__body tr.el-table__row", count],
    )

    # the same permit in English: every label translated (no raw i18n keys)
    page.evaluate("localStorage.setItem('anguan.locale', 'en-US')")
    page.goto(f"/permits/{pid}")
    page.locator(".permit-head[data-state='applying']").wait_for()
    page.locator(".section-alarms .alarm[data-code='5/51']").wait_for()
    text = page.locator(".permit-detail").inner_text()
    assert "permits." not in text
    assert "Grade 2 hot work" in text and "Certificate expired" in text and "Handled" in text
    no_horizontal_overflow(page)
    shot(page, "permits-17-detail-en")
    page.goto("/permits")
    page.locator(".permit-card, .permit-table tr.el-table__row").first.wait_for()
    assert "permits." not in page.locator(".permits-ledger").inner_text()
    shot(page, "permits-18-ledger-en")


def _sign_until(client_for: dict[str, httpx.Client], pid: int, stop: str) -> dict:
    """Sign the permit's steps over the API, each by whoever holds it (the work leader 刘强 or the
    safety manager), at the work point, until the next step is `stop`."""
    body = client_for["safety"].get(f"{PM}/{pid}").json()
    while body["next_step"] not in (None, stop):
        signed = False
        for who in ("leader", "safety"):
            r = client_for[who].post(f"{PM}/{pid}/actions/sign", json={"opinion": "同意", **POINT})
            if r.status_code == 200:
                signed = True
                break
            assert r.status_code == 403, r.text
        assert signed, f"nobody may sign {body['next_step']}"
        body = client_for["safety"].get(f"{PM}/{pid}").json()
    return body


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_stale_gas_test_stops_the_start(page, server):
    """The last gas analysis is more than 30 min old when the work would start: starting is refused with
    表A.4 alarm 0/02 (GB 30871-2022 §5.3.1 c, §6.3 a); a new analysis in the browser lets it start.

    The analysis is entered 29 min before now, the work is booked to start 80 s from now (an emergency
    same-day booking), so it is fresh when the permit is submitted and signed over the API and stale
    by the time the start is clicked."""
    start = datetime.now(PLANT_TZ) + timedelta(seconds=80)
    end = start + timedelta(hours=4)
    grade = hot_work_grade(start, end)
    with api(server) as safety, api(server, "leader") as leader:
        pid = hot_work_applying(
            safety,
            location="合成装置区 E-202 平台 栏杆焊接",
            content="E-202 平台栏杆补焊",
            start=start,
            end=end,
            grade=grade,
            emergency=True,
        )["id"]
        sampled = datetime.now(PLANT_TZ) - timedelta(minutes=29)
        safety.post(
            f"{PM}/{pid}/gas-tests",
            json={
                "sampled_at": sampled.isoformat(),
                "point": "动火点 10 m 内",
                "readings": [{"kind": "combustible", "name": "甲醇", "value": 0.1}],
            },
        ).raise_for_status()
        r = safety.post(f"{PM}/{pid}/actions/submit_for_signing", json={})
        assert r.status_code == 200, r.text
        body = _sign_until({"safety": safety, "leader": leader}, pid, "acceptance")
        assert body["state"] == "issued", body["state"]

    page.add_init_script(INJECT_POSITION)
    login(page)
    page.goto(f"/permits/{pid}")
    state_is(page, "issued")
    page.locator(".section-live").wait_for()
    wait_until(max(start, sampled + timedelta(minutes=30, seconds=5)))
    page.locator(".action-bar .act-start").click()
    page.locator(".action-dialog .action-confirm").click()
    panel = page.locator(".blocked-panel")
    panel.wait_for()
    assert panel.locator(".code[data-code='0/02']").count() == 1
    state_is(page, "issued")  # nothing moved
    page.locator(".section-alarms .alarm.open[data-code='0/02']").wait_for()
    panel.scroll_into_view_if_needed()
    no_horizontal_overflow(page)
    shot(page, "permits-19-stale-gas-blocked")

    # a new analysis on the phone, and the work starts
    add_gas_test(page)
    act(page, "start")
    state_is(page, "in_progress")
    page.locator(".section-live").scroll_into_view_if_needed()
    shot(page, "permits-20-live-context")
