"""Factories for tiny roster problems and hand-made rosters; every solve is checked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from scheduler import io
from scheduler.check import check_roster
from scheduler.problem import Assignment, Problem
from scheduler.result import RestDay, Result, Status
from scheduler.settings import SolverSettings
from scheduler.solve import solve

START = dt.date(2026, 11, 23)  # a Monday
FAST = SolverSettings(time_limit=10, workers=1, seed=1)


def day(i: int) -> str:
    """ISO date of horizon day i."""
    return (START + dt.timedelta(days=i)).isoformat()


def problem_data(
    days: int = 7, agents: int | list[dict[str, Any]] = 3, **overrides: Any
) -> dict[str, Any]:
    """A FORMATS §1 object: three 8-hour shifts, one team, no coverage, all rules default."""
    data: dict[str, Any] = {
        "horizon": {"start": START.isoformat(), "days": days},
        "slot_minutes": 60,
        "shift_types": [
            {"code": "E", "name": "早班", "start": "07:00", "end": "15:00"},
            {"code": "L", "name": "中班", "start": "15:00", "end": "23:00"},
            {"code": "N", "name": "夜班", "start": "23:00", "end": "07:00"},
        ],
        "agents": agents
        if isinstance(agents, list)
        else [{"id": f"A{i:02d}", "team": "T1"} for i in range(1, agents + 1)],
        "coverage": [],
    }
    data.update(overrides)
    return data


def make_problem(
    days: int = 7, agents: int | list[dict[str, Any]] = 3, **overrides: Any
) -> Problem:
    """A parsed tiny problem (through the FORMATS §1 reader)."""
    return io.parse_problem(problem_data(days, agents, **overrides))


def solve_checked(problem: Problem, settings: SolverSettings = FAST) -> Result:
    """Solve and assert the independent checker finds no violation."""
    result = solve(problem, settings)
    if result.status in (Status.OPTIMAL, Status.FEASIBLE, Status.UNDERSTAFFED):
        assert check_roster(problem, result) == []
    return result


def make_roster(problem: Problem, rows: dict[str, str], breaks: str | None = None) -> Result:
    """A hand-made roster: one character per day, a shift code, '-' rest or '.' unavailable."""
    dates = problem.horizon.dates()
    work = {
        (agent, dates[i]): code
        for agent, row in rows.items()
        for i, code in enumerate(row)
        if code not in "-."
    }
    team = {a.id: a.team for a in problem.agents}
    assignments = []
    for (agent, date), code in sorted(work.items()):
        rule = problem.break_rule(code)
        start = rule.start_options[0] if rule and breaks is None else None
        if rule and breaks is not None:
            start = dt.time.fromisoformat(breaks)
        assignments.append(Assignment(agent, date, code, start))
    rests = []
    for agent, row in rows.items():
        for i, code in enumerate(row):
            if code == "-":
                cover = next(
                    (b for b in rows if team[b] == team[agent] and (b, dates[i]) in work), None
                )
                rests.append(RestDay(agent, dates[i], cover))
    return Result(Status.FEASIBLE, assignments=tuple(assignments), rest_days=tuple(rests))


def rules_broken(problem: Problem, result: Result) -> set[str]:
    """The rule IDs the checker reports for a roster."""
    return {v.rule for v in check_roster(problem, result)}


def row_of(result: Result, agent: str, days: int) -> str:
    """An agent's roster as one character per day ('-' when not working)."""
    codes = {a.date: a.shift for a in result.assignments if a.agent == agent}
    return "".join(codes.get(START + dt.timedelta(days=i), "-") for i in range(days))
