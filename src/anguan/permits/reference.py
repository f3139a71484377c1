"""GB 30871-2022 and AQ 3064.2-2025 reference data for special work permits (特殊作业安全作业票).

Grades follow ../shared/docs/requirements.md §2: [A] taken from the standard as summarised there;
[D] a decision where the standard is silent, configurable and to be confirmed by the enterprise.
Numbers are decimal strings so that boundaries (exactly 5 m, exactly 100 t, LEL exactly 4 %) are
decided exactly by the rules. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time, timedelta

VERSION = "gb30871-2022+aq3064.2-2025/v1"

# ------------------------------------------------------------------ work types and grades

HOT_WORK = "hot_work"
CONFINED_SPACE = "confined_space"
BLINDING = "blinding"
WORK_AT_HEIGHT = "work_at_height"
LIFTING = "lifting"
TEMPORARY_ELECTRICITY = "temporary_electricity"
EXCAVATION = "excavation"
ROAD_BREAKING = "road_breaking"


@dataclass(frozen=True)
class WorkType:
    """One of the eight special-work types (八大特殊作业), GB 30871-2022 §3.1."""

    code: str  # the same codes as basics.reference.WORK_CERTIFICATES_V1
    category: str  # AQ 3064.2-2025 表A.2 大类编码
    zh: str
    en: str
    chapter: str  # the GB 30871-2022 chapter with the type's rules
    grades: tuple[str, ...]  # grade codes, lowest risk first; () when the type has no grades


# GB 30871-2022 §3.1 and chapters 5–12; 大类 codes of AQ 3064.2-2025 表A.2.
WORK_TYPES: dict[str, WorkType] = {
    t.code: t
    for t in (
        WorkType(HOT_WORK, "0", "动火作业", "Hot work", "GB 30871-2022 §5", ("2", "1", "special")),
        WorkType(
            TEMPORARY_ELECTRICITY, "1", "临时用电作业", "Temporary electricity", "GB 30871-2022 §10", ()
        ),
        WorkType(
            WORK_AT_HEIGHT, "2", "高处作业", "Work at height", "GB 30871-2022 §8", ("I", "II", "III", "IV")
        ),
        WorkType(EXCAVATION, "3", "动土作业", "Excavation", "GB 30871-2022 §11", ()),
        WorkType(ROAD_BREAKING, "4", "断路作业", "Road breaking", "GB 30871-2022 §12", ()),
        WorkType(
            BLINDING, "5", "盲板抽堵作业", "Blinding (blind insertion and removal)", "GB 30871-2022 §7", ()
        ),
        WorkType(LIFTING, "6", "吊装作业", "Lifting", "GB 30871-2022 §9", ("3", "2", "1")),
        WorkType(CONFINED_SPACE, "7", "受限空间作业", "Confined-space entry", "GB 30871-2022 §6", ()),
    )
}


@dataclass(frozen=True)
class WorkGrade:
    """A (type, grade) pair with its label and AQ 3064.2-2025 表A.2 细类编码 (TICKET_TYPE)."""

    work_type: str
    grade: str | None  # None for the types without grades
    zh: str
    en: str
    subclass: str  # 表A.2 细类编码
    clause: str


# AQ 3064.2-2025 表A.2; grade definitions GB 30871-2022 §5.1.2–5.1.4 (动火), §8.1 (高处), §9.1 (吊装).
WORK_GRADES: tuple[WorkGrade, ...] = (
    WorkGrade(HOT_WORK, "special", "特级动火作业", "Special-grade hot work", "01", "GB 30871-2022 §5.1.2"),
    WorkGrade(HOT_WORK, "1", "一级动火作业", "Grade 1 hot work", "02", "GB 30871-2022 §5.1.3"),
    WorkGrade(HOT_WORK, "2", "二级动火作业", "Grade 2 hot work", "03", "GB 30871-2022 §5.1.4"),
    WorkGrade(
        TEMPORARY_ELECTRICITY, None, "临时用电作业", "Temporary electricity", "10", "GB 30871-2022 §10"
    ),
    WorkGrade(WORK_AT_HEIGHT, "I", "Ⅰ级高处作业", "Grade I work at height", "21", "GB 30871-2022 §8.1"),
    WorkGrade(WORK_AT_HEIGHT, "II", "Ⅱ级高处作业", "Grade II work at height", "22", "GB 30871-2022 §8.1"),
    WorkGrade(WORK_AT_HEIGHT, "III", "Ⅲ级高处作业", "Grade III work at height", "23", "GB 30871-2022 §8.1"),
    WorkGrade(WORK_AT_HEIGHT, "IV", "Ⅳ级高处作业", "Grade IV work at height", "24", "GB 30871-2022 §8.1"),
    WorkGrade(EXCAVATION, None, "动土作业", "Excavation", "30", "GB 30871-2022 §11"),
    WorkGrade(ROAD_BREAKING, None, "断路作业", "Road breaking", "40", "GB 30871-2022 §12"),
    WorkGrade(BLINDING, None, "盲板抽堵作业", "Blinding", "50", "GB 30871-2022 §7"),
    WorkGrade(LIFTING, "1", "一级吊装作业", "Grade 1 lifting", "61", "GB 30871-2022 §9.1"),
    WorkGrade(LIFTING, "2", "二级吊装作业", "Grade 2 lifting", "62", "GB 30871-2022 §9.1"),
    WorkGrade(LIFTING, "3", "三级吊装作业", "Grade 3 lifting", "63", "GB 30871-2022 §9.1"),
    WorkGrade(CONFINED_SPACE, None, "受限空间作业", "Confined-space entry", "70", "GB 30871-2022 §6"),
)
GRADES_BY_KEY: dict[tuple[str, str | None], WorkGrade] = {(g.work_type, g.grade): g for g in WORK_GRADES}

# ------------------------------------------------------------------ validity (有效期), requirements §2.3


@dataclass(frozen=True)
class Validity:
    """Longest validity of a permit; None where GB 30871-2022 states no maximum."""

    normal: timedelta | None
    special: timedelta | None  # the longer limit allowed in special cases (临时用电 only)
    clause: str


VALIDITY_V1: dict[tuple[str, str | None], Validity] = {
    # GB 30871-2022 §5.1.5: 特级/一级 ≤ 8 h, 二级 ≤ 72 h.
    (HOT_WORK, "special"): Validity(timedelta(hours=8), None, "GB 30871-2022 §5.1.5"),
    (HOT_WORK, "1"): Validity(timedelta(hours=8), None, "GB 30871-2022 §5.1.5"),
    (HOT_WORK, "2"): Validity(timedelta(hours=72), None, "GB 30871-2022 §5.1.5"),
    # §6.10: ≤ 24 h.
    (CONFINED_SPACE, None): Validity(timedelta(hours=24), None, "GB 30871-2022 §6.10"),
    # §8.2.11: ≤ 7 days, every grade.
    (WORK_AT_HEIGHT, "I"): Validity(timedelta(days=7), None, "GB 30871-2022 §8.2.11"),
    (WORK_AT_HEIGHT, "II"): Validity(timedelta(days=7), None, "GB 30871-2022 §8.2.11"),
    (WORK_AT_HEIGHT, "III"): Validity(timedelta(days=7), None, "GB 30871-2022 §8.2.11"),
    (WORK_AT_HEIGHT, "IV"): Validity(timedelta(days=7), None, "GB 30871-2022 §8.2.11"),
    # §10.8: normally ≤ 15 days, special cases ≤ 30 days; serving a 动火/受限空间 job, the same as that job.
    (TEMPORARY_ELECTRICITY, None): Validity(timedelta(days=15), timedelta(days=30), "GB 30871-2022 §10.8"),
    # No maximum stated in GB 30871-2022 for these.
    (BLINDING, None): Validity(None, None, "GB 30871-2022 §7 (none stated)"),
    (LIFTING, "1"): Validity(None, None, "GB 30871-2022 §9 (none stated)"),
    (LIFTING, "2"): Validity(None, None, "GB 30871-2022 §9 (none stated)"),
    (LIFTING, "3"): Validity(None, None, "GB 30871-2022 §9 (none stated)"),
    (EXCAVATION, None): Validity(None, None, "GB 30871-2022 §11 (none stated)"),
    (ROAD_BREAKING, None): Validity(None, None, "GB 30871-2022 §12 (none stated)"),
}

# ------------------------------------------------------------------ gas analysis (气体分析), requirements §2.6

GAS_KINDS: dict[str, tuple[str, str]] = {
    "combustible": ("可燃气体", "Combustible gas"),
    "oxygen": ("氧气", "Oxygen"),
    "toxic": ("有毒有害气体", "Toxic gas"),
}

# When the analysis is required (AQ 3064.2-2025 §5.4.3; GB 30871-2022 §5.3.1, §6.3 a, §10.1):
# "always", or "hazardous_area" (临时用电 in running units, tank farms or 火灾爆炸危险场所 only).
GAS_ANALYSIS_REQUIRED: dict[str, str] = {
    HOT_WORK: "always",
    CONFINED_SPACE: "always",
    TEMPORARY_ELECTRICITY: "hazardous_area",
}


@dataclass(frozen=True)
class GasCriteria:
    """Pass criteria and clocks of the gas analysis."""

    version: str
    # GB 30871-2022 §5.3.2 (also §6.4 c, §10.1): LEL ≥ 4 % → ≤ 0.5 % v/v; LEL < 4 % → ≤ 0.2 % v/v.
    lel_threshold_pct: str
    combustible_max_high_lel_pct: str
    combustible_max_low_lel_pct: str
    # GB 30871-2022 §6.4 a: O₂ 19.5 %–21 % in a confined space; ≤ 23.5 % in oxygen-rich environments.
    oxygen_min_pct: str
    oxygen_max_pct: str
    # GB 30871-2022 §5.2.7: inside equipment making, using or storing O₂, hot work needs O₂ ≤ 23.5 %.
    oxygen_rich_max_pct: str
    # GB 30871-2022 §5.3.1 c, §6.3 a; AQ 3064.2-2025 §5.4.3: sample-to-start gap ≤ 30 min.
    sample_to_start: timedelta
    # GB 30871-2022 §5.3.1 d, §6.3 f; AQ 3064.2-2025 §5.9.1: re-test after an interruption longer
    # than this. Types and grades not listed need no re-test by interruption.
    retest_after: dict[tuple[str, str | None], timedelta]
    # GB 30871-2022 §6.5; AQ 3064.2-2025 §5.9.4: confined-space readings recorded at least every 2 h.
    confined_record_interval: timedelta
    # GB 30871-2022 §5.3.1 d; AQ 3064.2-2025 §5.9.2: analysis before each day's work of a multi-day
    # job: 二级动火 always, 临时用电 in hazardous areas (value "hazardous_area").
    daily_retest: dict[tuple[str, str | None], str]
    # Which types check O₂, and against which range by default: GB 30871-2022 §6.4 a (受限空间
    # 19.5–21 %) and §5.2.7 (动火, upper bound 23.5 % only). [D] For 动火 any O₂ reading given is held
    # to ≤ 23.5 % whether or not the equipment is oxygen service: enrichment is a fire hazard anyway.
    oxygen_rule: dict[str, str]
    # Readings that must be present for a pass (GB 30871-2022 表A.1/A.2/A.6 analysis columns).
    # [D] 受限空间 must have both combustible and O₂ readings; 动火 and 临时用电 a combustible reading.
    required_kinds: dict[str, frozenset[str]]
    # [D] Mixtures: GB 30871-2022 gives no rule for the LEL of a mixture (requirements §2.6). Default
    # the lowest component LEL (the stricter choice); "le_chatelier" is the option.
    mixture_method: str


GAS_CRITERIA_V1 = GasCriteria(
    version="gb30871-2022-gas/v1",
    lel_threshold_pct="4",
    combustible_max_high_lel_pct="0.5",
    combustible_max_low_lel_pct="0.2",
    oxygen_min_pct="19.5",
    oxygen_max_pct="21",
    oxygen_rich_max_pct="23.5",
    sample_to_start=timedelta(minutes=30),
    retest_after={
        (HOT_WORK, "special"): timedelta(minutes=30),
        (HOT_WORK, "1"): timedelta(minutes=30),
        (HOT_WORK, "2"): timedelta(minutes=60),
        (CONFINED_SPACE, None): timedelta(minutes=60),
    },
    confined_record_interval=timedelta(hours=2),
    daily_retest={(HOT_WORK, "2"): "always", (TEMPORARY_ELECTRICITY, None): "hazardous_area"},
    oxygen_rule={CONFINED_SPACE: "range", HOT_WORK: "upper"},
    required_kinds={
        HOT_WORK: frozenset({"combustible"}),
        CONFINED_SPACE: frozenset({"combustible", "oxygen"}),
        TEMPORARY_ELECTRICITY: frozenset({"combustible"}),
    },
    mixture_method="lowest",
)
MIXTURE_METHODS: dict[str, tuple[str, str]] = {
    "lowest": ("取各组分爆炸下限的最低值", "Lowest component LEL"),
    "le_chatelier": ("勒夏特列公式", "Le Chatelier's rule"),
}

# ------------------------------------------------------------------ AQ 3064.2-2025 表A.4 alarm types


@dataclass(frozen=True)
class AlarmType:
    """One 作业报警类型 (ALARM_TYPE of 表A.3), as 大类/细类."""

    code: str  # "大类/细类", e.g. "0/01"
    zh: str  # 报警细类 as printed (requirements §2.10)
    en: str
    clause: str  # the rule it enforces


# [D] The 大类 names are not given in requirements §2.10; these are descriptive labels, not the
# printed ones.
ALARM_CATEGORIES: dict[str, tuple[str, str]] = {
    "0": ("气体分析", "Gas analysis"),
    "1": ("作业票时效", "Permit validity"),
    "2": ("盲板抽堵", "Blinding"),
    "3": ("人员在岗", "People on site"),
    "4": ("动火升级", "Hot-work upgrade"),
    "5": ("人员资质", "Qualifications"),
    "6": ("作业票办理与关联", "Permits and their links"),
    "7": ("安全交底", "Safety briefing"),
    "8": ("风险分析", "Risk analysis"),
    "9": ("安全措施", "Safety measures"),
}

ALARM_TYPES: tuple[AlarmType, ...] = (
    AlarmType(
        "0/01", "作业前未进行气体分析", "No gas analysis before work", "AQ 3064.2 §5.4.3; GB §5.3.1, §6.3"
    ),
    AlarmType(
        "0/02", "气体分析与作业开始间隔超时", "Gas analysis older than 30 min at start", "GB §5.3.1 c, §6.3 a"
    ),
    AlarmType(
        "0/03",
        "作业中断超时，未进行气体分析",
        "Interruption over time without a new gas analysis",
        "AQ 3064.2 §5.9.1; GB §5.3.1 d, §6.3 f",
    ),
    AlarmType(
        "0/04",
        "二级动火作业持续多日，次日未进行气体分析",
        "Multi-day grade 2 hot work without the day's gas analysis",
        "AQ 3064.2 §5.9.2; GB §5.3.1 d",
    ),
    AlarmType(
        "0/05",
        "受限空间作业重新记录气体分析结果超时",
        "Confined-space gas readings not recorded within 2 h",
        "AQ 3064.2 §5.9.4; GB §6.5",
    ),
    AlarmType("1/10", "安全作业票超时", "Permit past its validity", "AQ 3064.2 §5.9.5; GB §4.16"),
    AlarmType("2/20", "盲板抽、堵共用一张作业票", "Blind insertion and removal on one permit", "GB §7.11"),
    AlarmType("3/30", "审批人不在现场审批", "Approver not on site", "AQ 3064.2 §5.9.6; GB §4.11 a"),
    AlarmType("3/31", "监护人离岗", "Guardian off post", "AQ 3064.2 §5.9.6; GB §4.10 f"),
    AlarmType("4/40", "节假日动火作业未升级", "Hot work on a holiday not upgraded", "GB §5.1.1"),
    AlarmType("4/41", "公休日动火作业未升级", "Hot work on a rest day not upgraded", "GB §5.1.1"),
    AlarmType("4/42", "夜间动火作业未升级", "Hot work at night not upgraded", "GB §5.1.1"),
    AlarmType(
        "4/43",
        "重大活动等特殊时段动火作业未升级",
        "Hot work in a special period not upgraded",
        "GB §5.1.1",
    ),
    AlarmType("5/50", "无对应资质证书", "No matching certificate", "AQ 3064.2 §5.9.7; GB §4.9"),
    AlarmType("5/51", "资质证书过期", "Certificate expired", "AQ 3064.2 §5.9.7; GB §4.9"),
    AlarmType("5/52", "持证人与证书不匹配", "Certificate holder mismatch", "AQ 3064.2 §5.9.7; GB §4.9"),
    AlarmType("6/60", "未办理安全作业票", "Work without a permit", "AQ 3064.2 §5.9.8; GB §4.6"),
    AlarmType(
        "6/61", "未办全相互关联的安全作业票", "Related permits not all obtained", "AQ 3064.2 §5.9.8; GB §4.6"
    ),
    AlarmType(
        "6/62", "未关联应相互关联安全作业票", "Related permits not linked", "AQ 3064.2 §5.9.8; GB §4.6"
    ),
    AlarmType("7/70", "未进行安全交底", "No safety briefing", "GB §4.4"),
    AlarmType("8/80", "未进行风险分析", "No risk analysis", "GB §4.1"),
    AlarmType("9/90", "安全措施未确认", "Safety measures not confirmed", "AQ 3064.2 §5.4.5"),
)
# [D] Local alarm types, not in 表A.4: AQ 3064.2-2025 §5.9.3 asks for an alarm when a gas result is
# out of limit but 表A.4 gives it no 细类. Anguan raises it when a fixed detector watching a live
# permit alarms (GB 30871-2022 §5.2.6: stop at any over-limit alarm) and exports it under its
# category with `local` set, so an exchange consumer can map it.
LOCAL_ALARM_TYPES: tuple[AlarmType, ...] = (
    AlarmType(
        "0/09",
        "作业现场气体检测超限（本地扩展）",
        "Gas over its limit at the work site (local code)",
        "AQ 3064.2 §5.9.3; GB §5.2.6, §6.5",
    ),
)
ALARMS: dict[str, AlarmType] = {a.code: a for a in (*ALARM_TYPES, *LOCAL_ALARM_TYPES)}

# The order in which signing_blockers reports what blocks signing (AQ 3064.2-2025 §5.4.3–5.4.5).
SIGNING_BLOCKER_ORDER: tuple[str, ...] = (
    "0/01",
    "0/02",
    "8/80",
    "9/90",
    "7/70",
    "5/50",
    "5/51",
    "5/52",
    "6/61",
    "6/62",
)
CERTIFICATE_ALARMS: frozenset[str] = frozenset({"5/50", "5/51", "5/52"})

# AQ 3064.2-2025 表A.1 TICKET_STATUS.
TICKET_STATUS: dict[str, tuple[str, str]] = {
    "0": ("未签发", "Not issued"),
    "1": ("已签发", "Issued"),
    "2": ("作业中", "In progress"),
    "3": ("已验收", "Accepted"),
    "4": ("作废", "Voided"),
    "5": ("撤销", "Revoked"),
    "6": ("暂停", "Paused"),
}

# ------------------------------------------------------------------ approval (表B.1, 附录A signature blocks)

# Who signs. [A] GB 30871-2022 表B.1 and the signature blocks of 表A.1–A.8.
ROLES: dict[str, tuple[str, str]] = {
    "work_leader": ("作业负责人", "Work leader"),
    "commander": ("作业指挥", "Lifting commander"),
    "unit": ("所在单位（所在基层单位）", "Owning unit"),
    "power_user": ("用电单位", "Power-using unit"),
    "safety_dept": ("安全管理部门", "Safety department"),
    "plant_leader": ("主管领导", "Leader in charge"),
    "professional_dept": ("所在单位专业部门", "Professional department"),
    "plant_director": ("主管厂长或总工程师", "Plant director or chief engineer"),
    "power_supplier": ("配送电单位", "Power supplier"),
    "countersign": ("会签单位", "Countersigning units"),
    "shift_leader": ("岗位当班班长", "Shift leader on duty"),
    "acceptor": ("完工验收人", "Acceptor"),
}

# When a step is signed: before issue (signing), before work starts (start: the shift leader's
# ticket check of 表A.1), after the work (acceptance: 完工验收, GB 30871-2022 §4.15).
PHASES: tuple[str, ...] = ("signing", "start", "acceptance")

# [D] AQ 3064.2-2025 §5.2 asks for per-step time limits without a figure: 60 min each, configurable.
DEFAULT_STEP_TIME_LIMIT = timedelta(minutes=60)


@dataclass(frozen=True)
class Step:
    """One signature block (意见 + 签字 + 时间) of a permit, in the order it is signed."""

    code: str
    zh: str
    en: str
    role: str  # a key of ROLES
    phase: str  # a value of PHASES
    approver: bool = False  # the 审批部门（人） of 表B.1
    countersign: bool = False  # several parties sign this block (会签)
    time_limit: timedelta | None = DEFAULT_STEP_TIME_LIMIT
    clause: str = "GB 30871-2022 附录A"


def _s(
    code: str,
    zh: str,
    en: str,
    role: str,
    *,
    phase: str = "signing",
    approver: bool = False,
    countersign: bool = False,
    clause: str = "GB 30871-2022 附录A",
) -> Step:
    return Step(code, zh, en, role, phase, approver, countersign, DEFAULT_STEP_TIME_LIMIT, clause)


_WORK_LEADER = _s("work_leader", "作业负责人意见", "Work leader", "work_leader")
_UNIT = _s("unit", "所在单位意见", "Owning unit", "unit")
_UNIT_APPROVES = _s("unit", "所在单位意见", "Owning unit (approves)", "unit", approver=True)
_SAFETY = _s("safety_dept", "安全管理部门意见", "Safety department", "safety_dept")
_SHIFT = _s(
    "shift_leader_check",
    "动火前，岗位当班班长验票情况",
    "Shift leader's ticket check",
    "shift_leader",
    phase="start",
)
_ACCEPT = _s(
    "acceptance",
    "完工验收",
    "Completion acceptance",
    "acceptor",
    phase="acceptance",
    clause="GB 30871-2022 §4.15",
)


def _hot_approver(role: str) -> Step:
    return _s(
        "hot_work_approver",
        "动火审批人意见",
        "Hot-work approver",
        role,
        approver=True,
        clause="GB 30871-2022 表B.1",
    )


def _approval(role: str) -> Step:
    return _s(
        "approval", "审批部门意见", "Approving department", role, approver=True, clause="GB 30871-2022 表B.1"
    )


def _review(role: str) -> Step:
    return _s("review", "审核部门意见", "Reviewing department", role, clause="GB 30871-2022 表B.1")


# GB 30871-2022 表B.1 (approver per type and grade) on the signature blocks of 表A.1–A.8, in order.
# [D] Where the printed form has more blocks than 表B.1 names a signer for, a block is kept when a
# level at or below the approver signs it: 动火 keeps 安全管理部门 for 特级 and 一级 (for 一级 it is the
# approver's own department) and drops it for 二级; 高处 and 吊装 keep 审核部门 only where a higher
# level approves (高处 Ⅳ, 吊装 一级: the professional department reviews for the plant director).
# 受限空间 and 盲板抽堵 have no 审批 block: 所在单位 (the 所在基层单位 of 表B.1) approves. Enterprises
# may change the flows (AQ 3064.2-2025 §5.2).
APPROVAL_FLOWS_V1: dict[tuple[str, str | None], tuple[Step, ...]] = {
    (HOT_WORK, "special"): (_WORK_LEADER, _UNIT, _SAFETY, _hot_approver("plant_leader"), _SHIFT, _ACCEPT),
    (HOT_WORK, "1"): (_WORK_LEADER, _UNIT, _SAFETY, _hot_approver("safety_dept"), _SHIFT, _ACCEPT),
    (HOT_WORK, "2"): (_WORK_LEADER, _UNIT, _hot_approver("unit"), _SHIFT, _ACCEPT),
    (CONFINED_SPACE, None): (_WORK_LEADER, _UNIT_APPROVES, _ACCEPT),
    (BLINDING, None): (_WORK_LEADER, _UNIT_APPROVES, _ACCEPT),
    (WORK_AT_HEIGHT, "I"): (_WORK_LEADER, _UNIT, _approval("unit"), _ACCEPT),
    (WORK_AT_HEIGHT, "II"): (_WORK_LEADER, _UNIT, _approval("professional_dept"), _ACCEPT),
    (WORK_AT_HEIGHT, "III"): (_WORK_LEADER, _UNIT, _approval("professional_dept"), _ACCEPT),
    (WORK_AT_HEIGHT, "IV"): (
        _WORK_LEADER,
        _UNIT,
        _review("professional_dept"),
        _approval("plant_director"),
        _ACCEPT,
    ),
    (LIFTING, "1"): (
        _s("commander", "作业指挥意见", "Lifting commander", "commander"),
        _UNIT,
        _review("professional_dept"),
        _approval("plant_director"),
        _ACCEPT,
    ),
    (LIFTING, "2"): (
        _s("commander", "作业指挥意见", "Lifting commander", "commander"),
        _UNIT,
        _approval("professional_dept"),
        _ACCEPT,
    ),
    (LIFTING, "3"): (
        _s("commander", "作业指挥意见", "Lifting commander", "commander"),
        _UNIT,
        _approval("professional_dept"),
        _ACCEPT,
    ),
    (TEMPORARY_ELECTRICITY, None): (
        _WORK_LEADER,
        _s("power_user", "用电单位意见", "Power-using unit", "power_user"),
        # 表B.1: 配送电单位 both reviews and approves.
        _s(
            "power_supplier",
            "配送电单位意见",
            "Power supplier",
            "power_supplier",
            approver=True,
            clause="GB 30871-2022 表B.1",
        ),
        _ACCEPT,
    ),
    (EXCAVATION, None): (
        _WORK_LEADER,
        _UNIT,
        _s(
            "countersign",
            "会签意见（水、电、汽、工艺、设备、消防、安全管理等动土涉及单位）",
            "Countersignatures of the units concerned (water, power, steam, process, equipment, fire, safety)",
            "countersign",
            countersign=True,
            clause="GB 30871-2022 表B.1",
        ),
        _approval("professional_dept"),
        _ACCEPT,
    ),
    (ROAD_BREAKING, None): (
        _WORK_LEADER,
        _UNIT,
        _s(
            "countersign",
            "消防、安全管理部门意见",
            "Fire and safety departments",
            "countersign",
            countersign=True,
            clause="GB 30871-2022 表B.1",
        ),
        _approval("professional_dept"),
        _ACCEPT,
    ),
}

# GB 30871-2022 表B.1 审批部门（人）, as a role: the integrity tests hold the flows to it.
APPROVER_ROLE: dict[tuple[str, str | None], str] = {
    (HOT_WORK, "special"): "plant_leader",
    (HOT_WORK, "1"): "safety_dept",
    (HOT_WORK, "2"): "unit",
    (CONFINED_SPACE, None): "unit",
    (BLINDING, None): "unit",
    (WORK_AT_HEIGHT, "I"): "unit",
    (WORK_AT_HEIGHT, "II"): "professional_dept",
    (WORK_AT_HEIGHT, "III"): "professional_dept",
    (WORK_AT_HEIGHT, "IV"): "plant_director",
    (LIFTING, "1"): "plant_director",
    (LIFTING, "2"): "professional_dept",
    (LIFTING, "3"): "professional_dept",
    (TEMPORARY_ELECTRICITY, None): "power_supplier",
    (EXCAVATION, None): "professional_dept",
    (ROAD_BREAKING, None): "professional_dept",
}

# ------------------------------------------------------------------ work at height (高处作业), §8.1

# GB 30871-2022 §8.1.2 a–i (objective hazard factors, after GB/T 3608).
HEIGHT_FACTORS: dict[str, tuple[str, str]] = {
    "a": ("阵风风力五级（风速8.0 m/s）以上", "Gusts of wind force 5 (8.0 m/s) or more"),
    "b": ("平均气温等于或低于5 ℃的作业环境", "Mean temperature at or below 5 °C"),
    "c": ("接触冷水温度等于或低于12 ℃的作业", "Contact with water at or below 12 °C"),
    "d": ("作业场地有冰、雪、霜、油、水等易滑物", "Ice, snow, frost, oil or water on the work surface"),
    "e": ("作业场所光线不足或能见度差", "Poor light or visibility"),
    "f": ("作业活动范围与危险电压带电体距离小于规定值", "Closer to live conductors than Table 1 allows"),
    "g": (
        "摆动，立足处不是平面或只有很小的平面（任一边小于500 mm）",
        "Swaying footing, or a footing with any side under 500 mm",
    ),
    "h": ("存在有毒气体或空气中含氧量低于19.5%的作业环境", "Toxic gas present, or O₂ below 19.5 %"),
    "i": (
        "可能会引起各种灾害事故的作业环境和抢救突然发生的各种灾害事故",
        "Disaster-prone environment, or rescue work",
    ),
}

# GB 30871-2022 §8.1.1–8.1.3 (GB/T 3608): (upper bound inclusive in m or None, method A, method B),
# from 2 m; method B applies when one or more of the nine factors is present.
HEIGHT_MIN_M = "2"  # §3.8: ≥ 2 m above the fall datum
HEIGHT_BANDS: tuple[tuple[str | None, str, str], ...] = (
    ("5", "I", "II"),
    ("15", "II", "III"),
    ("30", "III", "IV"),
    (None, "IV", "IV"),
)


@dataclass(frozen=True)
class HeightCase:
    """A case the note to GB 30871-2022 表B.1 puts into a height grade, as a minimum grade."""

    zh: str
    en: str
    min_grade: str


# Note to 表B.1. [D] "Ⅱ级、Ⅲ级 … 还包括" fixes no single grade: those cases default to Ⅲ (requirements
# §2.2), configurable by passing another table to rules.height_grade.
HEIGHT_EXTRA_CASES_V1: dict[str, HeightCase] = {
    "slope_over_45": HeightCase("在坡度大于45°的斜坡上作业", "On a slope steeper than 45°", "I"),
    "near_openings": HeightCase(
        "在升降口、坑、井、池、沟、洞等上面或附近作业",
        "At or near openings (hatches, pits, wells, ponds, trenches, holes)",
        "III",
    ),
    "hazardous_area": HeightCase(
        "在易燃、易爆、易中毒、易灼伤的区域作业",
        "In areas prone to fire, explosion, poisoning or burns",
        "III",
    ),
    "near_rotating_equipment": HeightCase("在转动设备附近作业", "Near rotating equipment", "III"),
    "no_platform_or_guardrail": HeightCase(
        "在无平台、无护栏的塔、釜、炉、罐等化工容器、设备及架空管道上作业",
        "On towers, vessels or pipe racks without platforms or guardrails",
        "III",
    ),
    "inside_vessel": HeightCase(
        "在塔、釜、炉、罐等设备内作业", "Inside towers, kettles, furnaces or tanks", "III"
    ),
    "near_toxic_vent": HeightCase(
        "在排放有毒、有害气体、粉尘的放空管线或烟囱附近作业",
        "Near vents or stacks discharging toxic gas or dust",
        "III",
    ),
    "abnormal_temperature": HeightCase("在异温环境中作业", "In abnormal temperatures", "IV"),
    "snowing": HeightCase("在降雪时作业", "While it snows", "IV"),
    "raining": HeightCase("在降雨时作业", "While it rains", "IV"),
    "night_artificial_light": HeightCase(
        "室外完全采用人工照明的夜间作业", "Outdoor night work with only artificial light", "IV"
    ),
    "live_line": HeightCase("在接近或接触带电体条件下的带电作业", "Live-line work", "IV"),
    "suspended": HeightCase(
        "在无立足点或无牢靠立足点的条件下进行悬空作业", "Suspended work without secure footing", "IV"
    ),
}

# ------------------------------------------------------------------ lifting (吊装作业), §9.1

# GB 30871-2022 §9.1: 一级 m > 100 t; 二级 40 t ≤ m ≤ 100 t; 三级 m < 40 t.
LIFTING_GRADE_1_OVER_T = "100"  # strictly greater
LIFTING_GRADE_2_FROM_T = "40"  # inclusive
# 表B.1 note 3: a lift under 10 t may be done without a 吊装安全作业票 (a risk analysis is still required).
LIFTING_PERMIT_FROM_T = "10"

# ------------------------------------------------------------------ hot-work upgrade (升级管理), §5.1.1

# Cause codes = the 细类 of the 表A.4 alarms 4/40–4/43.
UPGRADE_CAUSES: dict[str, tuple[str, str]] = {
    "40": ("节假日", "Public holiday"),
    "41": ("公休日", "Rest day"),
    "42": ("夜间", "Night"),
    "43": ("重大活动等特殊时段", "Special period (major events)"),
}


@dataclass(frozen=True)
class UpgradePolicy:
    """How hot work is upgraded on holidays, rest days, at night and in special periods (§5.1.1)."""

    version: str
    # [D] GB 30871-2022 does not define 升级 (requirements §2.2): one grade up by default
    # (二级→一级→特级; 特级 stays 特级).
    steps: int
    causes: frozenset[str]  # the causes that trigger an upgrade (all four by default)


HOT_WORK_UPGRADE_V1 = UpgradePolicy(
    version="anguan-hot-work-upgrade/v1", steps=1, causes=frozenset(UPGRADE_CAUSES)
)

# [D] 夜间 is not defined by GB 30871-2022: 22:00–06:00 plant time by default, configurable per
# enterprise (AQ 3064.2-2025 §5.10 calendar of holidays, rest days, night and major events).
NIGHT_START = time(22, 0)
NIGHT_END = time(6, 0)
# 公休日: Saturday and Sunday (国务院关于职工工作时间的规定 Art. 7) unless a make-up workday (调休上班).
REST_WEEKDAYS: frozenset[int] = frozenset({5, 6})

# ------------------------------------------------------------------ booking, AQ 3064.2-2025 §5.3.1

# At least one calendar day ahead (plant dates), or an emergency booking on the same day.
BOOKING_MIN_DAYS_AHEAD = 1

# ------------------------------------------------------------------ guardians (监护人), §4.10


@dataclass(frozen=True)
class GuardianPolicy:
    """[D] POLICY, NOT LAW: the most permits one guardian may watch at the same time.

    "One guardian, one job" is in neither GB 30871-2022 nor AQ 3064.2-2025 (requirements §2.7); the
    nearest rules are "不应从事与监护无关的事" (§4.10 f) and more guardians for high-risk confined
    spaces (§6.8 b). (type, grade) pairs not listed have no limit.
    """

    version: str
    max_concurrent: dict[tuple[str, str | None], int] = field(default_factory=dict)


GUARDIAN_POLICY_V1 = GuardianPolicy(
    version="anguan-guardian/v1-policy",
    max_concurrent={(HOT_WORK, "special"): 1, (HOT_WORK, "1"): 1, (CONFINED_SPACE, None): 1},
)

# ------------------------------------------------------------------ retention, 附录B.3 and AQ 3064.2 §4.2

PERMIT_RETENTION_DAYS = 365  # GB 30871-2022 B.3; AQ 3064.2-2025 §4.2: ≥ 1 year
VIDEO_RETENTION_DAYS = 30  # AQ 3064.2-2025 §4.2: ≥ 30 days (GB 30871-2022: ≥ 1 month)

# The 附录A safety-measure checklists are reference data too, kept in checklists.py (same VERSION).

# ------------------------------------------------------------------ risk-analysis templates

# [D] AQ 3064.2-2025 §5.4.1 asks for built-in risk-analysis templates. These are the usual hazards of
# each work type in the accident categories of GB 6441-1986, offered as the starting list of the
# 危险有害因素辨识 that the applicant edits for the job, the equipment and the area.
RISK_TEMPLATES_V1: dict[str, tuple[str, ...]] = {
    HOT_WORK: ("火灾", "爆炸", "灼烫", "触电", "中毒和窒息", "高处坠落", "物体打击"),
    CONFINED_SPACE: ("中毒和窒息", "火灾", "爆炸", "淹溺", "触电", "机械伤害", "灼烫", "物体打击"),
    BLINDING: ("中毒和窒息", "灼烫", "火灾", "爆炸", "高处坠落", "物体打击"),
    WORK_AT_HEIGHT: ("高处坠落", "物体打击", "触电", "坍塌"),
    LIFTING: ("起重伤害", "物体打击", "触电", "坍塌", "高处坠落"),
    TEMPORARY_ELECTRICITY: ("触电", "火灾", "爆炸"),
    EXCAVATION: ("坍塌", "触电", "中毒和窒息", "物体打击", "火灾", "爆炸", "机械伤害"),
    ROAD_BREAKING: ("车辆伤害", "物体打击", "坍塌"),
}
