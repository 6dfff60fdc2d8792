"""Command line: `python -m scheduler solve-file problem.json --out roster.json`."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

from scheduler import io
from scheduler.problem import Problem
from scheduler.result import Result, Status
from scheduler.settings import SolverSettings
from scheduler.solve import solve

WAIT_STEP = 0.2
"""Seconds between the main thread's checks on the solve: short, so Ctrl-C acts at once."""

EXIT_CODES = {
    Status.OPTIMAL: 0,
    Status.FEASIBLE: 0,
    Status.UNDERSTAFFED: 0,
    Status.INFEASIBLE: 3,
    Status.UNKNOWN: 4,
}
EXIT_BAD_INPUT = 2


def solve_file_command(
    problem_path: str | Path,
    out_path: str | Path,
    time_limit: float = 60.0,
    workers: int = 2,
    seed: int = 0,
) -> int:
    """Solve a FORMATS §1 file into a §2 file, print a summary line; return the exit status."""
    try:
        problem = io.read_problem(problem_path)
    except io.ProblemFormatError as exc:
        for error in exc.errors:
            print(f"{problem_path}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    settings = SolverSettings(time_limit=time_limit, workers=workers, seed=seed)
    print(f"solving {problem_path} for up to {time_limit:g} s; Ctrl-C stops", file=sys.stderr)
    result = solve_until_interrupted(problem, settings)
    io.write_result(result, out_path)
    print(summary(result))
    for line in result.explanation:
        print(f"  {line}")
    return EXIT_CODES[result.status]


def solve_until_interrupted(problem: Problem, settings: SolverSettings) -> Result:
    """Solve in a worker thread; Ctrl-C cancels it, and the best roster so far is the result.

    Python delivers SIGINT to the main thread only between bytecodes, never inside a C++
    solve, so the main thread waits in short steps while the solve runs elsewhere (on the
    future, not `Thread.join`, which Python 3.11 leaves marked done when Ctrl-C interrupts
    it). An error of the solve is raised here, as without the thread.
    """
    cancel = threading.Event()
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(solve, problem, settings, cancel=cancel)
        try:
            while not wait([running], WAIT_STEP).done:
                pass
        except KeyboardInterrupt:
            print("interrupted: stopping with the best roster so far", file=sys.stderr)
            cancel.set()
        return running.result()


def summary(result: Result) -> str:
    """One line: status, objective, bound, time, assignments and uncovered windows."""
    objective = "-" if result.objective is None else f"{result.objective:g}"
    bound = "-" if result.bound is None else f"{result.bound:g}"
    return (
        f"{result.status.value} objective={objective} bound={bound} "
        f"time={result.wall_seconds:.1f}s assignments={len(result.assignments)} "
        f"uncovered={len(result.uncovered)}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and run the command."""
    parser = argparse.ArgumentParser(prog="python -m scheduler", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    solve_file = commands.add_parser("solve-file", help="solve a problem file (FORMATS §1)")
    solve_file.add_argument("problem")
    solve_file.add_argument("--out", required=True)
    solve_file.add_argument("--time-limit", type=float, default=60.0)
    solve_file.add_argument("--workers", type=int, default=2)
    solve_file.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    return solve_file_command(args.problem, args.out, args.time_limit, args.workers, args.seed)
