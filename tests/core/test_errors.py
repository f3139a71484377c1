"""Error bodies, messages per Accept-Language, request ids, JSON 404s under /api, OpenAPI conventions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from anguan.core.errors import install_error_handlers
from anguan.core.i18n import has_message, negotiate_locale, register_messages, translate
from anguan.core.web import RequestIdMiddleware
from tests.plant.support import Callers, running_app, settings_for

SRC = Path(__file__).resolve().parents[2] / "src" / "anguan"
ERROR_KEYS = {"code", "message", "params", "request_id"}


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        (None, "zh-CN"),
        ("", "zh-CN"),
        ("en-US", "en-US"),
        ("en", "en-US"),
        ("EN-gb,en;q=0.8", "en-US"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        ("zh-TW", "zh-CN"),
        ("fr-FR,en;q=0.5", "en-US"),
        ("de-DE", "zh-CN"),
        ("*", "zh-CN"),
    ],
)
def test_negotiate_locale(header: str | None, locale: str):
    assert negotiate_locale(header) == locale


def test_translate_params_named_like_its_own_arguments():
    """plant.code_taken carries a `code` param; rendering it must not clash with the message code."""
    from anguan.plant.locales import MESSAGES

    register_messages(MESSAGES)
    assert translate("plant.code_taken", "en-US", code="TF-01") == "Code TF-01 is already used"
    assert translate("plant.code_taken", "zh-CN", code="TF-01") == "编码 TF-01 已被使用"
    assert translate("common.payload_too_large", "en-US", limit_mb=2, locale="x") == "The upload exceeds 2 MB"
    assert translate("no.such.code", "en-US") == "no.such.code"
    assert translate("common.payload_too_large", "en-US") == "The upload exceeds {limit_mb} MB"


def test_register_messages_needs_both_locales():
    with pytest.raises(ValueError):
        register_messages({"test.only_zh": {"zh-CN": "仅中文"}})
    assert not has_message("test.only_zh")


def test_every_plant_and_core_error_code_has_both_messages():
    """Codes raised in plant/ and core/ (string literals like "plant.x") are catalogued in zh-CN and en-US."""
    from anguan.app import create_app  # registers the module catalogues

    create_app(settings_for(Path("/nonexistent"), "sqlite+aiosqlite:///:memory:"))
    pattern = re.compile(
        r"""(?:NotFound|Forbidden|Conflict|Unprocessable|BadRequest|PayloadTooLarge|Locked|NotAuthenticated)\(\s*"([a-z_]+\.[a-z_]+)\""""
    )
    codes: set[str] = set()
    for folder in ("plant", "core"):
        for path in (SRC / folder).glob("*.py"):
            codes |= set(pattern.findall(path.read_text(encoding="utf-8")))
    codes |= {
        "common.internal_error",
        "common.not_found",
        "common.method_not_allowed",
        "common.validation_error",
    }
    assert "plant.code_taken" in codes and "plant.department_cycle" in codes  # the scan works
    for code in sorted(codes):
        assert has_message(code), code
        zh, en = translate(code, "zh-CN"), translate(code, "en-US")
        assert zh != en and zh != code and en != code, code


@pytest.fixture
async def client(sqlite_app: Any) -> Any:
    callers = Callers(sqlite_app)
    yield callers
    await callers.aclose()


async def test_error_body_and_messages_by_accept_language(client: Any):
    anon = await client(None)
    for header, message in [("en-US,en;q=0.9", "Please sign in"), ("zh-CN", "请先登录"), (None, "请先登录")]:
        headers = {"Accept-Language": header} if header else {}
        r = await anon.get("/api/v1/plant/sites", headers=headers)
        assert r.status_code == 401
        body = r.json()
        assert set(body) == ERROR_KEYS
        assert body["code"] == "common.not_authenticated"
        assert body["message"] == message
        assert body["params"] == {}
        assert body["request_id"] == r.headers["x-request-id"]


async def test_error_params_are_rendered_in_both_languages(client: Any):
    admin = await client("admin")
    body = {"code": "SHE", "name": "重复"}
    r = await admin.post("/api/v1/plant/departments", json=body, headers={"Accept-Language": "en-US"})
    assert r.status_code == 409
    assert r.json()["message"] == "Code SHE is already used" and r.json()["params"] == {"code": "SHE"}
    r = await admin.post("/api/v1/plant/departments", json=body, headers={"Accept-Language": "zh-CN"})
    assert r.json()["message"] == "编码 SHE 已被使用"


async def test_validation_error_lists_the_fields(client: Any):
    admin = await client("admin")
    r = await admin.post(
        "/api/v1/plant/sites", json={"code": "bad code!", "width_m": -1}, headers={"Accept-Language": "en"}
    )
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "common.validation_error" and body["message"] == "The input is not valid"
    fields = {f["field"] for f in body["params"]["fields"]}
    assert {"code", "name", "width_m", "height_m"} <= fields
    assert all(set(f) == {"field", "type", "msg"} for f in body["params"]["fields"])


@pytest.mark.parametrize(
    "path", ["/api/v1/nope", "/api/nope", "/api/v1/plant/nope", "/api/v1/plant/sites/1/nope"]
)
async def test_unknown_api_path_is_a_json_404(client: Any, path: str):
    r = await (await client("admin")).get(path, headers={"Accept-Language": "en-US"})
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/json"
    assert r.json()["code"] == "common.not_found" and r.json()["message"] == "Not found"


async def test_wrong_method_is_a_json_405(client: Any):
    r = await (await client("admin")).delete("/api/v1/plant/enterprise")
    assert r.status_code == 405 and r.json()["code"] == "common.method_not_allowed"


