"""The roster the solver returns (FORMATS.md §2) as frozen dataclasses."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from scheduler.problem import Assignment


class Status(enum.StrEnum):
    """Outcome of a solve, exactly the values of FORMATS.md §2."""

    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    UNDERSTAFFED = "UNDERSTAFFED"
    INFEASIBLE = "INFEASIBLE"
    UNKNOWN = "UNKNOWN"


@dataclass(frozen=True)
class RestDay:
    """A scheduled rest day with the colleague who covers it (R-8)."""

    agent: str
    date: dt.date
    cover: str | None


@dataclass(frozen=True)
class Uncovered:
    """A merged window of one date where `missing` agents (with `skill`) are lacking."""

    date: dt.date
    start: dt.time
    end: dt.time
    skill: str | None
    missing: int


@dataclass(frozen=True)
class PenaltyDetail:
    """One labelled soft-rule penalty: its weight name, what it is about, weighted amount."""

    weight: str
    label: str
    amount: int


@dataclass(frozen=True)
class Result:
    """A solved roster with its status, objective, penalties and explanation."""

    status: Status
    objective: float | None = None
    bound: float | None = None
    wall_seconds: float = 0.0
    assignments: tuple[Assignment, ...] = ()
    rest_days: tuple[RestDay, ...] = ()
    uncovered: tuple[Uncovered, ...] = ()
    penalties: Mapping[str, int] = field(default_factory=dict)
    explanation: tuple[str, ...] = ()
    penalty_details: tuple[PenaltyDetail, ...] = ()
