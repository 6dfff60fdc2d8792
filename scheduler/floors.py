"""Per-team floors of the penalty families whose LP relaxation is ≈ 0 (R-9, R-10).

A team alone, without coverage and without the breaks' on-duty minimums, is a relaxation of
the whole problem: every roster of the problem gives the team a roster of the relaxation.
So the least value of a family's terms for that team there bounds those terms from below in
every roster. Stated as `Σ terms ≥ floor`, it gives CP-SAT's bound what its LP cannot see:
R-3 with R-4 force a team of seven to work unequal weekends and, over weeks, to rest on a
weekday it rested on before (42 agents × 4 weeks: bound 2,555 → 2,809 for rosters of
~3,150; docs/benchmarks.md), and leave some wishes for a day off unmet (R-10).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from ortools.sat.python import cp_model

from scheduler import problem as p
from scheduler.build import BuiltModel, build_model
from scheduler.settings import new_solver

FLOORED = ("fairness_weekends", "rest_weekday_repeat", "preferences")
SUB_SOLVE = 2.5
"""Cap in deterministic seconds of one team's family sub-solve (7 × 28 cells). A cap, not a
cost: most end OPTIMAL well below it, and one cut short is wasted. On 42 × 28 the 12
sub-solves of one week took 0.01–0.7 s each, of another 0.03–2.2 s; capped at 1.0 that week
got floors of Σ 255 instead of 380 (docs/benchmarks.md, session 16)."""


def coverage_relaxation(problem: p.Problem) -> p.Problem:
    """Every agent with its own rules; no coverage, no cover per shift and no on-duty minimum
    during breaks (the rules across teams): each team of it is a problem of its own."""
    return replace(
        problem,
        coverage=(),
        shift_cover=(),
        breaks=tuple(replace(rule, min_on_duty=()) for rule in problem.breaks),
    )


def team_relaxation(problem: p.Problem, team: str) -> p.Problem:
    """The team's agents with their own leave, wishes, fixed and current cells, without the
    rules across teams (coverage_relaxation)."""
    agents = tuple(a for a in problem.agents if a.team == team)
    ids = {a.id for a in agents}
    return replace(
        coverage_relaxation(problem),
        agents=agents,
        unavailable=tuple(u for u in problem.unavailable if u.agent in ids),
        preferences=tuple(w for w in problem.preferences if w.agent in ids),
        fixed=tuple(f for f in problem.fixed if f.agent in ids),
        current=tuple(c for c in problem.current if c.agent in ids),
    )


Floors = dict[tuple[str, str], int]
"""(team, family) → least weighted value of the team's terms of that family."""


def team_floors(built: BuiltModel, budget: float, workers: int = 1) -> Floors:
    """Each team's floors above zero of the FLOORED families it has terms of in the model.

    Teams are relaxed and solved `workers` at a time (a batch), in team order, until the
    batches have spent `budget` deterministic seconds of sub-solves. Each sub-solve is
    deterministic and a batch's floors do not depend on which team ends first, so a run is
    reproducible for a given number of workers.
    """
    problem = built.variables.problem
    present = {(t.team, t.name) for t in built.terms if t.team is not None}
    families = {t: [n for n in FLOORED if (t, n) in present] for t in problem.teams()}
    teams = [t for t, names in families.items() if names]
    floors: Floors = {}
    spent = 0.0
    size = max(1, workers)
    with ThreadPoolExecutor(size) as pool:
        for first in range(0, len(teams), size):
            if spent >= budget:
                break  # before building the next teams' relaxations, which would go unused
            batch = teams[first : first + size]
            jobs = [pool.submit(_team_floors, problem, t, families[t]) for t in batch]
            for job in jobs:
                found, used = job.result()
                spent += used
                floors.update(found)
    return floors


def add_floors(built: BuiltModel, floors: Floors) -> None:
    """State each floor as `Σ the team's terms of the family ≥ floor` in a model of the
    problem or of a relaxation of it that keeps the team (its terms are the same)."""
    groups: dict[tuple[str, str], list[cp_model.LinearExprT]] = defaultdict(list)
    for term in built.terms:
        if term.team is not None and (term.team, term.name) in floors:
            groups[term.team, term.name].append(term.weight * term.expr)
    for key, terms in groups.items():
        built.model.add(sum(terms) >= floors[key])


def _team_floors(problem: p.Problem, team: str, names: Sequence[str]) -> tuple[Floors, float]:
    """One team's floors above zero of the families `names`, and the deterministic time used."""
    relaxed = build_model(team_relaxation(problem, team))
    found: Floors = {}
    spent = 0.0
    for name in names:
        floor, used = _least(relaxed, name)
        spent += used
        if floor > 0:
            found[team, name] = floor
    return found, spent


def _least(relaxed: BuiltModel, name: str) -> tuple[int, float]:
    """A lower bound of the family's terms in the relaxation, and the deterministic time used."""
    relaxed.model.minimize(sum(t.weight * t.expr for t in relaxed.terms if t.name == name))
    solver = new_solver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = SUB_SOLVE
    status = solver.solve(relaxed.model)
    used = solver.response_proto.deterministic_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return 0, used  # INFEASIBLE cannot be (a relaxation of a solved problem); UNKNOWN: none
    return math.ceil(solver.best_objective_bound - 1e-6), used
