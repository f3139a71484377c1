"""GB 18218-2018 reference data: 表1 named substances, 表2 class defaults, 表3/表4 β, 表5 α, 表6 grades.

[A] Extracted from the standard (see ../shared/docs/requirements.md §4.2–4.3, source S5/S6); CAS check
digits are verified by tests. Quantities are decimal strings so that sums and boundaries are exact.
Rows 37–42 (硝化纤维素) and 43–44 (硝酸铵) share a CAS number: match by row, not by CAS alone.
"""

from __future__ import annotations

from dataclasses import dataclass

VERSION = "gb18218-2018/v1"


@dataclass(frozen=True)
class Named:
    """One row of 表1: number, name as printed (aliases and specification in brackets), CAS, Q in t."""

    no: int
    name: str
    cas: tuple[str, ...]
    q_t: str


# fmt: off
TABLE1: tuple[Named, ...] = (
    Named(1, '氨 (液氨; 氨气)', ('7664-41-7',), "10"),
    Named(2, '二氟化氧 (一氧化二氟)', ('7783-41-7',), "1"),
    Named(3, '二氧化氮', ('10102-44-0',), "1"),
    Named(4, '二氧化硫 (亚硫酸酐)', ('7446-09-5',), "20"),
    Named(5, '氟', ('7782-41-4',), "1"),
    Named(6, '碳酰氯 (光气)', ('75-44-5',), "0.3"),
    Named(7, '环氧乙烷 (氧化乙烯)', ('75-21-8',), "10"),
    Named(8, '甲醛 (含量 > 90%) (蚁醛)', ('50-00-0',), "5"),
    Named(9, '磷化氢 (磷化三氢; 膦)', ('7803-51-2',), "1"),
    Named(10, '硫化氢', ('7783-06-4',), "5"),
    Named(11, '氯化氢 (无水)', ('7647-01-0',), "20"),
    Named(12, '氯 (液氯; 氯气)', ('7782-50-5',), "5"),
    Named(13, '煤气 (CO, CO 和 H₂、CH₄ 的混合物等)', (), "20"),
    Named(14, '砷化氢 (砷化三氢、胂)', ('7784-42-1',), "1"),
    Named(15, '锑化氢 (三氢化锑; 锑化三氢)', ('7803-52-3',), "1"),
    Named(16, '硒化氢', ('7783-07-5',), "1"),
    Named(17, '溴甲烷 (甲基溴)', ('74-83-9',), "10"),
    Named(18, '丙酮氰醇 (丙酮合氰化氢; 2-羟基异丁腈; 氰丙醇)', ('75-86-5',), "20"),
    Named(19, '丙烯醛 (烯丙醛; 败脂醛)', ('107-02-8',), "20"),
    Named(20, '氟化氢', ('7664-39-3',), "1"),
    Named(21, '1-氯-2,3-环氧丙烷 (环氧氯丙烷)', ('106-89-8',), "20"),
    Named(22, '3-溴-1,2-环氧丙烷 (环氧溴丙烷; 表溴醇)', ('3132-64-7',), "20"),
    Named(23, '甲苯二异氰酸酯 (TDI)', ('26471-62-5',), "100"),
    Named(24, '一氯化硫 (氯化硫)', ('10025-67-9',), "1"),
    Named(25, '氰化氢 (无水氢氰酸)', ('74-90-8',), "1"),
    Named(26, '三氧化硫 (硫酸酐)', ('7446-11-9',), "75"),
    Named(27, '3-氨基丙烯 (烯丙胺)', ('107-11-9',), "20"),
    Named(28, '溴 (溴素)', ('7726-95-6',), "20"),
    Named(29, '乙撑亚胺 (吖丙啶; 氮丙啶)', ('151-56-4',), "20"),
    Named(30, '异氰酸甲酯 (甲基异氰酸酯)', ('624-83-9',), "0.75"),
    Named(31, '叠氮化钡', ('18810-58-7',), "0.5"),
    Named(32, '叠氮化铅', ('13424-46-9',), "0.5"),
    Named(33, '雷汞', ('628-86-4',), "0.5"),
    Named(34, '三硝基苯甲醚 (三硝基茴香醚)', ('28653-16-9',), "5"),
    Named(35, '2,4,6-三硝基甲苯 (TNT)', ('118-96-7',), "5"),
    Named(36, '硝化甘油', ('55-63-0',), "1"),
    Named(37, '硝化纤维素 [干的或含水(或乙醇) < 25%]', ('9004-70-0',), "1"),
    Named(38, '硝化纤维素 (未改型的, 或增塑的, 含增塑剂 < 18%)', ('9004-70-0',), "1"),
    Named(39, '硝化纤维素 (含乙醇 ≥ 25%)', ('9004-70-0',), "10"),
    Named(40, '硝化纤维素 (含氮 ≤ 12.6%)', ('9004-70-0',), "50"),
    Named(41, '硝化纤维素 (含水 ≥ 25%)', ('9004-70-0',), "50"),
    Named(42, '硝化纤维素溶液 (含氮量 ≤ 12.6%, 含硝化纤维素 ≤ 55%)', ('9004-70-0',), "50"),
    Named(43, '硝酸铵 (含可燃物 > 0.2%, 包括以碳计算的任何有机物)', ('6484-52-2',), "5"),
    Named(44, '硝酸铵 (含可燃物 ≤ 0.2%)', ('6484-52-2',), "50"),
    Named(45, '硝酸铵肥料 (含可燃物 ≤ 0.4%)', (), "200"),
    Named(46, '硝酸钾', ('7757-79-1',), "1000"),
    Named(47, '1,3-丁二烯', ('106-99-0',), "5"),
    Named(48, '二甲醚 (甲醚)', ('115-10-6',), "50"),
    Named(49, '甲烷, 天然气', ('74-82-8', '8006-14-2'), "50"),
    Named(50, '氯乙烯', ('75-01-4',), "50"),
    Named(51, '氢 (氢气)', ('1333-74-0',), "5"),
    Named(52, '液化石油气 (含丙烷、丁烷及其混合物)', ('68476-85-7', '74-98-6', '106-97-8'), "50"),
    Named(53, '一甲胺 (氨基甲烷; 甲胺)', ('74-89-5',), "5"),
    Named(54, '乙炔 (电石气)', ('74-86-2',), "1"),
    Named(55, '乙烯', ('74-85-1',), "50"),
    Named(56, '氧 (压缩的或液化的)', ('7782-44-7',), "200"),
    Named(57, '苯 (纯苯)', ('71-43-2',), "50"),
    Named(58, '苯乙烯', ('100-42-5',), "500"),
    Named(59, '丙酮', ('67-64-1',), "500"),
    Named(60, '2-丙烯腈 (丙烯腈)', ('107-13-1',), "50"),
    Named(61, '二硫化碳', ('75-15-0',), "50"),
    Named(62, '环己烷', ('110-82-7',), "500"),
    Named(63, '1,2-环氧丙烷', ('75-56-9',), "10"),
    Named(64, '甲苯', ('108-88-3',), "500"),
    Named(65, '甲醇', ('67-56-1',), "500"),
    Named(66, '汽油 (乙醇汽油、甲醇汽油)', ('86290-81-5',), "200"),
    Named(67, '乙醇', ('64-17-5',), "500"),
    Named(68, '乙醚', ('60-29-7',), "10"),
    Named(69, '乙酸乙酯', ('141-78-6',), "500"),
    Named(70, '正己烷', ('110-54-3',), "500"),
    Named(71, '过乙酸 (过氧乙酸)', ('79-21-0',), "10"),
    Named(72, '过氧化甲基乙基酮 (10% < 有效氧 ≤ 10.7%, 含 A 型稀释剂 ≥ 48%)', ('1338-23-4',), "10"),
    Named(73, '白磷 (黄磷)', ('12185-10-3',), "50"),
    Named(74, '烷基铝 (三烷基铝)', (), "1"),
    Named(75, '戊硼烷', ('19624-22-7',), "1"),
    Named(76, '过氧化钾', ('17014-71-0',), "20"),
    Named(77, '过氧化钠', ('1313-60-6',), "20"),
    Named(78, '氯酸钾', ('3811-04-9',), "100"),
    Named(79, '氯酸钠', ('7775-09-9',), "100"),
    Named(80, '发烟硝酸', ('52583-42-3',), "20"),
    Named(81, '硝酸 (发红烟的除外, 含硝酸 > 70%)', ('7697-37-2',), "100"),
    Named(82, '硝酸胍 (硝酸亚氨脲)', ('506-93-4',), "50"),
    Named(83, '碳化钙 (电石)', ('75-20-7',), "100"),
    Named(84, '钾', ('7440-09-7',), "1"),
    Named(85, '钠', ('7440-23-5',), "10"),
)
# fmt: on
TABLE1_BY_NO = {n.no: n for n in TABLE1}


