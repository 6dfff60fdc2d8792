"""Asking for leave: notice (L-2), overlap and balance (L-1), routing to an approver (L-3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import leave as rules
from attendance.errors import AttendanceError
from attendance.model import LeaveRequest as LeaveSpec
from attendance.model import LeaveStatus, LeaveType, Role, ScheduledShift
from attendance.settings import AttendanceSettings
from webapp.models import Employee, EmployeeRole
from webapp.models.base import utcnow
from webapp.models.leave import Delegation, LeaveGrant, LeaveRequest
from webapp.services import audit, notifications
from webapp.services import roster as roster_service
from webapp.services.attendance_results import settings_for
from webapp.services.errors import ServiceError

LIVE = ("pending", "approved")
REQUEST_FIELDS = (
    "leave_type",
    "start_at",
    "end_at",
    "days",
    "status",
    "route_role",
    "approver_id",
    "sudden",
    "decided_by_id",
    "decision_comment",
)


@dataclass(frozen=True)
class LeaveForm:
    """What an agent typed: site-local start and end, type and reason."""

    leave_type: str
    start: dt.datetime
    end: dt.datetime
    reason: str


def as_error(error: AttendanceError) -> ServiceError:
    """A rule refusal from attendance/ as a form error on the field it names."""
    return ServiceError(str(error), field=error.field, rule=error.rule)


def shifts_touched(
    session: Session, employee: Employee, start: dt.datetime, end: dt.datetime
) -> list[ScheduledShift]:
    """The employee's published shifts that overlap [start, end) (A-2 shapes)."""
    first = start.date() - dt.timedelta(days=1)
    rows = roster_service.published_assignments(
        session, employee.site_id, first, end.date(), employee.id
    )
    return [
        ScheduledShift(
            employee.code,
            row.date,
            row.shift_code,
            row.start,
            row.end,
            row.break_start,
            row.break_end,
            row.is_night,
        )
        for row in rows
        if row.start < end and start < row.end
    ]


def leave_days(
    start: dt.datetime,
    end: dt.datetime,
    shifts: list[ScheduledShift],
    settings: AttendanceSettings,
) -> Decimal:
    """Shift-days taken: each touched shift counts its covered fraction; else hours / 8 (L-1)."""
    if shifts:
        total = sum(
            (
                Decimal((min(end, s.end) - max(start, s.start)).total_seconds())
                / Decimal((s.end - s.start).total_seconds())
                for s in shifts
            ),
            Decimal(0),
        )
    else:
        hours = Decimal((end - start).total_seconds()) / Decimal(3600)
        total = min(
            hours / Decimal(settings.hours_per_day), Decimal((end.date() - start.date()).days + 1)
        )
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def balance(session: Session, employee_id: int, leave_type: str, year: int) -> Decimal:
    """Granted days of the year minus live (pending and approved) requests (L-1)."""
    granted = sum(
        session.scalars(
            select(LeaveGrant.days).where(
                LeaveGrant.employee_id == employee_id,
                LeaveGrant.leave_type == leave_type,
                LeaveGrant.year == year,
            )
        ),
        Decimal(0),
    )
    used = sum(
        (
            r.days
            for r in session.scalars(
                select(LeaveRequest).where(
                    LeaveRequest.employee_id == employee_id,
                    LeaveRequest.leave_type == leave_type,
                    LeaveRequest.status.in_(LIVE),
                )
            )
            if r.start_at.year == year
        ),
        Decimal(0),
    )
    return granted - used


def balances(session: Session, employee_id: int, year: int) -> dict[str, Decimal]:
    """The balance of every leave type that has one (L-1)."""
    return {
        t.value: balance(session, employee_id, t.value, year)
        for t in LeaveType
        if rules.has_balance(t)
    }


def grant_days(
    session: Session,
    actor: Employee,
    employee_id: int,
    leave_type: str,
    year: int,
    days: Decimal,
    reason: str,
) -> LeaveGrant:
    """HR grants annual leave; a lead grants compensatory rest to their team, with a reason."""
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise ServiceError(f"employee {employee_id} does not exist", field="employee")
    if employee.id == actor.id:
        raise ServiceError("nobody grants leave to themselves (SPEC §1)", field="employee")
    roles = actor.roles
    if leave_type == "annual" and "hr" not in roles:
        raise ServiceError("annual leave is granted by HR (L-1)", field="leave_type", rule="L-1")
    if leave_type == "compensatory" and not (
        "hr" in roles or ("lead" in roles and actor.team_id == employee.team_id)
    ):
        raise ServiceError(
            "compensatory rest is granted by the team's lead (L-1)", field="leave_type", rule="L-1"
        )
    if not reason.strip():
        raise ServiceError("a reason is required", field="reason", rule="L-1")
    grant = LeaveGrant(
        employee_id=employee_id,
        leave_type=leave_type,
        year=year,
        days=days,
        reason=reason.strip(),
        granted_by_id=actor.id,
    )
    session.add(grant)
    audit.record(
        session,
        actor,
        "leave.grant",
        grant,
        None,
        audit.snapshot(grant, ("employee_id", "leave_type", "year", "days", "reason")),
    )
    return grant


