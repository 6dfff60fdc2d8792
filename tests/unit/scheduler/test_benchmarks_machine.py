"""The machine's pace printed above benchmark tables (scheduler.benchmarks.machine)."""

from __future__ import annotations

from scheduler.benchmarks.machine import Pace, measure


def test_the_pace_reading_measures_the_solver_and_python() -> None:
    pace = measure(budget=0.05, steps=20_000)
    assert 0 < pace.solver < 100 and 0 < pace.python < 10_000


def test_the_pace_reading_names_both_figures_and_their_units() -> None:
    assert str(Pace(0.5, 20.0)) == (
        "machine pace: CP-SAT 0.50 deterministic s per s (one worker), "
        "Python 20.0 M loop steps per s"
    )