@dataclass(frozen=True)
class ClassDefault:
    """One row of 表2 (critical quantity by hazard class) with its β from 表4."""

    code: str
    zh: str
    q_t: str
    beta: str


TABLE2: dict[str, ClassDefault] = {
    c.code: c
    for c in (
        ClassDefault("J1", "急性毒性 类别1，所有暴露途径，气体", "5", "4"),
        ClassDefault("J2", "急性毒性 类别1，所有暴露途径，固体、液体", "50", "1"),
        ClassDefault("J3", "急性毒性 类别2、类别3，所有暴露途径，气体", "50", "2"),
        ClassDefault("J4", "急性毒性 类别2、类别3，吸入途径，液体（沸点≤35℃）", "50", "2"),
        ClassDefault("J5", "急性毒性 类别2，所有暴露途径，液体（除J4外）、固体", "500", "1"),
        ClassDefault("W1.1", "不稳定爆炸物；1.1项爆炸物", "1", "2"),
        ClassDefault("W1.2", "1.2、1.3、1.5、1.6项爆炸物", "10", "2"),
        ClassDefault("W1.3", "1.4项爆炸物", "50", "2"),
        ClassDefault("W2", "易燃气体 类别1和类别2", "10", "1.5"),
        ClassDefault("W3", "气溶胶 类别1和类别2", "150", "1"),
        ClassDefault("W4", "氧化性气体 类别1", "50", "1"),
        ClassDefault("W5.1", "易燃液体 类别1；类别2和3，工作温度高于沸点", "10", "1.5"),
        ClassDefault(
            "W5.2",
            "易燃液体 类别2和3，具有引发重大事故的特殊工艺条件（危险化工工艺、爆炸极限范围或附近操作、操作压力大于1.6MPa等）",
            "50",
            "1",
        ),
        ClassDefault("W5.3", "不属于W5.1或W5.2的其他类别2易燃液体", "1000", "1"),
        ClassDefault("W5.4", "不属于W5.1或W5.2的其他类别3易燃液体", "5000", "1"),
        ClassDefault("W6.1", "A型和B型自反应物质和混合物", "10", "1.5"),
        ClassDefault("W6.2", "C型、D型、E型自反应物质和混合物", "50", "1"),
        ClassDefault("W7.1", "A型和B型有机过氧化物", "10", "1.5"),
        ClassDefault("W7.2", "C型、D型、E型、F型有机过氧化物", "50", "1"),
        ClassDefault("W8", "类别1自燃液体；类别1自燃固体", "50", "1"),
        ClassDefault("W9.1", "类别1氧化性固体和液体", "50", "1"),
        ClassDefault("W9.2", "类别2、类别3氧化性固体和液体", "200", "1"),
        ClassDefault("W10", "类别1易燃固体", "200", "1"),
        ClassDefault("W11", "类别1和类别2遇水放出易燃气体的物质和混合物", "200", "1"),
    )
}

