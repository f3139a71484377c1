"""Browser tests: a real `anguan serve` on the seeded demo database, driven by Debian's Chromium.

Playwright drives the system Chromium by its executable path; no browser is ever downloaded.
Screenshots go to test-output/screenshots/ for people to look at.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import CI, SKIPPED

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _need(condition: bool, what: str) -> None:
    if condition:
        return
    if CI:
        pytest.fail(f"{what}: required under CI=true")
    SKIPPED["browser"] = what
    pytest.skip(what)


@contextlib.contextmanager
def running_server(sqlite_template: Path, files_root: Path, var: Path, **extra_env: str) -> Iterator[str]:
    """`anguan serve` on a copy of the seeded demo database in `var`; yields its base URL."""
    dist = ROOT / "web" / "dist"
    _need((dist / "index.html").exists(), "the SPA is not built (web/dist); run `make web`")
    db = var / "anguan.db"
    shutil.copyfile(sqlite_template, db)
    port = _free_port()
    env = {
        **os.environ,
        "ANGUAN_ENVIRONMENT": "test",
        "ANGUAN_VAR_DIR": str(var),
        "ANGUAN_DATABASE_URL": f"sqlite+aiosqlite:///{db}",
        "ANGUAN_STORAGE__ROOT": str(files_root),
        "ANGUAN_WEB_DIST": str(dist),
        "ANGUAN_LOG_LEVEL": "WARNING",
        **extra_env,
    }
    log = (var / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "anguan.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            if proc.poll() is not None:
                raise RuntimeError("anguan serve exited: " + (var / "server.log").read_text())
            time.sleep(0.3)
        else:
            raise RuntimeError("anguan serve did not answer /api/health in 60 s")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def server(
    sqlite_template: Path, files_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`anguan serve` on a copy of the seeded demo database; yields its base URL."""
    with running_server(sqlite_template, files_root, tmp_path_factory.mktemp("e2e-var")) as base:
        yield base


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    """Debian's Chromium under Playwright (after the server: Playwright's sync API owns the event loop)."""
    _need(Path(CHROMIUM).exists(), "Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(params=["desktop", "phone"])
def viewport(request: pytest.FixtureRequest) -> tuple[str, dict[str, int]]:
    """Each browser test runs at desktop and at phone width."""
    return request.param, DESKTOP if request.param == "desktop" else PHONE


@pytest.fixture
def page(browser: object, server: str, viewport: tuple[str, dict[str, int]]) -> Iterator[object]:
    """A fresh browser context (no cookies) at the test's viewport, zh-CN first."""
    name, size = viewport
    ctx = browser.new_context(  # type: ignore[attr-defined]
        viewport=size,
        locale="zh-CN",
        base_url=server,
        is_mobile=name == "phone",
        has_touch=name == "phone",
        device_scale_factor=1,
    )
    pg = ctx.new_page()
    pg.set_default_timeout(15000)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    # A Content-Security-Policy violation only shows in the console: treat it as an error too.
    pg.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" and "Refused to" in msg.text else None,
    )
    pg.viewport_name = name  # type: ignore[attr-defined]
    yield pg
    ctx.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def shot(page: object, name: str) -> Path:
    """Save a full-page screenshot as test-output/screenshots/<name>-<viewport>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}-{page.viewport_name}.png"  # type: ignore[attr-defined]
    page.screenshot(path=str(path), full_page=False, animations="disabled")  # type: ignore[attr-defined]
    return path
