"""Deciding leave (L-3): inboxes, exactly one decision per request, delegation, cancelling."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from webapp.models import Employee
from webapp.models.base import utcnow
from webapp.models.leave import Delegation, LeaveRequest
from webapp.services import attendance_results, audit, notifications
from webapp.services.errors import Forbidden, NotFound, ServiceError
from webapp.services.leave_requests import REQUEST_FIELDS


class AlreadyDecided(ServiceError):
    """Another approver decided first; this decision changes nothing (L-3, SPEC §7)."""


def get_request(session: Session, request_id: int) -> LeaveRequest:
    """The request or NotFound."""
    request = session.get(LeaveRequest, request_id)
    if request is None:
        raise NotFound(f"leave request {request_id} does not exist", field="request")
    return request


def may_decide(session: Session, actor: Employee, request: LeaveRequest) -> bool:
    """The routed approver, their delegate, or anyone above the route in the same scope (L-3)."""
    if actor.id == request.employee_id:
        return False
    employee = request.employee
    roles = actor.roles
    if "director" in roles and actor.site_id == employee.site_id:
        return True
    if request.route_role == "lead" and "lead" in roles and actor.team_id == employee.team_id:
        return True
    return request.approver_id == actor.id


def inbox(session: Session, actor: Employee) -> list[LeaveRequest]:
    """Pending requests this person may decide, oldest first."""
    query = (
        select(LeaveRequest)
        .join(Employee, LeaveRequest.employee_id == Employee.id)
        .where(LeaveRequest.status == "pending", LeaveRequest.employee_id != actor.id)
        .order_by(LeaveRequest.requested_at)
    )
    roles = actor.roles
    scope = [LeaveRequest.approver_id == actor.id]
    if "director" in roles:
        scope.append(Employee.site_id == actor.site_id)
    if "lead" in roles and actor.team_id is not None:
        scope.append((Employee.team_id == actor.team_id) & (LeaveRequest.route_role == "lead"))
    return list(session.scalars(query.where(or_(*scope))))


def decide(
    session: Session,
    actor: Employee,
    request_id: int,
    approve: bool,
    comment: str,
    seen_version: int | None = None,
) -> LeaveRequest:
    """Approve or reject once; a concurrent second decision gets AlreadyDecided (L-3)."""
    request = get_request(session, request_id)
    if request.status != "pending" or (
        seen_version is not None and seen_version != request.version
    ):
        raise AlreadyDecided(
            f"leave request {request_id} is already decided ({request.status})",
            field="request",
            rule="L-3",
        )
    if not may_decide(session, actor, request):
        raise Forbidden(
            "you may not decide this request (L-3, SPEC §1)", field="request", rule="L-3"
        )
    if not approve and not comment.strip():
        raise ServiceError("a rejection needs a comment", field="comment", rule="L-3")
    before = audit.snapshot(request, REQUEST_FIELDS)
    request.status = "approved" if approve else "rejected"
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    request.decision_comment = comment.strip()
    try:
        session.flush()
    except StaleDataError:
        raise AlreadyDecided(
            f"leave request {request_id} is already decided", field="request", rule="L-3"
        ) from None
    audit.record(
        session,
        actor,
        f"leave.{request.status}",
        request,
        before,
        audit.snapshot(request, REQUEST_FIELDS),
    )
    notifications.notify(
        session,
        request.employee,
        f"Your {request.leave_type} leave was {request.status} by {actor.name}.",
        f"/leave/{request.id}",
    )
    recompute_attendance(session, request)
    return request


def cancel(session: Session, actor: Employee, request_id: int) -> LeaveRequest:
    """An agent withdraws their own pending request."""
    request = get_request(session, request_id)
    if request.employee_id != actor.id:
        raise Forbidden("only the requester may withdraw a request", field="request")
    if request.status != "pending":
        raise AlreadyDecided("only a pending request can be withdrawn", field="request", rule="L-3")
    before = audit.snapshot(request, REQUEST_FIELDS)
    request.status = "cancelled"
    audit.record(
        session, actor, "leave.cancel", request, before, audit.snapshot(request, REQUEST_FIELDS)
    )
    return request


def recompute_attendance(session: Session, request: LeaveRequest) -> None:
    """Approved leave changes attendance results of the shifts it touches (A-4, L-3)."""
    zone = ZoneInfo(request.employee.site.timezone)
    first = request.start_at.astimezone(zone).date() - dt.timedelta(days=1)
    last = request.end_at.astimezone(zone).date()
    days = {first + dt.timedelta(days=n) for n in range((last - first).days + 1)}
    attendance_results.recompute(session, {request.employee_id: days})
    from webapp.services import ledger  # the unpaid part of approved leave (L-1)

    ledger.sync_leave(session, request)


def delegate(
    session: Session, actor: Employee, delegate_id: int, first_day: dt.date, last_day: dt.date
) -> Delegation:
    """While away, route this approver's new requests to a colleague who holds their role."""
    if not actor.roles & {"lead", "director"}:
        raise Forbidden("only approvers delegate", field="delegate")
    other = session.get(Employee, delegate_id)
    if other is None or other.id == actor.id or other.site_id != actor.site_id:
        raise ServiceError("choose a colleague of the same site", field="delegate", rule="L-3")
    if not other.roles & {"lead", "director"}:
        raise ServiceError("the delegate must be a lead or director", field="delegate", rule="L-3")
    if last_day < first_day:
        raise ServiceError("the last day is before the first", field="last_day")
    delegation = Delegation(
        approver_id=actor.id, delegate_id=delegate_id, first_day=first_day, last_day=last_day
    )
    session.add(delegation)
    audit.record(
        session,
        actor,
        "leave.delegate",
        delegation,
        None,
        audit.snapshot(delegation, ("delegate_id", "first_day", "last_day")),
    )
    today = utcnow().astimezone(ZoneInfo(actor.site.timezone)).date()
    if first_day <= today <= last_day:
        for pending in session.scalars(
            select(LeaveRequest).where(
                LeaveRequest.approver_id == actor.id, LeaveRequest.status == "pending"
            )
        ):
            pending.approver_id = delegate_id
    return delegation
