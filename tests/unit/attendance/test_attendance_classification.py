"""A-3, A-4, A-5 classification of one shift, and D-1/D-2/S-5 lines from it."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from attendance_factories import (
    SETTINGS,
    day_shift,
    employee,
    event,
    leave,
    local,
    night_shift,
    with_events,
)
from hypothesis import given
from hypothesis import strategies as st

from attendance.classify import FindingKind, Tier, classify_shift
from attendance.clock import ShiftEvents, scheduled_shift
from attendance.deductions import shift_lines
from attendance.settings import AttendanceSettings

PAY = employee().monthly_base_pay


def classify(*events_, leaves=(), shift=None):  # type: ignore[no-untyped-def]
    return classify_shift(with_events(shift or day_shift(), *events_), leaves, SETTINGS)


def rules(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [line.rule_id for line in shift_lines(result, PAY, SETTINGS)]


def test_A3_on_time_with_handover_has_no_findings() -> None:
    result = classify(event("in", local(7, 45)), event("out", local(17)))
    assert result.findings == ()
    assert rules(result) == []


def test_A3_late_10_minutes_is_recorded_without_deduction() -> None:
    result = classify(event("in", local(8, 10)), event("out", local(17)))
    (late,) = result.findings
    assert (late.kind, late.tier, late.minutes) == (FindingKind.LATE, Tier.RECORDED, 10)
    assert rules(result) == []


def test_A3_late_11_minutes_costs_20_yuan_D1() -> None:
    result = classify(event("in", local(8, 11)), event("out", local(17)))
    (line,) = shift_lines(result, PAY, SETTINGS)
    assert (line.rule_id, line.amount) == ("D-1", Decimal("-20.00"))


def test_A3_late_10_minutes_1_second_rounds_up_to_11_and_is_fined() -> None:
    result = classify(event("in", local(8, 10, 1)), event("out", local(17)))
    assert result.findings[0].minutes == 11
    assert rules(result) == ["D-1"]


def test_A3_late_30_minutes_is_still_D1() -> None:
    result = classify(event("in", local(8, 30)), event("out", local(17)))
    assert rules(result) == ["D-1"]
    assert result.absence_days == 0


def test_A4_31_minutes_late_is_half_day_absence_not_D1() -> None:
    result = classify(event("in", local(8, 31)), event("out", local(17)))
    lines = shift_lines(result, PAY, SETTINGS)
    assert [line.rule_id for line in lines] == ["D-2"]
    assert lines[0].quantity == Decimal("0.5")
    assert lines[0].amount == Decimal("-114.94")  # 5000 / 21.75 / 2 = 114.9425…


def test_A3_early_leave_11_minutes_costs_D1() -> None:
    result = classify(event("in", local(7, 40)), event("out", local(16, 49)))
    assert [f.kind for f in result.findings] == [FindingKind.EARLY_LEAVE]
    assert rules(result) == ["D-1"]


def test_A3_off_post_break_within_allowance_is_nothing() -> None:
    result = classify(
        event("in", local(7, 40)), event("break_out", local(10)),
        event("break_in", local(10, 5)), event("out", local(17)),
    )  # fmt: skip
    assert result.findings == ()


def test_A3_off_post_overrun_over_10_minutes_costs_D1() -> None:
    result = classify(
        event("in", local(7, 40)), event("break_out", local(10)),
        event("break_in", local(10, 16)), event("out", local(17)),
    )  # fmt: skip
    (finding,) = result.findings
    assert (finding.kind, finding.minutes, finding.tier) == (FindingKind.OFF_POST, 11, Tier.FINED)


def test_A3_scheduled_lunch_break_is_not_off_post() -> None:
    shift = day_shift(break_start=time(12), break_minutes=60)
    result = classify(
        event("in", local(7, 40)), event("break_out", local(12)),
        event("break_in", local(13, 4)), event("out", local(17)), shift=shift,
    )  # fmt: skip
    assert result.findings == ()


def test_A4_off_post_over_30_minutes_is_half_day() -> None:
    result = classify(
        event("in", local(7, 40)), event("break_out", local(10)),
        event("break_in", local(10, 36)), event("out", local(17)),
    )  # fmt: skip
    assert result.absence_days == Decimal("0.5")
    assert rules(result) == ["D-2"]


def test_A4_no_clock_in_at_all_is_full_day_absence() -> None:
    result = classify()
    assert result.findings[0].kind is FindingKind.NO_SHOW
    (line,) = shift_lines(result, PAY, SETTINGS)
    assert (line.rule_id, line.quantity, line.amount) == ("D-2", 1, Decimal("-229.89"))


def test_A4_late_and_early_over_30_caps_at_one_day() -> None:
    result = classify(event("in", local(9)), event("out", local(16)))
    assert result.absence_days == Decimal("1")


def test_A4_unapproved_leave_taken_is_full_day_absence() -> None:
    pending = leave("personal", local(8), local(17), status="pending")
    result = classify(leaves=[pending])
    assert result.findings[0].kind is FindingKind.UNAPPROVED_LEAVE
    assert result.findings[0].tier is Tier.FULL_DAY_ABSENCE


def test_A3_missing_clock_out_is_flagged_not_absence() -> None:
    result = classify(event("in", local(7, 45)))
    assert [(f.kind, f.tier) for f in result.findings] == [
        (FindingKind.MISSING_CLOCK_OUT, Tier.FLAGGED)
    ]
    assert result.absence_days == 0
    assert rules(result) == []


def test_A5_clock_in_inside_handover_window_is_on_time_but_flagged() -> None:
    result = classify(event("in", local(7, 50)), event("out", local(17)))
    (finding,) = result.findings
    assert (finding.kind, finding.tier, finding.rule_id) == (
        FindingKind.MISSED_HANDOVER, Tier.RECORDED, "A-5",
    )  # fmt: skip
    assert rules(result) == []


def test_A5_clock_in_exactly_at_handover_start_is_not_flagged() -> None:
    assert classify(event("in", local(7, 45)), event("out", local(17))).findings == ()


def test_A5_handover_fine_setting_produces_a_line() -> None:
    fined = AttendanceSettings(missed_handover_amount=Decimal("5"))
    result = classify_shift(
        with_events(day_shift(), event("in", local(7, 55)), event("out", local(17))), [], fined
    )
    assert [line.rule_id for line in shift_lines(result, PAY, fined)] == ["A-5"]


def test_L1_approved_leave_covering_the_shift_means_no_absence() -> None:
    result = classify(leaves=[leave("annual", local(8), local(17))])
    assert [f.kind for f in result.findings] == [FindingKind.ON_LEAVE]
    assert rules(result) == []


def test_L1_temporary_leave_at_shift_start_moves_the_expected_start() -> None:
    morning = leave("temporary", local(8), local(10))
    result = classify(event("in", local(10, 5)), event("out", local(17)), leaves=[morning])
    assert [(f.kind, f.minutes) for f in result.findings] == [(FindingKind.LATE, 5)]


def test_S5_attended_night_shift_crossing_midnight_earns_20() -> None:
    shift = night_shift()
    out = local(7, 30, on=date(2026, 11, 24))
    result = classify(event("in", local(16, 45)), event("out", out), shift=shift)
    assert result.findings == ()
    (line,) = shift_lines(result, PAY, SETTINGS)
    assert (line.rule_id, line.amount) == ("S-5", Decimal("20.00"))


def test_S5_night_shift_without_clock_out_earns_nothing() -> None:
    result = classify(event("in", local(16, 45)), shift=night_shift())
    assert rules(result) == []


def test_A3_dst_night_in_berlin_uses_real_elapsed_time() -> None:
    berlin = AttendanceSettings(timezone="Europe/Berlin")
    # 2026-03-29 02:00 → 03:00: the night shift 22:00–06:00 lasts 7 real hours.
    shift = scheduled_shift("B1", date(2026, 3, 28), "N", time(22), time(6), berlin)
    assert shift.minutes == 7 * 60
    wake = shift.end.astimezone(berlin.zone).replace(hour=5, minute=49)
    result = classify_shift(
        ShiftEvents(shift, (event("in", shift.start, "B1"), event("out", wake, "B1"))), [], berlin
    )
    assert [(f.kind, f.minutes, f.tier) for f in result.findings] == [
        (FindingKind.MISSED_HANDOVER, 15, Tier.RECORDED),
        (FindingKind.EARLY_LEAVE, 11, Tier.FINED),
    ]


@given(late=st.integers(0, 600), early=st.integers(0, 600))
def test_A3_tiers_are_exclusive_never_D1_and_D2_for_one_event(late: int, early: int) -> None:
    start = local(8)
    result = classify(
        event("in", start + late * (local(8, 1) - start)),
        event("out", local(17) - early * (local(8, 1) - start)),
    )
    for finding in result.findings:
        if finding.kind is FindingKind.MISSED_HANDOVER:
            continue
        fined = finding.tier is Tier.FINED
        absent = finding.tier is Tier.HALF_DAY_ABSENCE
        assert not (fined and absent)
        assert fined == (10 < finding.minutes <= 30)
        assert absent == (finding.minutes > 30)
