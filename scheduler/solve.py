"""Solve a roster problem: pre-check → build → solve (progress, cancel) → extract → explain."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import replace

from ortools.sat.python import cp_model

from scheduler import count_bound, decompose, explain, extract, floors, rest_patterns, team_columns
from scheduler import problem as p
from scheduler.build import BuiltModel, build_model, hint_all
from scheduler.callbacks import ProgressCallback, ProgressRecorder, solve_within, stopped
from scheduler.result import PenaltyDetail, Result, Status, Uncovered
from scheduler.settings import SolverSettings
from scheduler.team_pricing import Column, fix_roster


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
    all penalties. Between them, per-team floors (scheduler.floors) strengthen the bound;
    over more than a week each team's shift counts (scheduler.count_bound) bound it
    further, and on a week of four or more teams column generation over team rosters
    (scheduler.team_columns) bounds the objective and mixes a better first roster.
    """
    settings = settings or SolverSettings()
    started = time.monotonic()
    conflicts = explain.precheck(problem)
    if conflicts:
        return Result(Status.INFEASIBLE, explanation=tuple(conflicts), wall_seconds=_since(started))
    built = build_model(problem)
    built.model.minimize(built.shortfall())
    recorder = ProgressRecorder(progress, cancel, built.objective(), started, built.shortfall())
    first, status = _cover(problem, built, settings, recorder, cancel, started)
    if status == cp_model.INFEASIBLE:
        words = explain.explain_infeasible(problem)
        return Result(Status.INFEASIBLE, explanation=tuple(words), wall_seconds=_since(started))
    start = first
    if _found(status):
        built.model.minimize(built.objective())
        built.model.add(built.shortfall() <= round(first.objective_value))
        hint_all(built.model, first)
        found: floors.Floors = {}
        if not stopped(cancel):
            found = floors.team_floors(built, FLOORS_SHARE * settings.time_limit, settings.workers)
            floors.add_floors(built, found)
        if _counts_apply(problem) and _covers(built, first) and not stopped(cancel):
            _bound_by_counts(built, found, settings, recorder, cancel)
        if team_columns.applies(problem) and not stopped(cancel):
            start = _start_from_columns(problem, built, first, settings, recorder, cancel)
        elif rest_patterns.applies(problem) and _covers(built, first) and not stopped(cancel):
            start = _start_from_rest_days(built, found, first, settings, recorder, cancel)
    else:
        # No roster in half the time: settle for any roster that keeps the hard rules.
        built.model.clear_objective()  # type: ignore[no-untyped-call]
    if not stopped(cancel):
        solver, improved = _optimise(built, settings, recorder, cancel)
        if _found(improved):
            # Without a roster from the coverage solve the objective was cleared: no bound.
            bound = max(solver.best_objective_bound, recorder.bound) if _found(status) else None
            proved = bound is not None and solver.objective_value <= bound
            optimal = _found(status) and (improved == cp_model.OPTIMAL or proved)
            return _roster(built, solver, started, bound, optimal)
    if _found(status):
        # Cancelled, or out of time before the optimising solve found anything: the roster
        # it started from keeps every hard rule and is still a valid answer. It may come
        # from a solve with rest days or team rosters fixed, whose own bound holds only for
        # those (reported, it made a 42 × 28 roster look optimal at 2 896 / 2 896 where the
        # problem's bound was 2 808), so it carries the whole problem's best bound, if any.
        return _roster(built, start, started, recorder.bound or None)
    return _unknown(started)


def _optimise(
    built: BuiltModel,
    settings: SolverSettings,
    recorder: ProgressRecorder,
    cancel: threading.Event | None,
) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    """Minimise every penalty in what is left of the time limit."""
    left = settings.time_limit - (time.monotonic() - recorder.started)
    recorder.proving = True
    return solve_within(built.model, bounding(settings), left, cancel, recorder)


def _start_from_columns(
    problem: p.Problem,
    built: BuiltModel,
    first: cp_model.CpSolver,
    settings: SolverSettings,
    recorder: ProgressRecorder,
    cancel: threading.Event | None,
) -> cp_model.CpSolver:
    """Bound the objective by column generation over team rosters (scheduler.team_columns)
    and start from the roster it mixes when that is cheaper than the coverage solve's."""
    limit = settings.time_limit
    generation = team_columns.generate(
        problem,
        built,
        extract.assignments(built, first),
        settings.workers,
        COLUMNS_SHARE * limit * max(1, settings.workers),
        (recorder.started + COLUMNS_END * limit, recorder.started + MIX_END * limit),
        cancel,
        settings.seed,
    )
    if generation.bound is not None:
        built.model.add(built.objective() >= generation.bound)
        recorder.bound = max(recorder.bound, generation.bound)
    start = first
    if generation.mixed is not None:
        mixed = _complete(built, generation.mixed, settings, recorder, cancel)
        cost = built.objective()
        if mixed is not None and mixed.value(cost) < first.value(cost):
            start = mixed
    hint_all(built.model, start)
    return start


