"""The camera registry: CRUD with validation, data scope and audit, and the contract other modules
call to find the cameras watching a place (`cameras_near`, `cameras_by_ids`).

The contract functions take no actor: the caller (a permit, the plant map) decides visibility with
its own scope, or filters with `visible_cameras`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.core import excel
from anguan.core.errors import Conflict, Forbidden, NotFound, Unavailable, Unprocessable
from anguan.core.pagination import PageParams
from anguan.core.timeline import AuditActor, record
from anguan.identity.schemas import Actor
from anguan.video import repository as repo
from anguan.video import rules
from anguan.video.models import Camera
from anguan.video.reference import KIND_LABELS, SNAPSHOT_SCHEMES, STATUS_LABELS, STREAM_SCHEMES
from anguan.video.schemas import CameraIn, CameraUpdate

FIELDS = tuple(CameraIn.model_fields)


def _who(actor: Actor) -> AuditActor:
    return AuditActor(actor.user_id, actor.username, actor.ip)


# ---------------------------------------------------------------- validation


def url_problem(url: str, schemes: frozenset[str]) -> str | None:
    """Why a live-view or snapshot URL is refused ("scheme", "host", "credentials"), or None.

    [D] Credentials in the URL are refused: every reader of the registry would see them; a site
    publishes its cameras through a media gateway (or an NVR account with no secret in the URL)."""
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return "host"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — raises ValueError on a malformed port
    except ValueError:
        return "host"
    if parts.scheme.lower() not in schemes:
        return "scheme"
    if not parts.hostname:
        return "host"
    if parts.username is not None or parts.password is not None:
        return "credentials"
    return None


def _check_url(field: str, url: str | None, schemes: frozenset[str]) -> None:
    if url is None:
        return
    problem = url_problem(url, schemes)
    if problem == "credentials":
        raise Unprocessable("video.url_has_credentials", field=field)
    if problem is not None:
        code = "video.bad_stream_url" if field == "stream_url" else "video.bad_snapshot_url"
        raise Unprocessable(code, field=field, schemes=", ".join(sorted(schemes)))


async def _validate(session: AsyncSession, actor: Actor, d: Mapping[str, Any], camera_id: int | None) -> None:
    """References, scope, unique code, URLs and geometry of a camera's full field set."""
    site = await repo.site(session, d["site_id"])
    if site is None:
        raise Unprocessable("video.site_not_found", id=d["site_id"])
    area_id = d.get("area_id")
    if area_id is not None:
        area = await repo.area(session, area_id)
        if area is None:
            raise Unprocessable("video.area_not_found", id=area_id)
        if area.site_id != site.id:
            raise Unprocessable("video.area_not_in_site", area=area.code, site=site.code)
    if not (await repo.scope_of(session, actor)).allows(site.id, area_id):
        raise Forbidden("identity.out_of_scope")
    owner = await repo.camera_id_by_code(session, d["code"])
    if owner is not None and owner != camera_id:
        raise Conflict("video.duplicate_code", code=d["code"])
    _check_url("stream_url", d["stream_url"], STREAM_SCHEMES)
    _check_url("snapshot_url", d.get("snapshot_url"), SNAPSHOT_SCHEMES)
    x, y = d.get("x"), d.get("y")
    if (x is None) != (y is None):
        raise Unprocessable("video.position_incomplete")
    if x is not None and y is not None and not (0 <= x <= site.width_m and 0 <= y <= site.height_m):
        raise Unprocessable("video.position_outside_site", x=x, y=y, width=site.width_m, height=site.height_m)
    if (d.get("heading_deg") is None) != (d.get("fov_deg") is None):
        raise Unprocessable("video.sector_incomplete")


def _fields(c: Camera) -> dict[str, Any]:
    return {f: getattr(c, f) for f in FIELDS}


# ---------------------------------------------------------------- CRUD


async def get_camera(session: AsyncSession, actor: Actor, camera_id: int) -> Camera:
    """One camera; 404 when missing, 403 outside the data scope."""
    c = await repo.camera(session, camera_id)
    if c is None:
        raise NotFound("video.camera_not_found", id=camera_id)
    if not (await repo.scope_of(session, actor)).allows(c.site_id, c.area_id):
        raise Forbidden("identity.out_of_scope")
    return c


