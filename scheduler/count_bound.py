"""A bound from each team's shift counts: what whole agents cost a team once the site's
nights and early shifts are shared out (R-9, R-12).

R-4 rests at most one agent of a team a day, so over four weeks a team of seven works
196 − 28 − L agent-days (L: its leave), and unless L is a multiple of 7 some of its agents
work a day less. Evening out their paid hours then costs a night spread, an hours spread or
extra early shifts — which neither the LP (it splits a night among agents) nor a team alone
(scheduler.floors: without coverage a team need take no nights) can see. Here a team is
reduced to how many shifts of each type each agent works; the site's least total of each
type (scheduler.headcount) links the teams and is priced out (a Lagrangian relaxation), and
each team's least priced cost is proved by a small CP-SAT model. At any prices λ ≥ 0,
Σ_team min(cost − λ·counts) + λ·least totals ≤ night spread + hours spread + target hours
of every covered roster; the per-team floors of the other families add to it. On the 42 × 28
month of bench/scale.py the bound rises from 2 874 to 2 901 (seed 0) and from 2 808 to 2 822
(seed 1) in a minute's budget, and on 210 × 28, where the whole LP never finishes, from 733
to 13 533 (seed 0; docs/benchmarks.md, session 21).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Collection, Iterable, Mapping, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

from ortools.sat.python import cp_model

from scheduler.callbacks import stopped
from scheduler.floors import Floors
from scheduler.headcount import least_of_each_shift
from scheduler.objectives import block_target, spread, weights_of
from scheduler.settings import new_solver
from scheduler.timeline import week_blocks
from scheduler.variables import Expr, Variables

COUNTED = ("fairness_nights", "fairness_hours", "target_hours")
"""The families the counts bound; the others count at their per-team floors."""

SCALE = 100
"""Prices are whole hundredths of a point, so every priced objective stays integral."""

STEPS = (0.25, 0.1, 0.05)
"""Price steps of the coordinate search, coarse to fine (points per shift)."""

NEARLY_MET = 0.05
"""Share of a least total within which the teams' counts count as meeting it (the search
leaves that type's price alone)."""

TEAM_SOLVE = 2.0
"""Cap in deterministic seconds of one team's priced solve. With the LP at every node
(linearization level 2) the teams of 42 × 28 prove their optimum in 0.0–1.0 s (the default
level: up to 1.5 s); one cut short still counts, with CP-SAT's bound."""

Prices = dict[str, int]
"""Shift code → price in hundredths of a point per shift."""


@dataclass
class TeamCounts:
    """One team's counts model: shifts per (agent, shift type), the team's cost in points."""

    model: cp_model.CpModel
    counts: dict[str, list[cp_model.IntVar]]
    cost: Expr


def count_bound(
    v: Variables,
    floors: Floors,
    budget: float,
    workers: int = 1,
    cancel: threading.Event | None = None,
) -> int | None:
    """A lower bound on the objective of every roster that meets every coverage window, or
    None (no counted family, or coverage no roster can meet). Prices are searched until
    `budget` deterministic seconds of team solves are spent (each solve is deterministic)
    or `cancel` is set; the bound at the best prices so far counts either way."""
    weights = weights_of(v.problem.rules.weights)
    if not any(weights[name] for name in COUNTED):
        return None
    least = least_of_each_shift(v)
    if not least:
        return None
    start = start_prices(v, weights)
    prices = {code: round(SCALE * start[code]) for code, n in least.items() if n > 0}
    teams = [team_counts(v, members, weights, prices) for members in v.teams().values()]
    with ThreadPoolExecutor(max(1, workers)) as pool:
        search = PriceSearch(teams, least, pool)
        best = search.value(prices)
        for step in STEPS:
            while best is not None and search.spent < budget and not stopped(cancel):
                better = search.better(prices, best, round(SCALE * step))
                if better is None:
                    break
                best, prices = better
    if best is None:
        return None
    others = sum(floor for (_, name), floor in floors.items() if name not in COUNTED)
    return math.ceil(best - 1e-9) + others


def start_prices(v: Variables, weights: Mapping[str, int]) -> dict[str, float]:
    """Each shift type's paid minutes above the cheapest type's, in target hours' points:
    what one more such shift costs an agent above its target (only types coverage needs
    some of are priced: a price on the others only lowers the bound)."""
    cheapest = min(v.paid.values())
    return {code: weights["target_hours"] * (paid - cheapest) / 60 for code, paid in v.paid.items()}


class Priced(NamedTuple):
    """The bound at some prices (None if a team's solve proved none), and per priced type
    how far the teams' best counts fall short of its least total (negative: beyond it)."""

    value: float | None
    short: dict[str, int]


