"""Demo cameras of the demo plant (idempotent by camera code).

Placed on poles at the dike corners and unit edges, looking in: the 特级 hot-work point next to T-102
(118, 252) in 1# 防火堤 is seen by CAM-DK01-1 (sector) and CAM-DK01-2 (PTZ), and T-105's dike
(2# 防火堤, the confined-space work) by CAM-DK02-1. One camera is offline, one in maintenance. The
URLs are on the reserved `.invalid` domain: a real site enters its NVR or media-gateway addresses.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from anguan.plant.models import Area, Site
from anguan.video.models import Camera

SITE_CODE = "HB-01"
NVR = "nvr-01.demo.invalid"


@dataclass(frozen=True)
class CameraSeed:
    code: str
    name: str
    kind: str
    area: str
    x: float
    y: float
    heading_deg: float | None
    fov_deg: float | None
    range_m: float
    channel: int
    snapshot: bool = True
    status: str = "online"
    note: str | None = None


CAMERAS: tuple[CameraSeed, ...] = (
    CameraSeed(
        "CAM-DK01-1", "1# 防火堤 东南角防爆枪机", "explosion_proof_fixed", "DK-01", 146, 236, 315, 90, 80, 101
    ),
    CameraSeed(
        "CAM-DK01-2",
        "1# 防火堤 西北角防爆云台",
        "explosion_proof_ptz",
        "DK-01",
        56,
        356,
        None,
        None,
        150,
        102,
    ),
    CameraSeed(
        "CAM-DK02-1",
        "2# 防火堤 东南角防爆枪机",
        "explosion_proof_fixed",
        "DK-02",
        246,
        236,
        315,
        90,
        100,
        103,
    ),
    CameraSeed(
        "CAM-TF01-1", "罐区 东北高点热成像", "thermal", "TF-01", 258, 368, 225, 60, 300, 104, snapshot=False
    ),
    CameraSeed(
        "CAM-PU01-1",
        "合成装置区 反应釜防爆枪机",
        "explosion_proof_fixed",
        "PU-01",
        330,
        366,
        135,
        90,
        150,
        201,
    ),
    CameraSeed(
        "CAM-WH01-1", "甲类仓库 库门防爆枪机", "explosion_proof_fixed", "WH-01", 44, 156, 135, 90, 120, 301
    ),
    CameraSeed(
        "CAM-LD01-1",
        "装卸区 鹤位防爆枪机",
        "explosion_proof_fixed",
        "LD-01",
        268,
        156,
        225,
        70,
        60,
        302,
        status="offline",
        note="2026-11 光纤熔接点故障，待设备部维修",
    ),
    CameraSeed(
        "CAM-GT02-1",
        "2# 大门 危化品车辆卡口",
        "fixed",
        "GT-02",
        312,
        10,
        270,
        60,
        40,
        401,
        status="maintenance",
    ),
)


async def seed_demo_cameras(session: AsyncSession) -> dict[str, int]:
    """Create the demo cameras that do not exist yet; returns how many cameras exist afterwards."""
    have = set((await session.scalars(select(Camera.code))).all())
    site = (await session.scalars(select(Site).where(Site.code == SITE_CODE))).first()
    if site is None:
        return {"cameras": len(have)}
    areas = {a.code: a.id for a in (await session.scalars(select(Area).where(Area.site_id == site.id))).all()}
    for c in CAMERAS:
        if c.code in have:
            continue
        session.add(
            Camera(
                site_id=site.id,
                area_id=areas.get(c.area),
                code=c.code,
                name=c.name,
                kind=c.kind,
                x=c.x,
                y=c.y,
                heading_deg=c.heading_deg,
                fov_deg=c.fov_deg,
                range_m=c.range_m,
                stream_url=f"rtsp://{NVR}:554/Streaming/Channels/{c.channel}",
                snapshot_url=f"http://{NVR}/snapshot/{c.channel}.jpg" if c.snapshot else None,
                vendor="演示 Demo",
                model="EXD-IPC-4MP" if c.kind.startswith("explosion_proof") else "IPC-4MP",
                status=c.status,
                note=c.note,
            )
        )
    await session.flush()
    return {"cameras": len(have | {c.code for c in CAMERAS})}
