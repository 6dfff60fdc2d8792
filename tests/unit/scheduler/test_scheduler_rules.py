"""Hard rules R-1 … R-8, R-12: each holds in solved rosters and the checker flags a breach."""

from __future__ import annotations

import datetime as dt

from scheduler_factories import (
    START,
    day,
    make_problem,
    make_roster,
    row_of,
    rules_broken,
    solve_checked,
)

from scheduler.problem import Assignment
from scheduler.result import Result, Status

WANT_ALL = [{"date": day(i), "shift": "E", "requirement": 3, "under_weight": 100} for i in range(7)]


def test_R1_one_shift_per_day() -> None:
    problem = make_problem(days=2, agents=2, shift_cover=WANT_ALL[:2])
    result = solve_checked(problem)
    pairs = [(a.agent, a.date) for a in result.assignments]
    assert len(pairs) == len(set(pairs))
    double = Result(
        Status.FEASIBLE,
        assignments=(Assignment("A01", START, "E"), Assignment("A01", START, "L")),
    )
    assert "R-1" in rules_broken(problem, double)


def test_R2_coverage_counts_agents_on_duty_in_every_slot() -> None:
    coverage = [{"from": "07:00", "to": "24:00", "min": 1}]
    problem = make_problem(days=2, agents=4, coverage=coverage)
    result = solve_checked(problem)
    assert result.status is Status.OPTIMAL
    for i in range(2):
        shifts = {a.shift for a in result.assignments if a.date.isoformat() == day(i)}
        assert shifts == {"E", "L", "N"}
    broken = make_roster(problem, {"A01": "EE", "A02": "LL", "A03": "--", "A04": "--"})
    assert "R-2" in rules_broken(problem, broken)


def test_R3_no_more_than_six_days_in_a_row_across_weeks() -> None:
    agents = [
        {"id": "A01", "team": "T1", "history": {"days_worked_in_a_row": 5}},
        {"id": "A02", "team": "T1"},
        {"id": "A03", "team": "T1"},
    ]
    problem = make_problem(agents=agents, shift_cover=WANT_ALL)
    result = solve_checked(problem)
    assert "-" in row_of(result, "A01", 7)[:2]
    worked_on = make_roster(problem, {"A01": "EE-----", "A02": "-EEEEEE", "A03": "EE-EEEE"})
    assert "R-3" in rules_broken(problem, worked_on)


def test_R4_at_most_one_agent_of_a_team_rests_per_day() -> None:
    quick = {"weights": {"fairness_hours": 0, "target_hours": 0}}
    problem = make_problem(agents=4, rules=quick)
    result = solve_checked(problem)
    rests_per_day: dict[dt.date, int] = {}
    for rest in result.rest_days:
        rests_per_day[rest.date] = rests_per_day.get(rest.date, 0) + 1
    assert max(rests_per_day.values()) <= 1
    two_off = make_roster(
        problem, {"A01": "-EEEEEE", "A02": "-EEEEEE", "A03": "EEEEEE-", "A04": "E-EEEEE"}
    )
    assert "R-4" in rules_broken(problem, two_off)


def test_R4_leave_does_not_count_as_a_rest_day() -> None:
    leave = [{"agent": "A01", "date": day(0)}]
    problem = make_problem(agents=3, unavailable=leave)
    result = solve_checked(problem)
    assert result.status is Status.OPTIMAL
    assert all(r.date != START for r in result.rest_days if r.agent == "A01")


def test_R5_rest_between_shifts_also_after_the_previous_roster() -> None:
    agents = [
        {"id": "A01", "team": "T1", "history": {"last_shift_end": f"{day(0)}T07:00"}},
        {"id": "A02", "team": "T1"},
    ]
    problem = make_problem(days=2, agents=agents, shift_cover=WANT_ALL[:2])
    result = solve_checked(problem)
    assert row_of(result, "A01", 2)[0] in "-LN"
    night_then_early = make_roster(problem, {"A01": "NE", "A02": "EE"})
    assert "R-5" in rules_broken(problem, night_then_early)


def test_R6_leave_blocks_assignment() -> None:
    leave = [{"agent": "A01", "date": day(1), "reason": "sick"}]
    problem = make_problem(days=3, agents=2, unavailable=leave, shift_cover=WANT_ALL[:3])
    result = solve_checked(problem)
    assert row_of(result, "A01", 3)[1] == "-"
    assert "R-6" in rules_broken(problem, make_roster(problem, {"A01": "EEE", "A02": "EEE"}))


def test_R7_only_qualified_agents_count_for_a_skill() -> None:
    agents = [
        {"id": "A01", "team": "T1", "skills": ["en"]},
        {"id": "A02", "team": "T1"},
        {"id": "A03", "team": "T1"},
    ]
    coverage = [{"weekdays": [0], "from": "09:00", "to": "12:00", "min": 1, "skill": "en"}]
    problem = make_problem(days=1, agents=agents, coverage=coverage)
    result = solve_checked(problem)
    assert row_of(result, "A01", 1) == "E"
    unqualified = make_roster(problem, {"A01": "-", "A02": "E", "A03": "E"})
    assert "R-2" in rules_broken(problem, unqualified)


