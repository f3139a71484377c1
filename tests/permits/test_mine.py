"""The caller's own work (AQ 3064.2-2025 §5.12: pending and approved counts per user): the permits whose
next step the caller may sign now, by role, by being the work leader, or by a delegation in force, and
their signing and applying counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.permits.support import NOW, act, new_permit
from tests.permits.test_api_flow import SAME_DAY
from tests.permits.test_config import CFG, _to_signing, _user_id

MINE = "/api/v1/permits-ledger/mine"


async def _mine(client: Any) -> dict[str, Any]:
    r = await client.get(MINE)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_what_waits_for_whom(app: Any, world: Any) -> None:
    callers, _, people = world
    safety, leader = await callers("safety"), await callers("leader")
    before_leader, before_safety = await _mine(leader), await _mine(safety)
    # 一级动火: 作业负责人 (刘强, login leader) → 所在单位 (leader) → 安全管理部门 (safety) → …
    pid = (await new_permit(safety, people, grade="1", **SAME_DAY))["id"]
    assert (await _mine(safety))["applied_month"] == before_safety["applied_month"] + 1
    assert pid not in {w["id"] for w in (await _mine(leader))["waiting"]}  # still a draft
    await _to_signing(safety, pid, people)

    mine = await _mine(leader)
    row = next(w for w in mine["waiting"] if w["id"] == pid)
    assert (row["step"], row["step_zh"], row["state"]) == ("work_leader", "作业负责人意见", "signing")
    assert mine["waiting_count"] == before_leader["waiting_count"] + 1
    assert pid not in {w["id"] for w in (await _mine(safety))["waiting"]}  # not the safety office's turn

    for _ in range(2):
        assert (await act(leader, pid, "sign", opinion="同意")).status_code == 200
    mine = await _mine(leader)
    assert pid not in {w["id"] for w in mine["waiting"]}
    assert (mine["signed_month"], mine["signed_total"]) == (
        before_leader["signed_month"] + 2,
        before_leader["signed_total"] + 2,
    )
    assert next(w for w in (await _mine(safety))["waiting"] if w["id"] == pid)["step"] == "safety_dept"

    # delegated to the shift leader for an hour: it waits for him too
    period = {"valid_from": NOW.isoformat(), "valid_until": (NOW + timedelta(hours=1)).isoformat()}
    r = await safety.post(
        f"{CFG}/delegations",
        json={"to_user_id": await _user_id(app, "leader"), "role": "safety_dept", **period},
    )
    assert r.status_code == 201, r.text
    assert next(w for w in (await _mine(leader))["waiting"] if w["id"] == pid)["step"] == "safety_dept"