class PriceSearch:
    """The Lagrangian bound at given prices, and the deterministic time its solves used."""

    def __init__(self, teams: Sequence[TeamCounts], least: Mapping[str, int], pool: Executor):
        self.teams = teams
        self.least = least
        self.pool = pool  # the teams' solves of one pricing run on it side by side
        self.spent = 0.0
        self.priced: dict[tuple[tuple[str, int], ...], Priced] = {}

    def value(self, prices: Prices) -> float | None:
        """Σ over teams of the least priced cost, plus the prices of the least totals (None
        when a team's solve proved no bound)."""
        key = _key(prices)
        if key not in self.priced:
            self.priced[key] = self._price(prices)
        return self.priced[key].value

    def better(self, prices: Prices, best: float, step: int) -> tuple[float, Prices] | None:
        """The first prices one `step` (hundredths) from `prices` along `directions` whose
        bound beats `best`, with that bound; None if none does."""
        for code, sign in self.directions(prices):
            trial = {**prices, code: max(0, prices[code] + sign * step)}
            value = self.value(trial)
            if value is not None and value > best:
                return value, trial
        return None

    def directions(self, prices: Prices) -> list[tuple[str, int]]:
        """(shift type, +1 or −1) to move its price, most promising first: up where the teams'
        best counts fall short of the least total, down where they exceed it (a subgradient
        of the bound). A type the teams miss by NEARLY_MET or less is left: its price is
        close to the best, and each try costs a pricing of every team (on 42 × 28, seed 0,
        trying the night price at 7 nights off its 152 used up the budget before the early
        price reached its best: 2 893 instead of 2 901)."""
        short = self.priced[_key(prices)].short
        moves = [
            (code, 1 if n > 0 else -1)
            for code, n in short.items()
            if abs(n) > NEARLY_MET * self.least[code]
        ]
        moves = [(code, sign) for code, sign in moves if sign > 0 or prices[code] > 0]
        return sorted(moves, key=lambda move: (-abs(short[move[0]]), move[0]))

    def _price(self, prices: Prices) -> Priced:
        solved = list(self.pool.map(lambda team: _least(team, prices), self.teams))
        self.spent += sum(used for _, _, used in solved)
        taken = {code: sum(counts.get(code, 0) for _, counts, _ in solved) for code in prices}
        short = {code: self.least[code] - taken[code] for code in prices}
        bounds = [bound for bound, _, _ in solved if bound is not None]
        if len(bounds) < len(solved):
            return Priced(None, short)
        worth = sum(prices.get(code, 0) * n for code, n in self.least.items())
        return Priced((sum(bounds) + worth) / SCALE, short)


def _key(prices: Prices) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(prices.items()))


def _least(team: TeamCounts, prices: Prices) -> tuple[float | None, dict[str, int], float]:
    """A lower bound on the team's priced cost (None if its solve proved none), the shifts of
    each type its best counts take, and the deterministic time the solve used."""
    priced = [(x, prices.get(code, 0)) for code, c in team.counts.items() for x in c]
    taking = cp_model.LinearExpr.weighted_sum([x for x, _ in priced], [p for _, p in priced])
    team.model.minimize(SCALE * team.cost - taking)
    solver = new_solver()
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2
    solver.parameters.max_deterministic_time = TEAM_SOLVE
    status = solver.solve(team.model)
    used = solver.response_proto.deterministic_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, {}, used
    taken = {code: int(sum(solver.value(x) for x in c)) for code, c in team.counts.items()}
    return solver.best_objective_bound, taken, used