# 表3: β of named toxic gases, by CAS (names as printed).
TABLE3: dict[str, tuple[str, str]] = {
    "630-08-0": ("一氧化碳", "2"),
    "7446-09-5": ("二氧化硫", "2"),
    "7664-41-7": ("氨", "2"),
    "75-21-8": ("环氧乙烷", "2"),
    "7647-01-0": ("氯化氢", "3"),
    "74-83-9": ("溴甲烷", "3"),
    "7782-50-5": ("氯", "4"),
    "7783-06-4": ("硫化氢", "5"),
    "7664-39-3": ("氟化氢", "5"),
    "10102-44-0": ("二氧化氮", "10"),
    "74-90-8": ("氰化氢", "10"),
    "75-44-5": ("碳酰氯", "20"),
    "7803-51-2": ("磷化氢", "20"),
    "624-83-9": ("异氰酸甲酯", "20"),
}

# 表5: α by the number of people normally present within 500 m outside the plant boundary:
# (smallest count of the band, α, band as printed).
TABLE5: tuple[tuple[int, str, str], ...] = (
    (100, "2.0", "100人以上"),
    (50, "1.5", "50～99人"),
    (30, "1.2", "30～49人"),
    (1, "1.0", "1～29人"),
    (0, "0.5", "0人"),
)

