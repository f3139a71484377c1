"""The built SPA is served with history-mode fallback; API paths always answer JSON."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from anguan.app import create_app
from tests.conftest import test_settings as make_settings


@pytest.fixture
async def spa_client(sqlite_url: str, tmp_path: Path):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>Anguan SPA</title>", encoding="utf-8")
    (dist / "favicon.svg").write_text("<svg/>", encoding="utf-8")
    (dist / "assets" / "app.js").write_text("console.log(1)", encoding="utf-8")
    app = create_app(make_settings(tmp_path, sqlite_url, web_dist=dist))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            yield c


@pytest.mark.parametrize("path", ["/", "/identity/users", "/audit?page=2", "/deep/client/route"])
async def test_client_routes_get_the_page(spa_client, path):
    r = await spa_client.get(path)
    assert r.status_code == 200
    assert "Anguan SPA" in r.text
    assert r.headers["cache-control"] == "no-cache"


async def test_build_files_are_served(spa_client):
    assert (await spa_client.get("/favicon.svg")).text == "<svg/>"
    assert (await spa_client.get("/assets/app.js")).text == "console.log(1)"


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/v1/nothing-here", 404, "common.not_found"),
        ("POST", "/api/v1/nothing-here", 404, "common.not_found"),
        ("GET", "/api", 404, "common.not_found"),
        ("POST", "/identity/users", 404, "common.not_found"),
        ("DELETE", "/api/v1/auth/me", 405, "common.method_not_allowed"),
    ],
)
async def test_api_and_non_get_misses_stay_json(spa_client, method, path, status, code):
    r = await spa_client.request(method, path)
    assert r.status_code == status
    assert r.json()["code"] == code


@pytest.mark.parametrize("path", ["/", "/api/health", "/api/v1/nothing-here"])
async def test_security_headers_on_pages_and_api(spa_client, path):
    r = await spa_client.get(path)
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-eval" not in csp
