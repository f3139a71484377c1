"""Demo points of the utilities (公用工程) and the warehouse (仓库) areas (part of `points`)."""

from __future__ import annotations

from anguan.simulator.point_builders import (
    STOR,
    SYN,
    DemoPoint,
    _combustible,
    _oxygen,
    _process,
    _run_status,
    _toxic,
)


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
