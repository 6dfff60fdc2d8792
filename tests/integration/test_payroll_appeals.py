"""Appeals (D-appeal), held lines, lock and adjustment, rounding and export (P-1)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from attendance.payroll import PayPeriod
from webapp.models import Appeal, AuditEntry, MoneyLine
from webapp.services import appeals, ledger, payroll
from webapp.services.errors import Forbidden, ServiceError

OCT, NOV = PayPeriod(2026, 10), PayPeriod(2026, 11)


def _row(session, crew, period=NOV):
    export = payroll.build_export(session, period)
    return next(r for r in export.rows if r.employee_code == crew.agent.code), export


def _active(session, employee):
    return session.scalars(
        select(MoneyLine)
        .where(MoneyLine.employee_id == employee.id, MoneyLine.state == "active")
        .order_by(MoneyLine.id)
    ).all()


def test_D_appeal_filed_line_is_held_out_of_the_totals(session, crew, make_line):
    line = make_line(crew.agent, rule="D-1", amount="-20")
    appeals.file_appeal(session, crew.agent, line.id, "the bus broke down")
    row, export = _row(session, crew)
    assert (row.late_early_count, row.late_early_deduction, row.net_change) == (
        0,
        Decimal("0.00"),
        Decimal("0.00"),
    )
    (listed,) = [x for x in export.lines if x.employee_code == crew.agent.code]
    assert listed.description.startswith("[held 申诉中] ")


def test_D_appeal_upheld_by_lead_reverses_the_line_with_audit(session, crew, make_line):
    line = make_line(crew.agent, rule="D-1", amount="-20")
    appeal = appeals.file_appeal(session, crew.agent, line.id, "the bus broke down")
    appeals.decide_first(session, crew.lead, appeal.id, True, "bus strike confirmed", 1)
    assert appeal.state == "upheld" and appeal.reversal_line_id is not None
    reversal = session.get(MoneyLine, appeal.reversal_line_id)
    assert (reversal.amount, reversal.source, reversal.date, reversal.reverses_id) == (
        Decimal("20.00"), "appeal", line.date, line.id)  # fmt: skip
    row, _ = _row(session, crew)
    assert (row.late_early_count, row.net_change) == (0, Decimal("0.00"))
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "Appeal",
                                        AuditEntry.object_id == appeal.id)
    ).all()  # fmt: skip
    assert actions == ["appeal.file", "appeal.decide_first"]


def test_D_appeal_rejected_escalated_and_decided_by_HR_finally(session, crew, make_line):
    line = make_line(crew.agent, rule="D-7", amount="-10", source=ledger.SourceKind.INCIDENT)
    appeal = appeals.file_appeal(session, crew.agent, line.id, "the lights were off")
    appeals.decide_first(session, crew.lead, appeal.id, False, "camera shows them on", 1)
    row, _ = _row(session, crew)
    assert row.fine_deduction == Decimal("10.00")
    appeals.escalate(session, crew.agent, appeal.id, "the camera is wrong", appeal.version)
    assert _row(session, crew)[0].fine_deduction == Decimal("0.00")  # held again
    appeals.decide_final(session, crew.hr, appeal.id, True, "facility log: power cut", 3)
    assert appeal.state == "upheld_by_hr"
    row, _ = _row(session, crew)
    assert (row.fine_deduction, row.net_change) == (Decimal("0.00"), Decimal("0.00"))
    with pytest.raises(ServiceError):
        appeals.escalate(session, crew.agent, appeal.id, "again", appeal.version)


def test_D_appeal_only_the_lines_employee_appeals_and_nobody_decides_their_own(
    session, crew, make_line
):
    line = make_line(crew.agent)
    with pytest.raises(ServiceError) as caught:
        appeals.file_appeal(session, crew.other, line.id, "not mine")
    assert caught.value.field == "appellant" and caught.value.rule == "D-appeal"
    lead_line = make_line(crew.lead)
    appeal = appeals.file_appeal(session, crew.lead, lead_line.id, "I was in a meeting")
    with pytest.raises(ServiceError) as own:
        appeals.decide_first(session, crew.lead, appeal.id, True, "fine by me", 1)
    assert own.value.rule == "D-appeal"


def test_D_appeal_lead_of_another_team_and_agents_may_not_decide(
    session, crew, make_line, make_team, make_employee
):
    line = make_line(crew.agent)
    appeal = appeals.file_appeal(session, crew.agent, line.id, "reason")
    stranger = make_employee(("lead",), team=make_team())
    with pytest.raises(Forbidden):
        appeals.decide_first(session, stranger, appeal.id, True, "ok", 1)
    with pytest.raises(ServiceError) as caught:
        appeals.decide_final(session, crew.lead, appeal.id, True, "ok", 1)
    assert caught.value.rule == "D-appeal"


def test_D_appeal_stale_version_is_refused_so_one_decision_wins(session, crew, make_line):
    line = make_line(crew.agent)
    appeal = appeals.file_appeal(session, crew.agent, line.id, "reason")
    appeals.decide_first(session, crew.lead, appeal.id, False, "no", 1)
    with pytest.raises(ServiceError) as caught:
        appeals.decide_first(session, crew.lead, appeal.id, True, "yes", 1)
    assert "changed since you opened it" in caught.value.message
    assert appeal.state == "rejected"


def test_D_appeal_empty_reason_is_refused_naming_the_field(session, crew, make_line):
    line = make_line(crew.agent)
    with pytest.raises(ServiceError) as caught:
        appeals.file_appeal(session, crew.agent, line.id, "  ")
    assert (caught.value.field, caught.value.rule) == ("reason", "D-appeal")
    assert session.scalar(select(Appeal).where(Appeal.line_id == line.id)) is None


def test_P1_line_held_at_lock_and_then_rejected_is_settled_in_next_period(session, crew, make_line):
    line = make_line(crew.agent, on=date(2026, 10, 20), rule="D-1", amount="-20")
    appeal = appeals.file_appeal(session, crew.agent, line.id, "reason")
    payroll.export_period(session, crew.hr, OCT)
    assert line.held_at_lock
    appeals.decide_first(session, crew.lead, appeal.id, False, "no", 1)
    row, _ = _row(session, crew, NOV)
    assert (row.adjustments, row.net_change) == (Decimal("-20.00"), Decimal("-20.00"))


def test_P1_line_held_at_lock_and_then_upheld_moves_no_money(session, crew, make_line):
    line = make_line(crew.agent, on=date(2026, 10, 20), rule="D-1", amount="-20")
    appeal = appeals.file_appeal(session, crew.agent, line.id, "reason")
    payroll.export_period(session, crew.hr, OCT)
    appeals.decide_first(session, crew.lead, appeal.id, True, "yes", 1)
    row, _ = _row(session, crew, NOV)
    assert row.net_change == Decimal("0.00")


def test_P1_appeal_upheld_after_lock_reverses_by_adjustment(session, crew, make_line):
    line = make_line(crew.agent, on=date(2026, 10, 20), rule="D-1", amount="-20")
    payroll.export_period(session, crew.hr, OCT)
    appeal = appeals.file_appeal(session, crew.agent, line.id, "reason")
    appeals.decide_first(session, crew.lead, appeal.id, True, "yes", 1)
    row, _ = _row(session, crew, NOV)
    assert (row.adjustments, row.net_change) == (Decimal("20.00"), Decimal("20.00"))


def test_P1_export_locks_audits_and_re_export_gives_identical_bytes(session, crew, make_line):
    make_line(crew.agent, on=date(2026, 10, 20), rule="D-1", amount="-20")
    lock = payroll.export_period(session, crew.hr, OCT)
    assert payroll.is_locked(session, OCT) and lock.locked_by_id == crew.hr.id
    assert lock.payroll_csv.startswith("\ufeff".encode())
    header, *rows = list(csv.reader(io.StringIO(lock.payroll_csv.decode("utf-8-sig"))))
    assert header[:4] == ["employee_code", "name", "team", "period"]
    mine = next(r for r in rows if r[0] == crew.agent.code)
    assert mine[header.index("late_early_deduction")] == "20.00"
    make_line(crew.agent, on=date(2026, 10, 21), rule="D-1", amount="-20")
    again = payroll.export_period(session, crew.hr, OCT)
    assert (again.payroll_csv, again.lines_csv) == (lock.payroll_csv, lock.lines_csv)
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "payroll.lock"))


def test_P1_a_period_that_has_not_started_cannot_be_locked(session, crew):
    with pytest.raises(ServiceError) as caught:
        payroll.export_period(session, crew.hr, PayPeriod(2099, 1))
    assert caught.value.field == "month" and caught.value.rule == "P-1"


@pytest.mark.parametrize("text", ["2026-13", "2026/11", "11-2026", ""])
def test_P1_month_must_be_YYYY_MM(text):
    with pytest.raises(ServiceError) as caught:
        payroll.parse_period(text)
    assert caught.value.field == "month"


def test_D2_half_day_at_5000_is_114_94_rounded_half_up(session, crew):
    from attendance.catalogue import rule_in_force
    from attendance.deductions import build_line
    from attendance.money import pay_for_days
    from attendance.settings import DEFAULT_SETTINGS

    amount = pay_for_days(Decimal("0.5"), crew.agent.monthly_base_pay, DEFAULT_SETTINGS)
    d2 = rule_in_force("D-2", date(2026, 11, 16))
    line = build_line(d2, str(crew.agent.id), date(2026, 11, 16), "half day", -amount,
                      ledger.SourceKind.CLOCK, "r", Decimal("0.5"))  # fmt: skip
    ledger.sync_lines_for_source(session, ledger.SourceKind.CLOCK,
                                 ledger.SourceRef("test", "d2"), [line])  # fmt: skip
    row, _ = _row(session, crew)
    assert (row.absent_days, row.absence_deduction) == (Decimal("0.50"), Decimal("114.94"))
    (stored,) = _active(session, crew.agent)
    assert stored.quantity == Decimal("0.50")


def test_P1_workbook_rendered_from_the_locked_files_equals_the_direct_render(
    session, crew, make_line
):
    from attendance.payroll_export import payroll_xlsx

    make_line(crew.agent, on=date(2026, 10, 20), rule="D-2", amount="-114.94")
    make_line(crew.agent, on=date(2026, 10, 21), rule="S-5", amount="20")
    crew.agent.name = '王静, "quoted"'
    direct = payroll_xlsx(payroll.build_export(session, OCT))
    lock = payroll.export_period(session, crew.hr, OCT)
    assert payroll.xlsx_of(lock) == direct
    crew.agent.name = "changed after the lock"
    assert payroll.xlsx_of(payroll.export_period(session, crew.hr, OCT)) == direct


def test_P1_a_site_lock_covers_its_employees_and_marks_only_their_held_lines(
    session, crew, make_line, make_employee
):
    elsewhere = make_employee()
    mine = make_line(crew.agent, on=date(2026, 10, 20), rule="D-1", amount="-20")
    theirs = make_line(elsewhere, on=date(2026, 10, 20), rule="D-1", amount="-20")
    appeals.file_appeal(session, crew.agent, mine.id, "reason")
    appeals.file_appeal(session, elsewhere, theirs.id, "reason")
    lock = payroll.export_period(session, crew.hr, OCT, crew.agent.site_id)
    codes = {r[0] for r in csv.reader(io.StringIO(lock.payroll_csv.decode("utf-8-sig")))}
    assert crew.agent.code in codes and elsewhere.code not in codes
    assert payroll.is_locked(session, OCT, crew.agent.site_id)
    assert not payroll.is_locked(session, OCT, elsewhere.site_id)
    assert mine.held_at_lock and not theirs.held_at_lock
