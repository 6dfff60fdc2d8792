"""A-2 matching, A-6 proxy punching, L-1…L-4 leave rules."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from attendance_factories import SETTINGS, day_shift, event, leave, local, night_shift

from attendance.clock import detect_proxy_punching, match_events
from attendance.errors import (
    ApproverNotAllowed,
    InsufficientBalance,
    InvalidInput,
    LeaveRefused,
    SelfDecisionForbidden,
)
from attendance.leave import (
    ProofStatus,
    check_approver,
    check_balance,
    check_no_overlap,
    check_notice,
    proof_deadline,
    route_leave_request,
    sick_proof_status,
)
from attendance.model import ClockEvent, ClockKind, LeaveType, Role

NEXT = date(2026, 11, 24)


def test_A1_naive_datetime_is_refused_naming_field_and_rule() -> None:
    with pytest.raises(InvalidInput, match=r"^at: .*\(A-1\)$"):
        ClockEvent("x", "A01", local(8).replace(tzinfo=None), ClockKind.IN)


def test_A2_night_shift_events_next_morning_match_the_night_shift() -> None:
    night = night_shift().shift
    tomorrow_day = day_shift(on=NEXT).shift
    out = event("out", local(7, 31, on=NEXT))
    result = match_events([event("in", local(16, 50)), out], [night, tomorrow_day], SETTINGS)
    assert [len(s.events) for s in result.shifts] == [2, 0]
    assert result.unscheduled == ()


def test_A2_event_far_from_every_shift_is_kept_as_unscheduled() -> None:
    stray = event("in", local(2))
    result = match_events([stray], [day_shift().shift], SETTINGS)
    assert result.unscheduled == (stray,)


def test_A2_events_of_other_employees_do_not_match() -> None:
    result = match_events([event("in", local(8), "B02")], [day_shift().shift], SETTINGS)
    assert len(result.unscheduled) == 1


def test_A6_two_agents_on_one_device_60_seconds_apart_are_suspected() -> None:
    a, b = event("in", local(8)), event("in", local(8, 1), employee="B02")
    (found,) = detect_proxy_punching([a, b], SETTINGS)
    assert (found.first, found.second, found.gap_seconds) == (a, b, 60)


def test_A6_61_seconds_apart_is_not_suspected() -> None:
    events = [event("in", local(8)), event("in", local(8, 1, 1), employee="B02")]
    assert detect_proxy_punching(events, SETTINGS) == ()


def test_A6_same_agent_twice_or_different_devices_is_not_suspected() -> None:
    events = [event("in", local(8)), event("out", local(8, 0, 30)),
              event("in", local(8, 0, 10), employee="B02", device="kiosk-2")]  # fmt: skip
    assert detect_proxy_punching(events, SETTINGS) == ()


def test_L1_balance_refusal_names_the_figures() -> None:
    with pytest.raises(InsufficientBalance, match=r"2\.00 days .* 1\.50 days \(L-1\)"):
        check_balance(LeaveType.ANNUAL, Decimal("2"), Decimal("1.5"))
    check_balance(LeaveType.PERSONAL, Decimal("9"), Decimal("0"))  # no balance kept


def test_L1_paid_fractions_default_to_spec() -> None:
    fractions = [SETTINGS.paid_fraction(t) for t in LeaveType]
    assert fractions == [Decimal("0"), Decimal("0.8"), Decimal("1"), Decimal("0"), Decimal("1")]


def test_L2_personal_leave_exactly_one_day_ahead_is_accepted() -> None:
    check = check_notice(LeaveType.PERSONAL, local(8) - timedelta(days=1), local(8), SETTINGS)
    assert not check.sudden


def test_L2_personal_leave_one_second_late_is_refused_with_the_rule_message() -> None:
    late = local(8) - timedelta(days=1) + timedelta(seconds=1)
    with pytest.raises(LeaveRefused) as refused:
        check_notice(LeaveType.PERSONAL, late, local(8), SETTINGS)
    assert "personal leave must be asked for at least 1 day before the shift (L-2)" in str(
        refused.value
    )
    assert refused.value.field == "start"


def test_L2_sick_leave_one_hour_ahead_is_normal() -> None:
    assert not check_notice(LeaveType.SICK, local(7), local(8), SETTINGS).sudden


def test_L2_sick_leave_under_one_hour_is_sudden_and_needs_proof() -> None:
    check = check_notice(LeaveType.SICK, local(7, 0, 1), local(8), SETTINGS)
    assert check.sudden and check.proof_required


def test_L3_half_a_shift_goes_to_the_lead() -> None:
    request = leave("temporary", local(8), local(12, 30), status="pending")
    assert route_leave_request(request, [day_shift().shift], SETTINGS) is Role.LEAD


def test_L3_more_than_half_a_shift_goes_to_the_director() -> None:
    request = leave("temporary", local(8), local(12, 31), status="pending")
    assert route_leave_request(request, [day_shift().shift], SETTINGS) is Role.DIRECTOR


def test_L3_all_personal_leave_goes_to_the_director() -> None:
    request = leave("personal", local(8), local(9), status="pending")
    assert route_leave_request(request, [day_shift().shift], SETTINGS) is Role.DIRECTOR


def test_L3_nobody_approves_their_own_request() -> None:
    request = leave("sick", local(8), local(9), status="pending")
    with pytest.raises(SelfDecisionForbidden, match="decided_by"):
        check_approver(request, "A01", [Role.LEAD], Role.LEAD)


def test_L3_a_lead_cannot_approve_director_leave() -> None:
    request = leave("personal", local(8), local(17), status="pending")
    with pytest.raises(ApproverNotAllowed, match=r"director .*\(L-3\)"):
        check_approver(request, "L01", [Role.LEAD], Role.DIRECTOR)
    check_approver(request, "D01", [Role.DIRECTOR], Role.DIRECTOR)


def test_L4_proof_deadline_is_three_days_after_return() -> None:
    assert proof_deadline(date(2026, 11, 25), SETTINGS) == date(2026, 11, 28)


def test_L4_missing_proof_after_deadline_means_D3() -> None:
    request = leave("sick", local(8), local(17))
    sudden = type(request)(**{**{f: getattr(request, f) for f in request.__slots__},
                              "sudden": True})  # fmt: skip
    back = date(2026, 11, 24)
    status = sick_proof_status(sudden, back, None, date(2026, 11, 27), SETTINGS)
    assert status is ProofStatus.PENDING
    assert (
        sick_proof_status(sudden, back, None, date(2026, 11, 28), SETTINGS) is ProofStatus.MISSING
    )
    on_time = sick_proof_status(sudden, back, date(2026, 11, 27), date(2026, 12, 1), SETTINGS)
    assert on_time is ProofStatus.PROVIDED
    assert sick_proof_status(request, back, None, date(2026, 12, 1), SETTINGS) is (
        ProofStatus.NOT_REQUIRED
    )


def test_L1_overlapping_requests_are_refused() -> None:
    first = leave("annual", local(8), local(17))
    second = leave("sick", local(16), local(18), status="pending")
    with pytest.raises(LeaveRefused, match=first.request_id):
        check_no_overlap(second, [first])
    rejected = leave("annual", local(8), local(17), status="rejected")
    check_no_overlap(second, [rejected])
