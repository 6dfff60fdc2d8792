"""Constructive start for Curtois & Qu rows (dynamic programme) and the row-by-row search."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from scheduler.benchmarks.curtois import read_instance
from scheduler.benchmarks.curtois_check import evaluate
from scheduler.benchmarks.curtois_construct import construct_row, row_cost
from scheduler.benchmarks.curtois_rows import improve_rows, marginal_costs

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "benchmarks" / "curtois"


def test_constructed_rows_of_a_364_day_instance_pass_the_evaluator() -> None:
    # Instance22: 50 rows of 364 days in a 960-minute window each; CP-SAT found no roster in
    # 60 s, the programme builds one row after another with cover priced by the rows before.
    instance = read_instance(DATA / "Instance22.txt")
    counts: Counter[tuple[int, str]] = Counter()
    roster = {}
    for e, staff in enumerate(instance.staff):
        row = construct_row(instance, e, marginal_costs(instance, counts))
        assert row is not None, staff.id
        roster[staff.id] = row
        counts.update((d, s) for d, s in enumerate(row) if s is not None)
    verdict = evaluate(instance, roster)
    assert verdict.valid, verdict.breaches[:3]


def test_constructed_row_respects_each_limit_of_instance1() -> None:
    instance = read_instance(DATA / "Instance1.txt")
    for e, staff in enumerate(instance.staff):
        row = construct_row(instance, e, {})
        assert row is not None
        alone = {s.id: (None,) * instance.horizon for s in instance.staff} | {staff.id: row}
        mine = [b for b in evaluate(instance, alone).breaches if b.message.startswith(staff.id)]
        assert mine == [], staff.id


def test_construction_prefers_understaffed_shifts() -> None:
    instance = read_instance(DATA / "Instance1.txt")
    costs = marginal_costs(instance, Counter())
    row = construct_row(instance, 0, costs)
    assert row is not None
    idle = (None,) * instance.horizon
    assert row_cost(instance, 0, row, costs) < row_cost(instance, 0, idle, costs)


def test_row_search_tracks_the_evaluators_objective_exactly() -> None:
    instance = read_instance(DATA / "Instance2.txt")
    trace: list[float] = []
    roster = improve_rows(
        instance, time.monotonic() + 2, 1, on_improve=lambda _, value: trace.append(value)
    )
    assert roster is not None
    verdict = evaluate(instance, roster)
    assert verdict.valid
    assert trace[-1] == verdict.objective
    assert trace == sorted(trace, reverse=True) and len(trace) > 1