def test_R7_a_shift_that_needs_a_skill_goes_only_to_qualified_agents() -> None:
    data_shift = {"code": "S", "name": "督导", "start": "08:00", "end": "16:00", "skill": "lead"}
    agents = [{"id": "A01", "team": "T1", "skills": ["lead"]}, {"id": "A02", "team": "T1"}]
    cover = [{"date": day(0), "shift": "S", "requirement": 2, "under_weight": 100}]
    problem = make_problem(days=1, agents=agents, shift_cover=cover, shift_types=[data_shift])
    result = solve_checked(problem)
    assert [a.agent for a in result.assignments] == ["A01"]
    assert "R-7" in rules_broken(problem, make_roster(problem, {"A01": "-", "A02": "S"}))


def test_R8_every_rest_day_names_a_working_colleague_of_the_team() -> None:
    problem = make_problem(agents=3)
    result = solve_checked(problem)
    working = {(a.agent, a.date) for a in result.assignments}
    assert result.rest_days
    for rest in result.rest_days:
        assert rest.cover != rest.agent and (rest.cover, rest.date) in working
    both_off = make_roster(problem, {"A01": "-EEEEEE", "A02": "E-EEEEE", "A03": "EE-EEEE"})
    both_off = Result(
        Status.FEASIBLE,
        assignments=both_off.assignments,
        rest_days=tuple(
            r if r.agent != "A01" else r.__class__("A01", START, "A01") for r in both_off.rest_days
        ),
    )
    assert "R-8" in rules_broken(problem, both_off)


def test_R12_weekly_hours_never_above_the_maximum() -> None:
    agents = [{"id": f"A0{i}", "team": "T1", "max_hours_week": 32} for i in range(1, 4)]
    problem = make_problem(agents=agents, shift_cover=WANT_ALL)
    result = solve_checked(problem)
    for agent in ("A01", "A02", "A03"):
        assert sum(c != "-" for c in row_of(result, agent, 7)) <= 4
    five_days = make_roster(problem, {"A01": "EEEEE--", "A02": "--EEEE-", "A03": "E----EE"})
    assert "R-12" in rules_broken(problem, five_days)


def test_fixed_assignments_appear_in_the_roster() -> None:
    fixed = [{"agent": "A02", "date": day(1), "shift": "N"}]
    problem = make_problem(days=3, agents=3, fixed=fixed)
    result = solve_checked(problem)
    assert row_of(result, "A02", 3)[1] == "N"
    assert "fixed" in rules_broken(
        problem, make_roster(problem, {"A01": "EEE", "A02": "EEE", "A03": "EEE"})
    )


def test_S2_the_previous_night_covers_the_first_morning_and_night_shifts_cross_midnight() -> None:
    agents = [
        {"id": "A01", "team": "T1", "history": {"last_shift_end": f"{day(0)}T07:00"}},
        {"id": "A02", "team": "T1"},
        {"id": "A03", "team": "T1"},
        {"id": "A04", "team": "T1"},
    ]
    coverage = [{"from": "00:00", "to": "24:00", "min": 1}]
    problem = make_problem(days=2, agents=agents, coverage=coverage)
    result = solve_checked(problem)
    assert result.status is Status.OPTIMAL
    assert row_of(result, "A01", 2)[0] in "-LN"
    nights = [a for a in result.assignments if a.shift == "N" and a.date == START]
    assert nights, "day 1 00:00–07:00 can only be covered by the night shift of day 0"
    no_history = make_problem(days=2, agents=4, coverage=coverage)
    broken = make_roster(no_history, {"A01": "-L", "A02": "EN", "A03": "LE", "A04": "N-"})
    assert "R-2" in rules_broken(no_history, broken)
    assert "R-2" not in rules_broken(problem, broken)


def test_checker_reports_unknown_agents_and_shifts_as_format_errors() -> None:
    problem = make_problem(days=1, agents=1)
    stray = Result(Status.FEASIBLE, assignments=(Assignment("Z9", START, "Q"),))
    assert rules_broken(problem, stray) == {"format"}


def test_R7_a_day_without_any_allowed_shift_is_a_rest_day_under_R4() -> None:
    lead_only = [{"code": "S", "name": "督导", "start": "08:00", "end": "16:00", "skill": "lead"}]
    agents = [{"id": "A01", "team": "T1"}, {"id": "A02", "team": "T1", "skills": ["lead"]}]
    problem = make_problem(days=2, agents=agents, shift_types=lead_only)
    result = solve_checked(problem)
    assert result.status is Status.OPTIMAL
    assert row_of(result, "A02", 2) == "SS"
    assert {r.agent for r in result.rest_days} == {"A01"}
