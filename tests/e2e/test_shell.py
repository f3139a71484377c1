"""Critical flows in a real Chromium, at desktop and phone width: login → map → user administration."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.e2e.conftest import shot

pytestmark = pytest.mark.browser
PASSWORD = "Anguan@2026"


def login(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.locator("input[autocomplete=username]").fill(username)
    page.locator("input[autocomplete=current-password]").fill(password)
    page.locator(".login-submit").click()


def open_menu_item(page, label: str) -> None:
    """Click a side-menu entry; at phone width the menu lives in a drawer behind the ☰ button."""
    if page.viewport_name == "phone":  # type: ignore[attr-defined]
        page.locator(".menu-toggle").click()
    item = page.locator(".el-menu-item", has_text=label).last
    item.wait_for(state="visible")
    item.click()


def map_area_paths(page):
    return page.locator(".plant-map .leaflet-overlay-pane path")


def test_login_map_and_user_administration(page):
    login(page, "admin")
    page.wait_for_url(re.compile(r"/$"))
    page.locator(".plant-map").wait_for()
    # Every demo area is drawn over the site drawing.
    paths = map_area_paths(page)
    paths.first.wait_for()
    assert paths.count() == 13
    drawing = page.locator(".plant-map img.leaflet-image-layer")
    drawing.wait_for()
    page.wait_for_function(
        "() => { const i = document.querySelector('.plant-map img.leaflet-image-layer');"
        " return i && i.complete && i.naturalWidth > 0 }"
    )
    shot(page, "01-home-map")

    open_menu_item(page, "用户管理")
    page.wait_for_url(re.compile(r"/identity/users"))
    table = page.locator(".el-table")
    table.get_by_text("secadmin", exact=True).first.wait_for()
    shot(page, "02-users")

    # Create a user through the dialog; it then appears in the list.
    name = f"e2e{uuid.uuid4().hex[:6]}"
    page.get_by_role("button", name="新建用户").click()
    dialog = page.locator(".el-dialog").filter(has_text="新建用户")
    dialog.wait_for()
    dialog.locator(".el-form-item", has_text="用户名").locator("input").fill(name)
    dialog.locator(".el-form-item", has_text="姓名").first.locator("input").fill("端到端测试")
    dialog.locator("input[autocomplete=new-password]").fill("Temp#2026pass")
    shot(page, "03-user-create")
    dialog.get_by_role("button", name="保存").click()
    dialog.wait_for(state="hidden")
    page.locator(".page-toolbar input").fill(name)
    page.locator(".page-toolbar input").press("Enter")
    table.get_by_text(name, exact=True).wait_for()


def test_wrong_password_shows_a_clear_message(page):
    login(page, "admin", "wrong-password")
    err = page.locator(".login-error")
    err.wait_for()
    assert "用户名或密码错误" in err.inner_text()
    shot(page, "00-login-error")


def test_contractor_sees_only_the_tank_farm_and_no_admin_menu(page):
    login(page, "contractor")
    page.locator(".plant-map").wait_for()
    paths = map_area_paths(page)
    paths.first.wait_for()
    assert paths.count() == 3  # TF-01 and its two fire dikes
    if page.viewport_name == "phone":  # type: ignore[attr-defined]
        page.locator(".menu-toggle").click()
    page.locator(".side-menu").first.wait_for()
    assert page.locator(".el-menu-item", has_text="用户管理").count() == 0
    shot(page, "04-contractor-map")


def test_auditor_reads_and_verifies_the_audit_log(page):
    login(page, "auditor")
    page.locator(".plant-map").wait_for()
    open_menu_item(page, "审计日志")
    page.wait_for_url(re.compile(r"/audit"))
    page.locator(".el-table").get_by_text("identity.login").first.wait_for()
    page.get_by_role("button", name="校验哈希链").click()
    alert = page.locator(".el-alert")
    alert.wait_for()
    assert "审计日志完整" in alert.inner_text()
    shot(page, "05-audit-log")


def test_language_switch_to_english(page):
    login(page, "admin")
    page.locator(".plant-map").wait_for()
    page.locator(".app-header").get_by_role("button", name="语言").click()
    page.locator(".el-dropdown-menu__item", has_text="English").click()
    page.wait_for_function("() => document.documentElement.lang === 'en-US'")
    assert page.locator(".app-header").get_by_role("button", name="Language").count() == 1
    shot(page, "06-home-en")


def test_first_login_forces_a_password_change(page, server):
    """An account created by an administrator must change its temporary password before anything else."""
    import httpx

    name = f"first{uuid.uuid4().hex[:6]}"
    with httpx.Client(base_url=server) as admin, httpx.Client(base_url=server) as sec:
        for c, who in ((admin, "admin"), (sec, "secadmin")):
            r = c.post("/api/v1/auth/login", json={"username": who, "password": PASSWORD})
            assert r.status_code == 200, r.text
            c.headers["X-CSRF-Token"] = c.cookies["anguan_csrf"]
        r = admin.post(
            "/api/v1/users", json={"username": name, "display_name": "新员工", "password": "Temp#2026pass"}
        )
        assert r.status_code == 201, r.text
        uid = r.json()["id"]
        assert sec.put(f"/api/v1/users/{uid}/roles", json={"roles": ["operator"]}).status_code == 200
        assert sec.put(f"/api/v1/users/{uid}/scopes", json={"scopes": [{"kind": "all"}]}).status_code == 200

    login(page, name, "Temp#2026pass")
    dialog = page.locator(".el-dialog").filter(has=page.locator("input[autocomplete=current-password]"))
    dialog.wait_for()
    assert page.locator(".plant-map").count() == 0  # nothing behind the dialog until the change is done
    shot(page, "07-forced-password-change")
    dialog.locator("input[autocomplete=current-password]").fill("Temp#2026pass")
    dialog.locator("input[autocomplete=new-password]").nth(0).fill("Fresh#2026pass")
    dialog.locator("input[autocomplete=new-password]").nth(1).fill("Fresh#2026pass")
    dialog.get_by_role("button", name="保存").click()
    page.locator(".plant-map .leaflet-overlay-pane path").first.wait_for()
    assert map_area_paths(page).count() == 13
