"""Column generation for the Curtois & Qu instances: an LP bound, a dived roster, then CP-SAT.

No hard rule links two employees, so an instance is a choice of one feasible row per employee
with cover priced softly. The master LP over the rows generated so far gives a dual price per
(day, shift); each employee's cheapest row at those prices (a one-row CP-SAT model, solved in
milliseconds) joins the master when it would lower it. At any prices π inside [−over weight,
under weight] the Lagrangian value Σ_e min_row (cost − π·row) + Σ π·requirement is a lower
bound on every roster, so the search knows how far it can still gain (Instance8: 1296.6
against a best known 1308; the compact model's LP gives far less). The root's columns are
first mixed into a roster by a small CP-SAT over them (after a quick root for longer, until
within 1 %: `root_mix_window`); unless that is within 1 % of the bound
(Instance5: 1145 against 1141), diving fixes the employee whose row carries the most LP
weight and generates columns again, until every row is fixed; where that keeps one core
busy, a forked copy dives on another path on the idle core (`SecondDive`) and the better
roster goes on. A roster within 1 % of the bound is improved by the full CP-SAT model, hinted
with it and with its objective bounded below by the bound; one further off goes to the engine
(`curtois_engine`) for the time left, and the better roster is the answer. Should GLOP stop
without an optimum at the root, the engine gets the whole time (`finish_without_lp`).
"""

from __future__ import annotations

import math
import multiprocessing
import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from scheduler.benchmarks.curtois import Instance, Roster
from scheduler.benchmarks.curtois_check import objective
from scheduler.benchmarks.curtois_construct import Row, construct_row
from scheduler.benchmarks.curtois_engine import Improvement, Outcome, solve_with_engine
from scheduler.benchmarks.curtois_model import CurtoisModel, build, hint_roster, roster_of
from scheduler.benchmarks.curtois_pricing import RowPricer
from scheduler.settings import SolverSettings, new_solver

SCALE = 1000
"""Dual prices are rounded to 1/SCALE so each row's pricing model has integer costs."""

ALTERNATIVES = 3
"""Rows beside the cheapest that a programme's pricing adds: the best ending in other states."""

JITTER = 0.7
"""A second dive ranks each column by its LP weight times a random factor in [JITTER, 1]."""

HANDOVER = 2.0
"""Seconds a second dive may take beyond its completion's share before it is given up."""

Prices = dict[tuple[int, str], int]
"""(day, shift) → dual price of one more employee on it, times SCALE."""


def suits(instance: Instance) -> bool:
    """Whether the root LP can converge within its share of a 60 s, 2-core run.

    Every round prices every row, so its cost grows with employees × days × shift types.
    With rows priced by their programme (`curtois_pricing`) the root of Instances 1–12
    (at most 28 days, 10 shift types) converges in 1–10 s (12: 8.4 s; it took 24–39 s with
    a CP-SAT model per row); 14 (42 days) needs 20 s of its 24 and 13 (18 types, 120
    employees) does not converge in 40 s.
    """
    return instance.horizon <= 28 and len(instance.shifts) <= 10


@dataclass(frozen=True)
class ColgenSettings:
    """Time shares of the phases and the search settings of each."""

    time_limit: float = 60.0
    workers: int = 2
    seed: int = 0
    root_share: float = 0.4  # the root LP stops here even if it has not converged
    dive_share: float = 0.85  # diving fixes what is left by LP weight alone after this
    smoothing: float = 0.5  # weight of the best prices so far in the prices priced at
    price_limit: float = 2.0  # seconds for one row's pricing model
    trust_gap: float = 0.01  # a dived roster this close to the LP bound is improved in place
    engine_share: float = 0.5  # a dive further off goes to the engine if done by this share
    dive_rounds: int = 20  # pricing rounds between two fixes
    dive_weight: float = 0.99  # columns weighing more are fixed together
    complete_share: float = 0.05  # the last employees' columns are mixed for this long
    root_mix_share: float = 0.05  # every employee's root columns are mixed for this long
    quick_root_share: float = 0.1  # a root converged by then is quick: its mix may go on
    quick_mix_end: float = 0.2  # until this share of the limit, or until the mix is trusted


