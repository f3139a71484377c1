"""The monitored points (位号) of the demo plant HB-01, with rationalised alarm settings.

Each `DemoPoint` carries what `mon_point` needs (areas, equipment and the suppressing point are
referenced by code/tag; the seeder resolves them to ids) plus the simulator's sampling period.

Set-point policy:
- process variables: H/L = level 1, HH/LL = level 2 (requirements §7.1 [D]); LL < L < H < HH inside
  the instrument range;
- combustible gas (%LEL): level 1 (H) ≤ 25 %LEL, level 2 (HH) ≤ 50 %LEL (GB/T 50493-2019 §5.5);
- toxic gas (ppm): level 1 ≤ 100 % OEL, level 2 ≤ 200 % OEL, OEL taken from GBZ 2.1-2019 in the order
  MAC > PC-STEL > PC-TWA and converted from mg/m³ at 20 °C, 101.3 kPa (24.04 L/mol);
- oxygen (%VOL): alarm over 23.5 and under 19.5, a level-2 low alarm at 18.0 (confined areas);
- run-status switches (1 = running) are there for suppression by design, e.g. the discharge-pressure
  low alarm of P-101 is suppressed while P-101 is stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

STOR = "STOR"  # console of the storage & logistics operator (tank farm, loading, warehouse)
SYN = "SYN"  # console of the synthesis operator (process unit, utilities)


@dataclass(frozen=True)
class DemoPoint:
    """One demo point: every `mon_point` setting plus the simulator's sampling period."""

    tag: str
    name_zh: str
    name_en: str
    kind: str  # level | temperature | pressure | flow | gas_combustible | gas_toxic | oxygen | switch | other
    unit: str
    range_lo: float
    range_hi: float
    area_code: str
    equipment_tag: str | None
    x: float
    y: float
    period_s: float
    console: str
    sp_hh: float | None = None
    sp_h: float | None = None
    sp_l: float | None = None
    sp_ll: float | None = None
    prio_hh: str = "high"
    prio_h: str = "medium"
    prio_l: str = "medium"
    prio_ll: str = "high"
    prio_diag: str = "low"
    deadband: float = 0.0
    on_delay_s: float = 0.0
    off_delay_s: float = 0.0
    roc_limit_per_min: float | None = None
    expected_interval_s: float = 10.0
    suppress_tag: str | None = None
    suppress_value: float | None = None
    gas_oel: float | None = None
    gas_idlh: float | None = None
    hist_deadband: float = 0.0
    hist_comp_dev: float = 0.0
    hist_max_interval_s: float = 600.0
    forecast_horizon_s: float | None = None
    cause: str | None = None
    consequence: str | None = None
    operator_action: str | None = None
    response_time_s: int = 600

    def point_columns(self) -> dict[str, Any]:
        """The `mon_point` column values that need no id lookup (name = the Chinese name; name_en apart)."""
        skip = {"name_zh", "name_en", "area_code", "equipment_tag", "suppress_tag", "period_s"}
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}
        out["name"] = self.name_zh
        return out

    def setpoints(self) -> dict[str, float]:
        """The configured set-points by condition name (HH, H, L, LL)."""
        pairs = (("HH", self.sp_hh), ("H", self.sp_h), ("L", self.sp_l), ("LL", self.sp_ll))
        return {name: sp for name, sp in pairs if sp is not None}


def _expected(period_s: float) -> float:
    # Publishers batch samples once a second; tolerate that before a point counts as late.
    return max(period_s, 5.0)


# -- builders per instrument family --------------------------------------------------------------


def _tank_level(
    tag: str, tank: str, liquid: str, liquid_en: str, area: str, x: float, y: float, big: bool
) -> DemoPoint:
    hi = 12.0 if big else 10.0
    return DemoPoint(
        tag=tag,
        name_zh=f"{tank} {liquid}储罐液位",
        name_en=f"{tank} {liquid_en} tank level",
        kind="level",
        unit="m",
        range_lo=0.0,
        range_hi=hi,
        area_code=area,
        equipment_tag=tank,
        x=x,
        y=y,
        period_s=5.0,
        console=STOR,
        sp_hh=10.2 if big else 8.6,
        sp_h=9.6 if big else 8.0,
        sp_l=1.5 if big else 1.2,
        sp_ll=0.8 if big else 0.6,
        prio_hh="high",
        prio_h="medium",
        prio_l="low",
        prio_ll="medium",
        deadband=0.05,
        on_delay_s=5.0,
        off_delay_s=10.0,
        roc_limit_per_min=0.3,
        expected_interval_s=_expected(5.0),
        hist_deadband=0.005,
        hist_comp_dev=0.02,
        forecast_horizon_s=300.0,
        cause="高：收料量超计划、切罐不及时或进料阀内漏；低：发料过量、出料阀未关或罐底泄漏",
        consequence="高高：储罐冒顶溢流，易燃液体进入防火堤，遇点火源引发池火或蒸气云爆炸；低低：输送泵抽空、浮盘落底",
        operator_action="核对液位计与现场液位（磁翻板），立即停止收料或切换至备用罐；低液位时停发料泵并关闭出料阀，通知班长",
        response_time_s=600,
    )


