"""The local search that mixes team columns (scheduler.team_mix): it reaches mixes that one
team's swap cannot, keeps the linking rows a start met, and counts value as the master does."""

from __future__ import annotations

import itertools
import random

import pytest

from scheduler import team_mix
from scheduler.constraints import DutyRow
from scheduler.team_master import Rows
from scheduler.team_mix import ColumnSearch, Mix, best_mix
from scheduler.team_pricing import SCALE, Column

SLOT_PRICE = 100
"""What the master charges per missing agent-slot in these rows (caps are × SCALE)."""


def column(team: str, cost: int, cover: tuple[int, ...], duty: tuple[int, ...] = (0,)) -> Column:
    return Column(team, cost, cover, duty, frozenset(), frozenset())


def rows(demand: tuple[int, ...], least: int = 0) -> Rows:
    duty = (DutyRow("D", 0, frozenset({0}), least),)
    return Rows((), demand, tuple(SCALE * SLOT_PRICE for _ in demand), duty)


def forever() -> bool:
    return False


def brute_force(columns: list[Column], teams: list[str], search: ColumnSearch) -> float:
    """The cheapest mix by trying every one (cover first), to check the search against."""
    options = [[k for k, c in enumerate(columns) if c.team == t] for t in teams]
    mixes = [search.mix(picks) for picks in itertools.product(*options)]
    kept = [m for m in mixes if search.meets_duty(m.picks)]
    return min((m.short, m.value) for m in kept)[1]


@pytest.mark.parametrize("pair_cells", [1, team_mix.PAIR_CELLS])
def test_a_descent_swaps_two_teams_where_no_one_team_swap_gains(
    pair_cells: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A covers row 0 and B row 1, each for 5; A could cover row 1 and B row 0 for 1 each.
    # Moving either team alone leaves a row short, so only moving both together gains
    # (also when the pairs are scored one of A's columns at a time).
    monkeypatch.setattr(team_mix, "PAIR_CELLS", pair_cells)
    teams = ["A", "B"]
    columns = [
        column("A", 5, (1, 0)),
        column("A", 1, (0, 1)),
        column("A", 3, (0, 0)),
        column("B", 5, (0, 1)),
        column("B", 1, (1, 0)),
        column("B", 3, (0, 0)),
    ]
    search = ColumnSearch(columns, teams, rows((1, 1)))
    picks = search.descend([0, 3], forever, random.Random(0))
    assert picks == [1, 4]
    assert (search.mix(picks).value, search.mix(picks).short) == (2, 0)


def test_the_search_finds_the_cheapest_mix_of_a_small_pool() -> None:
    teams = ["A", "B", "C"]
    columns = [
        column(t, cost, cover)
        for t in teams
        for cost, cover in [(5, (1, 0, 0)), (3, (0, 1, 0)), (4, (0, 0, 1)), (1, (0, 0, 0))]
    ]
    search = ColumnSearch(columns, teams, rows((1, 1, 1)))
    found = search.search([[3, 7, 11]], forever, seed=1)
    assert found is not None
    assert found.value == brute_force(columns, teams, search) == 12
    assert found.short == 0


def test_a_covered_start_stays_covered_even_where_slack_is_cheaper() -> None:
    # Leaving the row short costs 100 in the master, the covering column 500 more: the
    # master's value prefers the gap, but the whole model forbids a shortfall the first
    # roster did not have, so the search keeps the cover.
    teams = ["A"]
    columns = [column("A", 500, (1,)), column("A", 0, (0,))]
    search = ColumnSearch(columns, teams, rows((1,)))
    found = search.search([[0]], forever, seed=0)
    assert found is not None
    assert (found.picks, found.short, found.value) == ((0,), 0, 500)
    assert search.mix([1]).value == SLOT_PRICE and search.mix([1]).short == 1


def test_no_mix_is_offered_when_no_pick_keeps_a_break_rows_duty_S3() -> None:
    teams = ["A", "B"]
    columns = [column("A", 1, (1,), (0,)), column("B", 1, (1,), (1,))]
    search = ColumnSearch(columns, teams, rows((1,), least=2))
    assert search.search([[0, 1]], forever, seed=0) is None


def test_the_search_stops_when_told() -> None:
    """Left alone it runs PATIENCE kicks; told to stop at its fourth check, it returns the
    best mix so far within two more checks."""
    teams = [f"T{t}" for t in range(6)]
    columns = [column(t, (7 * k) % 5, (k % 2, (k + 1) % 2)) for t in teams for k in range(40)]
    search = ColumnSearch(columns, teams, rows((3, 3)))
    calls = 0

    def after_three_checks() -> bool:
        nonlocal calls
        calls += 1
        return calls > 3

    found = search.search([[40 * t for t in range(6)]], after_three_checks, seed=0)
    assert found is not None and 4 <= calls <= 6


def test_the_best_mix_leaves_fewest_slots_short_before_it_is_cheapest() -> None:
    covered, cheaper_but_short = Mix((0,), 500.0, 0), Mix((1,), 100.0, 1)
    assert best_mix([cheaper_but_short, None, covered]) == covered
    assert best_mix([Mix((2,), 90.0, 0), covered]) == Mix((2,), 90.0, 0)
    assert best_mix([None, None]) is None