def _start_from_rest_days(
    built: BuiltModel,
    found: floors.Floors,
    first: cp_model.CpSolver,
    settings: SolverSettings,
    recorder: ProgressRecorder,
    cancel: threading.Event | None,
) -> cp_model.CpSolver:
    """Choose every agent's rest days first (scheduler.rest_patterns), then the shifts for
    them in the whole model; start from that roster when it is covered and cheaper."""
    limit = settings.time_limit
    deadline = time.monotonic() + REST_DAYS_SHARE * limit
    pattern = rest_patterns.choose(built, found, first, settings, deadline, cancel)
    if pattern is None or stopped(cancel):
        return first
    fixed = built.model.clone()
    for key, work in built.variables.work.items():
        fixed.add(work == pattern[key])
    left = recorder.started + SHIFTS_END * limit - time.monotonic()
    solver = _solve_restricted(fixed, left, settings, recorder, cancel)
    if solver is None or not _covers(built, solver):
        return first
    if solver.value(built.objective()) >= first.value(built.objective()):
        return first
    hint_all(built.model, solver)
    return solver


def _counts_apply(problem: p.Problem) -> bool:
    """More than a week, where column generation over team rosters does not run (its bound
    already sees what whole agents cost a team)."""
    return problem.horizon.days > 7 and not team_columns.applies(problem)


def _bound_by_counts(
    built: BuiltModel,
    found: floors.Floors,
    settings: SolverSettings,
    recorder: ProgressRecorder,
    cancel: threading.Event | None,
) -> None:
    """Raise the bound the solve reports by each team's shift counts (scheduler.count_bound).
    It stays out of the model: `objective ≥ bound` would only let CP-SAT stop when a roster
    meets it, and a bound on the objective can leave its LP degenerate (session 16)."""
    budget = COUNTS_SHARE * settings.time_limit
    v = built.variables
    bound = count_bound.count_bound(v, found, budget, settings.workers, cancel)
    if bound is not None:
        recorder.bound = max(recorder.bound, bound)


def _covers(built: BuiltModel, solver: cp_model.CpSolver) -> bool:
    """Whether the solver's roster leaves no slot short."""
    return round(solver.value(built.shortfall())) == 0


def _complete(
    built: BuiltModel,
    mixed: tuple[Column, ...],
    settings: SolverSettings,
    recorder: ProgressRecorder,
    cancel: threading.Event | None,
) -> cp_model.CpSolver | None:
    """The whole model's values for mixed team rosters (their assignments and breaks fixed)."""
    fixed = built.model.clone()
    shifts = {cell for column in mixed for cell in column.shifts}
    fix_roster(fixed, built.variables, shifts, [b for column in mixed for b in column.breaks])
    return _solve_restricted(fixed, settings.time_limit / 10, settings, recorder, cancel)


def _solve_restricted(
    fixed: cp_model.CpModel,
    seconds: float,
    settings: SolverSettings,
    recorder: ProgressRecorder,
    cancel: threading.Event | None,
) -> cp_model.CpSolver | None:
    """Solve a copy of the model with some decisions fixed for `seconds` (at least 0.1):
    its solver when it found a roster (whose values are the whole model's), else None."""
    solver, status = solve_within(fixed, settings, seconds, cancel, recorder)
    return solver if _found(status) else None


COLUMNS_SHARE = 0.6
"""Deterministic seconds of team pricing (scheduler.team_columns) per second of the limit
and worker (teams are priced in parallel, one per worker)."""

COLUMNS_END = 0.7
"""Share of the time limit by which column generation has ended."""

MIX_END = 0.85
"""Share of the time limit by which the mix of its columns has ended."""

FLOORS_SHARE = 0.2
"""Deterministic seconds of per-team floors (scheduler.floors) per second of the time limit:
the sub-solves of one 42 × 28 week took 1.6 deterministic seconds in all, of another 9.8
(docs/benchmarks.md, session 16); with two workers that is ~3.5 s of wall time."""

