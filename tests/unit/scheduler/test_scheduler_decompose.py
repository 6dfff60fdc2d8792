"""Part-by-part start of large multi-team problems (scheduler.decompose)."""

from __future__ import annotations

import threading

import pytest

from scheduler import decompose, io
from scheduler.benchmarks.scale import scale_problem_data
from scheduler.callbacks import Progress
from scheduler.check import check_roster
from scheduler.decompose import split, team_shares
from scheduler.result import Status
from scheduler.settings import SolverSettings
from scheduler.solve import solve


def test_shares_add_up_and_spread_the_extra_agents_over_parts() -> None:
    shares = split(24, [7] * 30, turn=0)
    assert sum(shares) == 24 and set(shares) == {0, 1}
    per_part = [sum(shares[k : k + decompose.GROUP]) for k in range(0, 30, decompose.GROUP)]
    assert max(per_part) - min(per_part) <= 1
    assert split(5, [3, 0, 1], turn=1) == [4, 0, 1]
    assert split(0, [0, 0], turn=0) == [0, 0]


def test_skill_windows_are_shared_by_qualified_agents() -> None:
    problem = io.parse_problem(scale_problem_data(42, 7))
    shares = team_shares(problem)
    for window, share in zip(problem.coverage, shares.coverage, strict=True):
        assert sum(share) == window.min
        if window.skill is not None:
            assert all(s == 0 for s, t in zip(share, shares.teams, strict=True) if not t[0].skills)


def test_S2_large_problems_start_from_a_covered_part_by_part_roster(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 42 agents x 7 days (six teams, two parts) stands for the large sizes; the checker,
    # written from FORMATS.md, judges the roster, including every coverage slot.
    monkeypatch.setattr(decompose, "LARGE", 0)
    problem = io.parse_problem(scale_problem_data(42, 7, seed=3))
    steps: list[Progress] = []
    stop = threading.Event()

    def first_only(step: Progress) -> None:
        steps.append(step)
        stop.set()  # the first roster is what this test is about

    settings = SolverSettings(time_limit=60, workers=1, seed=1)
    result = solve(problem, settings, progress=first_only, cancel=stop)
    assert check_roster(problem, result) == []
    assert result.status == Status.FEASIBLE and result.uncovered == ()
    assert steps[0].shortfall == 0


def test_only_many_teams_over_weeks_are_split() -> None:
    assert not decompose.worth_splitting(io.parse_problem(scale_problem_data(105, 7)))
    assert not decompose.worth_splitting(io.parse_problem(scale_problem_data(21, 28)))
    assert decompose.worth_splitting(io.parse_problem(scale_problem_data(42, 28)))
    assert decompose.worth_splitting(io.parse_problem(scale_problem_data(210, 28)))