def _tank_temperature(
    tag: str, tank: str, liquid: str, liquid_en: str, area: str, x: float, y: float
) -> DemoPoint:
    return DemoPoint(
        tag=tag,
        name_zh=f"{tank} {liquid}储罐温度",
        name_en=f"{tank} {liquid_en} tank temperature",
        kind="temperature",
        unit="°C",
        range_lo=-20.0,
        range_hi=80.0,
        area_code=area,
        equipment_tag=tank,
        x=x,
        y=y,
        period_s=10.0,
        console=STOR,
        sp_hh=40.0,
        sp_h=35.0,
        prio_hh="high",
        prio_h="low",
        deadband=0.5,
        on_delay_s=30.0,
        off_delay_s=60.0,
        expected_interval_s=_expected(10.0),
        hist_deadband=0.05,
        hist_comp_dev=0.2,
        cause="夏季高温暴晒、喷淋冷却水未投用或收入物料温度偏高",
        consequence="储罐内挥发加剧，呼吸阀频繁排放，罐内压力升高，火灾爆炸风险增大",
        operator_action="启动储罐喷淋冷却水，暂停高温物料收入，检查呼吸阀与氮封运行情况",
        response_time_s=1800,
    )


def _tank_pressure(
    tag: str, tank: str, liquid: str, liquid_en: str, area: str, x: float, y: float
) -> DemoPoint:
    return DemoPoint(
        tag=tag,
        name_zh=f"{tank} {liquid}储罐氮封压力",
        name_en=f"{tank} {liquid_en} tank nitrogen blanket pressure",
        kind="pressure",
        unit="kPa",
        range_lo=-0.5,
        range_hi=3.0,
        area_code=area,
        equipment_tag=tank,
        x=x,
        y=y,
        period_s=2.0,
        console=STOR,
        sp_hh=1.6,
        sp_h=1.2,
        sp_l=0.2,
        sp_ll=0.05,
        prio_hh="high",
        prio_h="low",
        prio_l="low",
        prio_ll="medium",
        # Not yet rationalised (no delay, small deadband): the demo shows how that chatters.
        deadband=0.03,
        expected_interval_s=_expected(2.0),
        hist_deadband=0.005,
        hist_comp_dev=0.02,
        cause="高：氮封阀内漏或调节不稳、收料过快、呼吸阀卡涩；低：氮气中断、发料过快",
        consequence="高高：呼吸阀起跳排放可燃蒸气，严重时罐顶超压损坏；低低：罐内负压吸入空气形成爆炸性混合物",
        operator_action="检查氮封阀与呼吸阀，调整收发料速率，确认氮气管网压力，必要时切手动控制",
        response_time_s=900,
    )


def _level_switch(
    tag: str, tank: str, liquid: str, liquid_en: str, area: str, x: float, y: float
) -> DemoPoint:
    return DemoPoint(
        tag=tag,
        name_zh=f"{tank} {liquid}储罐高高液位联锁开关",
        name_en=f"{tank} {liquid_en} tank high-high level switch (SIS)",
        kind="switch",
        unit="",
        range_lo=0.0,
        range_hi=1.0,
        area_code=area,
        equipment_tag=tank,
        x=x,
        y=y,
        period_s=1.0,
        console=STOR,
        sp_hh=0.5,
        prio_hh="urgent",
        prio_diag="medium",
        expected_interval_s=_expected(1.0),
        hist_max_interval_s=600.0,
        cause="储罐液位达到独立高高液位开关位置（液位计失效或收料失控）",
        consequence="SIS 联锁关闭进料切断阀；如联锁失效将冒顶溢流",
        operator_action="确认进料切断阀已关闭，停止上游收料泵，现场确认液位与防火堤情况，报告班长",
        response_time_s=180,
    )


def _combustible(
    tag: str,
    where_zh: str,
    where_en: str,
    gas: str,
    area: str,
    equipment: str | None,
    x: float,
    y: float,
    console: str,
    h: float = 20.0,
    hh: float = 40.0,
) -> DemoPoint:
    return DemoPoint(
        tag=tag,
        name_zh=f"{where_zh}可燃气体检测器（{gas}）",
        name_en=f"{where_en} combustible gas detector",
        kind="gas_combustible",
        unit="%LEL",
        range_lo=0.0,
        range_hi=100.0,
        area_code=area,
        equipment_tag=equipment,
        x=x,
        y=y,
        period_s=2.0,
        console=console,
        sp_hh=hh,
        sp_h=h,
        prio_hh="urgent",
        prio_h="high",
        prio_diag="medium",
        deadband=2.0,
        on_delay_s=2.0,
        off_delay_s=10.0,
        expected_interval_s=_expected(2.0),
        hist_deadband=0.2,
        hist_comp_dev=0.5,
        hist_max_interval_s=300.0,
        forecast_horizon_s=180.0,
        cause=f"{where_zh}法兰、阀门、泵密封或取样口泄漏{gas}",
        consequence="可燃气体积聚达到爆炸下限，遇点火源发生火灾或爆炸，并可能造成人员伤亡",
        operator_action="一级：通知巡检现场确认泄漏点，禁止动火与车辆进入；二级：关闭相关切断阀隔离泄漏源，启动应急处置预案，疏散无关人员",
        response_time_s=180,
    )


