"""Per-team floors (scheduler.floors): lower bounds the LP cannot see, never above the optimum."""

from __future__ import annotations

import pytest
from scheduler_factories import FAST, day, make_problem, solve_checked

from scheduler import floors, solve
from scheduler.build import BuiltModel, build_model
from scheduler.objectives import weights_of
from scheduler.result import Status


def test_R9_six_agents_of_one_team_cannot_work_equal_weekends_five_can() -> None:
    """R-3 gives each agent a rest in the week, R-4 at most one rest a day: six agents need six
    days, so one rests on a weekend day and the weekend spread is at least 1. Five agents can
    all rest from Monday to Friday."""
    six = make_problem(days=7, agents=6)
    weight = weights_of(six.rules.weights)["fairness_weekends"]
    assert floors.team_floors(build_model(six), budget=10) == {("T1", "fairness_weekends"): weight}
    assert floors.team_floors(build_model(make_problem(days=7, agents=5)), budget=10) == {}


def test_R10_two_wishes_for_the_same_day_off_in_one_team_leave_one_unmet() -> None:
    """R-4 lets one of the two rest that Thursday: one wish is unmet in every roster, so
    the team's wishes have a floor of one wish's weight."""
    wishes = [{"agent": a, "date": day(3), "off": True, "weight": 3} for a in ("A01", "A02")]
    problem = make_problem(days=7, agents=2, preferences=wishes)
    unmet = 3 * weights_of(problem.rules.weights)["preferences"]
    assert floors.team_floors(build_model(problem), budget=10) == {("T1", "preferences"): unmet}


def test_R9_floors_keep_the_optimum(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same optimum with the floor in the model as without it (a floor above the least
    value would cut it off)."""
    added: list[floors.Floors] = []
    add_floors = floors.add_floors

    def spy(built: BuiltModel, found: floors.Floors) -> None:
        added.append(found)
        add_floors(built, found)

    monkeypatch.setattr(floors, "add_floors", spy)
    problem = make_problem(days=7, agents=7)
    with_floors = solve_checked(problem, FAST)
    monkeypatch.setattr(solve, "FLOORS_SHARE", 0.0)
    without = solve_checked(problem, FAST)
    weight = weights_of(problem.rules.weights)["fairness_weekends"]
    assert added == [{("T1", "fairness_weekends"): weight}, {}]
    assert with_floors.status is without.status is Status.OPTIMAL
    assert with_floors.objective == without.objective


def test_R9_floors_are_found_a_batch_of_teams_at_a_time_and_stop_after_the_budget() -> None:
    """Teams are floored `workers` at a time; the budget is checked between batches, so with
    a budget the first sub-solves exhaust, one worker floors the first team only and two
    workers both teams of their first batch — the same floors either way for each team."""
    six_each = [{"id": f"{t}{i}", "team": t} for t in ("T1", "T2") for i in range(6)]
    weight = weights_of(make_problem(days=7).rules.weights)["fairness_weekends"]
    both = {("T1", "fairness_weekends"): weight, ("T2", "fairness_weekends"): weight}

    def floored(budget: float, workers: int) -> floors.Floors:
        return floors.team_floors(
            build_model(make_problem(days=7, agents=six_each)), budget, workers
        )

    assert floored(10, 1) == floored(10, 2) == both
    assert floored(1e-9, 1) == {("T1", "fairness_weekends"): weight}
    assert floored(1e-9, 2) == both
    assert floored(0, 2) == {}


def test_team_relaxation_keeps_the_team_and_drops_the_rules_across_teams() -> None:
    agents = [{"id": "A1", "team": "T1"}, {"id": "B1", "team": "T2"}]
    problem = make_problem(
        days=7, agents=agents,
        coverage=[{"from": "07:00", "to": "15:00", "min": 1}],
        unavailable=[{"agent": "A1", "date": day(2)}, {"agent": "B1", "date": day(3)}],
    )  # fmt: skip
    relaxed = floors.team_relaxation(problem, "T1")
    assert [a.id for a in relaxed.agents] == ["A1"]
    assert [u.agent for u in relaxed.unavailable] == ["A1"]
    assert relaxed.coverage == () and problem.coverage != ()
