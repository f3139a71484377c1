"""Request and response bodies of the video API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from anguan.core.db import MAX_ID
from anguan.core.schemas import RequestModel
from anguan.video.reference import CameraKind, CameraStatus

CODE = r"^[A-Za-z0-9_\-]{1,40}$"
# Plant-map metres: generous bounds here; the site's own size is checked by the service.
Coord = Field(default=None, ge=-100_000, le=100_000)


class CameraIn(RequestModel):
    code: str = Field(pattern=CODE, description="unique camera code, e.g. CAM-DK01-1")
    name: str = Field(min_length=1, max_length=120)
    kind: CameraKind = "fixed"
    site_id: int = Field(ge=1, le=MAX_ID)
    area_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    x: float | None = Coord
    y: float | None = Coord
    heading_deg: float | None = Field(
        default=None, ge=0, lt=360, description="0 = north (+y), clockwise; empty for a PTZ"
    )
    fov_deg: float | None = Field(default=None, gt=0, le=360, description="horizontal field of view")
    range_m: float | None = Field(default=None, gt=0, le=10_000, description="useful viewing distance")
    stream_url: str = Field(min_length=1, max_length=500, description="rtsp, rtsps, http or https")
    snapshot_url: str | None = Field(default=None, max_length=500, description="http or https image")
    vendor: str | None = Field(default=None, max_length=60)
    model: str | None = Field(default=None, max_length=60)
    status: CameraStatus = "online"
    note: str | None = Field(default=None, max_length=2000)


# Columns a PATCH may not set to null (they are NOT NULL in the table).
REQUIRED_FIELDS = ("code", "name", "kind", "site_id", "stream_url", "status")


class CameraUpdate(RequestModel):
    code: str | None = Field(default=None, pattern=CODE)
    name: str | None = Field(default=None, min_length=1, max_length=120)
    kind: CameraKind | None = None
    site_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    area_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    x: float | None = Coord
    y: float | None = Coord
    heading_deg: float | None = Field(default=None, ge=0, lt=360)
    fov_deg: float | None = Field(default=None, gt=0, le=360)
    range_m: float | None = Field(default=None, gt=0, le=10_000)
    stream_url: str | None = Field(default=None, min_length=1, max_length=500)
    snapshot_url: str | None = Field(default=None, max_length=500)
    vendor: str | None = Field(default=None, max_length=60)
    model: str | None = Field(default=None, max_length=60)
    status: CameraStatus | None = None
    note: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="before")
    @classmethod
    def _no_null_for_required(cls, data: Any) -> Any:
        if isinstance(data, dict):
            nulls = [k for k in REQUIRED_FIELDS if k in data and data[k] is None]
            if nulls:
                raise ValueError(f"cannot be null: {', '.join(nulls)}")
        return data


class CameraOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    name: str
    kind: str
    site_id: int
    area_id: int | None
    x: float | None
    y: float | None
    heading_deg: float | None
    fov_deg: float | None
    range_m: float | None
    stream_url: str
    snapshot_url: str | None
    vendor: str | None
    model: str | None
    status: str
    note: str | None
    created_at: datetime
    updated_at: datetime


class CameraNearOut(CameraOut):
    """A camera near a place: its distance to the point (None without a point or a position), and
    whether its sector covers the point."""

    distance_m: float | None
    sees: bool
