"""Benchmark: solve Curtois & Qu instances; table of best known, ours, gap and time to best."""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from pathlib import Path

from scheduler.benchmarks import machine
from scheduler.benchmarks.curtois import Instance, read_instance, verify_checksums, write_roster
from scheduler.benchmarks.curtois_check import Parts, evaluate
from scheduler.benchmarks.curtois_colgen import ColgenSettings, solve_colgen, suits
from scheduler.benchmarks.curtois_engine import Outcome, solve_with_engine
from scheduler.benchmarks.curtois_model import DedicatedSettings, size, solve_dedicated
from scheduler.benchmarks.runs import RunSpread, spread
from scheduler.settings import SolverSettings

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ALL = [f"Instance{n}" for n in range(1, 25)]
HEADER = (
    "| instance | best known | ours | gap % | bound | time to best (s) | status | valid | "
    "valid, README rule 6 |"
)
PARTS_HEADER = (
    "| instance | slots short | under-cover cost | slots over | over-cover cost | "
    "unmet on-requests | met off-requests |"
)
SPREAD_HEADER = (
    "| instance | best known | runs | best | median | worst | at best known | within 2 % |"
)


def best_known(folder: Path) -> dict[str, int]:
    """Best known objective values from `best_known.csv` (blank when unknown)."""
    with (folder / "best_known.csv").open(encoding="utf-8") as f:
        return {
            row["instance"]: int(row["best_known_upper_bound"])
            for row in csv.DictReader(f)
            if row["best_known_upper_bound"].strip()
        }


def run(instance: Instance, args: argparse.Namespace, seed: int) -> Outcome:
    """Solve one instance with the chosen model.

    `auto`: column generation where its root LP converges in time (`curtois_colgen.suits`),
    else the engine where its model is of a size CP-SAT handles (at most the dedicated
    model's `rows_above` literals), the row-by-row search of the dedicated model above that.
    """
    model = args.model
    if model == "auto" and size(instance) > DedicatedSettings().rows_above:
        model = "dedicated"
    elif model == "auto":
        model = "colgen" if suits(instance) else "engine"
    if model == "colgen":
        return solve_colgen(instance, ColgenSettings(args.time_limit, args.workers, seed))
    if model == "dedicated":
        settings = DedicatedSettings(
            args.time_limit, args.workers, seed, hint_share=args.hint_share
        )
        return solve_dedicated(instance, settings)
    engine = SolverSettings(
        args.time_limit,
        args.workers,
        seed,
        linearization_level=args.linearization_level,
        subsolvers=tuple(args.subsolvers),
    )
    return solve_with_engine(instance, engine)


def row(
    name: str, known: int | None, outcome: Outcome, objective: int | None, valid: tuple[bool, bool]
) -> str:
    """One markdown table row; the objective shown is the independent evaluator's.

    `bound` is the solver's proved lower bound rounded up (the objective is integer), so
    ours − bound is how far the roster can be from optimal at most.
    """
    ours = "—" if objective is None else str(objective)
    gap = "—" if known is None or objective is None else f"{100 * (objective - known) / known:.2f}"
    bound = "—" if outcome.bound is None else str(math.ceil(outcome.bound - 1e-6))
    best = "—" if outcome.time_to_best is None else f"{outcome.time_to_best:.1f}"
    return (
        f"| {name} | {known if known is not None else '?'} | {ours} | {gap} | {bound} | {best} | "
        f"{outcome.status} | {'yes' if valid[0] else 'NO'} | {'yes' if valid[1] else 'no'} |"
    )


def spread_row(name: str, runs: RunSpread) -> str:
    """One row of the summary of repeated runs (`--runs`)."""

    def text(value: float | None) -> str:
        return "—" if value is None else f"{value:g}"

    known = "?" if runs.known is None else str(runs.known)
    return (
        f"| {name} | {known} | {runs.runs} | {text(runs.best)} | {text(runs.median)} | "
        f"{text(runs.worst)} | {text(runs.at_known())} | {text(runs.within())} |"
    )


