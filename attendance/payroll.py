"""Payroll rows per employee and calendar month, held lines and period locking (P-1)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from attendance.errors import PeriodLocked
from attendance.model import Employee, MoneyLine, SourceKind
from attendance.money import round_cents

FINE_RULES = frozenset({"A-5", *(f"D-{n}" for n in range(3, 13))})
HELD_MARK = "[held 申诉中] "
ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True, order=True)
class PayPeriod:
    """A pay period: one calendar month (P-1 default)."""

    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> PayPeriod:
        """The period containing a date."""
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        """First date of the period."""
        return date(self.year, self.month, 1)

    def following(self) -> PayPeriod:
        """The next calendar month."""
        return PayPeriod(self.year + self.month // 12, self.month % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True, slots=True)
class PayrollRow:
    """One FORMATS §5 row; field order is the CSV column order."""

    employee_code: str
    name: str
    team: str
    period: str
    base_pay: Decimal
    late_early_count: int
    late_early_deduction: Decimal
    absent_days: Decimal
    absence_deduction: Decimal
    leave_days: Decimal
    leave_deduction: Decimal
    fine_deduction: Decimal
    night_shifts: int
    night_allowance: Decimal
    adjustments: Decimal
    total_deduction: Decimal
    net_change: Decimal


@dataclass(frozen=True, slots=True)
class PayrollExport:
    """Rows and the listing of every line behind them (held lines marked) for one period."""

    period: PayPeriod
    rows: tuple[PayrollRow, ...]
    lines: tuple[MoneyLine, ...]


def _counted(line: MoneyLine) -> int:
    """+1 for an original line, −1 for an appeal reversal of one."""
    return -1 if line.source is SourceKind.APPEAL else 1


def payroll_row(employee: Employee, period: PayPeriod, lines: Iterable[MoneyLine]) -> PayrollRow:
    """Totals of one employee's effective (not held) lines for the period (P-1, FORMATS §5)."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    late_count = night_count = 0
    absent = Decimal(0)
    leave_by_date: dict[date, Decimal] = defaultdict(Decimal)
    for line in lines:
        if line.source is SourceKind.ADJUSTMENT:
            sums["adjustments"] += line.amount
        elif line.rule_id == "D-1":
            sums["late"] += line.amount
            late_count += _counted(line)
        elif line.rule_id == "D-2":
            sums["absence"] += line.amount
            absent += line.quantity * _counted(line)
        elif line.rule_id == "L-1":
            sums["leave"] += line.amount
            leave_by_date[line.date] += line.amount
        elif line.rule_id == "S-5":
            sums["night"] += line.amount
            night_count += _counted(line)
        elif line.rule_id in FINE_RULES:
            sums["fine"] += line.amount
        else:
            sums["adjustments"] += line.amount
    late, absence, leave, fine = (-sums[k] for k in ("late", "absence", "leave", "fine"))
    total = late + absence + leave + fine
    return PayrollRow(
        employee.code, employee.name, employee.team, str(period),
        round_cents(employee.monthly_base_pay), late_count, round_cents(late),
        round_cents(absent), round_cents(absence),
        round_cents(Decimal(sum(1 for v in leave_by_date.values() if v))), round_cents(leave),
        round_cents(fine), night_count, round_cents(sums["night"]),
        round_cents(sums["adjustments"]), round_cents(total),
        round_cents(sums["night"] - total + sums["adjustments"]),
    )  # fmt: skip


def build_payroll(
    employees: Iterable[Employee],
    lines: Iterable[MoneyLine],
    period: PayPeriod,
    held_line_ids: Collection[str] = frozenset(),
) -> PayrollExport:
    """One row per employee for the period; lines under appeal are listed but not counted (P-1)."""
    in_period = sorted(
        (line for line in lines if PayPeriod.of(line.date) == period),
        key=lambda line: (line.employee_code, line.date, line.rule_id, line.line_id),
    )
    by_employee: dict[str, list[MoneyLine]] = defaultdict(list)
    listing: list[MoneyLine] = []
    for line in in_period:
        if line.line_id in held_line_ids:
            listing.append(replace(line, description=HELD_MARK + line.description))
        else:
            listing.append(line)
            by_employee[line.employee_code].append(line)
    rows = tuple(
        payroll_row(e, period, by_employee[e.code]) for e in sorted(employees, key=lambda e: e.code)
    )
    return PayrollExport(period, rows, tuple(listing))


def check_period_open(day: date, locked: Collection[PayPeriod]) -> None:
    """Refuse a direct change to a locked period; use `carry_over` instead (P-1)."""
    period = PayPeriod.of(day)
    if period in locked:
        raise PeriodLocked("date", f"pay period {period} is locked", "P-1")


def carry_over(line: MoneyLine, locked: Collection[PayPeriod]) -> MoneyLine:
    """A late change to a locked period becomes an adjustment in the next open period (P-1)."""
    origin = PayPeriod.of(line.date)
    if origin not in locked:
        return line
    target = origin.following()
    while target in locked:
        target = target.following()
    return replace(
        line, line_id=f"{line.line_id}>adjustment:{target}", date=target.first_day,
        description=f"adjustment for {origin}: {line.description}",
        source=SourceKind.ADJUSTMENT, source_ref=line.line_id,
    )  # fmt: skip
