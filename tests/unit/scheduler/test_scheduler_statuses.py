"""Statuses of FORMATS §2 and the explanations in words (rules, people, dates)."""

from __future__ import annotations

import datetime as dt

from scheduler_factories import day, make_problem, solve_checked

from scheduler.result import Status, Uncovered


def test_optimal_when_every_hard_rule_holds() -> None:
    result = solve_checked(make_problem(days=3, agents=3))
    assert result.status is Status.OPTIMAL
    assert result.objective == result.bound
    assert result.explanation == ()


def test_understaffed_lists_merged_uncovered_windows() -> None:
    coverage = [{"from": "08:00", "to": "12:00", "min": 3}]
    problem = make_problem(days=1, agents=2, coverage=coverage, rules={"require_cover": False})
    result = solve_checked(problem)
    assert result.status is Status.UNDERSTAFFED
    assert result.uncovered == (Uncovered(dt.date(2026, 11, 23), dt.time(8), dt.time(12), None, 1),)
    assert "R-2" in result.explanation[0]


def test_understaffed_explains_leave_that_leaves_a_skill_uncoverable() -> None:
    agents = [
        {"id": "A01", "team": "T1", "skills": ["en"]},
        {"id": "A02", "team": "T1", "skills": ["en"]},
        {"id": "A03", "team": "T1"},
    ]
    leave = [{"agent": "A01", "date": day(0)}, {"agent": "A02", "date": day(0)}]
    coverage = [{"weekdays": [0], "from": "09:00", "to": "12:00", "min": 1, "skill": "en"}]
    problem = make_problem(days=1, agents=agents, coverage=coverage, unavailable=leave)
    result = solve_checked(problem)
    assert result.status is Status.UNDERSTAFFED
    assert result.uncovered[0].skill == "en"
    words = " ".join(result.explanation)
    assert "skill en" in words and "A01, A02" in words and "2026-11-23" in words


def test_infeasible_team_too_large_for_weekly_rest_with_one_off_per_day() -> None:
    result = solve_checked(make_problem(days=7, agents=10))
    assert result.status is Status.INFEASIBLE
    assert result.assignments == ()
    words = result.explanation[0]
    assert words.startswith("team T1: 10 agents (A01, A02")
    assert "each need a rest day in 2026-11-23…29 (R-3)" in words
    assert "at most 1 may rest per day (R-4): 7 < 10" in words


def test_infeasible_history_forces_rests_that_one_off_per_day_cannot_give() -> None:
    agents = [
        {"id": "A01", "team": "T1", "history": {"days_worked_in_a_row": 6}},
        {"id": "A02", "team": "T1", "history": {"days_worked_in_a_row": 6}},
        {"id": "A03", "team": "T1"},
    ]
    result = solve_checked(make_problem(days=3, agents=agents))
    assert result.status is Status.INFEASIBLE
    words = result.explanation[0]
    assert (
        "2 agents (A01, A02) must rest on 2026-11-23" in words and "R-3" in words and "R-4" in words
    )


def test_infeasible_fixed_assignments_that_break_rest_between_shifts() -> None:
    fixed = [
        {"agent": "A01", "date": day(0), "shift": "N"},
        {"agent": "A01", "date": day(1), "shift": "E"},
    ]
    result = solve_checked(make_problem(days=2, agents=3, fixed=fixed))
    assert result.status is Status.INFEASIBLE
    assert "A01: fixed E on 2026-11-24" in result.explanation[0]
    assert "(R-5)" in result.explanation[0]


def test_infeasible_fixed_assignments_that_break_weekly_rest() -> None:
    fixed = [{"agent": "A02", "date": day(i), "shift": "E"} for i in range(7)]
    result = solve_checked(make_problem(days=7, agents=3, fixed=fixed))
    assert result.status is Status.INFEASIBLE
    assert result.explanation == (
        "A02: fixed shifts make 7 working days in a row (2026-11-23…2026-11-29), "
        "at most 6 allowed (R-3)",
    )


def test_infeasible_conflict_found_by_the_unsat_core_names_rules_people_dates() -> None:
    agents = [{"id": "A01", "team": "T1"}, {"id": "A02", "team": "T1"}, {"id": "S01", "team": "T2"}]
    result = solve_checked(make_problem(days=7, agents=agents))
    assert result.status is Status.INFEASIBLE
    words = result.explanation[0]
    assert "weekly rest (R-3) for S01" in words
    assert "cover person (R-8) for team T2 on 2026-11-" in words


def test_infeasible_core_names_a_fixed_assignment_against_the_team_rest_cap() -> None:
    fixed = [{"agent": "A01", "date": day(i), "shift": "E"} for i in range(6)]
    fixed += [{"agent": "A02", "date": day(i), "shift": "E"} for i in range(6)]
    leave = [{"agent": "A03", "date": day(6)}]
    result = solve_checked(make_problem(days=7, agents=3, fixed=fixed, unavailable=leave))
    assert result.status is Status.INFEASIBLE
    words = result.explanation[0]
    assert "rest days per team per day (R-4) for team T1 on 2026-11-29" in words


def test_coverage_shortfall_is_minimised_before_any_soft_penalty() -> None:
    wish = [{"agent": "A01", "date": day(0), "off": True, "weight": 50}]
    rules = {"require_cover": False, "weights": {"coverage_shortfall": 1}}
    coverage = [{"from": "08:00", "to": "12:00", "min": 1}]
    problem = make_problem(days=1, agents=1, coverage=coverage, preferences=wish, rules=rules)
    result = solve_checked(problem)
    assert result.status is Status.OPTIMAL
    assert result.penalties["preferences"] == 50


def test_infeasible_fixed_shift_type_the_agent_may_work_none_of() -> None:
    agents = [{"id": "A01", "team": "T1", "max_shifts": {"N": 0}}, {"id": "A02", "team": "T1"}]
    fixed = [{"agent": "A01", "date": day(0), "shift": "N"}]
    result = solve_checked(make_problem(days=1, agents=agents, fixed=fixed))
    assert result.status is Status.INFEASIBLE
    assert "A01: fixed N on 2026-11-23 but max_shifts allows no N" in result.explanation
