"""Exact row pricing for Curtois & Qu column generation: a dynamic programme over run states.

Column generation prices every employee's cheapest row at the master's duals in every
round; a one-row CP-SAT model takes 15–25 ms of which most is building and starting the
search, so Instance12's root needed 24–39 s. Here a row is a path through the days whose
state is the run (working in a succession class, or off; its length; whether it began on
day 0), and each state holds an array over the resources that limits count: minutes (in
units of the lengths' gcd), weekends worked and each binding MaxShifts type. Shift types
that are interchangeable for successions, length and limits collapse into one option priced
at its cheapest member, so a day costs a few dozen array operations (~1–3 ms a row). The
minimum is exact, so its value is also the pricing bound.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from scheduler.benchmarks.curtois import Instance, Shift
from scheduler.benchmarks.curtois_construct import Row

INF = np.int64(1) << np.int64(60)
"""Value of an unreachable state; anything at or above INF // 2 is unreachable."""
LARGEST = 60_000
"""Most cells (states × resources) of one day's arrays: above it (Instance8's employees with
three binding MaxShifts types: 1.5 M cells, 0.9 s a row) a CP-SAT row model is faster."""

Values = npt.NDArray[np.int64]
Index = tuple[int | slice, ...]
DayCosts = Mapping[tuple[int, str], int]
"""(day, shift) → what working that shift that day adds to the row's reduced cost."""


@dataclass(frozen=True)
class Option:
    """Shift types of one succession class, length and MaxShifts count: one choice a day."""

    group: int  # succession class
    units: int  # length ÷ the programme's unit
    counted: int | None  # index of the limited type's count axis, None when unlimited
    shifts: tuple[str, ...]


@dataclass(frozen=True)
class State:
    """Where a path is after a day: its run block and its resource cell."""

    working: bool
    group: int  # succession class of the last shift (0 when off)
    run: int  # run index (see RowPricer) or off index
    cell: tuple[int, ...]


def succession_groups(shifts: list[Shift]) -> list[int]:
    """Class of each shift: same shifts forbidden after it and same shifts forbidding it."""
    ids = [s.id for s in shifts]
    keys: list[tuple[frozenset[str], frozenset[str]]] = []
    for s in shifts:
        after = frozenset(t for t in s.cannot_follow if t in ids)
        before = frozenset(u.id for u in shifts if s.id in u.cannot_follow)
        keys.append((after, before))
    first = {key: i for i, key in reversed(list(enumerate(keys)))}
    order = sorted(set(first.values()))
    return [order.index(first[key]) for key in keys]


