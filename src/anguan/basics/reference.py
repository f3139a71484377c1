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


# --------------------------------------------------------------------------- catalogues
# Each catalogue maps a stable code to (Chinese, English). Codes are what the API and Excel carry;
# Excel also accepts the Chinese or English name.


@dataclass(frozen=True)
class LicenceType:
    """One licence/report format (证照格式): the key fields it must carry and what it validates."""

    code: str
    zh: str
    en: str
    # Fields a complete record of this type has (beyond number and name); "attachments" = a scan.
    key_fields: tuple[str, ...]
    # True when the document expires (valid_until is then a key field); reports are re-done instead.
    expires: bool
    # Years between periodic updates (review_due_on), None when there is no fixed cycle.
    update_years: int | None = None


# [B] 危险化学品安全管理条例 Art. 14/22/29, 危险化学品登记管理办法, 安全生产许可证条例 Art. 9 (3-year
# validity), 建设项目安全设施"三同时"监督管理办法; the update cycle of the 安全现状评价 is 3 years
# (条例 Art. 22). Validity years are not enforced: the document's own dates are the truth.
LICENCE_TYPES_V1: tuple[LicenceType, ...] = (
    LicenceType(
        "safety_production_permit",
        "危险化学品安全生产许可证",
        "Hazardous-chemical safety production permit",
        ("issuer", "issued_on", "valid_until", "scope", "attachments"),
        True,
    ),
    LicenceType(
        "hazchem_business_permit",
        "危险化学品经营许可证",
        "Hazardous-chemical business permit",
        ("issuer", "issued_on", "valid_until", "scope", "attachments"),
        True,
    ),
    LicenceType(
        "hazchem_use_permit",
        "危险化学品安全使用许可证",
        "Hazardous-chemical safe-use permit",
        ("issuer", "issued_on", "valid_until", "scope", "attachments"),
        True,
    ),
    LicenceType(
        "hazchem_registration",
        "危险化学品登记证",
        "Hazardous-chemical registration certificate",
        ("issuer", "issued_on", "valid_until", "scope", "attachments"),
        True,
    ),
    LicenceType(
        "standardization_certificate",
        "安全生产标准化证书",
        "Work-safety standardisation certificate",
        ("issuer", "issued_on", "valid_until", "grade", "attachments"),
        True,
    ),
    LicenceType(
        "safety_assessment_report",
        "安全评价报告",
        "Safety assessment report",
        ("issuer", "issued_on", "review_due_on", "assessor_cert_no", "conclusion", "attachments"),
        False,
        update_years=3,
    ),
    LicenceType(
        "three_simultaneity",
        '安全设施"三同时"资料',
        '"Three simultaneities" safety-facility documents',
        ("issuer", "issued_on", "project", "stage", "attachments"),
        False,
    ),
    LicenceType(
        "major_hazard_filing",
        "重大危险源备案",
        "Major hazard source filing",
        ("issuer", "issued_on", "review_due_on", "attachments"),
        False,
        update_years=3,
    ),
    LicenceType(
        "emergency_plan_filing",
        "应急预案备案",
        "Emergency plan filing",
        ("issuer", "issued_on", "review_due_on", "attachments"),
        False,
        update_years=3,
    ),
    LicenceType(
        "fire_acceptance",
        "消防验收意见书",
        "Fire-protection acceptance",
        ("issuer", "issued_on", "project", "attachments"),
        False,
    ),
    LicenceType("other", "其他证照", "Other document", ("issuer", "issued_on", "attachments"), False),
)
LICENCE_TYPES = {t.code: t for t in LICENCE_TYPES_V1}
# 三同时 stages and standardisation grades.
THREE_SIMULTANEITY_STAGES = {
    "pre_assessment": ("安全预评价", "Pre-assessment"),
    "design_review": ("安全设施设计审查", "Safety-facility design review"),
    "trial_run": ("试生产方案", "Trial-run plan"),
    "acceptance": ("竣工验收", "Completion acceptance"),
}
STANDARDIZATION_GRADES = {"1": ("一级", "Grade 1"), "2": ("二级", "Grade 2"), "3": ("三级", "Grade 3")}