async def list_cameras(
    session: AsyncSession, actor: Actor, params: PageParams, **filters: Any
) -> tuple[list[Camera], int]:
    """A page of cameras within the caller's scope (filters: site_id, area_id, status, kind, q)."""
    return await repo.cameras_page(session, await repo.scope_of(session, actor), params, **filters)


async def create_camera(session: AsyncSession, actor: Actor, body: CameraIn) -> Camera:
    """Register a camera after checking its site, area, scope, code, URLs and geometry."""
    d = body.model_dump()
    await _validate(session, actor, d, None)
    c = Camera(**d)
    session.add(c)
    await session.flush()
    await record(
        session,
        _who(actor),
        "video.camera_created",
        target_type="vd_camera",
        target_id=c.id,
        detail={"code": c.code},
    )
    return c


async def update_camera(session: AsyncSession, actor: Actor, camera_id: int, body: CameraUpdate) -> Camera:
    """Edit a camera (an explicit null clears an optional field); the result is checked as a whole."""
    c = await get_camera(session, actor, camera_id)
    d = _fields(c) | body.model_dump(exclude_unset=True)
    await _validate(session, actor, d, c.id)
    changed = {k: v for k, v in d.items() if getattr(c, k) != v}
    for k, v in changed.items():
        setattr(c, k, v)
    await session.flush()
    await record(
        session,
        _who(actor),
        "video.camera_updated",
        target_type="vd_camera",
        target_id=c.id,
        detail={"code": c.code, "changes": changed},
    )
    return c


async def delete_camera(session: AsyncSession, actor: Actor, camera_id: int) -> None:
    """Remove a camera from the registry (modules holding its id find it gone: `cameras_by_ids`)."""
    c = await get_camera(session, actor, camera_id)
    code = c.code
    await session.delete(c)
    await session.flush()
    await record(
        session,
        _who(actor),
        "video.camera_deleted",
        target_type="vd_camera",
        target_id=camera_id,
        detail={"code": code},
    )


EXPORT_COLUMNS = (
    excel.Column("code", "编码", "Code", width=16),
    excel.Column("name", "名称", "Name", width=24),
    excel.Column("kind", "类型", "Kind", width=16),
    excel.Column("status", "状态", "Status", width=10),
    excel.Column("site", "厂区", "Site", width=10),
    excel.Column("area", "区域", "Area", width=10),
    excel.Column("x", "X(m)", "X (m)", "float", width=8),
    excel.Column("y", "Y(m)", "Y (m)", "float", width=8),
    excel.Column("heading_deg", "朝向(°)", "Heading (°)", "float", width=10),
    excel.Column("fov_deg", "视场角(°)", "FOV (°)", "float", width=10),
    excel.Column("range_m", "可视距离(m)", "Range (m)", "float", width=12),
    excel.Column("stream_url", "视频流地址", "Stream URL", width=40),
    excel.Column("snapshot_url", "抓图地址", "Snapshot URL", width=40),
    excel.Column("vendor", "厂商", "Vendor", width=14),
    excel.Column("model", "型号", "Model", width=14),
    excel.Column("note", "备注", "Note", width=30),
)


async def export_xlsx(session: AsyncSession, actor: Actor, **filters: Any) -> bytes:
    """The caller's cameras as a workbook (bilingual headers, labels in Chinese)."""
    cameras = await repo.cameras_in_scope(session, await repo.scope_of(session, actor), **filters)
    sites, areas = await repo.site_codes(session), await repo.area_names(session)
    rows = []
    for c in cameras:
        values = _fields(c) | {
            "kind": KIND_LABELS.get(c.kind, (c.kind,))[0],
            "status": STATUS_LABELS.get(c.status, (c.status,))[0],
            "site": sites.get(c.site_id),
            "area": areas.get(c.area_id) if c.area_id is not None else None,
        }
        rows.append([values.get(col.key) for col in EXPORT_COLUMNS])
    return excel.write_xlsx("摄像机 Cameras", EXPORT_COLUMNS, rows)


# ---------------------------------------------------------------- the contract other modules call


def _position(c: Camera) -> tuple[float, float] | None:
    return (c.x, c.y) if c.x is not None and c.y is not None else None


def distance_to(c: Camera, x: float | None, y: float | None) -> float | None:
    """Metres from the camera to (x, y); None when either has no position."""
    pos = _position(c)
    if pos is None or x is None or y is None:
        return None
    return rules.distance_m(pos, (x, y))


