"""The demo point type and its builders per instrument family (used by `points`)."""

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
