"""Column generation over team rosters: a lower bound that sees each team's integrality, and
a roster mixed from the team rosters generated (Dantzig–Wolfe decomposition by team).

The whole model's LP bound misses what whole agents force inside a team: a team of seven
that takes eight night shifts has a night spread of at least one (R-9), it cannot rest two
agents on a day (R-4), and so on. The master LP here picks a convex combination of team
rosters per team that covers every slot; each team is priced exactly by its own CP-SAT
model (scheduler.team_pricing), and at any prices π the Lagrangian bound
Σ_team min(cost − π·coverage) + π·demand bounds every roster's objective from below. Rounds
price the duals of the whole problem's LP, then of the master stabilised by a box around the
best prices (scheduler.team_master), until the bound meets the master's value; SCIP mixes the
columns into a roster. On 105 agents × 1 week the master converges in ~10 rounds (~30 s) to
a bound of 1 787 where CP-SAT alone proves ~1 717 (docs/benchmarks.md, session 10).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from threading import Event

from ortools.linear_solver import pywraplp

from scheduler import problem as p
from scheduler import relaxation
from scheduler.build import BuiltModel
from scheduler.callbacks import CancelWatcher, stopped
from scheduler.constraints import break_counts
from scheduler.team_master import Master, MasterFailed, linking_rows, prices_of
from scheduler.team_mix import ColumnSearch, Mix, best_mix
from scheduler.team_pricing import SCALE, BreakCount, Column, Priced, Prices, Shift, TeamPricer

EXACT = 4.0
"""Deterministic seconds of one team's pricing in a round. Without CP-SAT's cuts a team-week
at a master's duals proves its optimum in 0.02–1.2 s; one cut short still counts, with
CP-SAT's bound, and its best roster."""

WEEK = 7
"""Longest horizon column generation applies to (docs/benchmarks.md)."""

MIN_TEAMS = 4
"""Fewest teams column generation applies to."""

MIX_SETTINGS = ("separating/maxroundsroot = 3\nseparating/maxrounds = 0", "")
"""SCIP settings of the mixes: the first continues from the local search's mix, each next
one runs on a further worker from the starting roster. Few rounds of cutting planes, and
SCIP's default (on the converged columns of 105 × 7 the default found 1 828–1 830 in 10–20 s,
the first 1 797; on another week the default did better). SCIP alone swings from run to run
(1 793–2 335 on one week, docs/benchmarks.md session 15), hence the local search first."""

MIX_LEAST = 0.25
"""Share of the mix's window it keeps whatever generation does: a round still pricing then
is cut short (rounds of 105 × 7 took 3–13 s, and cutting the last round at the generation
deadline instead cost the seed 0 week its converged bound), and a mix is never worse than
the starting roster, without which the solve goes on from that roster."""

LOCAL_SHARE = 0.3
"""Share of the mix's time for the local search (it settles within 1–3 s on 105 × 7)."""

BOX = 0.5
"""Half-width of the box-step around the best prices, relative (at least one point)."""


@dataclass(frozen=True)
class Generation:
    """What column generation reached: the bound (rounded up; None if none was proved) and
    the mixed team rosters."""

    bound: int | None
    mixed: tuple[Column, ...] | None


def applies(problem: p.Problem) -> bool:
    """A roster of a week or less for four or more teams linked only by coverage and breaks.

    With three teams CP-SAT alone proves a week optimal within the minute (21 agents: in
    seconds), and column generation only takes its time. Soft shift cover links teams by
    day and shift, which the master does not price; over four weeks a team of seven takes
    1–20 s to price, too slow for rounds of pricing.
    """
    teams = len(problem.teams())
    return teams >= MIN_TEAMS and not problem.shift_cover and problem.horizon.days <= WEEK