@dataclass(frozen=True)
class PricedRow:
    """An employee's cheapest row at some prices: the row, its value and a bound (× SCALE)."""

    row: Row
    value: float
    bound: float
    found: tuple[Row, ...] = ()


@dataclass(frozen=True)
class Generation:
    """Where column generation stopped: the LP value, each column's weight and the bound."""

    value: float
    weights: tuple[float, ...]
    bound: float


@dataclass(frozen=True)
class Dive:
    """A roster from the columns (dived or mixed), its objective, the root LP bound rounded
    up, when the solve started."""

    roster: Roster
    objective: int
    lower: int | None
    started: float

    def trusted(self, gap: float) -> bool:
        """Whether the roster is within `gap` of the bound, so the LP did not mislead it."""
        return self.objective <= trusted_cost(self.lower, gap)


def trusted_cost(lower: int | None, gap: float) -> float:
    """The highest objective within `gap` of the bound `lower` (−inf without a bound)."""
    return -math.inf if lower is None else (1 + gap) * lower


def programmes_pay(instance: Instance) -> bool:
    """Whether rows are priced by their programme (`curtois_pricing`) rather than CP-SAT.

    With more than six shift types a CP-SAT row takes 15–25 ms and Instance12's root 24–39 s,
    the programme's 8 s. With fewer, CP-SAT's rows — which bring the rows its search passed
    — dive better: 60 s runs, seeds 0–2 (docs/benchmarks.md, session 9), Instance6 1950
    proved optimal 3 of 3 with them against 1952 ×3 with programmes, Instance8 1306–1312
    against 1404–1407.
    """
    return len(instance.shifts) > 6


class Rows:
    """Each employee's own row programme or model (built once) and its rows' request costs."""

    def __init__(self, instance: Instance, programmes: bool = True) -> None:
        self.instance = instance
        index = {s.id: e for e, s in enumerate(instance.staff)}
        self.constant = [0] * len(instance.staff)
        self.delta: defaultdict[tuple[int, int, str], int] = defaultdict(int)
        for r in instance.on_requests:
            e = index[r.employee]
            self.delta[e, r.day, r.shift] -= r.weight
            self.constant[e] += r.weight
        for r in instance.off_requests:
            self.delta[index[r.employee], r.day, r.shift] += r.weight
        self.models: list[CurtoisModel] = [build(instance, [e], {}) for e in index.values()]
        pricers = [RowPricer(instance, e) if programmes else None for e in index.values()]
        self.pricers: list[RowPricer | None] = [p if p and p.fits else None for p in pricers]
        self.cells = [(c.day, c.shift) for c in instance.cover]

    def cost(self, e: int, row: Row) -> int:
        """What the row's requests add to the objective (unmet on-requests, met off-requests)."""
        return self.constant[e] + sum(
            self.delta[e, d, s] for d, s in enumerate(row) if s is not None
        )

    def price(self, e: int, prices: Prices, hint: Row | None, limit: float) -> PricedRow:
        """The row of least reduced cost at `prices`: by its programme where that fits
        (`curtois_pricing`, exact and a few ms), else by its CP-SAT row model."""
        pricer = self.pricers[e]
        if pricer is None:
            return self.price_in_model(e, prices, hint, limit)
        delta = self.delta
        costs = {(d, s): SCALE * delta[e, d, s] - prices.get((d, s), 0) for d, s in self.cells}
        priced = pricer.price(costs, 1 + ALTERNATIVES)
        if not priced:
            raise RuntimeError(f"employee {self.instance.staff[e].id}: no valid row found")
        value = priced[0][0] + SCALE * self.constant[e]
        return PricedRow(priced[0][1], value, value, tuple(row for _, row in priced[1:]))

    def price_in_model(self, e: int, prices: Prices, hint: Row | None, limit: float) -> PricedRow:
        """The row of least reduced cost by CP-SAT; its bound if the limit cut it short.

        The rows the search passed on the way (`found`) are columns too: a round that adds
        them needs fewer rounds to converge.
        """
        m = self.models[e]
        m.model.minimize(
            sum(
                (SCALE * self.delta[e, d, s] - prices[d, s]) * var for (_, d, s), var in m.x.items()
            )
        )
        m.model.clear_hints()  # type: ignore[no-untyped-call]
        if hint is not None:
            for (_, d, s), var in m.x.items():
                m.model.add_hint(var, hint[d] == s)
        solver = new_solver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = limit
        solver.parameters.linearization_level = 2  # 30 % faster on Instance12's rows
        collector = _RowCollector(m, self.instance.horizon)
        status = solver.solve(m.model, collector)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise RuntimeError(f"employee {self.instance.staff[e].id}: no valid row found")
        offset = SCALE * self.constant[e]
        return PricedRow(
            collector.rows[-1],
            solver.objective_value + offset,
            solver.best_objective_bound + offset,
            tuple(collector.rows[:-1]),
        )


