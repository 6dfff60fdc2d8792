"""A mix of team rosters by local search: one generated column per team, the linking rows met.

SCIP's branch and cut on the master's columns is erratic within the few seconds a solve
leaves it: on the columns of one 105 × 7 week it ended anywhere in 1 793–2 335 (and some of
those mixes left slots short, which the whole model then rejects), so the solve fell back to
its coverage roster and ended 17–24 % above the bound (docs/benchmarks.md, session 15).
Swapping one team's column, or two teams' columns together, evaluated for every candidate at
once with numpy, reaches 1 789–1 832 on the same columns in 1–3 s from the starting roster
or from the master LP's heaviest columns, and never leaves a slot short that a start covered.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from scheduler.team_master import Rows
from scheduler.team_pricing import SCALE, Column

SHORT = 1_000_000
"""Search penalty per missing agent-slot or duty row: any cover beats any saving."""

PERTURBED = 3
"""Teams given a random column of theirs before each further descent (iterated local search)."""

PAIR_CELLS = 4_000_000
"""Most numbers one block of two-team swaps may hold (~32 MB of int64)."""

PATIENCE = 200
"""Perturbations in a row without a better mix after which the search stops early."""

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Mix:
    """One column per team (indices into the columns), its value as the master counts it
    (cost plus priced slack) and how many agent-slots it leaves short."""

    picks: tuple[int, ...]
    value: float
    short: int


def best_mix(mixes: Sequence[Mix | None]) -> Mix | None:
    """The mix with the fewest short agent-slots, then the cheapest (None if none)."""
    found = [m for m in mixes if m is not None]
    return min(found, key=lambda m: (m.short, m.value)) if found else None


class ColumnSearch:
    """The columns as arrays, so that a move's effect on every linking row is one sum."""

    def __init__(self, columns: Sequence[Column], teams: Sequence[str], rows: Rows) -> None:
        self.cover: Ints = np.array([c.cover for c in columns], dtype=np.int64)
        self.duty: Ints = np.array([c.duty for c in columns], dtype=np.int64)
        self.cost: Ints = np.array([c.cost for c in columns], dtype=np.int64)
        self.need: Ints = np.array(rows.demand, dtype=np.int64)
        self.least: Ints = np.array(rows.least, dtype=np.int64)
        self.slack: Floats = np.array(rows.caps, dtype=np.float64) / SCALE
        index = {team: t for t, team in enumerate(teams)}
        owner = np.array([index[c.team] for c in columns], dtype=np.int64)
        self.members = [np.flatnonzero(owner == t) for t in range(len(teams))]

    def mix(self, picks: Sequence[int]) -> Mix:
        """The master's value of one column per team and the agent-slots it leaves short."""
        chosen = list(picks)
        missing = np.maximum(0, self.need - self.cover[chosen].sum(0))
        value = float(self.cost[chosen].sum() + (missing * self.slack).sum())
        return Mix(tuple(chosen), value, int(missing.sum()))

    def meets_duty(self, picks: Sequence[int]) -> bool:
        """Whether the picks keep every break's on-duty row (S-3), which no slack relaxes."""
        return bool((self.duty[list(picks)].sum(0) >= self.least).all())

    def search(
        self, starts: Sequence[Sequence[int]], stop: Callable[[], bool], seed: int
    ) -> Mix | None:
        """The best mix reached from each start by descents and random kicks of a few teams,
        until `stop()` or PATIENCE kicks without gain; None if no mix keeps the duty rows."""
        rng = random.Random(seed)
        best: tuple[float, list[int]] | None = None
        for start in starts:
            picks = self.descend(list(start), stop, rng)
            value = self._penalised(picks)
            if best is None or value < best[0]:
                best = (value, picks)
        if best is None:
            return None
        idle = 0
        while idle < PATIENCE and not stop():
            kicked = list(best[1])
            for t in rng.sample(range(len(self.members)), min(PERTURBED, len(self.members))):
                kicked[t] = int(rng.choice(self.members[t]))
            kicked = self.descend(kicked, stop, rng)
            value = self._penalised(kicked)
            idle = 0 if value < best[0] else idle + 1
            best = (value, kicked) if value < best[0] else best
        return self.mix(best[1]) if self.meets_duty(best[1]) else None

    def _totals(self, picks: Sequence[int]) -> tuple[Ints, Ints, np.int64]:
        """What one column per team gives each coverage and duty row, and what it costs."""
        chosen = list(picks)
        return self.cover[chosen].sum(0), self.duty[chosen].sum(0), self.cost[chosen].sum()

    def _penalised(self, picks: Sequence[int]) -> float:
        """What the search minimises for one column per team (`_score`)."""
        return float(self._score(*self._totals(picks)))

    def _score(self, cover: Ints, duty: Ints, cost: Ints | np.int64) -> Floats:
        """Cost, priced slack and SHORT per missing slot or duty, over the last axis."""
        short = np.maximum(0, self.need - cover)
        lacking = np.maximum(0, self.least - duty).sum(-1)
        score: Floats = cost + (short * self.slack).sum(-1) + SHORT * (short.sum(-1) + lacking)
        return score

    def descend(self, picks: list[int], stop: Callable[[], bool], rng: random.Random) -> list[int]:
        """Best one-team swaps, then the first improving two-team swap, until neither gains."""
        teams = range(len(self.members))
        pairs = [(a, b) for a in teams for b in teams if a < b]
        while not stop():
            if self._swap_one(picks, rng):
                continue
            rng.shuffle(pairs)
            if not any(self._swap_two(picks, a, b) for a, b in pairs):
                break
        return picks

    def _swap_one(self, picks: list[int], rng: random.Random) -> bool:
        """Give each team in turn its best column given the others; True if any changed."""
        changed = False
        cover, duty, cost = self._totals(picks)
        current = float(self._score(cover, duty, cost))
        for t in rng.sample(range(len(self.members)), len(self.members)):
            options, now = self.members[t], picks[t]
            scores = self._score(
                cover - self.cover[now] + self.cover[options],
                duty - self.duty[now] + self.duty[options],
                cost - self.cost[now] + self.cost[options],
            )
            k = int(np.argmin(scores))
            if scores[k] < current - 1e-9:
                new = int(options[k])
                cover = cover - self.cover[now] + self.cover[new]
                duty = duty - self.duty[now] + self.duty[new]
                cost = cost - self.cost[now] + self.cost[new]
                picks[t], current, changed = new, float(scores[k]), True
        return changed

    def _swap_two(self, picks: list[int], a: int, b: int) -> bool:
        """Give teams `a` and `b` their best pair of columns given the others, if it gains.
        The pairs are scored a block of `a`'s columns at a time, so that no array holds
        more than PAIR_CELLS numbers however many columns and rows there are."""
        ours, theirs = self.members[a], self.members[b]
        rest = [p for t, p in enumerate(picks) if t not in (a, b)]
        cover = self.cover[rest].sum(0) + self.cover[theirs]
        duty = self.duty[rest].sum(0) + self.duty[theirs]
        cost = self.cost[rest].sum() + self.cost[theirs]
        width = len(theirs) * (self.cover.shape[1] + self.duty.shape[1] + 1)
        block = max(1, PAIR_CELLS // max(1, width))
        best, pair = self._penalised(picks) - 1e-9, None
        for first in range(0, len(ours), block):
            mine = ours[first : first + block]
            scores = self._score(
                cover + self.cover[mine][:, None],
                duty + self.duty[mine][:, None],
                cost + self.cost[mine][:, None],
            )
            i, j = np.unravel_index(int(np.argmin(scores)), scores.shape)
            if scores[i, j] < best:
                best, pair = float(scores[i, j]), (int(mine[i]), int(theirs[j]))
        if pair is None:
            return False
        picks[a], picks[b] = pair
        return True