def team_counts(
    v: Variables, members: Sequence[int], weights: Mapping[str, int], priced: Collection[str]
) -> TeamCounts:
    """A team reduced to its agents' shift counts, with every rule that bounds them that
    counts can state (leave, R-3's longest run, R-4, R-12's maximum, per-type maximums) and
    the exact night spread, hours spread and target hours (summed over the horizon, which
    only lowers them) of those counts. Shift types not `priced` that the counted families
    cannot tell apart (same paid minutes, both nights or both not) share one count."""
    problem = v.problem
    model = cp_model.CpModel()
    kinds = shift_kinds(v, priced)
    counts: dict[str, list[cp_model.IntVar]] = {}
    per_agent: dict[int, dict[str, cp_model.IntVar]] = {}
    targets: dict[int, int | None] = {}
    alike: dict[tuple[object, ...], list[int]] = {}
    for a in members:
        agent = problem.agents[a]
        tops = {kind[0]: _most_of_kind(v, a, kind) for kind in kinds}
        mine = {code: model.new_int_var(0, top, "") for code, top in tops.items() if top}
        for code, c in mine.items():
            counts.setdefault(code, []).append(c)
        most = most_days_at_work(v, a)
        model.add(sum(mine.values()) <= most)
        if agent.max_hours_week is not None:
            weekly = int(agent.max_hours_week * 60)
            model.add(_paid(v, mine) <= weekly * len(week_blocks(v.days)))
        per_agent[a] = mine
        targets[a] = target_minutes(v, a)
        alike.setdefault((tuple(tops.items()), most, targets[a], agent.max_hours_week), []).append(
            a
        )
    _order_alike(model, per_agent, alike.values())
    cap = problem.rules.max_rest_days_per_team_per_day
    if cap is not None:
        present = [sum(1 for a in members if (a, d) in v.work) for d in range(v.days)]
        least = sum(max(0, n - cap) for n in present)
        model.add(sum(c for mine in per_agent.values() for c in mine.values()) >= least)
    minutes = {a: _paid(v, mine) for a, mine in per_agent.items()}
    cost: list[Expr] = []
    nights = [kind[0] for kind in kinds if problem.shift(kind[0]).crosses_midnight]
    if weights["fairness_nights"]:
        may = [
            sum(mine[n] for n in nights if n in mine)
            for mine in per_agent.values()
            if any(n in mine for n in nights)
        ]
        if len(may) > 1:
            cost.append(weights["fairness_nights"] * spread(model, may, v.days))
    if weights["fairness_hours"] and len(members) > 1:
        difference = spread(model, list(minutes.values()), v.days * 24 * 60)
        hours = model.new_int_var(0, v.days * 24, "")
        model.add(60 * hours >= difference)
        cost.append(weights["fairness_hours"] * hours)
    if weights["target_hours"]:
        for a, target in targets.items():
            if target is None:
                continue
            off = model.new_int_var(0, v.days * 24, "")
            model.add(60 * off >= minutes[a] - target)
            model.add(60 * off >= target - minutes[a])
            cost.append(weights["target_hours"] * off)
    return TeamCounts(model, counts, sum(cost))


def _most_of_kind(v: Variables, a: int, kind: tuple[str, ...]) -> int:
    """The most shifts of a kind the agent can work: days it may, within per-type maximums."""
    days = {code: sum(1 for d in range(v.days) if (a, d, code) in v.x) for code in kind}
    capped = sum(min(n, v.problem.agents[a].max_shifts.get(code, n)) for code, n in days.items())
    return min(sum(days.values()), capped)


def shift_kinds(v: Variables, priced: Collection[str]) -> list[tuple[str, ...]]:
    """Shift types as the counts see them: each priced type alone, the others grouped by
    paid minutes and whether they cross midnight (the first code names a group)."""
    night = {s.code: s.crosses_midnight for s in v.problem.shift_types}
    groups: dict[tuple[int, bool], list[str]] = {}
    for code in v.paid:
        if code not in priced:
            groups.setdefault((v.paid[code], night[code]), []).append(code)
    return [(code,) for code in v.paid if code in priced] + [tuple(g) for g in groups.values()]


def most_days_at_work(v: Variables, a: int) -> int:
    """The most days the agent can work: each day not on leave, resting only when R-3's run
    would grow too long (working as early as possible works the most days under a run cap)."""
    limit = v.problem.rules.max_days_in_a_row
    run = v.problem.agents[a].history.days_worked_in_a_row
    most = 0
    for d in range(v.days):
        if (a, d) not in v.work or (limit is not None and run >= limit):
            run = 0
            continue
        run += 1
        most += 1
    return most


def target_minutes(v: Variables, a: int) -> int | None:
    """The agent's R-12 targets summed over the horizon's weeks, pro rata for leave (as
    scheduler.objectives.penalize_target_hours sets them)."""
    weekly = v.problem.agents[a].target_hours_week
    if weekly is None:
        return None
    return sum(block_target(v, a, weekly, block) for block in week_blocks(v.days))


def _order_alike(
    model: cp_model.CpModel,
    per_agent: Mapping[int, Mapping[str, cp_model.IntVar]],
    alike: Iterable[Sequence[int]],
) -> None:
    """Agents the counts cannot tell apart (same bounds, longest run, target and maximum
    hours) take their counts in non-increasing order of the first type: any counts of
    theirs permute to that."""
    for group in alike:
        for a, b in pairwise(group):
            first = next(iter(per_agent[a]), None)
            if first is not None:
                model.add(per_agent[a][first] >= per_agent[b][first])


def _paid(v: Variables, counts: Mapping[str, cp_model.IntVar]) -> Expr:
    """Paid minutes of an agent's counts (a group counts at its first type's minutes, which
    all its types share)."""
    return cp_model.LinearExpr.weighted_sum(list(counts.values()), [v.paid[c] for c in counts])
