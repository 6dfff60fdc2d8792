"""Column generation for Curtois & Qu: pricing, the Lagrangian bound, diving, the whole solve.

Every roster is judged by the independent evaluator (`curtois_check`), never by the model.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import random
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from scheduler.benchmarks import curtois_colgen
from scheduler.benchmarks.curtois import Instance, Roster, read_instance
from scheduler.benchmarks.curtois_check import evaluate
from scheduler.benchmarks.curtois_colgen import (
    SCALE,
    ColgenSettings,
    ColumnGeneration,
    Dive,
    Prices,
    SecondDive,
    finish,
    finish_with_engine,
    named,
    programmes_pay,
    root_mix_window,
    solve_colgen,
    suits,
)
from scheduler.benchmarks.curtois_construct import Row, construct_row
from scheduler.benchmarks.curtois_engine import Outcome

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "benchmarks" / "curtois"
SETTINGS = ColgenSettings(time_limit=20, workers=1, seed=0)


@pytest.fixture(scope="module")
def instance1() -> Instance:
    return read_instance(DATA / "Instance1.txt")


def random_prices(instance: Instance, rng: random.Random) -> Prices:
    """Prices anywhere in the range the bound allows: [−over weight, under weight] × SCALE."""
    return {
        (c.day, c.shift): rng.randint(-SCALE * c.over_weight, SCALE * c.under_weight)
        for c in instance.cover
    }


def test_priced_rows_are_valid_and_their_value_is_their_reduced_cost(
    instance1: Instance,
) -> None:
    cg = ColumnGeneration(instance1, SETTINGS)
    try:
        prices = random_prices(instance1, random.Random(3))
        priced = {e: cg.rows.price(e, prices, None, 5.0) for e in range(len(instance1.staff))}
    finally:
        cg.close()
    roster = {instance1.staff[e].id: p.row for e, p in priced.items()}
    assert evaluate(instance1, roster).breaches == ()
    for e, p in priced.items():
        reduced = SCALE * cg.rows.cost(e, p.row)
        reduced -= sum(prices[d, s] for d, s in enumerate(p.row) if s is not None)
        assert p.value == reduced
        assert p.bound == p.value  # a one-row model of 14 days is solved to optimality


def test_lagrangian_bound_never_exceeds_a_valid_rosters_objective(instance1: Instance) -> None:
    # Any prices in range give a lower bound; a sign or range error breaks this for some.
    cg = ColumnGeneration(instance1, SETTINGS)
    cg.start()
    try:
        root = cg.generate(time.monotonic() + 30)
        roster = cg.dive(root, time.monotonic() + 30)
        objective = evaluate(instance1, roster).objective
        rng = random.Random(7)
        for _ in range(5):
            prices = random_prices(instance1, rng)
            priced = {
                e: cg.rows.price(e, prices, None, 5.0).bound for e in range(len(instance1.staff))
            }
            assert cg.master.lagrangian(prices, priced, {}) <= objective
    finally:
        cg.close()
    assert root.bound <= 607 <= objective  # 607 is Instance1's proven optimum
    assert root.bound <= root.value


def test_root_generation_stops_when_the_bound_meets_the_lp_value(instance1: Instance) -> None:
    # The objective is integer, so generation may stop once ⌈bound⌉ reaches ⌈LP value⌉;
    # Instance1's LP optimum is 558, well below its integer optimum 607.
    cg = ColumnGeneration(instance1, SETTINGS)
    cg.start()
    try:
        root = cg.generate(time.monotonic() + 30)
    finally:
        cg.close()
    assert math.ceil(root.bound - 1e-6) == math.ceil(root.value - 1e-6) == 558


def test_fixing_an_employee_closes_their_other_columns(instance1: Instance) -> None:
    cg = ColumnGeneration(instance1, SETTINGS)
    cg.start()
    try:
        cg.generate(time.monotonic() + 30)
        kept = next(row for e, row, _ in cg.master.columns if e == 0)
        cg.fixed[0] = kept
        cg.master.fix(0, kept)
        _, weights, _ = cg.master.solve()
    finally:
        cg.close()
    for (e, row, _), weight in zip(cg.master.columns, weights, strict=True):
        if e == 0:
            assert weight == pytest.approx(1.0 if row == kept else 0.0)


def test_colgen_proves_instance1_optimal_at_607_and_the_evaluator_agrees(
    instance1: Instance,
) -> None:
    outcome = solve_colgen(instance1, SETTINGS)
    assert outcome.roster is not None
    verdict = evaluate(instance1, outcome.roster)
    assert verdict.breaches == ()
    assert verdict.objective == outcome.objective == 607
    assert outcome.bound == 607 and outcome.status == "OPTIMAL"


def constructed_roster(instance: Instance) -> dict[str, tuple[str | None, ...]]:
    """A valid roster built row by row without prices (far from optimal)."""
    rows = {s.id: construct_row(instance, e, {}) for e, s in enumerate(instance.staff)}
    return {k: v for k, v in rows.items() if v is not None}


def test_engine_takes_over_from_a_poor_dive_and_the_better_roster_wins(
    instance1: Instance,
) -> None:
    start = constructed_roster(instance1)
    poor = evaluate(instance1, start).objective
    assert poor > 607
    dive = Dive(start, poor, 558, time.monotonic())
    outcome = finish_with_engine(instance1, SETTINGS, dive, None)
    assert outcome.roster is not None
    verdict = evaluate(instance1, outcome.roster)
    assert verdict.breaches == () and verdict.objective == outcome.objective == 607
    assert outcome.bound == 607 and outcome.status == "OPTIMAL"


def test_a_dive_that_meets_the_bound_is_optimal_without_another_search(
    instance1: Instance,
) -> None:
    start = constructed_roster(instance1)
    value = evaluate(instance1, start).objective
    outcome = finish(instance1, SETTINGS, Dive(start, value, value, time.monotonic()))
    assert outcome.status == "OPTIMAL" and outcome.roster == start
    assert outcome.objective == outcome.bound == value


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Instance1", True),
        ("Instance12", True),
        ("Instance13", False),
        ("Instance14", False),
    ],
)
def test_colgen_suits_short_horizons_with_few_shift_types(name: str, expected: bool) -> None:
    assert suits(read_instance(DATA / f"{name}.txt")) is expected


@pytest.mark.parametrize(
    ("name", "expected"), [("Instance6", False), ("Instance8", False), ("Instance12", True)]
)
def test_programmes_price_the_rows_of_instances_of_more_than_six_shift_types(
    name: str, expected: bool
) -> None:
    instance = read_instance(DATA / f"{name}.txt")
    assert programmes_pay(instance) is expected
    cg = ColumnGeneration(instance, SETTINGS)
    cg.close()
    assert any(p is not None for p in cg.rows.pricers) is expected


def test_completing_a_dive_mixes_columns_no_worse_than_rounding(instance1: Instance) -> None:
    cg = ColumnGeneration(instance1, SETTINGS)
    cg.start()
    try:
        root = cg.generate(time.monotonic() + 30)
        rounded = cg.heaviest(root.weights)
        heaviest = {instance1.staff[e].id: row for e, (_, row) in rounded.items()}
        cg.complete(rounded)
    finally:
        cg.close()
    completed = {instance1.staff[e].id: row for e, row in cg.fixed.items()}
    assert len(completed) == len(instance1.staff)
    verdict = evaluate(instance1, completed)
    assert verdict.breaches == ()
    assert verdict.objective <= evaluate(instance1, heaviest).objective


def capture_finish(monkeypatch: pytest.MonkeyPatch) -> list[Dive]:
    """Make `solve_colgen` hand its roster over without the final search; returns what it got."""
    handed: list[Dive] = []

    def hand_over(
        instance: Instance, settings: ColgenSettings, dive: Dive, on_improve: object
    ) -> Outcome:
        handed.append(dive)
        return Outcome("FEASIBLE", dive.roster, dive.objective, dive.lower, 0.0, 0.0, ())

    monkeypatch.setattr(curtois_colgen, "finish", hand_over)
    return handed


def test_a_root_mix_within_the_trust_gap_is_handed_over_without_a_dive(
    instance1: Instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A mix close enough to the bound goes to the full model with all the time a dive would
    # spend. Instance1's mix (≈ 608) is within a trust gap of 100 % of its bound 558.
    handed = capture_finish(monkeypatch)

    def no_dive(self: ColumnGeneration, generation: object, finish_by: float) -> None:
        raise AssertionError("dived although the root mix was within the trust gap")

    monkeypatch.setattr(ColumnGeneration, "dive", no_dive)
    settings = ColgenSettings(time_limit=20, workers=1, seed=0, trust_gap=1.0)
    solve_colgen(instance1, settings)
    [mixed] = handed
    assert mixed.lower == 558
    verdict = evaluate(instance1, mixed.roster)
    assert verdict.breaches == () and verdict.objective == mixed.objective
    assert mixed.objective <= (1 + settings.trust_gap) * mixed.lower


def test_a_root_mix_far_from_the_bound_is_dived_and_the_better_roster_kept(
    instance1: Instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Instance1's bound (558) is 8 % below its optimum, so no mix can be trusted: it dives.
    handed = capture_finish(monkeypatch)
    found: dict[str, int] = {}
    mix, dive = ColumnGeneration.mix, ColumnGeneration.dive

    def spy_mix(self: ColumnGeneration, *args: Any) -> dict[int, Row]:
        rows = mix(self, *args)
        if not self.fixed:  # the root's mix, not the completion of a dive
            found["mix"] = evaluate(instance1, named(instance1, rows)).objective
        return rows

    def spy_dive(self: ColumnGeneration, *args: Any) -> Roster:
        roster = dive(self, *args)
        found["dive"] = evaluate(instance1, roster).objective
        return roster

    monkeypatch.setattr(ColumnGeneration, "mix", spy_mix)
    monkeypatch.setattr(ColumnGeneration, "dive", spy_dive)
    solve_colgen(instance1, SETTINGS)
    [best] = handed
    assert set(found) == {"mix", "dive"}
    assert best.objective == min(found.values())
    assert evaluate(instance1, best.roster).objective == best.objective


def test_a_quick_roots_mix_may_go_on_until_it_is_trusted() -> None:
    settings = ColgenSettings(time_limit=60, trust_gap=0.01)
    # Converged at 3 s (within 10 % of the limit): mixed until 20 % of it, or until 1 % of
    # the bound; at 9 s: the plain 5 %, without an early stop.
    assert root_mix_window(settings, 3.0, 1141) == pytest.approx((0.15, 1152.41))
    assert root_mix_window(settings, 9.0, 1141) == (0.05, -math.inf)
    assert root_mix_window(settings, 3.0, None) == (pytest.approx(0.15), -math.inf)
    assert root_mix_window(settings, 5.9, 1141)[0] == pytest.approx(0.1017, abs=1e-3)


def test_a_mix_stops_at_its_first_roster_that_costs_enough(instance1: Instance) -> None:
    """With one worker the first roster is the hint (each row's first column, built without
    prices): a mix that may stop at any cost returns it, one that may not goes on."""
    cg = ColumnGeneration(instance1, SETTINGS)
    cg.start()
    try:
        first = {e: (1.0, row) for e, row, _ in cg.master.columns}
        cg.generate(time.monotonic() + 30)
        at_once = cg.mix(first, 0.5, enough=math.inf)
        searched = cg.mix(first, 0.5)
    finally:
        cg.close()
    started = evaluate(instance1, named(instance1, {e: row for e, (_, row) in first.items()}))
    assert evaluate(instance1, named(instance1, at_once)).objective == started.objective
    assert evaluate(instance1, named(instance1, searched)).objective < started.objective


def test_a_quick_root_is_mixed_for_longer_with_an_early_stop(
    instance1: Instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    capture_finish(monkeypatch)
    windows: list[tuple[Any, ...]] = []
    mix = ColumnGeneration.mix

    def spy_mix(self: ColumnGeneration, *args: Any) -> dict[int, Row]:
        if not self.fixed:
            windows.append(args[1:])
        return mix(self, *args)

    monkeypatch.setattr(ColumnGeneration, "mix", spy_mix)
    solve_colgen(instance1, SETTINGS)  # Instance1's root converges in well under 2 s of 20
    [(share, enough)] = windows
    assert SETTINGS.root_mix_share < share <= SETTINGS.quick_mix_end
    assert enough == pytest.approx((1 + SETTINGS.trust_gap) * 558)


def test_colgen_reports_each_better_roster_to_the_progress_callback(instance1: Instance) -> None:
    reported: list[tuple[float, float]] = []
    outcome = solve_colgen(instance1, SETTINGS, lambda t, value: reported.append((t, value)))
    values = [value for _, value in reported]
    assert values and values[-1] == outcome.objective == 607
    assert values == sorted(values, reverse=True)


def test_a_jittered_dive_takes_other_paths_to_valid_rosters(instance1: Instance) -> None:
    def fixing_order(jitter: random.Random | None) -> tuple[int, ...]:
        cg = ColumnGeneration(instance1, SETTINGS)
        cg.start()
        try:
            root = cg.generate(time.monotonic() + 30)
            roster = cg.dive(root, time.monotonic() + 30, jitter)
        finally:
            cg.close()
        assert len(roster) == len(instance1.staff)
        assert evaluate(instance1, roster).breaches == ()
        return tuple(cg.fixed)  # in the order the dive fixed them

    plain = fixing_order(None)
    assert any(fixing_order(random.Random(seed)) != plain for seed in range(5))


def test_a_second_dive_is_forked_only_where_pricing_leaves_a_core_idle_and_no_thread_runs(
    instance1: Instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    def pays(workers: int) -> bool:
        cg = ColumnGeneration(instance1, ColgenSettings(time_limit=20, workers=workers))
        cg.close()
        return SecondDive.pays(cg)

    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert not pays(2)  # Instance1's rows are CP-SAT models priced on every worker
    monkeypatch.setattr(curtois_colgen, "programmes_pay", lambda instance: True)
    assert pays(2)
    assert not pays(1)
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    assert not pays(2)  # a fork would copy none of the other thread's held locks


@pytest.fixture
def parent(monkeypatch: pytest.MonkeyPatch) -> int:
    """This process's ID, to tell parent from child; Instance1 then forks a second dive (its
    rows priced by programmes) although other tests may have left threads running."""
    monkeypatch.setattr(curtois_colgen, "programmes_pay", lambda instance: True)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    return os.getpid()


# Python 3.12+ warns on any fork beside running threads; here they are other tests' idle ones.
FORK_BESIDE_THREADS = pytest.mark.filterwarnings("ignore:.*use of fork.*:DeprecationWarning")


@FORK_BESIDE_THREADS
def test_the_second_dive_is_kept_when_it_is_better(
    instance1: Instance, monkeypatch: pytest.MonkeyPatch, parent: int
) -> None:
    # Here only the forked child dives for real: the root's mix and the parent's own dive
    # return a roster with nobody at work, so a roster that covers anything came from it.
    handed = capture_finish(monkeypatch)
    nobody = {s.id: (None,) * instance1.horizon for s in instance1.staff}
    mix, dive = ColumnGeneration.mix, ColumnGeneration.dive

    def empty_root_mix(self: ColumnGeneration, *args: Any) -> dict[int, Row]:
        rows = mix(self, *args)
        return rows if self.fixed else {e: (None,) * instance1.horizon for e in rows}

    def child_dives(self: ColumnGeneration, *args: Any) -> Roster:
        return dive(self, *args) if os.getpid() != parent else nobody

    monkeypatch.setattr(ColumnGeneration, "mix", empty_root_mix)
    monkeypatch.setattr(ColumnGeneration, "dive", child_dives)
    solve_colgen(instance1, ColgenSettings(time_limit=20, workers=2, seed=0))
    [best] = handed
    verdict = evaluate(instance1, best.roster)
    assert verdict.breaches == () and verdict.objective == best.objective
    assert best.objective < evaluate(instance1, nobody).objective


@FORK_BESIDE_THREADS
def test_a_second_dive_that_fails_leaves_the_parents_roster_without_waiting(
    instance1: Instance, monkeypatch: pytest.MonkeyPatch, parent: int
) -> None:
    handed = capture_finish(monkeypatch)
    dive = ColumnGeneration.dive
    dived: list[int] = []

    def parent_dives(self: ColumnGeneration, *args: Any) -> Roster:
        if os.getpid() != parent:
            raise RuntimeError("the forked dive fails")
        roster = dive(self, *args)
        dived.append(evaluate(instance1, roster).objective)
        return roster

    monkeypatch.setattr(ColumnGeneration, "dive", parent_dives)
    started = time.monotonic()
    solve_colgen(instance1, ColgenSettings(time_limit=20, workers=2, seed=0))
    assert time.monotonic() - started < 10  # its deadline is 19 s after the start
    [best] = handed
    assert dived and best.objective <= dived[0]
    assert evaluate(instance1, best.roster).breaches == ()


@FORK_BESIDE_THREADS
def test_a_parents_dive_that_fails_stops_the_second_dive(
    instance1: Instance, monkeypatch: pytest.MonkeyPatch, parent: int
) -> None:

    def dives(self: ColumnGeneration, *args: Any) -> Roster:
        if os.getpid() == parent:
            raise RuntimeError("the parent's dive fails")
        time.sleep(60)  # a child still diving when the parent gives up
        return {}

    monkeypatch.setattr(ColumnGeneration, "dive", dives)
    with pytest.raises(RuntimeError, match="the parent's dive fails"):
        solve_colgen(instance1, ColgenSettings(time_limit=20, workers=2, seed=0))
    assert multiprocessing.active_children() == []


def test_a_dive_whose_master_lp_fails_completes_the_free_rows(
    instance1: Instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    cg = ColumnGeneration(instance1, SETTINGS)
    cg.start()
    try:
        root = cg.generate(time.monotonic() + 30)
        solve, calls = curtois_colgen.Master.solve, [0]

        def fails_on_the_second_call(self: curtois_colgen.Master) -> Any:
            calls[0] += 1
            if calls[0] == 2:
                raise curtois_colgen.MasterFailure("the master LP has no optimum")
            return solve(self)

        monkeypatch.setattr(curtois_colgen.Master, "solve", fails_on_the_second_call)
        roster = cg.dive(root, time.monotonic() + 30)
    finally:
        cg.close()
    assert calls[0] == 2  # the dive went on no further than the failure
    assert len(roster) == len(instance1.staff)
    assert evaluate(instance1, roster).breaches == ()


def test_a_root_whose_master_lp_fails_hands_the_whole_time_to_the_engine(
    instance1: Instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(self: curtois_colgen.Master) -> Any:
        raise curtois_colgen.MasterFailure("the master LP has no optimum")

    monkeypatch.setattr(curtois_colgen.Master, "solve", fails)
    reported: list[tuple[float, float]] = []
    began = time.monotonic()
    outcome = solve_colgen(instance1, SETTINGS, lambda t, v: reported.append((t, v)))
    assert outcome.roster is not None
    verdict = evaluate(instance1, outcome.roster)
    assert verdict.breaches == () and verdict.objective == outcome.objective == 607
    assert outcome.bound == 607 and outcome.status == "OPTIMAL"  # the engine's own bound
    # Times count from the solve's start, not the engine's: the failed root took some.
    assert reported and list(outcome.trace) == reported
    assert 0 < outcome.trace[0][0] <= outcome.wall_seconds <= time.monotonic() - began
    assert outcome.time_to_best is not None and outcome.time_to_best >= outcome.trace[0][0]
