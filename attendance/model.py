"""Shared frozen dataclasses and enums of the attendance domain (A-1, L-1, SPEC §6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum

from attendance.errors import InvalidInput


class ClockKind(StrEnum):
    """The four clock event kinds of A-1."""

    IN = "in"
    OUT = "out"
    BREAK_OUT = "break_out"
    BREAK_IN = "break_in"


class ClockSource(StrEnum):
    """Where a clock event came from (A-1, A-7)."""

    WEB = "web"
    KIOSK = "kiosk"
    API = "api"
    IMPORT = "import"
    CORRECTION = "correction"


class LeaveType(StrEnum):
    """Leave types of L-1."""

    PERSONAL = "personal"
    SICK = "sick"
    ANNUAL = "annual"
    TEMPORARY = "temporary"
    COMPENSATORY = "compensatory"


class LeaveStatus(StrEnum):
    """Decision state of a leave request (L-3)."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Role(StrEnum):
    """Roles of SPEC §1."""

    AGENT = "agent"
    LEAD = "lead"
    DIRECTOR = "director"
    HR = "hr"
    ADMIN = "admin"


class SourceKind(StrEnum):
    """What produced a money line (FORMATS §5 `source`)."""

    CLOCK = "clock"
    LEAVE = "leave"
    INCIDENT = "incident"
    ADJUSTMENT = "adjustment"
    APPEAL = "appeal"


def to_utc(value: datetime, field: str, rule: str) -> datetime:
    """The instant in UTC; raise InvalidInput for a naive datetime (A-1: stored in UTC)."""
    if value.tzinfo is UTC:  # most instants arrive in UTC already (10^6 per import)
        return value
    if value.utcoffset() is None:
        raise InvalidInput(field, "must be a timezone-aware datetime", rule)
    return value.astimezone(UTC)


def _normalise(instance: object, fields: tuple[str, ...], rule: str) -> None:
    # Subtracting two datetimes that share one ZoneInfo ignores DST; UTC avoids that trap.
    for name in fields:
        value = getattr(instance, name)
        if value is not None and value.tzinfo is not UTC:  # UTC already: nothing to do
            object.__setattr__(instance, name, to_utc(value, name, rule))


@dataclass(frozen=True, slots=True)
class ClockEvent:
    """One clock event; `event_id` is client-generated so retries are stored once (A-1)."""

    event_id: str
    employee_code: str
    at: datetime
    kind: ClockKind
    device: str | None = None
    source: ClockSource = ClockSource.WEB

    def __post_init__(self) -> None:
        if self.at.tzinfo is not UTC:  # _normalise's test inlined: 10^6 events per import
            _normalise(self, ("at",), "A-1")


@dataclass(frozen=True, slots=True)
class ScheduledShift:
    """A rostered shift of one employee; it belongs to the local date on which it starts (S-1)."""

    employee_code: str
    date: date
    shift_code: str
    start: datetime
    end: datetime
    break_start: datetime | None = None
    break_end: datetime | None = None
    is_night: bool = False

    def __post_init__(self) -> None:
        _normalise(self, ("start", "end", "break_start", "break_end"), "S-1")
        if self.end <= self.start:
            raise InvalidInput("end", "must be after start", "S-1")
        if (self.break_start is None) != (self.break_end is None):
            raise InvalidInput("break_end", "break needs both start and end", "S-3")

    @property
    def minutes(self) -> int:
        """Length of the shift in whole minutes."""
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True, slots=True)
class LeaveRequest:
    """A leave request of L-1; `requested_at` drives the notice rule L-2."""

    request_id: str
    employee_code: str
    leave_type: LeaveType
    start: datetime
    end: datetime
    status: LeaveStatus = LeaveStatus.PENDING
    requested_at: datetime | None = None
    decided_by: str | None = None
    sudden: bool = False

    def __post_init__(self) -> None:
        _normalise(self, ("start", "end", "requested_at"), "L-1")
        if self.end <= self.start:
            raise InvalidInput("end", "must be after start", "L-1")


@dataclass(frozen=True, slots=True)
class Employee:
    """An employee as payroll and imports see them (FORMATS §4)."""

    code: str
    name: str
    team: str
    monthly_base_pay: Decimal
    site: str = ""
    roles: frozenset[Role] = frozenset({Role.AGENT})
    skills: frozenset[str] = frozenset()
    email: str = ""


@dataclass(frozen=True, slots=True)
class Incident:
    """A recorded incident under one of D-3…D-12; `amount` None means the rule's default."""

    incident_id: str
    employee_code: str
    date: date
    rule_id: str
    amount: Decimal | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class MoneyLine:
    """One deduction, allowance or adjustment line; `amount` is the signed effect on pay (§6).

    Negative = money taken from the employee (deduction), positive = money paid to them
    (allowance, reversal). `quantity` is days for D-2/leave lines, 1 otherwise.
    """

    line_id: str
    employee_code: str
    date: date
    rule_id: str
    rule_version: int
    description: str
    amount: Decimal
    source: SourceKind
    source_ref: str
    quantity: Decimal = Decimal("1")
    notice: str = ""