def _toxic(
    tag: str,
    where_zh: str,
    where_en: str,
    gas_zh: str,
    gas_en: str,
    area: str,
    equipment: str | None,
    x: float,
    y: float,
    console: str,
    *,
    rng_hi: float,
    oel: float,
    idlh: float,
    h: float,
    hh: float,
    source: str,
) -> DemoPoint:
    return DemoPoint(
        tag=tag,
        name_zh=f"{where_zh}有毒气体检测器（{gas_zh}）",
        name_en=f"{where_en} {gas_en} detector",
        kind="gas_toxic",
        unit="ppm",
        range_lo=0.0,
        range_hi=rng_hi,
        area_code=area,
        equipment_tag=equipment,
        x=x,
        y=y,
        period_s=2.0,
        console=console,
        sp_hh=hh,
        sp_h=h,
        prio_hh="urgent",
        prio_h="high",
        prio_diag="medium",
        deadband=round(h * 0.1, 3),
        on_delay_s=2.0,
        off_delay_s=10.0,
        expected_interval_s=_expected(2.0),
        gas_oel=oel,
        gas_idlh=idlh,
        hist_deadband=round(h * 0.02, 4),
        hist_comp_dev=round(h * 0.05, 4),
        hist_max_interval_s=300.0,
        forecast_horizon_s=180.0,
        cause=f"{source}泄漏{gas_zh}",
        consequence=f"{gas_zh}扩散造成作业人员中毒，浓度升高时危及周边区域人员生命安全",
        operator_action="一级：佩戴正压式空气呼吸器现场确认，启动事故通风；二级：切断泄漏源并启动中毒窒息应急预案，按风向疏散下风向人员",
        response_time_s=180,
    )


def _oxygen(
    tag: str, where_zh: str, where_en: str, area: str, equipment: str | None, x: float, y: float, console: str
) -> DemoPoint:
    return DemoPoint(
        tag=tag,
        name_zh=f"{where_zh}氧含量检测器",
        name_en=f"{where_en} oxygen detector",
        kind="oxygen",
        unit="%VOL",
        range_lo=0.0,
        range_hi=30.0,
        area_code=area,
        equipment_tag=equipment,
        x=x,
        y=y,
        period_s=2.0,
        console=console,
        sp_h=23.5,
        sp_l=19.5,
        sp_ll=18.0,
        prio_h="high",
        prio_l="high",
        prio_ll="urgent",
        prio_diag="medium",
        deadband=0.2,
        on_delay_s=5.0,
        off_delay_s=10.0,
        expected_interval_s=_expected(2.0),
        hist_deadband=0.02,
        hist_comp_dev=0.05,
        hist_max_interval_s=300.0,
        cause="低：氮气泄漏置换空气或通风不良；高：氧气泄漏或富氧",
        consequence="缺氧导致人员窒息；富氧使可燃物燃烧加剧",
        operator_action="禁止人员进入，启动强制通风，查找氮气（氧气）泄漏点；进入须佩戴正压式空气呼吸器并有人监护",
        response_time_s=300,
    )


def _run_status(
    tag: str,
    what_zh: str,
    what_en: str,
    area: str,
    equipment: str | None,
    x: float,
    y: float,
    console: str,
) -> DemoPoint:
    return DemoPoint(
        tag=tag,
        name_zh=f"{what_zh}运行状态",
        name_en=f"{what_en} run status",
        kind="switch",
        unit="",
        range_lo=0.0,
        range_hi=1.0,
        area_code=area,
        equipment_tag=equipment,
        x=x,
        y=y,
        period_s=1.0,
        console=console,
        expected_interval_s=_expected(1.0),
        hist_max_interval_s=600.0,
        cause="运行状态信号（1 = 运行，0 = 停止），用于设计抑制相关报警",
        response_time_s=600,
    )


def _process(
    tag: str,
    name_zh: str,
    name_en: str,
    kind: str,
    unit: str,
    rng: tuple[float, float],
    area: str,
    equipment: str | None,
    x: float,
    y: float,
    console: str,
    *,
    sp: tuple[float | None, float | None, float | None, float | None],
    period_s: float = 1.0,
    deadband: float = 0.0,
    roc: float | None = None,
    forecast: float | None = None,
    texts: tuple[str, str, str],
    response_time_s: int = 600,
    **extra: Any,
) -> DemoPoint:
    span = rng[1] - rng[0]
    point = DemoPoint(
        tag=tag,
        name_zh=name_zh,
        name_en=name_en,
        kind=kind,
        unit=unit,
        range_lo=rng[0],
        range_hi=rng[1],
        area_code=area,
        equipment_tag=equipment,
        x=x,
        y=y,
        period_s=period_s,
        console=console,
        sp_hh=sp[0],
        sp_h=sp[1],
        sp_l=sp[2],
        sp_ll=sp[3],
        deadband=deadband or round(span * 0.01, 4),
        on_delay_s=5.0,
        off_delay_s=10.0,
        roc_limit_per_min=roc,
        expected_interval_s=_expected(period_s),
        hist_deadband=round(span * 0.001, 5),
        hist_comp_dev=round(span * 0.004, 5),
        forecast_horizon_s=forecast,
        cause=texts[0],
        consequence=texts[1],
        operator_action=texts[2],
        response_time_s=response_time_s,
    )
    return replace(point, **extra) if extra else point


