"""Summaries of repeated benchmark runs (bench/curtois.py --runs)."""

from __future__ import annotations

from scheduler.benchmarks.runs import spread


def test_spread_counts_runs_at_and_near_the_best_known_value() -> None:
    runs = spread(439, [447, 439, 450, None, 441])
    assert (runs.runs, runs.best, runs.median, runs.worst) == (5, 439, 444, 450)
    assert runs.at_known() == 1
    assert runs.within() == 3  # 447 and 441 are within 2 % of 439, 450 is not (447.78)
    assert runs.within(0.0) == 1


def test_spread_without_a_best_known_value_or_a_roster() -> None:
    unknown = spread(None, [12179, 12500])
    assert unknown.at_known() is None and unknown.within() is None
    assert unknown.best == 12179
    none = spread(4040, [None, None])
    assert (none.runs, none.best, none.median, none.at_known()) == (2, None, None, 0)