class _RowCollector(cp_model.CpSolverSolutionCallback):
    """Every row a pricing search finds, in the order found (the last is the best)."""

    def __init__(self, m: CurtoisModel, horizon: int) -> None:
        super().__init__()
        self.model = m
        self.horizon = horizon
        self.rows: list[Row] = []

    def on_solution_callback(self) -> None:
        """Called by CP-SAT on each improving row."""
        cells: list[str | None] = [None] * self.horizon
        for (_, d, s), var in self.model.x.items():
            if self.boolean_value(var):
                cells[d] = s
        self.rows.append(tuple(cells))


class _StopAt(cp_model.CpSolverSolutionCallback):
    """Stops a search at its first solution that costs at most `enough`."""

    def __init__(self, enough: float) -> None:
        super().__init__()
        self.enough = enough

    def on_solution_callback(self) -> None:
        """Called by CP-SAT on each improving solution."""
        if self.objective_value <= self.enough:
            self.stop_search()


class MasterFailure(RuntimeError):
    """GLOP stopped without an optimum: seen once in ~60 dives of Instance12 (session 13)."""


class Master:
    """The master LP: one convex combination of rows per employee, cover with slack."""

    def __init__(self, instance: Instance, rows: Rows) -> None:
        self.rows = rows
        self.cover = {(c.day, c.shift): c for c in instance.cover}
        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        self.objective = self.lp.Objective()
        self.objective.SetMinimization()
        self.convexity = [self.lp.Constraint(1, 1) for _ in instance.staff]
        self.demand = {}
        for key, c in self.cover.items():
            demand = self.lp.Constraint(c.requirement, c.requirement)
            under = self.lp.NumVar(0, self.lp.infinity(), "")
            over = self.lp.NumVar(0, self.lp.infinity(), "")
            demand.SetCoefficient(under, 1)
            demand.SetCoefficient(over, -1)
            self.objective.SetCoefficient(under, c.under_weight)
            self.objective.SetCoefficient(over, c.over_weight)
            self.demand[key] = demand
        self.columns: list[tuple[int, Row, pywraplp.Variable]] = []
        self.known: set[tuple[int, Row]] = set()

    def add(self, e: int, row: Row) -> bool:
        """Add a column for employee `e` unless the master has it; True if it was added."""
        if (e, row) in self.known:
            return False
        self.known.add((e, row))
        column = self.lp.NumVar(0, self.lp.infinity(), "")
        self.objective.SetCoefficient(column, self.rows.cost(e, row))
        self.convexity[e].SetCoefficient(column, 1)
        for d, s in enumerate(row):
            if s is not None:
                self.demand[d, s].SetCoefficient(column, 1)
        self.columns.append((e, row, column))
        return True

    def fix(self, e: int, row: Row) -> None:
        """Employee `e` keeps `row`: every other column of theirs is closed."""
        for owner, other, column in self.columns:
            if owner == e and other != row:
                column.SetUb(0)

    def solve(self) -> tuple[float, tuple[float, ...], Prices]:
        """LP value, each column's weight and the dual prices (× SCALE, within their range)."""
        if self.lp.Solve() != pywraplp.Solver.OPTIMAL:
            raise MasterFailure("the master LP has no optimum")
        prices = {
            key: max(-SCALE * c.over_weight, min(SCALE * c.under_weight, round(SCALE * dual)))
            for key, c in self.cover.items()
            for dual in (self.demand[key].dual_value(),)
        }
        weights = tuple(column.solution_value() for _, _, column in self.columns)
        return self.objective.Value(), weights, prices

    def lagrangian(self, prices: Prices, priced: dict[int, float], fixed: dict[int, Row]) -> float:
        """The lower bound at `prices` from each free row's pricing bound (× SCALE in)."""
        total: float = sum(p * self.cover[key].requirement for key, p in prices.items())
        total += sum(priced.values())
        for e, row in fixed.items():
            total += SCALE * self.rows.cost(e, row)
            total -= sum(prices[d, s] for d, s in enumerate(row) if s is not None)
        return total / SCALE


