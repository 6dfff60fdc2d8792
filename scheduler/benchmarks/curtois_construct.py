"""Constructive start for Curtois & Qu rows: a dynamic programme over run state and minutes.

CP-SAT's tree search struggles to find any 364-day row that hits a narrow minute window
(Instances 21–24), but no hard rule links two employees, so each row can be built alone. The
programme runs forward over days with one state per (working or off, run length, run touches
the start); each state holds a bitset of reachable (weekends worked, minutes ÷ gcd) pairs.
Walking back from a final pair inside the minute window gives a valid row; at each step the
walk takes the cheapest move (cover priced at its marginal cost, plus requests).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scheduler.benchmarks.curtois import Instance, Shift, Staff

Row = tuple[str | None, ...]
Costs = Mapping[tuple[int, str], int]
"""(day, shift) → change of the objective if this employee works that shift that day."""


@dataclass(frozen=True)
class State:
    """After a day: worked or off, length of the current run, whether it began on day 0."""

    working: bool
    run: int
    edge: bool


def usable_shifts(instance: Instance, staff: Staff) -> list[Shift]:
    """Shift types whose MaxShifts cannot bind and that may follow each other in any order.

    Restricting a row to such types leaves only run, minute and weekend limits to plan for;
    types with more cover demand are taken first.
    """
    free = instance.horizon - len(instance.days_off.get(staff.id, frozenset()))
    demand = {s.id: 0 for s in instance.shifts}
    for c in instance.cover:
        demand[c.shift] = demand.get(c.shift, 0) + c.requirement
    chosen: list[Shift] = []
    for shift in sorted(instance.shifts, key=lambda s: -demand[s.id]):
        if staff.max_shifts.get(shift.id, free) < free or shift.id in shift.cannot_follow:
            continue
        if all(t.id not in shift.cannot_follow and shift.id not in t.cannot_follow for t in chosen):
            chosen.append(shift)
    return chosen


def construct_row(instance: Instance, e: int, costs: Costs) -> Row | None:
    """A valid row for employee `e` (None when the usable shift types cannot give one)."""
    staff = instance.staff[e]
    shifts = usable_shifts(instance, staff)
    if not shifts:
        return None
    unit = math.gcd(*(s.minutes for s in shifts))
    lo, hi = -(-staff.min_total_minutes // unit), staff.max_total_minutes // unit
    if lo > hi:
        return None
    plan = _Plan(instance, staff, shifts, unit, hi)
    layers = plan.forward()
    target = sum(((1 << (hi - lo + 1)) - 1) << (k * plan.block + lo) for k in range(plan.weekends))
    ends = [(s, mask & target) for s, mask in layers[-1].items() if mask & target]
    if not ends:
        return None
    state, reach = ends[0]
    assert state is not None  # the horizon has at least one day
    return plan.backward(layers, state, reach.bit_length() - 1, costs, e)


class _Plan:
    """The programme's transitions for one employee."""

    def __init__(
        self, instance: Instance, staff: Staff, shifts: Sequence[Shift], unit: int, most: int
    ) -> None:
        self.horizon = instance.horizon
        self.staff = staff
        self.off = instance.days_off.get(staff.id, frozenset())
        self.lengths = sorted({s.minutes // unit for s in shifts})
        self.by_length = {n: [s.id for s in shifts if s.minutes // unit == n] for n in self.lengths}
        # Bits 0..most of a block count units; the padding above them catches a shift that
        # would overflow into the next block's weekend count, and `valid` clears it.
        self.block = most + 1 + max(self.lengths)
        self.weekends = staff.max_weekends + 1
        self.valid = sum(((1 << (most + 1)) - 1) << (k * self.block) for k in range(self.weekends))
        self.requests: dict[tuple[int, str], int] = {}
        for r in instance.on_requests:
            if r.employee == staff.id:
                self.requests[r.day, r.shift] = self.requests.get((r.day, r.shift), 0) - r.weight
        for r in instance.off_requests:
            if r.employee == staff.id:
                self.requests[r.day, r.shift] = self.requests.get((r.day, r.shift), 0) + r.weight

    def step(self, prev: State | None, d: int, work: bool) -> State | None:
        """The state after day `d` when moving from `prev` (None before day 0), or None."""
        s = self.staff
        if work and d in self.off:
            return None
        if prev is None:
            return self._merge(State(work, 1, True))
        if work:
            if prev.working:
                return (
                    self._merge(State(True, prev.run + 1, prev.edge))
                    if prev.run < (s.max_consecutive_shifts)
                    else None
                )
            ok = prev.edge or prev.run >= s.min_consecutive_days_off
            return State(True, 1, False) if ok else None
        if prev.working:
            ok = prev.edge or prev.run >= s.min_consecutive_shifts
            return State(False, 1, False) if ok else None
        return self._merge(State(False, prev.run + 1, prev.edge))

    def _merge(self, state: State) -> State | None:
        """Forget what no rule can still use, so equivalent states share one bitset."""
        s = self.staff
        if state.working:
            if state.run > s.max_consecutive_shifts:
                return None
            if state.run >= s.min_consecutive_shifts:
                return State(True, state.run, False)
            return state
        need = max(1, s.min_consecutive_days_off)
        return State(False, min(state.run, need), state.edge and state.run < need)

    def shift_by(self, prev: State | None, d: int, length: int) -> int:
        """Bits to shift a bitset by when working `length` units on day `d`."""
        new_weekend = d % 7 == 5 or (d % 7 == 6 and not (prev is not None and prev.working))
        return length + (self.block if new_weekend else 0)

    def forward(self) -> list[dict[State | None, int]]:
        """Reachable (weekends, units) bitsets per state after each day (layer 0 = before)."""
        layers: list[dict[State | None, int]] = [{None: 1}]
        for d in range(self.horizon):
            nxt: dict[State | None, int] = {}
            for prev, mask in layers[-1].items():
                rest = self.step(prev, d, False)
                if rest is not None:
                    nxt[rest] = nxt.get(rest, 0) | mask
                work = self.step(prev, d, True)
                if work is None:
                    continue
                moved = 0
                for n in self.lengths:
                    moved |= mask << self.shift_by(prev, d, n)
                moved &= self.valid
                if moved:
                    nxt[work] = nxt.get(work, 0) | moved
            layers.append(nxt)
        return layers

    def cost(self, d: int, length: int, costs: Costs) -> tuple[int, str]:
        """Cheapest shift of this length on day `d`, with its cost."""
        return min(
            (costs.get((d, sid), 0) + self.requests.get((d, sid), 0), sid)
            for sid in self.by_length[length]
        )

    def backward(
        self, layers: list[dict[State | None, int]], state: State, bit: int, costs: Costs, e: int
    ) -> Row:
        """Walk back from (final state, bit), taking the cheapest consistent move each day."""
        cells: list[str | None] = [None] * self.horizon
        current: State | None = state
        for d in range(self.horizon - 1, -1, -1):
            assert current is not None
            options: list[tuple[int, int, State | None, int, str | None]] = []
            for prev, mask in layers[d].items():
                if self.step(prev, d, current.working) != current:
                    continue
                if not current.working:
                    if mask >> bit & 1:
                        options.append((0, len(options), prev, bit, None))
                    continue
                for n in self.lengths:
                    before = bit - self.shift_by(prev, d, n)
                    if before >= 0 and mask >> before & 1:
                        price, sid = self.cost(d, n, costs)
                        options.append((price, len(options), prev, before, sid))
            price, _, current, bit, cells[d] = min(options, key=lambda o: (o[0], o[1]))
        return tuple(cells)


def row_cost(instance: Instance, e: int, row: Row, costs: Costs) -> int:
    """What the row adds to the objective when the other rows stay as `costs` prices them."""
    who = instance.staff[e].id
    total = sum(costs.get((d, s), 0) for d, s in enumerate(row) if s is not None)
    total += sum(
        r.weight for r in instance.off_requests if r.employee == who and row[r.day] == r.shift
    )
    return total - sum(
        r.weight for r in instance.on_requests if r.employee == who and row[r.day] == r.shift
    )
