"""Dynamic risk colour (provisional model, requirements §4.6 [D]) at its thresholds."""

from __future__ import annotations

import pytest

from anguan.hazards.reference import RISK_MODEL_V1
from anguan.hazards.rules import Modifier, risk_colour


def alarm(priority: str, n: int = 1) -> list[Modifier]:
    return [Modifier("alarm", priority, f"GT-10{i} {priority}") for i in range(n)]


@pytest.mark.parametrize(
    ("grade", "modifiers", "colour", "dynamic", "points"),
    [
        (None, [], "blue", "blue", 0.0),  # not a major hazard, nothing live
        (4, [], "blue", "blue", 0.0),
        (3, [], "blue", "blue", 0.0),
        (2, [], "yellow", "blue", 0.0),  # inherent colour stands alone
        (1, [], "orange", "blue", 0.0),
        (3, alarm("low"), "blue", "blue", 0.5),  # below the yellow threshold
        (3, alarm("low", 2), "yellow", "yellow", 1.0),  # exactly 1 point: yellow
        (3, alarm("medium"), "yellow", "yellow", 1.0),
        (3, alarm("high"), "orange", "orange", 2.0),  # exactly 2: orange
        (3, alarm("urgent"), "red", "red", 3.0),  # exactly 3: red
        (3, alarm("high") + alarm("medium"), "red", "red", 3.0),
        (1, alarm("medium"), "orange", "yellow", 1.0),  # inherent orange outranks dynamic yellow
        (3, [Modifier("bypass", "", "IS-102 旁路")], "yellow", "yellow", 1.0),
        (3, [Modifier("bypass_overdue", "", "IS-203 旁路超期")], "orange", "orange", 2.0),
        (3, [Modifier("status", "maintenance", "检修")], "yellow", "yellow", 1.0),
        (3, [Modifier("status", "in_use", "在用")], "blue", "blue", 0.0),
        (
            3,
            [Modifier("monitoring_loss", "", "20 个位号数据中断")],
            "yellow",
            "yellow",
            1.0,
        ),  # once, however many
        (3, [Modifier("duty_overdue", "", "3 项包保任务逾期")], "yellow", "yellow", 1.0),
        (3, [Modifier("finding_overdue", "general", "一般督导检查问题逾期")], "yellow", "yellow", 1.0),
        (3, [Modifier("finding_overdue", "major", "重大督导检查问题逾期")], "orange", "orange", 2.0),
        (1, [Modifier("finding_overdue", "major", "重大督导检查问题逾期")], "orange", "orange", 2.0),
    ],
)
def test_colour_at_the_thresholds(
    grade: int | None, modifiers: list[Modifier], colour: str, dynamic: str, points: float
) -> None:
    r = risk_colour(grade, modifiers)
    assert (r.colour, r.dynamic, r.points) == (colour, dynamic, points)
    assert r.model_version == RISK_MODEL_V1.version and "provisional" in r.model_version


def test_reasons_largest_first_and_raised_flag() -> None:
    r = risk_colour(3, [*alarm("medium"), Modifier("bypass_overdue", "", "IS-203 旁路超期"), *alarm("low")])
    assert [p for _, p, _ in r.reasons] == [2.0, 1.0, 0.5]
    assert r.reasons[0][0] == "IS-203 旁路超期"
    assert r.raised
    assert not risk_colour(1, alarm("medium")).raised  # dynamic yellow under inherent orange


def test_unknown_modifier_is_refused() -> None:
    with pytest.raises(ValueError):
        risk_colour(3, [Modifier("weather", "", "台风")])


def test_the_model_is_labelled_provisional() -> None:
    assert RISK_MODEL_V1.label_zh == "临时模型——非国家预警模型"
    assert RISK_MODEL_V1.label_en.startswith("Provisional")