@pytest.mark.parametrize("spa", [True, False], ids=["spa-built", "no-spa"])
async def test_api_404_stays_json_whether_or_not_the_spa_is_served(
    sqlite_url: str, tmp_path: Path, files_root: Path, monkeypatch: pytest.MonkeyPatch, spa: bool
):
    monkeypatch.chdir(tmp_path)  # the app also looks for ./web/dist
    extra: dict[str, Any] = {}
    if spa:
        dist = tmp_path / "dist"
        (dist / "assets").mkdir(parents=True)
        (dist / "index.html").write_text("<!doctype html><div id=app></div>")
        (dist / "favicon.ico").write_bytes(b"ico")
        (dist / "assets" / "app.js").write_text("console.log(1)")
        extra["web_dist"] = dist
    else:
        extra["web_dist"] = tmp_path / "not-built"  # configured, but nothing there
    async with running_app(settings_for(tmp_path, sqlite_url, files_root, **extra)) as app:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            r = await c.get("/api/v1/no/such/thing")
            assert r.status_code == 404 and r.json()["code"] == "common.not_found"
            assert (await c.get("/api/health")).json()["status"] == "ok"
            assert (await c.get("/api/openapi.json")).status_code == 200
            r = await c.get("/plant/map/1")
            if spa:
                assert r.status_code == 200 and "<div id=app>" in r.text
                assert r.headers["cache-control"] == "no-cache"
                assert (await c.get("/favicon.ico")).content == b"ico"
                assert (await c.get("/assets/app.js")).text == "console.log(1)"
            else:
                assert r.status_code == 404 and r.json()["code"] == "common.not_found"
                assert "SPA not built" in (await c.get("/")).json()["message"]


@pytest.mark.parametrize(
    ("sent", "echoed"),
    [
        ("abc-123-DEF", True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("has space", False),
        ("semi;colon", False),
        ("", False),
    ],
)
async def test_request_id_is_echoed_when_sane(client: Any, sent: str, echoed: bool):
    anon = await client(None)
    r = await anon.get("/api/v1/plant/sites", headers={"X-Request-ID": sent})
    rid = r.headers["x-request-id"]
    assert r.json()["request_id"] == rid
    if echoed:
        assert rid == sent
    else:
        assert rid != sent and re.fullmatch(r"[0-9a-f]{32}", rid)


async def test_request_id_on_success_and_unique_per_request(client: Any):
    admin = await client("admin")
    a, b = await admin.get("/api/v1/plant/sites"), await admin.get("/api/v1/plant/sites")
    assert a.status_code == 200
    assert re.fullmatch(r"[0-9a-f]{32}", a.headers["x-request-id"])
    assert a.headers["x-request-id"] != b.headers["x-request-id"]


async def test_unexpected_error_is_500_with_request_id_and_no_details(caplog: pytest.LogCaptureFixture):
    app = FastAPI()
    router = APIRouter()

    @router.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret connection string postgres://u:p@h")

    app.include_router(router)
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        r = await c.get("/boom", headers={"X-Request-ID": "req-42", "Accept-Language": "en-US"})
    assert r.status_code == 500
    assert r.json() == {
        "code": "common.internal_error",
        "message": "Internal server error; please contact the administrator",
        "params": {},
        "request_id": "req-42",
    }
    assert r.headers["x-request-id"] == "req-42"
    assert any("req-42" in rec.getMessage() for rec in caplog.records)


async def test_openapi_ids_and_declared_errors(client: Any):
    spec = (await (await client(None)).get("/api/openapi.json")).json()
    seen: set[str] = set()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            tag = op["tags"][0]
            assert op["operationId"].startswith(f"{tag}-"), (method, path)
            assert op["operationId"] not in seen
            seen.add(op["operationId"])
    area = spec["paths"]["/api/v1/plant/areas/{area_id}"]["patch"]["responses"]
    assert "common.conflict" in area["409"]["description"]
    assert "common.forbidden" in area["403"]["description"]
    assert area["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    drawing = spec["paths"]["/api/v1/plant/sites/{site_id}/drawing"]["put"]["responses"]
    assert "common.payload_too_large" in drawing["413"]["description"]


def test_every_basics_code_has_both_messages():
    """Codes the basics module raises, reports per field or per import row are catalogued in both languages."""
    from anguan.app import create_app  # registers the module catalogues
    from anguan.core import excel

    create_app(settings_for(Path("/nonexistent"), "sqlite+aiosqlite:///:memory:"))
    # A code as an error's, a field problem's or a cell error's code, or returned as a problem code.
    errors = "NotFound|Forbidden|Conflict|Unprocessable|BadRequest|PayloadTooLarge|Locked|FieldProblem|_Bad"
    literal = re.compile(
        rf"""(?:(?:{errors})\(\s*(?:[^()"]*?,\s*|"[a-z_]+",\s*)?|return\s+)"(basics\.[a-z_]+)"""
    )
    codes: set[str] = set()
    for path in (SRC / "basics").glob("*.py"):
        if path.name.endswith("locales.py"):
            continue
        codes |= set(literal.findall(path.read_text(encoding="utf-8")))
    prefixed = re.compile(r"""f"\{prefix\}\.([a-z_]+)\"""")
    codes |= {f"basics.{c}" for c in prefixed.findall(Path(excel.__file__).read_text(encoding="utf-8"))}
    assert {
        "basics.invalid_cas",
        "basics.import_bad_date",
        "basics.duplicate_in_file",
    } <= codes  # the scan works
    for code in sorted(codes):
        assert has_message(code), code
        zh, en = translate(code, "zh-CN"), translate(code, "en-US")
        assert zh != en and zh != code and en != code, code