class ColumnGeneration:
    """Pricers, master and the bound of one problem (`best`: the highest Lagrangian bound
    proved so far, in points)."""

    def __init__(
        self,
        problem: p.Problem,
        built: BuiltModel,
        workers: int,
        cancel: Event | None = None,
        pricing_stop: Event | None = None,
    ) -> None:
        self.problem = problem
        self.cancel = cancel
        self.pricing_stop = cancel if pricing_stop is None else pricing_stop
        self.rows = linking_rows(problem, built)
        teams = list(problem.teams())
        self.pricers = [
            TeamPricer(problem, team, self.rows.groups, self.rows.duty) for team in teams
        ]
        self.master = Master(teams, self.rows)
        self.hints: dict[str, Column] = {}
        self.started: dict[str, Column] = {}
        self.workers = max(1, workers)
        self.pool = ThreadPoolExecutor(self.workers)
        self.spent = 0.0
        self.best = -math.inf

    def start(self, roster: Sequence[p.Assignment]) -> None:
        """The columns of a roster of the whole problem (each team's part of it)."""
        team_of = {agent.id: agent.team for agent in self.problem.agents}
        for pricer in self.pricers:
            mine = [x for x in roster if team_of[x.agent] == pricer.team]
            column = pricer.fixed(*_team_roster(pricer, mine))
            if column is not None:
                self.master.add(column)
                self.hints[pricer.team] = self.started[pricer.team] = column

    def whole_lp_prices(self) -> Prices:
        """Duals of the whole problem's LP relaxation: every team model's plus the linking rows."""
        lp = relaxation.new_program()
        cost: relaxation.LpExpr = 0
        cover: list[relaxation.LpExpr] = [0] * len(self.rows.groups)
        duty: list[relaxation.LpExpr] = [0] * len(self.rows.duty)
        for pricer in self.pricers:
            relaxed = relaxation.Relaxed(lp, pricer.built.model)
            cost += relaxed.linear(pricer.cost)
            cover = [c + relaxed.linear(e) for c, e in zip(cover, pricer.cover, strict=True)]
            duty = [c + relaxed.linear(e) for c, e in zip(duty, pricer.duty, strict=True)]
        cover_constraints = []
        for expr, need, cap in zip(cover, self.rows.demand, self.rows.caps, strict=True):
            short = lp.NumVar(0, lp.infinity(), "")
            cost += cap / SCALE * short
            cover_constraints.append(lp.Add(expr + short >= need))
        duty_constraints = [lp.Add(e >= n) for e, n in zip(duty, self.rows.least, strict=True)]
        lp.Minimize(cost)
        if lp.Solve() != pywraplp.Solver.OPTIMAL:
            raise MasterFailed("the whole problem's LP relaxation has no optimum")
        return prices_of(cover_constraints, duty_constraints, self.rows.caps)

    def price(self, prices: Prices, cap: float) -> tuple[float, int]:
        """Price every team for up to `cap` deterministic seconds each, or until
        `pricing_stop` is set, and add the columns found; the Lagrangian bound at `prices`
        (-inf if a team proved none) and how many columns were new."""
        jobs = [
            self.pool.submit(
                pricer.price, prices, cap, self.hints.get(pricer.team), self.pricing_stop
            )
            for pricer in self.pricers
        ]
        priced: list[Priced] = [job.result() for job in jobs]
        added = 0
        for result in priced:
            self.spent += result.deterministic_time
            added += sum(self.master.add(column) for column in result.found)
            if result.column is not None:
                added += self.master.add(result.column)
                self.hints[result.column.team] = result.column
        bounds = [result.bound for result in priced if result.bound is not None]
        if len(bounds) < len(priced):
            return -math.inf, added  # a team stopped before its first roster: no bound
        return (sum(bounds) + self.rows.worth(prices)) / SCALE, added

    def generate(self, budget: float, stop: Callable[[], bool]) -> None:
        """Raise `best`: price at the whole LP's duals (the first bound), then at the duals
        of the master re-solved within a box around the best prices so far, until the bound
        meets the master's value (then no prices bound higher: the master's value is the
        best Lagrangian bound over its columns), a round adds nothing, `budget`
        deterministic seconds of pricing are spent, or `stop()`. Every round is exact: its
        bound counts, and its columns are each team's best at the master's prices (on
        105 × 7 exact rounds brought the master down as fast per second as quick ones, and
        proved a bound on the way)."""
        if stop():
            return
        center = self.whole_lp_prices()
        if stop():
            return
        self.best, _ = self.price(center, EXACT)
        width = BOX
        while self.spent < budget and not stop():
            self.master.stabilise(center, width)
            value, duals, binds = self.master.solve()
            if not binds and math.ceil(self.best - 1e-6) >= math.ceil(value - 1e-6):
                break
            bound, added = self.price(duals, EXACT)
            if bound > self.best:
                self.best, center = bound, duals
            elif binds:
                width *= 2  # a null step: the box holds the duals away from better ones
            elif not added:
                break  # the master's own duals found no new column: it is converged

    def mix(self, seconds: float, seed: int) -> tuple[Column, ...] | None:
        """One column per team that meets the rows (slack priced as in the master): a local
        search over the columns (scheduler.team_mix) from the starting roster and from the
        master LP's heaviest columns for LOCAL_SHARE of `seconds`, then SCIP from its mix
        with the first of MIX_SETTINGS; meanwhile on each further worker SCIP with the next
        setting from the starting roster. The best of them (fewest short, then cheapest)."""
        deadline = time.monotonic() + seconds
        columns = self.master.columns
        search = ColumnSearch(columns, self.master.teams, self.rows)
        if any(len(options) == 0 for options in search.members):
            return None  # a team without a column: no mix
        beside = [
            self.pool.submit(self._mix, seconds, setting, None)
            for setting in MIX_SETTINGS[1 : self.workers]
        ]
        local_end = time.monotonic() + LOCAL_SHARE * seconds
        local = search.search(self._starts(search), self.until(local_end), seed)
        mixes = [local]
        if local is not None and not self.until(deadline)():
            left = deadline - time.monotonic()
            mixes.append(self._scip_mix(search, left, MIX_SETTINGS[0], local.picks))
        mixes += [search.mix(picks) for job in beside if (picks := job.result()) is not None]
        best = best_mix(mixes)
        return None if best is None else tuple(columns[k] for k in best.picks)

    def until(self, deadline: float) -> Callable[[], bool]:
        """Whether `deadline` (monotonic seconds) has passed or the solve was cancelled."""
        return lambda: stopped(self.cancel, deadline)

    def _scip_mix(
        self, search: ColumnSearch, seconds: float, setting: str, hint: Sequence[int]
    ) -> Mix | None:
        """SCIP's mix from the columns `hint` picks, valued as the search values mixes."""
        picks = self._mix(seconds, setting, hint)
        return None if picks is None else search.mix(picks)

    def _started_picks(self) -> list[int]:
        """The indices of the starting roster's columns among the master's, in the order of
        the teams (a team without one left out)."""
        index = {id(column): k for k, column in enumerate(self.master.columns)}
        teams = self.master.teams
        return [index[id(self.started[team])] for team in teams if team in self.started]

    def _starts(self, search: ColumnSearch) -> list[list[int]]:
        """The starting roster's columns, and each team's column of most weight in the master
        LP (without its box), where GLOP solves it."""
        starts = []
        if len(self.started) == len(self.master.teams):
            starts.append(self._started_picks())
        self.master.stabilise(None)
        try:
            self.master.solve()
        except MasterFailed:
            return starts
        weights = self.master.weights()
        starts.append([int(max(options, key=lambda k: weights[k])) for options in search.members])
        return starts

    def _mix(self, seconds: float, settings: str, hint: Sequence[int] | None) -> list[int] | None:
        """SCIP's mix with `settings` (lines of its parameter file), started from the columns
        `hint` picks (None: the starting roster's): the columns it picks."""
        mip = pywraplp.Solver.CreateSolver("SCIP")
        if settings and not mip.SetSolverSpecificParametersAsString(settings):
            raise ValueError(f"SCIP refused the settings {settings!r}")
        picks = [mip.BoolVar("") for _ in self.master.columns]
        columns = list(zip(self.master.columns, picks, strict=True))
        for pricer in self.pricers:
            mip.Add(sum(var for column, var in columns if column.team == pricer.team) == 1)
        cost = sum(column.cost * var for column, var in columns)
        for g, need in enumerate(self.rows.demand):
            short = mip.NumVar(0, max(0, need), "")
            mip.Add(sum(c.cover[g] * var for c, var in columns if c.cover[g]) + short >= need)
            cost += self.rows.caps[g] / SCALE * short
        for r, least in enumerate(self.rows.least):
            mip.Add(sum(c.duty[r] * var for c, var in columns if c.duty[r]) >= least)
        mip.Minimize(cost)
        hinted = set(self._started_picks() if hint is None else hint)
        mip.SetHint(picks, [float(k in hinted) for k in range(len(picks))])
        mip.SetTimeLimit(max(1, int(1000 * seconds)))
        with CancelWatcher(mip.InterruptSolve, self.cancel):
            status = mip.Solve()
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            return None
        return [k for k, var in enumerate(picks) if var.solution_value() > 0.5]


