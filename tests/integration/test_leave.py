"""Leave services: notice, routing, balances, decisions, proofs, coverage (SPEC §5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.roster_factories import MONDAY
from webapp.models import Employee, Roster, RosterAssignment
from webapp.models.leave import LeaveRequest, Notification
from webapp.services import (
    leave_coverage,
    leave_decisions,
    leave_requests,
    roster_problem,
    sick_proofs,
)
from webapp.services.errors import Forbidden, ServiceError
from webapp.services.leave_requests import LeaveForm

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PDF = b"%PDF-1.4\n%test proof\n"


def person(session: Session, code: str) -> Employee:
    employee = session.scalar(select(Employee).where(Employee.code == code))
    assert employee is not None
    return employee


def first_shift(session: Session, roster: Roster, code: str) -> RosterAssignment:
    """The agent's first working cell in the published roster."""
    cells = sorted(
        (c for c in roster.assignments if c.employee.code == code and c.kind == "shift"),
        key=lambda c: c.date,
    )
    assert cells, f"{code} has no shift"
    return cells[0]


def shift_times(cell: RosterAssignment) -> tuple[dt.datetime, dt.datetime]:
    """Naive site-local start and end of a cell's shift."""
    assert cell.shift_type is not None
    start = dt.datetime.combine(cell.date, cell.shift_type.start)
    end = dt.datetime.combine(cell.date, cell.shift_type.end)
    return start, end + dt.timedelta(days=1) if end <= start else end


def local(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=SHANGHAI)