# -- the plant ------------------------------------------------------------------------------------

_TANKS = (
    # tag, liquid, liquid (en), dike, x, y, 1000 m³?
    ("T-101", "甲醇", "methanol", "DK-01", 76.0, 262.0, True),
    ("T-102", "甲醇", "methanol", "DK-01", 126.0, 262.0, True),
    ("T-103", "甲苯", "toluene", "DK-01", 76.0, 326.0, True),
    ("T-104", "甲苯", "toluene", "DK-01", 126.0, 326.0, True),
    ("T-105", "丙酮", "acetone", "DK-02", 206.0, 262.0, False),
    ("T-106", "丙酮", "acetone", "DK-02", 206.0, 326.0, False),
)


def _tank_farm() -> list[DemoPoint]:
    out: list[DemoPoint] = []
    for tank, liq, liq_en, dike, x, y, big in _TANKS:
        n = tank[2:]  # "101"
        out += [
            _tank_level(f"LT-{n}", tank, liq, liq_en, dike, x + 6, y + 4, big),
            _tank_temperature(f"TT-{n}", tank, liq, liq_en, dike, x - 6, y - 4),
            _tank_pressure(f"PT-{n}", tank, liq, liq_en, dike, x, y + 8),
            _level_switch(f"LSHH-{n}", tank, liq, liq_en, dike, x + 8, y - 6),
        ]
    out += [
        _combustible(
            "GT-101",
            "T-101 甲醇储罐进出口阀组",
            "T-101 valve manifold",
            "甲醇",
            "DK-01",
            "T-101",
            76,
            244,
            STOR,
        ),
        _combustible(
            "GT-102",
            "T-102 甲醇储罐进出口阀组",
            "T-102 valve manifold",
            "甲醇",
            "DK-01",
            "T-102",
            126,
            244,
            STOR,
        ),
        _combustible(
            "GT-103",
            "T-103 甲苯储罐进出口阀组",
            "T-103 valve manifold",
            "甲苯",
            "DK-01",
            "T-103",
            76,
            344,
            STOR,
        ),
        _combustible(
            "GT-104",
            "T-104 甲苯储罐进出口阀组",
            "T-104 valve manifold",
            "甲苯",
            "DK-01",
            "T-104",
            126,
            344,
            STOR,
        ),
        _combustible("GT-105", "1# 防火堤中部", "dike 1 centre", "甲醇/甲苯", "DK-01", None, 101, 294, STOR),
        _combustible(
            "GT-106", "P-101 甲醇输送泵", "P-101 methanol pump", "甲醇", "DK-01", "P-101", 101, 238, STOR
        ),
        _combustible(
            "GT-107",
            "T-105 丙酮储罐进出口阀组",
            "T-105 valve manifold",
            "丙酮",
            "DK-02",
            "T-105",
            206,
            244,
            STOR,
        ),
        _combustible(
            "GT-108",
            "T-106 丙酮储罐进出口阀组",
            "T-106 valve manifold",
            "丙酮",
            "DK-02",
            "T-106",
            206,
            344,
            STOR,
        ),
        _combustible("GT-109", "2# 防火堤中部", "dike 2 centre", "丙酮", "DK-02", None, 206, 294, STOR),
        _combustible(
            "GT-110",
            "防火堤间隔堤管廊",
            "pipe rack between the dikes",
            "甲醇/甲苯/丙酮",
            "TF-01",
            None,
            156,
            294,
            STOR,
        ),
        _run_status(
            "XS-101", "P-101 甲醇输送泵", "P-101 methanol transfer pump", "DK-01", "P-101", 104, 240, STOR
        ),
        _process(
            "PT-111",
            "P-101 甲醇输送泵出口压力",
            "P-101 discharge pressure",
            "pressure",
            "MPa",
            (0.0, 1.6),
            "DK-01",
            "P-101",
            100,
            236,
            STOR,
            sp=(1.2, 1.05, 0.5, 0.35),
            period_s=1.0,
            texts=(
                "高：出口阀未开或下游切断阀误关；低：泵抽空、入口过滤器堵塞、机械密封泄漏或出口管线泄漏",
                "高高：憋压导致泵体或管线超压泄漏；低低：泵干转损坏、机械密封失效引发甲醇泄漏",
                "确认出入口阀门位置与储罐液位，检查过滤器压差及泵密封；低低时停泵并切换备用泵",
            ),
            suppress_tag="XS-101",
            suppress_value=0.0,
            off_delay_s=0.0,  # returns as soon as the pump has started (the alarm was suppressed until then)
        ),
        _process(
            "FT-101",
            "甲醇至合成装置流量",
            "methanol to the synthesis unit flow",
            "flow",
            "m³/h",
            (0.0, 80.0),
            "DK-01",
            "P-101",
            96,
            236,
            STOR,
            sp=(65.0, 58.0, 30.0, 20.0),
            period_s=1.0,
            texts=(
                "高：下游调节阀失控或管线泄漏；低：泵出力下降、过滤器堵塞或下游阀门关闭",
                "进料异常影响反应配比，低流量导致泵汽蚀，管线泄漏造成甲醇外溢",
                "联系合成岗位核对用量，检查调节阀与过滤器，巡检沿线管廊有无泄漏",
            ),
            suppress_tag="XS-101",
            suppress_value=0.0,
            off_delay_s=0.0,  # returns as soon as the pump has started (the alarm was suppressed until then)
        ),
    ]
    return out


