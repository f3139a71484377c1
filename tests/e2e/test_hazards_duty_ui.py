"""包保 in a real Chromium at 1366 and phone width, as the safety manager: named the operational head
of the 1# tank farm, they take over its open tasks of this period; their task cards and the completion
dialog name the unit; a task done with a site photo shows, in the unit's 包保 tab, who did it with the
photo as a thumbnail served by the task's photo route (the session cookie, no uploader check)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, running_server, shot
from tests.e2e.test_hazards_ui import (
    USER_PERSON,
    _photo,
    api,
    is_phone,
    login,
    no_horizontal_overflow,
    open_menu_item,
)

pytestmark = pytest.mark.browser
UNIT = "HZ-DK01"
LAPTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="module")
def server(
    sqlite_template: Path, files_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A server of its own: the test changes a head and completes a task."""
    with running_server(sqlite_template, files_root, tmp_path_factory.mktemp("e2e-duty")) as base:
        yield base


@pytest.fixture(params=["desktop", "phone"])
def viewport(request: pytest.FixtureRequest) -> tuple[str, dict[str, int]]:
    """A common laptop width (1366) and the phone."""
    return request.param, LAPTOP if request.param == "desktop" else PHONE


def _unit(client: httpx.Client) -> dict:
    return next(u for u in client.get("/api/v1/hazards/units").json() if u["code"] == UNIT)


def _take_over_and_complete(server: str, tmp: Path) -> tuple[int, int]:
    """Name the safety manager operational head of 1# 罐区 and complete one task with a photo;
    returns (task id, photo id)."""
    with api(server) as client:
        unit = _unit(client)
        me = client.get("/api/v1/basics/r/people", params={"q": USER_PERSON}).json()["items"][0]["id"]
        r = client.put(
            f"/api/v1/hazards/units/{unit['id']}/duties", json={"role": "operational", "person_id": me}
        )
        r.raise_for_status()
        assert r.json()["person_name"] == USER_PERSON
        tasks = client.get("/api/v1/hazards/tasks", params={"unit_id": unit["id"], "mine": "true"}).json()
        done = [t for t in tasks if t["done_at"] and t["photos"]]
        if done:
            return done[0]["id"], done[0]["photos"][0]
        task = next(t for t in tasks if not t["done_at"])
        photo = client.post(
            "/api/v1/files", files={"file": ("罐区巡查.png", _photo(tmp / "p.png").read_bytes(), "image/png")}
        ).json()
        body = {
            "result": "abnormal",
            "note": "T-102 出口阀法兰轻微渗漏，已报修。",
            "photos": [photo["id"]],
            "lat": 38.04505,
            "lon": 114.51634,
        }
        r = client.post(f"/api/v1/hazards/tasks/{task['id']}/complete", json=body)
        r.raise_for_status()
        assert r.json()["x"] is not None and r.json()["person_name"] == USER_PERSON
        return task["id"], photo["id"]


def test_take_over_complete_and_see_the_photo(page, server, tmp_path):
    task_id, photo_id = _take_over_and_complete(server, tmp_path)
    with api(server) as client:
        unit = _unit(client)
    login(page)

    # My tasks: the cards and the completion dialog name the unit (no lookup of all units).
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 38.0441, "longitude": 114.5172, "accuracy": 8})
    open_menu_item(page, "我的包保任务")
    page.wait_for_url(re.compile(r"/hazards/tasks"))
    card = page.locator(".task-card").filter(has_text=UNIT).first
    card.wait_for()
    assert f"{UNIT} {unit['name']}" in card.inner_text()
    no_horizontal_overflow(page)
    shot(page, "hazards-duty-01-my-tasks")
    card.locator(".btn-complete").click()
    dialog = page.locator(".task-complete-dialog")
    dialog.locator(".position[data-state='ok']").wait_for()
    assert f"{UNIT} {unit['name']}" in dialog.locator(".task-head").inner_text()
    shot(page, "hazards-duty-02-complete-dialog")
    dialog.get_by_role("button", name="取消").click()
    dialog.wait_for(state="hidden")

    # The unit's 包保 tab: heads by name; the done task with who did it, the note and the photo.
    page.goto(f"/hazards/units/{unit['id']}?tab=duty")
    expect(page.locator(".head-card[data-role='operational'] .person")).to_have_text(USER_PERSON)
    assert "#" not in page.locator(".heads").inner_text()
    shot(page, "hazards-duty-03-unit-heads")
    page.locator(".tasks-head .el-switch").click()  # show done tasks too
    photo = page.locator(f".unit-duties .photo[data-file='{photo_id}'] img")
    photo.scroll_into_view_if_needed()
    photo.wait_for()
    page.wait_for_function(
        "(sel) => { const i = document.querySelector(sel); return i && i.complete && i.naturalWidth > 0 }",
        arg=f".unit-duties .photo[data-file='{photo_id}'] img",
    )
    assert photo.get_attribute("src") == f"/api/v1/hazards/tasks/{task_id}/photos/{photo_id}"
    done = page.locator(".unit-duties .task").filter(has=page.locator(f".photo[data-file='{photo_id}']"))
    text = done.inner_text()
    assert f"{USER_PERSON} 于" in text and "法兰轻微渗漏" in text
    no_horizontal_overflow(page)
    done.scroll_into_view_if_needed()
    shot(page, "hazards-duty-04-unit-done-with-photo")

    photo.click()
    page.locator(".el-image-viewer__wrapper").wait_for()
    shot(page, "hazards-duty-05-photo-preview")
    if not is_phone(page):
        page.keyboard.press("Escape")
