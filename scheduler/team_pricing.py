"""One team's roster at given prices of coverage: the pricing step of scheduler.team_columns.

Teams share only the coverage rows (S-2, R-7) and the on-duty rows of breaks (S-3); every
other rule and every soft rule but soft shift cover is per agent or per team. So a team's
model without those rows, with each slot-agent priced, finds the team roster that the whole
problem's LP would add next — and its bound bounds every team roster at those prices.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from threading import Event

from ortools.sat.python import cp_model

from scheduler import problem as p
from scheduler.build import BuiltModel, build_model
from scheduler.callbacks import CancelWatcher
from scheduler.constraints import DutyRow, not_on_break
from scheduler.coverage import CoverageGroup, rostered_on_duty
from scheduler.floors import team_relaxation
from scheduler.settings import new_solver
from scheduler.variables import Profile, Variables

SCALE = 1000
"""Prices are whole thousandths of a penalty point, so every pricing objective is integer."""

Shift = tuple[str, int, str]
"""(agent ID, day index, shift code) of one assignment."""

BreakCount = tuple[Profile, int, str, int, int]
"""(profile, day, shift, break option, agents of the team on that break)."""


@dataclass(frozen=True)
class Prices:
    """Thousandths of a point per agent on duty in each coverage group and duty row."""

    cover: tuple[int, ...]
    duty: tuple[int, ...]


@dataclass(frozen=True)
class Column:
    """A team roster: its penalties, what it gives each linking row, and its assignments."""

    team: str
    cost: int
    cover: tuple[int, ...]
    duty: tuple[int, ...]
    shifts: frozenset[Shift]
    breaks: frozenset[BreakCount]

    def priced(self, prices: Prices) -> int:
        """Cost less what the column's coverage is worth at `prices` (thousandths)."""
        worth = sum(p * n for p, n in zip(prices.cover, self.cover, strict=True))
        worth += sum(p * n for p, n in zip(prices.duty, self.duty, strict=True))
        return SCALE * self.cost - worth


@dataclass(frozen=True)
class Priced:
    """The best column found at some prices (None if none in time), the others found on the
    way, and a lower bound of every team roster's priced cost there (thousandths; None when
    the solve stopped before its first solution, when CP-SAT reports no bound but a 0)."""

    column: Column | None
    found: tuple[Column, ...]
    bound: int | None
    deterministic_time: float


class _Found(cp_model.CpSolverSolutionCallback):
    """Keeps the column of every improving solution of a pricing solve."""

    def __init__(self, pricer: TeamPricer) -> None:
        super().__init__()
        self.pricer = pricer
        self.columns: list[Column] = []

    def on_solution_callback(self) -> None:
        """Called by CP-SAT on each improving solution."""
        self.columns.append(self.pricer.column(self))


def team_problem(problem: p.Problem, team: str) -> p.Problem:
    """The team alone (scheduler.floors.team_relaxation), keeping the coverage windows only
    so that its agents count per skill as in the whole model."""
    return replace(team_relaxation(problem, team), coverage=problem.coverage)


class TeamPricer:
    """A team's model whose objective is re-priced for each pricing step."""

    def __init__(
        self,
        problem: p.Problem,
        team: str,
        groups: Sequence[CoverageGroup],
        rows: Sequence[DutyRow],
    ) -> None:
        self.team = team
        self.built: BuiltModel = build_model(team_problem(problem, team), coverage_rows=False)
        v = self.built.variables
        self.cost = self.built.objective()
        self.cover = [rostered_on_duty(v, group) for group in groups]
        self.duty = [not_on_break(v, row) for row in rows]

    def price(
        self, prices: Prices, budget: float, hint: Column | None, cancel: Event | None = None
    ) -> Priced:
        """The cheapest team roster at `prices` within `budget` deterministic seconds (or
        until `cancel` is set: CP-SAT's bound then still bounds it)."""
        model = self.built.model
        terms = [(self.cost, SCALE)]
        terms += [(e, -q) for e, q in zip(self.cover, prices.cover, strict=True) if q]
        terms += [(e, -q) for e, q in zip(self.duty, prices.duty, strict=True) if q]
        model.minimize(sum(q * e for e, q in terms))
        model.clear_hints()  # type: ignore[no-untyped-call]
        if hint is not None:
            for (a, d, code), var in self.built.variables.x.items():
                agent = self.built.variables.problem.agents[a].id
                model.add_hint(var, (agent, d, code) in hint.shifts)
        solver = _solver(budget)
        found = _Found(self)
        with CancelWatcher(solver.stop_search, cancel):
            status = solver.solve(model, found)
        used = solver.response_proto.deterministic_time
        if status == cp_model.INFEASIBLE:
            raise ValueError(f"team {self.team} has no roster that keeps its own rules")
        bound = None
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            bound = math.ceil(solver.best_objective_bound - 1e-6)
        best = found.columns[-1] if found.columns else None
        return Priced(best, tuple(found.columns[:-1]), bound, used)

    def fixed(self, shifts: frozenset[Shift], breaks: frozenset[BreakCount]) -> Column | None:
        """The column of a given team roster (None if it breaks a rule of the team)."""
        v = self.built.variables
        model = self.built.model.clone()
        model.minimize(self.cost)
        fix_roster(model, v, shifts, breaks)
        solver = _solver(10.0)
        status = solver.solve(model)
        return self.column(solver) if status == cp_model.OPTIMAL else None

    def column(self, solver: cp_model.CpSolver | cp_model.CpSolverSolutionCallback) -> Column:
        """The team roster of a solve of this team's model (or of a solution on the way)."""
        v = self.built.variables
        return Column(
            team=self.team,
            cost=int(solver.value(self.cost)),
            cover=tuple(_value(solver, e) for e in self.cover),
            duty=tuple(_value(solver, e) for e in self.duty),
            shifts=frozenset(
                (v.problem.agents[a].id, d, code)
                for (a, d, code), var in v.x.items()
                if solver.boolean_value(var)
            ),
            breaks=frozenset(
                (*key, n) for key, var in v.on_break.items() if (n := int(solver.value(var)))
            ),
        )


def fix_roster(
    model: cp_model.CpModel, v: Variables, shifts: Collection[Shift], breaks: Iterable[BreakCount]
) -> None:
    """Fix every assignment and break count of `v` in `model` to a roster's: `shifts` worked,
    `breaks` placed (counts of the same key add up, as do several teams' of one profile)."""
    placed: dict[tuple[Profile, int, str, int], int] = defaultdict(int)
    for profile, d, code, o, n in breaks:
        placed[profile, d, code, o] += n
    for (a, d, code), var in v.x.items():
        model.add(var == int((v.problem.agents[a].id, d, code) in shifts))
    for key, var in v.on_break.items():
        model.add(var == placed.get(key, 0))


def _solver(budget: float) -> cp_model.CpSolver:
    """One worker (deterministic), LP-heavy but without cuts: with linearization level 2 a
    team-week prices in tenths of a second, at the default level it often does not prove its
    optimum in 20 s; CP-SAT's cuts (cut level 0) cost more than they prune here: the 15
    teams of 105 × 7 priced in 4.0 s instead of 14.4 s at a master's duals, the hardest in
    1.1 s instead of 4.9 s (docs/benchmarks.md, session 10)."""
    solver = new_solver()
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2
    solver.parameters.cut_level = 0
    solver.parameters.max_deterministic_time = budget
    return solver


def _value(
    solver: cp_model.CpSolver | cp_model.CpSolverSolutionCallback, expr: cp_model.LinearExprT
) -> int:
    return expr if isinstance(expr, int) else int(solver.value(expr))