def _loading() -> list[DemoPoint]:
    return [
        _combustible("GT-401", "1# 鹤位", "loading arm 1", "甲醇/甲苯", "LD-01", "LA-01", 236, 112, STOR),
        _combustible(
            "GT-402", "装卸区槽车停车位", "tank-truck bay", "甲醇/甲苯", "LD-01", None, 258, 90, STOR
        ),
        _run_status("XS-402", "装车泵 P-401", "loading pump P-401", "LD-01", None, 226, 100, STOR),
        _process(
            "FT-401",
            "1# 鹤位装车流量",
            "loading arm 1 flow",
            "flow",
            "m³/h",
            (0.0, 100.0),
            "LD-01",
            "LA-01",
            246,
            104,
            STOR,
            sp=(85.0, 75.0, 10.0, None),
            period_s=1.0,
            texts=(
                "高：装车流速过快；低：槽车阀门未全开、过滤器堵塞或鹤管泄漏",
                "流速过快产生静电积聚引发闪爆；鹤管泄漏造成易燃液体外溢",
                "降低装车流速（初始流速≤1 m/s），检查鹤管与槽车阀门，必要时紧急停止装车",
            ),
            suppress_tag="XS-402",
            suppress_value=0.0,
            off_delay_s=0.0,
        ),
        _process(
            "XS-401",
            "1# 鹤位槽车静电接地状态",
            "loading arm 1 static earthing",
            "switch",
            "",
            (0.0, 1.0),
            "LD-01",
            "LA-01",
            240,
            118,
            STOR,
            sp=(None, None, 0.5, None),
            period_s=1.0,
            deadband=0.0,
            texts=(
                "装车过程中静电接地夹脱落或接地回路电阻超标（1 = 接地良好，0 = 未接地）",
                "槽车静电无法导除，放电火花点燃油气引发火灾爆炸",
                "立即停止装车泵，重新连接静电接地夹并确认接地指示正常后方可恢复装车",
            ),
            prio_l="urgent",
            on_delay_s=2.0,
            off_delay_s=0.0,
            hist_deadband=0.0,
            hist_comp_dev=0.0,
            response_time_s=60,
            suppress_tag="XS-402",
            suppress_value=0.0,
        ),
    ]