# 表6: grade by R, highest first: (R at least, grade 1–4).
TABLE6: tuple[tuple[str, int], ...] = (("100", 1), ("50", 2), ("10", 3))
GRADE_NAMES = {1: ("一级", "Grade 1"), 2: ("二级", "Grade 2"), 3: ("三级", "Grade 3"), 4: ("四级", "Grade 4")}


# ------------------------------------------------------------------ dynamic risk colour (provisional)


@dataclass(frozen=True)
class RiskModel:
    """The dynamic risk colour model (红橙黄蓝). [D] PROVISIONAL — NOT THE NATIONAL MODEL.

    The MEM 重大危险源安全风险预警模型 was not obtainable (requirements §4.6). AQ 3064.1 §6.2 b asks for
    "风险预警模型及规则"; this is the placeholder design of §4.6: inherent colour from the GB 18218
    grade, dynamic points from live modifiers, colour = max(inherent, dynamic). Every weight and
    threshold lives here and can be replaced as a whole by a new version.
    """

    version: str
    label_zh: str
    label_en: str
    inherent: dict[int | None, str]  # GB 18218 grade (None: not a major hazard) → colour
    alarm_points: dict[str, float]  # alarm priority → points per alarm that is not back to normal
    bypass_points: float  # an SIS/interlock bypass applied in the unit's area
    bypass_overdue_points: float  # … still applied after its approval ended
    status_points: dict[str, float]  # unit status → points (检修/停用)
    duty_overdue_points: float  # any 包保 task of the unit past its due day
    # Diagnostic alarms (STALE no data, BAD quality) of the unit's points, counted once: lost
    # monitoring raises the risk, but a dead gateway must not paint every unit red.
    monitoring_loss_points: float
    # A supervision finding (督导检查问题) past its rectification deadline, by level (一般/重大): the
    # stand-in for "overdue hidden dangers" until the hidden-danger register exists.
    finding_overdue_points: dict[str, float]
    thresholds: tuple[tuple[float, str], ...]  # dynamic points at least → colour, highest first


COLOURS = ("blue", "yellow", "orange", "red")
COLOUR_NAMES = {
    "blue": ("蓝", "Blue"),
    "yellow": ("黄", "Yellow"),
    "orange": ("橙", "Orange"),
    "red": ("红", "Red"),
}

RISK_MODEL_V1 = RiskModel(
    version="anguan-risk/v1-provisional",
    label_zh="临时模型——非国家预警模型",
    label_en="Provisional — not the national model",
    inherent={1: "orange", 2: "yellow", 3: "blue", 4: "blue", None: "blue"},
    alarm_points={"urgent": 3.0, "high": 2.0, "medium": 1.0, "low": 0.5},
    bypass_points=1.0,
    bypass_overdue_points=2.0,
    status_points={"maintenance": 1.0, "stopped": 0.5},
    duty_overdue_points=1.0,
    monitoring_loss_points=1.0,
    finding_overdue_points={"general": 1.0, "major": 2.0},
    thresholds=((3.0, "red"), (2.0, "orange"), (1.0, "yellow")),
)


# ------------------------------------------------------------------ 包保 (safety responsibility)

