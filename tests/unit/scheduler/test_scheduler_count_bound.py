"""The bound from each team's shift counts (scheduler.count_bound): exact on a team whose
leave leaves it unequal working days, never above an optimum, and used by the solve."""

from __future__ import annotations

import random
import threading
from typing import Any

import pytest
from ortools.sat.python import cp_model
from scheduler_factories import FAST, day, make_problem, solve_checked

from scheduler import count_bound, floors
from scheduler.build import build_model
from scheduler.headcount import least_of_each_shift
from scheduler.problem import Problem
from scheduler.result import Status
from scheduler.settings import SolverSettings, new_solver

SHIFTS = [
    {"code": "E", "name": "早班", "start": "07:00", "end": "15:00"},
    {"code": "D", "name": "白班", "start": "09:00", "end": "18:00"},
    {"code": "N", "name": "夜班", "start": "21:00", "end": "07:00"},
]
"""Shifts of 8, 9 and 10 paid hours: early, day and night cost different target hours."""

ONLY_HOURS = {"fairness_weekends": 0, "rest_weekday_repeat": 0}


def two_agents_one_on_leave() -> Problem:
    """Two agents for eight days; A02 is on leave on the first. R-4 rests at most one of them
    a day, so on days 1–7 someone works: 7 agent-days at least. With a target of 0 hours
    every day at work costs 8 points, and unequal days an hours spread of 8 h (16 points):
    4 + 3 days cost 56 + 16, 4 + 4 days 64 — the optimum, which an LP (3.5 + 3.5 days, 56)
    does not see."""
    agents = [{"id": f"A0{i}", "team": "T1", "target_hours_week": 0} for i in (1, 2)]
    leave = [{"agent": "A02", "date": day(0), "reason": "leave"}]
    return make_problem(days=8, agents=agents, unavailable=leave, rules={"weights": ONLY_HOURS})


def test_R4_R9_R12_a_team_whose_leave_leaves_it_unequal_days_pays_to_even_them() -> None:
    problem = two_agents_one_on_leave()
    bound = count_bound.count_bound(build_model(problem).variables, {}, budget=5)
    result = solve_checked(problem)
    assert result.status is Status.OPTIMAL and result.objective == 64
    assert bound == 64


def small_site(seed: int, days: int = 8) -> Problem:
    """One team of four for eight days: early, day and night cover, random leave."""
    rng = random.Random(seed)
    agents = [{"id": f"A{i}", "team": "T1"} for i in range(4)]
    leave = [
        {"agent": a["id"], "date": day(d), "reason": "leave"}
        for a in agents
        for d in range(days)
        if rng.random() < 0.06
    ]
    coverage = [
        {"from": "07:00", "to": "09:00", "min": 1},
        {"from": "09:00", "to": "18:00", "min": 1},
        {"from": "21:00", "to": "23:00", "min": 1},
    ]
    return make_problem(
        days=days, agents=agents, shift_types=SHIFTS, coverage=coverage, unavailable=leave
    )


def proved_optimum(problem: Problem) -> float:
    """The least objective of a covered roster, proved by CP-SAT on the whole model alone."""
    built = build_model(problem)
    built.model.add(built.shortfall() == 0)
    built.model.minimize(built.objective())
    solver = new_solver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 30
    assert solver.solve(built.model) == cp_model.OPTIMAL
    return solver.objective_value


def test_R9_R12_the_count_bound_with_the_floors_is_never_above_the_optimum() -> None:
    """A site whose optimum CP-SAT proves (92): the counts see most of it, never more."""
    problem = small_site(seed=1)
    built = build_model(problem)
    found = floors.team_floors(built, budget=10)
    bound = count_bound.count_bound(built.variables, found, budget=5)
    assert bound is not None
    assert sum(found.values()) < bound <= proved_optimum(problem)


def test_S2_the_site_needs_a_least_number_of_each_shift_type() -> None:
    """07:00–09:00 only the early shift covers, 15:00–18:00 only the day shift, 21:00–23:00
    only the night: eight of each over eight days, whoever works them."""
    problem = small_site(seed=0)
    assert least_of_each_shift(build_model(problem).variables) == {
        "E": 8,
        "D": 8,
        "N": 8,
    }


def test_a_solve_of_more_than_a_week_is_bounded_by_the_counts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The solve reports at least the counts' bound — on this site well above what CP-SAT
    proves in seconds (26 after 20 s with two workers, where the counts give 36); a week is
    left to the LP and the floors."""
    found: list[int | None] = []
    bound_of = count_bound.count_bound

    def spy(*args: Any, **kwargs: Any) -> int | None:
        found.append(bound_of(*args, **kwargs))
        return found[-1]

    monkeypatch.setattr(count_bound, "count_bound", spy)
    result = solve_checked(small_site(seed=0), SolverSettings(time_limit=3, workers=1))
    assert len(found) == 1 and found[0] is not None
    assert result.bound == found[0]
    solve_checked(small_site(seed=1, days=7), FAST)
    assert len(found) == 1


def test_a_cancel_stops_the_price_search_after_the_first_prices(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cancelled, the search prices no further: the bound at the starting prices counts."""
    priced: list[count_bound.Prices] = []
    value = count_bound.PriceSearch.value

    def spy(search: count_bound.PriceSearch, prices: count_bound.Prices) -> float | None:
        priced.append(prices)
        return value(search, prices)

    monkeypatch.setattr(count_bound.PriceSearch, "value", spy)
    v = build_model(small_site(seed=0)).variables
    searched = count_bound.count_bound(v, {}, budget=5)
    assert len(priced) > 1
    priced.clear()
    cancel = threading.Event()
    cancel.set()
    first = count_bound.count_bound(v, {}, budget=5, cancel=cancel)
    assert len(priced) == 1
    assert first is not None and searched is not None and first <= searched
