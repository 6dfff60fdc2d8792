"""Determinism, progress reporting and cancelling a running solve."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

import pytest
from ortools.sat.python import cp_model
from scheduler_factories import make_problem, solve_checked

from scheduler.callbacks import Progress, ProgressRecorder
from scheduler.check import check_roster
from scheduler.problem import Problem
from scheduler.result import Status
from scheduler.settings import SolverSettings
from scheduler.solve import BOUNDING, ROOT_LP_ITERATIONS, bounding, solve


def busy_problem() -> Problem:
    """Big enough that proving optimality takes far longer than these tests wait."""
    agents: list[dict[str, Any]] = [
        {"id": f"A{i:02d}", "team": f"T{i % 6}", "skills": ["en"] if i % 2 else []}
        for i in range(24)
    ]
    coverage = [
        {"from": "00:00", "to": "24:00", "min": 3},
        {"from": "09:00", "to": "18:00", "min": 6},
        {"from": "10:00", "to": "16:00", "min": 3, "skill": "en"},
    ]
    return make_problem(days=14, agents=agents, coverage=coverage)


def test_same_problem_seed_and_one_worker_give_the_same_roster() -> None:
    problem = make_problem(days=7, agents=5, coverage=[{"from": "07:00", "to": "23:00", "min": 2}])
    settings = SolverSettings(time_limit=10, workers=1, seed=7)
    first, second = solve_checked(problem, settings), solve_checked(problem, settings)
    assert first.status is Status.OPTIMAL
    assert first.assignments == second.assignments
    assert first.rest_days == second.rest_days


def test_progress_callback_reports_each_improving_solution() -> None:
    seen: list[Progress] = []
    problem = make_problem(days=7, agents=4)
    result = solve(problem, SolverSettings(5, 1, 0), progress=seen.append)
    assert seen and result.status is Status.OPTIMAL
    assert check_roster(problem, result) == []
    assert all(later.better_than(earlier) for earlier, later in itertools.pairwise(seen))
    assert seen[-1].objective == result.objective
    assert all(s.bound <= s.objective for s in seen)


def test_progress_reports_only_bounds_of_the_whole_problem() -> None:
    """A solve of a restricted model (decisions fixed) proves nothing about the problem: its
    bounds are not reported, the best one known so far is; the optimising solve's are."""
    model = cp_model.CpModel()
    cost = model.new_int_var(5, 10, "cost")
    model.minimize(cost)
    seen: list[Progress] = []
    recorder = ProgressRecorder(seen.append, None, cost, time.monotonic())
    recorder.bound = 2.0
    cp_model.CpSolver().solve(model, recorder)
    recorder.proving = True
    recorder.history.clear()
    cp_model.CpSolver().solve(model, recorder)
    assert [(s.objective, s.bound) for s in seen] == [(5, 2.0), (5, 5.0)]


def test_a_covered_roster_is_progress_even_when_it_costs_more_than_one_with_a_slot_short() -> None:
    """The solve's order is lexicographic (the optimising solve keeps the coverage solve's
    shortfall), so progress follows it: a covered roster of any cost beats every roster with
    a slot short, which the solve will never return once it has the covered one."""
    short = Progress(0.3, objective=3_500, bound=0, shortfall=1_000)
    covered = Progress(2.0, objective=40_000, bound=0, shortfall=0)
    assert covered.better_than(short) and not short.better_than(covered)
    cheaper = Progress(5.0, objective=39_000, bound=0, shortfall=0)
    assert cheaper.better_than(covered) and not covered.better_than(cheaper)
    assert Progress(1.0, 10, 0).better_than(Progress(0.5, 11, 0))
    assert not Progress(1.0, 11, 0, shortfall=0).better_than(Progress(0.5, 11, 0))


def test_cancel_from_another_thread_returns_the_best_roster_so_far() -> None:
    problem = busy_problem()
    cancel = threading.Event()
    first_solution = threading.Event()
    timer = threading.Thread(target=lambda: first_solution.wait(20) and cancel.set())
    timer.start()
    started = time.monotonic()
    result = solve(
        problem,
        SolverSettings(time_limit=60, workers=2),
        progress=lambda _: first_solution.set(),
        cancel=cancel,
    )
    timer.join()
    assert time.monotonic() - started < 30
    assert result.status in (Status.FEASIBLE, Status.UNDERSTAFFED)
    assert result.assignments
    assert check_roster(problem, result) == []


def test_cancel_set_before_the_solve_starts_still_stops_it() -> None:
    problem = busy_problem()
    cancel = threading.Event()
    cancel.set()
    started = time.monotonic()
    result = solve(problem, SolverSettings(time_limit=60, workers=2), cancel=cancel)
    assert time.monotonic() - started < 15
    assert result.status in (Status.UNKNOWN, Status.FEASIBLE, Status.UNDERSTAFFED)
    assert check_roster(problem, result) == [] or result.status is Status.UNKNOWN


def test_solver_settings_leave_cp_sat_defaults_unless_tuned() -> None:
    plain, tuned = cp_model.CpSolver(), cp_model.CpSolver()
    SolverSettings().apply(plain)
    assert (
        plain.parameters.linearization_level == cp_model.CpSolver().parameters.linearization_level
    )
    assert list(plain.parameters.subsolvers) == [] and list(plain.parameters.extra_subsolvers) == []
    settings = SolverSettings(
        linearization_level=2,
        search_branching="FIXED_SEARCH",
        subsolvers=("default_lp", "max_lp"),
        extra_subsolvers=("core",),
    )
    settings.apply(tuned)
    assert tuned.parameters.linearization_level == 2
    assert tuned.parameters.search_branching.name == "FIXED_SEARCH"
    assert list(tuned.parameters.subsolvers) == ["default_lp", "max_lp"]
    assert list(tuned.parameters.extra_subsolvers) == ["core"]
    with pytest.raises(ValueError, match="search_branching"):
        SolverSettings(search_branching="NO_SUCH").apply(cp_model.CpSolver())


def test_tuned_settings_still_solve() -> None:
    settings = SolverSettings(time_limit=10, workers=1, seed=1, linearization_level=2)
    result = solve_checked(make_problem(7, 3), settings)
    assert result.status is Status.OPTIMAL


def test_optimising_solve_uses_lp_heavy_workers_unless_tuned_or_single_threaded() -> None:
    two = bounding(SolverSettings(workers=2))
    assert two.subsolvers == BOUNDING and two.linearization_level == 2
    assert two.root_lp_iterations == ROOT_LP_ITERATIONS
    solver = cp_model.CpSolver()
    two.apply(solver)
    assert solver.parameters.root_lp_iterations == ROOT_LP_ITERATIONS
    assert bounding(SolverSettings(workers=2, linearization_level=1)).linearization_level == 1
    assert bounding(SolverSettings(workers=1)) == SolverSettings(workers=1)
    tuned = SolverSettings(workers=2, subsolvers=("default_lp",))
    assert bounding(tuned) == tuned