def _process_unit() -> list[DemoPoint]:
    pu = "PU-01"
    return [
        # R-201 hydrogenation (continuous)
        _process(
            "TT-201",
            "R-201 加氢反应釜温度",
            "R-201 hydrogenation reactor temperature",
            "temperature",
            "°C",
            (0.0, 200.0),
            pu,
            "R-201",
            366,
            326,
            SYN,
            sp=(145.0, 135.0, 110.0, 100.0),
            roc=3.0,
            forecast=300.0,
            texts=(
                "高：冷却水流量不足、氢气进料过快或催化剂活性异常；低：加热不足、反应停滞",
                "高高：反应失控、超温超压导致物料泄漏着火爆炸；低低：氢气在釜内积累，恢复反应时飞温",
                "调整夹套冷却水与氢气进料量，高高时启动紧急冷却并切断氢气进料（SIS），通知工艺技术员",
            ),
            response_time_s=300,
        ),
        _process(
            "PT-201",
            "R-201 加氢反应釜压力",
            "R-201 hydrogenation reactor pressure",
            "pressure",
            "MPa",
            (0.0, 4.0),
            pu,
            "R-201",
            354,
            326,
            SYN,
            sp=(3.0, 2.8, 2.0, 1.8),
            forecast=300.0,
            texts=(
                "高：反应温度升高、氢气进料调节阀失控或尾气放空不畅；低：氢气供应中断或釜体泄漏",
                "高高：超压导致安全阀起跳、法兰泄漏，氢气遇火源爆炸；低低：空气吸入形成爆炸性混合物",
                "检查氢气进料与尾气放空，控制反应温度；高高时切断氢气进料并按预案泄压",
            ),
            response_time_s=300,
        ),
        _process(
            "LT-201",
            "R-201 加氢反应釜液位",
            "R-201 hydrogenation reactor level",
            "level",
            "%",
            (0.0, 100.0),
            pu,
            "R-201",
            360,
            332,
            SYN,
            sp=(90.0, 80.0, 20.0, 10.0),
            texts=(
                "高：进料过多或出料不畅；低：出料过快或进料中断",
                "高高：物料进入尾气系统造成带液；低低：搅拌桨露出液面、局部过热",
                "调整进出料量，检查出料泵与调节阀",
            ),
        ),
        _process(
            "FT-201",
            "R-201 氢气进料流量",
            "R-201 hydrogen feed flow",
            "flow",
            "Nm³/h",
            (0.0, 600.0),
            pu,
            "R-201",
            348,
            314,
            SYN,
            sp=(480.0, 420.0, 150.0, 100.0),
            texts=(
                "高：氢气调节阀失控；低：氢气管网压力下降或过滤器堵塞",
                "高：反应温度、压力快速上升；低：反应不完全，产品不合格",
                "确认氢气管网压力与调节阀开度，必要时切手动控制",
            ),
        ),
        _run_status("XS-201", "R-201 加氢反应釜搅拌电机", "R-201 agitator", pu, "R-201", 372, 314, SYN),
        # R-202 chlorination (batch)
        _process(
            "TT-202",
            "R-202 氯化反应釜温度",
            "R-202 chlorination reactor temperature",
            "temperature",
            "°C",
            (0.0, 150.0),
            pu,
            "R-202",
            406,
            326,
            SYN,
            sp=(80.0, 70.0, None, None),
            roc=3.0,
            forecast=300.0,
            texts=(
                "氯化反应放热、冷却水中断、通氯速率过快或搅拌停止",
                "高高：反应失控，氯气与氯化氢大量释放，釜体超压破裂",
                "立即停止通氯，开大夹套冷却水；高高时 SIS 联锁切断氯气并启动紧急冷却，人员撤离至上风向",
            ),
            response_time_s=300,
        ),
        _process(
            "PT-202",
            "R-202 氯化反应釜压力",
            "R-202 chlorination reactor pressure",
            "pressure",
            "MPa",
            (0.0, 0.6),
            pu,
            "R-202",
            394,
            326,
            SYN,
            sp=(0.3, 0.25, None, None),
            forecast=300.0,
            texts=(
                "反应温度升高、尾气吸收系统堵塞或通氯过快",
                "超压导致氯气、氯化氢泄漏，爆破片破裂",
                "停止通氯，检查尾气吸收塔与风机，控制反应温度",
            ),
            response_time_s=300,
        ),
        _process(
            "FT-202",
            "R-202 氯气进料流量",
            "R-202 chlorine feed flow",
            "flow",
            "kg/h",
            (0.0, 200.0),
            pu,
            "R-202",
            388,
            314,
            SYN,
            sp=(170.0, 150.0, None, None),
            texts=(
                "氯气调节阀失控或汽化器出口压力波动",
                "通氯过量导致反应失控、尾气中氯气超标",
                "切手动控制通氯调节阀，检查液氯汽化器压力，必要时联锁切断",
            ),
        ),
        _process(
            "TT-203",
            "R-202 夹套冷却水回水温度",
            "R-202 jacket cooling-water return temperature",
            "temperature",
            "°C",
            (0.0, 100.0),
            pu,
            "R-202",
            412,
            314,
            SYN,
            sp=(45.0, 42.0, None, None),
            texts=(
                "循环水流量不足、夹套结垢或反应放热过大",
                "撤热能力不足，氯化反应温度失控",
                "开大冷却水阀，检查循环水泵与供水温度，降低通氯速率",
            ),
        ),
        _run_status("XS-202", "R-202 氯化反应釜搅拌电机", "R-202 agitator", pu, "R-202", 410, 334, SYN),
        # C-301 distillation and E-201 condenser
        _process(
            "TT-301",
            "C-301 精馏塔塔釜温度",
            "C-301 column bottom temperature",
            "temperature",
            "°C",
            (0.0, 200.0),
            pu,
            "C-301",
            466,
            314,
            SYN,
            sp=(130.0, 120.0, 95.0, 85.0),
            texts=(
                "高：再沸器蒸汽量过大或塔釜液位过低；低：蒸汽不足或进料过冷",
                "高高：重组分分解、塔压升高；低低：分离效果差，产品不合格",
                "调整再沸器蒸汽量与回流比，检查塔釜液位",
            ),
        ),
        _process(
            "PT-301",
            "C-301 精馏塔塔顶压力",
            "C-301 column top pressure",
            "pressure",
            "kPa",
            (-10.0, 50.0),
            pu,
            "C-301",
            460,
            330,
            SYN,
            sp=(25.0, 15.0, None, None),
            texts=(
                "冷凝器 E-201 冷却不足、不凝气排放不畅或再沸量过大",
                "塔顶超压，安全阀起跳排放可燃气体",
                "检查 E-201 循环水与不凝气放空，降低再沸器蒸汽量",
            ),
        ),
        _process(
            "LT-301",
            "C-301 精馏塔塔釜液位",
            "C-301 column bottom level",
            "level",
            "%",
            (0.0, 100.0),
            pu,
            "C-301",
            454,
            314,
            SYN,
            sp=(90.0, 80.0, 20.0, 10.0),
            texts=(
                "高：塔釜出料不畅或进料过大；低：出料过快或进料中断",
                "高高：液泛、淹没再沸器；低低：再沸器干烧、塔釜泵抽空",
                "调整塔釜出料与进料量，检查塔釜泵，确认液位计（双法兰）是否正常",
            ),
        ),
        _process(
            "TT-211",
            "E-201 冷凝器出口温度",
            "E-201 condenser outlet temperature",
            "temperature",
            "°C",
            (0.0, 100.0),
            pu,
            "E-201",
            440,
            252,
            SYN,
            sp=(55.0, 50.0, None, None),
            period_s=2.0,
            texts=(
                "循环水温度升高、流量不足或换热器结垢",
                "冷凝不完全，可燃气体随不凝气排放，塔顶压力升高",
                "检查循环水供水温度与流量，必要时降低精馏负荷",
            ),
        ),
        # gas detection
        _combustible(
            "GT-201", "R-201 加氢反应釜", "R-201 reactor", "氢气", pu, "R-201", 360, 306, SYN, 25.0, 50.0
        ),
        _combustible(
            "GT-202",
            "加氢釜氢气进料阀组",
            "hydrogen feed manifold",
            "氢气",
            pu,
            "R-201",
            344,
            334,
            SYN,
            25.0,
            50.0,
        ),
        _combustible("GT-203", "R-202 氯化反应釜", "R-202 reactor", "甲苯", pu, "R-202", 400, 306, SYN),
        _combustible(
            "GT-204", "C-301 精馏塔底泵区", "C-301 bottom pump area", "甲苯/甲醇", pu, "C-301", 460, 306, SYN
        ),
        _combustible("GT-205", "E-201 冷凝器", "E-201 condenser", "甲苯/甲醇", pu, "E-201", 446, 262, SYN),
        _combustible(
            "GT-206", "装置区甲醇进料泵", "unit methanol feed pumps", "甲醇", pu, None, 340, 240, SYN
        ),
        _toxic(
            "AT-201",
            "R-202 氯化反应釜北侧",
            "R-202 north",
            "氯气",
            "chlorine",
            pu,
            "R-202",
            392,
            336,
            SYN,
            rng_hi=10.0,
            oel=0.34,
            idlh=10.0,
            h=0.3,
            hh=0.6,
            source="氯化反应釜法兰、人孔或通氯管线",
        ),
        _toxic(
            "AT-202",
            "R-202 氯化反应釜南侧",
            "R-202 south",
            "氯气",
            "chlorine",
            pu,
            "R-202",
            408,
            304,
            SYN,
            rng_hi=10.0,
            oel=0.34,
            idlh=10.0,
            h=0.3,
            hh=0.6,
            source="氯化反应釜法兰、人孔或通氯管线",
        ),
        _toxic(
            "AT-203",
            "液氯汽化器",
            "chlorine vaporiser",
            "氯气",
            "chlorine",
            pu,
            None,
            500,
            240,
            SYN,
            rng_hi=10.0,
            oel=0.34,
            idlh=10.0,
            h=0.3,
            hh=0.6,
            source="液氯钢瓶、汽化器或缓冲罐",
        ),
        _toxic(
            "AT-204",
            "尾气吸收塔",
            "tail-gas scrubber",
            "氯化氢",
            "hydrogen chloride",
            pu,
            "R-202",
            420,
            352,
            SYN,
            rng_hi=50.0,
            oel=4.9,
            idlh=50.0,
            h=4.0,
            hh=8.0,
            source="尾气吸收塔、降膜吸收器或盐酸储罐",
        ),
        _oxygen("AT-205", "装置区分析小屋", "unit analyser house", pu, None, 336, 360, SYN),
    ]


