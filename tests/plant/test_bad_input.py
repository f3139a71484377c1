"""Bad input gets a 4xx with a stable code and changes nothing (rows, audit entries, outbox)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from anguan.simulator import plant_layout as L
from tests.plant.support import Callers, counts, ids_by_code, plant_snapshot, running_app, settings_for

API = "/api/v1/plant"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'
BIG = 2**63


def _area(site: int, **over: Any) -> dict[str, Any]:
    body = {
        "site_id": site,
        "code": "NEW-1",
        "name": "新区域",
        "kind": "other",
        "polygon": [[320, 20], [360, 20], [360, 50]],
    }
    return body | over


def _drawing(name: str, data: bytes, ctype: str) -> dict[str, Any]:
    return {"files": {"file": (name, data, ctype)}}


# (case id, method, path template, request kwargs builder, status, code, expected params or None)
CASES: list[tuple[str, str, str, Any, int, str, Any]] = [
    (
        "polygon-bow-tie",
        "POST",
        "/areas",
        lambda i: {"json": _area(i["site"], polygon=[[0, 0], [30, 20], [30, 0], [0, 10]])},
        422,
        "plant.invalid_polygon",
        {"problems": ["self_intersecting"]},
    ),
    (
        "polygon-outside-site",
        "POST",
        "/areas",
        lambda i: {"json": _area(i["site"], polygon=[[590, 390], [610, 390], [600, 410]])},
        422,
        "plant.invalid_polygon",
        {"problems": ["outside_site"]},
    ),
    (
        "sub-area-sticking-out-of-its-parent",
        "POST",
        "/areas",
        lambda i: {
            "json": _area(i["site"], parent_id=i["TF-01"], polygon=[[250, 300], [280, 300], [280, 330]])
        },
        422,
        "plant.outside_parent",
        {"code": "TF-01"},
    ),
    (
        "parent-outline-cutting-off-its-dikes",
        "PATCH",
        "/areas/{TF-01}",
        lambda i: {"json": {"polygon": [[40, 220], [140, 220], [140, 372], [40, 372]]}},
        409,
        "plant.children_outside",
        {"codes": ["DK-01", "DK-02"]},
    ),
    (
        "site-shrunk-below-its-areas",
        "PATCH",
        "/sites/{site}",
        lambda i: {"json": {"width_m": 500}},
        409,
        "plant.site_too_small",
        {"codes": ["OF-01", "PU-01", "RD-01", "UT-01"]},
    ),
    (
        "polygon-zero-area",
        "POST",
        "/areas",
        lambda i: {"json": _area(i["site"], polygon=[[0, 0], [5, 5], [10, 10]])},
        422,
        "plant.invalid_polygon",
        {"problems": ["zero_area"]},
    ),
    (
        "polygon-501-distinct-vertices",
        "POST",
        "/areas",
        lambda i: {"json": _area(i["site"], polygon=[[x * 0.5, (x % 2) * 0.5] for x in range(501)])},
        422,
        "plant.invalid_polygon",
        {"problems": ["vertex_count"]},
    ),
    (
        "polygon-closed-2-vertices",
        "POST",
        "/areas",
        lambda i: {"json": _area(i["site"], polygon=[[0, 0], [5, 5], [0, 0]])},
        422,
        "plant.invalid_polygon",
        {"problems": ["vertex_count"]},
    ),
    (
        "polygon-3d-point",
        "POST",
        "/areas",
        lambda i: {"json": _area(i["site"], polygon=[[0, 0], [5, 5, 5], [0, 9]])},
        422,
        "plant.invalid_polygon",
        {"problems": ["bad_point"]},
    ),
    (
        "polygon-502-points-schema",
        "POST",
        "/areas",
        lambda i: {"json": _area(i["site"], polygon=[[1, 1]] * 502)},
        422,
        "common.validation_error",
        None,
    ),
    (
        "polygon-update-self-intersecting",
        "PATCH",
        "/areas/{TF-01}",
        lambda i: {"json": {"name": "改名不应生效", "polygon": [[0, 0], [30, 20], [30, 0], [0, 10]]}},
        422,
        "plant.invalid_polygon",
        {"problems": ["self_intersecting"]},
    ),
    (
        "polygon-update-outside-site",
        "PATCH",
        "/areas/{PU-01}",
        lambda i: {"json": {"polygon": [[500, 300], [700, 300], [700, 390]]}},
        422,
        "plant.invalid_polygon",
        {"problems": ["outside_site"]},
    ),
    (
        "equipment-outside-site",
        "POST",
        "/equipment",
        lambda i: {
            "json": {"site_id": i["site"], "tag": "X-1", "name": "x", "kind": "pump", "x": 600.5, "y": 10}
        },
        422,
        "plant.outside_site",
        {},
    ),
    (
        "equipment-negative-coordinate",
        "POST",
        "/equipment",
        lambda i: {
            "json": {"site_id": i["site"], "tag": "X-1", "name": "x", "kind": "pump", "x": -1, "y": 10}
        },
        422,
        "common.validation_error",
        None,
    ),
    (
        "duplicate-area-code",
        "POST",
        "/areas",
        lambda i: {"json": _area(i["site"], code="TF-01")},
        409,
        "plant.code_taken",
        {"code": "TF-01"},
    ),
    (
        "duplicate-site-code",
        "POST",
        "/sites",
        lambda i: {"json": {"code": L.SITE_CODE, "name": "重复", "width_m": 10, "height_m": 10}},
        409,
        "plant.code_taken",
        {"code": L.SITE_CODE},
    ),
    (
        "duplicate-department-code",
        "POST",
        "/departments",
        lambda i: {"json": {"code": "SHE", "name": "重复"}},
        409,
        "plant.code_taken",
        {"code": "SHE"},
    ),
    (
        "duplicate-equipment-tag",
        "POST",
        "/equipment",
        lambda i: {
            "json": {"site_id": i["site"], "tag": "T-101", "name": "x", "kind": "tank", "x": 10, "y": 10}
        },
        409,
        "plant.code_taken",
        {"code": "T-101"},
    ),
    (
        "uscc-bad-check-code",
        "PATCH",
        "/enterprise",
        lambda i: {"json": {"name": "不应保存", "uscc": "91350100m000100y44"}},
        422,
        "plant.invalid_uscc",
        {"uscc": "91350100M000100Y44"},
    ),
    (
        "uscc-forbidden-letter",
        "PATCH",
        "/enterprise",
        lambda i: {"json": {"uscc": "91350100O000100Y43"}},
        422,
        "plant.invalid_uscc",
        {"uscc": "91350100O000100Y43"},
    ),
    (
        "uscc-wrong-length",
        "PATCH",
        "/enterprise",
        lambda i: {"json": {"uscc": "91350100M000100Y4"}},
        422,
        "common.validation_error",
        None,
    ),
    (
        "department-cycle-under-own-child",
        "PATCH",
        "/departments/{dept:PROD}",
        lambda i: {"json": {"name": "不应保存", "parent_id": i["dept:STOR"]}},
        409,
        "plant.department_cycle",
        {},
    ),
    (
        "department-cycle-self",
        "PATCH",
        "/departments/{dept:SYN}",
        lambda i: {"json": {"parent_id": i["dept:SYN"]}},
        409,
        "plant.department_cycle",
        {},
    ),
    (
        "department-unknown-parent",
        "PATCH",
        "/departments/{dept:SYN}",
        lambda i: {"json": {"parent_id": 987654}},
        422,
        "plant.department_not_found",
        {"id": 987654},
    ),
    (
        "department-create-unknown-parent",
        "POST",
        "/departments",
        lambda i: {"json": {"code": "NEW", "name": "x", "parent_id": 987654}},
        422,
        "plant.department_not_found",
        {"id": 987654},
    ),
    (
        "department-missing",
        "PATCH",
        "/departments/987654",
        lambda i: {"json": {"name": "x"}},
        404,
        "plant.department_not_found",
        {"id": 987654},
    ),
    (
        "area-unknown-department",
        "POST",
        "/areas",
        lambda i: {"json": _area(i["site"], department_id=987654)},
        422,
        "plant.department_not_found",
        {"id": 987654},
    ),
    (
        "area-update-unknown-department",
        "PATCH",
        "/areas/{TF-01}",
        lambda i: {"json": {"department_id": 987654}},
        422,
        "plant.department_not_found",
        {"id": 987654},
    ),
    (
        "area-unknown-parent",
        "POST",
        "/areas",
        lambda i: {"json": _area(i["site"], parent_id=987654)},
        404,
        "plant.area_not_found",
        {"id": 987654},
    ),
    (
        "area-unknown-site",
        "POST",
        "/areas",
        lambda i: {"json": _area(987654)},
        404,
        "plant.site_not_found",
        {"id": 987654},
    ),
    (
        "area-unknown-kind",
        "POST",
        "/areas",
        lambda i: {"json": _area(i["site"], kind="volcano")},
        422,
        "common.validation_error",
        None,
    ),
    (
        "area-bad-code-pattern",
        "POST",
        "/areas",
        lambda i: {"json": _area(i["site"], code="罐区 1")},
        422,
        "common.validation_error",
        None,
    ),
    (
        "area-delete-with-children",
        "DELETE",
        "/areas/{TF-01}",
        lambda i: {},
        409,
        "plant.area_has_children",
        {},
    ),
    ("area-missing", "GET", "/areas/987654", lambda i: {}, 404, "plant.area_not_found", {"id": 987654}),
    ("site-missing", "GET", "/sites/987654/map", lambda i: {}, 404, "plant.site_not_found", {"id": 987654}),
    ("site-id-not-a-number", "GET", "/sites/abc", lambda i: {}, 422, "common.validation_error", None),
    (
        "site-id-zero",
        "PATCH",
        "/sites/0",
        lambda i: {"json": {"name": "x"}},
        422,
        "common.validation_error",
        None,
    ),
    ("site-id-past-int64", "GET", f"/sites/{BIG}", lambda i: {}, 422, "common.validation_error", None),
    ("area-id-past-int64", "DELETE", f"/areas/{BIG}", lambda i: {}, 422, "common.validation_error", None),
    (
        "areas-filter-past-int64",
        "GET",
        f"/areas?site_id={BIG}",
        lambda i: {},
        422,
        "common.validation_error",
        None,
    ),
    (
        "body-id-past-int64",
        "POST",
        "/areas",
        lambda i: {"json": _area(BIG)},
        422,
        "common.validation_error",
        None,
    ),
    (
        "bad-json",
        "POST",
        "/departments",
        lambda i: {"content": b'{"code": "X", "name": ', "headers": {"content-type": "application/json"}},
        422,
        "common.validation_error",
        None,
    ),
    (
        "json-array-instead-of-object",
        "POST",
        "/departments",
        lambda i: {"json": [{"code": "X", "name": "x"}]},
        422,
        "common.validation_error",
        None,
    ),
    (
        "missing-fields",
        "POST",
        "/sites",
        lambda i: {"json": {"code": "HB-03"}},
        422,
        "common.validation_error",
        None,
    ),
    (
        "drawing-wrong-type",
        "PUT",
        "/sites/{site}/drawing",
        lambda i: _drawing("plan.txt", b"just text", "text/plain"),
        422,
        "plant.bad_drawing",
        {},
    ),
    (
        "drawing-pdf",
        "PUT",
        "/sites/{site}/drawing",
        lambda i: _drawing("plan.pdf", b"%PDF-1.7\n", "application/pdf"),
        422,
        "plant.bad_drawing",
        {},
    ),
    (
        "drawing-png-declared-but-not-png",
        "PUT",
        "/sites/{site}/drawing",
        lambda i: _drawing("plan.png", b"GIF89a....", "image/png"),
        422,
        "plant.bad_drawing",
        {},
    ),
    (
        "drawing-svg-declared-but-png-bytes",
        "PUT",
        "/sites/{site}/drawing",
        lambda i: _drawing("plan.svg", PNG, "image/svg+xml"),
        422,
        "plant.bad_drawing",
        {},
    ),
    (
        "drawing-svg-with-script",
        "PUT",
        "/sites/{site}/drawing",
        lambda i: _drawing(
            "plan.svg", SVG.replace(b"<rect", b"<script>alert(1)</script><rect"), "image/svg+xml"
        ),
        422,
        "plant.bad_drawing",
        {},
    ),
    (
        "drawing-svg-with-uppercase-script",
        "PUT",
        "/sites/{site}/drawing",
        lambda i: _drawing(
            "plan.svg", SVG.replace(b"<rect", b"<SCRIPT>alert(1)</SCRIPT><rect"), "image/svg+xml"
        ),
        422,
        "plant.bad_drawing",
        {},
    ),
    (
        "drawing-svg-with-onload-handler",
        "PUT",
        "/sites/{site}/drawing",
        lambda i: _drawing("plan.svg", SVG.replace(b"<rect", b'<rect onload="alert(1)"'), "image/svg+xml"),
        422,
        "plant.bad_drawing",
        {},
    ),
    (
        "drawing-svg-with-foreign-object",
        "PUT",
        "/sites/{site}/drawing",
        lambda i: _drawing(
            "plan.svg",
            SVG.replace(b"<rect", b"<foreignObject><div>x</div></foreignObject><rect"),
            "image/svg+xml",
        ),
        422,
        "plant.bad_drawing",
        {},
    ),
    (
        "drawing-svg-with-javascript-link",
        "PUT",
        "/sites/{site}/drawing",
        lambda i: _drawing(
            "plan.svg",
            SVG.replace(b"<rect", b'<a href="JavaScript:alert(1)"><rect').replace(
                b"/></svg>", b"/></a></svg>"
            ),
            "image/svg+xml",
        ),
        422,
        "plant.bad_drawing",
        {},
    ),
    (
        "drawing-no-file-field",
        "PUT",
        "/sites/{site}/drawing",
        lambda i: {"data": {"x": "1"}},
        422,
        "common.validation_error",
        None,
    ),
    (
        "drawing-missing-site",
        "PUT",
        "/sites/987654/drawing",
        lambda i: _drawing("plan.png", PNG, "image/png"),
        404,
        "plant.site_not_found",
        {"id": 987654},
    ),
]


def _path(template: str, ids: dict[str, int]) -> str:
    out = template
    for key, value in ids.items():
        out = out.replace("{" + key + "}", str(value))
    return out


async def _refused(app: Any, client: Any, ids: dict[str, int], case: tuple[Any, ...]) -> None:
    _, method, template, kwargs, status, code, params = case
    database = app.state.database
    before_rows, before_counts = await plant_snapshot(database), await counts(database)
    r = await client.request(method, API + _path(template, ids), **kwargs(ids))
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == code
    assert set(body) == {"code", "message", "params", "request_id"}
    if params is not None:
        assert body["params"] == params
    if code == "common.validation_error":
        assert body["params"]["fields"], body
    assert await plant_snapshot(database) == before_rows
    assert await counts(database) == before_counts


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
async def test_refused_and_nothing_changed_sqlite(
    sqlite_app: Any, sqlite_callers: Any, sqlite_ids: Any, case: Any
):
    ids = sqlite_ids | {"site": sqlite_ids[L.SITE_CODE]}
    await _refused(sqlite_app, await sqlite_callers("admin"), ids, case)


BOTH_DATABASES = {
    "duplicate-area-code",
    "duplicate-department-code",
    "department-cycle-under-own-child",
    "uscc-bad-check-code",
    "polygon-bow-tie",
    "site-id-past-int64",
    "body-id-past-int64",
    "drawing-svg-with-script",
}


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c[0] in BOTH_DATABASES],
    ids=sorted(BOTH_DATABASES, key=[c[0] for c in CASES].index),
)
async def test_refused_and_nothing_changed(app: Any, callers: Any, ids: Any, case: Any):
    """A subset on both databases (the `app` fixture runs SQLite and PostgreSQL)."""
    await _refused(app, await callers("safety"), ids | {"site": ids[L.SITE_CODE]}, case)


async def test_area_under_a_parent_of_another_site_is_refused(
    sqlite_app: Any, sqlite_callers: Any, sqlite_ids: Any
):
    admin = await sqlite_callers("admin")
    other = (
        await admin.post(
            f"{API}/sites", json={"code": "HB-05", "name": "五厂区", "width_m": 50, "height_m": 50}
        )
    ).json()
    await _refused(
        sqlite_app,
        admin,
        sqlite_ids,
        (
            "bad-parent",
            "POST",
            "/areas",
            lambda i: {"json": _area(other["id"], parent_id=i["TF-01"], polygon=[[0, 0], [9, 0], [9, 9]])},
            422,
            "plant.bad_parent",
            {"id": sqlite_ids["TF-01"]},
        ),
    )


@pytest.fixture
async def small_upload_app(sqlite_url: str, tmp_path: Path, files_root: Path) -> Any:
    settings = settings_for(tmp_path, sqlite_url, files_root)
    settings.storage.max_upload_mb = 1
    async with running_app(settings) as application:
        yield application


@pytest.mark.parametrize(
    ("path", "ctype"),
    [("/api/v1/plant/sites/{site}/drawing", "image/png"), ("/api/v1/files", "application/octet-stream")],
    ids=["plant-drawing", "files"],
)
async def test_oversize_upload_is_413(small_upload_app: Any, path: str, ctype: str):
    callers = Callers(small_upload_app)
    try:
        ids = await ids_by_code(small_upload_app.state.database)
        admin = await callers("admin")
        database = small_upload_app.state.database
        before_rows, before_counts = await plant_snapshot(database), await counts(database)
        data = PNG + b"\x00" * (1024 * 1024 + 1 - len(PNG))
        url = path.replace("{site}", str(ids[L.SITE_CODE]))
        method = "PUT" if "drawing" in path else "POST"
        r = await admin.request(method, url, files={"file": ("big.bin", data, ctype)})
        assert r.status_code == 413, r.text
        assert r.json()["code"] == "common.payload_too_large"
        assert r.json()["params"] == {"limit_mb": 1}
        assert "1 MB" in r.json()["message"]
        assert await plant_snapshot(database) == before_rows
        assert await counts(database) == before_counts
        # Exactly at the limit is accepted.
        r = await admin.request(method, url, files={"file": ("ok.bin", data[:-1], ctype)})
        assert r.status_code in (200, 201), r.text
    finally:
        await callers.aclose()


@pytest.mark.parametrize(
    ("path", "user"),
    [
        ("/api/v1/audit?page_size=100000", "auditor"),
        ("/api/v1/audit?page_size=201", "auditor"),
        ("/api/v1/audit?page_size=0", "auditor"),
        ("/api/v1/audit?page=0", "auditor"),
        ("/api/v1/users?page_size=100000", "admin"),
        ("/api/v1/audit?sort=hash", "auditor"),
        ("/api/v1/audit?sort=seq;drop", "auditor"),
    ],
)
async def test_list_parameters_out_of_range(sqlite_app: Any, sqlite_callers: Any, path: str, user: str):
    r = await (await sqlite_callers(user)).get(path)
    assert r.status_code in (400, 422), r.text
    assert r.json()["code"] in ("common.validation_error", "common.invalid_sort")
    if "sort=hash" in path:
        assert r.status_code == 400 and r.json()["code"] == "common.invalid_sort"
        assert r.json()["params"] == {"sort": "hash"}


async def test_largest_page_size_is_accepted(sqlite_app: Any, sqlite_callers: Any):
    r = await (await sqlite_callers("auditor")).get("/api/v1/audit?page_size=200&sort=seq")
    assert r.status_code == 200
    assert r.json()["page_size"] == 200
