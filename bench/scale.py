"""Benchmark: the engine on generated call-center problems of growing size (FORMATS §1).

Per size: time to the first roster, to the first fully covered roster, until the roster was
within 1 % of the final bound, final gap and status, taken from the engine's progress callback.
With --penalties a second table splits each final objective by penalty family (R-9 to R-12),
which shows where a gap lives (on 42 x 28: target hours cost about what the LP bounds, the
fairness spreads far more than their per-team floors).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass

from scheduler import io
from scheduler.benchmarks import machine
from scheduler.benchmarks.scale import SIZES, scale_problem_data
from scheduler.callbacks import Progress
from scheduler.check import check_roster
from scheduler.settings import SolverSettings
from scheduler.solve import solve

HEADER = (
    "| agents × days | first roster (s) | first covered (s) | within 1 % of bound (s) | "
    "final gap % | objective | bound | status | checker |"
)


@dataclass(frozen=True)
class Measure:
    """One size's figures."""

    first: float | None
    covered: float | None
    within_one_percent: float | None
    gap: float | None
    objective: float | None
    bound: float | None
    status: str
    violations: int
    penalties: tuple[tuple[str, int], ...] = ()


def gap_of(objective: float, bound: float) -> float:
    """Relative gap in % (objective and bound are non-negative)."""
    return 100 * (objective - bound) / max(1.0, abs(objective))


def measure(agents: int, days: int, time_limit: float, workers: int, seed: int) -> Measure:
    """Generate, read back through the FORMATS §1 reader, solve, check."""
    problem = io.parse_problem(scale_problem_data(agents, days, seed))
    started = time.monotonic()
    trace: list[tuple[float, float]] = []
    covered: list[float] = []

    def record(step: Progress) -> None:
        trace.append((time.monotonic() - started, step.objective))
        if step.shortfall == 0:
            covered.append(trace[-1][0])

    result = solve(problem, SolverSettings(time_limit, workers, seed), progress=record)
    if result.objective is None or result.bound is None:
        return Measure(None, None, None, None, None, None, result.status.value, 0)
    within = next((t for t, obj in trace if gap_of(obj, result.bound) <= 1.0), None)
    return Measure(
        first=trace[0][0] if trace else None,
        covered=covered[0] if covered else None,
        within_one_percent=within,
        gap=gap_of(result.objective, result.bound),
        objective=result.objective,
        bound=result.bound,
        status=result.status.value,
        violations=len(check_roster(problem, result)),
        penalties=tuple(result.penalties.items()),
    )


def _fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def main() -> int:
    """Run every size (or those asked for) and print one table row each."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", nargs="+", default=[f"{a}x{d}" for a, d in SIZES])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--penalties", action="store_true", help="also print each objective by penalty family"
    )
    args = parser.parse_args()
    print(f"time_limit={args.time_limit:g}s workers={args.workers} seed={args.seed}")
    print(machine.measure(), flush=True)
    print(HEADER)
    print("|---|---|---|---|---|---|---|---|---|")
    measured: list[tuple[str, Measure]] = []
    for size in args.sizes:
        agents, days = (int(n) for n in size.split("x"))
        m = measure(agents, days, args.time_limit, args.workers, args.seed)
        label = f"{agents} × {days}"
        measured.append((label, m))
        print(
            f"| {label} | {_fmt(m.first)} | {_fmt(m.covered)} | "
            f"{_fmt(m.within_one_percent)} | "
            f"{_fmt(m.gap, 2)} | {_fmt(m.objective, 0)} | {_fmt(m.bound, 0)} | {m.status} | "
            f"{'ok' if not m.violations else f'{m.violations} violations'} |",
            flush=True,
        )
    if args.penalties:
        print_penalties(measured)
    return 0


def print_penalties(measured: list[tuple[str, Measure]]) -> None:
    """One row per size, one column per penalty family (points in the final objective)."""
    families = list(dict.fromkeys(name for _, m in measured for name, _ in m.penalties))
    print()
    print("| agents × days | " + " | ".join(families) + " |")
    print("|---|" + "---|" * len(families))
    for size, m in measured:
        points = dict(m.penalties)
        cells = [str(points[f]) if f in points else "—" for f in families]
        print(f"| {size} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