@dataclass(frozen=True)
class HazardousProcess:
    """One of the 18 hazardous chemical processes (重点监管危险化工工艺)."""

    code: str
    zh: str
    en: str
    reaction: str  # 反应类型
    key_parameters: str  # 重点监控工艺参数
    control: str  # 宜采用的控制方式 (summary)


_BASIC_CONTROL = (
    "反应温度、压力报警和联锁；紧急冷却、紧急切断、紧急停车系统；安全泄放系统；可燃和有毒气体检测报警装置"
)
# [B] 安监总管三〔2009〕116号 (first 15) and 安监总管三〔2013〕3号 (second 3). The key parameters are
# the catalogues' own lists, shortened; the control summary is the catalogue's common core.
HAZARDOUS_PROCESSES_V1: tuple[HazardousProcess, ...] = (
    HazardousProcess(
        "phosgenation",
        "光气及光气化工艺",
        "Phosgene and phosgenation",
        "放热反应",
        "一氧化碳、氯气含量；反应釜温度和压力；反应物质的配料比；光气进料速度；冷却系统中冷却介质的温度、压力、流量",
        "事故紧急切断阀；紧急冷却系统；反应釜温度、压力报警联锁；局部排风设施；有毒气体回收及处理系统；自动泄压装置；有毒气体检测报警装置",
    ),
    HazardousProcess(
        "electrolysis_chlor_alkali",
        "电解工艺（氯碱）",
        "Electrolysis (chlor-alkali)",
        "吸热反应",
        "电解槽内液位；电解槽内电流和电压；电解槽进出物料流量；可燃和有毒气体浓度；电解槽的温度和压力；原料中铵含量；氯气杂质含量",
        "电解供电整流装置与电解槽供电的报警和联锁；紧急联锁切断装置；事故状态下氯气吸收中和系统；可燃和有毒气体检测报警装置",
    ),
    HazardousProcess(
        "chlorination",
        "氯化工艺",
        "Chlorination",
        "放热反应",
        "氯化反应釜温度和压力；氯化反应釜搅拌速率；反应物料的配比；氯化剂进料流量；冷却系统中冷却介质的温度、压力、流量；氯气杂质含量；氯化反应尾气组成",
        _BASIC_CONTROL,
    ),
    HazardousProcess(
        "nitration",
        "硝化工艺",
        "Nitration",
        "放热反应",
        "硝化反应釜内温度、搅拌速率；硝化剂流量；冷却水流量；pH值；硝化产物中杂质含量；精馏分离系统温度；塔釜杂质含量",
        "反应温度与搅拌、硝化剂流量、冷却水流量的报警和联锁；紧急冷却系统；搅拌的稳定控制；分离系统温度控制与联锁；塔釜杂质监控；安全泄放系统",
    ),
    HazardousProcess(
        "ammonia_synthesis",
        "合成氨工艺",
        "Ammonia synthesis",
        "吸热反应（转化）与放热反应（合成）",
        "合成塔、压缩机、氨储存系统的温度、压力、液位、物料流量及比例",
        "合成氨装置温度、压力报警和联锁；物料比例控制和联锁；压缩机的温度、入口分离器液位、压力报警联锁；紧急冷却系统；紧急切断系统；安全阀、爆破片、紧急放空阀；液位计、单向阀；可燃和有毒气体检测报警装置",
    ),
    HazardousProcess(
        "cracking",
        "裂解（裂化）工艺",
        "Cracking",
        "高温吸热反应",
        "裂解炉进料流量；裂解炉温度；引风机电流；燃料油进料流量；稀释蒸汽比及压力；燃料油压力；滑阀差压与料位",
        "裂解炉进料压力、流量控制报警与联锁；紧急裂解炉温度报警和联锁；紧急冷却系统；紧急切断系统；反应压力与压缩机转速及入口放火炬控制；再生压力的分程控制；可燃与有毒气体检测报警装置",
    ),
    HazardousProcess(
        "fluorination",
        "氟化工艺",
        "Fluorination",
        "放热反应",
        "氟化反应釜内温度、压力；氟化反应釜内搅拌速率；氟化物流量；助剂流量；反应物的配料比；氟化物浓度",
        _BASIC_CONTROL,
    ),
    HazardousProcess(
        "hydrogenation",
        "加氢工艺",
        "Hydrogenation",
        "放热反应",
        "加氢反应釜或催化剂床层温度、压力；加氢反应釜内搅拌速率；氢气流量；反应物质的配料比；系统氧含量；冷却水流量；氢气压缩机运行参数；加氢反应尾气组成",
        "温度和压力的报警和联锁；反应物料的比例控制和联锁系统；紧急冷却系统；搅拌的稳定控制系统；氢气紧急切断系统；加装安全阀、爆破片等安全设施；循环氢压缩机停机报警和联锁；氢气检测报警装置",
    ),
    HazardousProcess(
        "diazotization",
        "重氮化工艺",
        "Diazotisation",
        "绝大多数是放热反应",
        "重氮化反应釜内温度、压力、液位、pH值；重氮化反应釜内搅拌速率；亚硝酸钠流量；反应物质的配料比；后处理单元温度",
        _BASIC_CONTROL,
    ),
    HazardousProcess(
        "oxidation",
        "氧化工艺",
        "Oxidation",
        "放热反应",
        "氧化反应釜内温度和压力；氧化反应釜内搅拌速率；氧化剂流量；反应物料的配比；气相氧含量；过氧化物含量",
        _BASIC_CONTROL,
    ),
    HazardousProcess(
        "peroxidation",
        "过氧化工艺",
        "Peroxidation",
        "放热反应",
        "过氧化反应釜内温度；pH值；过氧化反应釜内搅拌速率；（过）氧化剂流量；参加反应物质的配料比；过氧化物浓度；气相氧含量",
        _BASIC_CONTROL,
    ),
    HazardousProcess(
        "amination",
        "胺基化工艺",
        "Amination",
        "放热反应",
        "胺基化反应釜内温度、压力；胺基化反应釜内搅拌速率；物料流量；反应物质的配料比；气相氧含量",
        _BASIC_CONTROL,
    ),
    HazardousProcess(
        "sulfonation",
        "磺化工艺",
        "Sulfonation",
        "放热反应",
        "磺化反应釜内温度；磺化反应釜内搅拌速率；磺化剂流量；冷却水流量",
        _BASIC_CONTROL,
    ),
    HazardousProcess(
        "polymerization",
        "聚合工艺",
        "Polymerisation",
        "放热反应",
        "聚合反应釜内温度、压力；聚合反应釜内搅拌速率；引发剂流量；冷却水流量；料仓静电、可燃气体监控",
        _BASIC_CONTROL,
    ),
    HazardousProcess(
        "alkylation",
        "烷基化工艺",
        "Alkylation",
        "放热反应",
        "烷基化反应釜内温度和压力；烷基化反应釜内搅拌速率；反应物料的流量及配比",
        _BASIC_CONTROL,
    ),
    HazardousProcess(
        "coal_chemical",
        "新型煤化工工艺",
        "Modern coal chemistry",
        "放热反应",
        "反应器温度和压力；反应物料的比例控制；料位；液位；进料介质温度、压力与流量；氧含量；外取热器蒸汽温度与压力；H2/CO比；H2、H2S、CO2含量",
        _BASIC_CONTROL,
    ),
    HazardousProcess(
        "calcium_carbide",
        "电石生产工艺",
        "Calcium carbide production",
        "吸热反应",
        "炉气温度；炉气压力；料仓料位；电极压放量；一次电流、电压；电极电流、电压；有功功率；冷却水温度、压力；变压器温度；炉气组分分析",
        "设置紧急停炉按钮；电炉运行平台和电极压放的监控；料仓料位报警；冷却水流量与温度报警；可燃和有毒气体检测报警装置",
    ),
    HazardousProcess(
        "azo",
        "偶氮化工艺",
        "Azo coupling",
        "放热反应",
        "偶氮化反应釜内温度、压力、液位、pH值；偶氮化反应釜内搅拌速率；肼流量；反应物质的配料比；后处理单元温度",
        _BASIC_CONTROL,
    ),
)
HAZARDOUS_PROCESSES = {p.code: p for p in HAZARDOUS_PROCESSES_V1}

