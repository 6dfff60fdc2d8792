"""Solve a roster problem: pre-check → build → solve (progress, cancel) → extract → explain."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import replace

from ortools.sat.python import cp_model

from scheduler import explain, extract
from scheduler import problem as p
from scheduler.build import BuiltModel, build_model, hint_all
from scheduler.callbacks import CancelWatcher, ProgressCallback, ProgressRecorder
from scheduler.result import PenaltyDetail, Result, Status, Uncovered
from scheduler.settings import SolverSettings


def solve(
    problem: p.Problem,
    settings: SolverSettings | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> Result:
    """Best roster within the time limit; a set `cancel` event stops early with the best so far.

    Lexicographic in two solves: the first (up to half the time) minimises the coverage
    shortfall under every other hard rule, or proves those rules conflict; the shortfall it
    reaches becomes a bound and its roster a complete hint for the second, which minimises
    all penalties.
    """
    settings = settings or SolverSettings()
    started = time.monotonic()
    conflicts = explain.precheck(problem)
    if conflicts:
        return Result(Status.INFEASIBLE, explanation=tuple(conflicts), wall_seconds=_since(started))
    built = build_model(problem)
    built.model.minimize(built.shortfall())
    recorder = ProgressRecorder(progress, cancel, built.objective(), started)
    first = cp_model.CpSolver()
    replace(settings, time_limit=settings.time_limit / 2).apply(first)
    with CancelWatcher(first, cancel):
        status = first.solve(built.model, recorder)
    if status == cp_model.INFEASIBLE:
        words = explain.explain_infeasible(problem)
        return Result(Status.INFEASIBLE, explanation=tuple(words), wall_seconds=_since(started))
    if _found(status):
        built.model.minimize(built.objective())
        built.model.add(built.shortfall() <= round(first.objective_value))
        hint_all(built.model, first)
    else:
        # No roster in half the time: settle for any roster that keeps the hard rules.
        built.model.clear_objective()  # type: ignore[no-untyped-call]
    if cancel is not None and cancel.is_set():
        return _roster(built, first, False, started) if _found(status) else _unknown(started)
    solver = cp_model.CpSolver()
    replace(settings, time_limit=max(0.1, settings.time_limit - _since(started))).apply(solver)
    with CancelWatcher(solver, cancel):
        improved = solver.solve(built.model, recorder)
    if _found(improved):
        optimal = improved == cp_model.OPTIMAL and _found(status)
        return _roster(built, solver, optimal, started)
    if _found(status):
        # Cancelled or out of time before the optimising solve found anything: the roster
        # of the coverage solve keeps every hard rule and is still a valid answer.
        return _roster(built, first, False, started)
    return _unknown(started)


def _found(status: cp_model.CpSolverStatus) -> bool:
    return status in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _unknown(started: float) -> Result:
    return Result(Status.UNKNOWN, wall_seconds=_since(started))


def _roster(built: BuiltModel, solver: cp_model.CpSolver, optimal: bool, started: float) -> Result:
    problem = built.variables.problem
    assignments = extract.assignments(built, solver)
    gaps = extract.uncovered(problem, assignments)
    status = Status.UNDERSTAFFED if gaps else Status.OPTIMAL if optimal else Status.FEASIBLE
    penalties: dict[str, int] = defaultdict(int)
    details = []
    for term in built.terms:
        amount = term.weight * int(solver.value(term.expr))
        penalties[term.name] += amount
        if amount:
            details.append(PenaltyDetail(term.name, term.label, amount))
    bounded = solver.objective_value == sum(penalties.values())
    return Result(
        status=status,
        objective=sum(penalties.values()),
        bound=round(solver.best_objective_bound) if bounded else None,
        wall_seconds=_since(started),
        assignments=tuple(assignments),
        rest_days=tuple(extract.rest_days(problem, assignments)),
        uncovered=tuple(gaps),
        penalties=dict(penalties),
        explanation=tuple(_understaffing_words(problem, gaps)),
        penalty_details=tuple(sorted(details, key=lambda d: -d.amount)),
    )


def _understaffing_words(problem: p.Problem, gaps: list[Uncovered]) -> list[str]:
    if not gaps:
        return []
    first = gaps[0]
    summary = (
        f"coverage cannot be fully met (R-2): {len(gaps)} window(s) short, the first on "
        f"{first.date} {first.start:%H:%M}–{first.end:%H:%M} missing {first.missing}"
    )
    return [summary, *explain.understaffing(problem)]


def _since(started: float) -> float:
    return time.monotonic() - started
