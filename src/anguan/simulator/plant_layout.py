"""The demo plant: a mid-size fine-chemicals site (华北精细化工 demo), in site metres (x east, y north)."""

from __future__ import annotations

from dataclasses import dataclass, field

SITE_CODE = "HB-01"
SITE_NAME = "华北精细化工 一厂区"
WIDTH_M = 600.0
HEIGHT_M = 400.0
ENTERPRISE_NAME = "华北精细化工有限公司（演示）"
USCC_PREFIX = "91130100MA0DEMQ4X"  # the check code is computed by plant.rules
HAZCHEM_CODE = "HC-130100-0001"

# (code, name, parent code)
DEPARTMENTS: list[tuple[str, str, str | None]] = [
    ("SHE", "安全环保部", None),
    ("PROD", "生产部", None),
    ("STOR", "储运车间", "PROD"),
    ("SYN", "合成车间", "PROD"),
    ("MAINT", "设备部", None),
    ("LOG", "仓储物流部", None),
    ("ADMIN", "综合办公室", None),
]


def rect(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    """Axis-aligned rectangle as a polygon (counter-clockwise)."""
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


@dataclass(frozen=True)
class AreaDef:
    code: str
    name: str
    kind: str
    polygon: list[list[float]]
    department: str | None = None
    parent: str | None = None
    description: str = ""


AREAS: list[AreaDef] = [
    AreaDef(
        "TF-01",
        "罐区（甲类储罐区）",
        "tank_farm",
        rect(40, 220, 262, 372),
        "STOR",
        description="甲B类易燃液体储罐区，6 座内浮顶储罐",
    ),
    AreaDef(
        "DK-01", "1# 防火堤", "dike", rect(52, 232, 150, 360), "STOR", "TF-01", "T-101～T-104 甲醇、甲苯储罐"
    ),
    AreaDef("DK-02", "2# 防火堤", "dike", rect(162, 232, 250, 360), "STOR", "TF-01", "T-105～T-106 丙酮储罐"),
    AreaDef(
        "PU-01",
        "合成反应装置区",
        "process_unit",
        rect(322, 220, 522, 372),
        "SYN",
        description="加氢、氯化反应釜及精馏塔",
    ),
    AreaDef(
        "UT-01",
        "公用工程区",
        "utility",
        rect(540, 220, 588, 372),
        "MAINT",
        description="空压站、循环水、变配电",
    ),
    AreaDef(
        "WH-01", "甲类仓库", "warehouse", rect(40, 60, 200, 160), "LOG", description="危险化学品桶装仓库"
    ),
    AreaDef("LD-01", "装卸区", "loading", rect(212, 60, 272, 160), "STOR", description="汽车槽车装卸鹤位"),
    AreaDef(
        "CR-01",
        "中央控制室",
        "control_room",
        rect(372, 60, 472, 140),
        "PROD",
        description="DCS、SIS、GDS 操作站",
    ),
    AreaDef("OF-01", "综合办公楼", "office", rect(492, 40, 584, 140), "ADMIN"),
    AreaDef("RD-01", "主干道", "road", rect(0, 180, 600, 202)),
    AreaDef("RD-02", "南北通道", "road", rect(284, 0, 306, 400)),
    AreaDef("GT-01", "1# 大门（西门）", "gate", rect(0, 172, 14, 210)),
    AreaDef("GT-02", "2# 大门（南门，危化品车辆）", "gate", rect(276, 0, 314, 12)),
]


@dataclass(frozen=True)
class EquipmentDef:
    tag: str
    name: str
    kind: str
    x: float
    y: float
    radius: float = 0.0
    extra: dict[str, str] = field(default_factory=dict)


EQUIPMENT: list[EquipmentDef] = [
    EquipmentDef("T-101", "甲醇储罐 1000 m³", "tank", 76, 262, 14),
    EquipmentDef("T-102", "甲醇储罐 1000 m³", "tank", 126, 262, 14),
    EquipmentDef("T-103", "甲苯储罐 1000 m³", "tank", 76, 326, 14),
    EquipmentDef("T-104", "甲苯储罐 1000 m³", "tank", 126, 326, 14),
    EquipmentDef("T-105", "丙酮储罐 500 m³", "tank", 206, 262, 12),
    EquipmentDef("T-106", "丙酮储罐 500 m³", "tank", 206, 326, 12),
    EquipmentDef("R-201", "加氢反应釜", "reactor", 360, 320, 8),
    EquipmentDef("R-202", "氯化反应釜", "reactor", 400, 320, 8),
    EquipmentDef("C-301", "精馏塔", "column", 460, 320, 6),
    EquipmentDef("P-101", "甲醇输送泵", "pump", 100, 240),
    EquipmentDef("E-201", "冷凝器", "exchanger", 440, 260),
    EquipmentDef("LA-01", "槽车鹤位 1#", "loading_arm", 242, 110),
]