# GHS classes (GB 30000.2–.29-2013), code → (Chinese, English, categories). A chemical carries a
# list of "class:category" strings, e.g. "flam_liq:2". [A] category sets as in GB 30000.
GHS_CLASSES_V1: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "explosive": ("爆炸物", "Explosives", ("unstable", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6")),
    "flam_gas": ("易燃气体", "Flammable gases", ("1", "2", "A", "B")),
    "aerosol": ("气溶胶", "Aerosols", ("1", "2", "3")),
    "ox_gas": ("氧化性气体", "Oxidising gases", ("1",)),
    "press_gas": (
        "加压气体",
        "Gases under pressure",
        ("compressed", "liquefied", "refrigerated", "dissolved"),
    ),
    "flam_liq": ("易燃液体", "Flammable liquids", ("1", "2", "3", "4")),
    "flam_sol": ("易燃固体", "Flammable solids", ("1", "2")),
    "self_react": ("自反应物质和混合物", "Self-reactive substances", ("A", "B", "C", "D", "E", "F", "G")),
    "pyr_liq": ("自燃液体", "Pyrophoric liquids", ("1",)),
    "pyr_sol": ("自燃固体", "Pyrophoric solids", ("1",)),
    "self_heat": ("自热物质和混合物", "Self-heating substances", ("1", "2")),
    "water_react": (
        "遇水放出易燃气体的物质",
        "Substances emitting flammable gas with water",
        ("1", "2", "3"),
    ),
    "ox_liq": ("氧化性液体", "Oxidising liquids", ("1", "2", "3")),
    "ox_sol": ("氧化性固体", "Oxidising solids", ("1", "2", "3")),
    "org_perox": ("有机过氧化物", "Organic peroxides", ("A", "B", "C", "D", "E", "F", "G")),
    "met_corr": ("金属腐蚀物", "Corrosive to metals", ("1",)),
    "acute_tox_oral": ("急性毒性-经口", "Acute toxicity, oral", ("1", "2", "3", "4", "5")),
    "acute_tox_dermal": ("急性毒性-经皮", "Acute toxicity, dermal", ("1", "2", "3", "4", "5")),
    "acute_tox_inhal": ("急性毒性-吸入", "Acute toxicity, inhalation", ("1", "2", "3", "4", "5")),
    "skin_corr": ("皮肤腐蚀/刺激", "Skin corrosion/irritation", ("1A", "1B", "1C", "2", "3")),
    "eye_dam": ("严重眼损伤/眼刺激", "Serious eye damage/irritation", ("1", "2A", "2B")),
    "resp_sens": ("呼吸道致敏物", "Respiratory sensitiser", ("1", "1A", "1B")),
    "skin_sens": ("皮肤致敏物", "Skin sensitiser", ("1", "1A", "1B")),
    "muta": ("生殖细胞致突变性", "Germ-cell mutagenicity", ("1A", "1B", "2")),
    "carc": ("致癌性", "Carcinogenicity", ("1A", "1B", "2")),
    "repr": ("生殖毒性", "Reproductive toxicity", ("1A", "1B", "2", "lact")),
    "stot_se": ("特异性靶器官毒性-一次接触", "STOT single exposure", ("1", "2", "3")),
    "stot_re": ("特异性靶器官毒性-反复接触", "STOT repeated exposure", ("1", "2")),
    "asp_tox": ("吸入危害", "Aspiration hazard", ("1", "2")),
    "aq_acute": ("危害水生环境-急性", "Aquatic hazard, acute", ("1", "2", "3")),
    "aq_chronic": ("危害水生环境-长期", "Aquatic hazard, chronic", ("1", "2", "3", "4")),
    "ozone": ("危害臭氧层", "Hazardous to the ozone layer", ("1",)),
}

# Certificate kinds (证书种类): 特种作业操作证 (安监总局令第30号 catalogue), 特种设备作业人员证
# (TSG Z6001), and the safety qualifications of principals and safety managers. [B]
CERTIFICATE_KINDS_V1: dict[str, tuple[str, str]] = {
    "welding_cutting": ("特种作业操作证-焊接与热切割作业", "Special operation: welding and thermal cutting"),
    "electrician_low_voltage": ("特种作业操作证-低压电工作业", "Special operation: low-voltage electrician"),
    "electrician_high_voltage": (
        "特种作业操作证-高压电工作业",
        "Special operation: high-voltage electrician",
    ),
    "work_at_height": ("特种作业操作证-高处作业", "Special operation: work at height"),
    "hazchem_process": ("特种作业操作证-危险化学品安全作业", "Special operation: hazardous-chemical process"),
    "crane_operator": ("特种设备作业人员证-起重机司机(Q2)", "Special equipment: crane operator (Q2)"),
    "crane_signaller": ("特种设备作业人员证-起重机指挥(Q1)", "Special equipment: crane signaller (Q1)"),
    "forklift_driver": ("特种设备作业人员证-叉车司机(N1)", "Special equipment: forklift driver (N1)"),
    "boiler_operator": ("特种设备作业人员证-锅炉操作(G1)", "Special equipment: boiler operator (G1)"),
    "pressure_vessel_operator": (
        "特种设备作业人员证-快开门式压力容器操作(R1)",
        "Special equipment: quick-open pressure vessel (R1)",
    ),
    "principal_safety": ("主要负责人安全生产知识和管理能力考核合格证", "Principal's safety qualification"),
    "safety_manager": (
        "安全生产管理人员安全生产知识和管理能力考核合格证",
        "Safety manager's safety qualification",
    ),
    "registered_safety_engineer": ("注册安全工程师执业证", "Registered safety engineer"),
    "training": ("安全培训合格证", "Safety training certificate"),
    "other": ("其他证书", "Other certificate"),
}

# Key roles (关键岗位) of a person. [A] 安全生产法 Art. 5, 24, 27, 30; 注册安全工程师管理规定.
KEY_ROLES_V1: dict[str, tuple[str, str]] = {
    "principal": ("主要负责人", "Principal (chief executive)"),
    "safety_deputy": ("分管安全负责人", "Deputy in charge of safety"),
    "safety_staff": ("专职安全管理人员", "Full-time safety staff"),
    "registered_engineer": ("注册安全工程师", "Registered safety engineer"),
    "special_operator": ("特种作业人员", "Special-operation worker"),
    "key_unit_manager": ("两重点一重大专业管理人员", "Manager of key processes/chemicals/major hazards"),
    "key_unit_operator": ("两重点一重大装置操作人员", "Operator of key units"),
}

# Education levels, ordered (学历). Codes rank from lowest to highest.
EDUCATION_LEVELS_V1: dict[str, tuple[str, str, int]] = {
    "primary": ("小学", "Primary school", 1),
    "junior_high": ("初中", "Junior high school", 2),
    "high_school": ("高中", "High school", 3),
    "secondary_vocational": ("中专/技校", "Secondary vocational", 3),
    "college": ("大专", "College (3-year)", 4),
    "bachelor": ("本科", "Bachelor", 5),
    "master": ("硕士", "Master", 6),
    "doctor": ("博士", "Doctor", 7),
}


@dataclass(frozen=True)
class QualificationRules:
    """Practitioners' qualification self-diagnosis (人员资质自诊断).

    [B] 危险化学品生产储存企业安全风险评估诊断分级指南（试行） category 6 and direct-red condition 3:
    principal and safety managers certified; full-time safety staff at least 中专 (chemical) or 中级
    title; "两重点一重大" managers at least 大专; special-operation workers with valid certificates and at
    least high school (also 安监总管三〔2010〕186号 for key-unit operators).
    """

    version: str
    min_education: dict[str, int]  # key role → minimum rank of EDUCATION_LEVELS_V1
    required_certificates: dict[str, frozenset[str]]  # key role → any one of these kinds


QUALIFICATIONS_V1 = QualificationRules(
    version="anguan-qualifications/v1",
    min_education={
        "safety_staff": 3,
        "key_unit_manager": 4,
        "key_unit_operator": 3,
        "special_operator": 3,
    },
    required_certificates={
        "principal": frozenset({"principal_safety"}),
        "safety_deputy": frozenset({"safety_manager", "principal_safety"}),
        "safety_staff": frozenset({"safety_manager", "registered_safety_engineer"}),
        "registered_engineer": frozenset({"registered_safety_engineer"}),
        "special_operator": frozenset(
            {
                "welding_cutting",
                "electrician_low_voltage",
                "electrician_high_voltage",
                "work_at_height",
                "hazchem_process",
                "crane_operator",
                "crane_signaller",
                "forklift_driver",
                "boiler_operator",
                "pressure_vessel_operator",
            }
        ),
    },
)


@dataclass(frozen=True)
class EquipmentKind:
    """An equipment category and its periodic check (what is due, and the default interval)."""

    code: str
    zh: str
    en: str
    check: str  # inspection | calibration | replacement | proof_test
    interval_months: int
    special: bool  # 特种设备 (registered with the market regulator)


# [C] Default intervals: TSG 21-2016 §8.1.6 (pressure vessels: first periodic inspection within 3
# years); TSG ZF001-2006 B6.3 (safety valves: calibrated at least yearly); TSG G7001 (boilers: annual
# external inspection); TSG D7005 (GC pressure piping: first within 3 years); TSG Q7015 (cranes:
# every 2 years); TSG N0001 (forklifts: yearly); TSG T7001 (elevators: yearly); JJG 693-2011 (gas
# detectors: calibration at most yearly); GB 567.4 practice (rupture discs: replace every 2-3 years,
# 24 months by default). Each record may carry its own next due date, which wins.
EQUIPMENT_KINDS_V1: tuple[EquipmentKind, ...] = (
    EquipmentKind("pressure_vessel", "压力容器", "Pressure vessel", "inspection", 36, True),
    EquipmentKind("boiler", "锅炉", "Boiler", "inspection", 12, True),
    EquipmentKind("pressure_piping", "压力管道", "Pressure piping", "inspection", 36, True),
    EquipmentKind("lifting", "起重机械", "Lifting appliance", "inspection", 24, True),
    EquipmentKind("forklift", "场(厂)内专用机动车辆", "Industrial vehicle", "inspection", 12, True),
    EquipmentKind("elevator", "电梯", "Elevator", "inspection", 12, True),
    EquipmentKind("safety_valve", "安全阀", "Safety valve", "calibration", 12, False),
    EquipmentKind("rupture_disc", "爆破片", "Rupture disc", "replacement", 24, False),
    EquipmentKind("gas_detector", "可燃/有毒气体探测器", "Gas detector", "calibration", 12, False),
    EquipmentKind("pressure_gauge", "压力表", "Pressure gauge", "calibration", 6, False),
    EquipmentKind("other", "其他设备", "Other equipment", "inspection", 12, False),
)
EQUIPMENT_KINDS = {k.code: k for k in EQUIPMENT_KINDS_V1}


# --------------------------------------------------------------------------- reminders, bypasses, people
# (appended for the reminder centre, the bypass workflow, eligibility and the self-diagnosis)

# Bounds of the enterprise-configurable reminder lead times (days before a due date, largest first).
REMINDER_LEAD_DAYS_MAX = 3650
REMINDER_TIERS_MAX = 5


@dataclass(frozen=True)
class ReminderSeverityTable:
    """Notification severity of a reminder tier: expired is urgent; a tier of at most `days` days gets
    the first matching severity; anything further away gets `beyond`."""

    version: str
    tiers: tuple[tuple[int, str], ...]  # (max days, severity), ascending days
    expired: str
    beyond: str


# [D] With the default lead times 90/30/7: 7 → high, 30 → medium, 90 → low, expired → urgent.
REMINDER_SEVERITY_V1 = ReminderSeverityTable(
    version="anguan-reminder-severity/v1",
    tiers=((7, "high"), (30, "medium")),
    expired="urgent",
    beyond="low",
)

# What a reminder is about (DueField.what, the equipment kind's check, and overdue bypasses).
REMINDER_KINDS_V1: dict[str, tuple[str, str]] = {
    "expiry": ("有效期到期", "Expiry"),
    "review": ("复审/复评", "Review or periodic update"),
    "inspection": ("定期检验", "Periodic inspection"),
    "calibration": ("校验", "Calibration"),
    "replacement": ("更换", "Replacement"),
    "proof_test": ("功能测试", "Proof test"),
    "bypass": ("联锁旁路超期", "Interlock bypass past its approval"),
}

# 三级安全教育: [A] 生产经营单位安全培训规定 (原国家安全监管总局令第3号, 2015 修正) Art. 13 — company,
# workshop and team level induction before a new worker takes up the post (Training.kind codes).
INDUCTION_LEVELS_V1: tuple[str, ...] = ("company", "workshop", "team")
