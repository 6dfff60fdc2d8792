"""P-1 payroll rows and export (FORMATS §5), held appeal lines, period lock, A-8 reports."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from attendance_factories import SETTINGS, day_shift, employee, event, local, with_events
from hypothesis import given
from hypothesis import strategies as st

from attendance.classify import classify_shift
from attendance.deductions import build_line
from attendance.errors import PeriodLocked
from attendance.model import MoneyLine, SourceKind
from attendance.payroll import PayPeriod, build_payroll, carry_over, check_period_open
from attendance.payroll_export import lines_csv, payroll_csv, payroll_xlsx
from attendance.reports import Granularity, coverage_by_slot, summarize

NOV = PayPeriod(2026, 11)
HEADER = (
    "employee_code,name,team,period,base_pay,late_early_count,late_early_deduction,absent_days,"
    "absence_deduction,leave_days,leave_deduction,fine_deduction,night_shifts,night_allowance,"
    "adjustments,total_deduction,net_change"
)


def _line(rule: str, amount: str, day: int = 3, source: SourceKind = SourceKind.CLOCK,
          quantity: str = "1", ref: str = "r") -> MoneyLine:  # fmt: skip
    return build_line(rule, "A01", date(2026, 11, day), rule, Decimal(amount), source,
                      f"{ref}{day}{rule}", Decimal(quantity))  # fmt: skip


LINES = [
    _line("D-1", "-20", 3), _line("D-1", "-20", 4), _line("D-2", "-114.94", 5, quantity="0.5"),
    _line("L-1", "-229.89", 6, SourceKind.LEAVE), _line("D-7", "-10", 7, SourceKind.INCIDENT),
    _line("S-5", "20", 8), _line("S-5", "20", 9), _line("D-4", "5", 10, SourceKind.ADJUSTMENT),
    _line("D-1", "-20", 1, ref="other-month"),
]  # fmt: skip


def test_P1_payroll_csv_has_the_exact_FORMATS_columns_with_BOM() -> None:
    data = payroll_csv(build_payroll([employee()], LINES, NOV))
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == HEADER
    row = next(csv.DictReader(io.StringIO(text)))
    assert row == {
        "employee_code": "A01", "name": "张A01", "team": "T1", "period": "2026-11",
        "base_pay": "5000.00", "late_early_count": "3", "late_early_deduction": "60.00",
        "absent_days": "0.50", "absence_deduction": "114.94", "leave_days": "1.00",
        "leave_deduction": "229.89", "fine_deduction": "10.00", "night_shifts": "2",
        "night_allowance": "40.00", "adjustments": "5.00", "total_deduction": "414.83",
        "net_change": "-369.83",
    }  # fmt: skip


def test_P1_lines_listing_columns_and_period_filter() -> None:
    export = build_payroll([employee()], [*LINES, _line("D-1", "-20", 1)], NOV)
    text = lines_csv(export).decode("utf-8-sig").splitlines()
    assert text[0] == "employee_code,date,rule_id,description,amount,source"
    assert text[1] == "A01,2026-11-01,D-1,D-1,-20.00,clock"
    assert len(text) == 1 + len(LINES) + 1


def test_P1_held_appeal_lines_are_listed_but_not_counted() -> None:
    held = LINES[0]
    export = build_payroll([employee()], LINES, NOV, held_line_ids={held.line_id})
    assert export.rows[0].late_early_count == 2
    assert export.lines[1].description.startswith("[held")


def test_Dappeal_reversal_cancels_the_count_and_amount() -> None:
    reversal = _line("D-1", "20", 3, SourceKind.APPEAL, ref="rev")
    row = build_payroll([employee()], [*LINES, reversal], NOV).rows[0]
    assert (row.late_early_count, row.late_early_deduction) == (2, Decimal("40.00"))


def test_P1_employee_without_lines_gets_a_zero_row() -> None:
    (row,) = build_payroll([employee("B02")], LINES, NOV).rows
    assert (row.total_deduction, row.net_change) == (0, 0)


def test_P1_late_change_to_locked_period_becomes_next_open_adjustment() -> None:
    late = _line("D-7", "-10", 20, SourceKind.INCIDENT)
    locked = {NOV, PayPeriod(2026, 12)}
    moved = carry_over(late, locked)
    assert (moved.date, moved.source, moved.source_ref) == (
        date(2027, 1, 1), SourceKind.ADJUSTMENT, late.line_id
    )  # fmt: skip
    assert carry_over(late, set()) is late
    with pytest.raises(PeriodLocked, match=r"2026-11 is locked \(P-1\)"):
        check_period_open(late.date, locked)
    row = build_payroll([employee()], [moved], PayPeriod(2027, 1)).rows[0]
    assert (row.adjustments, row.fine_deduction) == (Decimal("-10.00"), 0)


def test_P1_xlsx_export_is_byte_for_byte_deterministic() -> None:
    export = build_payroll([employee(), employee("B02")], LINES, NOV)
    assert payroll_xlsx(export) == payroll_xlsx(export)
    assert payroll_xlsx(export)[:2] == b"PK"


amounts = st.decimals(min_value=-500, max_value=500, places=2)
rules = st.sampled_from(["D-1", "D-2", "L-1", "D-3", "D-12", "S-5", "A-5"])
sources = st.sampled_from(list(SourceKind))


@given(st.lists(st.tuples(rules, amounts, sources), max_size=25))
def test_P1_net_change_is_allowances_minus_deductions_plus_adjustments(
    specs: list[tuple[str, Decimal, SourceKind]],
) -> None:
    lines = [build_line(r, "A01", date(2026, 11, 2), r, a, s, f"x{n}")
             for n, (r, a, s) in enumerate(specs)]  # fmt: skip
    (row,) = build_payroll([employee()], lines, NOV).rows
    assert row.net_change == row.night_allowance - row.total_deduction + row.adjustments
    assert row.net_change == sum((line.amount for line in lines), Decimal("0.00"))


def test_A8_summary_by_team_and_month_and_coverage() -> None:
    late = classify_shift(with_events(day_shift(), event("in", local(8, 20)),
                                      event("out", local(17))), [], SETTINGS)  # fmt: skip
    absent = classify_shift(day_shift("B02"), [], SETTINGS)
    stats = summarize([late, absent], {"A01": "T1", "B02": "T1"}, Granularity.MONTH)
    team = stats[("T1", "2026-11")]
    assert (team.shifts, team.late, team.fined, team.absent_days) == (2, 1, 1, Decimal(1))
    slots = {local(8): 1, local(8, 30): 2}
    coverage = coverage_by_slot([late, absent], slots, 30)
    assert [(c.achieved, c.shortfall) for c in coverage] == [(0, 1), (1, 1)]
    assert summarize([late], {}, Granularity.WEEK).keys() == {("A01", "2026-W48")}
