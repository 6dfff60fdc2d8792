"""Rest days chosen before shifts (scheduler.rest_patterns)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from ortools.sat.python import cp_model
from scheduler_factories import FAST, day, make_problem, solve_checked

from scheduler import count_bound, floors, rest_patterns
from scheduler import solve as solve_module
from scheduler.build import BuiltModel, build_model
from scheduler.headcount import least_at_work
from scheduler.problem import Problem
from scheduler.result import Status
from scheduler.settings import SolverSettings

FOUR = [{"id": f"A{i}", "team": "T1"} for i in range(1, 5)]
THURSDAY_ALL_HANDS = {"from": "07:00", "to": "15:00", "min": 4, "weekdays": [3]}


def covered(built: BuiltModel) -> cp_model.CpSolver:
    """A roster of the model that leaves no slot short."""
    built.model.minimize(built.shortfall())
    solver = cp_model.CpSolver()
    FAST.apply(solver)
    assert solver.solve(built.model) == cp_model.OPTIMAL and solver.objective_value == 0
    return solver


def rest_days(problem: Problem) -> rest_patterns.Pattern:
    """The days at work rest_patterns chooses, from a covered roster and the teams' floors."""
    built = build_model(problem)
    found = floors.team_floors(built, budget=10)
    pattern = rest_patterns.choose(built, found, covered(built), FAST, time.monotonic() + 10)
    assert pattern is not None
    return pattern


def test_R10_a_wish_for_a_day_off_is_granted_when_coverage_can_spare_the_agent() -> None:
    wish = [{"agent": "A1", "date": day(3), "off": True, "weight": 5}]
    assert rest_days(make_problem(days=14, agents=FOUR, preferences=wish))[0, 3] == 0


def test_S2_rest_days_first_keep_the_headcount_coverage_needs_over_a_wish() -> None:
    """Thursday needs all four at work: the wish for that day off cannot be granted, and no
    day has fewer at work than coverage needs (scheduler.headcount)."""
    wish = [{"agent": "A1", "date": day(3), "off": True, "weight": 5}]
    problem = make_problem(days=14, agents=FOUR, preferences=wish, coverage=[THURSDAY_ALL_HANDS])
    pattern = rest_days(problem)
    assert all(pattern[a, 3] == 1 for a in range(4)) and all(pattern[a, 10] == 1 for a in range(4))
    least = least_at_work(build_model(problem).variables)
    for d in range(14):
        assert sum(pattern[a, d] for a in range(4)) >= least[None, d]


def test_R11_rest_days_first_keep_the_published_rest_days() -> None:
    """Each agent of the published roster rests on the same weekday both weeks (a repeat,
    R-9); moving a rest would cost two changed days (R-11), so a re-solve keeps them."""
    rests = {f"A{i + 1}": (i, i + 7) for i in range(4)}
    current = [
        {"agent": agent, "date": day(d), "shift": "E"}
        for agent, off in rests.items()
        for d in range(14)
        if d not in off
    ]
    pattern = rest_days(make_problem(days=14, agents=FOUR, current=current))
    for a, off in enumerate(rests.values()):
        assert [d for d in range(14) if pattern[a, d] == 0] == list(off)


def test_R9_rest_days_first_cost_no_more_than_the_teams_floors() -> None:
    """Seven agents, one rest a day (R-4), a rest at least every seventh day (R-3): over two
    weeks the least weekend spread and repeated rest weekdays are the teams' floors, and the
    rest days chosen reach them."""
    seven = [{"id": f"A{i}", "team": "T1"} for i in range(1, 8)]
    problem = make_problem(days=14, agents=seven)
    built = build_model(problem)
    found = floors.team_floors(built, budget=10)
    assert found  # the two families cannot both be zero for a team of seven
    pattern = rest_patterns.choose(built, found, covered(built), FAST, time.monotonic() + 10)
    assert pattern is not None
    for key, work in built.variables.work.items():
        built.model.add(work == pattern[key])
    names = {name for _, name in found}
    built.model.minimize(sum(t.weight * t.expr for t in built.terms if t.name in names))
    solver = cp_model.CpSolver()
    FAST.apply(solver)
    assert solver.solve(built.model) == cp_model.OPTIMAL
    assert solver.objective_value == sum(found.values())


def month(days: int = 28, **overrides: Any) -> Problem:
    """Two teams of four over `days` days, two at work all day."""
    agents = [{"id": f"{t}{i}", "team": t} for t in ("T1", "T2") for i in range(4)]
    coverage = [{"from": "07:00", "to": "23:00", "min": 2}]
    return make_problem(days=days, agents=agents, coverage=coverage, **overrides)


def test_rest_days_come_first_on_problems_of_more_than_a_week_with_rest_fairness() -> None:
    assert rest_patterns.applies(month())
    assert not rest_patterns.applies(month(days=7))
    no_fairness = {"weights": {"fairness_weekends": 0, "rest_weekday_repeat": 0}}
    assert not rest_patterns.applies(month(rules=no_fairness))
    cover = [{"date": day(0), "shift": "E", "requirement": 1}]
    assert not rest_patterns.applies(month(shift_cover=cover))


def test_a_month_is_solved_from_rest_days_chosen_first(monkeypatch: pytest.MonkeyPatch) -> None:
    chosen: list[rest_patterns.Pattern | None] = []
    choose = rest_patterns.choose

    def spy(*args: Any, **kwargs: Any) -> rest_patterns.Pattern | None:
        chosen.append(choose(*args, **kwargs))
        return chosen[-1]

    monkeypatch.setattr(rest_patterns, "choose", spy)
    result = solve_checked(month(), SolverSettings(time_limit=3, workers=1))
    assert result.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert len(chosen) == 1 and chosen[0] is not None


def test_a_roster_from_fixed_rest_days_claims_no_bound_of_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Out of time before the optimising solve finds anything, the roster of the shifts for
    the chosen rest days is the answer; its solver's bound holds only with those rest days
    fixed, so the bound given is the whole problem's: no proving solve ran, the counts'
    (scheduler.count_bound) is the only one."""
    restricted: list[cp_model.CpSolver | None] = []
    solve_restricted = solve_module._solve_restricted
    counted: list[int | None] = []
    bound_by_counts = count_bound.count_bound

    def spy(*args: Any, **kwargs: Any) -> cp_model.CpSolver | None:
        restricted.append(solve_restricted(*args, **kwargs))
        return restricted[-1]

    def counts_spy(*args: Any, **kwargs: Any) -> int | None:
        counted.append(bound_by_counts(*args, **kwargs))
        return counted[-1]

    def no_time_left(*args: Any, **kwargs: Any) -> tuple[cp_model.CpSolver, Any]:
        return cp_model.CpSolver(), cp_model.UNKNOWN

    monkeypatch.setattr(solve_module, "_solve_restricted", spy)
    monkeypatch.setattr(solve_module, "_optimise", no_time_left)
    monkeypatch.setattr(count_bound, "count_bound", counts_spy)
    result = solve_checked(month(), SolverSettings(time_limit=3, workers=1))
    assert result.status is Status.FEASIBLE
    found = restricted[-1]
    assert found is not None and result.objective == round(found.objective_value)
    assert counted == [result.bound]
    assert found.best_objective_bound > result.bound
