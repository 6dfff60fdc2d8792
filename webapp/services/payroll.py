"""Pay periods: preview, export and lock (P-1, FORMATS §5); a locked period re-exports as is."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import fields
from datetime import date
from decimal import Decimal

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, undefer

from attendance.appeals import HELD_STATES
from attendance.model import Employee as DomainEmployee
from attendance.model import MoneyLine as DomainLine
from attendance.model import SourceKind
from attendance.payroll import PayPeriod, PayrollExport, PayrollRow, build_payroll
from attendance.payroll_export import lines_csv, payroll_csv, payroll_xlsx
from webapp.models import Appeal, Employee, MoneyLine, PayPeriodLock, Team
from webapp.services import audit
from webapp.services.errors import ServiceError
from webapp.services.write_behind import committed_reads

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
LOCK_FIELDS = ("scope", "period", "payroll_sha256", "lines_sha256")
CHUNK = 500


def parse_period(text: str, field: str = "month") -> PayPeriod:
    """'2026-11' → PayPeriod(2026, 11); anything else is refused naming the field (P-1)."""
    match = MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ServiceError(f"{field}: must be a month YYYY-MM, got {text!r} (P-1)", field, "P-1")
    return PayPeriod(int(match.group(1)), int(match.group(2)))


def scope_of(site_id: int | None) -> str:
    """The lock scope of a site, or of every site."""
    return "all" if site_id is None else f"site:{site_id}"


def locks_by_scope(session: Session) -> dict[str, set[PayPeriod]]:
    """Every locked period per scope (P-1)."""
    result: dict[str, set[PayPeriod]] = {}
    locks = select(PayPeriodLock.scope, PayPeriodLock.period)
    for scope, period in session.execute(locks, bind_arguments=committed_reads(session)):
        result.setdefault(scope, set()).add(parse_period(period))
    return result


def is_locked(session: Session, period: PayPeriod, site_id: int | None = None) -> bool:
    """True when the period is locked for every site, or for this one (P-1)."""
    scopes = ["all"] if site_id is None else ["all", scope_of(site_id)]
    found = session.scalar(
        select(PayPeriodLock.id).where(
            PayPeriodLock.period == str(period), PayPeriodLock.scope.in_(scopes)
        )
    )
    return found is not None


def get_lock(
    session: Session, period: PayPeriod, site_id: int | None = None
) -> PayPeriodLock | None:
    """The lock of exactly this scope and period, with its stored files."""
    return session.scalars(
        select(PayPeriodLock)
        .options(undefer(PayPeriodLock.payroll_csv), undefer(PayPeriodLock.lines_csv),
                 undefer(PayPeriodLock.payroll_xlsx))
        .where(PayPeriodLock.period == str(period), PayPeriodLock.scope == scope_of(site_id))
    ).first()  # fmt: skip


def held_line_ids(session: Session, period: PayPeriod, site_id: int | None = None) -> set[int]:
    """Lines of the period under an undecided appeal: listed but not counted (P-1); of one
    site's employees when `site_id` is given."""
    query = (
        select(Appeal.line_id)
        .join(MoneyLine, MoneyLine.id == Appeal.line_id)
        .where(MoneyLine.period == str(period), Appeal.state.in_([s.value for s in HELD_STATES]))
    )
    if site_id is not None:
        query = query.join(Employee, Employee.id == MoneyLine.employee_id).where(
            Employee.site_id == site_id
        )
    return set(session.scalars(query))


def _employees(session: Session, period: PayPeriod, site_id: int | None) -> list[Employee]:
    with_lines = select(MoneyLine.employee_id).where(
        MoneyLine.period == str(period), MoneyLine.state == "active"
    )
    query = select(Employee).where(or_(Employee.active.is_(True), Employee.id.in_(with_lines)))
    if site_id is not None:
        query = query.where(Employee.site_id == site_id)
    return list(session.scalars(query))


def refresh_lines(session: Session, today: date) -> None:
    """Lines that depend on the passing of time: D-3 for sick proofs now missing (L-4) and for
    shifts worked under a swap that was never approved (L-6)."""
    from webapp.services import ledger

    ledger.sync_sick_proofs(session, today)
    ledger.sync_unapproved_swaps(session, today)


def preview_period(
    session: Session, period: PayPeriod, today: date
) -> tuple[PayPeriodLock | None, PayrollExport]:
    """The period's lock (if any) and its rows as they stand now (P-1 preview)."""
    lock = get_lock(session, period)
    if lock is None:
        refresh_lines(session, today)
    return lock, build_export(session, period)


def build_export(session: Session, period: PayPeriod, site_id: int | None = None) -> PayrollExport:
    """The period's rows and lines from the ledger, held lines marked (P-1, FORMATS §5)."""
    people = _employees(session, period, site_id)
    teams = dict(session.execute(select(Team.id, Team.name)).all())
    codes = {e.id: e.code for e in people}
    domain_people = [
        DomainEmployee(e.code, e.name, teams.get(e.team_id, "") if e.team_id else "",
                       e.monthly_base_pay)
        for e in people
    ]  # fmt: skip
    columns = (
        MoneyLine.id, MoneyLine.employee_id, MoneyLine.date, MoneyLine.rule_id,
        MoneyLine.rule_version, MoneyLine.description, MoneyLine.amount, MoneyLine.source,
        MoneyLine.origin_key, MoneyLine.quantity, MoneyLine.notice,
    )  # fmt: skip
    rows = session.execute(
        select(*columns).where(MoneyLine.period == str(period), MoneyLine.state == "active")
    )
    lines = [
        DomainLine(str(r.id), codes[r.employee_id], r.date, r.rule_id, r.rule_version,
                   r.description, r.amount, SourceKind(r.source), r.origin_key, r.quantity,
                   r.notice)
        for r in rows
        if r.employee_id in codes
    ]  # fmt: skip
    held = {str(i) for i in held_line_ids(session, period, site_id)}
    return build_payroll(domain_people, lines, period, held)


