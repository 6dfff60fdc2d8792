"""Column generation over team rosters (scheduler.team_pricing, scheduler.team_columns):
valid bounds, exact coverage accounting, and rosters that keep every rule."""

from __future__ import annotations

import math
import random
import threading
import time
from collections import defaultdict
from dataclasses import replace
from typing import Any

import pytest
from ortools.sat.python import cp_model
from scheduler_factories import day, make_problem, solve_checked

from scheduler import extract, team_columns, team_master
from scheduler.benchmarks.scale import scale_problem_data
from scheduler.build import build_model
from scheduler.constraints import duty_rows
from scheduler.coverage import coverage_groups, history_on_duty, slot_shapes
from scheduler.floors import team_relaxation
from scheduler.io import parse_problem
from scheduler.problem import Assignment, Problem
from scheduler.result import Status
from scheduler.settings import SolverSettings
from scheduler.team_mix import ColumnSearch
from scheduler.team_pricing import SCALE, Column, Priced, Prices, TeamPricer
from scheduler.timeline import Slots, assignment_duty_slots, requirements


def four_teams(days: int, seed: int = 0) -> Problem:
    """Four teams of three (one English speaker each) who cover evenings, nights and an
    English window; a few day-off wishes and one leave day drawn from `seed`."""
    rng = random.Random(seed)
    agents = [
        {"id": f"{t}{i}", "team": t, "skills": ["en"] if i == 0 else []}
        for t in "ABCD"
        for i in range(3)
    ]
    wishes = [
        {"agent": a["id"], "date": day(rng.randrange(days)), "off": True, "weight": 3}
        for a in rng.sample(agents, 3)
    ]
    leave = [{"agent": rng.choice(agents)["id"], "date": day(rng.randrange(days))}]
    coverage = [
        {"from": "23:00", "to": "07:00", "min": 1},
        {"from": "07:00", "to": "23:00", "min": 2},
        {"from": "09:00", "to": "17:00", "min": 1, "skill": "en"},
    ]
    return make_problem(
        days=days, agents=agents, coverage=coverage, preferences=wishes, unavailable=leave
    )


def covered_roster(problem: Problem) -> list[Assignment]:
    """A roster that keeps every hard rule (CP-SAT, shortfall first)."""
    built = build_model(problem)
    built.model.minimize(built.shortfall())
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(built.model) == cp_model.OPTIMAL and solver.objective_value == 0
    return extract.assignments(built, solver)


def optimum(problem: Problem) -> int:
    """The proved optimum of the whole model."""
    built = build_model(problem)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 30
    assert solver.solve(built.model) == cp_model.OPTIMAL
    return round(solver.objective_value)


def pricer_of(problem: Problem, team: str) -> TeamPricer:
    built = build_model(problem)
    groups = coverage_groups(problem, built.variables)
    return TeamPricer(problem, team, groups, duty_rows(problem))


def zero(pricer: TeamPricer) -> Prices:
    return Prices((0,) * len(pricer.cover), (0,) * len(pricer.duty))


def test_a_team_priced_at_zero_is_its_own_optimum() -> None:
    """Without prices the team's best roster is the best of the team alone (no coverage)."""
    problem = four_teams(days=5)
    pricer = pricer_of(problem, "B")
    priced = pricer.price(zero(pricer), budget=10, hint=None)
    alone = build_model(team_relaxation(problem, "B"))
    solver = cp_model.CpSolver()
    assert solver.solve(alone.model) == cp_model.OPTIMAL
    assert priced.column is not None
    assert priced.column.cost == round(solver.objective_value)
    assert priced.bound == SCALE * priced.column.cost


