"""Exact row pricing by dynamic programme: against every row of small random instances, and
against the CP-SAT row model on the benchmark's own instances.

Validity is judged by the independent evaluator (`curtois_check`), never by the programme.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from scheduler.benchmarks.curtois import Cover, Instance, Shift, Staff, read_instance
from scheduler.benchmarks.curtois_check import evaluate
from scheduler.benchmarks.curtois_colgen import SCALE, Rows
from scheduler.benchmarks.curtois_pricing import RowPricer, succession_groups

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "benchmarks" / "curtois"


def small_instance(rng: random.Random, horizon: int) -> Instance:
    """One employee, three shift types with random lengths, successions and limits."""
    ids = ["A", "B", "C"]
    shifts = tuple(
        Shift(s, rng.choice((240, 360, 480)), tuple(t for t in ids if rng.random() < 0.3))
        for s in ids
    )
    staff = Staff(
        id="E",
        max_shifts={s: rng.choice((0, 1, 2, 3, horizon)) for s in ids},
        max_total_minutes=rng.randint(4, 7) * 480,
        min_total_minutes=rng.randint(0, 3) * 480,
        max_consecutive_shifts=rng.randint(2, 5),
        min_consecutive_shifts=rng.randint(1, 3),
        min_consecutive_days_off=rng.randint(1, 3),
        max_weekends=rng.randint(0, 2),
    )
    days_off = frozenset(d for d in range(horizon) if rng.random() < 0.15)
    return Instance(
        name="small",
        horizon=horizon,
        shifts=shifts,
        staff=(staff,),
        days_off={"E": days_off},
        on_requests=(),
        off_requests=(),
        cover=tuple(Cover(d, s, 0, 1, 1) for d in range(horizon) for s in ids),
    )


def cheapest_by_enumeration(instance: Instance, costs: dict[tuple[int, str], int]) -> int | None:
    """Least cost over every row the evaluator calls valid (None if there is none)."""
    cells = [None, *(s.id for s in instance.shifts)]
    best = None
    for row in itertools.product(cells, repeat=instance.horizon):
        if not evaluate(instance, {"E": row}).valid:
            continue
        cost = sum(costs[d, s] for d, s in enumerate(row) if s is not None)
        best = cost if best is None or cost < best else best
    return best


@pytest.mark.parametrize("seed", range(24))
def test_programme_finds_the_cheapest_valid_row_of_every_row(seed: int) -> None:
    rng = random.Random(seed)
    instance = small_instance(rng, horizon=rng.choice((6, 7)))
    costs = {
        (d, s.id): rng.randint(-9, 5) for d in range(instance.horizon) for s in instance.shifts
    }
    priced = RowPricer(instance, 0).price(costs, count=3)
    want = cheapest_by_enumeration(instance, costs)
    if want is None:
        assert priced == []
        return
    assert priced[0][0] == want
    assert [value for value, _ in priced] == sorted(value for value, _ in priced)
    for value, row in priced:  # the cheapest and the alternatives: valid, at their cost
        assert evaluate(instance, {"E": row}).valid
        assert sum(costs[d, s] for d, s in enumerate(row) if s is not None) == value


def test_shifts_alike_for_successions_share_a_group() -> None:
    shifts = [
        Shift("a1", 480, ()),
        Shift("a2", 480, ()),
        Shift("d", 480, ("a1", "a2")),
        Shift("n", 480, ("a1", "a2", "d")),
    ]
    assert succession_groups(shifts) == [0, 0, 1, 2]


@pytest.mark.parametrize("name", ["Instance2", "Instance5", "Instance7"])
def test_programme_agrees_with_the_cp_sat_row_model(name: str) -> None:
    instance = read_instance(DATA / f"{name}.txt")
    rows = Rows(instance)
    rng = random.Random(7)
    prices = {
        (c.day, c.shift): rng.randint(-SCALE * c.over_weight, SCALE * c.under_weight)
        for c in instance.cover
    }
    for e in range(len(instance.staff)):
        assert rows.pricers[e] is not None
        exact = rows.price(e, prices, None, 5.0)
        model = rows.price_in_model(e, prices, None, 5.0)
        assert model.value == model.bound  # proved optimal, so the values must agree
        assert exact.value == model.value
        evaluation = evaluate(instance, {instance.staff[e].id: exact.row})
        assert not [b for b in evaluation.breaches if instance.staff[e].id in b.message]


def test_a_programme_too_large_is_left_to_cp_sat() -> None:
    instance = read_instance(DATA / "Instance8.txt")
    pricers = [RowPricer(instance, e) for e in range(len(instance.staff))]
    # Three binding MaxShifts types make a day's arrays 1.5 M cells: CP-SAT is faster.
    assert any(not p.fits for p in pricers)
    assert [p is not None for p in Rows(instance).pricers] == [p.fits for p in pricers]
