"""Soft shift cover: under- and over-staffing are exact in every solution, not just the best."""

from __future__ import annotations

import datetime as dt

from ortools.sat.python import cp_model

from scheduler import problem as p
from scheduler.build import build_model

START = dt.date(2026, 11, 23)


def _cover_problem(agents: int, requirement: int) -> p.Problem:
    return p.Problem(
        horizon=p.Horizon(START, 1),
        shift_types=(p.ShiftType("D", "day", dt.time(8), dt.time(16)),),
        agents=tuple(
            p.Agent(f"A{i}", "T", target_hours_week=None, max_hours_week=None)
            for i in range(agents)
        ),
        shift_cover=(p.ShiftCover(START, "D", requirement, under_weight=100, over_weight=1),),
        rules=p.Rules(
            max_days_in_a_row=None,
            max_rest_days_per_team_per_day=None,
            min_rest_hours=None,
            require_cover=False,
            weights={k: 0 for k in ("fairness_hours", "rest_weekday_repeat", "stability")},
        ),
    )


def _worst_cover_penalty(agents: int, requirement: int, working: int) -> int:
    """The largest shift_cover penalty the model allows with `working` agents on the shift."""
    built = build_model(_cover_problem(agents, requirement))
    staff = [built.variables.x[a, 0, "D"] for a in range(agents)]
    built.model.add(sum(staff) == working)
    cover = [t for t in built.terms if t.name == "shift_cover"]
    built.model.maximize(sum(t.weight * t.expr for t in cover))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(built.model) == cp_model.OPTIMAL
    return round(solver.objective_value)


def test_over_staffing_cannot_also_report_under_staffing() -> None:
    # Two on a shift that needs one: one over (weight 1), nothing under.
    assert _worst_cover_penalty(agents=2, requirement=1, working=2) == 1


def test_under_staffing_cannot_also_report_over_staffing() -> None:
    # Nobody on a shift that needs two: two under (weight 100), nothing over.
    assert _worst_cover_penalty(agents=3, requirement=2, working=0) == 200


def test_exact_staffing_costs_nothing() -> None:
    assert _worst_cover_penalty(agents=3, requirement=2, working=2) == 0
