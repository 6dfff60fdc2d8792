"""Random small problems: every roster the solver returns passes the independent checker."""

from __future__ import annotations

import random
from typing import Any

import pytest
from scheduler_factories import day, make_problem

from scheduler.check import check_roster
from scheduler.result import Status
from scheduler.settings import SolverSettings
from scheduler.solve import solve


def random_problem_data(seed: int) -> dict[str, Any]:
    """A few agents, up to 9 days, random skills, history, leave, breaks and agent limits."""
    rnd = random.Random(seed)
    days, size = rnd.randint(1, 9), rnd.randint(3, 7)
    teams = 1 if size < 6 else 2
    shifts: list[dict[str, Any]] = [
        {"code": "E", "name": "早班", "start": "07:30", "end": "16:00"},
        {"code": "D", "name": "白班", "start": "08:00", "end": "17:00"},
        {"code": "N", "name": "夜班", "start": "17:00", "end": "07:30", "forbidden_next": ["E"]},
    ]
    agents: list[dict[str, Any]] = []
    for i in range(size):
        agent: dict[str, Any] = {
            "id": f"A{i}",
            "team": f"T{i % teams}",
            "skills": rnd.sample(["en", "lead"], rnd.randint(0, 2)),
            "history": {"days_worked_in_a_row": rnd.randint(0, 4)},
        }
        if rnd.random() < 0.3:
            agent["history"]["last_shift_end"] = f"{day(0)}T0{rnd.randint(0, 9)}:30"
        limits = {"max_consecutive_days": 3, "min_consecutive_days": 2, "max_weekends": 1}
        agent |= {k: v for k, v in limits.items() if rnd.random() < 0.2}
        agents.append(agent)
    leave = {(f"A{rnd.randrange(size)}", day(rnd.randrange(days))) for _ in range(2)}
    return {
        "days": days,
        "agents": agents,
        "shift_types": shifts,
        "slot_minutes": rnd.choice([30, 60]),
        "coverage": [
            {"from": "06:00", "to": rnd.choice(["20:00", "24:00"]), "min": rnd.randint(1, 2)},
            {"from": "09:00", "to": "11:00", "min": 1, "skill": "en"},
        ],
        "breaks": [
            {
                "shift": "D",
                "minutes": 60,
                "start_options": ["11:00", "12:00", "13:00"],
                "min_on_duty": [{"from": "12:00", "to": "13:00", "min": rnd.randint(0, 1)}],
            }
        ],
        "unavailable": [{"agent": a, "date": d} for a, d in sorted(leave)],
        "rules": {
            "max_rest_days_per_team_per_day": rnd.choice([1, 2, None]),
            "require_cover": rnd.random() < 0.7,
        },
    }


@pytest.mark.parametrize("seed", range(12))
def test_solved_random_rosters_keep_every_hard_rule(seed: int) -> None:
    problem = make_problem(**random_problem_data(seed))
    # Any roster will do here, optimal or not: a short limit keeps the test fast.
    result = solve(problem, SolverSettings(time_limit=1.5, workers=1, seed=seed))
    if result.status is Status.INFEASIBLE:
        assert result.explanation and not result.assignments
    else:
        assert result.status in (Status.OPTIMAL, Status.FEASIBLE, Status.UNDERSTAFFED)
        assert check_roster(problem, result) == []