def generate(
    problem: p.Problem,
    built: BuiltModel,
    roster: Sequence[p.Assignment],
    workers: int,
    budget: float,
    deadlines: tuple[float, float],
    cancel: Event | None = None,
    seed: int = 0,
) -> Generation:
    """Column generation from a roster of the whole problem, then a mix of its columns: the
    bound it proves and the team rosters it mixes. `budget` caps the deterministic seconds
    of pricing; no round starts after the first of `deadlines` (monotonic seconds), and one
    still pricing when only MIX_LEAST of the mix's window is left is cut short (its teams
    keep CP-SAT's bounds); the mix ends at the second deadline but gets at least MIX_LEAST
    of its window. Both stop when `cancel` is set."""
    least = MIX_LEAST * (deadlines[1] - deadlines[0])
    pricing_stop = Event()
    generation = ColumnGeneration(problem, built, workers, cancel, pricing_stop)
    mixed = None
    with CancelWatcher(pricing_stop.set, cancel, deadlines[1] - least), generation.pool:
        try:
            generation.start(roster)
            generation.generate(budget, generation.until(deadlines[0]))
        except MasterFailed:
            pass  # keep the bound and the columns so far
        left = max(deadlines[1] - time.monotonic(), least)
        if generation.started and not stopped(cancel):
            mixed = generation.mix(left, seed)
    best = generation.best
    return Generation(math.ceil(best - 1e-6) if best > 0 else None, mixed)


def _team_roster(
    pricer: TeamPricer, roster: Sequence[p.Assignment]
) -> tuple[frozenset[Shift], frozenset[BreakCount]]:
    """A team's assignments as the pricer's shifts and break counts."""
    v = pricer.built.variables
    shifts = frozenset((x.agent, v.problem.horizon.index(x.date), x.shift) for x in roster)
    counts = break_counts(v, roster)
    return shifts, frozenset((*key, n) for key, n in counts.items())