DUTY_ROLES = {
    "principal": ("主要负责人", "Principal"),
    "technical": ("技术负责人", "Technical head"),
    "operational": ("操作负责人", "Operational head"),
}
# Exchange workType of each role (requirements §3.1: 1 主要, 2 技术, 3 操作负责人).
DUTY_WORK_TYPE = {"principal": 1, "technical": 2, "operational": 3}
# Item counts fixed by the national exchange (taskNum 1–9 / 1–9 / 1–10) [B, S9].
DUTY_TASK_COUNT = {"principal": 9, "technical": 9, "operational": 10}

# [B/C, S14] Wording of the 操作负责人 items of 《危险化学品企业重大危险源安全包保责任人隐患排查任务清单》.
OPERATIONAL_TASKS_V1: tuple[str, ...] = (
    "岗位操作人员严格执行重大危险源规章制度和操作规程、遵守劳动纪律",
    "涉及重大危险源的特殊作业、检维修作业按规定办理作业票，监护人在场，无违章，风险受控",
    "隐患整改到位，装置设备不带“病”运行",
    "外来施工单位及人员无违章",
    "设备设施（动静设备、自控系统、安全设施）完好",
    "应急设施、装备、器材、消防设施完好",
    "现场监控设施完好并有效覆盖重大危险源区域",
    "可燃/有毒气体报警器和火灾报警器正常，报警信息及时处置",
    "危险化学品安全生产风险监测预警系统警示信息及时处置、系统正常运行",
    "排查人员熟悉流程、运用移动终端开展隐患排查并闭环",
)

# [D] Default frequencies per role: the commonly cited quarterly / monthly / weekly (requirements
# §3.4 gap: not found in any source). Each template row can carry its own cycle.
DUTY_DEFAULT_CYCLE = {"principal": "quarter", "technical": "month", "operational": "week"}
CYCLES = {"week": ("每周", "Weekly"), "month": ("每月", "Monthly"), "quarter": ("每季度", "Quarterly")}

# ---------------------------------------------------------------- evaluation reports (评价与评估报告)


@dataclass(frozen=True)
class ReportKind:
    """A kind of evaluation report a hazard source keeps, and how often it must be renewed."""

    zh: str
    en: str
    cycle_years: int | None  # None: no fixed cycle (renewed on change); the due date is entered
    basis: str


REPORTS_VERSION = "hazard-reports/v1"
REPORT_KINDS_V1: dict[str, ReportKind] = {
    # [B] 危险化学品安全管理条例 Art. 22; 危险化学品安全法 (2026) Art. 39: every 3 years.
    "safety_evaluation": ReportKind(
        "安全评价报告", "Safety evaluation report", 3, "危化品条例第22条；危化安全法第39条"
    ),
    # 危险化学品重大危险源监督管理暂行规定 (总局令第40号) Art. 11 (一): a new 辨识、安全评估及分级
    # once the last safety assessment is three years old.
    "hazard_assessment": ReportKind(
        "重大危险源安全评估报告", "Major hazard safety assessment", 3, "总局令第40号第11条"
    ),
    # [C] 隐患排查治理导则 (应急〔2019〕78号): HAZOP of "两重点一重大" units about every 3 years.
    "hazop": ReportKind("HAZOP分析报告", "HAZOP study", 3, "应急〔2019〕78号"),
    # SIL assessment: no fixed cycle; redone when the process or the SIS changes (due date entered).
    "sil": ReportKind("SIL评估报告", "SIL assessment", None, "GB/T 21109 / IEC 61511"),
    "other": ReportKind("其他评估报告", "Other assessment", None, ""),
}

# ---------------------------------------------------------------- supervision findings (督导检查问题)

FINDING_SOURCES: dict[str, tuple[str, str]] = {
    "self_check": ("企业自查", "Enterprise self-check"),
    "expert": ("专家指导服务", "Expert guidance service"),
    "park": ("园区检查", "Park inspection"),
    "government": ("政府督导检查", "Government supervision"),
    "evaluation": ("评价报告提出", "From an evaluation report"),
}
FINDING_LEVELS: dict[str, tuple[str, str]] = {"general": ("一般", "General"), "major": ("重大", "Major")}
FINDING_STATUSES: dict[str, tuple[str, str]] = {
    "open": ("待整改", "Awaiting rectification"),
    "rectified": ("待复核", "Awaiting review"),
    "closed": ("已销号", "Closed"),
}