def submit_request(
    session: Session,
    employee: Employee,
    form: LeaveForm,
    now: dt.datetime | None = None,
    external_id: str | None = None,
) -> LeaveRequest:
    """Check the rules, route to the right approver and notify them (L-1…L-3)."""
    now = now or utcnow()
    settings = settings_for(employee.site)
    zone = ZoneInfo(employee.site.timezone)
    start = form.start.replace(tzinfo=zone).astimezone(dt.UTC)
    end = form.end.replace(tzinfo=zone).astimezone(dt.UTC)
    if form.leave_type not in {t.value for t in LeaveType}:
        raise ServiceError(
            f"unknown leave type {form.leave_type!r} (L-1)", field="leave_type", rule="L-1"
        )
    leave_type = LeaveType(form.leave_type)
    try:
        spec = LeaveSpec("new", employee.code, leave_type, start, end, requested_at=now)
    except AttendanceError as error:
        raise as_error(error) from None
    shifts = shifts_touched(session, employee, start, end)
    if leave_type is LeaveType.TEMPORARY and len(shifts) > 1:
        raise ServiceError("temporary leave is part of one shift (L-1)", field="end", rule="L-1")
    try:
        notice = rules.check_notice(leave_type, now, shifts[0].start if shifts else start, settings)
        rules.check_no_overlap(spec, _live_specs(session, employee))
        days = leave_days(start, end, shifts, settings)
        rules.check_balance(
            leave_type,
            days,
            balance(session, employee.id, leave_type.value, start.astimezone(zone).year),
        )
        route = rules.route_leave_request(spec, shifts, settings)
    except AttendanceError as error:
        raise as_error(error) from None
    request = LeaveRequest(
        external_id=external_id,
        employee_id=employee.id,
        leave_type=leave_type.value,
        start_at=start,
        end_at=end,
        days=days,
        reason=form.reason.strip(),
        status="pending",
        route_role=route.value,
        sudden=notice.sudden,
        requested_at=now,
    )
    request.approver_id = approver_for(session, employee, route, now.astimezone(zone).date())
    session.add(request)
    audit.record(
        session, employee, "leave.request", request, None, audit.snapshot(request, REQUEST_FIELDS)
    )
    approver = session.get(Employee, request.approver_id) if request.approver_id else None
    if approver is not None:
        notifications.notify(
            session,
            approver,
            f"{employee.name} asks for {leave_type.value} leave ({days} day(s)); please decide.",
            f"/leave/{request.id}",
        )
    return request


def _live_specs(session: Session, employee: Employee) -> list[LeaveSpec]:
    rows = session.scalars(
        select(LeaveRequest).where(
            LeaveRequest.employee_id == employee.id, LeaveRequest.status.in_(LIVE)
        )
    )
    return [
        LeaveSpec(
            str(r.id),
            employee.code,
            LeaveType(r.leave_type),
            r.start_at,
            r.end_at,
            LeaveStatus(r.status),
        )
        for r in rows
    ]


def approver_for(session: Session, employee: Employee, route: Role, today: dt.date) -> int | None:
    """The team's lead or the site's director, or their delegate while they are away (L-3)."""
    query = (
        select(Employee.id)
        .join(EmployeeRole)
        .where(
            Employee.active,
            Employee.id != employee.id,
            EmployeeRole.role == route.value,
            Employee.site_id == employee.site_id,
        )
        .order_by(Employee.code)
    )
    if route is Role.LEAD:
        query = query.where(Employee.team_id == employee.team_id)
    approver_id = session.scalars(query).first()
    if approver_id is None and route is Role.LEAD:
        return approver_for(session, employee, Role.DIRECTOR, today)
    return delegate_of(session, approver_id, today) if approver_id else None


def delegate_of(session: Session, approver_id: int, today: dt.date) -> int:
    """Who decides for an approver today: their delegate during a delegation, else themselves."""
    delegate = session.scalar(
        select(Delegation.delegate_id).where(
            Delegation.approver_id == approver_id,
            Delegation.first_day <= today,
            Delegation.last_day >= today,
        )
    )
    return delegate or approver_id
