"""Rest days first: every agent's days at work chosen for the rules that depend on them
alone, before the shifts (R-3, R-4, R-9, R-10, R-11).

Over several weeks, R-3 with R-4 leave a team of seven one rest a day, so which agent rests
when decides the weekend spread and the repeated rest weekdays (R-9), and the wishes for a
day off (R-10). Those depend on each team alone; coverage only needs enough agents at work
each day (scheduler.headcount). Chosen for all teams at once under that headcount, the
rest days are fixed and the whole model then only picks shifts and breaks. On 42 × 28
(seeds 0–2, eleven runs) the minute ends at 2 886–2 980 where CP-SAT alone on the whole
model ended at 3 119–3 176 (docs/benchmarks.md, session 17): its search does not rotate
rest days across a month.
"""

from __future__ import annotations

import threading
import time

from ortools.sat.python import cp_model

from scheduler import headcount
from scheduler import problem as p
from scheduler.build import BuiltModel, build_model
from scheduler.callbacks import solve_within
from scheduler.floors import Floors, add_floors, coverage_relaxation
from scheduler.objectives import weights_of
from scheduler.settings import SolverSettings

FAMILIES = ("fairness_weekends", "rest_weekday_repeat", "preferences", "stability")
"""Penalty families a team's rest days decide (stability: a re-solve keeps published days)."""

MOST_AGENT_DAYS = 1_200
"""Largest problem chosen this way: 21 × 28 (588 agent-days) and 42 × 28 (1 176) gain
(1 608 → 1 521, ~3 150 → ~2 930), 63 × 28 (1 764) does not in a minute (4 834 and 4 489
against 4 784 without; its bounding solve, starting at half the limit, once ended at a
bound of 250 instead of 4 262), and 210 × 28's whole model with rest days fixed found no
covered roster in 20 s (session 17)."""

Pattern = dict[tuple[int, int], int]
"""(agent index, day) → 1 at work, 0 not."""


def applies(problem: p.Problem) -> bool:
    """More than one week, small enough (MOST_AGENT_DAYS), a weight on weekend spread or
    weekday repeats (R-9), and no cover per (day, shift), which depends on shifts across
    teams."""
    days = problem.horizon.days
    weights = weights_of(problem.rules.weights)
    fairness = weights["fairness_weekends"] or weights["rest_weekday_repeat"]
    small = len(problem.agents) * days <= MOST_AGENT_DAYS
    return days > 7 and small and bool(fairness) and not problem.shift_cover


def choose(
    built: BuiltModel,
    floors: Floors,
    covered: cp_model.CpSolver,
    settings: SolverSettings,
    deadline: float,
    cancel: threading.Event | None = None,
) -> Pattern | None:
    """Days at work for every agent: the least FAMILIES cost without coverage, keeping the
    headcount coverage needs each day; None when no such days were found in time.

    `covered` is a covered roster of `built`; its days are the first candidate (they keep
    the headcount), and the teams' `floors` bound the search so it can stop at optimal.
    """
    problem = built.variables.problem
    least = headcount.least_at_work(built.variables)
    if not least:
        return None
    relaxed = build_model(coverage_relaxation(problem))
    v = relaxed.variables
    for (skill, d), n in least.items():
        agents = [
            a for a, agent in enumerate(problem.agents) if skill is None or skill in agent.skills
        ]
        relaxed.model.add(sum(v.works(a, d) for a in agents) >= n)
    add_floors(relaxed, floors)
    relaxed.model.minimize(sum(t.weight * t.expr for t in relaxed.terms if t.name in FAMILIES))
    for (a, d, code), x in v.x.items():
        relaxed.model.add_hint(x, covered.value(built.variables.x[a, d, code]))
    solver, status = solve_within(relaxed.model, settings, deadline - time.monotonic(), cancel)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return {key: int(solver.value(work)) for key, work in v.work.items()}
