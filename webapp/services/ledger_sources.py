"""Ledger lines of the automatic sources: attendance results (D-1, D-2, A-5, S-5), leave
(L-1), missing sick proofs and unapproved swaps (D-3). `webapp.services.ledger` re-exports
each function; other areas call them there."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.classify import ShiftResult
from attendance.model import MoneyLine as DomainLine
from attendance.model import SourceKind
from attendance.settings import AttendanceSettings
from webapp.models import Employee
from webapp.services.employee_locks import held_facts
from webapp.services.ledger import (
    CHUNK,
    SourceRef,
    SyncReport,
    attendance_ref,
    sync_lines,
    sync_lines_for_source,
)
from webapp.services.rule_catalogue import Catalogue, load_catalogue


def lines_from_attendance(
    session: Session, row: Any, catalogue: Catalogue | None = None
) -> tuple[DomainLine, ...]:
    """D-1, D-2, A-5 and S-5 lines of one stored ShiftAttendance result (§6, S-5)."""
    from attendance.deductions import shift_lines
    from webapp.models import Site
    from webapp.services.attendance_results import settings_for
    from webapp.services.shift_results import to_result

    employee = session.get(Employee, row.employee_id)
    assert employee is not None
    site = session.get(Site, employee.site_id)
    assert site is not None
    cat = catalogue or load_catalogue(session)
    return shift_lines(to_result(row), employee.monthly_base_pay, settings_for(site), cat.versions)


def sync_attendance(
    session: Session, rows: Sequence[Any], removed: Iterable[tuple[int, Any]] = ()
) -> SyncReport:
    """Keep the lines of recomputed ShiftAttendance rows current; `removed` = (employee id,
    date) results deleted because the shift is gone (their lines go too). Call it in the
    transaction of `attendance_results.recompute`."""
    from webapp.services.shift_results import to_result

    return sync_shift_results(session, [to_result(row) for row in rows], None, removed)


def sync_shift_results(
    session: Session,
    results: Sequence[ShiftResult],
    settings: AttendanceSettings | None = None,
    removed: Iterable[tuple[int, Any]] = (),
) -> SyncReport:
    """Lines of classified shifts (codes are employee ids) as `lines_from_attendance` gives
    them for their stored rows, with pay and site settings read once per batch, not per shift.
    `settings` (all of one site) saves reading the sites."""
    from attendance.deductions import shift_lines
    from webapp.models import Site
    from webapp.services.attendance_results import settings_for

    cat = load_catalogue(session)
    ids = sorted({int(result.shift_events.shift.employee_code) for result in results})
    people = {i: (f.monthly_base_pay, f.site_id) for i, f in held_facts(session, ids).items()}
    missing = [i for i in ids if i not in people]  # the API batch read them with their locks
    for start in range(0, len(missing), CHUNK):
        rows = session.execute(
            select(Employee.id, Employee.monthly_base_pay, Employee.site_id)
            .where(Employee.id.in_(missing[start : start + CHUNK]))
        )  # fmt: skip
        people.update({row.id: (row.monthly_base_pay, row.site_id) for row in rows})
    by_site: dict[int, AttendanceSettings] = {}
    batch: dict[SourceRef, Sequence[DomainLine]] = {}
    for result in results:
        shift = result.shift_events.shift
        pay, site_id = people[int(shift.employee_code)]
        if settings is None and site_id not in by_site:
            site = session.get(Site, site_id)
            assert site is not None
            by_site[site_id] = settings_for(site)
        rules = settings or by_site[site_id]
        lines = shift_lines(result, pay, rules, cat.versions)
        batch[attendance_ref(int(shift.employee_code), shift.date)] = lines
    for employee_id, day in removed:
        batch.setdefault(attendance_ref(employee_id, day), ())
    return sync_lines(session, batch, cat)


def resync_attendance_from(session: Session, since: Any) -> SyncReport:
    """After a D-1/D-2 rule change: recompute the lines of stored results from its date (§6);
    lines of locked periods stay and differences become adjustments (P-1)."""
    from webapp.models import ShiftAttendance

    rows = session.scalars(select(ShiftAttendance).where(ShiftAttendance.date >= since)).all()
    return sync_attendance(session, rows)


def leave_ref(request_id: int) -> SourceRef:
    """The source of the L-1 lines of one leave request."""
    return SourceRef("leave_request", str(request_id))


def sync_leave(session: Session, request: Any) -> SyncReport:
    """The unpaid part of an approved leave request, per shift it covers (L-1); a request that
    is not (or no longer) approved has no lines. Call it where a leave decision is stored."""
    from attendance.deductions import leave_lines
    from attendance.model import LeaveRequest as LeaveSpec
    from attendance.model import LeaveStatus, LeaveType, ScheduledShift
    from webapp.models import Site
    from webapp.services.attendance_results import settings_for
    from webapp.services.roster import published_assignments

    employee = session.get(Employee, request.employee_id)
    assert employee is not None
    site = session.get(Site, employee.site_id)
    assert site is not None
    settings = settings_for(site)
    status = LeaveStatus.APPROVED if request.status == "approved" else LeaveStatus.REJECTED
    spec = LeaveSpec(str(request.id), str(employee.id), LeaveType(request.leave_type),
                     request.start_at, request.end_at, status)  # fmt: skip
    first = request.start_at.astimezone(settings.zone).date() - timedelta(days=1)
    last = request.end_at.astimezone(settings.zone).date()
    shifts = [
        ScheduledShift(str(p.employee_id), p.date, p.shift_code, p.start, p.end,
                       p.break_start, p.break_end, p.is_night)
        for p in published_assignments(session, site.id, first, last, employee.id)
    ]  # fmt: skip
    lines = leave_lines(spec, shifts, employee.monthly_base_pay, settings)
    return sync_lines_for_source(session, SourceKind.LEAVE, leave_ref(request.id), lines)


def sync_sick_proofs(session: Session, today: Any) -> SyncReport:
    """D-3 for each sudden sick leave whose proof deadline passed without a proof (L-4), dated
    the day after the deadline; a proof handed in later does not undo it. Run daily and
    before a payroll export."""
    from attendance.deductions import sudden_leave_line
    from attendance.leave import ProofStatus
    from attendance.model import LeaveRequest as LeaveSpec
    from attendance.model import LeaveStatus, LeaveType
    from webapp.services import sick_proofs

    cat = load_catalogue(session)
    batch: dict[SourceRef, Sequence[DomainLine]] = {}
    for request in sick_proofs.sudden_sick_leave(session):
        status = sick_proofs.proof_status(request, today)
        if status is not ProofStatus.MISSING:
            continue
        spec = LeaveSpec(str(request.id), str(request.employee_id), LeaveType(request.leave_type),
                         request.start_at, request.end_at, LeaveStatus.APPROVED)  # fmt: skip
        on = sick_proofs.proof_deadline(request) + timedelta(days=1)
        line = sudden_leave_line(spec, status, on, cat.versions)
        batch[SourceRef("sick_proof", str(request.id))] = (line,) if line else ()
    return sync_lines(session, batch, cat)


def sync_unapproved_swaps(session: Session, today: Any, days_back: int = 62) -> SyncReport:
    """D-3 for working a shift changed without approval (L-6): the colleague of a swap that is
    not approved clocked on the requester's date without a shift of their own (and, for a
    two-way swap, the requester on the colleague's date). Approving the swap later removes
    the line while its period is open. Run before a payroll preview/export."""
    from datetime import datetime, time

    from attendance.deductions import unapproved_swap_line
    from webapp.models import ClockEvent, ShiftSwap, Site

    cat = load_catalogue(session)
    batch: dict[SourceRef, Sequence[DomainLine]] = {}
    swaps = session.scalars(
        select(ShiftSwap).where(
            ShiftSwap.requester_date <= today,
            ShiftSwap.requester_date >= today - timedelta(days=days_back),
        )
    )
    for swap in swaps:
        site = session.get(Site, swap.site_id)
        assert site is not None
        zone = ZoneInfo(site.timezone)
        worked = [(swap.colleague_id, swap.requester_date)]
        if swap.kind == "swap" and swap.colleague_date is not None:
            worked.append((swap.requester_id, swap.colleague_date))
        for employee_id, day in worked:
            if employee_id is None:
                continue
            ref = SourceRef("swap", f"{swap.id}/{employee_id}")
            start = datetime.combine(day, time(0), tzinfo=zone)
            clocked = session.scalar(
                select(ClockEvent.id).where(
                    ClockEvent.employee_id == employee_id, ClockEvent.unscheduled.is_(True),
                    ClockEvent.voided.is_(False), ClockEvent.at >= start,
                    ClockEvent.at < start + timedelta(days=1),
                ).limit(1)
            )  # fmt: skip
            lines = ()
            if swap.status != "approved" and clocked is not None:
                lines = (unapproved_swap_line(str(employee_id), day, ref.id, cat.versions),)
            batch[ref] = lines
    return sync_lines(session, batch, cat)
