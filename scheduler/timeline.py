"""Minute and slot arithmetic on the horizon: shifts, breaks, midnight crossing, history."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from scheduler import problem as p

DAY = 24 * 60

Interval = tuple[int, int]


def minute_of(value: dt.time) -> int:
    """Minutes after midnight."""
    return value.hour * 60 + value.minute


def break_offset(shift: p.ShiftType, option: dt.time) -> int:
    """Minutes from shift start to a break start option (wrapping past midnight)."""
    return (minute_of(option) - shift.start_minute) % DAY


def shift_interval(shift: p.ShiftType, day: int) -> Interval:
    """[start, end) in minutes from horizon start 00:00 of a shift starting on `day`."""
    start = day * DAY + shift.start_minute
    return start, start + shift.length_minutes


def window_interval(start: dt.time, end: dt.time, day: int) -> Interval:
    """[start, end) of a daily window on `day`; an end not after start is the next day."""
    begin, finish = minute_of(start), minute_of(end)
    if finish <= begin:
        finish += DAY
    return day * DAY + begin, day * DAY + finish


def minutes_between(horizon: p.Horizon, moment: dt.datetime) -> int:
    """Minutes from horizon start 00:00 to a moment (negative before the horizon)."""
    origin = dt.datetime.combine(horizon.start, dt.time(0, 0))
    return int((moment - origin).total_seconds() // 60)


def moment_at(horizon: p.Horizon, minute: int) -> tuple[dt.date, dt.time]:
    """Date and wall-clock time of a minute counted from horizon start."""
    day, rest = divmod(minute, DAY)
    return horizon.start + dt.timedelta(days=day), dt.time(rest // 60, rest % 60)


class Slots:
    """Slots of `slot_minutes` from the horizon start to the day after its last day."""

    def __init__(self, horizon: p.Horizon, slot_minutes: int) -> None:
        self.size = slot_minutes
        self.count = horizon.days * DAY // slot_minutes

    def inside(self, interval: Interval) -> range:
        """Slots wholly inside an interval (an agent on a shift is on duty in these)."""
        first = max(0, -(-interval[0] // self.size))
        return range(first, min(self.count, interval[1] // self.size))

    def touching(self, interval: Interval) -> range:
        """Slots that overlap an interval (a break or a requirement window)."""
        first = max(0, interval[0] // self.size)
        return range(first, min(self.count, -(-interval[1] // self.size)))


def requirements(problem: p.Problem, slots: Slots) -> dict[tuple[int, str | None], int]:
    """Required agents per (slot, skill): the largest `min` of the windows over it (S-2)."""
    need: dict[tuple[int, str | None], int] = defaultdict(int)
    for day, date in enumerate(problem.horizon.dates()):
        for window in problem.coverage:
            if window.min <= 0 or not window.applies_on(date):
                continue
            for slot in slots.touching(window_interval(window.start, window.end, day)):
                key = (slot, window.skill)
                need[key] = max(need[key], window.min)
    return dict(need)


def history_duty_slots(problem: p.Problem, agent: p.Agent, slots: Slots) -> range:
    """Slots at the horizon start still covered by the agent's previous shift."""
    end = agent.history.last_shift_end
    if end is None:
        return range(0)
    return slots.inside((0, minutes_between(problem.horizon, end)))


def assignment_duty_slots(problem: p.Problem, x: p.Assignment, slots: Slots) -> list[int]:
    """Slots the assignment is on duty in: its shift's slots minus those its break touches
    (S-3: an agent on break does not count for coverage)."""
    shift = problem.shift(x.shift)
    start, end = shift_interval(shift, problem.horizon.index(x.date))
    resting: range = range(0)
    rule = problem.break_rule(x.shift)
    if rule is not None and x.break_start is not None:
        at = start + break_offset(shift, x.break_start)
        resting = slots.touching((at, at + rule.minutes))
    return [slot for slot in slots.inside((start, end)) if slot not in resting]


def week_blocks(days: int) -> list[range]:
    """7-day blocks of day indexes from the horizon start (the last may be shorter)."""
    return [range(start, min(days, start + 7)) for start in range(0, days, 7)]
