"""LocalFileStore and the /api/v1/files endpoints."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from anguan.core.files import LocalFileStore
from anguan.identity import permissions as P
from tests.plant.support import DEMO_USERNAMES, counts, perms_of


def test_store_is_content_addressed_and_idempotent(tmp_path: Path):
    store = LocalFileStore(tmp_path / "files")
    data = "动火作业票签字照片".encode()
    key = store.put(data)
    assert key == hashlib.sha256(data).hexdigest()
    path = tmp_path / "files" / key[:2] / key
    assert path.read_bytes() == data
    mtime = path.stat().st_mtime_ns
    assert store.put(data) == key  # second write of the same bytes: same key, file untouched
    assert path.stat().st_mtime_ns == mtime
    assert store.get(key) == data and store.exists(key)
    assert store.put(b"") == hashlib.sha256(b"").hexdigest()
    other = store.put(data + b"!")
    assert other != key and store.get(other) == data + b"!"
    leftovers = [p.name for p in (tmp_path / "files").rglob("*") if p.is_file() and len(p.name) != 64]
    assert leftovers == []  # no temporary files left behind


@pytest.mark.parametrize(
    "key",
    [
        "",
        "../../etc/passwd",
        "a" * 63,
        "a" * 65,
        "A" * 64,  # upper-case hex is not what put() produces
        "g" * 64,
        "../" + "a" * 61,
        "/" + "a" * 63,
        "a" * 62 + "\x00a",
    ],
)
def test_store_refuses_bad_keys(tmp_path: Path, key: str):
    store = LocalFileStore(tmp_path)
    with pytest.raises(ValueError):
        store.get(key)
    assert store.exists(key) is False


def test_missing_key_is_not_found(tmp_path: Path):
    store = LocalFileStore(tmp_path)
    key = "0" * 64
    assert store.exists(key) is False
    with pytest.raises(FileNotFoundError):
        store.get(key)


FILE_WRITERS = [u for u in DEMO_USERNAMES if P.FILES_WRITE in perms_of(u)]


def test_file_writer_facts():
    # the contractor uploads drawn signatures and photos of its special work
    assert FILE_WRITERS == ["admin", "safety", "leader", "inspector", "contractor"]


@pytest.mark.parametrize("username", DEMO_USERNAMES)
async def test_upload_needs_files_write(sqlite_app: Any, sqlite_callers: Any, username: str):
    client = await sqlite_callers(username)
    database = sqlite_app.state.database
    before = await counts(database)
    data = f"evidence by {username}".encode()
    r = await client.post("/api/v1/files", files={"file": ("证据.jpg", data, "image/jpeg")})
    if username in FILE_WRITERS:
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["sha256"] == hashlib.sha256(data).hexdigest()
        assert (
            body["size"] == len(data) and body["name"] == "证据.jpg" and body["content_type"] == "image/jpeg"
        )
        assert (await counts(database))["stored_file"] == before["stored_file"] + 1
    else:
        assert r.status_code == 403 and r.json()["code"] == "common.forbidden"
        assert r.json()["params"] == {"permission": P.FILES_WRITE}
        assert (await counts(database))["stored_file"] == before["stored_file"]


async def test_upload_and_download_round_trip(app: Any, callers: Any):
    inspector, contractor, anon = await callers("inspector"), await callers("contractor"), await callers(None)
    data = b"\xff\xd8\xff" + bytes(range(256)) * 10
    r = await inspector.post("/api/v1/files", files={"file": ("巡检 照片.jpg", data, "image/jpeg")})
    assert r.status_code == 201, r.text
    file_id = r.json()["id"]
    # Another user cannot fetch it by guessing the id: it answers like a missing file.
    r = await contractor.get(f"/api/v1/files/{file_id}")
    assert r.status_code == 404 and r.json()["code"] == "common.not_found"
    r = await inspector.get(f"/api/v1/files/{file_id}")
    assert r.status_code == 200
    assert r.content == data
    # Served as a download, never rendered inline with the uploader's content type.
    assert r.headers["content-type"] == "application/octet-stream"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-disposition"] == (
        "attachment; filename*=UTF-8''%E5%B7%A1%E6%A3%80%20%E7%85%A7%E7%89%87.jpg"
    )
    r = await anon.get(f"/api/v1/files/{file_id}")
    assert r.status_code == 401 and r.json()["code"] == "common.not_authenticated"
    r = await anon.post("/api/v1/files", files={"file": ("a.txt", b"x", "text/plain")})
    assert r.status_code == 401
    r = await contractor.get("/api/v1/files/987654")
    assert r.status_code == 404 and r.json()["code"] == "common.not_found"
    r = await contractor.get(f"/api/v1/files/{2**63}")
    assert r.status_code == 422


async def test_same_bytes_uploaded_twice_share_one_stored_object(sqlite_app: Any, sqlite_callers: Any):
    admin = await sqlite_callers("admin")
    a = (
        await admin.post("/api/v1/files", files={"file": ("a.bin", b"same", "application/octet-stream")})
    ).json()
    b = (
        await admin.post("/api/v1/files", files={"file": ("b.bin", b"same", "application/octet-stream")})
    ).json()
    assert a["id"] != b["id"] and a["sha256"] == b["sha256"]
    assert (await admin.get(f"/api/v1/files/{a['id']}")).content == b"same"
    assert (
        "filename*=UTF-8''b.bin"
        in (await admin.get(f"/api/v1/files/{b['id']}")).headers["content-disposition"]
    )
