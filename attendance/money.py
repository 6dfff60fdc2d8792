"""Money arithmetic of SPEC §6: half-up rounding to cents, daily and hourly rates."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from attendance.settings import AttendanceSettings

CENT = Decimal("0.01")


def round_cents(value: Decimal) -> Decimal:
    """Round half-up to cents (§6)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def exact_daily_rate(monthly_base_pay: Decimal, settings: AttendanceSettings) -> Decimal:
    """Unrounded daily rate = monthly base pay / 21.75 (§6); amounts round once, at the end."""
    return monthly_base_pay / settings.monthly_paid_days


def daily_rate(monthly_base_pay: Decimal, settings: AttendanceSettings) -> Decimal:
    """Daily rate rounded to cents, e.g. 5000 / 21.75 = 229.89 (§6)."""
    return round_cents(exact_daily_rate(monthly_base_pay, settings))


def hourly_rate(monthly_base_pay: Decimal, settings: AttendanceSettings) -> Decimal:
    """Hourly rate = daily rate / 8, rounded to cents, e.g. 5000 → 28.74 (§6)."""
    return round_cents(exact_daily_rate(monthly_base_pay, settings) / settings.hours_per_day)


def pay_for_days(days: Decimal, monthly_base_pay: Decimal, settings: AttendanceSettings) -> Decimal:
    """Pay for a number of days at the daily rate, rounded once (D-2, L-1)."""
    return round_cents(days * exact_daily_rate(monthly_base_pay, settings))


def pay_for_hours(
    hours: Decimal, monthly_base_pay: Decimal, settings: AttendanceSettings
) -> Decimal:
    """Pay for a number of hours at the hourly rate, rounded once (L-1)."""
    hourly = exact_daily_rate(monthly_base_pay, settings) / settings.hours_per_day
    return round_cents(hours * hourly)
