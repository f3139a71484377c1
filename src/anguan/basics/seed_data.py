"""Demo master data of the plant HB-01 (华北精细化工 demo): the rows `seed.py` writes.

Dates are offsets in days from the seeding day, so a fresh demo always shows something expired,
something due within 7, 30 and 90 days, and the rest valid. The chemistry is real (CAS numbers with
valid check digits, UN numbers, GB 30000 classes as in the 危险化学品目录 (2015) notes, flash
points, explosion limits and GBZ 2.1-2019 exposure limits); the enterprise, people, companies,
certificate and registration numbers are invented but follow the real formats. Compact tables are
"|"-separated text (one row per line, "-" for none) so the data stays readable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from anguan.plant.rules import uscc_check_char

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id_number(region: str, birth: str, seq: int, male: bool) -> str:
    """A GB 11643-1999 identity number: region code, birth date, a sequence whose last digit is odd
    for men and even for women, and the MOD 11-2 check character."""
    order = seq * 2 + (1 if male else 0)
    body = f"{region}{birth.replace('-', '')}{order % 1000:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]


def uscc(prefix17: str) -> str:
    """A unified social credit code (GB 32100) completed with its check character."""
    return prefix17 + (uscc_check_char(prefix17) or "")


def table(text: str) -> list[list[str | None]]:
    """Rows of a "|"-separated table; "-" cells are None."""
    rows = []
    for line in text.strip().splitlines():
        cells = [c.strip() for c in line.split("|")]
        rows.append([None if c == "-" else c for c in cells])
    return rows


# ---------------------------------------------------------------------------------- licences (证照)


@dataclass(frozen=True)
class LicenceSeed:
    type: str
    number: str
    name: str
    issuer: str | None
    issued: int  # days from today
    valid: int | None = None  # valid_until, days from today
    enterprise_wide: bool = False  # no site: the document covers the enterprise
    scan: bool = True  # a scanned copy is attached (the completeness report flags the others)
    extra: dict[str, str] = field(default_factory=dict)


ASSESSMENT_CONCLUSION = (
    "企业安全生产条件符合有关法律、法规、规章和国家标准、行业标准的要求，重大危险源辨识与分级正确，"
    "安全风险处于可接受范围。建议：加氢单元 SIS 按 GB/T 50770 完成 SIL 验证；罐区增设高高液位独立联锁。"
)
PERMIT_SCOPE = "氯化苄 20000 吨/年、甲基环己烷 10000 吨/年、盐酸（副产，31%）15000 吨/年"
PROJECT = "年产 1 万吨甲基环己烷加氢技改项目"

# One expired (辐射安全许可证), one due within 7 days (登记证), 30 (标准化), 90 (安全生产许可证); the
# 竣工验收 record has no scan and the 消防验收 record no project: the completeness report shows both.
LICENCES: list[LicenceSeed] = [
    LicenceSeed("safety_production_permit", "(冀)WH安许证字[2024]0123号", "安全生产许可证", "河北省应急管理厅",
                -1020, 75, True, extra={"scope": PERMIT_SCOPE}),
    LicenceSeed("hazchem_registration", "130110158", "危险化学品登记证",
                "应急管理部化学品登记中心、河北省危险化学品登记办公室", -1090, 5, True,
                extra={"scope": "氯化苄、甲基环己烷、盐酸、甲醇（溶剂回收）"}),
    LicenceSeed("standardization_certificate", "冀AQBWHⅡ202300087", "安全生产标准化二级企业证书",
                "河北省应急管理厅", -1070, 25, True, extra={"grade": "2"}),
    LicenceSeed("other", "冀环辐证[A0265]", "辐射安全许可证（C-301 塔釜料位计 Ⅴ类放射源）", "河北省生态环境厅",
                -1829, -3, extra={"scope": "使用Ⅴ类放射源（Cs-137 料位计 1 枚）"}),
    LicenceSeed("safety_assessment_report", "HBAP-XZ-2024-0156", "安全现状评价报告", "河北安评技术咨询有限公司",
                -400, extra={"assessor_cert_no": "APJ-（冀）-012", "conclusion": ASSESSMENT_CONCLUSION}),
    LicenceSeed("three_simultaneity", "HBAP-YP-2021-0032", "甲基环己烷技改项目安全预评价报告",
                "河北安评技术咨询有限公司", -1500,
                extra={"project": PROJECT, "stage": "pre_assessment", "assessor_cert_no": "APJ-（冀）-012"}),
    LicenceSeed("three_simultaneity", "冀应急危化项目设审字〔2021〕45号", "危险化学品建设项目安全设施设计审查意见书",
                "河北省应急管理厅", -1380, extra={"project": PROJECT, "stage": "design_review"}),
    LicenceSeed("three_simultaneity", "HBJH-YS-2023-001", "安全设施竣工验收评价报告及验收意见",
                "华北精细化工有限公司（企业自主验收）", -900, scan=False,
                extra={"project": PROJECT, "stage": "acceptance", "conclusion": "安全设施竣工验收合格"}),
    LicenceSeed("major_hazard_filing", "冀石危源备〔2025〕008号", "重大危险源备案登记表（甲类储罐区 二级）",
                "石家庄市应急管理局", -200),
    LicenceSeed("emergency_plan_filing", "130111-2025-0087", "生产安全事故应急预案备案登记表", "石家庄市应急管理局",
                -300, enterprise_wide=True),
    LicenceSeed("fire_acceptance", "石建消验字〔2021〕第0045号", "特殊建设工程消防验收意见书",
                "石家庄市住房和城乡建设局", -1300),
    # The enterprise's USCC + 001P, as 排污许可证 numbers are.
    LicenceSeed("other", "{uscc}001P", "排污许可证", "石家庄市行政审批局", -500, 1325, True,
                extra={"scope": "有机化学原料制造；废气、废水排放口 6 个"}),
]  # fmt: skip

# -------------------------------------------------------------------------------- chemicals (危化品)


@dataclass(frozen=True)
class ChemicalSeed:
    """One chemical; the fields are the columns of `basics_chemical`."""

    name: str
    name_en: str
    cas: str
    un_number: str
    catalogue_no: int | None  # 危险化学品目录 (2015) 序号; None for non-listed or not confirmed
    formula: str
    state: str
    ghs: tuple[str, ...]
    key_supervised: bool  # 重点监管危险化学品名录 (2011 first batch, 2013 second batch)
    flash_point_c: float | None
    boiling_point_c: float | None
    lel_pct: float | None
    uel_pct: float | None
    oel_mg_m3: float | None  # GBZ 2.1-2019: PC-TWA, or MAC where only a MAC is set
    msds_first_aid: str
    msds_fire: str
    msds_spill: str
    msds_ppe: str
    msds_storage: str
    aliases: tuple[str, ...] = ()
    note: str | None = None


_EYES = "眼睛接触：提起眼睑，用流动清水或生理盐水冲洗至少 15 分钟，就医。"
_AIR = "吸入：迅速脱离现场至空气新鲜处，保持呼吸道通畅；呼吸困难时给输氧，呼吸心跳停止立即心肺复苏，就医。"
_GAS_FIRE = "切断气源；若不能切断气源，则不允许熄灭泄漏处的火焰。喷水冷却容器，尽可能将容器从火场移至空旷处。"
_FLAM_STORE = "储存于阴凉、通风的甲类库房或储罐，远离火种、热源，温度不宜超过 30℃；与氧化剂分开存放；采用防爆型照明和通风设施，禁止使用易产生火花的工具。"
# fmt: off
CHEMICALS: list[ChemicalSeed] = [
    ChemicalSeed(
        "甲醇", "Methanol", "67-56-1", "1230", 1022, "CH3OH", "liquid",
        ("flam_liq:2", "acute_tox_oral:3", "acute_tox_dermal:3", "acute_tox_inhal:3", "stot_se:1"),
        True, 11.0, 64.7, 6.0, 36.0, 25.0,
        f"皮肤接触：脱去污染的衣着，用肥皂水和清水彻底冲洗。{_EYES}{_AIR}食入：饮足量温水，催吐，用清水或 1% 硫代硫酸钠溶液洗胃，就医（警惕视神经损害）。",
        "灭火剂：抗溶性泡沫、干粉、二氧化碳、砂土。喷水冷却容器；甲醇火焰在日光下几乎不可见，注意防护。",
        "消除所有点火源，划定警戒区；小量泄漏用砂土或不燃材料吸收，大量泄漏筑围堤收容，用抗溶性泡沫覆盖降低蒸气灾害，用防爆泵转移至槽车。",
        "可能接触蒸气时佩戴过滤式防毒面具（半面罩）；戴化学安全防护眼镜，穿防静电工作服，戴橡胶手套。",
        _FLAM_STORE,
        ("木醇", "木精"),
        "T-101/T-102 储存；合成装置溶剂",
    ),
    ChemicalSeed(
        "氨", "Ammonia, anhydrous", "7664-41-7", "1005", 2, "NH3", "gas",
        ("flam_gas:2", "press_gas:liquefied", "acute_tox_inhal:3", "skin_corr:1B", "eye_dam:1", "aq_acute:1"),
        True, None, -33.3, 15.0, 28.0, 20.0,
        f"皮肤接触：立即脱去污染的衣着，用 2% 硼酸液或大量清水彻底冲洗，冻伤时用温水复温，就医。{_EYES}{_AIR}",
        f"{_GAS_FIRE}灭火剂：雾状水、抗溶性泡沫、二氧化碳、砂土。",
        "迅速撤离泄漏污染区人员至上风处，隔离至气体散尽；切断泄漏源，喷雾状水稀释、溶解，构筑围堤收容产生的大量废水；泄漏容器转移至水或稀酸中。",
        "空气中浓度超标时佩戴过滤式防毒面具（全面罩）；紧急事态抢救或撤离时佩戴空气呼吸器，穿防静电、防化服，戴橡胶手套。",
        "液氨储罐储存于阴凉、通风处，远离火种、热源，避免阳光直射；与酸类、卤素、氧化剂分开存放；储罐区设氨气检测报警和喷淋设施。",
        ("液氨", "氨气"),
        "冷冻站 V-601 制冷剂",
    ),
    ChemicalSeed(
        "氯", "Chlorine", "7782-50-5", "1017", 1381, "Cl2", "gas",
        ("ox_gas:1", "press_gas:liquefied", "acute_tox_inhal:2", "skin_corr:2", "eye_dam:2A", "stot_se:3", "aq_acute:1"),
        True, None, -34.0, None, None, 1.0,
        f"皮肤接触：立即脱去污染的衣着，用大量流动清水冲洗，就医。{_EYES}{_AIR}",
        "本品不燃，但可助燃。切断气源，喷雾状水冷却容器和稀释、吸收泄漏气体；消防人员必须佩戴空气呼吸器、穿全身防化服。",
        "迅速撤离至上风处并隔离，严格限制出入；切断泄漏源，启动事故风机和碱液吸收装置；泄漏钢瓶置于碱液池中，喷雾状水（可加碱）吸收。",
        "空气中浓度超标时必须佩戴空气呼吸器或过滤式防毒面具（全面罩）；穿带面罩式胶布防毒衣，戴橡胶手套。",
        "储存于阴凉、通风的专用库房，温度不宜超过 30℃；与易燃物、可燃物、醇类、氨、金属粉末分开存放；液氯钢瓶防止阳光直射，配备碱液吸收池。",
        ("液氯", "氯气"),
        "R-202 氯化原料，液氯汽化器 V-202",
    ),
    ChemicalSeed(
        "氢", "Hydrogen, compressed", "1333-74-0", "1049", 1648, "H2", "gas",
        ("flam_gas:1", "press_gas:compressed"),
        True, None, -252.8, 4.0, 75.0, None,
        f"吸入高浓度可致窒息。{_AIR}",
        f"{_GAS_FIRE}氢火焰不易察觉，注意用热成像确认。灭火剂：雾状水、泡沫、二氧化碳、干粉。",
        "消除所有点火源，撤离泄漏区人员至上风处；切断泄漏源，加强通风（防爆风机）加速扩散；漏出气体可引至火炬或空旷处放空。",
        "一般不需特殊防护，高浓度环境中佩戴空气呼吸器；穿防静电工作服，使用防爆工具。",
        "储存于阴凉、通风的专用场所，远离火种、热源；与氧化剂、卤素分开存放；管道和设备可靠接地，设氢气检测报警。",
        ("氢气",),
        "R-201 加氢原料，V-201 缓冲罐",
    ),
    ChemicalSeed(
        "液化石油气", "Liquefied petroleum gas", "68476-85-7", "1075", 2548, "C3H8/C4H10", "gas",
        ("flam_gas:1", "press_gas:liquefied", "muta:1B"),
        True, -74.0, -42.0, 1.5, 9.5, 1000.0,
        f"皮肤接触：冻伤时用温水复温，就医。{_AIR}",
        f"{_GAS_FIRE}灭火剂：雾状水、泡沫、二氧化碳、干粉。",
        "消除所有点火源，划定警戒区，人员撤至上风处；切断泄漏源，喷雾状水稀释，防止气体进入下水道、地下室等受限空间。",
        "高浓度环境中佩戴空气呼吸器；穿防静电工作服，戴防寒手套。",
        "储存于阴凉、通风的专用钢瓶间，温度不宜超过 30℃；远离火种、热源；与氧化剂、卤素分开存放；钢瓶直立并防倾倒。",
        ("LPG",),
        "食堂与维修用钢瓶（甲类仓库外专用瓶间）",
    ),
    ChemicalSeed(
        "苯", "Benzene", "71-43-2", "1114", 49, "C6H6", "liquid",
        ("flam_liq:2", "skin_corr:2", "eye_dam:2A", "muta:1B", "carc:1A", "stot_re:1", "asp_tox:1", "aq_acute:2", "aq_chronic:3"),
        True, -11.0, 80.1, 1.2, 8.0, 6.0,
        f"皮肤接触：脱去污染的衣着，用肥皂水和清水彻底冲洗。{_EYES}{_AIR}食入：饮足量温水，禁止催吐（吸入危害），就医。",
        "灭火剂：泡沫、干粉、二氧化碳、砂土；用水灭火无效。喷水冷却容器，容器突然发出异常声音时立即撤离。",
        "消除所有点火源；小量泄漏用活性炭或不燃材料吸收；大量泄漏构筑围堤收容，用泡沫覆盖抑制蒸发，防爆泵转移。",
        "佩戴过滤式防毒面具（半面罩），戴化学安全防护眼镜，穿防毒物渗透工作服，戴橡胶耐油手套；工作场所禁止饮食。",
        _FLAM_STORE,
        ("纯苯",),
        "化验室标准样品（小包装）",
    ),
    ChemicalSeed(
        "甲苯", "Toluene", "108-88-3", "1294", 1014, "C7H8", "liquid",
        ("flam_liq:2", "skin_corr:2", "repr:2", "stot_se:3", "stot_re:2", "asp_tox:1", "aq_acute:2", "aq_chronic:3"),
        True, 4.0, 110.6, 1.1, 7.1, 50.0,
        f"皮肤接触：脱去污染的衣着，用肥皂水和清水彻底冲洗。{_EYES}{_AIR}食入：饮足量温水，禁止催吐，就医。",
        "灭火剂：泡沫、干粉、二氧化碳、砂土；用水灭火无效。喷水冷却容器，处在火场中的容器若已变色应立即撤离。",
        "消除所有点火源；小量泄漏用砂土或活性炭吸收；大量泄漏构筑围堤收容，泡沫覆盖降低蒸气灾害，用防爆泵转移至槽车。",
        "佩戴过滤式防毒面具（半面罩），戴化学安全防护眼镜，穿防静电工作服，戴橡胶耐油手套。",
        _FLAM_STORE,
        ("甲基苯",),
        "T-103/T-104 储存；加氢、氯化原料",
    ),
    ChemicalSeed(
        "硫酸", "Sulphuric acid", "7664-93-9", "1830", 1302, "H2SO4", "liquid",
        ("met_corr:1", "skin_corr:1A", "eye_dam:1"),
        False, None, 338.0, None, None, 1.0,
        f"皮肤接触：立即脱去污染的衣着，用大量流动清水冲洗至少 15 分钟，就医。{_EYES}{_AIR}食入：用水漱口，给饮牛奶或蛋清，禁止催吐，就医。",
        "本品不燃。用干粉、二氧化碳、砂土灭火，避免水流冲击物品（遇水大量放热，可发生沸溅）。",
        "根据液体流动和蒸气扩散影响区域划定警戒区；小量泄漏用干燥的砂土覆盖后收集，或用碳酸氢钠中和；大量泄漏构筑围堤收容，用泵转移。",
        "可能接触其烟雾时佩戴防酸型防毒面具；戴化学安全防护眼镜，穿橡胶耐酸碱服，戴橡胶耐酸碱手套。",
        "储存于阴凉、干燥、通风的库房；与易燃物、可燃物、还原剂、碱类、活性金属粉末分开存放；包装密封，储区备泄漏收容材料。",
        ("浓硫酸",),
        "氯气干燥用 98% 硫酸",
    ),
    ChemicalSeed(
        "氢氧化钠", "Sodium hydroxide", "1310-73-2", "1823", 1669, "NaOH", "solid",
        ("met_corr:1", "skin_corr:1A", "eye_dam:1"),
        False, None, 1388.0, None, None, 2.0,
        f"皮肤接触：立即脱去污染的衣着，用大量流动清水冲洗至少 15 分钟，就医。{_EYES}食入：用水漱口，给饮牛奶或蛋清，禁止催吐，就医。",
        "本品不燃。用水、砂土扑救，但须防止物品遇水产生飞溅造成灼伤。",
        "隔离泄漏污染区，限制出入；用洁净的铲子收集于干燥、洁净、有盖的容器中；液碱泄漏时构筑围堤收容，用稀酸中和。",
        "可能接触其粉尘时佩戴自吸过滤式防尘口罩；戴化学安全防护眼镜，穿橡胶耐酸碱服，戴橡胶耐酸碱手套。",
        "储存于阴凉、干燥、通风的库房；与酸类、易燃物分开存放；包装密封，防潮。",
        ("烧碱", "火碱"),
        "尾气吸收塔配碱液（32%）",
    ),
    ChemicalSeed(
        "环氧乙烷", "Ethylene oxide", "75-21-8", "1040", None, "C2H4O", "gas",
        ("flam_gas:1", "press_gas:liquefied", "acute_tox_inhal:3", "skin_corr:2", "eye_dam:2A", "muta:1B", "carc:1A", "stot_se:3"),
        True, -20.0, 10.4, 3.0, 100.0, 2.0,
        f"皮肤接触：立即脱去污染的衣着，用大量流动清水冲洗，冻伤时温水复温，就医。{_EYES}{_AIR}",
        f"{_GAS_FIRE}可发生分解爆炸。灭火剂：雾状水、抗溶性泡沫、干粉、二氧化碳。",
        "消除所有点火源，撤离泄漏区人员至上风处；切断泄漏源，喷雾状水稀释（本品与水互溶），构筑围堤收容废水。",
        "佩戴过滤式防毒面具（全面罩）或空气呼吸器；穿防静电工作服，戴橡胶手套。",
        "储存于阴凉、通风的专用库房，温度不宜超过 30℃；远离火种、热源；与酸类、碱类、醇类分开存放；钢瓶防止阳光直射。",
        ("氧化乙烯",),
        "研发化验室少量钢瓶",
    ),
    ChemicalSeed(
        "一氧化碳", "Carbon monoxide", "630-08-0", "1016", None, "CO", "gas",
        ("flam_gas:1", "press_gas:compressed", "acute_tox_inhal:3", "repr:1A", "stot_re:1"),
        True, None, -191.5, 12.5, 74.0, 20.0,
        f"{_AIR}中毒者尽早给予高压氧治疗。",
        f"{_GAS_FIRE}灭火剂：雾状水、泡沫、二氧化碳、干粉。",
        "消除所有点火源，撤离泄漏区人员至上风处；切断泄漏源，加强通风，进入受限空间前检测一氧化碳浓度。",
        "空气中浓度超标时佩戴自吸过滤式防毒面具（一氧化碳滤毒罐）或空气呼吸器；穿防静电工作服。",
        "储存于阴凉、通风的专用钢瓶间，远离火种、热源；与氧化剂分开存放；设一氧化碳检测报警。",
        ("CO 标准气",),
        "化验室标准气钢瓶",
    ),
    ChemicalSeed(
        "硫化氢", "Hydrogen sulphide", "7783-06-4", "1053", None, "H2S", "gas",
        ("flam_gas:1", "press_gas:liquefied", "acute_tox_inhal:2", "aq_acute:1"),
        True, None, -60.3, 4.0, 46.0, 10.0,
        f"{_AIR}救援人员必须佩戴空气呼吸器，禁止盲目施救。",
        f"{_GAS_FIRE}灭火剂：雾状水、抗溶性泡沫、干粉。",
        "迅速撤离至上风处并隔离；切断泄漏源，喷雾状水稀释、溶解；污水池、泵坑等受限空间作业前强制通风和气体检测。",
        "可能接触时佩戴过滤式防毒面具（全面罩）或空气呼吸器，并携带便携式硫化氢检测仪；穿防静电工作服。",
        "污水收集池加盖并设硫化氢检测报警；受限空间作业执行审批。",
        ("H2S",),
        "污水收集池可能逸出（AT-503 监测）",
    ),
    ChemicalSeed(
        "丙酮", "Acetone", "67-64-1", "1090", 137, "C3H6O", "liquid",
        ("flam_liq:2", "eye_dam:2A", "stot_se:3"),
        False, -20.0, 56.5, 2.5, 12.8, 300.0,
        f"皮肤接触：脱去污染的衣着，用肥皂水和清水彻底冲洗。{_EYES}{_AIR}食入：饮足量温水，催吐，就医。",
        "灭火剂：抗溶性泡沫、干粉、二氧化碳、砂土；用水灭火无效。喷水冷却容器。",
        "消除所有点火源；小量泄漏用砂土或不燃材料吸收；大量泄漏构筑围堤收容，用抗溶性泡沫覆盖降低蒸气灾害，防爆泵转移。",
        "可能接触蒸气时佩戴过滤式防毒面具（半面罩）；戴化学安全防护眼镜，穿防静电工作服，戴橡胶手套。",
        _FLAM_STORE,
        ("二甲基酮",),
        "T-105/T-106 储存；清洗溶剂",
    ),
]
# fmt: on
# The MSDS of this one is kept on paper only: the completeness report asks for a scan.
CHEMICAL_WITHOUT_SCAN = "一氧化碳"

# ------------------------------------------------------------------------- units and processes (装置)


@dataclass(frozen=True)
class ProcessSeed:
    code: str
    name: str
    area: str
    hazardous_process: str | None
    automation: tuple[str, ...]
    chemicals: tuple[str, ...]  # CAS numbers
    capacity: str | None
    description: str
    hazards: str


PROCESSES: list[ProcessSeed] = [
    ProcessSeed("PU01-HYD", "加氢反应单元", "PU-01", "hydrogenation", ("dcs", "sis", "interlock", "gds"), ("1333-74-0", "108-88-3", "67-56-1"), "甲基环己烷 1 万吨/年",
                "甲苯与氢气在 R-201（镍系催化剂，120～130℃、2.2～2.6 MPa）中连续加氢生成甲基环己烷；反应热由夹套循环水撤出，气相经 E-201 冷凝回收，粗品送 C-301 精馏。氢气由管束车经 V-201 缓冲罐供给。",
                "氢气易燃易爆（爆炸极限 4%～75%），临氢高压设备易发生氢脆和泄漏；加氢反应强放热，冷却失效或进料失控可致飞温、超压；废催化剂卸出时可自燃。"),
    ProcessSeed("PU01-CHL", "氯化反应单元", "PU-01", "chlorination", ("dcs", "sis", "interlock", "gds"), ("7782-50-5", "108-88-3", "1310-73-2", "7664-93-9"), "氯化苄 2 万吨/年",
                "液氯经 V-202 汽化后通入 R-202（搪玻璃反应釜，60～70℃、光照引发），与甲苯进行侧链氯化生成氯化苄；副产氯化氢经尾气吸收塔以水吸收制 31% 盐酸，残余氯气用 32% 碱液吸收。",
                "氯气剧毒（MAC 1 mg/m³），泄漏可致群体中毒；氯化反应放热，通氯过快或冷却中断可致飞温；氯化氢和湿氯气强腐蚀，易造成设备、管道穿孔泄漏。"),
    ProcessSeed("PU01-DIS", "精馏单元", "PU-01", None, ("dcs", "interlock", "gds"), ("108-88-3",), "处理量 4 t/h",
                "C-301 减压精馏分离甲基环己烷与未反应甲苯，塔顶经 E-201 冷凝，回收甲苯返回原料罐。",
                "易燃液体蒸气泄漏遇点火源可致火灾爆炸；负压系统漏入空气可形成爆炸性混合物；塔釜 Cs-137 料位计为放射源。"),
    ProcessSeed("TF01-STO", "甲类储罐区", "TF-01", None, ("dcs", "sis", "interlock", "gds"), ("67-56-1", "108-88-3", "67-64-1"), "总罐容 5000 m³",
                "6 座内浮顶储罐（1000 m³ × 4、500 m³ × 2）储存甲醇、甲苯、丙酮，氮封保护；经 P-101 输送至合成装置，产品和原料经 LD-01 汽车装卸。",
                "甲B类易燃液体，构成二级重大危险源；满罐溢流、浮盘沉没、静电积聚及雷击可致火灾爆炸。"),
    ProcessSeed("UT01-UTL", "公用工程单元", "UT-01", None, ("dcs", "gds"), ("7664-41-7",), None,
                "空压站（K-501）与仪表空气、制氮站、循环水（P-601）、冷冻站（液氨制冷，V-601）及 10 kV 变配电。",
                "液氨泄漏中毒；氮气窒息（制氮站、受限空间）；高压电气触电；循环水中断导致反应装置撤热失效。"),
]  # fmt: skip

# (process, kind, planned day & hour, done day & hour, reason, approved by, checklist confirmed, status)
STARTSTOPS: list[tuple[str, str, tuple[int, int] | None, tuple[int, int] | None, str, str, bool, str]] = [
    ("PU01-CHL", "shutdown", (-40, 8), (-40, 9), "年度大检修：R-202 搪玻璃层检测、PSV-202 校验、RD-202 更换", "孙建华", True, "done"),
    ("PU01-CHL", "startup", (-28, 8), (-28, 10), "大检修结束开车：氮气置换合格（氧含量 ≤ 0.5%），联锁调试完成", "孙建华", True, "done"),
    ("PU01-HYD", "emergency_shutdown", None, (-12, 2), "P-601 循环水泵跳车，TT-201 温度高高，IS-201 联锁停车；故障排除后次日开车", "冯志军", False, "done"),
    ("PU01-DIS", "shutdown", (5, 8), None, "C-301 再沸器换热管束检修", "孙建华", False, "planned"),
]  # fmt: skip

# ------------------------------------------------------------------------ equipment (设备设施与安全附件)
# tag | name | kind | area | medium | design MPa | set/burst MPa | protects | model | manufacturer |
# registration no. | next due (days from today) | years in service
EQUIPMENT = table("""
R-201 | 加氢反应釜 5 m³ | pressure_vessel | PU-01 | 氢气、甲苯 | 4.0 | - | - | FYF-5000 | 河北华通压力容器制造有限公司 | 容3冀A00123(21) | 410 | 5
R-202 | 氯化反应釜 6.3 m³（搪玻璃） | pressure_vessel | PU-01 | 氯气、甲苯 | 0.6 | - | - | K6300 | 山东鲁搪化工装备有限公司 | 容3冀A00124(21) | 410 | 5
E-201 | 冷凝器 BEM600 | pressure_vessel | PU-01 | 甲苯蒸气/循环水 | 0.6 | - | - | BEM600-0.6-80 | 河北华通压力容器制造有限公司 | 容3冀A00131(21) | 230 | 5
V-201 | 氢气缓冲罐 10 m³ | pressure_vessel | PU-01 | 氢气 | 4.4 | - | - | 10m³/4.4MPa | 河北华通压力容器制造有限公司 | 容3冀A00125(21) | 50 | 5
V-202 | 液氯汽化器 | pressure_vessel | PU-01 | 液氯 | 1.6 | - | - | QH-200 | 江苏华昌化工设备有限公司 | 容3冀A00126(21) | 300 | 5
V-501 | 仪表空气储罐 10 m³ | pressure_vessel | UT-01 | 压缩空气 | 1.0 | - | - | C-10/1.0 | 石家庄永盛压力容器有限公司 | 容1冀A01211(20) | 150 | 6
V-502 | 氮气储罐 20 m³ | pressure_vessel | UT-01 | 氮气 | 1.0 | - | - | C-20/1.0 | 石家庄永盛压力容器有限公司 | 容1冀A01212(20) | 160 | 6
V-601 | 液氨储罐 5 m³（冷冻站） | pressure_vessel | UT-01 | 液氨 | 2.16 | - | - | ZA-5.0 | 烟台冰轮配套设备有限公司 | 容2冀A00311(19) | 540 | 7
GC-201 | 氢气进料管道 DN50 | pressure_piping | PU-01 | 氢气 | 4.0 | - | - | GC2 20# DN50 | 河北安泰化工建设工程有限公司 | - | 700 | 5
T-101 | 甲醇内浮顶储罐 1000 m³ | other | DK-01 | 甲醇 | - | - | - | 常压立式 | 中石化第十建设有限公司 | - | 180 | 8
T-102 | 甲醇内浮顶储罐 1000 m³ | other | DK-01 | 甲醇 | - | - | - | 常压立式 | 中石化第十建设有限公司 | - | 180 | 8
T-103 | 甲苯内浮顶储罐 1000 m³ | other | DK-01 | 甲苯 | - | - | - | 常压立式 | 中石化第十建设有限公司 | - | 210 | 8
T-104 | 甲苯内浮顶储罐 1000 m³ | other | DK-01 | 甲苯 | - | - | - | 常压立式 | 中石化第十建设有限公司 | - | 210 | 8
T-105 | 丙酮内浮顶储罐 500 m³ | other | DK-02 | 丙酮 | - | - | - | 常压立式 | 中石化第十建设有限公司 | - | 240 | 8
T-106 | 丙酮内浮顶储罐 500 m³ | other | DK-02 | 丙酮 | - | - | - | 常压立式 | 中石化第十建设有限公司 | - | 240 | 8
PSV-201 | R-201 安全阀 | safety_valve | PU-01 | 氢气 | - | 3.8 | R-201 | A42Y-40C DN50 | 上海开维喜阀门集团有限公司 | - | 4 | 5
PSV-202 | R-202 安全阀 | safety_valve | PU-01 | 氯气、氯化氢 | - | 0.5 | R-202 | A42F-16P DN80 | 上海开维喜阀门集团有限公司 | - | 140 | 5
PSV-203 | V-201 安全阀 | safety_valve | PU-01 | 氢气 | - | 4.2 | V-201 | A42Y-64C DN40 | 上海开维喜阀门集团有限公司 | - | 200 | 5
PSV-204 | V-202 液氯汽化器安全阀 | safety_valve | PU-01 | 氯气 | - | 1.5 | V-202 | A42F-25P DN25 | 上海开维喜阀门集团有限公司 | - | 45 | 5
PSV-205 | E-201 壳程安全阀 | safety_valve | PU-01 | 甲苯蒸气 | - | 0.6 | E-201 | A42Y-16C DN50 | 上海开维喜阀门集团有限公司 | - | 260 | 5
PSV-501 | V-501 安全阀 | safety_valve | UT-01 | 压缩空气 | - | 0.95 | V-501 | A48Y-16C DN40 | 浙江石化阀门有限公司 | - | 12 | 6
PSV-502 | V-502 安全阀 | safety_valve | UT-01 | 氮气 | - | 0.95 | V-502 | A48Y-16C DN40 | 浙江石化阀门有限公司 | - | 310 | 6
PSV-601 | V-601 液氨储罐安全阀 | safety_valve | UT-01 | 氨 | - | 2.1 | V-601 | A42Y-25C DN32 | 浙江石化阀门有限公司 | - | -12 | 7
RD-201 | R-201 爆破片（安全阀前） | rupture_disc | PU-01 | 氢气 | - | 3.8 | R-201 | LP-50-3.8 | 大连理工安全装备有限公司 | - | 330 | 5
RD-202 | R-202 爆破片（安全阀前） | rupture_disc | PU-01 | 氯气、氯化氢 | - | 0.5 | R-202 | YC-80-0.5 PTFE | 大连理工安全装备有限公司 | - | 15 | 5
GT-101 | T-101 阀组可燃气体探测器 | gas_detector | DK-01 | 甲醇 | - | - | - | GQ-EX300 催化燃烧 | 汉威科技集团股份有限公司 | - | 170 | 8
GT-102 | T-102 阀组可燃气体探测器 | gas_detector | DK-01 | 甲醇 | - | - | - | GQ-EX300 催化燃烧 | 汉威科技集团股份有限公司 | - | 170 | 8
GT-103 | T-103 阀组可燃气体探测器 | gas_detector | DK-01 | 甲苯 | - | - | - | GQ-EX300 催化燃烧 | 汉威科技集团股份有限公司 | - | -5 | 8
GT-104 | T-104 阀组可燃气体探测器 | gas_detector | DK-01 | 甲苯 | - | - | - | GQ-EX300 催化燃烧 | 汉威科技集团股份有限公司 | - | 170 | 8
GT-201 | R-201 氢气探测器 | gas_detector | PU-01 | 氢气 | - | - | - | GQ-H2 电化学 | 汉威科技集团股份有限公司 | - | 22 | 5
GT-202 | 加氢进料阀组氢气探测器 | gas_detector | PU-01 | 氢气 | - | - | - | GQ-H2 电化学 | 汉威科技集团股份有限公司 | - | 330 | 5
AT-201 | R-202 北侧氯气探测器 | gas_detector | PU-01 | 氯气 | - | - | - | GT-CL2 电化学 | 汉威科技集团股份有限公司 | - | 6 | 5
AT-202 | R-202 南侧氯气探测器 | gas_detector | PU-01 | 氯气 | - | - | - | GT-CL2 电化学 | 汉威科技集团股份有限公司 | - | 190 | 5
AT-203 | 液氯汽化器氯气探测器 | gas_detector | PU-01 | 氯气 | - | - | - | GT-CL2 电化学 | 汉威科技集团股份有限公司 | - | 190 | 5
AT-502 | 冷冻站氨气探测器 | gas_detector | UT-01 | 氨 | - | - | - | GT-NH3 电化学 | 汉威科技集团股份有限公司 | - | 75 | 7
GT-401 | 1# 鹤位可燃气体探测器 | gas_detector | LD-01 | 甲醇、甲苯 | - | - | - | GQ-EX300 催化燃烧 | 汉威科技集团股份有限公司 | - | 120 | 8
GT-701 | 甲类仓库可燃气体探测器 | gas_detector | WH-01 | 溶剂蒸气 | - | - | - | GQ-EX300 催化燃烧 | 汉威科技集团股份有限公司 | - | 250 | 8
PI-201 | R-201 就地压力表 0～6 MPa | pressure_gauge | PU-01 | 氢气 | - | - | - | YN-100 1.6级 | 西安仪表厂 | - | 40 | 2
PI-202 | R-202 就地压力表 0～1 MPa | pressure_gauge | PU-01 | 氯气 | - | - | - | YTU-100 隔膜 | 西安仪表厂 | - | -2 | 2
PI-501 | V-501 压力表 0～1.6 MPa | pressure_gauge | UT-01 | 压缩空气 | - | - | - | Y-100 1.6级 | 西安仪表厂 | - | 80 | 2
PI-601 | V-601 液氨储罐压力表 0～4 MPa | pressure_gauge | UT-01 | 氨 | - | - | - | YA-100 氨用 | 西安仪表厂 | - | 120 | 2
CR-901 | 检修用电动单梁起重机 10 t | lifting | PU-01 | - | - | - | - | LD10-16.5A3 | 河南卫华重型机械股份有限公司 | 起17冀A00456(21) | 28 | 5
FL-701 | 防爆内燃叉车 3 t | forklift | WH-01 | - | - | - | - | CPCD30-FB | 安徽合力股份有限公司 | 车11冀A00789(22) | 65 | 4
""")
EQUIPMENT_WITHOUT_SCAN = {"GC-201", "PI-202"}
# Check history (检验/校验/更换记录): tag → (kind, number of past cycles, org, report prefix, note of the
# latest record). The latest record is the equipment's last check; older ones one interval apart.
EQUIPMENT_CHECKS: dict[str, tuple[str, int, str, str, str | None]] = {
    "PSV-201": ("calibration", 3, "河北省特种设备监督检验研究院", "HBTJ-AQF", None),
    "R-201": ("inspection", 1, "河北省特种设备监督检验研究院", "HBTJ-RQ", "定期检验结论：符合要求，安全状况等级 2 级"),
    "V-201": ("inspection", 1, "河北省特种设备监督检验研究院", "HBTJ-RQ", "基本符合要求：封头局部壁厚减薄，监控使用"),
    "GT-201": ("calibration", 2, "河北省计量监督检测研究院", "HBJL-QT", None),
    "RD-202": ("replacement", 2, "设备部", "WO", "随年度大检修更换"),
    "PI-202": ("calibration", 2, "河北省计量监督检测研究院", "HBJL-YL", None),
}  # fmt: skip

# ---------------------------------------------------------------------------- SIS and interlocks (联锁)


@dataclass(frozen=True)
class InterlockSeed:
    tag: str
    name: str
    kind: str
    sil: int | None
    area: str
    process: str | None
    cause: str
    action: str
    point_tags: tuple[str, ...]
    interval_months: int
    next_due: int  # days from today


INTERLOCKS: list[InterlockSeed] = [
    InterlockSeed("IS-201", "R-201 加氢反应釜温度高高联锁", "sis", 2, "PU-01", "PU01-HYD",
                  "TT-201 反应温度 ≥ 145℃（高高，SIS 独立测温 2oo3 表决）",
                  "关闭氢气进料切断阀 XV-2011/XV-2012，全开夹套紧急冷却水阀 XV-2013，停搅拌电机",
                  ("TT-201", "XS-201"), 12, 165),
    InterlockSeed("IS-202", "R-201 加氢反应釜压力高高联锁", "sis", 2, "PU-01", "PU01-HYD",
                  "PT-201 反应压力 ≥ 3.0 MPa（高高）",
                  "关闭氢气进料切断阀 XV-2011/XV-2012，打开紧急泄放阀 XV-2014 至火炬",
                  ("PT-201", "FT-201"), 12, 165),
    InterlockSeed("IS-203", "加氢单元氢气泄漏联锁", "interlock", 1, "PU-01", "PU01-HYD",
                  "GT-201 或 GT-202 氢气浓度 ≥ 50 %LEL（二级报警）",
                  "关闭氢气总管切断阀 XV-2010，启动装置区防爆排风机",
                  ("GT-201", "GT-202"), 24, 400),
    InterlockSeed("IS-204", "R-202 氯化反应釜温度/压力高高联锁", "sis", 2, "PU-01", "PU01-CHL",
                  "TT-202 反应温度 ≥ 80℃ 或 PT-202 反应压力 ≥ 0.3 MPa（高高）",
                  "关闭氯气进料切断阀 XV-2021，全开夹套冷却水，停止光照引发",
                  ("TT-202", "PT-202", "FT-202"), 12, 20),
    InterlockSeed("IS-205", "氯化单元氯气泄漏联锁", "interlock", 1, "PU-01", "PU01-CHL",
                  "AT-201/AT-202/AT-203 任一氯气浓度二级报警",
                  "关闭液氯汽化器出口切断阀 XV-2022，启动事故风机及碱液吸收塔循环泵",
                  ("AT-201", "AT-202", "AT-203"), 12, 200),
    InterlockSeed("IS-101", "T-101 甲醇储罐高高液位联锁", "interlock", 1, "DK-01", "TF01-STO",
                  "LSHH-101 高高液位开关动作",
                  "关闭 T-101 进料切断阀 XV-1011，停止装卸与倒罐作业",
                  ("LSHH-101", "LT-101"), 12, 250),
    InterlockSeed("IS-102", "T-102 甲醇储罐高高液位联锁", "interlock", 1, "DK-01", "TF01-STO",
                  "LSHH-102 高高液位开关动作",
                  "关闭 T-102 进料切断阀 XV-1021，停止装卸与倒罐作业",
                  ("LSHH-102", "LT-102"), 12, 250),
    InterlockSeed("ESD-001", "全厂紧急停车（ESD）", "esd", 1, "CR-01", None,
                  "中控室 ESD 按钮或装置区现场紧急停车按钮",
                  "切断全装置氢气、氯气进料，反应釜紧急冷却，停 P-101，关闭罐区出口切断阀",
                  (), 12, 80),
]  # fmt: skip

# Bypasses (联锁旁路): interlock, reason, measures, requested by (username), approved by (username),
# approved at (day, hour), approved until (day, hour) — both local time. One is within its approval,
# the other has outlived it (the overdue alarm and the reminder centre show it).
BYPASSES: list[tuple[str, str, str, str, str, tuple[int, int], tuple[int, int]]] = [
    ("IS-102", "LSHH-102 高高液位开关浮球卡涩，频繁误动作，待备件到货更换",
     "LT-102 雷达液位计高高报警投用；罐区每 2 小时现场巡检液位；T-102 进料期间专人监护",
     "leader", "safety", (-1, 9), (2, 18)),
    ("IS-203", "GT-202 氢气探测器更换传感器并标定",
     "便携式氢气检测仪现场连续监测；更换期间加氢单元降负荷运行",
     "leader", "safety", (-2, 8), (-1, 17)),
]  # fmt: skip

# ----------------------------------------------------------------------- contractors and suppliers
# key | name | USCC prefix (17) | qualification | qualification no. | valid (days) | safety licence no. |
# valid (days) | work scope | contact | phone | status | rating | note
CONTRACTORS = table("""
C1 | 河北安泰化工建设工程有限公司 | 91130104MA07PQ1H3 | 石油化工工程施工总承包贰级 | D213045872 | 820 | (冀)JZ安许证字[2023]004521 | 480 | 装置检修、管道安装、动火焊接、脚手架搭设、临时用电 | 周建军 | 13931180512 | approved | A | -
C2 | 石家庄恒信检修服务有限公司 | 91130108MA0DB2K65 | 机电工程施工总承包叁级 | D313087215 | 18 | (冀)JZ安许证字[2022]003187 | 210 | 动设备检修、起重吊装 | 刘振 | 13833172265 | approved | B | 资质证书即将到期，已提交延续申请
C3 | 河北众诚防腐保温工程有限公司 | 91130182MA0C4R8N1 | 防水防腐保温工程专业承包贰级 | D213099031 | 300 | (冀)JZ安许证字[2024]005630 | 640 | 设备管道防腐保温、高处作业 | 高峰 | 15903213378 | suspended | C | 高处作业未按规定系挂安全带，暂停入厂整改
""")
# name | kind | USCC prefix (17) | licence no. | valid (days) | supplies | contact | phone | scan
SUPPLIERS = table("""
河北晟通化工贸易有限公司 | chemical | 91130100MA0E3F7T4 | 冀石危化经字〔2024〕000318 | 600 | 甲苯、甲醇、丙酮（槽车） | 孟凡 | 13731125540 | yes
沧州永安危险货物运输有限公司 | carrier | 91130900MA0AXY2U8 | 冀交运管许可沧字130900300123号 | 20 | 甲醇、甲苯、盐酸槽车运输（3 类、8 类危险货物） | 马国庆 | 13503170233 | no
石家庄泰和工业气体有限公司 | chemical | 911301007865432A1 | 冀石危化经字〔2023〕000207 | 400 | 氢气（长管拖车）、液氯（钢瓶）、液氮 | 崔建 | 13785109927 | yes
""")

# ---------------------------------------------------------------------------------------- people
# name | gender | birth | region | department or contractor key | position | key roles | education |
# major | title | years since hired (or since entry, contractor workers) | demo login
PEOPLE = table("""
王建国 | male | 1971-05-14 | 130102 | ADMIN | 总经理 | principal | master | 化学工程 | 高级工程师 | 22 | -
周敏 | female | 1983-09-02 | 130104 | ADMIN | 综合办公室主任 | - | bachelor | 行政管理 | - | 12 | -
赵立新 | male | 1974-11-23 | 130105 | SHE | 副总经理（分管安全） | safety_deputy | bachelor | 安全工程 | 高级工程师 | 18 | -
陈志刚 | male | 1980-02-17 | 130108 | SHE | 安全环保部经理 | safety_staff,registered_engineer | bachelor | 化学工程与工艺 | 工程师 | 15 | safety
李娜 | female | 1988-07-09 | 130111 | SHE | 专职安全员 | safety_staff | bachelor | 安全工程 | 工程师 | 9 | -
吴涛 | male | 1991-03-28 | 130123 | SHE | 专职安全员 | safety_staff | college | 应用化工技术 | 助理工程师 | 6 | -
孙建华 | male | 1976-08-30 | 130125 | PROD | 生产部经理 | key_unit_manager | bachelor | 化学工程 | 高级工程师 | 20 | -
钱伟 | male | 1987-12-05 | 130126 | PROD | 工艺工程师 | key_unit_manager | master | 化学工艺 | 工程师 | 8 | -
冯志军 | male | 1979-04-18 | 130127 | SYN | 合成车间主任 | key_unit_manager | bachelor | 化学工程与工艺 | 工程师 | 16 | -
刘强 | male | 1985-10-11 | 130128 | SYN | 合成车间班长 | key_unit_operator,special_operator | college | 应用化工技术 | 技师 | 13 | leader
张伟 | male | 1992-06-21 | 130129 | SYN | 加氢岗操作工 | key_unit_operator,special_operator | college | 化工技术 | - | 7 | operator
王磊 | male | 1990-01-15 | 130130 | SYN | 氯化岗操作工 | key_unit_operator,special_operator | secondary_vocational | 化工工艺 | - | 8 | -
许亮 | male | 1994-09-08 | 130131 | SYN | 氯化岗操作工 | key_unit_operator,special_operator | college | 应用化工技术 | - | 4 | -
杨帆 | male | 1996-05-27 | 130132 | SYN | 精馏岗操作工 | key_unit_operator | high_school | - | - | 3 | -
韩雪 | female | 1993-12-19 | 130133 | SYN | DCS 内操 | key_unit_operator | college | 生产过程自动化 | - | 5 | -
邓凯 | male | 2000-03-06 | 130181 | SYN | 操作工（见习） | - | college | 应用化工技术 | - | 0.03 | -
田刚 | male | 1978-07-25 | 130183 | STOR | 储运车间主任 | key_unit_manager | college | 化工机械 | 工程师 | 17 | -
孙磊 | male | 1989-02-08 | 130184 | STOR | 罐区巡检工 | key_unit_operator | secondary_vocational | 化工工艺 | - | 9 | inspector
何平 | male | 1986-11-30 | 130102 | STOR | 罐区操作工 | key_unit_operator | high_school | - | - | 11 | -
罗斌 | male | 1995-04-12 | 130104 | STOR | 装卸工 | - | high_school | - | - | 4 | -
梁文斌 | male | 1975-06-06 | 130105 | MAINT | 设备部经理 | - | bachelor | 过程装备与控制工程 | 高级工程师 | 19 | -
马俊 | male | 1984-08-16 | 130108 | MAINT | 焊工 | special_operator | secondary_vocational | 焊接技术 | 高级工 | 14 | -
曹勇 | male | 1982-03-03 | 130111 | MAINT | 焊工 | special_operator | high_school | - | 中级工 | 12 | -
刘洋 | male | 1988-10-24 | 130123 | MAINT | 高压电工 | special_operator | college | 电气自动化技术 | 技师 | 10 | -
黄磊 | male | 1990-07-07 | 130125 | MAINT | 低压电工 | special_operator | secondary_vocational | 电工 | - | 6 | -
孙浩 | male | 1987-01-29 | 130126 | MAINT | 起重机司机 | special_operator | high_school | - | - | 8 | -
何军 | male | 1983-05-20 | 130127 | MAINT | 起重指挥 | special_operator | high_school | - | - | 10 | -
谢峰 | male | 1989-09-14 | 130128 | MAINT | 仪表工 | - | college | 仪表自动化 | 助理工程师 | 9 | -
宋亮 | male | 1992-02-02 | 130129 | MAINT | 钳工（高处作业） | special_operator | high_school | - | - | 6 | -
唐丽 | female | 1981-04-04 | 130130 | LOG | 仓储物流部经理 | - | bachelor | 物流管理 | - | 13 | -
林涛 | male | 1986-06-18 | 130131 | LOG | 叉车司机 | special_operator | high_school | - | - | 9 | -
韩梅 | female | 1991-08-26 | 130132 | LOG | 危化品仓库保管员 | key_unit_operator | secondary_vocational | 化工工艺 | - | 7 | -
周建军 | male | 1977-12-01 | 130133 | C1 | 项目负责人（现场安全员） | - | college | 建筑工程 | 工程师 | 0.5 | contractor
郑海波 | male | 1981-10-09 | 130181 | C1 | 焊工 | special_operator | high_school | - | - | 0.4 | -
邱志强 | male | 1985-03-15 | 130183 | C1 | 焊工 | special_operator | secondary_vocational | 焊接技术 | - | 0.4 | -
石磊 | male | 1990-11-11 | 130184 | C1 | 架子工 | special_operator | high_school | - | - | 0.3 | -
贾鹏 | male | 1993-07-17 | 130102 | C1 | 电工 | special_operator | secondary_vocational | 电工 | - | 0.3 | -
蒋涛 | male | 1984-02-22 | 130104 | C2 | 焊工 | special_operator | high_school | - | - | 0.2 | -
段勇 | male | 1979-06-30 | 130105 | C2 | 起重指挥 | special_operator | high_school | - | - | 0.2 | -
万刚 | male | 1988-04-09 | 130108 | C3 | 防腐保温工（高处作业） | special_operator | junior_high | - | - | 1 | -
""")


def person_id_number(index: int) -> str:
    """The identity number of PEOPLE[index] (sequence = index, so numbers never collide)."""
    _, gender, birth, region = PEOPLE[index][:4]
    assert birth and region
    return make_id_number(region, birth, 100 + index, gender == "male")


ID_NUMBERS = {str(row[0]): person_id_number(i) for i, row in enumerate(PEOPLE)}
# 郑海波, contractor welder of C1: his 特种作业操作证 (焊接与热切割作业) expired 20 days before the seed,
# so the eligibility check refuses him for hot work (动火) with reason "expired", AQ 3064.2 code 5/51.
EXPIRED_WELDER_NAME = "郑海波"
EXPIRED_WELDER_ID_NUMBER = ID_NUMBERS[EXPIRED_WELDER_NAME]
# 邓凯 joined 10 days before the seed: company and workshop induction done, the team level (班组级) not yet.
NEW_EMPLOYEE_NAME = "邓凯"
# 黄磊's electrician certificate was issued to 黄雷 (another ID number): AQ 3064.2 code 5/52.
MISMATCH_HOLDER = ("黄磊", "黄雷", make_id_number("130125", "1992-03-19", 377, True))

# Certificates: holder | kind | valid until (days from today) | validity (years) | number ("T": T + ID
# number, as 特种作业操作证 are numbered; "ID": the ID number, as 特种设备作业人员证 are) | scan
CERTIFICATES = table("""
王建国 | principal_safety | 600 | 3 | 冀AQZ2025-00045 | yes
赵立新 | safety_manager | 480 | 3 | 冀AQG2025-00312 | yes
陈志刚 | safety_manager | 700 | 3 | 冀AQG2025-00313 | yes
陈志刚 | registered_safety_engineer | 1200 | 5 | 冀1320230087 | yes
李娜 | safety_manager | 55 | 3 | 冀AQG2023-00871 | yes
吴涛 | safety_manager | 900 | 3 | 冀AQG2026-00102 | yes
刘强 | hazchem_process | 1500 | 6 | T | yes
张伟 | hazchem_process | 800 | 6 | T | yes
王磊 | hazchem_process | 1900 | 6 | T | yes
许亮 | hazchem_process | 26 | 6 | T | yes
马俊 | welding_cutting | 1400 | 6 | T | yes
曹勇 | welding_cutting | 18 | 6 | T | yes
刘洋 | electrician_high_voltage | 1100 | 6 | T | yes
黄磊 | electrician_low_voltage | 900 | 6 | T | yes
孙浩 | crane_operator | 700 | 4 | ID | yes
何军 | crane_signaller | 400 | 4 | ID | yes
宋亮 | work_at_height | 1300 | 6 | T | yes
林涛 | forklift_driver | 85 | 4 | ID | yes
周建军 | safety_manager | 500 | 3 | 冀建安C(2024)0012345 | yes
郑海波 | welding_cutting | -20 | 6 | T | yes
邱志强 | welding_cutting | 1000 | 6 | T | yes
石磊 | work_at_height | 1600 | 6 | T | yes
贾鹏 | electrician_low_voltage | 700 | 6 | T | yes
蒋涛 | welding_cutting | 60 | 6 | T | yes
段勇 | crane_signaller | 300 | 4 | ID | no
万刚 | work_at_height | 200 | 6 | T | no
""")
CERT_NOTES = {("刘强", "hazchem_process"): "加氢工艺作业", ("张伟", "hazchem_process"): "加氢工艺作业",
              ("王磊", "hazchem_process"): "氯化工艺作业", ("许亮", "hazchem_process"): "氯化工艺作业"}  # fmt: skip

# Training titles by kind (三级教育 hours follow 原安监总局令第3号: at least 72 hours for new workers of
# hazardous-chemical enterprises; annual refresher at least 20 hours).
TRAININGS = {
    "company": ("厂级安全教育：安全生产法律法规、厂规厂纪、危险化学品基础知识、应急疏散", 32.0, "李娜"),
    "workshop": ("车间级安全教育：本车间工艺流程、危险源与重大危险源、联锁与报警、个体防护", 24.0, "冯志军"),
    "team": ("班组级安全教育：岗位操作规程、交接班制度、岗位应急处置卡", 16.0, "刘强"),
    "annual": ("年度安全生产再培训：典型事故案例、特殊作业管理、应急预案演练", 20.0, "陈志刚"),
    "contractor_entry": ("承包商入厂安全教育：厂区危险区域、作业票证制度、动火与受限空间管理", 8.0, "李娜"),
}

# Duty roster (值班): leaders (值班领导, all day) and officers (值班人员, day and night) in rotation.
DUTY_LEADERS = ("王建国", "赵立新", "孙建华", "梁文斌")
DUTY_OFFICERS = ("陈志刚", "李娜", "吴涛", "冯志军", "田刚", "钱伟")
DUTY_PHONE = "0311-85290110"

# Visitors: name | gender | birth | region | company | purpose | host | from (day, hour) | until (day,
# hour) | briefed | status
VISITORS = table("""
贺明 | male | 1985-04-21 | 130104 | 北京和利时系统工程有限公司 | DCS 系统升级调试 | 谢峰 | -1,8 | 1,18 | yes | registered
潘丽 | female | 1990-10-03 | 130105 | 河北安评技术咨询有限公司 | 安全现状评价现场勘查 | 陈志刚 | 3,8 | 3,17 | no | registered
宋建平 | male | 1972-01-30 | 130102 | 石家庄市应急管理局 | 安全生产执法检查 | 赵立新 | -10,9 | -10,16 | yes | registered
邹凯 | male | 1983-06-12 | 130108 | 河北晟通化工贸易有限公司 | 供货合同洽谈 | 唐丽 | 1,9 | 1,12 | no | cancelled
""")
