"""Versioned reference data for the master-data rules. Thresholds live here, never as literals.

Grades follow ../shared/docs/requirements.md: AQ 3064.2-2025 alarm codes are grade A (§2.10);
the certificate kinds per work type are grade D (GB 30871-2022 §4.9 requires valid certificates
for special-operation and special-equipment workers without listing them per work type); the
staffing ratios are grade D provisional defaults to be confirmed against provincial rules, and every
enterprise can configure its own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReminderPolicy:
    """Lead times (days before a due date) at which reminders are sent, largest first."""

    version: str
    lead_days: tuple[int, ...]


REMINDERS_V1 = ReminderPolicy(version="anguan-reminders/v1", lead_days=(90, 30, 7))


@dataclass(frozen=True)
class EligibilityCodes:
    """AQ 3064.2-2025 表A.4 alarm codes (category 5, personnel) for certificate problems."""

    version: str
    missing: str  # 无对应资质证书
    expired: str  # 资质证书过期
    mismatched: str  # 持证人与证书不匹配


AQ3064_2_2025_CERT_CODES = EligibilityCodes(
    version="aq3064.2-2025/v1", missing="5/50", expired="5/51", mismatched="5/52"
)

# Certificate kinds (特种作业操作证 categories of 安监总局令第30号 and 特种设备作业人员证 codes)
# accepted for the worker role of each special-work type. [D] configurable per enterprise.
WORK_CERTIFICATES_V1: dict[str, frozenset[str]] = {
    "hot_work": frozenset({"welding_cutting"}),  # 动火: 焊接与热切割作业
    "temporary_electricity": frozenset(
        {"electrician_low_voltage", "electrician_high_voltage"}
    ),  # 临时用电: 电工作业
    "work_at_height": frozenset({"work_at_height"}),  # 高处作业: 高处作业 (登高架设/安装维护拆除)
    "lifting": frozenset({"crane_operator", "crane_signaller"}),  # 吊装: 特种设备 Q1 指挥 / Q2 司机
    "confined_space": frozenset(),  # 受限空间: no state certificate; training record instead
    "blinding": frozenset(),  # 盲板抽堵
    "excavation": frozenset(),  # 动土
    "road_breaking": frozenset(),  # 断路
}


@dataclass(frozen=True)
class StaffingRules:
    """Compliance self-diagnosis thresholds for safety staffing: [D] provisional defaults, configurable."""

    version: str
    # 专职安全生产管理人员: at least this share of employees, and never fewer than `safety_staff_min`.
    safety_staff_ratio: float
    safety_staff_min: int
    # 注册安全工程师: at least this share of the full-time safety staff (and at least one).
    registered_engineer_share: float


STAFFING_V1 = StaffingRules(
    version="anguan-staffing/v1-provisional",
    safety_staff_ratio=0.02,
    safety_staff_min=1,
    registered_engineer_share=0.15,
)
