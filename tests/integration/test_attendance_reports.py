"""The live daily sheet and statistics (A-8), with a fixed 'now'."""

from __future__ import annotations

from datetime import date, datetime

from attendance.reports import Granularity
from webapp.services import attendance_reports, org

DAY = date(2026, 11, 16)


def _now(text):
    return datetime.fromisoformat(text)


def test_A8_daily_sheet_states_now(session, make_team, make_employee, make_shift, clock_at):
    team = make_team()
    on_duty, on_break, missing, later = (make_employee(team=team, code=f"S{n}") for n in range(4))
    for person in (on_duty, on_break, missing):
        make_shift(person, DAY, "E")  # 07:30–16:00
    make_shift(later, DAY, "M")  # 13:00–21:00
    clock_at(on_duty, "2026-11-16T07:41:00+08:00", "in")
    clock_at(on_break, "2026-11-16T07:20:00+08:00", "in")
    clock_at(on_break, "2026-11-16T09:58:00+08:00", "break_out")
    sheet = attendance_reports.daily_sheet(session, team, DAY, _now("2026-11-16T10:00:00+08:00"))
    by_code = {row.employee.code: row for row in sheet}
    assert by_code["S0"].status == "on_duty" and by_code["S0"].late_minutes == 11
    assert by_code["S1"].status == "on_break" and by_code["S1"].late_minutes == 0
    assert by_code["S2"].status == "not_arrived" and by_code["S2"].late_minutes == 150
    assert by_code["S3"].status == "upcoming" and by_code["S3"].late_minutes == 0


def test_A8_statistics_per_team_and_month_count_late_and_absent(
    session, make_team, make_employee, make_shift, clock_at
):
    team = make_team()
    late, absent = make_employee(team=team), make_employee(team=team)
    make_shift(late, DAY, "E")
    make_shift(absent, DAY, "E")
    clock_at(late, "2026-11-16T07:45:00+08:00", "in")
    clock_at(late, "2026-11-16T16:00:00+08:00", "out")
    rows = attendance_reports.statistics(session, team.site, "team", Granularity.MONTH,
                                         date(2026, 11, 1), date(2026, 11, 21))  # fmt: skip
    assert [(r.group, r.period) for r in rows] == [(team.name, "2026-11")]
    stats = rows[0].stats
    assert (stats.shifts, stats.late, stats.fined, stats.absent_days) == (2, 1, 1, 1)
    assert attendance_reports.lateness_trend(rows) == [("2026-11", 1)]


def test_A8_coverage_counts_agents_present_through_each_slot(
    session, make_employee, make_shift, clock_at
):
    agent = make_employee()
    org.add_coverage(session, None, agent.site_id, weekdays="0123456", on_date=None,
                     from_minute=8 * 60, to_minute=12 * 60, minimum=2, skill=None)  # fmt: skip
    make_shift(agent, DAY, "E")
    clock_at(agent, "2026-11-16T07:20:00+08:00", "in")
    clock_at(agent, "2026-11-16T16:00:00+08:00", "out")
    slots = attendance_reports.coverage(session, agent.site, DAY)
    eight = next(s for s in slots if s.slot_start == _now("2026-11-16T08:00:00+08:00"))
    assert (eight.required, eight.achieved, eight.shortfall) == (2, 1, 1)
    assert len(slots) == 48