def ask(
    session: Session, code: str, kind: str, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> LeaveRequest:
    return leave_requests.submit_request(
        session, person(session, code), LeaveForm(kind, start, end, "家里有事"), now=now
    )


def ask_temporary(session: Session, roster: Roster, code: str, hours: int) -> LeaveRequest:
    """`hours` of temporary leave from the start of the agent's first shift, asked a day ahead."""
    start, _ = shift_times(first_shift(session, roster, code))
    return ask(session, code, "temporary", start, start + dt.timedelta(hours=hours),
               local(start - dt.timedelta(days=1)))  # fmt: skip


def test_L2_personal_leave_less_than_a_day_ahead_is_refused(
    session: Session, published_roster: Roster
) -> None:
    cell = first_shift(session, published_roster, "A02")
    start, end = shift_times(cell)
    with pytest.raises(ServiceError) as refused:
        ask(session, "A02", "personal", start, end, local(start - dt.timedelta(hours=23)))
    assert refused.value.rule == "L-2" and refused.value.field == "start"
    assert "at least 1 day before the shift" in refused.value.message
    assert session.scalar(select(LeaveRequest)) is None


def test_L3_personal_leave_goes_to_the_director(session: Session, published_roster: Roster) -> None:
    cell = first_shift(session, published_roster, "A02")
    start, end = shift_times(cell)
    request = ask(session, "A02", "personal", start, end, local(start - dt.timedelta(days=2)))
    assert request.route_role == "director"
    assert request.approver_id == person(session, "DR01").id
    assert request.days == Decimal("1.00")
    inbox = session.scalars(
        select(Notification).where(Notification.employee_id == request.approver_id)
    ).all()
    assert len(inbox) == 1


def test_L3_two_hours_of_temporary_leave_go_to_the_team_lead(
    session: Session, published_roster: Roster
) -> None:
    request = ask_temporary(session, published_roster, "A03", hours=2)
    assert request.route_role == "lead"
    assert request.approver_id == person(session, "L01").id
    assert Decimal("0") < request.days < Decimal("0.5")


def test_L2_sick_leave_30_minutes_before_the_shift_is_sudden(
    session: Session, published_roster: Roster
) -> None:
    cell = first_shift(session, published_roster, "A04")
    start, end = shift_times(cell)
    request = ask(session, "A04", "sick", start, end, local(start - dt.timedelta(minutes=30)))
    assert request.sudden and request.status == "pending"
    early = first_shift(session, published_roster, "A05")
    s5, e5 = shift_times(early)
    calm = ask(session, "A05", "sick", s5, e5, local(s5 - dt.timedelta(hours=2)))
    assert not calm.sudden


def test_L1_annual_leave_beyond_the_balance_is_refused_with_the_figures(
    session: Session, published_roster: Roster
) -> None:
    cell = first_shift(session, published_roster, "A06")
    start, end = shift_times(cell)
    now = local(start - dt.timedelta(days=3))
    with pytest.raises(ServiceError) as refused:
        ask(session, "A06", "annual", start, end, now)
    assert refused.value.rule == "L-1"
    assert "needs 1.00 days but the balance is 0.00 days" in refused.value.message
    hr = session.scalar(select(Employee).where(Employee.code == "DR01"))
    assert hr is not None
    hr.roles = {"director", "hr"}
    leave_requests.grant_days(
        session,
        hr,
        person(session, "A06").id,
        "annual",
        start.year,
        Decimal("5"),
        "2026 entitlement",
    )
    granted = ask(session, "A06", "annual", start, end, now)
    assert granted.status == "pending"
    balance = leave_requests.balance(session, person(session, "A06").id, "annual", start.year)
    assert balance == Decimal("4.00")


def test_L1_overlapping_requests_are_refused(session: Session, published_roster: Roster) -> None:
    cell = first_shift(session, published_roster, "A07")
    start, end = shift_times(cell)
    now = local(start - dt.timedelta(days=3))
    ask(session, "A07", "personal", start, end, now)
    with pytest.raises(ServiceError) as refused:
        ask(session, "A07", "sick", start + dt.timedelta(hours=1), end, now)
    assert "overlaps leave request" in refused.value.message and refused.value.rule == "L-1"


def test_L3_nobody_decides_their_own_leave_and_leads_only_their_team(
    session: Session, published_roster: Roster, make_employee: object
) -> None:
    request = ask_temporary(session, published_roster, "A02", hours=1)
    with pytest.raises(Forbidden):
        leave_decisions.decide(session, person(session, "A02"), request.id, True, "")
    other_team_lead = make_employee(roles=("lead",), site=published_roster.site)  # type: ignore[operator]
    with pytest.raises(Forbidden):
        leave_decisions.decide(session, other_team_lead, request.id, True, "")
    assert request.status == "pending"


def test_L3_a_second_decision_is_told_it_is_already_decided(
    session: Session, published_roster: Roster
) -> None:
    request = ask_temporary(session, published_roster, "A02", hours=1)
    seen = request.version
    leave_decisions.decide(session, person(session, "L01"), request.id, True, "ok", seen)
    with pytest.raises(leave_decisions.AlreadyDecided):
        leave_decisions.decide(session, person(session, "DR01"), request.id, False, "no", seen)
    assert request.status == "approved" and request.decided_by_id == person(session, "L01").id


def test_L3_rejection_needs_a_comment(session: Session, published_roster: Roster) -> None:
    cell = first_shift(session, published_roster, "A02")
    start, end = shift_times(cell)
    request = ask(session, "A02", "personal", start, end, local(start - dt.timedelta(days=2)))
    with pytest.raises(ServiceError) as refused:
        leave_decisions.decide(session, person(session, "DR01"), request.id, False, " ")
    assert refused.value.field == "comment"


def test_L3_requests_route_to_the_delegate_while_the_lead_is_away(
    session: Session, published_roster: Roster
) -> None:
    lead, director = person(session, "L01"), person(session, "DR01")
    # Around the day the request is made (the day before the roster's first shift), not the
    # wall clock's: from 2026-11-23 UTC "today" no longer covered it.
    asked_on = published_roster.first_date - dt.timedelta(days=7)
    leave_decisions.delegate(session, lead, director.id, asked_on,
                             asked_on + dt.timedelta(days=30))  # fmt: skip
    request = ask_temporary(session, published_roster, "A03", hours=1)
    assert request.approver_id == director.id


def test_R6_approved_leave_blocks_rostering_that_day(
    session: Session, published_roster: Roster
) -> None:
    cell = first_shift(session, published_roster, "A02")
    start, end = shift_times(cell)
    request = ask(session, "A02", "personal", start, end, local(start - dt.timedelta(days=2)))
    site = published_roster.site
    bundle = roster_problem.build_problem(session, site, MONDAY, 7)
    assert all(u.date != cell.date for u in bundle.problem.unavailable)
    leave_decisions.decide(session, person(session, "DR01"), request.id, True, "")
    bundle = roster_problem.build_problem(session, site, MONDAY, 7)
    code = bundle.codes[person(session, "A02").id]
    assert any(u.agent == code and u.date == cell.date for u in bundle.problem.unavailable)


def test_L5_impact_shows_the_day_without_the_agent(
    session: Session, published_roster: Roster
) -> None:
    cell = first_shift(session, published_roster, "A02")
    start, end = shift_times(cell)
    request = ask(session, "A02", "personal", start, end, local(start - dt.timedelta(days=2)))
    impact = leave_coverage.impact(session, request)
    assert impact.published and [d.date for d in impact.days] == [cell.date]
    day = impact.days[0]
    assert day.before != day.after
    assert all(gap.startswith(cell.date.isoformat()) for gap in day.new_gaps)


def test_L4_proof_type_and_access_are_checked(
    session: Session, published_roster: Roster, tmp_path: Path, make_employee: object
) -> None:
    cell = first_shift(session, published_roster, "A04")
    start, end = shift_times(cell)
    request = ask(session, "A04", "sick", start, end, local(start - dt.timedelta(minutes=10)))
    agent = person(session, "A04")
    with pytest.raises(ServiceError) as refused:
        sick_proofs.upload_proof(session, agent, request.id, "x.exe", b"MZ\x90", tmp_path)
    assert refused.value.rule == "L-4"
    with pytest.raises(Forbidden):
        sick_proofs.upload_proof(
            session, person(session, "A05"), request.id, "p.pdf", PDF, tmp_path
        )
    proof = sick_proofs.upload_proof(session, agent, request.id, "../../etc/p.pdf", PDF, tmp_path)
    session.flush()
    stored = sick_proofs.read_proof(session, person(session, "L01"), proof.id, tmp_path)
    assert stored.path.read_bytes() == PDF and stored.download_name == "p.pdf"
    assert stored.path.parent == tmp_path / "proofs"
    hr = make_employee(roles=("hr",), site=published_roster.site)  # type: ignore[operator]
    assert sick_proofs.read_proof(session, hr, proof.id, tmp_path).content_type == "application/pdf"
    with pytest.raises(Forbidden):
        sick_proofs.read_proof(session, person(session, "A05"), proof.id, tmp_path)


def test_L4_missing_proof_after_the_deadline_is_listed_for_D3(
    session: Session, published_roster: Roster, tmp_path: Path
) -> None:
    cell = first_shift(session, published_roster, "A04")
    start, end = shift_times(cell)
    request = ask(session, "A04", "sick", start, end, local(start - dt.timedelta(minutes=10)))
    leave_decisions.decide(session, person(session, "DR01"), request.id, True, "")
    deadline = sick_proofs.proof_deadline(request)
    assert deadline == end.date() + dt.timedelta(days=3)
    assert sick_proofs.missing_proofs(session, deadline) == []
    assert sick_proofs.send_reminders(session, deadline) == 1
    assert sick_proofs.missing_proofs(session, deadline + dt.timedelta(days=1)) == [request]


def test_L5_approve_and_reroster_moves_few_agents_and_respects_the_leave(
    session: Session, published_roster: Roster
) -> None:
    from tests.integration.test_roster_jobs import _unit
    from webapp.services import leave_reroster, roster_jobs
    from webapp.services import roster as roster_service

    cell = first_shift(session, published_roster, "A02")
    start, end = shift_times(cell)
    request = ask(session, "A02", "personal", start, end, local(start - dt.timedelta(days=2)))
    director = person(session, "DR01")
    job = leave_reroster.approve_and_reroster(session, director, request.id, "", request.version)
    assert request.status == "approved" and job.base_roster_id == published_roster.id
    roster_jobs.run_job(_unit(session), job.id)
    assert job.status == "done", job.error
    draft = roster_service.get_roster(session, job.roster_id)  # type: ignore[arg-type]
    new = {(c.employee.code, c.date): c for c in draft.assignments}
    assert new["A02", cell.date].kind != "shift"
    old = {(c.employee.code, c.date): c for c in published_roster.assignments}
    moved = [
        key
        for key, c in new.items()
        if (c.kind, c.shift_type_id) != (old[key].kind, old[key].shift_type_id)
    ]
    # only a handful of cells change around the one freed shift.
    assert 1 <= len(moved) <= 8


def test_L5_reroster_needs_a_director_and_a_published_roster(
    session: Session, published_roster: Roster
) -> None:
    from webapp.services import leave_reroster

    request = ask_temporary(session, published_roster, "A02", hours=1)
    with pytest.raises(Forbidden):
        leave_reroster.approve_and_reroster(session, person(session, "L01"), request.id, "", None)
    assert request.status == "pending"
