"""Video (视频智能分析): the camera registry (摄像机台账) and the cameras layer of the plant map, in a real
Chromium at 1366 and phone width, as the safety manager (video.manage), on the demo plant:

- the registry lists the 8 demo cameras with their status tags (one offline, one in maintenance) and
  filters by status;
- a camera registered through the dialog: a stream URL with a user name and password is refused at
  its field before anything is sent, a code already taken is refused by the server at the code field,
  then the camera saves and is listed; it is edited (name, status) and deleted;
- the home plant map draws a marker per camera coloured by status and the view sector of each fixed
  camera (the areas stay the only paths of Leaflet's overlay pane), a marker opens a popup with name,
  code, status and the live-view link, and the layer control switches the cameras off and on.

Screenshots of every page at both widths.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import PHONE, running_server, shot
from tests.e2e.test_hazards_ui import api, is_phone, login, no_horizontal_overflow, open_menu_item
from tests.e2e.test_permits_ui import LAPTOP

pytestmark = pytest.mark.browser
CAMERAS = "/api/v1/video/cameras"
# the demo cameras (src/anguan/video/seed.py) and their seeded status
DEMO = {
    "CAM-DK01-1": "online",
    "CAM-DK01-2": "online",
    "CAM-DK02-1": "online",
    "CAM-TF01-1": "online",
    "CAM-PU01-1": "online",
    "CAM-WH01-1": "online",
    "CAM-LD01-1": "offline",
    "CAM-GT02-1": "maintenance",
}
DEMO_AREAS = 13  # paths of the areas layer (tests/e2e/test_shell.py)
STATUS_LABELS = {"online": "在线", "offline": "离线", "maintenance": "维护中"}
CREDENTIAL_URL = "rtsp://admin:Hik12345@192.0.2.10:554/Streaming/Channels/101"
GOOD_URL = "rtsp://192.0.2.10:554/Streaming/Channels/101"


@pytest.fixture(scope="module")
def server(
    sqlite_template: Path, files_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A server of its own: the tests below add, edit and delete a camera."""
    with running_server(sqlite_template, files_root, tmp_path_factory.mktemp("e2e-video")) as base:
        yield base


@pytest.fixture(params=["desktop", "phone"])
def viewport(request: pytest.FixtureRequest) -> tuple[str, dict[str, int]]:
    """A common laptop width (1366) and the phone."""
    return request.param, LAPTOP if request.param == "desktop" else PHONE


def cameras(client: httpx.Client, **params: object) -> list[dict]:
    return list(client.get(CAMERAS, params={"page_size": 200, **params}).json()["items"])


def camera_item(page, code: str):
    """A camera of the registry: a card on phones, a table row on desktop."""
    if is_phone(page):
        return page.locator(f".camera-card[data-code='{code}']")
    return page.locator(".camera-table .el-table__body tr.el-table__row").filter(
        has=page.locator(".code", has_text=re.compile(rf"^{re.escape(code)}$"))
    )


def all_items(page):
    if is_phone(page):
        return page.locator(".camera-card")
    return page.locator(".camera-table .el-table__body tr.el-table__row")


def choose(page, select, text: str) -> None:
    """Open an Element Plus select and click the option with `text`."""
    select.click()
    page.locator(".el-select-dropdown__item", has_text=text).locator("visible=true").first.click()


def loaded(page) -> None:
    """Wait until no loading mask covers the registry (it fades out after the data arrives)."""
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.cameras-page .el-loading-mask')]"
        ".some((m) => m.getClientRects().length && getComputedStyle(m).display !== 'none')"
    )


def sign_in(page) -> None:
    """Log in and let the home map settle: leaving the map during its opening zoom animation trips a
    Leaflet 1.9 timer that runs after map.remove() ("reading '_leaflet_pos'")."""
    login(page)
    page.locator(".plant-map .camera-marker").first.wait_for()
    page.wait_for_function("() => !document.querySelector('.plant-map .leaflet-zoom-anim')")


