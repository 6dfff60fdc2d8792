"""Money lines from classified shifts (D-1, D-2, A-5, S-5) and from leave (L-1, D-3)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from attendance.catalogue import SEED_CATALOGUE, RuleVersion, rule_in_force
from attendance.classify import FindingKind, ShiftResult, Tier
from attendance.intervals import overlap
from attendance.leave import ProofStatus
from attendance.model import LeaveRequest, LeaveStatus, MoneyLine, ScheduledShift, SourceKind
from attendance.money import pay_for_days, pay_for_hours, round_cents
from attendance.settings import AttendanceSettings

ONE = Decimal(1)


def build_line(
    rule: RuleVersion | str,
    employee_code: str,
    on: date,
    description: str,
    amount: Decimal,
    source: SourceKind,
    source_ref: str,
    quantity: Decimal = ONE,
    notice: str = "",
) -> MoneyLine:
    """A money line with a stable id `rule:source:ref` and its amount rounded half-up (§6)."""
    rule_id, version = (rule, 0) if isinstance(rule, str) else (rule.rule_id, rule.version)
    line_id = f"{rule_id}:{source.value}:{source_ref}"
    return MoneyLine(
        line_id, employee_code, on, rule_id, version, description, round_cents(amount),
        source, source_ref, quantity, notice,
    )  # fmt: skip


def _shift_ref(result: ShiftResult) -> str:
    shift = result.shift_events.shift
    return f"{shift.employee_code}/{shift.date.isoformat()}/{shift.shift_code}"


def shift_lines(
    result: ShiftResult,
    monthly_base_pay: Decimal,
    settings: AttendanceSettings,
    catalogue: Sequence[RuleVersion] = SEED_CATALOGUE,
) -> tuple[MoneyLine, ...]:
    """D-1 per fined finding, one D-2 line for the absent days, A-5 and S-5 lines (§6)."""
    shift = result.shift_events.shift
    ref = _shift_ref(result)
    lines: list[MoneyLine] = []
    d1: RuleVersion | None = None  # looked up for the first fine: most shifts have none
    for index, finding in enumerate(result.findings):
        if finding.tier is Tier.FINED:
            d1 = d1 or rule_in_force("D-1", shift.date, catalogue)
            text = f"{d1.description_en}: {finding.kind.value} {finding.minutes} min"
            lines.append(
                build_line(d1, shift.employee_code, shift.date, text, -d1.amount,
                      SourceKind.CLOCK, f"{ref}#{index}")
            )  # fmt: skip
        handover_fine = settings.missed_handover_amount
        if finding.kind is FindingKind.MISSED_HANDOVER and handover_fine > 0:
            text = f"missed handover: {finding.minutes} min short"
            lines.append(
                build_line("A-5", shift.employee_code, shift.date, text, -handover_fine,
                      SourceKind.CLOCK, f"{ref}#{index}")
            )  # fmt: skip
    days = result.absence_days
    if days > 0:
        d2 = rule_in_force("D-2", shift.date, catalogue)
        kinds = ", ".join(f.kind.value for f in result.findings if f.rule_id == "A-4")
        text = f"{d2.description_en}: {kinds}, {days} day"
        amount = pay_for_days(days, monthly_base_pay, settings)
        lines.append(
            build_line(
                d2, shift.employee_code, shift.date, text, -amount, SourceKind.CLOCK, ref, days
            )
        )
    if shift.is_night and result.attended:
        text = "night shift transport allowance 夜班交通补助"
        lines.append(
            build_line("S-5", shift.employee_code, shift.date, text, settings.night_allowance,
                  SourceKind.CLOCK, ref)
        )  # fmt: skip
    return tuple(lines)


def leave_lines(
    request: LeaveRequest,
    shifts: Iterable[ScheduledShift],
    monthly_base_pay: Decimal,
    settings: AttendanceSettings,
) -> tuple[MoneyLine, ...]:
    """The unpaid part of approved leave, per shift it covers, at the daily/hourly rate (L-1)."""
    if request.status is not LeaveStatus.APPROVED:
        return ()
    unpaid = ONE - settings.paid_fraction(request.leave_type)
    if unpaid <= 0:
        return ()
    lines: list[MoneyLine] = []
    for shift in sorted(shifts, key=lambda s: s.start):
        if shift.employee_code != request.employee_code:
            continue
        taken = overlap((request.start, request.end), (shift.start, shift.end))
        if not taken:
            continue
        if taken == shift.end - shift.start:
            days = ONE
            full = pay_for_days(ONE, monthly_base_pay, settings)
        else:
            hours = min(Decimal(taken.total_seconds()) / 3600, settings.hours_per_day)
            days = hours / settings.hours_per_day
            full = pay_for_hours(hours, monthly_base_pay, settings)
        text = f"{request.leave_type.value} leave, unpaid part {unpaid:%}"
        ref = f"{request.request_id}/{shift.date.isoformat()}"
        lines.append(
            build_line("L-1", request.employee_code, shift.date, text, -(full * unpaid),
                  SourceKind.LEAVE, ref, round_cents(days))
        )  # fmt: skip
    return tuple(lines)


def sudden_leave_line(
    request: LeaveRequest,
    proof: ProofStatus,
    on: date,
    catalogue: Sequence[RuleVersion] = SEED_CATALOGUE,
) -> MoneyLine | None:
    """D-3 for sudden sick leave whose proof deadline passed without a valid proof (L-4)."""
    if proof is not ProofStatus.MISSING:
        return None
    d3 = rule_in_force("D-3", on, catalogue)
    text = f"{d3.description_en}: no proof for leave {request.request_id}"
    return build_line(d3, request.employee_code, on, text, -d3.amount, SourceKind.LEAVE,
                 request.request_id)  # fmt: skip


def unapproved_swap_line(
    employee_code: str,
    on: date,
    swap_ref: str,
    catalogue: Sequence[RuleVersion] = SEED_CATALOGUE,
) -> MoneyLine:
    """D-3 for working a shift changed without the lead's approval (L-6)."""
    d3 = rule_in_force("D-3", on, catalogue)
    text = f"{d3.description_en}: unapproved swap {swap_ref}"
    return build_line(d3, employee_code, on, text, -d3.amount, SourceKind.INCIDENT, swap_ref)
