"""Matching clock events to rostered shifts (A-2) and proxy-punching detection (A-6)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from attendance.model import ClockEvent, ClockKind, ScheduledShift
from attendance.settings import AttendanceSettings


@dataclass(frozen=True, slots=True)
class ShiftEvents:
    """A rostered shift with the clock events matched to it, in time order (A-2)."""

    shift: ScheduledShift
    events: tuple[ClockEvent, ...]


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Every shift with its events, plus events outside every shift window, flagged (A-2)."""

    shifts: tuple[ShiftEvents, ...]
    unscheduled: tuple[ClockEvent, ...]


@dataclass(frozen=True, slots=True)
class ProxySuspicion:
    """Two different employees clocked on one device within the window: for the lead (A-6)."""

    device: str
    first: ClockEvent
    second: ClockEvent

    @property
    def gap_seconds(self) -> float:
        """Seconds between the two events."""
        return (self.second.at - self.first.at).total_seconds()


def _distance(event: ClockEvent, shift: ScheduledShift) -> timedelta:
    if event.at < shift.start:
        return shift.start - event.at
    if event.at > shift.end:
        return event.at - shift.end
    return timedelta(0)


def _best_shift(
    event: ClockEvent, candidates: Sequence[ScheduledShift], before: timedelta, after: timedelta
) -> ScheduledShift | None:
    """The shift whose window (start - before … end + after) holds the event, nearest first."""
    inside = [s for s in candidates if s.start - before <= event.at <= s.end + after]
    if len(inside) < 2:  # the usual case: one shift, or none, near an event
        return inside[0] if inside else None
    # Nearest shift wins; on a tie a clock-out closes the earlier shift, anything else opens
    # the later one (back-to-back shifts share their boundary instant).
    later_first = event.kind is not ClockKind.OUT
    return min(
        inside,
        key=lambda s: (
            _distance(event, s),
            -s.start.timestamp() if later_first else s.start.timestamp(),
        ),
    )


def match_events(
    events: Iterable[ClockEvent], shifts: Iterable[ScheduledShift], settings: AttendanceSettings
) -> MatchResult:
    """Assign each event to its employee's nearest shift window, night shifts included (A-2)."""
    by_employee: dict[str, list[ScheduledShift]] = defaultdict(list)
    all_shifts = sorted(shifts, key=lambda s: (s.employee_code, s.start))
    for shift in all_shifts:
        by_employee[shift.employee_code].append(shift)
    starts = {code: [s.start for s in mine] for code, mine in by_employee.items()}
    longest = {code: max(s.end - s.start for s in mine) for code, mine in by_employee.items()}
    before = timedelta(minutes=settings.match_before_minutes)
    after = timedelta(minutes=settings.match_after_minutes)
    matched: dict[int, list[ClockEvent]] = defaultdict(list)
    unscheduled: list[ClockEvent] = []
    for event in sorted(events, key=lambda e: (e.at, e.event_id)):
        code = event.employee_code
        mine = by_employee.get(code, [])
        if mine:  # only shifts starting near the event can hold it: an import brings months
            low = bisect_left(starts[code], event.at - after - longest[code])
            mine = mine[low : bisect_right(starts[code], event.at + before)]
        best = _best_shift(event, mine, before, after)
        if best is None:
            unscheduled.append(event)
        else:
            matched[id(best)].append(event)
    return MatchResult(
        shifts=tuple(ShiftEvents(s, tuple(matched.get(id(s), ()))) for s in all_shifts),
        unscheduled=tuple(unscheduled),
    )


def events_by_device(events: Iterable[ClockEvent]) -> dict[str, list[ClockEvent]]:
    """The events that came from a device, per device (A-6 pairs are per device)."""
    by_device: dict[str, list[ClockEvent]] = defaultdict(list)
    for event in events:
        if event.device:
            by_device[event.device].append(event)
    return by_device


def detect_proxy_punching(
    events: Iterable[ClockEvent], settings: AttendanceSettings
) -> tuple[ProxySuspicion, ...]:
    """Pairs of different employees clocking on the same device within 60 s (A-6)."""
    window = timedelta(seconds=settings.proxy_window_seconds)
    by_device = events_by_device(events)
    found: list[ProxySuspicion] = []
    for device in sorted(by_device):
        ordered = sorted(by_device[device], key=lambda e: (e.at, e.event_id))
        for index, first in enumerate(ordered):
            # Walk forward by index: slicing would copy the tail for every event (O(n²)).
            for later in range(index + 1, len(ordered)):
                second = ordered[later]
                if second.at - first.at > window:
                    break
                if second.employee_code != first.employee_code:
                    found.append(ProxySuspicion(device, first, second))
    return tuple(found)


def scheduled_shift(
    employee_code: str,
    on: date,
    shift_code: str,
    start: time,
    end: time,
    settings: AttendanceSettings,
    *,
    break_start: time | None = None,
    break_minutes: int = 0,
    is_night: bool = False,
) -> ScheduledShift:
    """Build a shift from site wall-clock times; an end not after start is the next day (S-1)."""
    zone = settings.zone
    start_at = datetime.combine(on, start, tzinfo=zone)
    end_on = on if end > start else on + timedelta(days=1)
    end_at = datetime.combine(end_on, end, tzinfo=zone)
    break_at: datetime | None = None
    break_until: datetime | None = None
    if break_start is not None:
        break_on = on if break_start >= start else on + timedelta(days=1)
        break_at = datetime.combine(break_on, break_start, tzinfo=zone).astimezone(UTC)
        break_until = break_at + timedelta(minutes=break_minutes)
    return ScheduledShift(
        employee_code,
        on,
        shift_code,
        start_at,
        end_at,
        break_at,
        break_until,
        is_night,
    )
