"""Attendance statistics per agent, team and site by day, week or month, and coverage (A-8)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from attendance.classify import FindingKind, ShiftResult, Tier


class Granularity(StrEnum):
    """Report period (A-8: daily, weekly, monthly)."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass
class AttendanceStats:
    """Counts for one group and period (A-8)."""

    shifts: int = 0
    late: int = 0
    early_leave: int = 0
    off_post: int = 0
    fined: int = 0
    absent_days: Decimal = field(default_factory=Decimal)
    leave_shifts: int = 0
    flagged: int = 0


@dataclass(frozen=True, slots=True)
class SlotCoverage:
    """Agents present vs required in one slot (A-8, S-2)."""

    slot_start: datetime
    required: int
    achieved: int

    @property
    def shortfall(self) -> int:
        """Missing agents, zero when covered."""
        return max(0, self.required - self.achieved)


def period_label(day: date, granularity: Granularity) -> str:
    """`2026-11-23`, ISO week `2026-W48` or `2026-11`."""
    if granularity is Granularity.DAY:
        return day.isoformat()
    if granularity is Granularity.WEEK:
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year:04d}-{day.month:02d}"


def summarize(
    results: Iterable[ShiftResult], group_of: Mapping[str, str], granularity: Granularity
) -> dict[tuple[str, str], AttendanceStats]:
    """Stats keyed by (group, period); `group_of` maps employee → agent, team or site (A-8)."""
    stats: dict[tuple[str, str], AttendanceStats] = defaultdict(AttendanceStats)
    for result in results:
        shift = result.shift_events.shift
        key = (group_of.get(shift.employee_code, shift.employee_code),
               period_label(shift.date, granularity))  # fmt: skip
        row = stats[key]
        row.shifts += 1
        row.absent_days += result.absence_days
        for finding in result.findings:
            row.late += finding.kind is FindingKind.LATE
            row.early_leave += finding.kind is FindingKind.EARLY_LEAVE
            row.off_post += finding.kind is FindingKind.OFF_POST
            row.leave_shifts += finding.kind is FindingKind.ON_LEAVE
            row.fined += finding.tier is Tier.FINED
            row.flagged += finding.tier is Tier.FLAGGED
    return dict(stats)


def coverage_by_slot(
    results: Iterable[ShiftResult], required: Mapping[datetime, int], slot_minutes: int
) -> tuple[SlotCoverage, ...]:
    """Per required slot, agents clocked in for the whole slot vs the requirement (A-8, S-2)."""
    present = [(r.clock_in, r.clock_out) for r in results if r.clock_in and r.clock_out]
    length = timedelta(minutes=slot_minutes)
    return tuple(
        SlotCoverage(start, need, sum(1 for a, b in present if a <= start and start + length <= b))
        for start, need in sorted(required.items())
    )