class ColumnGeneration:
    """Master, pricing and the employees whose rows diving has fixed."""

    def __init__(self, instance: Instance, settings: ColgenSettings) -> None:
        self.instance = instance
        self.settings = settings
        self.rows = Rows(instance, programmes_pay(instance))
        self.master = Master(instance, self.rows)
        self.fixed: dict[int, Row] = {}
        self.hints: dict[int, Row] = {}
        self.pool = ThreadPoolExecutor(max(1, settings.workers))

    def start(self) -> None:
        """One column per employee, built without prices."""
        for e in range(len(self.instance.staff)):
            row = construct_row(self.instance, e, {})
            if row is None:
                zero: Prices = defaultdict(int)
                row = self.rows.price(e, zero, None, self.settings.price_limit).row
            self.master.add(e, row)
            self.hints[e] = row

    def generate(self, deadline: float, max_rounds: int | None = None) -> Generation:
        """Price every free employee and re-solve the master until it cannot gain.

        Stops when the bound rounds up to the LP value (the objective is integer), when no
        row joins the master, after `max_rounds` or at `deadline`.
        """
        free = [e for e in range(len(self.instance.staff)) if e not in self.fixed]
        best, best_prices = -math.inf, None
        rounds, smooth = 0, True
        while True:
            value, weights, prices = self.master.solve()
            if not free or time.monotonic() >= deadline:
                return Generation(value, weights, best)
            if best_prices is not None and smooth:
                a = self.settings.smoothing
                prices = {k: round(a * best_prices[k] + (1 - a) * p) for k, p in prices.items()}
            priced = self._price(free, prices)
            bound = self.master.lagrangian(
                prices, {e: r.bound for e, r in priced.items()}, self.fixed
            )
            if bound > best:
                best, best_prices = bound, prices
            added = sum(
                self.master.add(e, row) for e, r in priced.items() for row in (r.row, *r.found)
            )
            self.hints.update({e: r.row for e, r in priced.items()})
            rounds += 1
            converged = math.ceil(best - 1e-6) >= math.ceil(value - 1e-6)
            # Nothing new at smoothed prices proves nothing: price the LP's own duals next.
            exhausted = not added and not smooth
            smooth = bool(added)
            if converged or exhausted or (max_rounds is not None and rounds >= max_rounds):
                value, weights, _ = self.master.solve()
                return Generation(value, weights, best)

    def _price(self, free: Sequence[int], prices: Prices) -> dict[int, PricedRow]:
        """Every free row at `prices`: CP-SAT rows on the pool, programmes meanwhile here.

        A programme is Python-bound (numpy on small arrays keeps the GIL), so two threads of
        them run slower than one; CP-SAT releases the GIL.
        """
        limit = self.settings.price_limit
        on_pool = [e for e in free if self.rows.pricers[e] is None]
        futures = {
            e: self.pool.submit(self.rows.price, e, prices, self.hints.get(e), limit)
            for e in on_pool
        }
        here = {e: self.rows.price(e, prices, None, limit) for e in free if e not in futures}
        return {e: here[e] if e in here else futures[e].result() for e in free}

    def dive(
        self, generation: Generation, finish_by: float, jitter: random.Random | None = None
    ) -> Roster:
        """Fix the rows the LP weights most, re-generating columns between fixes.

        Each step fixes every employee whose best column weighs more than `dive_weight`, and
        at least as many of the heaviest as the time left allows at the pace so far (one
        while there is time); after `finish_by`, or if the master LP fails, the rest are
        fixed together (`complete`). With `jitter` each weight is first scaled by a random
        factor in [JITTER, 1], so the dive takes another path than the plain one (`SecondDive`).
        """
        weights = generation.weights
        began, steps = time.monotonic(), 0
        while len(self.fixed) < len(self.instance.staff):
            heaviest = self.heaviest(weights)
            if jitter is not None:
                heaviest = {
                    e: (w * jitter.uniform(JITTER, 1.0), row) for e, (w, row) in heaviest.items()
                }
            order = sorted(heaviest.items(), key=lambda item: -item[1][0])
            now = time.monotonic()
            if now >= finish_by:
                self.complete(heaviest)
                break
            pace = (now - began) / steps if steps else 0.0
            least = math.ceil(pace * len(order) / (finish_by - now))
            heavy = [i for i in order if i[1][0] > self.settings.dive_weight]
            for e, (_, row) in order[: max(1, least, len(heavy))]:
                self.fixed[e] = row
                self.master.fix(e, row)
            steps += 1
            try:
                weights = self.generate(finish_by, self.settings.dive_rounds).weights
            except MasterFailure:
                self.complete(heaviest)  # no LP to follow: mix the free rows' columns
                break
        return named(self.instance, self.fixed)

    def heaviest(self, weights: Sequence[float]) -> dict[int, tuple[float, Row]]:
        """Each free employee's column of most LP weight, with that weight."""
        heaviest: dict[int, tuple[float, Row]] = {}
        for (e, row, _), w in zip(self.master.columns, weights, strict=True):
            if e not in self.fixed and w > heaviest.get(e, (-1.0, ()))[0]:
                heaviest[e] = (w, row)
        return heaviest

    def complete(self, heaviest: dict[int, tuple[float, Row]]) -> None:
        """Fix every free employee at once to the best mix of their columns (`mix`)."""
        self.fixed.update(self.mix(heaviest, self.settings.complete_share))

    def mix(
        self, heaviest: dict[int, tuple[float, Row]], share: float, enough: float = -math.inf
    ) -> dict[int, Row]:
        """The best mix of the free employees' generated columns, within `share` of the time
        or until a mix costs at most `enough`.

        A small CP-SAT over the columns (one per free employee, cover priced with the fixed
        rows counted), started from rounding each to its `heaviest` column, which it can
        only improve: rounding ignores how the rows cover together, the mix does not.
        """
        model = cp_model.CpModel()
        picks: dict[int, list[tuple[cp_model.IntVar, Row]]] = defaultdict(list)
        staffed: defaultdict[tuple[int, str], list[cp_model.IntVar]] = defaultdict(list)
        costs: list[cp_model.LinearExprT] = []
        for e, row, _ in self.master.columns:
            if e in self.fixed:
                continue
            pick = model.new_bool_var(f"c{e}_{len(picks[e])}")
            model.add_hint(pick, row == heaviest[e][1])
            picks[e].append((pick, row))
            costs.append(self.rows.cost(e, row) * pick)
            for d, s in enumerate(row):
                if s is not None:
                    staffed[d, s].append(pick)
        for options in picks.values():
            model.add_exactly_one(pick for pick, _ in options)
        already = Counter((d, s) for r in self.fixed.values() for d, s in enumerate(r) if s)
        for key, c in self.master.cover.items():
            under = model.new_int_var(0, c.requirement, f"u{key}")
            over = model.new_int_var(0, len(self.instance.staff), f"o{key}")
            model.add(sum(staffed[key]) + already[key] + under - over == c.requirement)
            costs += [c.under_weight * under, c.over_weight * over]
        model.minimize(sum(costs))
        solver = new_solver()
        solver.parameters.num_workers = self.settings.workers
        solver.parameters.random_seed = self.settings.seed
        solver.parameters.max_time_in_seconds = share * self.settings.time_limit
        found = solver.solve(model, _StopAt(enough)) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        mixed: dict[int, Row] = {}
        for e, options in picks.items():
            chosen = [row for pick, row in options if found and solver.boolean_value(pick)]
            mixed[e] = chosen[0] if chosen else heaviest[e][1]
        return mixed

    def close(self) -> None:
        """Stop the pricing threads."""
        self.pool.shutdown()

    def prices_on_one_core(self) -> bool:
        """Whether every row is priced by its programme: they hold the GIL, so a dive then
        keeps one core busy and leaves the others idle."""
        return all(pricer is not None for pricer in self.rows.pricers)