def test_a_column_counts_its_team_on_duty_in_every_slot_of_a_coverage_group() -> None:
    """Recounted slot by slot from the column's assignments (timeline, as the checker does)."""
    problem = four_teams(days=5)
    built = build_model(problem)
    groups = coverage_groups(problem, built.variables)
    pricer = TeamPricer(problem, "C", groups, duty_rows(problem))
    column = pricer.fixed(*_cells(problem, covered_roster(problem), "C"))
    assert column is not None
    slots = Slots(problem.horizon, problem.slot_minutes)
    shapes = slot_shapes(problem, built.variables, slots)
    index = {(g.shape, g.skill, g.need): k for k, g in enumerate(groups)}
    skills = {a.id: a.skills for a in problem.agents}
    on_duty: dict[int, list[str]] = defaultdict(list)
    for x in _assignments(problem, column):
        for slot in assignment_duty_slots(problem, x, slots):
            on_duty[slot].append(x.agent)
    checked = 0
    for (slot, skill), need in requirements(problem, slots).items():
        count = sum(1 for a in on_duty[slot] if skill is None or skill in skills[a])
        assert column.cover[index[shapes[slot], skill, need]] == count
        checked += 1
    assert checked == sum(g.slots for g in groups)


def test_pricing_bounds_every_team_roster_at_its_prices() -> None:
    """The pricing bound at random prices is at most the priced cost of any team roster."""
    problem = four_teams(days=5)
    pricer = pricer_of(problem, "A")
    rng = random.Random(3)
    pool: list[Column] = []
    for _ in range(4):
        prices = Prices(
            tuple(rng.randrange(0, 30 * SCALE) for _ in pricer.cover),
            tuple(rng.randrange(0, 30 * SCALE) for _ in pricer.duty),
        )
        priced = pricer.price(prices, budget=10, hint=None)
        assert priced.column is not None
        pool += [priced.column, *priced.found]
        assert priced.bound == priced.column.priced(prices)  # proved optimal
        assert all(priced.bound <= column.priced(prices) for column in pool)


def test_a_cancelled_pricing_stops_at_once_and_claims_no_bound() -> None:
    """A team of seven over four weeks takes seconds to price; cancelled, it stops within
    a fraction of that, and CP-SAT's bound of a solve stopped before its first solution (a
    bare 0, above this team's priced optimum) is not taken for a bound."""
    problem = parse_problem(scale_problem_data(42, 28))
    team = sorted(problem.teams())[0]
    pricer = pricer_of(problem, team)
    prices = Prices((300,) * len(pricer.cover), (0,) * len(pricer.duty))
    cancel = threading.Event()
    cancel.set()
    started = time.monotonic()
    stopped = pricer.price(prices, budget=1000, hint=None, cancel=cancel)
    assert time.monotonic() - started < 2
    assert stopped.bound is None and stopped.column is None


def test_a_round_in_which_a_team_proved_no_bound_bounds_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    problem = four_teams(days=5)
    generation = team_columns.ColumnGeneration(problem, build_model(problem), workers=1)
    generation.start(covered_roster(problem))
    prices = generation.whole_lp_prices()
    bound, _ = generation.price(prices, 10)
    assert -math.inf < bound <= optimum(problem)
    price = TeamPricer.price

    def unbounded_b(pricer: TeamPricer, *args: Any) -> Priced:
        priced = price(pricer, *args)
        return replace(priced, bound=None) if pricer.team == "B" else priced

    monkeypatch.setattr(TeamPricer, "price", unbounded_b)
    assert generation.price(prices, 10)[0] == -math.inf
    generation.pool.shutdown()


