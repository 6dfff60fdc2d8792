"""`paiban import-leave` (FORMATS §4): historical leave, idempotent by request_id, all or none."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import importers
from attendance.errors import ImportRejected as ParseRejected
from attendance.model import Role
from webapp.models import Employee
from webapp.models.leave import LeaveRequest
from webapp.services import audit
from webapp.services.attendance_results import settings_for
from webapp.services.employee_import import ImportRejected
from webapp.services.leave_decisions import recompute_attendance
from webapp.services.leave_requests import REQUEST_FIELDS, leave_days, shifts_touched


@dataclass
class LeaveImportReport:
    """What the import did."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the terminal."""
        return (
            f"created {len(self.created)}, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)} leave request(s); rejected 0"
        )


def import_leave(session: Session, actor: Employee | None, content: bytes) -> LeaveImportReport:
    """Store historical requests; notice and routing are not re-checked, approvers are (L-3)."""
    people = {e.code: e for e in session.scalars(select(Employee))}
    roles = {code: {Role(r) for r in e.roles} for code, e in people.items()}
    try:
        rows = importers.import_leave(io.BytesIO(content), roles)
    except ParseRejected as rejected:
        raise ImportRejected(
            [f"line {line}, column {column}: {text}" for line, column, text in rejected.issues]
        ) from None
    report = LeaveImportReport()
    for row in rows:
        employee = people[row.employee_code]
        decider = people.get(row.decided_by or "")
        existing = session.scalar(
            select(LeaveRequest).where(LeaveRequest.external_id == row.request_id)
        )
        request = existing or LeaveRequest(
            external_id=row.request_id, employee_id=employee.id, requested_at=row.start
        )
        values = {
            "employee_id": employee.id,
            "leave_type": row.leave_type.value,
            "start_at": row.start,
            "end_at": row.end,
            "status": row.status.value,
            "decided_by_id": decider.id if decider else None,
        }
        if existing and all(getattr(existing, k) == v for k, v in values.items()):
            report.unchanged.append(row.request_id)
            continue
        before = audit.snapshot(existing, REQUEST_FIELDS) if existing else None
        for key, value in values.items():
            setattr(request, key, value)
        shifts = shifts_touched(session, employee, row.start, row.end)
        request.days = leave_days(row.start, row.end, shifts, settings_for(employee.site))
        request.route_role = (
            "director" if row.leave_type.value == "personal" or len(shifts) > 1 else "lead"
        )
        request.decided_at = row.start if decider else None
        session.add(request)
        session.flush()
        audit.record(
            session, actor, "leave.import", request, before, audit.snapshot(request, REQUEST_FIELDS)
        )
        (report.updated if existing else report.created).append(row.request_id)
        recompute_attendance(session, request)
    return report
