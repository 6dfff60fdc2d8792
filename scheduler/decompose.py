"""Decompose a multi-team problem into parts of a few teams that cover their share alone.

Teams interact only through coverage (S-2), the `min_on_duty` windows of breaks (S-3) and
soft shift cover; every other rule is per agent or per team. So each demand is split into
whole-agent shares per team that add up to it (largest remainder, by qualified agents), and
a part (a few teams) is solved alone for the sum of its teams' shares. If every part meets
its share, the union of the part rosters meets the whole demand and keeps every hard rule.
Parts are solved in turn against what the parts before them left uncovered, and while a
slot is still short a part is re-solved against the exact residual. The result starts a
large solve: a covered first roster, and a complete hint for the full model to improve.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from threading import Event

from ortools.sat.python import cp_model

from scheduler import problem as p
from scheduler.build import COVERAGE, build_model
from scheduler.callbacks import solve_within, stopped
from scheduler.extract import assignments
from scheduler.objectives import WEIGHT_DEFAULTS
from scheduler.settings import SolverSettings
from scheduler.timeline import (
    DAY,
    Slots,
    assignment_duty_slots,
    history_duty_slots,
    moment_at,
    requirements,
)

Cells = dict[tuple[str, int], str | None]
"""(agent ID, day index) → shift code (None: no shift) of the combined part rosters."""

GROUP = 3
"""Teams per part: one team of seven rarely covers its own share (R-3/R-4 leave no slack),
three pool enough to cover it in a second or two; six take several seconds per part."""

LARGE = 1000
"""Agent-days from which a problem of two or more parts is started part by part. At 2 000,
42 agents × 4 weeks (1 176) went to the whole model, which on one week covered every slot
after 2–34 s and in 3 of ~20 runs not within its half of the minute (UNDERSTAFFED, one slot
short); by parts it is covered in 1.0–1.5 s (docs/benchmarks.md, session 16)."""

SHARE = 0.35
"""Share of the time limit spent on the parts."""

COVERAGE_ONLY = {name: 0 for name in WEIGHT_DEFAULTS if name != COVERAGE}
"""Weights of a part problem: only the shortfall counts (soft rules are the full model's)."""


def split(total: int, weights: Sequence[int], turn: int) -> list[int]:
    """Whole shares of `total` in proportion to `weights`, adding up to `total`.

    Largest remainder. Ties go round the teams with a stride of GROUP from `turn` on, so
    that the extra agents of one demand fall on different parts, and those of different
    demands (other `turn`) on different teams.
    """
    weight = sum(weights)
    if weight == 0:
        return [0] * len(weights)
    shares = [total * w // weight for w in weights]
    n = len(weights)
    parts = -(-n // GROUP)

    def rank(t: int) -> int:
        return ((t % GROUP) * parts + t // GROUP - turn) % n

    order = sorted(range(n), key=lambda t: (-(total * weights[t] % weight), rank(t)))
    for t in order[: total - sum(shares)]:
        shares[t] += 1
    return shares


@dataclass(frozen=True)
class Shares:
    """Each team's share of every coverage window, `min_on_duty` window and shift cover."""

    teams: list[list[p.Agent]]
    coverage: list[list[int]]
    duty: list[list[list[int]]]
    cover: list[list[int]]


def team_shares(problem: p.Problem) -> Shares:
    """Split every shared demand over the teams by their qualified agents."""
    teams = list(problem.teams().values())

    def qualified(skill: str | None) -> list[int]:
        return [sum(1 for a in team if skill is None or skill in a.skills) for team in teams]

    return Shares(
        teams,
        [split(w.min, qualified(w.skill), k) for k, w in enumerate(problem.coverage)],
        [
            [split(d.min, qualified(None), k + j) for j, d in enumerate(rule.min_on_duty)]
            for k, rule in enumerate(problem.breaks)
        ],
        [
            split(c.requirement, qualified(problem.shift(c.shift).skill), k)
            for k, c in enumerate(problem.shift_cover)
        ],
    )


def part_problem(problem: p.Problem, shares: Shares, members: Sequence[int]) -> p.Problem:
    """The problem of some teams alone, owing the sum of their shares; coverage only."""

    def owed(share: list[int]) -> int:
        return sum(share[t] for t in members)

    agents = tuple(a for t in members for a in shares.teams[t])
    ids = {a.id for a in agents}
    return replace(
        problem,
        agents=agents,
        coverage=tuple(
            replace(w, min=owed(share))
            for w, share in zip(problem.coverage, shares.coverage, strict=True)
            if owed(share) > 0
        ),
        breaks=tuple(
            replace(
                rule,
                min_on_duty=tuple(
                    replace(d, min=owed(share))
                    for d, share in zip(rule.min_on_duty, duty, strict=True)
                    if owed(share) > 0
                ),
            )
            for rule, duty in zip(problem.breaks, shares.duty, strict=True)
        ),
        shift_cover=tuple(
            replace(c, requirement=owed(share))
            for c, share in zip(problem.shift_cover, shares.cover, strict=True)
        ),
        unavailable=tuple(u for u in problem.unavailable if u.agent in ids),
        preferences=tuple(u for u in problem.preferences if u.agent in ids),
        fixed=tuple(u for u in problem.fixed if u.agent in ids),
        current=tuple(u for u in problem.current if u.agent in ids),
        rules=replace(problem.rules, weights={**problem.rules.weights, **COVERAGE_ONLY}),
    )


def worth_splitting(problem: p.Problem) -> bool:
    """True when the problem is large and has enough teams to make two parts or more."""
    big = len(problem.agents) * problem.horizon.days >= LARGE
    return big and len(problem.teams()) >= 2 * GROUP


def cover_by_parts(
    problem: p.Problem, settings: SolverSettings, deadline: float, cancel: Event | None
) -> Cells:
    """Part rosters with the least coverage shortfall found until `deadline`.

    First pass (sharing the time evenly): part k owes its teams' shares and those of the
    parts before it, less what those parts already cover, so over-coverage of earlier parts
    lightens later ones. Then, while some slot is short, parts in turn are re-solved from
    their rosters against the exact residual: the whole demand less the other parts' duty.
    Agents of a part that found no roster are left out.
    """
    shares = team_shares(problem)
    n = len(shares.teams)
    parts = [list(range(k, min(k + GROUP, n))) for k in range(0, n, GROUP)]
    slots = Slots(problem.horizon, problem.slot_minutes)
    rosters: list[list[p.Assignment]] = [[] for _ in parts]
    for k, members in enumerate(parts):
        owed = _owed(problem, shares, [t for part in parts[: k + 1] for t in part], slots)
        done = _on_duty(problem, [x for r in rosters[:k] for x in r], slots)
        left = (deadline - time.monotonic()) / (len(parts) - k)
        demand = _less(owed, done)
        rosters[k] = _solve_part(problem, shares, members, demand, {}, settings, left, cancel) or []
    need = requirements(problem, slots)
    for k in itertools.cycle(range(len(parts))):
        short = sum(_less(need, _on_duty(problem, [x for r in rosters for x in r], slots)).values())
        if not short or stopped(cancel, deadline):
            break
        others = [x for j, r in enumerate(rosters) if j != k for x in r]
        demand = _less(need, _on_duty(problem, others, slots))
        hint = _cells(problem, rosters[k])
        left = deadline - time.monotonic()
        found = _solve_part(problem, shares, parts[k], demand, hint, settings, left, cancel)
        if found and sum(_less(demand, _on_duty(problem, found, slots)).values()) <= short:
            rosters[k] = found
    cells: Cells = {}
    for k, roster in enumerate(rosters):
        if roster:
            days = range(problem.horizon.days)
            cells |= {(a.id, d): None for t in parts[k] for a in shares.teams[t] for d in days}
            cells |= _cells(problem, roster)
    return cells


def _cells(problem: p.Problem, roster: Sequence[p.Assignment]) -> Cells:
    """(agent, day) → shift of a roster."""
    return {(x.agent, problem.horizon.index(x.date)): x.shift for x in roster}


Demand = dict[tuple[int, str | None], int]
"""(slot, skill) → agents on duty wanted (or given)."""


def _owed(problem: p.Problem, shares: Shares, teams: Sequence[int], slots: Slots) -> Demand:
    """Per-slot demand of the sum of some teams' shares."""
    windows = tuple(
        replace(w, min=sum(share[t] for t in teams))
        for w, share in zip(problem.coverage, shares.coverage, strict=True)
    )
    return requirements(replace(problem, coverage=windows), slots)


def _on_duty(problem: p.Problem, roster: Sequence[p.Assignment], slots: Slots) -> Demand:
    """Agents on duty per (slot, skill) for the skills coverage asks for, history included."""
    skills = {w.skill for w in problem.coverage}
    agents = {a.id: a for a in problem.agents}
    counts: Demand = {}

    def add(agent: p.Agent, slot: int) -> None:
        for skill in skills:
            if skill is None or skill in agent.skills:
                counts[slot, skill] = counts.get((slot, skill), 0) + 1

    for who in {x.agent for x in roster}:
        for slot in history_duty_slots(problem, agents[who], slots):
            add(agents[who], slot)
    for x in roster:
        for slot in assignment_duty_slots(problem, x, slots):
            add(agents[x.agent], slot)
    return counts


def _less(need: Demand, given: Demand) -> Demand:
    """What `need` still wants once `given` is on duty."""
    return {k: n - given.get(k, 0) for k, n in need.items() if n > given.get(k, 0)}


def _windows(problem: p.Problem, demand: Demand, slots: Slots) -> tuple[p.CoverageWindow, ...]:
    """A demand per slot as dated coverage windows (runs of equal demand within a day)."""
    per_day = DAY // slots.size
    out = []
    for skill in sorted({k[1] for k in demand}, key=lambda s: s or ""):
        run: tuple[int, int, int] | None = None
        for slot in [*sorted(k[0] for k in demand if k[1] == skill), -1]:
            wanted = demand.get((slot, skill), 0)
            if run and slot == run[1] and wanted == run[2] and slot % per_day:
                run = (run[0], slot + 1, wanted)
                continue
            if run:
                date, start = moment_at(problem.horizon, run[0] * slots.size)
                end = moment_at(problem.horizon, run[1] * slots.size)[1]
                out.append(
                    p.CoverageWindow(start, end, run[2], dates=frozenset({date}), skill=skill)
                )
            run = (slot, slot + 1, wanted)
    return tuple(out)


def _solve_part(
    problem: p.Problem,
    shares: Shares,
    members: Sequence[int],
    demand: Demand,
    hint: Cells,
    settings: SolverSettings,
    seconds: float,
    cancel: Event | None,
) -> list[p.Assignment] | None:
    """The roster of one part with the least shortfall against a per-slot demand (or None).

    `hint` holds the part's current cells (as a solution hint).
    """
    slots = Slots(problem.horizon, problem.slot_minutes)
    part = replace(
        part_problem(problem, shares, members), coverage=_windows(problem, demand, slots)
    )
    built = build_model(part)
    built.model.minimize(built.shortfall())
    for (a, d, code), var in built.variables.x.items():
        known = (part.agents[a].id, d)
        if known in hint:
            built.model.add_hint(var, hint[known] == code)
    solver, status = solve_within(built.model, settings, seconds, cancel)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return assignments(built, solver)