def test_a_round_still_pricing_into_the_mixs_least_time_is_cut_short(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each team here stands for one whose pricing takes long: it runs until its stop
    event is set. The round stops when only MIX_LEAST of the mix's window is left (here
    at 2.5 s of a 1 s / 3 s schedule), and the mix still runs."""
    price = TeamPricer.price

    def until_stopped(
        pricer: TeamPricer, prices: Prices, budget: float, hint: Any, cancel: Any
    ) -> Priced:
        if cancel is None:
            time.sleep(10)
        else:
            cancel.wait(10)
        return price(pricer, prices, budget, hint, cancel)

    monkeypatch.setattr(TeamPricer, "price", until_stopped)
    problem = four_teams(days=5)
    built, roster = build_model(problem), covered_roster(problem)
    began = time.monotonic()
    generation = team_columns.generate(problem, built, roster, 1, 100, (began + 1, began + 3))
    assert 2.5 <= time.monotonic() - began < 5
    assert generation.mixed is not None and len(generation.mixed) == 4


def test_the_mix_runs_even_when_generation_ran_past_the_mix_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A pricing that does not stop on its event (a GLOP solve, a slow machine) may end
    after the mix's deadline; the mix still gets MIX_LEAST of its window, so the solve does
    not go on from the coverage roster for want of one.

    The first round must start: generation's set-up (team models, the starting columns,
    the whole LP) took 0.1–0.4 s, so its deadline is a second away, and a CI run with it at
    0.1 s priced nothing."""
    price = TeamPricer.price

    def slow(pricer: TeamPricer, *args: Any) -> Priced:
        time.sleep(0.8)
        return price(pricer, *args)

    mix = team_columns.ColumnGeneration.mix
    given: list[float] = []

    def timed_mix(generation: team_columns.ColumnGeneration, seconds: float, seed: int) -> Any:
        given.append(seconds)
        return mix(generation, seconds, seed)

    monkeypatch.setattr(TeamPricer, "price", slow)
    monkeypatch.setattr(team_columns.ColumnGeneration, "mix", timed_mix)
    problem = four_teams(days=5)
    built, roster = build_model(problem), covered_roster(problem)
    began = time.monotonic()
    generation = team_columns.generate(problem, built, roster, 1, 100, (began + 1, began + 2))
    assert time.monotonic() - began > 2  # four teams priced one after another: 3.2 s
    [seconds] = given  # past its deadline, the mix still gets MIX_LEAST of its 1 s window
    assert seconds > 0 and seconds == pytest.approx(team_columns.MIX_LEAST * 1.0)
    assert generation.mixed is not None and len(generation.mixed) == 4


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_bound_never_exceeds_the_optimum_and_the_mix_keeps_every_rule(seed: int) -> None:
    problem = four_teams(days=5, seed=seed)
    built = build_model(problem)
    deadlines = (time.monotonic() + 20, time.monotonic() + 25)
    generation = team_columns.generate(problem, built, covered_roster(problem), 1, 20, deadlines)
    best = optimum(problem)
    assert generation.bound is not None and generation.bound <= best
    assert generation.mixed is not None
    assert sorted(c.team for c in generation.mixed) == ["A", "B", "C", "D"]
    rows = team_master.linking_rows(problem, built)
    for g, need in enumerate(rows.demand):
        assert sum(c.cover[g] for c in generation.mixed) >= need
    assert sum(c.cost for c in generation.mixed) >= best


def test_columns_prove_a_four_team_week_optimal(monkeypatch: pytest.MonkeyPatch) -> None:
    """One worker: the Lagrangian bound meets the mixed roster, so the solve ends OPTIMAL at
    once (CP-SAT alone with one worker had not proved it after 30 s)."""
    calls: list[team_columns.Generation] = []
    generate = team_columns.generate

    def spy(*args: Any, **kwargs: Any) -> team_columns.Generation:
        calls.append(generate(*args, **kwargs))
        return calls[-1]

    monkeypatch.setattr(team_columns, "generate", spy)
    problem = four_teams(days=7)
    started = time.monotonic()
    result = solve_checked(problem, SolverSettings(time_limit=20, workers=1, seed=0))
    assert len(calls) == 1 and calls[0].bound is not None
    assert result.status is Status.OPTIMAL
    assert result.objective == result.bound == calls[0].bound
    assert time.monotonic() - started < 10


def test_one_worker_and_a_seed_give_the_same_roster_through_column_generation() -> None:
    problem = four_teams(days=7, seed=4)
    settings = SolverSettings(time_limit=20, workers=1, seed=3)
    assert team_columns.applies(problem)
    first, second = solve_checked(problem, settings), solve_checked(problem, settings)
    assert first.assignments == second.assignments


def test_the_box_keeps_the_masters_prices_near_its_center() -> None:
    problem = four_teams(days=5)
    generation = team_columns.ColumnGeneration(problem, build_model(problem), 1)
    generation.start(covered_roster(problem))
    _, free, _ = generation.master.solve()
    center = Prices(tuple(5 * SCALE for _ in free.cover), tuple(0 for _ in free.duty))
    generation.master.stabilise(center, 0.2)
    _, boxed, _ = generation.master.solve()
    assert all(4 * SCALE <= q <= 6 * SCALE for q in boxed.cover)
    assert any(not 4 * SCALE <= q <= 6 * SCALE for q in free.cover)


