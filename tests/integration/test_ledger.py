"""The money ledger: sources replace their open lines; locked periods get adjustments (P-1)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from attendance.catalogue import rule_in_force
from attendance.deductions import build_line
from attendance.model import SourceKind
from attendance.payroll import PayPeriod
from webapp.models import MoneyLine
from webapp.services import ledger, payroll

OCT_20, NOV_16 = date(2026, 10, 20), date(2026, 11, 16)
REF = ledger.SourceRef("shift_attendance", "x/2026-10-20")


def _line(employee, amount, on=OCT_20, rule="D-1", ref="x#0"):
    version = rule_in_force(rule, on)
    return build_line(version, str(employee.id), on, f"{rule} test", Decimal(amount),
                      SourceKind.CLOCK, ref)  # fmt: skip


def _active(session, employee):
    return session.scalars(
        select(MoneyLine)
        .where(MoneyLine.employee_id == employee.id, MoneyLine.state == "active")
        .order_by(MoneyLine.id)
    ).all()


def test_sync_writes_lines_linked_to_source_and_rule_version_D1(session, make_employee):
    agent = make_employee()
    ledger.sync_lines_for_source(session, SourceKind.CLOCK, REF, [_line(agent, "-20")])
    (row,) = _active(session, agent)
    assert (row.amount, row.period, row.source, row.source_type, row.source_id) == (
        Decimal("-20.00"),
        "2026-10",
        "clock",
        "shift_attendance",
        "x/2026-10-20",
    )
    assert row.rule_row is not None and (row.rule_row.rule_id, row.rule_row.version) == ("D-1", 1)


def test_resync_with_same_lines_changes_nothing_and_new_lines_supersede_old(session, make_employee):
    agent = make_employee()
    ledger.sync_lines_for_source(session, SourceKind.CLOCK, REF, [_line(agent, "-20")])
    again = ledger.sync_lines_for_source(session, SourceKind.CLOCK, REF, [_line(agent, "-20")])
    assert (again.inserted, again.superseded) == (0, 0)
    ledger.sync_lines_for_source(session, SourceKind.CLOCK, REF, [])
    assert _active(session, agent) == []
    old = session.scalars(select(MoneyLine).where(MoneyLine.employee_id == agent.id)).one()
    assert old.state == "superseded"


def test_P1_change_to_locked_period_becomes_adjustment_in_next_open_period(
    session, make_employee, crew
):
    agent = crew.agent
    ledger.sync_lines_for_source(session, SourceKind.CLOCK, REF, [_line(agent, "-20")])
    payroll.export_period(session, crew.hr, PayPeriod(2026, 10))
    ledger.sync_lines_for_source(session, SourceKind.CLOCK, REF, [])
    original, adjustment = _active(session, agent)
    assert (original.period, original.amount) == ("2026-10", Decimal("-20.00"))
    assert (adjustment.period, adjustment.date, adjustment.source) == (
        "2026-11",
        date(2026, 11, 1),
        "adjustment",
    )
    assert adjustment.amount == Decimal("20.00")
    assert adjustment.origin_key == original.origin_key
    # A second change adjusts only the remaining difference, replacing the open adjustment.
    ledger.sync_lines_for_source(session, SourceKind.CLOCK, REF, [_line(agent, "-20")])
    assert [r.id for r in _active(session, agent)] == [original.id]


def test_P1_new_line_dated_in_locked_period_lands_in_next_open_period(session, crew):
    payroll.export_period(session, crew.hr, PayPeriod(2026, 10))
    ledger.sync_lines_for_source(session, SourceKind.CLOCK, REF, [_line(crew.agent, "-20")])
    (row,) = _active(session, crew.agent)
    assert (row.period, row.source, row.amount) == ("2026-11", "adjustment", Decimal("-20.00"))
    assert row.description.startswith("adjustment for 2026-10")


def test_P1_locked_export_is_not_changed_by_later_lines(session, crew):
    ledger.sync_lines_for_source(session, SourceKind.CLOCK, REF, [_line(crew.agent, "-20")])
    first = payroll.export_period(session, crew.hr, PayPeriod(2026, 10))
    csv_bytes = first.payroll_csv
    ledger.sync_lines_for_source(session, SourceKind.CLOCK, REF, [])
    crew.agent.name = "Renamed"
    again = payroll.export_period(session, crew.hr, PayPeriod(2026, 10))
    assert again.payroll_csv == csv_bytes
    assert payroll.xlsx_of(again) == payroll.xlsx_of(first)


def test_attendance_recompute_writes_D1_and_S5_lines_in_the_same_transaction(
    session, make_employee, make_shift, clock_at
):
    from webapp.models import ShiftAttendance

    agent = make_employee()
    make_shift(agent, NOV_16, "N")  # night 17:00–07:30
    clock_at(agent, "2026-11-16T17:15:00+08:00", "in")
    clock_at(agent, "2026-11-17T07:31:00+08:00", "out")
    lines = {(r.rule_id, r.amount, r.source_id) for r in _active(session, agent)}
    ref = f"{agent.id}/2026-11-16"
    assert lines == {("D-1", Decimal("-20.00"), ref), ("S-5", Decimal("20.00"), ref)}
    row = session.scalars(
        select(ShiftAttendance).where(ShiftAttendance.employee_id == agent.id)
    ).one()
    assert ledger.sync_attendance(session, [row]).inserted == 0
    ledger.sync_attendance(session, [], removed=[(agent.id, NOV_16)])
    assert _active(session, agent) == []


def test_D2_no_show_costs_a_full_day_at_the_daily_rate(session, make_employee, make_shift):
    from webapp.services import attendance_results

    agent = make_employee(monthly_base_pay=Decimal("5000"))
    make_shift(agent, NOV_16, "D")
    attendance_results.recompute(session, {agent.id: {NOV_16}})
    (line,) = _active(session, agent)
    assert (line.rule_id, line.amount, line.quantity) == (
        "D-2", Decimal("-229.89"), Decimal("1.00"))  # fmt: skip


def test_D_appeal_follows_its_line_when_a_recompute_replaces_it(session, crew):
    from webapp.services import appeals

    ledger.sync_lines_for_source(session, SourceKind.CLOCK, REF, [_line(crew.agent, "-20")])
    (line,) = _active(session, crew.agent)
    appeal = appeals.file_appeal(session, crew.agent, line.id, "the clock was slow")
    changed = replace(_line(crew.agent, "-20"), description="D-1 test, corrected")
    ledger.sync_lines_for_source(session, SourceKind.CLOCK, REF, [changed])
    (successor,) = _active(session, crew.agent)
    assert successor.id != line.id and appeal.line_id == successor.id
    session.refresh(line)
    assert (line.state, line.superseded_by_id) == ("superseded", successor.id)
    assert payroll.held_line_ids(session, PayPeriod(2026, 10)) == {successor.id}


def test_P1_a_site_lock_leaves_other_sites_open(session, crew, make_employee):
    elsewhere = make_employee()
    payroll.export_period(session, crew.hr, PayPeriod(2026, 10), site_id=crew.agent.site_id)
    assert payroll.is_locked(session, PayPeriod(2026, 10), crew.agent.site_id)
    assert not payroll.is_locked(session, PayPeriod(2026, 10), elsewhere.site_id)
    ledger.sync_lines_for_source(session, SourceKind.CLOCK, REF, [_line(elsewhere, "-20")])
    other = ledger.SourceRef("shift_attendance", "y/2026-10-20")
    ledger.sync_lines_for_source(session, SourceKind.CLOCK, other, [_line(crew.agent, "-20")])
    assert [r.period for r in _active(session, elsewhere)] == ["2026-10"]
    assert [(r.period, r.source) for r in _active(session, crew.agent)] == [
        ("2026-11", "adjustment")
    ]


def test_D1_rule_change_recomputes_attendance_lines_from_its_date(
    session, make_employee, make_shift, clock_at
):
    from webapp.services import rule_catalogue

    agent = make_employee()
    for day, when in (
        (NOV_16, "2026-11-16T08:15:00+08:00"),
        (date(2026, 11, 17), "2026-11-17T08:15:00+08:00"),
    ):
        make_shift(agent, day, "D")
        clock_at(agent, when, "in")
    change = rule_catalogue.RuleChange("D-1", date(2026, 11, 17), amount=Decimal("30"))
    rule_catalogue.add_version(session, make_employee(("admin",)), change)
    lines = sorted((r.date, r.amount, r.rule_version) for r in _active(session, agent))
    assert lines == [(NOV_16, Decimal("-20.00"), 1), (date(2026, 11, 17), Decimal("-30.00"), 2)]
