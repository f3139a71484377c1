"""Tables of the video module: the camera registry (摄像机台账).

A camera's position, heading, field of view and viewing distance are on the plant map, in the same
site metres as plant areas and monitoring points (x east, y north; heading 0 = north, clockwise),
so other modules (special-work permits, the plant map) can find the cameras that watch a place.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from anguan.core.db import Base, BigId, IdMixin, TimestampMixin


class Camera(IdMixin, TimestampMixin, Base):
    """A camera of a site: where it is, what it looks at, and where its live view and snapshot are."""

    __tablename__ = "vd_camera"

    site_id: Mapped[int] = mapped_column(BigId, ForeignKey("plant_site.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("plant_area.id", ondelete="SET NULL"), nullable=True, index=True
    )
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(30))  # reference.KINDS
    x: Mapped[float | None] = mapped_column(Float, nullable=True)
    y: Mapped[float | None] = mapped_column(Float, nullable=True)
    heading_deg: Mapped[float | None] = mapped_column(Float, nullable=True)  # 0 north, clockwise
    fov_deg: Mapped[float | None] = mapped_column(Float, nullable=True)  # horizontal field of view
    range_m: Mapped[float | None] = mapped_column(Float, nullable=True)  # useful viewing distance
    stream_url: Mapped[str] = mapped_column(String(500))
    snapshot_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    vendor: Mapped[str | None] = mapped_column(String(60), nullable=True)
    model: Mapped[str | None] = mapped_column(String(60), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="online", index=True)  # reference.STATUSES
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
