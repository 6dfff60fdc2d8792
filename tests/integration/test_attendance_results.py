"""Shift results kept current in the same transaction as each change (A-2…A-5, A-7, L-1)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from attendance.model import LeaveRequest, LeaveStatus, LeaveType
from webapp.models import AuditEntry, ClockEvent, Incident, ShiftAttendance
from webapp.services import attendance_results as results
from webapp.services import corrections
from webapp.services.errors import Forbidden, ServiceError

DAY = date(2026, 11, 16)


def _result(session, employee, day=DAY):
    return session.scalar(select(ShiftAttendance).where(
        ShiftAttendance.employee_id == employee.id, ShiftAttendance.date == day))  # fmt: skip


def _kinds(row):
    return [(f["kind"], f["tier"], f["minutes"]) for f in row.findings]


@pytest.fixture
def team_pair(make_team, make_employee):
    team = make_team()
    return make_employee(team=team), make_employee(("lead",), team=team)


def test_A3_late_11_minutes_is_fined_and_on_time_clock_out_adds_nothing(
    session, make_employee, make_shift, clock_at
):
    agent = make_employee()
    make_shift(agent, DAY, "E")  # 07:30–16:00
    clock_at(agent, "2026-11-16T07:40:30+08:00", "in")
    clock_at(agent, "2026-11-16T16:01:00+08:00", "out")
    assert _kinds(_result(session, agent)) == [("late", "fined", 11)]


def test_A4_late_over_30_minutes_is_half_day_absence(session, make_employee, make_shift, clock_at):
    agent = make_employee()
    make_shift(agent, DAY, "E")
    clock_at(agent, "2026-11-16T08:01:00+08:00", "in")
    clock_at(agent, "2026-11-16T16:00:00+08:00", "out")
    row = _result(session, agent)
    assert _kinds(row) == [("late", "half_day_absence", 31)]
    assert row.absence_half_days == 1


def test_A4_missing_clock_out_is_flagged_not_absence(session, make_employee, make_shift, clock_at):
    agent = make_employee()
    make_shift(agent, DAY, "E")
    clock_at(agent, "2026-11-16T07:10:00+08:00", "in")
    row = _result(session, agent)
    assert _kinds(row) == [("missing_clock_out", "flagged", 0)]
    assert row.absence_half_days == 0


def test_A5_clock_in_inside_handover_is_on_time_with_missed_handover(
    session, make_employee, make_shift, clock_at
):
    agent = make_employee()
    make_shift(agent, DAY, "E")
    clock_at(agent, "2026-11-16T07:25:00+08:00", "in")
    clock_at(agent, "2026-11-16T16:00:00+08:00", "out")
    assert _kinds(_result(session, agent)) == [("missed_handover", "recorded", 10)]


def test_A3_thresholds_are_site_settings(session, make_site, make_employee, make_shift, clock_at):
    site = make_site()
    site.settings = {"grace_minutes": 15}
    agent = make_employee(site=site)
    make_shift(agent, DAY, "E")
    clock_at(agent, "2026-11-16T07:42:00+08:00", "in")
    assert ("late", "recorded", 12) in _kinds(_result(session, agent))


def test_A3_off_post_break_beyond_allowance(session, make_employee, make_shift, clock_at):
    agent = make_employee()
    make_shift(agent, DAY, "E")
    clock_at(agent, "2026-11-16T07:10:00+08:00", "in")
    clock_at(agent, "2026-11-16T10:00:00+08:00", "break_out")
    clock_at(agent, "2026-11-16T10:20:00+08:00", "break_in")
    clock_at(agent, "2026-11-16T16:00:00+08:00", "out")
    assert _kinds(_result(session, agent)) == [("off_post", "fined", 15)]


def test_A4_recompute_of_a_rostered_shift_without_events_is_a_no_show(session, make_employee,
                                                                      make_shift):  # fmt: skip
    agent = make_employee()
    make_shift(agent, DAY, "E")
    results.recompute(session, {agent.id: {DAY}})
    row = _result(session, agent)
    assert _kinds(row) == [("no_show", "full_day_absence", 510)]
    assert row.absence_half_days == 2


def test_L1_approved_leave_passed_in_is_honoured(session, make_employee, make_shift):
    agent = make_employee()
    make_shift(agent, DAY, "E")
    leave = LeaveRequest("L1", str(agent.id), LeaveType.ANNUAL,
                         datetime.fromisoformat("2026-11-16T07:00:00+08:00"),
                         datetime.fromisoformat("2026-11-16T17:00:00+08:00"),
                         LeaveStatus.APPROVED)  # fmt: skip
    results.recompute(session, {agent.id: {DAY}}, leaves=[leave])
    assert _kinds(_result(session, agent)) == [("on_leave", "recorded", 510)]


def test_A2_only_affected_shifts_are_recomputed(session, make_employee, make_shift, clock_at):
    agent = make_employee()
    make_shift(agent, DAY, "E")
    far = make_shift(agent, date(2026, 11, 19), "E")
    results.recompute(session, {agent.id: {far.date}})
    before = _result(session, agent, far.date).computed_at
    clock_at(agent, "2026-11-16T07:10:00+08:00", "in")
    assert _result(session, agent, far.date).computed_at == before
    assert _result(session, agent).clock_in is not None


def test_A2_roster_change_removes_the_result_of_a_date_without_shift(session, make_employee,
                                                                     make_shift):  # fmt: skip
    agent = make_employee()
    cell = make_shift(agent, DAY, "E")
    results.recompute(session, {agent.id: {DAY}})
    cell.roster.status = "discarded"
    session.flush()
    results.recompute(session, {agent.id: results.dates_around(DAY)})
    assert _result(session, agent) is None


def test_A7_lead_correction_recomputes_and_keeps_the_original_in_the_audit_log(
    session, team_pair, make_shift, clock_at
):
    agent, lead = team_pair
    make_shift(agent, DAY, "E")
    event = clock_at(agent, "2026-11-16T07:50:00+08:00", "in")
    clock_at(agent, "2026-11-16T16:00:00+08:00", "out")
    assert _kinds(_result(session, agent))[0][0] == "late"
    corrections.correct_event(session, lead, event.id, "in",
                              datetime.fromisoformat("2026-11-16T07:10:00+08:00"),
                              "terminal clock was 40 min fast")  # fmt: skip
    assert _kinds(_result(session, agent)) == []
    entry = session.scalar(
        select(AuditEntry).where(AuditEntry.action == "attendance.correct_event")
    )
    assert entry.before["at"].startswith("2026-11-15T23:50")
    assert entry.after["correction_reason"] == "terminal clock was 40 min fast"


def test_A7_correction_needs_a_reason_and_the_lead_of_the_team(
    session, team_pair, make_employee, clock_at
):
    agent, lead = team_pair
    event = clock_at(agent, "2026-11-16T07:50:00+08:00", "in")
    stranger = make_employee(("lead",), site=agent.site)
    when = datetime.fromisoformat("2026-11-16T07:10:00+08:00")
    with pytest.raises(ServiceError, match="reason"):
        corrections.correct_event(session, lead, event.id, "in", when, " ")
    with pytest.raises(Forbidden):
        corrections.correct_event(session, stranger, event.id, "in", when, "because")
    with pytest.raises(Forbidden):
        corrections.correct_event(session, agent, event.id, "in", when, "because")
    assert session.get(ClockEvent, event.id).at == datetime.fromisoformat(
        "2026-11-16T07:50:00+08:00")  # fmt: skip


def test_A7_approved_regularisation_adds_the_missing_clock_out(
    session, team_pair, make_shift, clock_at
):
    agent, lead = team_pair
    make_shift(agent, DAY, "E")
    clock_at(agent, "2026-11-16T07:10:00+08:00", "in")
    request = corrections.request_correction(
        session, agent, "out", datetime.fromisoformat("2026-11-16T16:02:00+08:00"),
        "forgot to clock out")  # fmt: skip
    assert corrections.pending_requests(session, lead) == [request]
    corrections.decide_correction(session, lead, request.id, approve=True)
    assert _kinds(_result(session, agent)) == []
    with pytest.raises(ServiceError, match="already approved"):
        corrections.decide_correction(session, lead, request.id, approve=False)


def test_A7_rejected_regularisation_changes_no_event(session, team_pair, make_shift, clock_at):
    agent, lead = team_pair
    make_shift(agent, DAY, "E")
    clock_at(agent, "2026-11-16T07:10:00+08:00", "in")
    request = corrections.request_correction(
        session, agent, "out", datetime.fromisoformat("2026-11-16T16:02:00+08:00"), "forgot"
    )
    corrections.decide_correction(session, lead, request.id, approve=False, note="no proof")
    assert request.status == "rejected"
    assert _kinds(_result(session, agent)) == [("missing_clock_out", "flagged", 0)]


def test_A6_lead_confirms_a_proxy_flag_once_and_D4_applies_to_both(
    session, team_pair, make_employee, make_device, clock_at
):
    agent, lead = team_pair
    other = make_employee(team=agent.team)
    device, _ = make_device(agent.site_id)
    clock_at(agent, "2026-11-16T07:50:00+08:00", "in", device)
    clock_at(other, "2026-11-16T07:50:20+08:00", "in", device)
    [flag] = corrections.pending_flags(session, lead)
    corrections.decide_flag(session, lead, flag.id, confirm=True)
    assert flag.status == "confirmed"
    d4 = session.scalars(select(Incident).where(Incident.rule_id == "D-4")).all()
    assert sorted(i.employee_id for i in d4) == sorted([agent.id, other.id])
    assert corrections.pending_flags(session, lead) == []
    with pytest.raises(ServiceError, match="already confirmed"):
        corrections.decide_flag(session, lead, flag.id, confirm=False)
    with pytest.raises(Forbidden):
        corrections.decide_flag(session, agent, flag.id, confirm=False)


def test_A2_republished_roster_moves_the_events_to_the_new_shift(
    session, make_employee, make_shift, clock_at
):
    agent = make_employee()
    make_shift(agent, DAY, "E")  # 07:30–16:00
    clock_at(agent, "2026-11-16T12:55:00+08:00", "in")
    assert _kinds(_result(session, agent))[0][:2] == ("late", "half_day_absence")
    cell = make_shift(agent, DAY, "M")  # republished: 13:00–21:00, published later wins
    results.recompute_cells(session, [(agent.id, cell.date)])
    row = _result(session, agent)
    assert (row.shift_code, _kinds(row)) == ("M", [("missed_handover", "recorded", 10),
                                                  ("missing_clock_out", "flagged", 0)])  # fmt: skip


def test_A2_a_new_event_reclassifies_only_the_shift_it_belongs_to(
    session, make_employee, make_shift, clock_at
):
    agent = make_employee()
    make_shift(agent, DAY, "E")
    next_day = make_shift(agent, date(2026, 11, 17), "E")
    results.recompute(session, {agent.id: {DAY, next_day.date}})
    before = _result(session, agent, next_day.date).computed_at
    clock_at(agent, "2026-11-16T15:59:00+08:00", "out")
    assert _result(session, agent, next_day.date).computed_at == before
    assert _kinds(_result(session, agent))[0][0] == "missing_clock_in"
