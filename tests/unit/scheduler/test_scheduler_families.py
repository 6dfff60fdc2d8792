"""Optional general rule families (FORMATS §1 extensions) used by real sites and Curtois & Qu."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from scheduler_factories import day, make_problem, make_roster, row_of, rules_broken, solve_checked

from scheduler import io
from scheduler.build import build_model
from scheduler.problem import Problem
from scheduler.variables import Expr, Variables

CALL_CENTER_WEIGHTS_OFF = {
    name: 0
    for name in (
        "fairness_nights",
        "fairness_weekends",
        "fairness_hours",
        "rest_weekday_repeat",
        "stability",
        "target_hours",
    )
}
DAY_LEVEL_RULES = {
    "max_days_in_a_row": None,
    "max_rest_days_per_team_per_day": None,
    "min_rest_hours": None,
    "require_cover": False,
    "weights": CALL_CENTER_WEIGHTS_OFF,
}
SHIFTS = [
    {"code": "E", "name": "E", "start": "06:00", "end": "14:00", "forbidden_next": []},
    {"code": "L", "name": "L", "start": "14:00", "end": "22:00", "forbidden_next": ["E"]},
]


def day_level(days: int, agents: list[dict[str, Any]], want: int = 1, **extra: Any) -> Problem:
    """A benchmark-like problem: day-level rules only, soft cover asking `want` E per day."""
    cover = [
        {"date": day(i), "shift": "E", "requirement": want, "under_weight": 100, "over_weight": 1}
        for i in range(days)
    ]
    for agent in agents:
        agent.setdefault("team", "T")
        agent.setdefault("target_hours_week", None)
        agent.setdefault("max_hours_week", None)
    extra.setdefault("rules", DAY_LEVEL_RULES)
    extra.setdefault("shift_types", SHIFTS)
    return make_problem(days, agents, shift_cover=cover, **extra)


def test_max_shifts_per_type() -> None:
    problem = day_level(5, [{"id": "A01", "max_shifts": {"E": 2}}])
    assert row_of(solve_checked(problem), "A01", 5).count("E") == 2
    assert "max_shifts" in rules_broken(problem, make_roster(problem, {"A01": "EEE--"}))


def test_min_and_max_total_minutes() -> None:
    problem = day_level(5, [{"id": "A01", "max_minutes": 960}, {"id": "A02", "min_minutes": 1920}])
    result = solve_checked(problem)
    assert row_of(result, "A01", 5).count("-") >= 3
    assert row_of(result, "A02", 5).count("-") <= 1
    assert {"max_minutes", "min_minutes"} <= rules_broken(
        problem, make_roster(problem, {"A01": "EEE--", "A02": "E----"})
    )


def test_max_consecutive_working_days() -> None:
    problem = day_level(6, [{"id": "A01", "max_consecutive_days": 2}])
    assert "EEE" not in row_of(solve_checked(problem), "A01", 6)
    assert "max_consecutive_days" in rules_broken(problem, make_roster(problem, {"A01": "EEE-EE"}))


def test_min_consecutive_working_days_counts_horizon_edges_as_off() -> None:
    prefs = [{"agent": "A01", "date": day(i), "off": True, "weight": 5} for i in (1, 3)]
    problem = day_level(5, [{"id": "A01", "min_consecutive_days": 2}], preferences=prefs)
    row = row_of(solve_checked(problem), "A01", 5)
    runs = [len(r) for r in row.replace("L", "E").split("-") if r]
    assert min(runs) >= 2
    assert "min_consecutive_days" in rules_broken(problem, make_roster(problem, {"A01": "EE--E"}))


def _edge_run_problem(at_edges: bool) -> Problem:
    prefs = [{"agent": "A01", "date": day(1), "off": True, "weight": 500}]
    rules = {**DAY_LEVEL_RULES, "min_consecutive_days_at_edges": at_edges}
    agents = [{"id": "A01", "min_consecutive_days": 3}]
    return day_level(5, agents, preferences=prefs, rules=rules)


def test_min_consecutive_days_holds_edge_runs_by_default() -> None:
    problem = _edge_run_problem(at_edges=True)
    assert row_of(solve_checked(problem), "A01", 5).replace("L", "E") == "--EEE"
    assert "min_consecutive_days" in rules_broken(problem, make_roster(problem, {"A01": "E-EEE"}))
    assert "min_consecutive_days" in rules_broken(problem, make_roster(problem, {"A01": "EEE-E"}))


def test_min_consecutive_days_may_exempt_edge_runs() -> None:
    problem = _edge_run_problem(at_edges=False)
    assert not problem.rules.min_consecutive_days_at_edges
    assert io.parse_problem(io.problem_to_dict(problem)).rules == problem.rules
    assert row_of(solve_checked(problem), "A01", 5).replace("L", "E") == "E-EEE"
    assert rules_broken(problem, make_roster(problem, {"A01": "E-EEE"})) == set()
    assert rules_broken(problem, make_roster(problem, {"A01": "EEE-E"})) == set()
    # Inner runs still count.
    assert "min_consecutive_days" in rules_broken(problem, make_roster(problem, {"A01": "E-E-E"}))


def test_min_consecutive_days_off_exempts_runs_at_the_edges() -> None:
    prefs = [{"agent": "A01", "date": day(2), "off": True, "weight": 150}]
    problem = day_level(6, [{"id": "A01", "min_consecutive_days_off": 2}], preferences=prefs)
    row = row_of(solve_checked(problem), "A01", 6)
    inner = row.strip("-").replace("L", "E").split("E")
    assert all(len(r) >= 2 for r in inner if r)
    assert "min_consecutive_days_off" in rules_broken(
        problem, make_roster(problem, {"A01": "EE-EEE"})
    )
    assert rules_broken(problem, make_roster(problem, {"A01": "-EEEE-"})) == set()


def test_max_weekends_worked() -> None:
    problem = day_level(14, [{"id": "A01", "max_weekends": 1}])
    row = row_of(solve_checked(problem), "A01", 14)
    assert (row[5:7] == "--") or (row[12:14] == "--")
    breach = make_roster(problem, {"A01": "-----E------E-"})
    assert "max_weekends" in rules_broken(problem, breach)


def test_forbidden_shift_succession() -> None:
    prefs = [
        {"agent": "A01", "date": day(0), "shift": "L", "want": True, "weight": 10},
        {"agent": "A01", "date": day(1), "shift": "E", "want": True, "weight": 5},
    ]
    problem = day_level(2, [{"id": "A01"}], want=0, preferences=prefs)
    assert row_of(solve_checked(problem), "A01", 2) != "LE"
    assert "forbidden_next" in rules_broken(problem, make_roster(problem, {"A01": "LE"}))


def test_objective_equals_the_benchmark_objective_when_only_day_level_rules_are_present() -> None:
    prefs = [
        {"agent": "A01", "date": day(0), "shift": "E", "want": True, "weight": 2},
        {"agent": "A02", "date": day(1), "shift": "E", "want": False, "weight": 3},
        {"agent": "A02", "date": day(2), "shift": "L", "want": True, "weight": 1},
    ]
    agents = [{"id": "A01", "max_shifts": {"E": 1}}, {"id": "A02", "max_consecutive_days": 2}]
    problem = day_level(3, agents, want=1, preferences=prefs)
    result = solve_checked(problem)
    assert result.objective == brute_force_benchmark_objective(problem)
    assert set(result.penalties) == {"preferences", "shift_cover"}


def brute_force_benchmark_objective(problem: Problem) -> int:
    """The Curtois & Qu objective, minimised by trying every roster that the checker accepts."""
    days, codes = problem.horizon.days, ["-", "E", "L"]
    best = None
    for rows in itertools.product(itertools.product(codes, repeat=days), repeat=2):
        roster = make_roster(problem, {"A01": "".join(rows[0]), "A02": "".join(rows[1])})
        if rules_broken(problem, roster):
            continue
        worked = {(a.agent, a.date, a.shift) for a in roster.assignments}
        cost = sum(
            p.weight
            for p in problem.preferences
            if ((p.agent, p.date, p.shift) in worked) != p.want
        )
        for c in problem.shift_cover:
            n = sum(1 for _, d, s in worked if d == c.date and s == c.shift)
            cost += c.under_weight * max(0, c.requirement - n)
            cost += c.over_weight * max(0, n - c.requirement)
        best = cost if best is None else min(best, cost)
    assert best is not None
    return best


def test_no_variables_for_shift_types_an_agent_may_not_work() -> None:
    agents = [
        {"id": "A01", "max_shifts": {"L": 0}},
        {"id": "A02", "skills": ["fr"]},
        {"id": "A03"},
    ]
    shifts = [*SHIFTS, {"code": "F", "name": "F", "start": "08:00", "end": "16:00", "skill": "fr"}]
    problem = day_level(3, agents, shift_types=shifts)
    built = build_model(problem)
    codes = {a: {c for (i, _, c) in built.variables.x if i == a} for a in range(3)}
    assert codes == {0: {"E"}, 1: {"E", "L", "F"}, 2: {"E", "L"}}
    assert "L" not in row_of(solve_checked(problem), "A01", 3)


def test_build_reads_paid_minutes_once_per_shift_type(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = Problem.paid_minutes

    def counted(self: Problem, code: str) -> int:
        calls.append(code)
        return original(self, code)

    monkeypatch.setattr(Problem, "paid_minutes", counted)
    agents = [{"id": f"A{i}", "min_minutes": 960, "max_minutes": 2400} for i in range(4)]
    build_model(day_level(7, agents))
    assert sorted(calls) == ["E", "L"]


def test_no_total_minutes_expression_without_a_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    original = Variables.paid_minutes

    def counted(self: Variables, agent: int, days: range) -> Expr:
        calls.append(agent)
        return original(self, agent, days)

    monkeypatch.setattr(Variables, "paid_minutes", counted)
    build_model(day_level(7, [{"id": "A01"}, {"id": "A02", "max_minutes": 960}]))
    assert calls == [1]
