"""The master LP of column generation over team rosters, and the rows it shares out.

Per team a convex combination of its team rosters (columns) must meet every row that links
teams: coverage groups (S-2, R-7; slack priced) and the on-duty rows of breaks (S-3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from scheduler import problem as p
from scheduler.build import COVERAGE, BuiltModel
from scheduler.constraints import DutyRow, duty_rows
from scheduler.coverage import CoverageGroup, coverage_groups, history_on_duty
from scheduler.objectives import weights_of
from scheduler.team_pricing import SCALE, BreakCount, Column, Prices, Shift

SLACK = 100
"""Price per missing agent-slot in the master and the mix. Any price of coverage between 0
and the shortfall weight gives a valid bound; a lower cap keeps the first rounds' duals, and
GLOP's numbers, sane (at 1 000 per slot GLOP stopped ABNORMAL)."""


@dataclass(frozen=True)
class Rows:
    """The rows that link teams: coverage groups with their demand net of the previous
    roster's agents and the cap of their price, and the duty rows of breaks."""

    groups: tuple[CoverageGroup, ...]
    demand: tuple[int, ...]
    caps: tuple[int, ...]
    duty: tuple[DutyRow, ...]

    @property
    def least(self) -> tuple[int, ...]:
        """Right-hand sides of the duty rows."""
        return tuple(row.least for row in self.duty)

    def worth(self, prices: Prices) -> int:
        """What meeting every row is worth at `prices` (the constant of the Lagrangian)."""
        cover = sum(q * n for q, n in zip(prices.cover, self.demand, strict=True))
        return cover + sum(q * n for q, n in zip(prices.duty, self.least, strict=True))


def linking_rows(problem: p.Problem, built: BuiltModel) -> Rows:
    """The linking rows of a problem, from its whole model."""
    v = built.variables
    groups = tuple(coverage_groups(problem, v))
    weight = min(weights_of(problem.rules.weights)[COVERAGE], SLACK)
    return Rows(
        groups,
        tuple(g.need - history_on_duty(v, g) for g in groups),
        tuple(SCALE * weight * g.slots for g in groups),
        tuple(duty_rows(problem)),
    )


class Master:
    """The master LP: per team a convex combination of its columns, coverage with slack, and
    box-step stabilisation: while a box is set, buying or selling an agent-slot at the box's
    edges keeps the duals within it (du Merle et al.), so early rounds price near good
    prices instead of the wild duals of a master with few columns."""

    def __init__(self, teams: Sequence[str], rows: Rows) -> None:
        self.teams = list(teams)
        self.rows = rows
        self.columns: list[Column] = []
        self.known: set[tuple[str, frozenset[Shift], frozenset[BreakCount]]] = set()
        self.box: Prices | None = None
        self.width = 0.0
        self._build()

    def _build(self) -> None:
        """A new program with every column so far (also after GLOP gave up on the old one)."""
        lp = self.lp = pywraplp.Solver.CreateSolver("GLOP")
        self.objective = lp.Objective()
        self.objective.SetMinimization()
        self.convexity = {team: lp.Constraint(1, 1) for team in self.teams}
        self.cover = [lp.Constraint(need, lp.infinity()) for need in self.rows.demand]
        for row, cap in zip(self.cover, self.rows.caps, strict=True):
            short = lp.NumVar(0, lp.infinity(), "")
            row.SetCoefficient(short, 1)
            self.objective.SetCoefficient(short, cap / SCALE)
        self.duty = [lp.Constraint(least, lp.infinity()) for least in self.rows.least]
        self.buy, self.sell = [], []
        for row in [*self.cover, *self.duty]:
            self.buy.append(lp.NumVar(0, 0, ""))
            self.sell.append(lp.NumVar(0, 0, ""))
            row.SetCoefficient(self.buy[-1], 1)
            row.SetCoefficient(self.sell[-1], -1)
        self.vars = [self._add(column) for column in self.columns]
        if self.box is not None:
            self.stabilise(self.box, self.width)

    def add(self, column: Column) -> bool:
        """Add a column unless the master has it; True if it was added."""
        key = (column.team, column.shifts, column.breaks)
        if key in self.known:
            return False
        self.known.add(key)
        self.columns.append(column)
        self.vars.append(self._add(column))
        return True

    def _add(self, column: Column) -> pywraplp.Variable:
        var = self.lp.NumVar(0, self.lp.infinity(), "")
        self.objective.SetCoefficient(var, column.cost)
        self.convexity[column.team].SetCoefficient(var, 1)
        for row, n in zip([*self.cover, *self.duty], [*column.cover, *column.duty], strict=True):
            if n:
                row.SetCoefficient(var, n)
        return var

    def stabilise(self, center: Prices | None, width: float = 0.0) -> None:
        """Keep each dual within `width` (relative, at least one point) of `center` (None:
        no box, the true master)."""
        self.box, self.width = center, width
        prices = [] if center is None else [*center.cover, *center.duty]
        for k, (buy, sell) in enumerate(zip(self.buy, self.sell, strict=True)):
            if center is None:
                buy.SetUb(0)
                sell.SetUb(0)
                continue
            price = prices[k] / SCALE
            width = self.width * max(1.0, price)
            buy.SetUb(self.lp.infinity())
            self.objective.SetCoefficient(buy, price + width)
            sell.SetUb(self.lp.infinity() if price > width else 0)
            self.objective.SetCoefficient(sell, -(price - width))

    def solve(self) -> tuple[float, Prices, bool]:
        """The LP value, its duals as prices (thousandths, within their caps) and whether
        the box binds (then the value is not the master's)."""
        status = self.lp.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            self._build()
            status = self.lp.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            raise MasterFailed(f"GLOP status {status}")
        binds = any(v.solution_value() > 1e-6 for v in [*self.buy, *self.sell])
        return self.objective.Value(), prices_of(self.cover, self.duty, self.rows.caps), binds

    def weights(self) -> list[float]:
        """Each column's value in the last solve, in the order of `columns`."""
        return [var.solution_value() for var in self.vars]


def prices_of(
    cover: Sequence[pywraplp.Constraint],
    duty: Sequence[pywraplp.Constraint],
    caps: Sequence[int],
) -> Prices:
    """The duals of solved linking rows as prices: thousandths, at least 0, each coverage
    price within its cap (where any price gives a valid bound)."""
    return Prices(
        tuple(
            max(0, min(cap, round(SCALE * row.dual_value())))
            for row, cap in zip(cover, caps, strict=True)
        ),
        tuple(max(0, round(SCALE * row.dual_value())) for row in duty),
    )


class MasterFailed(RuntimeError):
    """GLOP found no optimum of the master, even rebuilt (numerical trouble)."""
