"""Choice catalogues (options) of the register fields: code → (Chinese, English)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from anguan.basics import reference as ref


def _opts(d: Mapping[str, tuple[Any, ...]]) -> dict[str, tuple[str, str]]:
    return {k: (v[0], v[1]) for k, v in d.items()}


LICENCE_TYPE_OPTS = {t.code: (t.zh, t.en) for t in ref.LICENCE_TYPES_V1}
PROCESS_OPTS = {p.code: (p.zh, p.en) for p in ref.HAZARDOUS_PROCESSES_V1}
EQUIPMENT_KIND_OPTS = {k.code: (k.zh, k.en) for k in ref.EQUIPMENT_KINDS_V1}
CERT_OPTS = dict(ref.CERTIFICATE_KINDS_V1)
ROLE_OPTS = dict(ref.KEY_ROLES_V1)
EDU_OPTS = _opts(ref.EDUCATION_LEVELS_V1)
# Categories that are names, not numbers (加压气体 sub-kinds, unstable explosives, lactation effects).
_GHS_NAMED = {
    "compressed": ("压缩气体", "compressed gas"),
    "liquefied": ("液化气体", "liquefied gas"),
    "refrigerated": ("冷冻液化气体", "refrigerated liquefied gas"),
    "dissolved": ("溶解气体", "dissolved gas"),
    "unstable": ("不稳定爆炸物", "unstable explosive"),
    "lact": ("附加类别（哺乳期影响）", "effects on or via lactation"),
}
GHS_OPTS = {
    f"{cls}:{cat}": (
        f"{zh} {_GHS_NAMED[cat][0]}" if cat in _GHS_NAMED else f"{zh} 类别{cat}",
        f"{en}, {_GHS_NAMED[cat][1]}" if cat in _GHS_NAMED else f"{en}, category {cat}",
    )
    for cls, (zh, en, cats) in ref.GHS_CLASSES_V1.items()
    for cat in cats
}
LICENCE_STATUS = {
    "active": ("有效", "Active"),
    "superseded": ("已换证", "Superseded"),
    "revoked": ("已注销", "Revoked"),
}
PARTY_STATUS = {
    "approved": ("合格", "Approved"),
    "suspended": ("暂停", "Suspended"),
    "blacklisted": ("黑名单", "Blacklisted"),
}
EQUIPMENT_STATUS = {
    "in_use": ("在用", "In use"),
    "standby": ("备用", "Standby"),
    "stopped": ("停用", "Stopped"),
    "scrapped": ("报废", "Scrapped"),
}
CHECK_KINDS = {
    "inspection": ("定期检验", "Periodic inspection"),
    "calibration": ("校验", "Calibration"),
    "replacement": ("更换", "Replacement"),
    "proof_test": ("功能测试", "Proof test"),
    "repair": ("维修", "Repair"),
}
CHECK_RESULTS = {
    "pass": ("合格", "Pass"),
    "conditional": ("基本合格", "Conditional"),
    "fail": ("不合格", "Fail"),
}
PROCESS_STATUS = {
    "running": ("运行", "Running"),
    "stopped": ("停车", "Stopped"),
    "maintenance": ("检修", "Maintenance"),
}
AUTOMATION = {
    "dcs": ("DCS集散控制", "DCS"),
    "sis": ("SIS安全仪表系统", "SIS"),
    "interlock": ("安全联锁", "Interlocks"),
    "gds": ("GDS气体检测", "Gas detection"),
    "esd": ("ESD紧急停车", "ESD"),
}
STARTSTOP_KINDS = {
    "startup": ("开车", "Start-up"),
    "shutdown": ("停车", "Shut-down"),
    "emergency_shutdown": ("紧急停车", "Emergency shut-down"),
}
STARTSTOP_STATUS = {
    "planned": ("计划", "Planned"),
    "done": ("已完成", "Done"),
    "cancelled": ("取消", "Cancelled"),
}
INTERLOCK_KINDS = {
    "sis": ("SIS安全仪表功能", "SIS function"),
    "interlock": ("安全联锁", "Interlock"),
    "esd": ("ESD", "ESD"),
}
INTERLOCK_STATUS = {
    "in_service": ("投用", "In service"),
    "bypassed": ("旁路", "Bypassed"),
    "out_of_service": ("停用", "Out of service"),
}
PERSON_KINDS = {"employee": ("内部员工", "Employee"), "contractor": ("承包商人员", "Contractor worker")}
PERSON_STATUS = {"active": ("在岗", "Active"), "left": ("离职/离场", "Left")}
GENDERS = {"male": ("男", "Male"), "female": ("女", "Female")}
TRAINING_KINDS = {
    "company": ("厂级安全教育", "Company-level induction"),
    "workshop": ("车间级安全教育", "Workshop-level induction"),
    "team": ("班组级安全教育", "Team-level induction"),
    "annual": ("年度再培训", "Annual refresher"),
    "special": ("专项培训", "Special training"),
    "contractor_entry": ("承包商入厂培训", "Contractor entry training"),
    "other": ("其他", "Other"),
}
SHIFTS = {"day": ("白班", "Day"), "night": ("夜班", "Night"), "all_day": ("全天", "All day")}
DUTY_ROLES = {
    "leader": ("值班领导", "Leader on duty"),
    "manager": ("值班干部", "Manager on duty"),
    "officer": ("值班人员", "Officer on duty"),
    "operator": ("当班操作", "Operator on shift"),
}
SUPPLIER_KINDS = {
    "chemical": ("化学品供应商", "Chemical supplier"),
    "carrier": ("危货承运商", "Dangerous-goods carrier"),
    "equipment": ("设备供应商", "Equipment supplier"),
    "service": ("服务商", "Service provider"),
}
VISITOR_STATUS = {"registered": ("已登记", "Registered"), "cancelled": ("已取消", "Cancelled")}
STATES = {"gas": ("气体", "Gas"), "liquid": ("液体", "Liquid"), "solid": ("固体", "Solid")}
