"""The permit transition table enumerated: every (state, action) pair is allowed with its target and
guard, or refused; TICKET_STATUS at the exchange boundary; booking (AQ 3064.2-2025 §5.3.1)."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta

import pytest

from anguan.permits import rules
from anguan.permits.reference import ALARMS, TICKET_STATUS
from anguan.permits.rules import PLANT_TZ, PermitInputError
from anguan.permits.workflow import (
    GUARDS,
    TERMINAL,
    TICKET_STATUS_OF,
    TRANSITIONS,
    Action,
    State,
    actions_from,
    booking_ok,
    ticket_status,
    transition,
)

S, A = State, Action

# Written out independently of workflow.TRANSITIONS: the specification of requirements §2.11.
EXPECTED: dict[tuple[State, Action], tuple[State, str]] = {
    (S.DRAFT, A.SUBMIT_BOOKING): (S.BOOKED, "booking_ok"),
    (S.DRAFT, A.CANCEL): (S.REVOKED, "reason_given"),
    (S.BOOKED, A.APPROVE_BOOKING): (S.BOOKING_APPROVED, "booking_approver"),
    (S.BOOKED, A.REJECT_BOOKING): (S.DRAFT, "reason_given"),
    (S.BOOKED, A.CANCEL): (S.REVOKED, "reason_given"),
    (S.BOOKING_APPROVED, A.APPLY): (S.APPLYING, "application_complete"),
    (S.BOOKING_APPROVED, A.CANCEL): (S.REVOKED, "cancellation_approved"),
    (S.APPLYING, A.SUBMIT_FOR_SIGNING): (S.SIGNING, "signing_ready"),
    (S.APPLYING, A.CANCEL): (S.REVOKED, "cancellation_approved"),
    (S.SIGNING, A.SIGN): (S.SIGNING, "may_sign_on_site"),
    (S.SIGNING, A.REJECT_SIGNING): (S.APPLYING, "reason_given"),
    (S.SIGNING, A.ISSUE): (S.ISSUED, "all_signed"),
    (S.SIGNING, A.CANCEL): (S.REVOKED, "cancellation_approved"),
    (S.ISSUED, A.SIGN): (S.ISSUED, "may_sign_on_site"),
    (S.ISSUED, A.START): (S.IN_PROGRESS, "start_ready"),
    (S.ISSUED, A.CANCEL): (S.REVOKED, "cancellation_approved"),
    (S.ISSUED, A.VOID): (S.VOIDED, "void_reason"),
    (S.ISSUED, A.CLOSE_FOR_REISSUE): (S.CLOSED_FOR_REISSUE, "reissue_trigger"),
    (S.IN_PROGRESS, A.PAUSE): (S.PAUSED, "reason_given"),
    (S.IN_PROGRESS, A.SUSPEND): (S.PAUSED, "none"),
    (S.IN_PROGRESS, A.FINISH): (S.ACCEPTANCE_PENDING, "finish_ready"),
    (S.IN_PROGRESS, A.VOID): (S.VOIDED, "void_reason"),
    (S.IN_PROGRESS, A.CLOSE_FOR_REISSUE): (S.CLOSED_FOR_REISSUE, "reissue_trigger"),
    (S.PAUSED, A.RESUME): (S.IN_PROGRESS, "resume_ready"),
    (S.PAUSED, A.VOID): (S.VOIDED, "void_reason"),
    (S.PAUSED, A.CLOSE_FOR_REISSUE): (S.CLOSED_FOR_REISSUE, "reissue_trigger"),
    (S.ACCEPTANCE_PENDING, A.ACCEPT): (S.ACCEPTED, "acceptance_signed"),
    (S.ACCEPTANCE_PENDING, A.REJECT_ACCEPTANCE): (S.IN_PROGRESS, "within_validity"),
}

PAIRS = [
    pytest.param(s, a, id=f"{s.value}-{a.value}-{'ok' if (s, a) in EXPECTED else 'refused'}")
    for s, a in itertools.product(State, Action)
]


@pytest.mark.parametrize(("state", "action"), PAIRS)
def test_every_pair_is_allowed_or_refused(state: State, action: Action) -> None:
    if (state, action) in EXPECTED:
        assert transition(state, action) == EXPECTED[(state, action)]
    else:
        with pytest.raises(PermitInputError) as err:
            transition(state, action)
        assert err.value.code == "permits.bad_transition"
        assert err.value.params == {"state": state.value, "action": action.value}


def test_the_table_is_exactly_the_specification() -> None:
    assert {(t.source, t.action): (t.target, t.guard) for t in TRANSITIONS} == EXPECTED
    assert len(TRANSITIONS) == len(EXPECTED)  # no duplicate (state, action)


def test_states_and_actions_as_strings() -> None:
    assert transition("draft", "submit_booking") == (S.BOOKED, "booking_ok")
    for bad_state, bad_action, code in (
        ("nowhere", "sign", "permits.unknown_state"),
        ("draft", "explode", "permits.unknown_action"),
    ):
        with pytest.raises(PermitInputError) as err:
            transition(bad_state, bad_action)
        assert err.value.code == code


def test_terminal_states_take_no_action() -> None:
    assert frozenset({S.ACCEPTED, S.REVOKED, S.VOIDED, S.CLOSED_FOR_REISSUE}) == TERMINAL
    for s in TERMINAL:
        assert actions_from(s) == []
    for s in set(State) - TERMINAL:
        assert actions_from(s), s


def test_every_state_is_reachable_and_can_end() -> None:
    reach = {S.DRAFT}
    frontier = [S.DRAFT]
    while frontier:
        cur = frontier.pop()
        for t in TRANSITIONS:
            if t.source == cur and t.target not in reach:
                reach.add(t.target)
                frontier.append(t.target)
    assert reach == set(State)
    for s in State:
        seen, todo = {s}, [s]
        while todo:
            cur = todo.pop()
            for t in TRANSITIONS:
                if t.source == cur and t.target not in seen:
                    seen.add(t.target)
                    todo.append(t.target)
        assert seen & TERMINAL, s


def test_happy_path_book_to_accept() -> None:
    state = S.DRAFT
    for action in (
        A.SUBMIT_BOOKING,
        A.APPROVE_BOOKING,
        A.APPLY,
        A.SUBMIT_FOR_SIGNING,
        A.SIGN,
        A.SIGN,
        A.ISSUE,
        A.SIGN,  # the shift leader's ticket check (表A.1)
        A.START,
        A.PAUSE,
        A.RESUME,
        A.FINISH,
        A.ACCEPT,
    ):
        state, _ = transition(state, action)
    assert state == S.ACCEPTED
    assert ticket_status(state) == "3"


def test_guards_and_events_are_defined() -> None:
    for t in TRANSITIONS:
        assert t.guard in GUARDS, t
        assert re.fullmatch(r"permits\.[a-z_]+", t.event), t
    for name, guard in GUARDS.items():
        assert guard.zh and guard.en and guard.clause, name
        for fn in guard.rules:
            assert callable(getattr(rules, fn, None)), (name, fn)
        assert set(guard.alarms) <= set(ALARMS), name
    assert {t.guard for t in TRANSITIONS} == set(GUARDS)  # no unused guard


@pytest.mark.parametrize(
    ("state", "status"),
    [
        pytest.param(S.DRAFT, "0", id="表A.1 draft 0 未签发"),
        pytest.param(S.BOOKED, "0", id="表A.1 booked 0 未签发"),
        pytest.param(S.BOOKING_APPROVED, "0", id="表A.1 booking approved 0 未签发"),
        pytest.param(S.APPLYING, "0", id="表A.1 applying 0 未签发"),
        pytest.param(S.SIGNING, "0", id="表A.1 signing 0 未签发"),
        pytest.param(S.ISSUED, "1", id="表A.1 issued 1 已签发"),
        pytest.param(S.IN_PROGRESS, "2", id="表A.1 in progress 2 作业中"),
        pytest.param(S.ACCEPTANCE_PENDING, "2", id="表A.1 [D] acceptance pending 2 作业中"),
        pytest.param(S.ACCEPTED, "3", id="表A.1 accepted 3 已验收"),
        pytest.param(S.VOIDED, "4", id="表A.1 voided 4 作废"),
        pytest.param(S.CLOSED_FOR_REISSUE, "4", id="表A.1 [D] closed for reissue 4 作废"),
        pytest.param(S.REVOKED, "5", id="表A.1 revoked 5 撤销"),
        pytest.param(S.PAUSED, "6", id="表A.1 paused 6 暂停"),
    ],
)
def test_ticket_status(state: State, status: str) -> None:
    assert ticket_status(state) == status
    assert ticket_status(state.value) == status


def test_every_state_has_a_ticket_status() -> None:
    assert set(TICKET_STATUS_OF) == set(State)
    assert set(TICKET_STATUS_OF.values()) == set(TICKET_STATUS)  # every code 0–6 is used


# ------------------------------------------------------------------ booking, AQ 3064.2-2025 §5.3.1


def local(d: int, h: int, mi: int = 0, s: int = 0) -> datetime:
    return datetime(2027, 3, d, h, mi, s, tzinfo=PLANT_TZ)


@pytest.mark.parametrize(
    ("booked", "start", "emergency", "ok"),
    [
        pytest.param(
            local(10, 23, 59, 59), local(11, 0), False, True, id="AQ 5.3.1 23:59:59 for 00:00 next day"
        ),
        pytest.param(local(10, 8), local(11, 8), False, True, id="AQ 5.3.1 a day ahead"),
        pytest.param(local(10, 0), local(10, 23, 59), False, False, id="AQ 5.3.1 same plant date refused"),
        pytest.param(local(10, 8), local(10, 18), True, True, id="AQ 5.3.1 emergency same day"),
        pytest.param(local(10, 8), local(10, 8), True, True, id="AQ 5.3.1 emergency starting now"),
        pytest.param(
            local(10, 8), local(10, 8) - timedelta(seconds=1), True, False, id="AQ 5.3.1 never in the past"
        ),
        pytest.param(local(11, 8), local(10, 8), False, False, id="AQ 5.3.1 start before booking"),
        pytest.param(
            datetime(2027, 3, 10, 15, 59, 59, tzinfo=UTC),
            datetime(2027, 3, 10, 16, 0, tzinfo=UTC),
            False,
            True,
            id="AQ 5.3.1 plant dates, not UTC dates (next plant day)",
        ),
        pytest.param(
            datetime(2027, 3, 10, 16, 0, tzinfo=UTC),
            datetime(2027, 3, 11, 15, 0, tzinfo=UTC),
            False,
            False,
            id="AQ 5.3.1 plant dates, not UTC dates (same plant day)",
        ),
    ],
)
def test_booking_ok(booked: datetime, start: datetime, emergency: bool, ok: bool) -> None:
    assert booking_ok(booked, start, emergency) is ok


def test_booking_refuses_naive_times() -> None:
    with pytest.raises(PermitInputError) as err:
        booking_ok(datetime(2027, 3, 10, 8), local(11, 8), False)
    assert err.value.code == "permits.naive_datetime"