def open_registry(page) -> None:
    open_menu_item(page, "摄像机台账")
    page.wait_for_url(re.compile(r"/video/cameras$"))


def form_item(dialog, field_class: str):
    """The form item of the dialog holding the control with `field_class`."""
    return dialog.locator(".el-form-item").filter(has=dialog.page.locator(f".{field_class}"))


def fill_number(dialog, field_class: str, value: float) -> None:
    box = dialog.locator(f".{field_class} input")
    box.fill(str(value))
    box.press("Tab")  # el-input-number commits on change (blur)


# ------------------------------------------------------------------------------ registry


def test_registry_lists_the_demo_cameras(page, server):
    with api(server) as client:
        listed = {c["code"]: c for c in cameras(client)}
    assert {code: listed[code]["status"] for code in DEMO} == DEMO
    sign_in(page)
    open_registry(page)
    items = all_items(page)
    items.first.wait_for()
    page.locator(".count", has_text=f"共 {len(listed)} 台").wait_for()
    assert items.count() == len(listed)
    loaded(page)
    for code, status in DEMO.items():
        tag = camera_item(page, code).locator(".camera-status")
        assert tag.get_attribute("data-status") == status, code
        assert tag.inner_text().strip() == STATUS_LABELS[status]
    # the live-view link is the registered rtsp URL (handed to the desktop player)
    live = camera_item(page, "CAM-DK01-1").locator("a", has_text="实时视频")
    assert (live.get_attribute("href") or "").startswith("rtsp://nvr-01.demo.invalid:554/")
    no_horizontal_overflow(page)
    shot(page, "video-01-cameras")

    # filter by status: only the offline camera is left
    choose(page, page.locator(".filter-status"), "离线")
    page.locator(".count", has_text="共 1 台").wait_for()
    camera_item(page, "CAM-LD01-1").wait_for()
    assert items.count() == 1
    loaded(page)
    no_horizontal_overflow(page)
    shot(page, "video-02-cameras-offline")


def test_create_edit_and_delete_a_camera(page, server):
    code = f"CAM-E2E-{page.viewport_name}"
    with api(server) as client:
        before = len(cameras(client))
    sign_in(page)
    open_registry(page)
    all_items(page).first.wait_for()

    page.locator(".btn-create").click()
    dialog = page.locator(".camera-form-dialog")
    dialog.wait_for()
    dialog.locator(".field-code input").fill(code)
    dialog.locator(".field-name input").fill("1# 防火堤 西侧端到端测试枪机")
    choose(page, dialog.locator(".field-area"), "DK-01")
    fill_number(dialog, "field-x", 100)
    fill_number(dialog, "field-y", 300)
    fill_number(dialog, "field-heading", 90)
    fill_number(dialog, "field-fov", 60)
    fill_number(dialog, "field-range", 40)

    # a URL carrying a user name and password is refused at its field; nothing is sent
    dialog.locator(".field-stream input").fill(CREDENTIAL_URL)
    dialog.locator(".form-save").click()
    stream_error = form_item(dialog, "field-stream").locator(".el-form-item__error")
    stream_error.wait_for()
    assert "不能包含用户名或密码" in stream_error.inner_text()
    assert dialog.is_visible()
    with api(server) as client:
        assert len(cameras(client)) == before
    shot(page, "video-03-create-refused-url")

    # a valid URL, but a code already taken: the server's refusal shows at the code field
    dialog.locator(".field-stream input").fill(GOOD_URL)
    dialog.locator(".field-code input").fill("CAM-DK01-1")
    dialog.locator(".form-save").click()
    code_error = form_item(dialog, "field-code").locator(".el-form-item__error")
    code_error.wait_for()
    assert "已存在" in code_error.inner_text()
    code_error.scroll_into_view_if_needed()
    stream_error.wait_for(state="detached")  # the URL is accepted now (the message fades out)
    shot(page, "video-04-create-duplicate-code")

    dialog.locator(".field-code input").fill(code)
    dialog.locator(".form-save").click()
    dialog.wait_for(state="hidden")
    row = camera_item(page, code)
    row.wait_for()
    page.locator(".count", has_text=f"共 {before + 1} 台").wait_for()
    assert row.locator(".camera-status").get_attribute("data-status") == "online"
    assert "(100, 300)" in row.inner_text()
    with api(server) as client:
        created = next(c for c in cameras(client, q=code) if c["code"] == code)
    assert created["stream_url"] == GOOD_URL
    loaded(page)
    assert (created["x"], created["y"], created["heading_deg"], created["fov_deg"], created["range_m"]) == (
        100,
        300,
        90,
        60,
        40,
    )
    no_horizontal_overflow(page)
    shot(page, "video-05-created")

    # edit: a new name and into maintenance
    row.locator(".edit").click()
    dialog.wait_for()
    assert dialog.locator(".field-code input").input_value() == code
    dialog.locator(".field-name input").fill("1# 防火堤 西侧端到端测试枪机（检修）")
    choose(page, dialog.locator(".field-status"), "维护中")
    shot(page, "video-06-edit")
    dialog.locator(".form-save").click()
    dialog.wait_for(state="hidden")
    row.locator(".camera-status[data-status=maintenance]").wait_for()
    assert "（检修）" in row.inner_text()
    with api(server) as client:
        edited = client.get(f"{CAMERAS}/{created['id']}").json()
    assert edited["status"] == "maintenance"
    assert edited["name"].endswith("（检修）")

    # delete after confirming
    row.locator(".delete").click()
    box = page.locator(".el-message-box")
    box.wait_for()
    assert code in box.inner_text()
    box.locator(".el-button--primary").click()
    row.wait_for(state="detached")
    page.locator(".count", has_text=f"共 {before} 台").wait_for()
    with api(server) as client:
        assert client.get(f"{CAMERAS}/{created['id']}").status_code == 404
    no_horizontal_overflow(page)


