"""Enterprise, sites, areas/units with map geometry, departments, equipment locations (企业与厂区)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from anguan.core.db import Base, BigId, IdMixin, TimestampMixin


class Enterprise(IdMixin, TimestampMixin, Base):
    """The enterprise running the platform."""

    __tablename__ = "plant_enterprise"

    name: Mapped[str] = mapped_column(String(120))
    # 统一社会信用代码 (GB 32100-2015, 18 characters)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    # Registered hazardous-chemical enterprise code used in regulator exchanges
    hazchem_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    address: Mapped[str | None] = mapped_column(String(255), nullable=True)
    legal_representative: Mapped[str | None] = mapped_column(String(60), nullable=True)
    industry: Mapped[str | None] = mapped_column(String(120), nullable=True)


class Site(IdMixin, TimestampMixin, Base):
    """A plant site with its drawing; coordinates are metres on the drawing (x east, y north)."""

    __tablename__ = "plant_site"

    enterprise_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("plant_enterprise.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    width_m: Mapped[float] = mapped_column(Float)
    height_m: Mapped[float] = mapped_column(Float)
    drawing_file_key: Mapped[str | None] = mapped_column(String(80), nullable=True)
    drawing_content_type: Mapped[str | None] = mapped_column(String(60), nullable=True)
    # Optional WGS-84 reference: where local (0,0) lies and how the drawing is rotated.
    origin_lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    origin_lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    rotation_deg: Mapped[float | None] = mapped_column(Float, nullable=True)
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Shanghai")


class Department(IdMixin, TimestampMixin, Base):
    """An organisational unit (部门/车间/班组)."""

    __tablename__ = "plant_department"
    __table_args__ = (UniqueConstraint("enterprise_id", "code"),)

    enterprise_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("plant_enterprise.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("plant_department.id", ondelete="RESTRICT"), nullable=True
    )
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))


class Area(IdMixin, TimestampMixin, Base):
    """An area or unit of a site (罐区, 装置区, 仓库...) drawn as a polygon in site metres."""

    __tablename__ = "plant_area"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    site_id: Mapped[int] = mapped_column(BigId, ForeignKey("plant_site.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("plant_area.id", ondelete="RESTRICT"), nullable=True
    )
    department_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("plant_department.id", ondelete="SET NULL"), nullable=True
    )
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    polygon: Mapped[list[list[float]]] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    props: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class EquipmentLocation(IdMixin, TimestampMixin, Base):
    """Where a piece of equipment stands on the site (its master data comes with `basics`)."""

    __tablename__ = "plant_equipment_location"
    __table_args__ = (UniqueConstraint("site_id", "tag"),)

    site_id: Mapped[int] = mapped_column(BigId, ForeignKey("plant_site.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("plant_area.id", ondelete="SET NULL"), nullable=True
    )
    tag: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40))
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
