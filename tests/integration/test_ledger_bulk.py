"""A sync of many lines (an import, a payroll run) is written in bulk (COPY on PostgreSQL)
and stores what syncing the same sources one at a time stores (§6, P-1)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from attendance.catalogue import rule_in_force
from attendance.deductions import build_line
from attendance.model import SourceKind
from attendance.payroll import PayPeriod
from webapp.models import MoneyLine
from webapp.services import ledger, payroll

OCT_1 = date(2026, 10, 1)
SOURCES = ledger.RETURNING_LIMIT + 50  # more new lines than the per-line path takes


def _batch(employee, amount="-20"):
    """One D-1 line per source, on October and November dates."""
    batch = {}
    for n in range(SOURCES):
        on = OCT_1 + timedelta(days=n % 61)
        ref = ledger.SourceRef("shift_attendance", f"{employee.id}/{n}")
        line = build_line(rule_in_force("D-1", on), str(employee.id), on, f"late {n}",
                          Decimal(amount), SourceKind.CLOCK, f"{employee.id}/{n}")  # fmt: skip
        batch[ref] = (line,)
    return batch


def _stored(session, employee):
    rows = session.scalars(select(MoneyLine).where(MoneyLine.employee_id == employee.id))
    own = str(employee.id)  # refs name the employee; compare what follows
    return sorted(
        (r.date, r.period, r.rule_id, r.rule_version, r.rule_version_id, r.description, r.notice,
         r.amount, r.quantity, r.source, r.source_type, r.source_id.removeprefix(f"{own}/"),
         r.origin_key.replace(f":{own}/", ":"), r.state, r.held_at_lock, r.created_at is not None)
        for r in rows
    )  # fmt: skip


def test_bulk_sync_stores_what_one_source_at_a_time_stores(session, make_employee):
    bulk, single = make_employee(), make_employee()
    report = ledger.sync_lines(session, _batch(bulk))
    assert (report.inserted, report.inserted_ids) == (SOURCES, [])
    for ref, lines in _batch(single).items():
        ledger.sync_lines(session, {ref: lines})
    assert _stored(session, bulk) == _stored(session, single)
    again = ledger.sync_lines(session, _batch(bulk))
    assert (again.inserted, again.superseded) == (0, 0)


def test_P1_bulk_sync_into_a_locked_period_adds_adjustments(session, crew):
    agent = crew.agent
    ledger.sync_lines(session, _batch(agent))
    payroll.export_period(session, crew.hr, PayPeriod(2026, 10))
    report = ledger.sync_lines(session, _batch(agent, "-30"))
    october = [r for r in _stored(session, agent) if r[1] == "2026-10"]
    assert {(r[7], r[13]) for r in october} == {(Decimal("-20.00"), "active")}
    adjustments = [r for r in _stored(session, agent) if r[9] == "adjustment"]
    assert len(adjustments) == len(october) == report.adjustments
    assert {(r[1], r[7]) for r in adjustments} == {("2026-11", Decimal("-10.00"))}
