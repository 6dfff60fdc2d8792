"""A reading of the machine's pace, printed above each benchmark table.

The targets are wall-clock seconds on two cores, and the same commit ran about 1.5–3 times
slower on one day than on another (docs/benchmarks.md, session 18: pricing one Curtois 8 row
took 31–37 ms against 18.6 ms, its root column generation 20–24 s). A reading beside each
table tells a slower machine from a slower commit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from scheduler import io
from scheduler.benchmarks.scale import scale_problem_data
from scheduler.build import build_model
from scheduler.settings import new_solver


@dataclass(frozen=True)
class Pace:
    """CP-SAT's deterministic seconds per wall second on one worker, and millions of plain
    Python loop steps per second (row programmes, dives and local searches are Python)."""

    solver: float
    python: float

    def __str__(self) -> str:
        return (
            f"machine pace: CP-SAT {self.solver:.2f} deterministic s per s (one worker), "
            f"Python {self.python:.1f} M loop steps per s"
        )


def measure(budget: float = 1.0, steps: int = 2_000_000) -> Pace:
    """Solve the 21 × 7 call-center week for `budget` deterministic seconds on one worker,
    and time `steps` steps of a Python loop."""
    built = build_model(io.parse_problem(scale_problem_data(21, 7, seed=0)))
    built.model.minimize(built.objective())
    solver = new_solver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = budget
    solver.solve(built.model)
    solver_pace = solver.response_proto.deterministic_time / max(solver.wall_time, 1e-9)
    started = time.perf_counter()
    total = 0
    for step in range(steps):
        total += step & 7
    python_pace = steps / 1e6 / max(time.perf_counter() - started, 1e-9)
    return Pace(solver_pace, python_pace)