class RowPricer:
    """One employee's programme: its options, run blocks and resource axes, built once.

    Work runs are indexed 0 … most−1 for lengths 1 … most (MaxConsecutiveShifts), then
    most … most+edge−1 for runs begun on day 0 shorter than MinConsecutiveShifts (exempt
    when they end). Off runs are indexed 0 … need−1 for lengths 1 … need (capped at
    MinConsecutiveDaysOff), and need for a run begun on day 0 (always exempt).
    """

    def __init__(self, instance: Instance, e: int) -> None:
        staff = instance.staff[e]
        self.horizon = instance.horizon
        self.off = instance.days_off.get(staff.id, frozenset())
        free = self.horizon - sum(1 for d in self.off if 0 <= d < self.horizon)
        usable = [s for s in instance.shifts if staff.max_shifts.get(s.id, free) > 0]
        self.unit = math.gcd(*(s.minutes for s in usable)) if usable else 1
        self.lo = -(-staff.min_total_minutes // self.unit)
        hi = staff.max_total_minutes // self.unit
        limited = [s for s in usable if staff.max_shifts.get(s.id, free) < free]
        groups = succession_groups(usable)
        by_key: dict[tuple[int, int, int | None], list[str]] = {}
        for s, g in zip(usable, groups, strict=True):
            counted = limited.index(s) if s in limited else None
            by_key.setdefault((g, s.minutes // self.unit, counted), []).append(s.id)
        self.options = [Option(g, u, c, tuple(ids)) for (g, u, c), ids in by_key.items()]
        self.groups = max(groups, default=-1) + 1
        rep = {g: s for s, g in reversed(list(zip(usable, groups, strict=True)))}
        self.follows = [
            [a for a in range(self.groups) if rep[b].id not in rep[a].cannot_follow]
            for b in range(self.groups)
        ]
        self.most = max(1, staff.max_consecutive_shifts)
        self.edge = max(0, staff.min_consecutive_shifts - 1)
        self.min_run = max(1, staff.min_consecutive_shifts)
        self.need = max(1, staff.min_consecutive_days_off)
        self.shape = (
            max(hi + 1, 1),
            staff.max_weekends + 1,
            *(staff.max_shifts[s.id] + 1 for s in limited),
        )
        self.runs = self.most + self.edge
        cells = int(np.prod(self.shape))
        self.size = (self.groups * self.runs + self.need + 1) * cells
        self.feasible_minutes = hi >= 0 and self.lo <= hi
        self.moves = [[self._slices(o, w) for w in (0, 1)] for o in self.options]

    @property
    def fits(self) -> bool:
        """Whether one day's arrays stay within LARGEST cells."""
        return self.size <= LARGEST

    def price(self, costs: DayCosts, count: int = 1) -> list[tuple[int, Row]]:
        """The `count` cheapest valid rows that end in different states, cheapest first, with
        their costs (empty when the employee has no valid row).

        The first is the exact optimum; the others are the best rows with other totals of
        minutes, weekends or limited shifts, or another last run — columns a round may add
        beside the optimum, as CP-SAT's improving rows were.
        """
        if not self.feasible_minutes or not self.options:
            return []
        picks = [[self._pick(o, d, costs) for o in self.options] for d in range(self.horizon)]
        layers = self._forward(picks)
        return [
            (value, self._backward(layers, picks, state, value))
            for value, state in self._ends(layers[-1], count)
        ]

    def _pick(self, option: Option, d: int, costs: DayCosts) -> tuple[int, str]:
        return min((costs.get((d, s), 0), s) for s in option.shifts)

    def _slices(self, option: Option, weekend: int) -> tuple[tuple[slice, ...], tuple[slice, ...]]:
        """(source, target) slices of the resource cells for working `option` once."""
        src: list[slice] = []
        dst: list[slice] = []
        for n, step in zip(self.shape, self._delta(option, weekend), strict=True):
            src.append(slice(0, max(0, n - step)))
            dst.append(slice(step, None))
        return tuple(src), tuple(dst)

    def _empty(self) -> tuple[Values, Values]:
        work = np.full((self.groups, self.runs, *self.shape), INF, dtype=np.int64)
        off = np.full((self.need + 1, *self.shape), INF, dtype=np.int64)
        return work, off

    def _forward(self, picks: list[list[tuple[int, str]]]) -> list[tuple[Values, Values]]:
        """Least cost of each state after each day (a pair of work and off arrays a day)."""
        layers: list[tuple[Values, Values]] = []
        for d in range(self.horizon):
            work, off = self._empty()
            weekend = int(d % 7 in (5, 6))
            if d == 0:
                off[(self.need, *self.zero)] = 0
                for o, (cost, _) in zip(self.options, picks[0], strict=True):
                    cell = self._delta(o, 0)
                    if d not in self.off and all(
                        c < n for c, n in zip(cell, self.shape, strict=True)
                    ):
                        target = (o.group, self.first, *cell)
                        work[target] = min(int(work[target]), cost)
                layers.append((work, off))
                continue
            pw, po = layers[-1]
            self._off_step(pw, po, off)
            if d not in self.off:
                rested = np.minimum(po[self.need - 1], po[self.need])
                for o, (cost, _), moves in zip(self.options, picks[d], self.moves, strict=True):
                    src, dst = moves[weekend]
                    at: Index = (o.group, 0, *dst)
                    view = work[at]
                    np.minimum(view, rested[src] + cost, out=view)
                for g in range(self.groups):
                    allowed = self.follows[g]
                    if not allowed:
                        continue
                    cont = pw[allowed].min(axis=0) if len(allowed) > 1 else pw[allowed[0]]
                    for o, (cost, _), moves in zip(self.options, picks[d], self.moves, strict=True):
                        if o.group == g:
                            self._work_step(cont, work[g], moves[d % 7 == 5], cost)
            layers.append((work, off))
        return layers

    @property
    def zero(self) -> tuple[int, ...]:
        """The resource cell of an empty row."""
        return (0,) * len(self.shape)

    @property
    def first(self) -> int:
        """Run index of a run begun on day 0: an edge run while MinConsecutiveShifts > 1."""
        return self.most if self.edge else 0

    def _delta(self, option: Option, weekend: int) -> tuple[int, ...]:
        counts = (int(option.counted == a) for a in range(len(self.shape) - 2))
        return (option.units, weekend, *counts)

    def _off_step(self, pw: Values, po: Values, off: Values) -> None:
        """Off today: after a work run that may end, or an off run one day longer."""
        np.minimum(off[0], pw[:, self.min_run - 1 :].min(axis=(0, 1)), out=off[0])
        if self.need > 1:
            np.minimum(off[1 : self.need], po[0 : self.need - 1], out=off[1 : self.need])
        np.minimum(off[self.need - 1], po[self.need - 1], out=off[self.need - 1])
        np.minimum(off[self.need], po[self.need], out=off[self.need])

    def _work_step(
        self, cont: Values, work: Values, moves: tuple[tuple[slice, ...], ...], cost: int
    ) -> None:
        """Work an option today after a work run of a class it may follow: the run grows by one.

        `moves` are the option's (source, target) resource slices.
        """
        src, dst = moves
        most, edge = self.most, self.edge
        pairs: list[tuple[Index, Index]] = []
        if most > 1:  # a run one day longer
            pairs.append(((slice(1, most), *dst), (slice(0, most - 1), *src)))
        if edge > 1:  # an edge run still short of MinConsecutiveShifts
            pairs.append(
                ((slice(most + 1, most + edge), *dst), (slice(most, most + edge - 1), *src))
            )
        if edge and self.min_run <= most:  # an edge run reaching MinConsecutiveShifts
            pairs.append(((self.min_run - 1, *dst), (most + edge - 1, *src)))
        for target, source in pairs:
            view = work[target]
            np.minimum(view, cont[source] + cost, out=view)

    def _ends(self, last: tuple[Values, Values], count: int) -> list[tuple[int, State]]:
        """The `count` cheapest states after the last day whose minutes reach the minimum."""
        ends: list[tuple[int, State]] = []
        for working, values in ((True, last[0]), (False, last[1])):
            blocks = values.ndim - len(self.shape)
            tail = np.moveaxis(values, blocks, 0)[self.lo :]
            flat = tail.ravel()
            if flat.size == 0:
                continue
            take = min(count, flat.size)
            for at in np.argpartition(flat, take - 1)[:take]:
                value = int(flat[at])
                if value >= INF // 2:
                    continue
                index = [int(i) for i in np.unravel_index(int(at), tail.shape)]
                cell = (index[0] + self.lo, *index[1 + blocks :])
                group, run = (index[1], index[2]) if working else (0, index[1])
                ends.append((value, State(working, group, run, cell)))
        ends.sort(key=lambda end: end[0])
        return ends[:count]

    def _backward(
        self,
        layers: list[tuple[Values, Values]],
        picks: list[list[tuple[int, str]]],
        state: State,
        value: int,
    ) -> Row:
        """Walk back from the best end, each day to a predecessor whose value adds up."""
        cells: list[str | None] = [None] * self.horizon
        for d in range(self.horizon - 1, 0, -1):
            state, value, cells[d] = self._previous(layers[d - 1], picks[d], d, state, value)
        if state.working:
            cells[0] = next(
                s
                for o, (cost, s) in zip(self.options, picks[0], strict=True)
                if o.group == state.group and cost == value and self._delta(o, 0) == state.cell
            )
        return tuple(cells)

    def _previous(
        self,
        before: tuple[Values, Values],
        picks: list[tuple[int, str]],
        d: int,
        state: State,
        value: int,
    ) -> tuple[State, int, str | None]:
        """A state of day d − 1 that reaches `state` on day d at `value`, and today's shift."""
        pw, po = before
        if not state.working:
            j, cell = state.run, state.cell
            sources: list[tuple[bool, int, int]] = []
            if j == 0:
                sources += [
                    (True, g, i)
                    for g in range(self.groups)
                    for i in range(self.min_run - 1, self.runs)
                ]
            if 0 < j < self.need:
                sources.append((False, 0, j - 1))
            if j == self.need - 1 or j == self.need:
                sources.append((False, 0, j))
            for working, g, i in sources:
                held = pw[(g, i, *cell)] if working else po[(i, *cell)]
                if int(held) == value:
                    return State(working, g, i, cell), value, None
            raise AssertionError("no predecessor of an off state")
        i = state.run
        for o, (cost, shift) in zip(self.options, picks, strict=True):
            if o.group != state.group:
                continue
            for working, g, k in self._work_sources(state.group, i):
                weekend = int(d % 7 == 5 or (d % 7 == 6 and not working))
                cell = tuple(
                    c - x for c, x in zip(state.cell, self._delta(o, weekend), strict=True)
                )
                if min(cell) < 0:
                    continue
                held = pw[(g, k, *cell)] if working else po[(k, *cell)]
                if int(held) + cost == value:
                    return State(working, g, k, cell), int(held), shift
        raise AssertionError("no predecessor of a work state")

    def _work_sources(self, group: int, i: int) -> list[tuple[bool, int, int]]:
        """(working, class, run index) of the states a work run index `i` can come from."""
        most, edge = self.most, self.edge
        if i == 0:
            return [(False, 0, self.need - 1), (False, 0, self.need)]
        if i < most:
            out = [(True, a, i - 1) for a in self.follows[group]]
            if edge and i == self.min_run - 1:
                out += [(True, a, most + edge - 1) for a in self.follows[group]]
            return out
        return [(True, a, i - 1) for a in self.follows[group]] if i > most else []
