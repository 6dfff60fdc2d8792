"""Approved leave as the roster (R-6) and attendance (A-4, L-1) areas read it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.model import LeaveRequest as LeaveSpec
from attendance.model import LeaveStatus, LeaveType
from webapp.models import Employee, Site
from webapp.models.leave import LeaveRequest
from webapp.services import attendance_results, roster_problem
from webapp.services.write_behind import committed_reads


def approved_leave_for_attendance(
    session: Session, employee_ids: Sequence[int], start: dt.datetime, end: dt.datetime
) -> list[LeaveSpec]:
    """Approved leave overlapping [start, end); codes are employee ids as attendance expects."""
    rows = session.scalars(
        select(LeaveRequest).where(
            LeaveRequest.employee_id.in_(list(employee_ids)),
            LeaveRequest.status == "approved",
            LeaveRequest.start_at < end,
            LeaveRequest.end_at > start,
        ),
        bind_arguments=committed_reads(session),
    )
    return [
        LeaveSpec(
            str(r.id),
            str(r.employee_id),
            LeaveType(r.leave_type),
            r.start_at,
            r.end_at,
            LeaveStatus.APPROVED,
        )
        for r in rows
    ]


def leave_dates(request: LeaveRequest, zone: ZoneInfo) -> list[dt.date]:
    """Local dates a leave request blocks for rostering (R-6); temporary leave blocks none."""
    if request.leave_type == "temporary":
        return []
    first = request.start_at.astimezone(zone).date()
    last = (request.end_at - dt.timedelta(minutes=1)).astimezone(zone).date()
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def approved_leave_for_roster(
    session: Session, site_id: int, first: dt.date, last: dt.date
) -> Iterable[tuple[int, dt.date, str]]:
    """(employee id, date, 'leave') for approved leave of the site's people (R-6)."""
    site = session.get(Site, site_id)
    if site is None:
        return []
    zone = ZoneInfo(site.timezone)
    window_start = dt.datetime.combine(first, dt.time(), zone) - dt.timedelta(days=1)
    window_end = dt.datetime.combine(last, dt.time(), zone) + dt.timedelta(days=2)
    rows = session.scalars(
        select(LeaveRequest)
        .join(Employee, LeaveRequest.employee_id == Employee.id)
        .where(
            Employee.site_id == site_id,
            LeaveRequest.status == "approved",
            LeaveRequest.start_at < window_end,
            LeaveRequest.end_at > window_start,
        )
    )
    return [
        (r.employee_id, day, "leave")
        for r in rows
        for day in leave_dates(r, zone)
        if first <= day <= last
    ]


def register() -> None:
    """Tell the roster and attendance areas where approved leave comes from."""
    attendance_results.register_leave_source(approved_leave_for_attendance)
    roster_problem.register_unavailability_source(approved_leave_for_roster)
