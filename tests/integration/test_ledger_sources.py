"""Ledger lines from leave (L-1), missing sick proofs (D-3, L-4) and proxy punching (A-6, D-4)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from webapp.models import MoneyLine
from webapp.models.leave import LeaveRequest
from webapp.services import corrections, ledger

NOV_16 = date(2026, 11, 16)
SHANGHAI = timedelta(hours=8)


def _local(text: str) -> datetime:
    return (datetime.fromisoformat(text) - SHANGHAI).replace(tzinfo=UTC)


def _leave(session, employee, kind, start, end, status="approved", sudden=False):
    request = LeaveRequest(employee_id=employee.id, leave_type=kind, start_at=_local(start),
                           end_at=_local(end), days=Decimal("1"), route_role="lead",
                           status=status, sudden=sudden)  # fmt: skip
    session.add(request)
    session.flush()
    return request


def _lines(session, employee):
    return session.scalars(
        select(MoneyLine)
        .where(MoneyLine.employee_id == employee.id, MoneyLine.state == "active")
        .order_by(MoneyLine.id)
    ).all()


def test_L1_personal_leave_over_a_whole_shift_costs_a_day(session, make_employee, make_shift):
    agent = make_employee(monthly_base_pay=Decimal("5000"))
    make_shift(agent, NOV_16, "D")  # 08:00–17:00
    request = _leave(session, agent, "personal", "2026-11-16T00:00", "2026-11-17T00:00")
    ledger.sync_leave(session, request)
    (line,) = _lines(session, agent)
    assert (line.rule_id, line.amount, line.source, line.source_type) == (
        "L-1",
        Decimal("-229.89"),
        "leave",
        "leave_request",
    )


def test_L1_sick_leave_deducts_only_the_unpaid_fifth_and_annual_nothing(
    session, make_employee, make_shift
):
    agent = make_employee(monthly_base_pay=Decimal("5000"))
    make_shift(agent, NOV_16, "D")
    make_shift(agent, NOV_16 + timedelta(days=1), "D")
    sick = _leave(session, agent, "sick", "2026-11-16T00:00", "2026-11-17T00:00")
    annual = _leave(session, agent, "annual", "2026-11-17T00:00", "2026-11-18T00:00")
    ledger.sync_leave(session, sick)
    ledger.sync_leave(session, annual)
    assert [(r.rule_id, r.amount) for r in _lines(session, agent)] == [("L-1", Decimal("-45.98"))]


def test_L1_two_hours_of_temporary_leave_cost_two_hours(session, make_employee, make_shift):
    agent = make_employee(monthly_base_pay=Decimal("5000"))
    make_shift(agent, NOV_16, "D")
    request = _leave(session, agent, "temporary", "2026-11-16T08:00", "2026-11-16T10:00")
    ledger.sync_leave(session, request)
    (line,) = _lines(session, agent)
    assert (line.amount, line.quantity) == (Decimal("-57.47"), Decimal("0.25"))
    request.status = "cancelled"
    ledger.sync_leave(session, request)
    assert _lines(session, agent) == []


def test_D3_sudden_sick_leave_without_proof_after_the_deadline(session, make_employee, make_shift):
    agent = make_employee()
    make_shift(agent, NOV_16, "D")
    request = _leave(session, agent, "sick", "2026-11-16T08:00", "2026-11-16T17:00", sudden=True)
    ledger.sync_sick_proofs(session, date(2026, 11, 19))  # deadline 16 + 3 days: still due
    assert [r.rule_id for r in _lines(session, agent)] == []
    ledger.sync_sick_proofs(session, date(2026, 11, 20))
    (line,) = _lines(session, agent)
    assert (line.rule_id, line.amount, line.date) == ("D-3", Decimal("-50.00"), date(2026, 11, 20))
    assert line.source_id == str(request.id)
    ledger.sync_sick_proofs(session, date(2026, 11, 21))
    assert len(_lines(session, agent)) == 1


def test_A6_confirmed_proxy_flag_gives_each_person_a_D4_line(
    session, make_team, make_employee, make_device, clock_at
):
    team = make_team()
    agent, other = make_employee(team=team), make_employee(team=team)
    lead = make_employee(("lead",), team=team)
    device, _ = make_device(agent.site_id)
    clock_at(agent, "2026-11-16T07:50:00+08:00", "in", device)
    clock_at(other, "2026-11-16T07:50:20+08:00", "in", device)
    [flag] = corrections.pending_flags(session, lead)
    corrections.decide_flag(session, lead, flag.id, confirm=True)
    for person in (agent, other):
        d4 = [r for r in _lines(session, person) if r.rule_id == "D-4"]
        assert [(r.amount, r.date, r.source) for r in d4] == [
            (Decimal("-50.00"), NOV_16, "incident")
        ]


def test_D3_working_a_swapped_shift_without_approval(session, make_team, make_employee,
                                                      make_shift, clock_at):  # fmt: skip
    from webapp.models import ShiftSwap

    team = make_team()
    requester, colleague = make_employee(team=team), make_employee(team=team)
    make_shift(requester, NOV_16, "D")
    swap = ShiftSwap(site_id=requester.site_id, kind="offer", status="accepted",
                     requester_id=requester.id, requester_date=NOV_16,
                     colleague_id=colleague.id)  # fmt: skip
    session.add(swap)
    clock_at(colleague, "2026-11-16T07:55:00+08:00", "in")
    ledger.sync_unapproved_swaps(session, date(2026, 11, 22))
    (line,) = _lines(session, colleague)
    assert (line.rule_id, line.amount, line.date, line.source_type) == (
        "D-3",
        Decimal("-50.00"),
        NOV_16,
        "swap",
    )
    swap.status = "approved"
    ledger.sync_unapproved_swaps(session, date(2026, 11, 22))
    assert _lines(session, colleague) == []