COUNTS_SHARE = 0.04
"""Deterministic seconds of the count bound's team solves (scheduler.count_bound) per second
of the time limit; the search stops at the first step past it, so a minute's 2.4 end near
3–4 (3–4 s of wall time on two workers). On 42 × 28 (seed 0) its prices reach 2 901 from
the LP's 2 874 in that budget (docs/benchmarks.md, session 21)."""

REST_DAYS_SHARE = 0.1
"""Share of the time limit the rest days of scheduler.rest_patterns may take, from when the
choice starts (42 × 28: 1–3.5 s, mostly proved optimal; it starts at 2–10 s, after the
coverage solve and the floors)."""

SHIFTS_END = 0.5
"""Share of the time limit by which the shifts for those rest days are chosen: 42 × 28
gains little after ~20 s (2 963 at 14 s, 2 946 at 22 s) and the bounding solve after it
needs the rest of the minute for its bound (session 17)."""

BOUNDING = ("max_lp", "core")
"""Subsolvers of the optimising solve when the caller chose none and there are 2+ workers."""


ROOT_LP_ITERATIONS = 100_000
"""Simplex iterations of the bounding worker's LP at the root (CP-SAT's default is 2 000).
On a 42 × 28 week whose floors make the LP degenerate, the root LP stopped unsolved and the
worker branched on, its bound stuck at 315 for the whole minute in 3 of 10 runs (else
2 786–2 793); with room to finish it, 2 796 in 5 of 5 (docs/benchmarks.md, session 16)."""


def bounding(settings: SolverSettings) -> SolverSettings:
    """Settings of the optimising solve: LP-heavy workers unless the caller tuned them.

    CP-SAT's default two-worker portfolio proves weak bounds on rosters (target hours are
    only bounded by the LP of the whole team's forced six-day weeks and night shifts): on
    21 agents x 1 week its bound was 180 for a roster of 377, with these workers 351. With
    one worker the portfolio is left alone (it is the deterministic configuration).
    """
    if settings.subsolvers or settings.workers < 2:
        return settings
    level = 2 if settings.linearization_level is None else settings.linearization_level
    iterations = settings.root_lp_iterations or ROOT_LP_ITERATIONS
    return replace(
        settings, subsolvers=BOUNDING, linearization_level=level, root_lp_iterations=iterations
    )


def _cover(
    problem: p.Problem,
    built: BuiltModel,
    settings: SolverSettings,
    recorder: ProgressRecorder,
    cancel: threading.Event | None,
    started: float,
) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    """The coverage solve (until half the time), from a part-by-part roster on large problems.

    A part-by-part roster that already covers everything ends this phase at once; one with a
    shortfall hints the full model, which can move agents between parts to repair it.
    """
    start = _start_by_parts(problem, built, settings, recorder, cancel, started)
    if start is not None:
        if round(start.objective_value) == 0:
            return start, cp_model.FEASIBLE
        hint_all(built.model, start)
    left = settings.time_limit / 2 - _since(started)
    first, status = solve_within(built.model, settings, left, cancel, recorder)
    if start is not None and not _found(status) and status != cp_model.INFEASIBLE:
        return start, cp_model.FEASIBLE
    return first, status


def _start_by_parts(
    problem: p.Problem,
    built: BuiltModel,
    settings: SolverSettings,
    recorder: ProgressRecorder,
    cancel: threading.Event | None,
    started: float,
) -> cp_model.CpSolver | None:
    """The full model's values for the roster of `decompose.cover_by_parts` (None if none).

    The part rosters fix every decision of their agents in a copy of the model; solving
    the copy only completes the derived variables (counts, breaks, shortfalls).
    """
    if not decompose.worth_splitting(problem):
        return None
    deadline = started + decompose.SHARE * settings.time_limit
    cells = decompose.cover_by_parts(problem, settings, deadline, cancel)
    if not cells:
        return None
    fixed = built.model.clone()
    for (a, d, code), var in built.variables.x.items():
        key = (problem.agents[a].id, d)
        if key in cells:
            fixed.add(var == int(cells[key] == code))
    left = settings.time_limit / 2 - _since(started)
    return _solve_restricted(fixed, left, settings, recorder, cancel)


def _found(status: cp_model.CpSolverStatus) -> bool:
    return status in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _unknown(started: float) -> Result:
    return Result(Status.UNKNOWN, wall_seconds=_since(started))


def _roster(
    built: BuiltModel,
    solver: cp_model.CpSolver,
    started: float,
    bound: float | None,
    optimal: bool = False,
) -> Result:
    """The result of a solver's roster; `bound` bounds the whole problem's objective."""
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
    return Result(
        status=status,
        objective=sum(penalties.values()),
        bound=None if bound is None else round(bound),
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