def test_columns_apply_to_weeks_of_four_or_more_teams_without_shift_cover() -> None:
    assert team_columns.applies(four_teams(days=7))
    assert not team_columns.applies(four_teams(days=8))
    three = make_problem(days=7, agents=[{"id": f"{t}1", "team": t} for t in "ABC"])
    assert not team_columns.applies(three)
    cover = [{"date": day(0), "shift": "E", "requirement": 2, "under_weight": 5}]
    with_cover = make_problem(
        days=7, agents=[{"id": f"{t}1", "team": t} for t in "ABCD"], shift_cover=cover
    )
    assert not team_columns.applies(with_cover)


def test_history_on_duty_is_the_demand_the_team_columns_do_not_cover() -> None:
    """An agent whose night shift runs into the horizon covers the first morning's slots."""
    agents = [
        {"id": f"{t}{i}", "team": t, "history": {"last_shift_end": f"{day(0)}T07:00"}}
        if (t, i) == ("A", 0)
        else {"id": f"{t}{i}", "team": t}
        for t in "ABCD"
        for i in range(2)
    ]
    problem = make_problem(
        days=2, agents=agents, coverage=[{"from": "00:00", "to": "07:00", "min": 1}]
    )
    built = build_model(problem)
    rows = team_master.linking_rows(problem, built)
    first = [k for k, g in enumerate(rows.groups) if history_on_duty(built.variables, g)]
    assert first and all(rows.demand[k] == 0 for k in first)


def _cells(problem: Problem, roster: list[Assignment], team: str) -> Any:
    """A team's part of a roster as the pricer's shifts and (empty) break counts."""
    members = {a.id for a in problem.agents if a.team == team}
    shifts = frozenset(
        (x.agent, problem.horizon.index(x.date), x.shift) for x in roster if x.agent in members
    )
    return shifts, frozenset()


def _assignments(problem: Problem, column: Column) -> list[Assignment]:
    dates = problem.horizon.dates()
    return [Assignment(agent, dates[d], code) for agent, d, code in sorted(column.shifts)]


def test_scip_continues_the_local_search_and_each_further_worker_mixes_from_the_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first SCIP setting starts from the local search's mix; each further worker runs
    the next setting from the starting roster; the best of all mixes is kept."""
    problem = four_teams(days=5, seed=0)
    built = build_model(problem)
    calls: list[tuple[str, bool, list[int] | None]] = []
    scip = team_columns.ColumnGeneration._mix

    def spy(self: team_columns.ColumnGeneration, seconds: float, setting: str, hint: Any) -> Any:
        picks = scip(self, seconds, setting, hint)
        calls.append((setting, hint is not None, picks))
        return picks

    def stay(search: ColumnSearch, starts: Any, stop: Any, seed: int) -> Any:
        return search.mix(starts[0])  # the local search keeps the coverage roster

    monkeypatch.setattr(team_columns.ColumnGeneration, "_mix", spy)
    monkeypatch.setattr(ColumnSearch, "search", stay)
    first, *others = team_columns.MIX_SETTINGS
    for workers in (1, 2, 3):
        calls.clear()
        generation = team_columns.ColumnGeneration(problem, built, workers)
        with generation.pool:
            generation.start(covered_roster(problem))
            generation.generate(20, lambda: False)
            mixed = generation.mix(3, seed=0)
        assert sorted((s, h) for s, h, _ in calls) == sorted(
            [(first, True), *((s, False) for s in others[: workers - 1])]
        )
        columns = generation.master.columns
        search = ColumnSearch(columns, generation.master.teams, generation.rows)
        started = [columns.index(generation.started[team]) for team in generation.master.teams]
        mixes = [search.mix(started), *(search.mix(p) for _, _, p in calls if p is not None)]
        best = min(mixes, key=lambda m: (m.short, m.value))
        assert mixed is not None and search.mix([columns.index(c) for c in mixed]) == best


def test_a_scip_setting_it_does_not_know_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = four_teams(days=5, seed=0)
    monkeypatch.setattr(team_columns, "MIX_SETTINGS", ("no/such/parameter = 1",))
    generation = team_columns.ColumnGeneration(problem, build_model(problem), 1)
    with generation.pool:
        generation.start(covered_roster(problem))
        with pytest.raises(ValueError, match="no/such/parameter"):
            generation.mix(5, seed=0)