def _cell(kind: type, text: str) -> object:
    return Decimal(text) if kind is Decimal else int(text) if kind is int else text


def export_from_files(period: PayPeriod, payroll_bytes: bytes, lines_bytes: bytes) -> PayrollExport:
    """The export back from its two CSV files, exactly as rendered (P-1: re-export = same bytes)."""
    kinds = [Decimal if "Decimal" in str(f.type) else int if f.type in (int, "int") else str
             for f in fields(PayrollRow)]  # fmt: skip
    reader = csv.reader(io.StringIO(payroll_bytes.decode("utf-8-sig")))
    next(reader)
    rows = tuple(PayrollRow(*(_cell(k, v) for k, v in zip(kinds, r, strict=True))) for r in reader)
    lines = []
    reader = csv.reader(io.StringIO(lines_bytes.decode("utf-8-sig")))
    next(reader)
    for number, (code, day, rule_id, description, amount, source) in enumerate(reader):
        lines.append(DomainLine(str(number), code, date.fromisoformat(day), rule_id, 0,
                                description, Decimal(amount), SourceKind(source), ""))  # fmt: skip
    return PayrollExport(period, rows, tuple(lines))


def xlsx_of(lock: PayPeriodLock) -> bytes:
    """The workbook of a locked period, rendered once from its locked CSV files (P-1)."""
    if lock.payroll_xlsx is None:
        export = export_from_files(parse_period(lock.period), lock.payroll_csv, lock.lines_csv)
        lock.payroll_xlsx = payroll_xlsx(export)
    return lock.payroll_xlsx


def export_period(
    session: Session, actor: Employee | None, period: PayPeriod, site_id: int | None = None
) -> PayPeriodLock:
    """HR exports a period and so locks it; a locked period returns the files it locked with.

    The lock keeps both CSV files; the workbook is rendered from them on first use (`xlsx_of`).
    """
    existing = get_lock(session, period, site_id)
    if existing is not None:
        return existing
    refresh_lines(session, date.today())
    if period.first_day > date.today():
        raise ServiceError(
            f"month: {period} has not started; only a started period can be locked (P-1)",
            "month", "P-1",
        )  # fmt: skip
    export = build_export(session, period, site_id)
    payroll_bytes, lines_bytes = payroll_csv(export), lines_csv(export)
    lock = PayPeriodLock(
        scope=scope_of(site_id), site_id=site_id, period=str(period),
        locked_by_id=actor.id if actor else None,
        payroll_sha256=hashlib.sha256(payroll_bytes).hexdigest(),
        lines_sha256=hashlib.sha256(lines_bytes).hexdigest(),
        payroll_csv=payroll_bytes, lines_csv=lines_bytes, payroll_xlsx=None,
    )  # fmt: skip
    try:
        with session.begin_nested():
            session.add(lock)
    except IntegrityError:
        raise ServiceError(
            f"month: {period} was locked by someone else just now; export again (P-1)",
            "month", "P-1",
        ) from None  # fmt: skip
    _mark_held(session, period, site_id)
    audit.record(session, actor, "payroll.lock", lock, None, audit.snapshot(lock, LOCK_FIELDS))
    return lock


def _mark_held(session: Session, period: PayPeriod, site_id: int | None) -> None:
    """Remember which lines were held when the period locked (for the locked site only): a
    later decision settles them by adjustment (P-1, D-appeal)."""
    held = sorted(held_line_ids(session, period, site_id))
    for start in range(0, len(held), CHUNK):
        session.execute(
            update(MoneyLine)
            .where(MoneyLine.id.in_(held[start : start + CHUNK]))
            .values(held_at_lock=True)
        )


def list_periods(session: Session, today: date) -> list[tuple[PayPeriod, PayPeriodLock | None]]:
    """This month, the two before it and every period with lines or a lock, newest first."""
    found = {PayPeriod.of(today)}
    previous = PayPeriod.of(today.replace(day=1))
    for _ in range(2):
        previous = PayPeriod(previous.year - (previous.month == 1), (previous.month - 2) % 12 + 1)
        found.add(previous)
    found |= {parse_period(p) for p in session.scalars(select(MoneyLine.period).distinct())}
    locks = {
        lock.period: lock
        for lock in session.scalars(select(PayPeriodLock).where(PayPeriodLock.scope == "all"))
    }
    return [(p, locks.get(str(p))) for p in sorted(found, reverse=True)]


def lines_for_employee(
    session: Session, employee_id: int, periods: Sequence[PayPeriod]
) -> list[MoneyLine]:
    """An employee's active lines of the given periods, newest first (own deductions page)."""
    return list(
        session.scalars(
            select(MoneyLine)
            .where(MoneyLine.employee_id == employee_id, MoneyLine.state == "active",
                   MoneyLine.period.in_([str(p) for p in periods]))
            .order_by(MoneyLine.date.desc(), MoneyLine.id.desc())
        )
    )  # fmt: skip
