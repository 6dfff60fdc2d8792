"""§6 catalogue, rates, ladders D-9/D-10, leave lines, D-3, appeals (D-appeal)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from attendance_factories import SETTINGS, day_shift, event, leave, local

from attendance.appeals import (
    AppealState,
    decide_final,
    decide_first_level,
    escalate_appeal,
    file_appeal,
    reversal_line,
)
from attendance.catalogue import SEED_CATALOGUE, rule_in_force
from attendance.clock import detect_proxy_punching
from attendance.deductions import leave_lines, sudden_leave_line, unapproved_swap_line
from attendance.errors import (
    AmountOutOfRange,
    ApproverNotAllowed,
    IllegalAppealTransition,
    SelfDecisionForbidden,
    UnknownRule,
)
from attendance.incidents import incident_lines, proxy_punching_incidents
from attendance.leave import ProofStatus
from attendance.model import Incident, Role
from attendance.money import daily_rate, hourly_rate, pay_for_days

PAY = Decimal("5000")
NOV = date(2026, 11, 3)


def test_S6_daily_rate_5000_over_21_75_rounds_half_up_to_229_89() -> None:
    assert daily_rate(PAY, SETTINGS) == Decimal("229.89")
    assert hourly_rate(PAY, SETTINGS) == Decimal("28.74")
    assert pay_for_days(Decimal("0.5"), Decimal("4350"), SETTINGS) == Decimal("100.00")


def test_S6_catalogue_picks_the_version_in_force() -> None:
    newer = replace(rule_in_force("D-1", NOV), version=2, effective_from=date(2027, 1, 1),
                    amount=Decimal("30"))  # fmt: skip
    catalogue = (*SEED_CATALOGUE, newer)
    assert rule_in_force("D-1", date(2026, 12, 31), catalogue).amount == 20
    assert rule_in_force("D-1", date(2027, 1, 1), catalogue).version == 2
    with pytest.raises(UnknownRule, match="D-99"):
        rule_in_force("D-99", NOV)


def test_D5_ranged_rule_needs_an_amount_inside_the_range() -> None:
    ok = Incident("i1", "A01", NOV, "D-5", Decimal("150"))
    assert incident_lines([ok])[0].amount == Decimal("-150.00")
    for amount in (None, Decimal("99"), Decimal("201")):
        with pytest.raises(AmountOutOfRange, match=r"^amount: .*\(D-5\)$"):
            incident_lines([Incident("i2", "A01", NOV, "D-5", amount)])


def test_D9_first_time_a_reminder_then_10_each_per_calendar_month() -> None:
    days = [date(2026, 11, 3), date(2026, 11, 9), date(2026, 11, 30), date(2026, 12, 1)]
    lines = incident_lines([Incident(f"i{n}", "A01", d, "D-9") for n, d in enumerate(days)])
    assert [line.amount for line in lines] == [0, -10, -10, 0]
    assert "reminder" in lines[0].notice and "reminder" in lines[3].notice


def test_D10_reminder_warning_cleaning_duty_then_10() -> None:
    lines = incident_lines(
        [Incident(f"i{n}", "A01", date(2026, 11, n), "D-10") for n in range(1, 6)]
    )
    assert [line.amount for line in lines] == [0, 0, 0, -10, -10]
    assert ["warning" in lines[1].notice, "cleaning" in lines[2].notice] == [True, True]


def test_D10_ladder_counts_per_employee() -> None:
    lines = incident_lines([Incident("a", "A01", NOV, "D-10"), Incident("b", "B02", NOV, "D-10")])
    assert all("reminder" in line.notice for line in lines)


def test_D11_is_an_hr_case_without_amount() -> None:
    (line,) = incident_lines([Incident("i", "A01", NOV, "D-11")])
    assert line.amount == 0 and "HR" in line.notice


def test_D4_confirmed_proxy_punching_fines_each_person_50() -> None:
    (suspicion,) = detect_proxy_punching(
        [event("in", local(8)), event("in", local(8, 0, 30), employee="B02")], SETTINGS
    )
    lines = incident_lines(proxy_punching_incidents(suspicion, NOV))
    assert [(line.employee_code, line.amount) for line in lines] == [
        ("A01", Decimal("-50.00")), ("B02", Decimal("-50.00"))
    ]  # fmt: skip


def test_L1_personal_leave_day_deducts_a_full_daily_rate() -> None:
    (line,) = leave_lines(
        leave("personal", local(8), local(17)), [day_shift().shift], PAY, SETTINGS
    )
    assert (line.rule_id, line.amount, line.quantity) == ("L-1", Decimal("-229.89"), 1)


def test_L1_sick_day_deducts_the_unpaid_fifth() -> None:
    (line,) = leave_lines(leave("sick", local(8), local(17)), [day_shift().shift], PAY, SETTINGS)
    assert line.amount == Decimal("-45.98")  # 229.885… × 0.2


def test_L1_two_hours_temporary_leave_at_the_hourly_rate() -> None:
    (line,) = leave_lines(
        leave("temporary", local(8), local(10)), [day_shift().shift], PAY, SETTINGS
    )
    assert (line.amount, line.quantity) == (Decimal("-57.47"), Decimal("0.25"))


def test_L1_annual_leave_and_pending_leave_cost_nothing() -> None:
    shifts = [day_shift().shift]
    assert leave_lines(leave("annual", local(8), local(17)), shifts, PAY, SETTINGS) == ()
    pending = leave("personal", local(8), local(17), status="pending")
    assert leave_lines(pending, shifts, PAY, SETTINGS) == ()


def test_D3_sudden_leave_without_proof_and_unapproved_swap_cost_50() -> None:
    request = leave("sick", local(8), local(17))
    assert sudden_leave_line(request, ProofStatus.PENDING, NOV) is None
    line = sudden_leave_line(request, ProofStatus.MISSING, NOV)
    assert line is not None and line.amount == Decimal("-50.00")
    assert unapproved_swap_line("A01", NOV, "swap-7").amount == Decimal("-50.00")


def _d7_line():  # type: ignore[no-untyped-def]
    return incident_lines([Incident("i1", "A01", NOV, "D-7")])[0]


def test_Dappeal_lead_upholds_and_the_line_is_reversed() -> None:
    appeal = file_appeal("ap1", _d7_line(), "A01", "lights were off", local(9))
    assert appeal.held
    upheld = decide_first_level(appeal, "L01", [Role.LEAD], True, "checked", local(10))
    assert upheld.state is AppealState.UPHELD and not upheld.held
    reversal = reversal_line(upheld, NOV)
    assert (reversal.amount, reversal.source.value) == (Decimal("10.00"), "appeal")


def test_Dappeal_rejected_then_escalated_then_hr_decides_finally() -> None:
    appeal = file_appeal("ap1", _d7_line(), "A01", "not me", local(9))
    rejected = decide_first_level(appeal, "L01", [Role.LEAD], False, "seen on camera", local(10))
    assert not rejected.held
    escalated = escalate_appeal(rejected, "A01", "camera is wrong", local(11))
    assert escalated.held
    final = decide_final(escalated, "H01", [Role.HR], False, "upheld fine", local(12))
    assert final.state is AppealState.REJECTED_BY_HR
    with pytest.raises(IllegalAppealTransition, match="D-appeal"):
        escalate_appeal(final, "A01", "again", local(13))
    with pytest.raises(IllegalAppealTransition):
        reversal_line(final, NOV)
    assert len(final.history) == 4


def test_Dappeal_nobody_decides_their_own_appeal_and_roles_are_checked() -> None:
    appeal = file_appeal("ap1", _d7_line(), "A01", "why", local(9))
    with pytest.raises(SelfDecisionForbidden):
        decide_first_level(appeal, "A01", [Role.LEAD], True, "self", local(10))
    with pytest.raises(ApproverNotAllowed):
        decide_first_level(appeal, "B02", [Role.AGENT], True, "peer", local(10))
    with pytest.raises(IllegalAppealTransition):
        decide_final(appeal, "H01", [Role.HR], True, "skip the lead", local(10))
    with pytest.raises(IllegalAppealTransition):
        file_appeal("ap2", _d7_line(), "B02", "someone else's line", local(9))


def _fine(rule_id: str, amount: Decimal | None = None) -> Decimal:
    (line,) = incident_lines([Incident("f1", "A01", NOV, rule_id, amount)])
    return line.amount


def test_D6_refusing_arrangements_costs_50_to_100_as_the_lead_chooses() -> None:
    assert _fine("D-6", Decimal("80")) == Decimal("-80.00")
    with pytest.raises(AmountOutOfRange):
        _fine("D-6", Decimal("101"))


def test_D7_lights_or_computers_left_on_cost_10_per_time() -> None:
    assert _fine("D-7") == Decimal("-10.00")


def test_D8_leaking_customer_privacy_costs_50_per_time() -> None:
    assert _fine("D-8") == Decimal("-50.00")


def test_D12_games_videos_or_shopping_at_work_cost_500_per_time() -> None:
    assert _fine("D-12") == Decimal("-500.00")