def sees(c: Camera, x: float | None, y: float | None) -> bool:
    """True when the camera's sector covers (x, y) (rules.camera_sees)."""
    pos = _position(c)
    if pos is None or x is None or y is None:
        return False
    return rules.camera_sees(pos, c.heading_deg, c.fov_deg, c.range_m, (x, y))


async def cameras_near(
    session: AsyncSession,
    site_id: int,
    x: float | None,
    y: float | None,
    area_id: int | None,
    radius_m: float,
) -> list[Camera]:
    """Cameras of the site watching a place, nearest first (then by id); no status is excluded.

    With a point (x, y): every positioned camera within `radius_m` of it or whose sector covers it
    (rules.camera_sees), then the cameras of `area_id` (and the areas below it) that have no
    position yet, last. Without a point: the cameras of `area_id` and the areas below it, by id.
    Without either: nothing."""
    cameras = await repo.cameras_of_site(session, site_id)
    areas = await repo.area_subtree(session, area_id) if area_id is not None else set()
    if x is None or y is None:
        return [c for c in cameras if c.area_id is not None and c.area_id in areas]
    found: list[tuple[float, int, Camera]] = []
    unplaced: list[Camera] = []
    for c in cameras:
        dist = distance_to(c, x, y)
        if dist is None:
            if c.area_id is not None and c.area_id in areas:
                unplaced.append(c)
        elif dist <= radius_m + rules.EPS or sees(c, x, y):
            found.append((dist, c.id, c))
    found.sort(key=lambda t: (t[0], t[1]))
    return [c for _, _, c in found] + unplaced


async def cameras_by_ids(session: AsyncSession, ids: Sequence[int]) -> list[Camera]:
    """The cameras of these ids that still exist, in the order given (duplicates once)."""
    by_id = {c.id: c for c in await repo.cameras_by_ids(session, ids)}
    return [by_id[i] for i in dict.fromkeys(ids) if i in by_id]


async def visible_cameras(session: AsyncSession, actor: Actor, cameras: Sequence[Camera]) -> list[Camera]:
    """The cameras of a list that the actor's data scope lets them see (order kept)."""
    scope = await repo.scope_of(session, actor)
    return [c for c in cameras if scope.allows(c.site_id, c.area_id)]


async def near_for_actor(
    session: AsyncSession,
    actor: Actor,
    site_id: int,
    x: float | None,
    y: float | None,
    area_id: int | None,
    radius_m: float,
) -> list[tuple[Camera, float | None, bool]]:
    """`cameras_near` within the caller's scope, with each camera's distance and whether it sees."""
    if (x is None) != (y is None):
        raise Unprocessable("video.position_incomplete")
    if await repo.site(session, site_id) is None:
        raise Unprocessable("video.site_not_found", id=site_id)
    cameras = await visible_cameras(
        session, actor, await cameras_near(session, site_id, x, y, area_id, radius_m)
    )
    return [(c, distance_to(c, x, y), sees(c, x, y)) for c in cameras]


# [D] a camera's still image is fetched by the server and passed on (the page's security policy allows
# images from the site only, and the NVR's address stays inside the plant network)
SNAPSHOT_TIMEOUT_S = 3.0
SNAPSHOT_MAX_BYTES = 2 * 1024 * 1024


async def fetch_snapshot(url: str) -> tuple[bytes, str]:
    """The image at a camera's snapshot URL: (bytes, content type). No redirects are followed; anything
    but an image of at most SNAPSHOT_MAX_BYTES within SNAPSHOT_TIMEOUT_S is 503
    `video.snapshot_unavailable`."""
    try:
        async with (
            httpx.AsyncClient(timeout=SNAPSHOT_TIMEOUT_S, follow_redirects=False) as client,
            client.stream("GET", url) as r,
        ):
            kind = r.headers.get("content-type", "").split(";")[0].strip().lower()
            if r.status_code != 200 or not kind.startswith("image/"):
                raise Unavailable("video.snapshot_unavailable", status=str(r.status_code))
            body = bytearray()
            async for chunk in r.aiter_bytes():
                body += chunk
                if len(body) > SNAPSHOT_MAX_BYTES:
                    raise Unavailable("video.snapshot_unavailable", status="too large")
            return bytes(body), kind
    except httpx.HTTPError as exc:
        raise Unavailable("video.snapshot_unavailable", status=type(exc).__name__) from exc