def _utilities() -> list[DemoPoint]:
    ut = "UT-01"
    return [
        _run_status("XS-501", "K-501 空压机", "air compressor K-501", ut, None, 552, 236, SYN),
        _process(
            "PT-501",
            "仪表空气总管压力",
            "instrument-air header pressure",
            "pressure",
            "MPa",
            (0.0, 1.0),
            ut,
            None,
            556,
            244,
            SYN,
            sp=(0.85, 0.8, 0.5, 0.4),
            period_s=2.0,
            texts=(
                "高：空压机卸载失灵；低：空压机故障停机、干燥器堵塞或管网泄漏",
                "低低：气动调节阀与切断阀失去动力，装置失控或误动作",
                "启动备用空压机，检查干燥器与管网；低低时通知各岗位做好停车准备",
            ),
            response_time_s=300,
        ),
        _process(
            "PT-502",
            "氮气总管压力",
            "nitrogen header pressure",
            "pressure",
            "MPa",
            (0.0, 1.0),
            ut,
            None,
            572,
            250,
            SYN,
            sp=(0.8, 0.75, 0.45, 0.35),
            period_s=2.0,
            texts=(
                "高：氮气减压阀失灵；低：制氮机故障、液氮储罐耗尽或用量突增",
                "低低：储罐氮封、反应釜置换与惰化失效，形成爆炸性混合物",
                "启用液氮汽化备用气源，检查制氮机；通知罐区与合成岗位暂停置换作业",
            ),
        ),
        _run_status("XS-601", "P-601 循环水泵", "cooling-water pump P-601", ut, None, 548, 296, SYN),
        _process(
            "TT-601",
            "循环水供水温度",
            "cooling-water supply temperature",
            "temperature",
            "°C",
            (0.0, 60.0),
            ut,
            None,
            556,
            302,
            SYN,
            sp=(35.0, 33.0, None, None),
            period_s=5.0,
            texts=(
                "夏季高温、凉水塔风机故障或循环水量不足",
                "各反应釜与冷凝器撤热能力下降，反应温度与塔压升高",
                "启动凉水塔备用风机，检查补水与风机运行，通知合成岗位降低负荷",
            ),
        ),
        _process(
            "PT-601",
            "循环水供水压力",
            "cooling-water supply pressure",
            "pressure",
            "MPa",
            (0.0, 1.0),
            ut,
            None,
            562,
            302,
            SYN,
            sp=(0.6, 0.55, 0.3, 0.25),
            period_s=2.0,
            texts=(
                "高：用户阀门关闭过多；低：循环水泵跳车、吸入口堵塞或管网泄漏",
                "低低：反应釜冷却中断，氯化、加氢反应失控",
                "启动备用循环水泵，检查吸入滤网；低低时通知合成岗位停止进料",
            ),
            suppress_tag="XS-601",
            suppress_value=0.0,
            off_delay_s=0.0,
            response_time_s=300,
        ),
        _oxygen("AT-501", "制氮站", "nitrogen station", ut, None, 576, 262, SYN),
        _toxic(
            "AT-502",
            "冷冻站",
            "refrigeration station",
            "氨",
            "ammonia",
            ut,
            None,
            566,
            340,
            SYN,
            rng_hi=100.0,
            oel=42.0,
            idlh=300.0,
            h=25.0,
            hh=50.0,
            source="氨制冷压缩机、冷凝器或储氨器",
        ),
        _toxic(
            "AT-503",
            "污水收集池",
            "waste-water sump",
            "硫化氢",
            "hydrogen sulphide",
            ut,
            None,
            548,
            358,
            SYN,
            rng_hi=100.0,
            oel=7.0,
            idlh=100.0,
            h=5.0,
            hh=10.0,
            source="污水池厌氧发酵或含硫废水",
        ),
        _oxygen(
            "AT-504",
            "污水收集池泵坑（受限空间）",
            "waste-water sump pit (confined space)",
            ut,
            None,
            552,
            364,
            SYN,
        ),
    ]


