"""The cancellation approval flow (取消审批, AQ 3064.2-2025 §5.7): from the approved booking on, the work
leader cannot cancel; he files a request with a reason, the safety office is notified and rejects it
(a note required) or approves it, which revokes the permit with the request's reason; the requester
may withdraw a pending request; a manager's direct cancellation settles a pending request."""

from __future__ import annotations

from typing import Any

from tests.permits.support import PM, act, new_permit

INBOX = "/api/v1/notify/inbox"


async def _approved_booking(safety: Any, people: dict[str, int]) -> int:
    pid = int((await new_permit(safety, people))["id"])
    for action in ("submit_booking", "approve_booking"):
        assert (await act(safety, pid, action)).status_code == 200
    return pid


async def _inbox(client: Any, category: str) -> list[dict[str, Any]]:
    items = (await client.get(INBOX, params={"page_size": 100})).json()["items"]
    return [i for i in items if i["category"] == category]


async def test_request_reject_then_approve(app: Any, world: Any) -> None:
    callers, _, people = world
    safety, leader = await callers("safety"), await callers("leader")
    pid = await _approved_booking(safety, people)
    # the work leader may not cancel an approved booking himself
    r = await act(leader, pid, "cancel", reason="设备检修计划推迟")
    assert r.status_code == 403 and r.json()["code"] == "permits.cancellation_needs_approval"
    # a reason is required; a bad request changes nothing
    r = await leader.post(f"{PM}/{pid}/cancel-requests", json={"reason": " "})
    assert r.status_code == 422
    assert (await safety.get(f"{PM}/{pid}/cancel-requests")).json() == []
    r = await leader.post(f"{PM}/{pid}/cancel-requests", json={"reason": "设备检修计划推迟"})
    assert r.status_code == 201, r.text
    assert (r.json()["state"], r.json()["requested_by"]) == ("pending", "leader")
    r = await leader.post(f"{PM}/{pid}/cancel-requests", json={"reason": "再次申请"})
    assert r.status_code == 409 and r.json()["code"] == "permits.cancel_request_pending"
    body = (await safety.get(f"{PM}/{pid}")).json()
    assert body["cancel_request"]["reason"] == "设备检修计划推迟"
    assert body["timeline"][-1]["action"] == "cancel_requested"
    # the safety office is told
    told = await _inbox(safety, "permits.cancel_requested")
    assert [i["link"] for i in told] == [f"/permits/{pid}"]

    # deciding needs permits.manage; rejecting needs a note
    r = await leader.post(f"{PM}/{pid}/cancel-requests/decision", json={"decision": "approve"})
    assert r.status_code == 403
    r = await safety.post(f"{PM}/{pid}/cancel-requests/decision", json={"decision": "reject"})
    assert r.status_code == 422 and r.json()["code"] == "permits.reason_required"
    r = await safety.post(
        f"{PM}/{pid}/cancel-requests/decision",
        json={"decision": "reject", "note": "检修窗口不变，按计划作业"},
    )
    assert r.status_code == 200 and r.json()["state"] == "rejected"
    body = (await safety.get(f"{PM}/{pid}")).json()
    assert (body["state"], body["cancel_request"]) == ("booking_approved", None)
    assert [i["title"] for i in await _inbox(leader, "permits.cancel_decided")] != []

    # asked again, approved: revoked with the request's reason
    r = await leader.post(f"{PM}/{pid}/cancel-requests", json={"reason": "装置停车，作业取消"})
    assert r.status_code == 201
    r = await safety.post(f"{PM}/{pid}/cancel-requests/decision", json={"decision": "approve"})
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["decided_by"]) == ("approved", "safety")
    body = (await safety.get(f"{PM}/{pid}")).json()
    assert (body["state"], body["cancel_cause"], body["cancel_request"]) == (
        "revoked",
        "装置停车，作业取消",
        None,
    )
    assert body["ticket_status"] == "5"  # 表A.1 撤销
    assert [t["action"] for t in body["timeline"][-4:]] == [
        "cancel_requested", "cancel_rejected", "cancel_requested", "cancel",
    ]  # fmt: skip
    states = [x["state"] for x in (await safety.get(f"{PM}/{pid}/cancel-requests")).json()]
    assert states == ["approved", "rejected"]
    # nothing left to decide
    r = await safety.post(f"{PM}/{pid}/cancel-requests/decision", json={"decision": "approve"})
    assert r.status_code == 404 and r.json()["code"] == "permits.no_cancel_request"


async def test_requests_only_where_approval_is_needed(app: Any, world: Any) -> None:
    callers, _, people = world
    safety, leader = await callers("safety"), await callers("leader")
    draft = int((await new_permit(safety, people))["id"])
    r = await leader.post(f"{PM}/{draft}/cancel-requests", json={"reason": "不需要了"})
    assert r.status_code == 409 and r.json()["code"] == "permits.cancel_request_bad_state"
    # a draft is cancelled directly with a reason
    assert (await act(safety, draft, "cancel", reason="不需要了")).status_code == 200
    r = await leader.post(f"{PM}/{draft}/cancel-requests", json={"reason": "不需要了"})
    assert r.status_code == 409


async def test_withdraw_and_direct_cancellation(app: Any, world: Any) -> None:
    callers, _, people = world
    safety, leader = await callers("safety"), await callers("leader")
    pid = await _approved_booking(safety, people)
    assert (await leader.post(f"{PM}/{pid}/cancel-requests", json={"reason": "天气原因"})).status_code == 201
    # only the requester withdraws
    r = await safety.delete(f"{PM}/{pid}/cancel-requests/pending")
    assert r.status_code == 403 and r.json()["code"] == "permits.not_your_cancel_request"
    assert (await leader.delete(f"{PM}/{pid}/cancel-requests/pending")).status_code == 204
    assert (await leader.delete(f"{PM}/{pid}/cancel-requests/pending")).status_code == 404
    body = (await safety.get(f"{PM}/{pid}")).json()
    assert (body["state"], body["cancel_request"]) == ("booking_approved", None)
    assert body["timeline"][-1]["action"] == "cancel_withdrawn"

    # pending again; the manager cancels directly: the request is settled as approved by him
    assert (await leader.post(f"{PM}/{pid}/cancel-requests", json={"reason": "天气原因"})).status_code == 201
    assert (await act(safety, pid, "cancel", reason="大风停止作业")).status_code == 200
    rows = (await safety.get(f"{PM}/{pid}/cancel-requests")).json()
    assert [(x["state"], x["decided_by"]) for x in rows] == [("approved", "safety"), ("withdrawn", "leader")]
    assert (await safety.get(f"{PM}/{pid}")).json()["cancel_cause"] == "大风停止作业"
