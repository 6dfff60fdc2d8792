"""Call-center problems of growing size (FORMATS §1 JSON) for the engine's scale benchmark."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

START = dt.date(2026, 11, 23)
"""A Monday: the first day of every generated horizon."""

SIZES: tuple[tuple[int, int], ...] = ((7, 7), (21, 7), (42, 28), (105, 7), (210, 28))
"""(agents, days): one team for a week up to 30 teams for four weeks."""

TEAM_SIZE = 7

SHIFT_TYPES = [
    {"code": "E", "name": "早班", "start": "07:30", "end": "16:00"},
    {"code": "M", "name": "中班", "start": "13:00", "end": "21:00"},
    {"code": "D", "name": "白班", "start": "08:00", "end": "17:00"},
    {"code": "N", "name": "夜班", "start": "17:00", "end": "07:30"},
]
SHIFT_END = {"E": (0, "16:00"), "M": (0, "21:00"), "D": (0, "17:00"), "N": (1, "07:30")}

CALL_CURVE = [
    ("00:00", "07:30", 0.8),
    ("07:30", "09:00", 1.5),
    ("09:00", "12:00", 3.0),
    ("12:00", "14:00", 2.5),
    ("14:00", "17:00", 3.0),
    ("17:00", "21:00", 2.0),
    ("21:00", "24:00", 1.0),
]
"""Agents on duty wanted per team of seven: a daytime and an early-evening peak, 24 h ≥ 1."""

WEEKEND_FACTOR = 0.7
EN_POSITIONS = frozenset({0, 2, 4})
"""Team positions that speak English: three agents in every team of seven."""
LEAVE_SHARE = 0.02


def scale_problem_data(agents: int, days: int, seed: int = 0) -> dict[str, Any]:
    """A FORMATS §1 problem: teams of seven, the seed shifts, a call curve, leave and history."""
    rng = random.Random(seed)
    teams = math.ceil(agents / TEAM_SIZE)
    people = [_agent(n, rng) for n in range(agents)]
    return {
        "horizon": {"start": START.isoformat(), "days": days},
        "slot_minutes": 30,
        "shift_types": SHIFT_TYPES,
        "agents": people,
        "coverage": _coverage(teams, agents),
        "breaks": [
            {
                "shift": "D",
                "minutes": 60,
                "start_options": ["11:00", "12:00", "13:00"],
                "min_on_duty": [{"from": "12:00", "to": "13:00", "min": 2}],
            }
        ],
        "unavailable": _leave(people, days, rng),
        "preferences": _wishes(people, days, rng),
        "rules": {"max_days_in_a_row": 6, "max_rest_days_per_team_per_day": 1, "min_rest_hours": 9},
    }


def _agent(n: int, rng: random.Random) -> dict[str, Any]:
    """Agent n; its history is what a rotating one-rest-a-day roster leaves behind (R-3/R-4).

    In each team the member at position j rested j days ago, so at most one member rested on
    any earlier day; position 6 was on leave yesterday instead (days in a row stays below 6).
    Position 1 worked the night shift yesterday, which keeps the first night covered.
    Positions 0, 2 and 4 also speak English.
    """
    team, j = divmod(n, TEAM_SIZE)
    in_a_row = j if j < TEAM_SIZE - 1 else 0
    if in_a_row:
        shift = "N" if j == 1 else rng.choice("EMD")
        last = _end(-1, shift)
    else:
        last = _end(-2, rng.choice("EMD"))
    skills = ["zh", "en"] if j in EN_POSITIONS else ["zh"]
    return {
        "id": f"A{n + 1:03d}",
        "team": f"T{team + 1:02d}",
        "skills": skills,
        "target_hours_week": 40,
        "max_hours_week": 60,
        "history": {"days_worked_in_a_row": in_a_row, "last_shift_end": last},
    }


def _end(day: int, shift: str) -> str:
    """ISO end of a shift worked `day` days from the start (negative: before the horizon)."""
    after, clock = SHIFT_END[shift]
    date = START + dt.timedelta(days=day + after)
    return f"{date.isoformat()}T{clock}"


def _coverage(teams: int, agents: int) -> list[dict[str, Any]]:
    """The call curve for weekdays and (quieter) weekends, plus an English window."""
    windows = []
    for weekdays, factor in (([0, 1, 2, 3, 4], 1.0), ([5, 6], WEEKEND_FACTOR)):
        for start, end, per_team in CALL_CURVE:
            least = max(1, math.floor(per_team * factor * teams))
            windows.append({"weekdays": weekdays, "from": start, "to": end, "min": least})
    windows.append(
        {
            "weekdays": [0, 1, 2, 3, 4],
            "from": "09:00",
            "to": "12:00",
            "min": max(1, math.floor(0.15 * agents)),
            "skill": "en",
        }
    )
    return windows


def _leave(people: list[dict[str, Any]], days: int, rng: random.Random) -> list[dict[str, Any]]:
    """Approved leave on about 2 % of agent-days (the day before the horizon stays as history)."""
    out = []
    for agent in people:
        for d in range(days):
            if rng.random() < LEAVE_SHARE:
                date = START + dt.timedelta(days=d)
                out.append({"agent": agent["id"], "date": date.isoformat(), "reason": "leave"})
    return out


def _wishes(people: list[dict[str, Any]], days: int, rng: random.Random) -> list[dict[str, Any]]:
    """A day-off wish from about one agent in five."""
    out = []
    for agent in people:
        if rng.random() < 0.2:
            date = START + dt.timedelta(days=rng.randrange(days))
            out.append({"agent": agent["id"], "date": date.isoformat(), "off": True, "weight": 3})
    return out
