"""Solver settings (time limit, workers, seed, log, tuning) copied onto CP-SAT parameters."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model


def new_solver() -> cp_model.CpSolver:
    """A CP-SAT solver that leaves Ctrl-C (SIGINT) to the process.

    By default CP-SAT installs its own SIGINT handler while it solves: the signal then ends
    only that one solve, silently, and the caller goes on to its next phase — the web server
    or `solve-file` would not stop. Without it, Ctrl-C reaches Python, whose caller decides
    (`scheduler.cli` cancels the solve and keeps the best roster so far).
    """
    solver = cp_model.CpSolver()
    solver.parameters.catch_sigint_signal = False
    return solver


@dataclass(frozen=True)
class SolverSettings:
    """How long and how to search; `workers=1` with a fixed seed is deterministic.

    Optional CP-SAT tuning, left at CP-SAT's defaults when unset: `linearization_level`
    (0–2), `search_branching` (a `SearchBranching` name such as "FIXED_SEARCH"),
    `subsolvers` (names such as "default_lp", "max_lp", "core" that replace the portfolio),
    `extra_subsolvers` (added to it) and `root_lp_iterations` (simplex iterations of the LP at
    the root of the search before it branches).
    """

    time_limit: float = 60.0
    workers: int = 2
    seed: int = 0
    log: bool = False
    linearization_level: int | None = None
    search_branching: str | None = None
    subsolvers: tuple[str, ...] = ()
    extra_subsolvers: tuple[str, ...] = ()
    root_lp_iterations: int | None = None

    def apply(self, solver: cp_model.CpSolver) -> None:
        """Copy the settings onto a solver's parameters."""
        params = solver.parameters
        params.max_time_in_seconds = self.time_limit
        params.num_workers = self.workers
        params.random_seed = self.seed
        params.log_search_progress = self.log
        if self.linearization_level is not None:
            params.linearization_level = self.linearization_level
        if self.search_branching is not None:
            names = type(params.search_branching).__members__
            if self.search_branching not in names:
                raise ValueError(f"unknown search_branching {self.search_branching!r}")
            params.search_branching = names[self.search_branching]
        if self.root_lp_iterations is not None:
            params.root_lp_iterations = self.root_lp_iterations
        params.subsolvers.extend(self.subsolvers)
        params.extra_subsolvers.extend(self.extra_subsolvers)