# ------------------------------------------------------------------------------ plant map


def popup_inside_map(page) -> None:
    """The open popup is wholly inside the map (Leaflet pans the map to make room for it)."""
    page.wait_for_function(
        """() => { const p = document.querySelector('.leaflet-popup.camera-popup .leaflet-popup-content-wrapper');
             const m = document.querySelector('.plant-map');
             if (!p || !m) return false;
             const a = p.getBoundingClientRect(), b = m.getBoundingClientRect();
             return a.left >= b.left && a.right <= b.right && a.top >= b.top && a.bottom <= b.bottom }"""
    )


def test_plant_map_shows_the_cameras(page, server):
    with api(server) as client:
        listed = [c for c in cameras(client) if c["x"] is not None and c["y"] is not None]
    with_sector = [c for c in listed if None not in (c["heading_deg"], c["fov_deg"], c["range_m"])]
    codes = {c["code"] for c in listed}
    assert set(DEMO) <= codes and "CAM-DK01-2" not in {c["code"] for c in with_sector}  # a PTZ: no sector
    login(page)
    markers = page.locator(".plant-map .camera-marker")
    sectors = page.locator(".plant-map path.camera-sector")
    markers.first.wait_for()
    assert markers.count() == len(listed)
    assert sectors.count() == len(with_sector)
    for code, status in DEMO.items():
        assert page.locator(f".camera-marker[data-code='{code}']").get_attribute("data-status") == status
    # sectors and markers have panes of their own: Leaflet's overlay pane holds only the areas, and a
    # click inside a sector reaches what lies under it (an area), never the sector
    assert page.locator(".plant-map .leaflet-overlay-pane path").count() == DEMO_AREAS
    hits = page.evaluate(
        """() => [...document.querySelectorAll('.plant-map path.camera-sector')].map((s) => {
             const r = s.getBoundingClientRect();
             const el = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
             return el && el.closest('.leaflet-pane') ? el.closest('.leaflet-pane').className : '' })"""
    )
    assert hits and not [h for h in hits if "anguan-camera-sectors" in h], hits
    no_horizontal_overflow(page)
    shot(page, "video-07-map")

    # a marker opens a popup with the camera and its live-view link
    dk01 = next(c for c in listed if c["code"] == "CAM-DK01-1")
    page.locator(".camera-marker[data-code='CAM-DK01-1']").click()
    popup = page.locator(".leaflet-popup.camera-popup")
    popup.wait_for()
    body = popup.locator(".camera-popup-body[data-code='CAM-DK01-1']")
    body.wait_for()
    assert dk01["name"] in body.inner_text()
    assert body.locator(".camera-status").inner_text().strip() == "在线"
    live = body.locator("a.camera-live")
    assert live.get_attribute("href") == dk01["stream_url"]
    assert "实时视频" in live.inner_text()
    assert "朝向 315° · 视场 90° · 可视 80 m" in body.inner_text()
    popup_inside_map(page)
    no_horizontal_overflow(page)
    page.mouse.move(1, 1)  # the pointer left over the map (it pans for the popup) shows an area's tooltip
    shot(page, "video-08-map-popup")

    # another marker reuses the popup: the offline camera, with its note
    ld01 = next(c for c in listed if c["code"] == "CAM-LD01-1")
    page.locator(".camera-marker[data-code='CAM-LD01-1']").click()
    popup.locator(".camera-popup-body[data-code='CAM-LD01-1']").wait_for()
    assert popup.locator(".camera-status").inner_text().strip() == "离线"
    assert ld01["note"] in popup.inner_text()
    assert popup.count() == 1
    popup_inside_map(page)
    page.mouse.move(1, 1)
    shot(page, "video-09-map-popup-offline")

    # the layer control switches the cameras (markers, sectors and the popup) off and on
    control = page.locator(".leaflet-control-layers")
    if is_phone(page):
        control.hover()  # the collapsed control opens on pointer enter (and on tap)
        control.locator(".leaflet-control-layers-list").wait_for()
    toggle = control.locator("label", has_text="摄像机").locator("input")
    assert toggle.is_checked()
    toggle.uncheck()
    assert markers.count() == 0 and sectors.count() == 0
    popup.wait_for(state="detached")
    toggle.check()
    markers.first.wait_for()
    assert markers.count() == len(listed)
    assert sectors.count() == len(with_sector)

    # in English: the popup follows the language, and so does the layer control
    page.locator(".camera-marker[data-code='CAM-DK01-1']").click()
    body.wait_for()
    page.locator(".app-header").get_by_role("button", name="语言").click()
    page.locator(".el-dropdown-menu__item", has_text="English").click()
    page.wait_for_function("() => document.documentElement.lang === 'en-US'")
    popup.locator("a.camera-live", has_text="Live view").wait_for()
    assert body.locator(".camera-status").inner_text().strip() == "Online"
    assert "Explosion-proof fixed · Heading 315° · FOV 90° · Range 80 m" in body.inner_text()
    assert page.locator(".leaflet-control-layers label", has_text="Cameras").count() == 1
    popup_inside_map(page)
    page.mouse.move(1, 1)
    shot(page, "video-10-map-popup-en")


def test_leaving_the_map_while_it_zooms(page, server):
    """Leaflet 1.9 finishes a zoom on a timer; leaving the home page in the middle of it used to throw
    "reading '_leaflet_pos'" (components/map/leafletSetup.ts guards a removed map). The page fixture
    fails the test on any page error."""
    login(page)
    page.locator(".plant-map .camera-marker").first.wait_for()
    for _ in range(3):
        page.locator(".plant-map .leaflet-control-zoom-in").click()
        open_menu_item(page, "摄像机台账")
        page.wait_for_url(re.compile(r"/video/cameras$"))
        page.wait_for_timeout(600)  # past the zoom animation (250 ms): the late timer has fired
        page.go_back()
        page.locator(".plant-map .camera-marker").first.wait_for()
