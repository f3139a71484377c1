"""The permit life cycle (AQ 3064.2-2025 §5.3–5.8; requirements §2.11) as an explicit transition table. Pure.

Each transition names its guard: a string id the service resolves with the rules of `rules.py` and
the data it holds (GUARDS says what each one checks). The state maps to AQ 3064.2-2025 表A.1
TICKET_STATUS at the exchange boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from anguan.permits.rules import PermitInputError, booking_ok

__all__ = [
    "GUARDS",
    "TERMINAL",
    "TICKET_STATUS_OF",
    "TRANSITIONS",
    "Action",
    "Guard",
    "State",
    "Transition",
    "actions_from",
    "booking_ok",
    "ticket_status",
    "transition",
]


class State(StrEnum):
    """Where a permit stands."""

    DRAFT = "draft"  # 草稿
    BOOKED = "booked"  # 预约待批
    BOOKING_APPROVED = "booking_approved"  # 预约已批准
    APPLYING = "applying"  # 申请（风险辨识、气体分析、作业危害分析、措施确认、安全交底）
    SIGNING = "signing"  # 签批中
    ISSUED = "issued"  # 已签发
    IN_PROGRESS = "in_progress"  # 作业中
    PAUSED = "paused"  # 暂停
    ACCEPTANCE_PENDING = "acceptance_pending"  # 待验收
    ACCEPTED = "accepted"  # 已验收
    REVOKED = "revoked"  # 撤销
    VOIDED = "voided"  # 作废
    CLOSED_FOR_REISSUE = "closed_for_reissue"  # 关闭并重新办理 (GB 30871-2022 §4.16/§4.17)


class Action(StrEnum):
    """What a person (or the system, for suspend) does to a permit."""

    SUBMIT_BOOKING = "submit_booking"
    APPROVE_BOOKING = "approve_booking"
    REJECT_BOOKING = "reject_booking"
    APPLY = "apply"
    SUBMIT_FOR_SIGNING = "submit_for_signing"
    SIGN = "sign"
    REJECT_SIGNING = "reject_signing"
    ISSUE = "issue"
    START = "start"
    PAUSE = "pause"
    SUSPEND = "suspend"
    RESUME = "resume"
    FINISH = "finish"
    ACCEPT = "accept"
    REJECT_ACCEPTANCE = "reject_acceptance"
    CANCEL = "cancel"
    VOID = "void"
    CLOSE_FOR_REISSUE = "close_for_reissue"


@dataclass(frozen=True)
class Guard:
    """What the service must check before a transition, and the rules and alarms involved."""

    zh: str
    en: str
    clause: str
    rules: tuple[str, ...] = ()  # functions of anguan.permits.rules it uses
    alarms: tuple[str, ...] = ()  # 表A.4 codes raised when it fails


GUARDS: dict[str, Guard] = {
    "booking_ok": Guard(
        "预约提前一天以上，或紧急作业当日预约；预约内容完整",
        "Booked at least a day ahead, or an emergency same-day booking; booking complete",
        "AQ 3064.2-2025 §5.3.1",
        ("booking_ok",),
    ),
    "booking_approver": Guard(
        "预约审批人有权批准", "The booking approver holds the right", "AQ 3064.2-2025 §5.3.1"
    ),
    "reason_given": Guard("已填写原因", "A reason is given", "AQ 3064.2-2025 §5.7"),
    "application_complete": Guard(
        "申请信息完整：作业人员已录入，相关作业票已关联",
        "Application complete: workers entered, related permits linked",
        "AQ 3064.2-2025 §5.3.2; GB 30871-2022 §4.6",
    ),
    "signing_ready": Guard(
        "风险辨识、气体分析（≤30 min 且合格）、措施确认、安全交底、人员资质、关联作业票均满足；盲板抽堵一票一板一动作，同一管道无其他盲板作业",
        "Risk analysis, gas analysis (≤ 30 min and passed), measures, briefing, certificates and related "
        "permits all in order; blinding: one blind and one action, no other blinding on the pipeline",
        "AQ 3064.2-2025 §5.4.3–5.4.5; GB 30871-2022 §4.1, §4.4, §4.6, §4.9, §5.3, §6.4, §7.10, §7.11",
        (
            "signing_blockers",
            "gas_result_ok",
            "blind_permit_problems",
            "pipeline_conflicts",
            "not_upgraded_alarms",
            "validity_ok",
        ),
        (
            "0/01",
            "0/02",
            "2/20",
            "4/40",
            "4/41",
            "4/42",
            "4/43",
            "5/50",
            "5/51",
            "5/52",
            "6/61",
            "6/62",
            "7/70",
            "8/80",
            "9/90",
        ),
    ),
    "may_sign_on_site": Guard(
        "签字人是当前步骤的签批人（或其受托人），且经定位确认在作业现场",
        "The signer holds the current step (or its delegation) and positioning shows them on site",
        "GB 30871-2022 §4.11; AQ 3064.2-2025 §5.5.2–5.5.3",
        ("next_step", "may_sign"),
        ("3/30",),
    ),
    "all_signed": Guard(
        "签发前的全部签批步骤已按顺序完成",
        "Every step before issue is signed, in order",
        "GB 30871-2022 表B.1; AQ 3064.2-2025 §5.5.1",
        ("phase_complete",),
    ),
    "start_ready": Guard(
        "动火前当班班长已验票；气体分析不超过30 min；在有效期内；监护人在岗",
        "Shift leader's ticket check done (hot work); gas analysis ≤ 30 min old; within validity; guardian on post",
        "GB 30871-2022 表A.1, §4.10, §5.3.1 c, §6.3 a; AQ 3064.2-2025 §5.4.3",
        ("phase_complete", "gas_fresh", "permit_overtime", "guardian_overloaded"),
        ("0/01", "0/02", "1/10", "3/31"),
    ),
    "resume_ready": Guard(
        "中断超时已重新气体分析；跨日作业已进行当日气体分析；在有效期内；高处作业已重新确认环境和措施",
        "A new gas analysis after a long interruption and on each new day; within validity; work at height: "
        "environment and measures re-confirmed",
        "GB 30871-2022 §5.3.1 d, §6.3 f, §8.2.11; AQ 3064.2-2025 §5.8, §5.9.1–5.9.2",
        ("retest_needed", "daily_retest_missing", "gas_fresh", "gas_result_ok", "permit_overtime"),
        ("0/03", "0/04", "1/10"),
    ),
    "none": Guard(
        "无条件（系统触发：监护人离岗、气体超限等）",
        "Unconditional (raised by the system: guardian off post, gas over its limit …)",
        "GB 30871-2022 §4.8, §4.10 e; AQ 3064.2-2025 §5.6",
    ),
    "finish_ready": Guard(
        "作业完成；受限空间人员与工器具出入登记清点相符",
        "Work done; confined space: people and tools counted out as in",
        "GB 30871-2022 §6.8 c; AQ 3064.2-2025 §5.6.6",
    ),
    "acceptance_signed": Guard(
        "完工验收已签字，现场恢复（无余火、盖板护栏恢复、线路拆除、回填、道路恢复等）",
        "Completion acceptance signed; site restored (no embers, covers and rails back, lines removed, backfilled, road reopened)",
        "GB 30871-2022 §4.14, §4.15, §5.2.14, §9.2.14, §10.8, §11.11, §12.5; AQ 3064.2-2025 §5.7",
        ("phase_complete",),
    ),
    "within_validity": Guard(
        "仍在有效期内", "Still within validity", "GB 30871-2022 §4.16", ("permit_overtime",), ("1/10",)
    ),
    "cancellation_approved": Guard(
        "已填写取消原因且取消审批通过（安全管理部门直接取消，或批准作业负责人的取消申请）",
        "A cancellation reason is given and the cancellation approved (the safety office cancels, or "
        "approves the applicant's cancellation request: permits/cancel_api.py)",
        "AQ 3064.2-2025 §5.7",
    ),
    "void_reason": Guard(
        "作废原因（过期未用、违章收回等）",
        "A void reason (expired unused, withdrawn for a violation …)",
        "GB 30871-2022 §4.10 e; AQ 3064.2-2025 §5.7",
    ),
    "reissue_trigger": Guard(
        "作业内容变更、范围扩大、地点变更、超过有效期，或工艺条件、作业条件、作业方式、环境变化",
        "Content changed, scope grown, location moved, validity passed, or process, conditions, method or "
        "environment changed",
        "GB 30871-2022 §4.16, §4.17; AQ 3064.2-2025 §5.8",
    ),
}


@dataclass(frozen=True)
class Transition:
    """One allowed (state, action) pair, its target, its guard and the domain event it emits."""

    source: State
    action: Action
    target: State
    guard: str
    event: str


S, A = State, Action

TRANSITIONS: tuple[Transition, ...] = (
    # Booking (预约), AQ 3064.2-2025 §5.3.1.
    Transition(S.DRAFT, A.SUBMIT_BOOKING, S.BOOKED, "booking_ok", "permits.booked"),
    Transition(
        S.BOOKED, A.APPROVE_BOOKING, S.BOOKING_APPROVED, "booking_approver", "permits.booking_approved"
    ),
    Transition(S.BOOKED, A.REJECT_BOOKING, S.DRAFT, "reason_given", "permits.booking_rejected"),
    # Application and pre-start analysis (申请、风险辨识管控), §5.3.2, §5.4.
    Transition(S.BOOKING_APPROVED, A.APPLY, S.APPLYING, "application_complete", "permits.applied"),
    Transition(S.APPLYING, A.SUBMIT_FOR_SIGNING, S.SIGNING, "signing_ready", "permits.submitted"),
    # On-site signing in 表B.1 order (现场签批), §5.5; an approver may send it back.
    Transition(S.SIGNING, A.SIGN, S.SIGNING, "may_sign_on_site", "permits.signed"),
    Transition(S.SIGNING, A.REJECT_SIGNING, S.APPLYING, "reason_given", "permits.signing_rejected"),
    Transition(S.SIGNING, A.ISSUE, S.ISSUED, "all_signed", "permits.issued"),
    # The shift leader's ticket check before hot work (表A.1) is a signature after issue.
    Transition(S.ISSUED, A.SIGN, S.ISSUED, "may_sign_on_site", "permits.signed"),
    Transition(S.ISSUED, A.START, S.IN_PROGRESS, "start_ready", "permits.started"),
    # Process supervision (过程监护), §5.6, §5.8: pause by a person, suspend by the system.
    Transition(S.IN_PROGRESS, A.PAUSE, S.PAUSED, "reason_given", "permits.paused"),
    Transition(S.IN_PROGRESS, A.SUSPEND, S.PAUSED, "none", "permits.suspended"),
    Transition(S.PAUSED, A.RESUME, S.IN_PROGRESS, "resume_ready", "permits.resumed"),
    # Completion and acceptance (取消与验收), §5.7; GB 30871-2022 §4.15.
    Transition(S.IN_PROGRESS, A.FINISH, S.ACCEPTANCE_PENDING, "finish_ready", "permits.finished"),
    Transition(S.ACCEPTANCE_PENDING, A.ACCEPT, S.ACCEPTED, "acceptance_signed", "permits.accepted"),
    Transition(
        S.ACCEPTANCE_PENDING,
        A.REJECT_ACCEPTANCE,
        S.IN_PROGRESS,
        "within_validity",
        "permits.acceptance_rejected",
    ),
    # Cancellation with a reason (取消): before the work starts. Drafts and unapproved bookings need
    # only a reason; later states the cancellation flow of §5.7.
    Transition(S.DRAFT, A.CANCEL, S.REVOKED, "reason_given", "permits.revoked"),
    Transition(S.BOOKED, A.CANCEL, S.REVOKED, "reason_given", "permits.revoked"),
    Transition(S.BOOKING_APPROVED, A.CANCEL, S.REVOKED, "cancellation_approved", "permits.revoked"),
    Transition(S.APPLYING, A.CANCEL, S.REVOKED, "cancellation_approved", "permits.revoked"),
    Transition(S.SIGNING, A.CANCEL, S.REVOKED, "cancellation_approved", "permits.revoked"),
    Transition(S.ISSUED, A.CANCEL, S.REVOKED, "cancellation_approved", "permits.revoked"),
    # Void (作废): an issued permit expired unused, or withdrawn for a violation (GB 30871-2022 §4.10 e).
    Transition(S.ISSUED, A.VOID, S.VOIDED, "void_reason", "permits.voided"),
    Transition(S.IN_PROGRESS, A.VOID, S.VOIDED, "void_reason", "permits.voided"),
    Transition(S.PAUSED, A.VOID, S.VOIDED, "void_reason", "permits.voided"),
    # Change management (变更管理): close and re-issue, GB 30871-2022 §4.16/§4.17, AQ §5.8.
    Transition(
        S.ISSUED, A.CLOSE_FOR_REISSUE, S.CLOSED_FOR_REISSUE, "reissue_trigger", "permits.closed_for_reissue"
    ),
    Transition(
        S.IN_PROGRESS,
        A.CLOSE_FOR_REISSUE,
        S.CLOSED_FOR_REISSUE,
        "reissue_trigger",
        "permits.closed_for_reissue",
    ),
    Transition(
        S.PAUSED, A.CLOSE_FOR_REISSUE, S.CLOSED_FOR_REISSUE, "reissue_trigger", "permits.closed_for_reissue"
    ),
)
_TABLE: dict[tuple[State, Action], Transition] = {(t.source, t.action): t for t in TRANSITIONS}

TERMINAL: frozenset[State] = frozenset({S.ACCEPTED, S.REVOKED, S.VOIDED, S.CLOSED_FOR_REISSUE})

# AQ 3064.2-2025 表A.1 TICKET_STATUS of each state.
# [D] ACCEPTANCE_PENDING → 2 作业中: the permit stays open until 完工验收 (CHECKED_TIME is the
# acceptance time). CLOSED_FOR_REISSUE → 4 作废 with IS_CHANGED = 1 and CHANGED_CAUSE: the permit is
# no longer valid and a new one replaces it.
TICKET_STATUS_OF: dict[State, str] = {
    S.DRAFT: "0",
    S.BOOKED: "0",
    S.BOOKING_APPROVED: "0",
    S.APPLYING: "0",
    S.SIGNING: "0",
    S.ISSUED: "1",
    S.IN_PROGRESS: "2",
    S.ACCEPTANCE_PENDING: "2",
    S.ACCEPTED: "3",
    S.VOIDED: "4",
    S.CLOSED_FOR_REISSUE: "4",
    S.REVOKED: "5",
    S.PAUSED: "6",
}


def _state(state: State | str) -> State:
    try:
        return State(state)
    except ValueError:
        raise PermitInputError("permits.unknown_state", state=str(state)[:40]) from None


def _action(action: Action | str) -> Action:
    try:
        return Action(action)
    except ValueError:
        raise PermitInputError("permits.unknown_action", action=str(action)[:40]) from None


def transition(state: State | str, action: Action | str) -> tuple[State, str]:
    """The target state and the guard id of an allowed (state, action); "permits.bad_transition" otherwise."""
    s, a = _state(state), _action(action)
    t = _TABLE.get((s, a))
    if t is None:
        raise PermitInputError("permits.bad_transition", state=s.value, action=a.value)
    return t.target, t.guard


def actions_from(state: State | str) -> list[Action]:
    """The actions allowed in a state, in table order (for the UI's buttons)."""
    s = _state(state)
    return [t.action for t in TRANSITIONS if t.source == s]


def ticket_status(state: State | str) -> str:
    """AQ 3064.2-2025 表A.1 TICKET_STATUS (0 未签发 … 6 暂停) of a state."""
    return TICKET_STATUS_OF[_state(state)]