class SecondDive:
    """A second dive, on another path (`jitter`), in a forked copy of the column generation.

    Where a dive keeps one core busy (`prices_on_one_core`), the idle core dives too, and the
    better of the two rosters goes on. Dives of Instance12 end anywhere in 4 045–5 169
    depending on their path; with a second one, 60 s runs ended within 2 % of the best known
    in 23 of 29, without it in 10 of 20 (docs/benchmarks.md, session 13). The copy is forked
    after the root, so it starts from the same master LP and columns; a process started
    afresh (spawned) and sent the root's columns did no better than one dive (5 of 19).
    """

    def __init__(self, cg: ColumnGeneration, generation: Generation, finish_by: float) -> None:
        context = multiprocessing.get_context("fork")
        self.received, sent = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_dive_and_send, args=(cg, generation, finish_by, sent), daemon=True
        )
        self.process.start()
        sent.close()
        settings = cg.settings
        self.wait_until = finish_by + settings.complete_share * settings.time_limit + HANDOVER

    @staticmethod
    def pays(cg: ColumnGeneration) -> bool:
        """Whether a second dive uses a core the first leaves idle, and it can safely fork:
        a fork copies only the calling thread, so a lock another thread holds would stay
        locked in the child."""
        return (
            cg.settings.workers >= 2
            and cg.prices_on_one_core()
            and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1
        )

    def roster(self) -> Roster | None:
        """The second dive's roster; None if it failed or is not done by `wait_until`."""
        try:
            if self.received.poll(max(0.0, self.wait_until - time.monotonic())):
                roster: Roster = self.received.recv()
                return roster
        except EOFError:  # the child ended without sending: its dive failed
            pass
        return None

    def close(self) -> None:
        """Stop the child if it still runs (also when the parent's own dive failed)."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.received.close()


def _dive_and_send(
    cg: ColumnGeneration, generation: Generation, finish_by: float, sent: Connection
) -> None:
    """The forked child: dive with jitter (seeded by the run's seed) and send the roster.
    It gets pricing threads of its own: a fork keeps none of the parent's."""
    cg.pool = ThreadPoolExecutor(max(1, cg.settings.workers))
    sent.send(cg.dive(generation, finish_by, random.Random(cg.settings.seed)))
    sent.close()


def solve_colgen(
    instance: Instance, settings: ColgenSettings, on_improve: Improvement | None = None
) -> Outcome:
    """Root column generation, diving, then the time left to improve the dived roster."""
    started = time.monotonic()
    limit = settings.time_limit
    cg = ColumnGeneration(instance, settings)
    second: SecondDive | None = None
    try:
        cg.start()
        try:
            root = cg.generate(started + settings.root_share * limit)
        except MasterFailure:
            return finish_without_lp(instance, settings, started, on_improve)
        lower = math.ceil(root.bound - 1e-6) if root.bound > -math.inf else None
        share, enough = root_mix_window(settings, time.monotonic() - started, lower)
        mixed = named(instance, cg.mix(cg.heaviest(root.weights), share, enough))
        best = Dive(mixed, objective(instance, mixed), lower, started)
        if not best.trusted(settings.trust_gap):
            finish_by = started + settings.dive_share * limit
            second = SecondDive(cg, root, finish_by) if SecondDive.pays(cg) else None
            dived = [cg.dive(root, finish_by)]
            if second is not None and (other := second.roster()) is not None:
                dived.append(other)
            dives = (Dive(roster, objective(instance, roster), lower, started) for roster in dived)
            best = min(best, *dives, key=lambda found: found.objective)
    finally:
        cg.close()
        if second is not None:
            second.close()
    return finish(instance, settings, best, on_improve)


def root_mix_window(
    settings: ColgenSettings, root_seconds: float, lower: int | None
) -> tuple[float, float]:
    """The root mix's share of the limit, and the cost at which it may stop early.

    A root that converged within `quick_root_share` leaves the mix until `quick_mix_end`,
    ended as soon as a mix is within the trust gap (then no dive is needed). On a machine
    1.5–3 times slower than usual Instance5's mix needed ~6 s to reach 1 145–1 150 (3 s:
    1 541–1 848), and after a dive the minute ended at 1 144–1 240 (docs/benchmarks.md,
    session 18); slower roots (7, 8, 12) keep the plain share, as 8's dive needs the time.
    """
    limit = settings.time_limit
    if root_seconds > settings.quick_root_share * limit:
        return settings.root_mix_share, -math.inf
    share = max(settings.root_mix_share, settings.quick_mix_end - root_seconds / limit)
    return share, trusted_cost(lower, settings.trust_gap)


def named(instance: Instance, rows: dict[int, Row]) -> Roster:
    """Rows by employee index as a roster by employee ID."""
    return {instance.staff[e].id: row for e, row in rows.items()}


def finish(
    instance: Instance,
    settings: ColgenSettings,
    dive: Dive,
    on_improve: Improvement | None = None,
) -> Outcome:
    """The time left after the dive: none if it meets the bound, else the engine or the model.

    A dived roster within `trust_gap` of the LP bound is improved in the full model; one
    further off means the LP misled the dive, and the engine gets the time left instead —
    unless too little is left for the engine's own two phases, when the hinted full model
    still repairs more (Instance8: a 1519 dive at 30 s became 1308 there).
    """
    at = time.monotonic() - dive.started
    if dive.lower is not None and dive.objective <= dive.lower:
        if on_improve is not None:
            on_improve(at, dive.objective)
        trace = ((at, float(dive.objective)),)
        return Outcome("OPTIMAL", dive.roster, dive.objective, dive.lower, at, at, trace)
    if not dive.trusted(settings.trust_gap) and at <= settings.engine_share * settings.time_limit:
        return finish_with_engine(instance, settings, dive, on_improve)
    return finish_in_model(instance, settings, dive, on_improve)


def engine_for_the_time_left(
    instance: Instance,
    settings: ColgenSettings,
    at: float,
    on_improve: Improvement | None,
    below: float = math.inf,
) -> Outcome:
    """The engine's outcome for the time left after `at` seconds of the solve; its rosters
    below `below` are reported at the solve's times, not the engine's (its own times stay)."""

    def shifted(t: float, value: float) -> None:
        if on_improve is not None and value < below:
            on_improve(at + t, value)

    left = SolverSettings(max(0.1, settings.time_limit - at), settings.workers, settings.seed)
    return solve_with_engine(instance, left, shifted)


def finish_without_lp(
    instance: Instance, settings: ColgenSettings, started: float, on_improve: Improvement | None
) -> Outcome:
    """The engine for the time left when the root's master LP fails: no bound to trust and no
    columns to dive, but the instance still gets a roster (a valid one on every instance is
    a target of its own)."""
    at = time.monotonic() - started
    engine = engine_for_the_time_left(instance, settings, at, on_improve)
    return replace(
        engine,
        time_to_best=None if engine.time_to_best is None else at + engine.time_to_best,
        wall_seconds=time.monotonic() - started,
        trace=tuple((at + t, value) for t, value in engine.trace),
    )


def finish_with_engine(
    instance: Instance, settings: ColgenSettings, dive: Dive, on_improve: Improvement | None
) -> Outcome:
    """The engine for the time left; the better of its roster and the dived one."""
    start, dived, lower = dive.roster, dive.objective, dive.lower
    at = time.monotonic() - dive.started
    if on_improve is not None:
        on_improve(at, dived)
    # The engine starts afresh: only its rosters better than the dived one improve.
    engine = engine_for_the_time_left(instance, settings, at, on_improve, dived)
    wall = time.monotonic() - dive.started
    bounds = [b for b in (engine.bound, lower) if b is not None]
    bound = max(bounds) if bounds else None
    if engine.objective is None or engine.roster is None or engine.objective >= dived:
        proved = bound is not None and dived <= bound
        status = "OPTIMAL" if proved else "FEASIBLE (dive)"
        return Outcome(status, start, dived, bound, at, wall, ((at, dived),))
    proved = bound is not None and engine.objective <= bound
    status = "OPTIMAL" if proved else engine.status
    best = at + (engine.time_to_best or 0.0)
    trace = ((at, dived), *((at + t, v) for t, v in engine.trace if v < dived))
    return Outcome(status, engine.roster, engine.objective, bound, best, wall, trace)


def finish_in_model(
    instance: Instance, settings: ColgenSettings, dive: Dive, on_improve: Improvement | None
) -> Outcome:
    """The full model hinted with `start` and bounded below by `lower`, for the time left.

    The dived roster is valid (every row was priced under all of its employee's rules and
    no rule links two rows), so it is the answer whenever CP-SAT finds nothing better.
    """
    start, lower, started = dive.roster, dive.lower, dive.started
    trace: list[tuple[float, float]] = []

    def record(value: float) -> None:
        trace.append((time.monotonic() - started, value))
        if on_improve is not None:
            on_improve(*trace[-1])

    record(dive.objective)
    m = build(instance)
    hint_roster(m, start)
    if lower is not None:
        m.model.add(m.cost >= lower)

    class Recorder(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            if self.objective_value < trace[-1][1]:
                record(self.objective_value)

    solver = new_solver()
    solver.parameters.num_workers = settings.workers
    solver.parameters.random_seed = settings.seed
    solver.parameters.max_time_in_seconds = max(
        0.1, settings.time_limit - (time.monotonic() - started)
    )
    status = solver.solve(m.model, Recorder())
    wall = time.monotonic() - started
    bound = max(solver.best_objective_bound, -math.inf if lower is None else lower)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if not found or solver.objective_value > trace[0][1]:
        return Outcome(
            "FEASIBLE (dive)",
            roster=start,
            objective=trace[0][1],
            bound=None if lower is None and not found else bound,
            time_to_best=trace[0][0],
            wall_seconds=wall,
            trace=(trace[0],),
        )
    return Outcome(
        status=solver.status_name(status),
        roster=roster_of(m, solver),
        objective=solver.objective_value,
        bound=bound,
        time_to_best=next((t for t, v in trace if v <= solver.objective_value), wall),
        wall_seconds=wall,
        trace=tuple(trace),
    )
