"""Classifying one rostered shift: lateness, early leave, off-post, handover, absence (A-3…A-5)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from attendance.clock import ShiftEvents
from attendance.intervals import Interval, ceil_minutes, overlap, subtract
from attendance.model import ClockEvent, ClockKind, LeaveRequest, LeaveStatus
from attendance.settings import AttendanceSettings


class FindingKind(StrEnum):
    """What was observed on a shift."""

    LATE = "late"
    EARLY_LEAVE = "early_leave"
    OFF_POST = "off_post"
    MISSED_HANDOVER = "missed_handover"
    NO_SHOW = "no_show"
    UNAPPROVED_LEAVE = "unapproved_leave"
    ON_LEAVE = "on_leave"
    MISSING_CLOCK_IN = "missing_clock_in"
    MISSING_CLOCK_OUT = "missing_clock_out"
    MISSING_BREAK_IN = "missing_break_in"


class Tier(StrEnum):
    """Exclusive consequence tiers (A-3, A-4): each finding has exactly one."""

    RECORDED = "recorded"  # ≤ grace, handover, leave: no money
    FINED = "fined"  # over grace up to the absence threshold: D-1
    HALF_DAY_ABSENCE = "half_day_absence"  # over the threshold: A-4 / D-2
    FULL_DAY_ABSENCE = "full_day_absence"  # no-show, unapproved leave: A-4 / D-2
    FLAGGED = "flagged"  # for the lead to correct; never turned into absence


HALF = Decimal("0.5")


@dataclass(frozen=True, slots=True)
class Finding:
    """One observation on a shift with its tier, size in minutes and rule ID."""

    kind: FindingKind
    tier: Tier
    minutes: int
    rule_id: str
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ShiftResult:
    """The classified outcome of one shift (A-3…A-5)."""

    shift_events: ShiftEvents
    clock_in: datetime | None
    clock_out: datetime | None
    findings: tuple[Finding, ...]

    @property
    def attended(self) -> bool:
        """Clocked in and out (S-5)."""
        return self.clock_in is not None and self.clock_out is not None

    @property
    def absence_days(self) -> Decimal:
        """Absenteeism in days: 0.5 per half-day finding, capped at one shift (A-4)."""
        days = Decimal(0)
        for finding in self.findings:
            if finding.tier is Tier.FULL_DAY_ABSENCE:
                days += 1
            elif finding.tier is Tier.HALF_DAY_ABSENCE:
                days += HALF
        return min(days, Decimal(1))


def tier_for_minutes(minutes: int, settings: AttendanceSettings) -> Tier:
    """≤ grace recorded, ≤ threshold D-1, above it half-day absence; never two tiers (A-3/A-4)."""
    if minutes <= settings.grace_minutes:
        return Tier.RECORDED
    if minutes <= settings.absent_after_minutes:
        return Tier.FINED
    return Tier.HALF_DAY_ABSENCE


def _rule_for(tier: Tier) -> str:
    return "A-4" if tier is Tier.HALF_DAY_ABSENCE else "A-3"


def _timed(kind: FindingKind, minutes: int, at: datetime, s: AttendanceSettings) -> Finding:
    tier = tier_for_minutes(minutes, s)
    return Finding(kind, tier, minutes, _rule_for(tier), at)


def _away_findings(
    events: list[ClockEvent], excused: list[Interval], settings: AttendanceSettings
) -> list[Finding]:
    """Off-post: each time away (break_out→break_in, out→in) beyond the allowance (A-3)."""
    findings: list[Finding] = []
    allowance = timedelta(minutes=settings.break_allowance_minutes)
    left: ClockEvent | None = None
    for event in events:
        if event.kind in (ClockKind.BREAK_OUT, ClockKind.OUT):
            left = event
        elif event.kind in (ClockKind.BREAK_IN, ClockKind.IN) and left is not None:
            away = (left.at, event.at)
            counted = (away[1] - away[0]) - sum((overlap(away, e) for e in excused), timedelta())
            overrun = ceil_minutes(counted - allowance)
            if overrun > 0:
                findings.append(_timed(FindingKind.OFF_POST, overrun, left.at, settings))
            left = None
    if left is not None and left.kind is ClockKind.BREAK_OUT:
        findings.append(Finding(FindingKind.MISSING_BREAK_IN, Tier.FLAGGED, 0, "A-3", left.at))
    return findings


def classify_shift(
    shift_events: ShiftEvents, leaves: Iterable[LeaveRequest], settings: AttendanceSettings
) -> ShiftResult:
    """Classify one shift against its events and the employee's leave (A-3, A-4, A-5)."""
    shift = shift_events.shift
    span: Interval = (shift.start, shift.end)
    own = [lv for lv in leaves if lv.employee_code == shift.employee_code]
    approved = [(lv.start, lv.end) for lv in own if lv.status is LeaveStatus.APPROVED]
    unapproved = [lv for lv in own if lv.status is not LeaveStatus.APPROVED]
    required = subtract(span, approved)
    if not required:
        on_leave = Finding(FindingKind.ON_LEAVE, Tier.RECORDED, shift.minutes, "L-1")
        return ShiftResult(shift_events, None, None, (on_leave,))
    events = sorted(shift_events.events, key=lambda e: e.at)
    if not events:
        taken = any(overlap(span, (lv.start, lv.end)) for lv in unapproved)
        kind = FindingKind.UNAPPROVED_LEAVE if taken else FindingKind.NO_SHOW
        return ShiftResult(
            shift_events, None, None, (Finding(kind, Tier.FULL_DAY_ABSENCE, shift.minutes, "A-4"),)
        )
    clock_in = next((e.at for e in events if e.kind is ClockKind.IN), None)
    clock_out = next((e.at for e in reversed(events) if e.kind is ClockKind.OUT), None)
    if clock_out is not None and clock_in is not None and clock_out < clock_in:
        clock_out = None
    expected_start, expected_end = required[0][0], required[-1][1]
    findings: list[Finding] = []
    if clock_in is None:
        findings.append(Finding(FindingKind.MISSING_CLOCK_IN, Tier.FLAGGED, 0, "A-4"))
    elif clock_in > expected_start:
        late = ceil_minutes(clock_in - expected_start)
        findings.append(_timed(FindingKind.LATE, late, clock_in, settings))
    elif expected_start == shift.start and clock_in > shift.start - timedelta(
        minutes=settings.handover_minutes
    ):
        short = ceil_minutes(
            clock_in - (shift.start - timedelta(minutes=settings.handover_minutes))
        )
        findings.append(Finding(FindingKind.MISSED_HANDOVER, Tier.RECORDED, short, "A-5", clock_in))
    if clock_out is None:
        findings.append(Finding(FindingKind.MISSING_CLOCK_OUT, Tier.FLAGGED, 0, "A-3"))
    elif clock_out < expected_end:
        early = ceil_minutes(expected_end - clock_out)
        findings.append(_timed(FindingKind.EARLY_LEAVE, early, clock_out, settings))
    excused = list(approved)
    if shift.break_start is not None and shift.break_end is not None:
        excused.append((shift.break_start, shift.break_end))
    inner = [e for e in events if (clock_in is None or e.at > clock_in)]
    inner = [
        e for e in inner if clock_out is None or e.at < clock_out or e.kind is not ClockKind.OUT
    ]
    findings.extend(_away_findings(inner, excused, settings))
    return ShiftResult(shift_events, clock_in, clock_out, tuple(findings))