def _warehouse() -> list[DemoPoint]:
    wh = "WH-01"
    out: list[DemoPoint] = []
    for n, x in (("701", 80.0), ("702", 160.0)):
        zone = "东区" if n == "702" else "西区"
        zone_en = "east" if n == "702" else "west"
        out.append(
            _process(
                f"TT-{n}",
                f"甲类仓库{zone}温度",
                f"warehouse {zone_en} temperature",
                "temperature",
                "°C",
                (-20.0, 60.0),
                wh,
                None,
                x,
                110,
                STOR,
                sp=(35.0, 30.0, None, None),
                period_s=30.0,
                deadband=0.5,
                texts=(
                    "夏季高温、通风不良或排风机故障",
                    "易燃液体挥发加剧，库内可燃蒸气积聚，包装桶受热胀裂",
                    "启动排风机与降温设施，检查包装桶有无鼓胀泄漏，控制库内温度不超过 30 °C",
                ),
                prio_hh="medium",
                prio_h="low",
                on_delay_s=60.0,
                off_delay_s=120.0,
                response_time_s=1800,
            )
        )
        out.append(
            _process(
                f"MT-{n}",
                f"甲类仓库{zone}湿度",
                f"warehouse {zone_en} humidity",
                "other",
                "%RH",
                (0.0, 100.0),
                wh,
                None,
                x + 2,
                112,
                STOR,
                sp=(90.0, 80.0, None, None),
                period_s=30.0,
                deadband=2.0,
                texts=(
                    "雨季潮湿、屋面漏雨或通风不足",
                    "遇湿易燃物品受潮反应，金属包装锈蚀泄漏",
                    "开启除湿与通风，检查屋面与门窗，核查遇湿易燃物品包装",
                ),
                prio_hh="medium",
                prio_h="low",
                on_delay_s=60.0,
                off_delay_s=120.0,
                response_time_s=3600,
            )
        )
    out += [
        _combustible("GT-701", "甲类仓库西北角", "warehouse north-west", "溶剂蒸气", wh, None, 60, 140, STOR),
        _combustible("GT-702", "甲类仓库中部", "warehouse centre", "溶剂蒸气", wh, None, 120, 84, STOR),
        _combustible("GT-703", "甲类仓库东南角", "warehouse south-east", "溶剂蒸气", wh, None, 184, 76, STOR),
        _run_status(
            "XS-701", "甲类仓库防爆排风机", "warehouse explosion-proof exhaust fan", wh, None, 194, 152, STOR
        ),
    ]
    return out


DEMO_POINTS: tuple[DemoPoint, ...] = tuple(
    _tank_farm() + _loading() + _process_unit() + _utilities() + _warehouse()
)
POINTS_BY_TAG: dict[str, DemoPoint] = {p.tag: p for p in DEMO_POINTS}
