"""Curtois & Qu instances on the paiban engine: convert to a `Problem`, solve, read back."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from scheduler import problem as p
from scheduler.benchmarks.curtois import Instance, Roster
from scheduler.callbacks import Progress
from scheduler.settings import SolverSettings
from scheduler.solve import solve

MONDAY = dt.date(2024, 1, 1)
"""Day 0 of every instance (the benchmark starts on a Monday)."""

CALL_CENTER_RULES_OFF = p.Rules(
    max_days_in_a_row=None,
    max_rest_days_per_team_per_day=None,
    min_rest_hours=None,
    require_cover=False,
    min_consecutive_days_at_edges=False,
    weights={
        "fairness_nights": 0,
        "fairness_weekends": 0,
        "fairness_hours": 0,
        "rest_weekday_repeat": 0,
        "stability": 0,
        "target_hours": 0,
        "preferences": 1,
        "shift_cover": 1,
    },
)
"""Team rules and soft rules off, so the engine's objective is the benchmark objective; edge
runs of working days are exempt from the minimum run length, as in the benchmark's evaluator."""

Improvement = Callable[[float, float], None]
"""Called with (seconds since start, objective) on every improving solution."""


@dataclass(frozen=True)
class Outcome:
    """What a model found for an instance: roster, objective, bound and timings."""

    status: str
    roster: Roster | None = None
    objective: float | None = None
    bound: float | None = None
    time_to_best: float | None = None
    wall_seconds: float = 0.0
    trace: tuple[tuple[float, float], ...] = field(default=())


def to_problem(
    instance: Instance, start: dt.date = MONDAY, strict_edges: bool = False
) -> p.Problem:
    """The instance as an engine `Problem` using only the optional day-level rule families.

    `strict_edges` holds edge runs of work to the minimum run length (README rule 6).
    """
    dates = [start + dt.timedelta(days=d) for d in range(instance.horizon)]
    return p.Problem(
        horizon=p.Horizon(start, instance.horizon),
        shift_types=tuple(_shift_type(s.id, s.minutes, s.cannot_follow) for s in instance.shifts),
        agents=tuple(
            p.Agent(
                id=s.id,
                team="curtois",
                target_hours_week=None,
                max_hours_week=None,
                max_shifts=dict(s.max_shifts),
                min_minutes=s.min_total_minutes,
                max_minutes=s.max_total_minutes,
                min_consecutive_days=s.min_consecutive_shifts,
                max_consecutive_days=s.max_consecutive_shifts,
                min_consecutive_days_off=s.min_consecutive_days_off,
                max_weekends=s.max_weekends,
            )
            for s in instance.staff
        ),
        unavailable=tuple(
            p.Unavailability(e, dates[d], "day off")
            for e, days in instance.days_off.items()
            for d in sorted(days)
            if 0 <= d < instance.horizon
        ),
        preferences=tuple(
            p.Preference(r.employee, dates[r.day], r.weight, shift=r.shift, want=want)
            for want, requests in ((True, instance.on_requests), (False, instance.off_requests))
            for r in requests
        ),
        shift_cover=tuple(
            p.ShiftCover(dates[c.day], c.shift, c.requirement, c.under_weight, c.over_weight)
            for c in instance.cover
        ),
        rules=replace(CALL_CENTER_RULES_OFF, min_consecutive_days_at_edges=strict_edges),
    )


def _shift_type(code: str, minutes: int, forbidden: tuple[str, ...]) -> p.ShiftType:
    """A shift from 00:00 lasting `minutes` (only its length matters to the benchmark)."""
    if not 0 < minutes <= 24 * 60:
        raise ValueError(f"shift {code}: {minutes} minutes cannot be a daily shift")
    end = dt.time((minutes // 60) % 24, minutes % 60)
    return p.ShiftType(code, code, dt.time(0, 0), end, forbidden_next=forbidden)


def to_roster(instance: Instance, assignments: Iterable[p.Assignment]) -> Roster:
    """Engine assignments as a benchmark roster (dates counted from the horizon start)."""
    rows = {s.id: [None] * instance.horizon for s in instance.staff}
    cells: dict[str, list[str | None]] = {k: list(v) for k, v in rows.items()}
    for a in assignments:
        cells[a.agent][(a.date - MONDAY).days] = a.shift
    return {k: tuple(v) for k, v in cells.items()}


def solve_with_engine(
    instance: Instance, settings: SolverSettings, on_improve: Improvement | None = None
) -> Outcome:
    """Solve with the unmodified engine (`scheduler.solve.solve`) and time each improvement."""
    started = time.monotonic()
    trace: list[tuple[float, float]] = []

    def record(step: Progress) -> None:
        trace.append((time.monotonic() - started, step.objective))
        if on_improve is not None:
            on_improve(*trace[-1])

    result = solve(to_problem(instance), settings, progress=record)
    wall = time.monotonic() - started
    if result.objective is None:
        return Outcome(result.status.value, wall_seconds=wall, trace=tuple(trace))
    best = next((t for t, obj in trace if obj <= result.objective), wall)
    return Outcome(
        status=result.status.value,
        roster=to_roster(instance, result.assignments),
        objective=result.objective,
        bound=result.bound,
        time_to_best=best,
        wall_seconds=wall,
        trace=tuple(trace),
    )
