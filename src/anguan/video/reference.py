"""Vocabularies of the video module: camera kinds and statuses with their zh-CN/en-US labels.

The kinds are a project vocabulary [D] (no national clause names camera types); explosion-proof
kinds are the ones allowed inside a hazardous (explosive-atmosphere) area.
"""

from __future__ import annotations

from typing import Literal, get_args

CameraKind = Literal[
    "fixed",
    "dome",
    "ptz",
    "explosion_proof_fixed",
    "explosion_proof_ptz",
    "thermal",
]
CameraStatus = Literal["online", "offline", "maintenance"]

# kind → (zh-CN, en-US)
KIND_LABELS: dict[str, tuple[str, str]] = {
    "fixed": ("枪机", "Fixed bullet"),
    "dome": ("半球", "Dome"),
    "ptz": ("云台球机", "PTZ"),
    "explosion_proof_fixed": ("防爆枪机", "Explosion-proof fixed"),
    "explosion_proof_ptz": ("防爆云台", "Explosion-proof PTZ"),
    "thermal": ("热成像", "Thermal"),
}
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "online": ("在线", "Online"),
    "offline": ("离线", "Offline"),
    "maintenance": ("维护中", "Maintenance"),
}
KINDS: tuple[str, ...] = get_args(CameraKind)
STATUSES: tuple[str, ...] = get_args(CameraStatus)

# Schemes a browser (http/https: HLS, FLV, WebRTC pages of a media gateway) or a desktop player
# (rtsp/rtsps) can open for the live view; a snapshot must be an image a browser can load.
STREAM_SCHEMES = frozenset({"rtsp", "rtsps", "http", "https"})
SNAPSHOT_SCHEMES = frozenset({"http", "https"})
