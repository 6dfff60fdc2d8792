"""Progress reporting and cancellation during a solve (callbacks record progress only), and
a solve for a time that a cancel can cut short (`solve_within`)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from scheduler.settings import SolverSettings, new_solver


@dataclass(frozen=True)
class Progress:
    """One improving solution: seconds since the start, its objective and the best bound.

    `shortfall` is the roster's `coverage_shortfall` penalty (0: fully covered), when known.
    """

    elapsed: float
    objective: float
    bound: float
    shortfall: float | None = None

    def better_than(self, other: Progress) -> bool:
        """Less shortfall, or as little and a lower objective: the solve's own order (its
        optimising solve keeps the coverage solve's shortfall, so a covered roster of any
        cost beats every roster with a slot short)."""
        mine, theirs = self.shortfall, other.shortfall
        if mine is not None and theirs is not None and mine != theirs:
            return mine < theirs
        return self.objective < other.objective


ProgressCallback = Callable[[Progress], None]


def stopped(cancel: threading.Event | None, deadline: float = math.inf) -> bool:
    """Whether the solve was cancelled or `deadline` (monotonic seconds) has passed."""
    return time.monotonic() >= deadline or (cancel is not None and cancel.is_set())


class ProgressRecorder(cp_model.CpSolverSolutionCallback):
    """Reports each solution better than the last reported (`Progress.better_than`), and
    stops when cancel is set.

    One recorder follows every solve of `solve.solve`: `cost` is the expression whose value
    is reported (the full objective, also while the first solve minimises only the coverage
    shortfall), and `elapsed` counts from `started`, the start of the whole solve. The bound
    reported is `bound`, the best bound of the whole problem known so far: a solve of a
    restricted model (some decisions fixed) or of another objective bounds nothing, so only
    while `proving` is set do CP-SAT's bounds raise it.
    """

    def __init__(
        self,
        report: ProgressCallback | None,
        cancel: threading.Event | None,
        cost: cp_model.LinearExprT,
        started: float,
        shortfall: cp_model.LinearExprT | None = None,
    ) -> None:
        super().__init__()
        self.report = report
        self.cancel = cancel
        self.cost = cost
        self.started = started
        self.shortfall = shortfall
        self.history: list[Progress] = []
        self.bound = 0.0
        self.proving = False

    def on_solution_callback(self) -> None:
        """Called by CP-SAT on every improving solution."""
        value = float(self.value(self.cost))
        short = None if self.shortfall is None else float(self.value(self.shortfall))
        elapsed = time.monotonic() - self.started
        if self.proving:
            self.bound = max(self.bound, self.best_objective_bound)
        step = Progress(elapsed, value, self.bound, short)
        if not self.history or step.better_than(self.history[-1]):
            self.history.append(step)
            if self.report is not None:
                self.report(step)
        if stopped(self.cancel):
            self.stop_search()


class CancelWatcher:
    """Stops a solver from another thread as soon as the cancel event is set, or at
    `deadline` (monotonic seconds) if one is given: `stop` is its way to stop (CP-SAT's
    `stop_search`, a MIP solver's `InterruptSolve`, an event's `set`)."""

    def __init__(
        self,
        stop: Callable[[], object],
        cancel: threading.Event | None,
        deadline: float = math.inf,
    ) -> None:
        self.stop = stop
        self.cancel = cancel
        self.deadline = deadline
        self.finished = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> CancelWatcher:
        if self.cancel is not None or self.deadline < math.inf:
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.finished.set()
        if self.thread.is_alive():
            self.thread.join()

    def _watch(self) -> None:
        # Keep asking: a stop requested before CP-SAT has started its search is not kept.
        while not self.finished.is_set():
            if stopped(self.cancel, self.deadline):
                self.stop()
            self.finished.wait(0.05)


def solve_within(
    model: cp_model.CpModel,
    settings: SolverSettings,
    seconds: float,
    cancel: threading.Event | None = None,
    callback: cp_model.CpSolverSolutionCallback | None = None,
) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    """Solve `model` with `settings` for `seconds` (at least 0.1), stopped early when
    `cancel` is set: the solver (for its values) and the status."""
    solver = new_solver()
    replace(settings, time_limit=max(0.1, seconds)).apply(solver)
    with CancelWatcher(solver.stop_search, cancel):
        status = solver.solve(model, callback)
    return solver, status
