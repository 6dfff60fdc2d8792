"""The roster problem (FORMATS.md §1) as frozen dataclasses: what the solver is asked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_TARGET_HOURS_WEEK = 40.0
DEFAULT_MAX_HOURS_WEEK = 60.0


@dataclass(frozen=True)
class Horizon:
    """The dates to roster: `days` consecutive dates from `start`."""

    start: dt.date
    days: int

    def dates(self) -> list[dt.date]:
        """Every date of the horizon in order."""
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]

    def index(self, date: dt.date) -> int:
        """Day index of a date (0 = first day); may lie outside the horizon."""
        return (date - self.start).days


@dataclass(frozen=True)
class ShiftType:
    """A shift type (S-1); an `end` not after `start` ends on the next day."""

    code: str
    name: str
    start: dt.time
    end: dt.time
    skill: str | None = None
    forbidden_next: tuple[str, ...] = ()

    @property
    def start_minute(self) -> int:
        """Minutes after midnight of the start."""
        return self.start.hour * 60 + self.start.minute

    @property
    def length_minutes(self) -> int:
        """Length in minutes, crossing midnight when `end` is not after `start`."""
        end = self.end.hour * 60 + self.end.minute
        if end <= self.start_minute:
            end += 24 * 60
        return end - self.start_minute

    @property
    def crosses_midnight(self) -> bool:
        """True for a night shift that ends on the next day."""
        return self.start_minute + self.length_minutes > 24 * 60


@dataclass(frozen=True)
class History:
    """What the previous roster leaves behind (R-3, R-5, S-2 continuity)."""

    days_worked_in_a_row: int = 0
    last_shift_end: dt.datetime | None = None


@dataclass(frozen=True)
class Agent:
    """An agent with its team, skills, hour limits and optional per-agent rule limits."""

    id: str
    team: str
    skills: frozenset[str] = frozenset()
    target_hours_week: float | None = DEFAULT_TARGET_HOURS_WEEK
    max_hours_week: float | None = DEFAULT_MAX_HOURS_WEEK
    history: History = History()
    max_shifts: Mapping[str, int] = field(default_factory=dict)
    min_minutes: int | None = None
    max_minutes: int | None = None
    min_consecutive_days: int | None = None
    max_consecutive_days: int | None = None
    min_consecutive_days_off: int | None = None
    max_weekends: int | None = None


@dataclass(frozen=True)
class CoverageWindow:
    """Minimum agents on duty in every slot of a daily window (S-2, R-7 with a skill)."""

    start: dt.time
    end: dt.time
    min: int
    weekdays: frozenset[int] | None = None
    dates: frozenset[dt.date] | None = None
    skill: str | None = None

    def applies_on(self, date: dt.date) -> bool:
        """Whether the window opens on this date."""
        if self.dates is not None:
            return date in self.dates
        return self.weekdays is None or date.weekday() in self.weekdays


@dataclass(frozen=True)
class DutyWindow:
    """A window of a break rule in which `min` agents of the shift must not be on break."""

    start: dt.time
    end: dt.time
    min: int


@dataclass(frozen=True)
class BreakRule:
    """A break for every assignment of `shift`, starting at one of `start_options` (S-3)."""

    shift: str
    minutes: int
    start_options: tuple[dt.time, ...]
    min_on_duty: tuple[DutyWindow, ...] = ()


@dataclass(frozen=True)
class Unavailability:
    """Approved leave or declared unavailability of an agent on a date (R-6)."""

    agent: str
    date: dt.date
    reason: str = ""


@dataclass(frozen=True)
class Preference:
    """A wish (R-10): a day off (`off`), or for/against a shift (`shift`, `want`)."""

    agent: str
    date: dt.date
    weight: int = 1
    off: bool = False
    shift: str | None = None
    want: bool = True


@dataclass(frozen=True)
class Assignment:
    """An agent works a shift on a date (with its break start when the shift has a break)."""

    agent: str
    date: dt.date
    shift: str
    break_start: dt.time | None = None


@dataclass(frozen=True)
class ShiftCover:
    """Soft cover of one shift on one date: `requirement` with under/over weights."""

    date: dt.date
    shift: str
    requirement: int
    under_weight: int
    over_weight: int


@dataclass(frozen=True)
class Rules:
    """Site rule settings; a limit of None switches that rule off.

    `min_consecutive_days_at_edges=False` exempts runs of working days that touch the start or
    the end of the horizon from `Agent.min_consecutive_days` (the Curtois & Qu reading).
    """

    max_days_in_a_row: int | None = 6
    max_rest_days_per_team_per_day: int | None = 1
    min_rest_hours: float | None = 9
    require_cover: bool = True
    min_consecutive_days_at_edges: bool = True
    weights: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    """Everything the solver needs for one roster (FORMATS.md §1)."""

    horizon: Horizon
    shift_types: tuple[ShiftType, ...]
    agents: tuple[Agent, ...]
    slot_minutes: int = 30
    coverage: tuple[CoverageWindow, ...] = ()
    breaks: tuple[BreakRule, ...] = ()
    unavailable: tuple[Unavailability, ...] = ()
    preferences: tuple[Preference, ...] = ()
    fixed: tuple[Assignment, ...] = ()
    current: tuple[Assignment, ...] = ()
    shift_cover: tuple[ShiftCover, ...] = ()
    rules: Rules = Rules()

    def shift(self, code: str) -> ShiftType:
        """The shift type with this code."""
        return next(s for s in self.shift_types if s.code == code)

    def break_rule(self, code: str) -> BreakRule | None:
        """The break rule of a shift type, if it has one."""
        return next((b for b in self.breaks if b.shift == code), None)

    def paid_minutes(self, code: str) -> int:
        """Paid minutes of a shift: its length minus its break."""
        rule = self.break_rule(code)
        return self.shift(code).length_minutes - (rule.minutes if rule else 0)

    def teams(self) -> dict[str, list[Agent]]:
        """Agents grouped by team, in input order."""
        grouped: dict[str, list[Agent]] = {}
        for agent in self.agents:
            grouped.setdefault(agent.team, []).append(agent)
        return grouped
