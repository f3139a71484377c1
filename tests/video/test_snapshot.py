"""A camera's still image through the server (GET /video/cameras/{id}/snapshot): fetched over HTTP from
the camera's snapshot URL (here a real HTTP server on a free local port standing in for the NVR),
passed on as an image; no snapshot URL is 404 `video.no_snapshot`; a camera that answers with
something else than an image, an error, a redirect or nothing is 503 `video.snapshot_unavailable`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.video.conftest import World

VC = "/api/v1/video/cameras"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class Nvr(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        routes: dict[str, tuple[int, str, bytes, dict[str, str]]] = {
            "/snap.png": (200, "image/png", PNG, {}),
            "/page.html": (200, "text/html", b"<html></html>", {}),
            "/missing.jpg": (404, "text/plain", b"no", {}),
            "/moved.jpg": (302, "text/plain", b"", {"Location": "/snap.png"}),
        }
        status, kind, body, extra = routes.get(self.path, (404, "text/plain", b"", {}))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def nvr() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Nvr)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def _camera(world: World, snapshot: str | None, code: str) -> int:
    safety = await world.callers("safety")
    r = await safety.post(
        VC,
        json={
            "code": code,
            "name": f"抓图测试 {code}",
            "site_id": world.ids["HB-01"],
            "stream_url": "rtsp://10.0.0.9/ch1",
            "snapshot_url": snapshot,
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/snap.png", 200, None),
        ("/page.html", 503, "video.snapshot_unavailable"),  # not an image
        ("/missing.jpg", 503, "video.snapshot_unavailable"),
        ("/moved.jpg", 503, "video.snapshot_unavailable"),  # redirects are not followed
    ],
)
async def test_snapshot_is_passed_on_only_when_it_is_an_image(
    world: World, nvr: str, path: str, status: int, code: str | None
) -> None:
    cid = await _camera(world, nvr + path, f"CAM-SNAP-{status}-{path.strip('/').split('.')[0].upper()}")
    r = await (await world.callers("operator")).get(f"{VC}/{cid}/snapshot")
    assert r.status_code == status, r.text
    if code is None:
        assert (r.content, r.headers["content-type"]) == (PNG, "image/png")
        assert "no-store" in r.headers["cache-control"]
    else:
        assert r.json()["code"] == code


async def test_no_snapshot_url_and_nobody_answering(world: World) -> None:
    safety = await world.callers("safety")
    none = await _camera(world, None, "CAM-SNAP-NONE")
    r = await safety.get(f"{VC}/{none}/snapshot")
    assert r.status_code == 404 and r.json()["code"] == "video.no_snapshot"
    # a port nobody listens on
    dead = await _camera(world, "http://127.0.0.1:9/snap.jpg", "CAM-SNAP-DEAD")
    r = await safety.get(f"{VC}/{dead}/snapshot")
    assert r.status_code == 503 and r.json()["code"] == "video.snapshot_unavailable"
    assert (await safety.get(f"{VC}/999999/snapshot")).status_code == 404
