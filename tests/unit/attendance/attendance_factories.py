"""Factories with defaults for the attendance rule tests: shifts, events and leave."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from itertools import count

from attendance.clock import ShiftEvents, scheduled_shift
from attendance.model import (
    ClockEvent,
    ClockKind,
    Employee,
    LeaveRequest,
    LeaveStatus,
    LeaveType,
)
from attendance.settings import AttendanceSettings

SETTINGS = AttendanceSettings()
DAY = date(2026, 11, 23)
_ids = count(1)


def day_shift(
    employee: str = "A01",
    on: date = DAY,
    break_start: time | None = None,
    break_minutes: int = 0,
) -> ShiftEvents:
    """A 白班 08:00–17:00 shift in Asia/Shanghai with no events."""
    shift = scheduled_shift(
        employee, on, "D", time(8), time(17), SETTINGS,
        break_start=break_start, break_minutes=break_minutes,
    )  # fmt: skip
    return ShiftEvents(shift, ())


def night_shift(employee: str = "A01", on: date = DAY) -> ShiftEvents:
    """A 夜班 17:00–07:30 (next day) shift in Asia/Shanghai with no events."""
    shift = scheduled_shift(employee, on, "N", time(17), time(7, 30), SETTINGS, is_night=True)
    return ShiftEvents(shift, ())


def local(hh: int, mm: int = 0, ss: int = 0, on: date = DAY) -> datetime:
    """A Shanghai wall-clock instant on the given date."""
    return datetime(on.year, on.month, on.day, hh, mm, ss, tzinfo=SETTINGS.zone)


def event(
    kind: str, at: datetime, employee: str = "A01", device: str | None = "kiosk-1"
) -> ClockEvent:
    """A clock event with a fresh id."""
    return ClockEvent(f"e{next(_ids)}", employee, at, ClockKind(kind), device)


def with_events(shift_events: ShiftEvents, *events: ClockEvent) -> ShiftEvents:
    """The shift with these events matched to it."""
    return ShiftEvents(shift_events.shift, tuple(events))


def leave(
    kind: str,
    start: datetime,
    end: datetime,
    status: str = "approved",
    employee: str = "A01",
    requested_at: datetime | None = None,
) -> LeaveRequest:
    """A leave request with a fresh id."""
    return LeaveRequest(
        f"L{next(_ids)}", employee, LeaveType(kind), start, end, LeaveStatus(status),
        requested_at,
    )  # fmt: skip


def employee(code: str = "A01", pay: str = "5000", team: str = "T1") -> Employee:
    """An agent with a monthly base pay."""
    return Employee(code, f"张{code}", team, Decimal(pay))