def parts_row(label: str, split: Parts) -> str:
    """One row of the objective's parts (`--parts`), from the independent evaluator."""
    return (
        f"| {label} | {split.short} | {split.under_cost} | {split.extra} | {split.over_cost} | "
        f"{split.on_requests} | {split.off_requests} |"
    )


def main() -> int:
    """Parse arguments, verify the data, solve each instance, print the table, write rosters."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--instances", nargs="+", default=ALL, metavar="InstanceN")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--runs", type=int, default=1, help="runs per instance, seeds --seed, --seed + 1, …"
    )
    parser.add_argument(
        "--model", choices=("auto", "colgen", "engine", "dedicated"), default="auto"
    )
    parser.add_argument(
        "--hint-share", type=float, default=0.1, help="dedicated: time share of a row-built hint"
    )
    parser.add_argument(
        "--linearization-level", type=int, default=None, help="engine: CP-SAT linearization"
    )
    parser.add_argument(
        "--subsolvers", nargs="+", default=[], help="engine: CP-SAT subsolvers, e.g. max_lp"
    )
    parser.add_argument(
        "--parts", action="store_true", help="also print each objective by what it charges"
    )
    parser.add_argument("--data", type=Path, default=SHARED / "benchmarks" / "curtois")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    bad = verify_checksums(args.data)
    if bad:
        print(f"checksum mismatch or missing: {', '.join(bad)}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    known = best_known(args.data)
    print(
        f"model={args.model} time_limit={args.time_limit:g}s workers={args.workers} "
        f"hint_share={args.hint_share:g}"
    )
    print(machine.measure(), flush=True)
    print(HEADER)
    print("|---|---|---|---|---|---|---|---|---|")
    failures = 0
    spreads: dict[str, RunSpread] = {}
    split: dict[str, Parts] = {}
    for name in args.instances:
        instance = read_instance(args.data / f"{name}.txt")
        objectives: list[int | None] = []
        best: int | None = None
        for seed in range(args.seed, args.seed + args.runs):
            label = name if args.runs == 1 else f"{name} seed {seed}"
            began = time.monotonic()
            try:
                outcome = run(instance, args, seed)
            except MemoryError:
                outcome = Outcome("OUT OF MEMORY", wall_seconds=time.monotonic() - began)
            objective, valid = None, (False, False)
            if outcome.roster is not None:
                verdict = evaluate(instance, outcome.roster)
                strict = evaluate(instance, outcome.roster, strict_edges=True)
                objective, valid = verdict.objective, (verdict.valid, strict.valid)
                split[label] = verdict.parts
                better = valid[0] and (best is None or objective < best)
                if better or best is None:  # the file keeps the best valid run, else the last
                    write_roster(args.out / f"{name}.roster.txt", instance, outcome.roster)
                best = objective if better else best
                for breach in verdict.breaches[:5]:
                    print(f"  {label}: {breach.kind}: {breach.message}", file=sys.stderr)
                if outcome.objective is not None and round(outcome.objective) != objective:
                    print(f"  {label}: model says {outcome.objective:g}", file=sys.stderr)
            failures += not valid[0]
            objectives.append(objective if valid[0] else None)
            print(row(label, known.get(name), outcome, objective, valid), flush=True)
            print(f"  {label}: {time.monotonic() - began:.1f} s wall", file=sys.stderr)
        spreads[name] = spread(known.get(name), objectives)
    if args.parts:
        print()
        print(PARTS_HEADER)
        print("|---|---|---|---|---|---|---|")
        for label, found in split.items():
            print(parts_row(label, found))
    if args.runs > 1:
        print()
        print(SPREAD_HEADER)
        print("|---|---|---|---|---|---|---|---|")
        for name, runs in spreads.items():
            print(spread_row(name, runs))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
