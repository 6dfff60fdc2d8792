"""The fewest agents at work per day that coverage needs (scheduler.headcount)."""

from __future__ import annotations

from scheduler_factories import make_problem

from scheduler.build import build_model
from scheduler.headcount import least_at_work

DAYTIME = {"from": "07:00", "to": "23:00", "min": 2}
LATE = {"from": "23:00", "to": "24:00", "min": 1}


def test_S2_two_all_day_and_one_at_night_need_five_shifts_a_day() -> None:
    """07:00–23:00 needs two on the early and two on the late shift (8 h each); 23:00–24:00
    one on the night shift, which starts that day: five agents at work every day."""
    problem = make_problem(days=7, agents=6, coverage=[DAYTIME, LATE])
    least = least_at_work(build_model(problem).variables)
    assert {least[None, d] for d in range(7)} == {5}


def test_S2_weekday_windows_and_skills_count_on_their_own_days() -> None:
    weekdays = {"from": "07:00", "to": "15:00", "min": 2, "weekdays": [0, 1, 2, 3, 4]}
    english = {"from": "09:00", "to": "12:00", "min": 1, "skill": "en", "weekdays": [0]}
    agents = [{"id": f"A{i}", "team": "T1", "skills": ["en"] if i < 2 else []} for i in range(4)]
    problem = make_problem(days=7, agents=agents, coverage=[weekdays, english])
    least = least_at_work(build_model(problem).variables)
    assert [least[None, d] for d in range(7)] == [2, 2, 2, 2, 2, 0, 0]
    assert [least["en", d] for d in range(7)] == [1, 0, 0, 0, 0, 0, 0]


def test_S3_an_agent_on_break_does_not_count_so_a_break_needs_one_more() -> None:
    """Two on duty 07:00–15:00 while each early shift takes an hour's break at 11:00, 12:00
    or 13:00: three early shifts, one on break at a time (with two options it takes four)."""
    lunch = {"shift": "E", "minutes": 60, "start_options": ["11:00", "12:00", "13:00"]}
    coverage = [{"from": "07:00", "to": "15:00", "min": 2}]
    problem = make_problem(days=7, agents=4, coverage=coverage, breaks=[lunch])
    least = least_at_work(build_model(problem).variables)
    assert {least[None, d] for d in range(7)} == {3}
    two_options = make_problem(
        days=7, agents=4, coverage=coverage, breaks=[{**lunch, "start_options": ["11:00", "12:00"]}]
    )
    assert {least_at_work(build_model(two_options).variables)[None, d] for d in range(7)} == {4}


def test_coverage_no_roster_can_meet_keeps_nobody_at_work() -> None:
    """00:00–07:00 of the first day can only be covered by a night before the horizon."""
    problem = make_problem(days=7, agents=4, coverage=[{"from": "00:00", "to": "07:00", "min": 1}])
    assert least_at_work(build_model(problem).variables) == {}
