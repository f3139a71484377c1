"""Request and response bodies of the plant API."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from anguan.core.db import MAX_ID
from anguan.core.schemas import RequestModel

AreaKind = Literal[
    "tank_farm",
    "dike",
    "process_unit",
    "warehouse",
    "control_room",
    "office",
    "road",
    "gate",
    "utility",
    "loading",
    "other",
]
Coord = list[float]
CODE = r"^[A-Za-z0-9_\-]{1,40}$"


class EnterpriseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    uscc: str
    hazchem_code: str | None
    address: str | None
    legal_representative: str | None
    industry: str | None


class EnterpriseUpdate(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    uscc: str | None = Field(default=None, min_length=18, max_length=18)
    hazchem_code: str | None = Field(default=None, max_length=40)
    address: str | None = Field(default=None, max_length=255)
    legal_representative: str | None = Field(default=None, max_length=60)
    industry: str | None = Field(default=None, max_length=120)


class SiteOut(BaseModel):
    id: int
    code: str
    name: str
    width_m: float
    height_m: float
    drawing_url: str | None
    origin_lat: float | None
    origin_lon: float | None
    rotation_deg: float | None
    timezone: str
    # [lat, lon] of the drawing's corners SW, SE, NE, NW when the site has a WGS-84 reference.
    wgs84_corners: list[list[float]] | None = None


class SiteIn(RequestModel):
    code: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=120)
    width_m: float = Field(gt=0, le=100000)
    height_m: float = Field(gt=0, le=100000)
    origin_lat: float | None = Field(default=None, ge=-90, le=90)
    origin_lon: float | None = Field(default=None, ge=-180, le=180)
    rotation_deg: float | None = Field(default=None, ge=-360, le=360)
    timezone: str = Field(default="Asia/Shanghai", max_length=40)


class SiteUpdate(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    width_m: float | None = Field(default=None, gt=0, le=100000)
    height_m: float | None = Field(default=None, gt=0, le=100000)
    origin_lat: float | None = Field(default=None, ge=-90, le=90)
    origin_lon: float | None = Field(default=None, ge=-180, le=180)
    rotation_deg: float | None = Field(default=None, ge=-360, le=360)


class DepartmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    name: str
    parent_id: int | None


class DepartmentIn(RequestModel):
    code: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=120)
    parent_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class DepartmentUpdate(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    parent_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class AreaOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    site_id: int
    parent_id: int | None
    department_id: int | None
    code: str
    name: str
    kind: str
    polygon: list[Coord]
    description: str | None


class AreaIn(RequestModel):
    site_id: int = Field(ge=1, le=MAX_ID)
    parent_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    department_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    code: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=120)
    kind: AreaKind
    polygon: list[Coord] = Field(min_length=3, max_length=501)
    description: str | None = Field(default=None, max_length=2000)


class AreaUpdate(RequestModel):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    kind: AreaKind | None = None
    department_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    polygon: list[Coord] | None = Field(default=None, min_length=3, max_length=501)
    description: str | None = Field(default=None, max_length=2000)


class EquipmentLocationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    site_id: int
    area_id: int | None
    tag: str
    name: str
    kind: str
    x: float
    y: float


class EquipmentLocationIn(RequestModel):
    site_id: int = Field(ge=1, le=MAX_ID)
    tag: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=120)
    kind: str = Field(min_length=1, max_length=40)
    x: float = Field(ge=0)
    y: float = Field(ge=0)


class Feature(BaseModel):
    type: Literal["Feature"] = "Feature"
    geometry: dict[str, Any]
    properties: dict[str, Any]


class FeatureCollection(BaseModel):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[Feature]


class MapOut(BaseModel):
    site: SiteOut
    areas: FeatureCollection
    equipment: FeatureCollection
