"""Site settings of the attendance rules; every default is the SPEC seed value."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from attendance.model import LeaveType


@dataclass(frozen=True, slots=True)
class AttendanceSettings:
    """Site-level overrides of every number SPEC.md marks as *default*."""

    timezone: str = "Asia/Shanghai"
    grace_minutes: int = 10
    absent_after_minutes: int = 30
    handover_minutes: int = 15  # S-4, A-5
    missed_handover_amount: Decimal = Decimal("0")  # no deduction by default
    break_allowance_minutes: int = 5  # A-3 off-post
    proxy_window_seconds: int = 60
    match_before_minutes: int = 180  # how early a clock-in may belong to a shift
    match_after_minutes: int = 240  # how late a clock-out may belong to a shift
    night_allowance: Decimal = Decimal("20")  # S-5
    annual_paid_fraction: Decimal = Decimal("1")  # L-1
    compensatory_paid_fraction: Decimal = Decimal("1")  # L-1
    sick_paid_fraction: Decimal = Decimal("0.8")  # L-1
    personal_paid_fraction: Decimal = Decimal("0")  # L-1
    temporary_paid_fraction: Decimal = Decimal("0")  # L-1
    personal_notice_days: int = 1  # L-2
    sick_notice_hours: int = 1  # L-2
    lead_max_shift_fraction: Decimal = Decimal("0.5")  # L-3: up to half a shift → lead
    sick_proof_days: int = 3  # L-4
    monthly_paid_days: Decimal = Decimal("21.75")  # §6 daily rate divisor
    hours_per_day: Decimal = Decimal("8")  # §6 hourly rate divisor
    slot_minutes: int = 30  # S-2, A-8 coverage slots

    @property
    def zone(self) -> ZoneInfo:
        """The site's time zone (A-1)."""
        return ZoneInfo(self.timezone)

    def paid_fraction(self, leave_type: LeaveType) -> Decimal:
        """Paid fraction of a leave type (L-1)."""
        return {
            LeaveType.ANNUAL: self.annual_paid_fraction,
            LeaveType.COMPENSATORY: self.compensatory_paid_fraction,
            LeaveType.SICK: self.sick_paid_fraction,
            LeaveType.PERSONAL: self.personal_paid_fraction,
            LeaveType.TEMPORARY: self.temporary_paid_fraction,
        }[leave_type]


DEFAULT_SETTINGS = AttendanceSettings()
