"""Leave rules: types and balances (L-1), notice (L-2), routing (L-3), sick proof (L-4)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from itertools import combinations

from attendance.errors import (
    ApproverNotAllowed,
    InsufficientBalance,
    LeaveRefused,
    SelfDecisionForbidden,
)
from attendance.intervals import overlap
from attendance.model import LeaveRequest, LeaveStatus, LeaveType, Role, ScheduledShift
from attendance.settings import AttendanceSettings

TYPES_WITH_BALANCE = frozenset({LeaveType.ANNUAL, LeaveType.COMPENSATORY})


class ProofStatus(StrEnum):
    """Where a sick-leave proof stands (L-4)."""

    NOT_REQUIRED = "not_required"
    PROVIDED = "provided"
    PENDING = "pending"  # deadline not yet passed
    MISSING = "missing"  # deadline passed without proof → D-3


@dataclass(frozen=True, slots=True)
class NoticeCheck:
    """Outcome of the notice rule for an accepted request (L-2)."""

    sudden: bool
    proof_required: bool


def has_balance(leave_type: LeaveType) -> bool:
    """Whether a leave type is limited by a per-employee balance (L-1)."""
    return leave_type in TYPES_WITH_BALANCE


def check_balance(leave_type: LeaveType, requested_days: Decimal, balance_days: Decimal) -> None:
    """Refuse a request exceeding the balance, naming both figures (L-1)."""
    if has_balance(leave_type) and requested_days > balance_days:
        text = (
            f"{leave_type.value} leave needs {requested_days:.2f} days "
            f"but the balance is {balance_days:.2f} days"
        )
        raise InsufficientBalance("type", text, "L-1")


def check_notice(
    leave_type: LeaveType,
    requested_at: datetime,
    shift_start: datetime,
    settings: AttendanceSettings,
) -> NoticeCheck:
    """Personal leave ≥ 1 day ahead or refused; sick leave < 1 h ahead is sudden (L-2)."""
    if leave_type is LeaveType.PERSONAL:
        if requested_at > shift_start - timedelta(days=settings.personal_notice_days):
            days = settings.personal_notice_days
            unit = "day" if days == 1 else "days"
            text = f"personal leave must be asked for at least {days} {unit} before the shift"
            raise LeaveRefused("start", text, "L-2")
        return NoticeCheck(sudden=False, proof_required=False)
    if leave_type is LeaveType.SICK:
        sudden = requested_at > shift_start - timedelta(hours=settings.sick_notice_hours)
        return NoticeCheck(sudden=sudden, proof_required=sudden)
    return NoticeCheck(sudden=False, proof_required=False)


def route_leave_request(
    request: LeaveRequest, shifts: Sequence[ScheduledShift], settings: AttendanceSettings
) -> Role:
    """Up to half of one shift → team lead; more, or any personal leave → director (L-3)."""
    if request.leave_type is LeaveType.PERSONAL:
        return Role.DIRECTOR
    touched = [s for s in shifts if overlap((request.start, request.end), (s.start, s.end))]
    if len(touched) > 1:
        return Role.DIRECTOR
    if not touched:
        return Role.LEAD
    shift = touched[0]
    taken = overlap((request.start, request.end), (shift.start, shift.end))
    limit = Decimal((shift.end - shift.start).total_seconds()) * settings.lead_max_shift_fraction
    if Decimal(taken.total_seconds()) <= limit:
        return Role.LEAD
    return Role.DIRECTOR


def check_decider(decider: str, requester: str, field: str, rule: str) -> None:
    """Nobody approves their own request or decides their own appeal (SPEC §1)."""
    if decider == requester:
        raise SelfDecisionForbidden(field, f"{decider} may not decide their own case", rule)


def check_approver(
    request: LeaveRequest, approver: str, approver_roles: Iterable[Role], required: Role
) -> None:
    """The approver is someone else and holds the routed role or a higher one (L-3)."""
    check_decider(approver, request.employee_code, "decided_by", "L-3")
    allowed = {Role.LEAD: {Role.LEAD, Role.DIRECTOR}, Role.DIRECTOR: {Role.DIRECTOR}}
    if not allowed.get(required, {required}) & set(approver_roles):
        text = f"{approver} lacks the {required.value} role needed to approve this leave"
        raise ApproverNotAllowed("decided_by", text, "L-3")


def proof_deadline(returned_on: date, settings: AttendanceSettings) -> date:
    """Last local date on which a sick proof is accepted: 3 days after return (L-4)."""
    return returned_on + timedelta(days=settings.sick_proof_days)


def sick_proof_status(
    request: LeaveRequest,
    returned_on: date,
    proof_on: date | None,
    today: date,
    settings: AttendanceSettings,
) -> ProofStatus:
    """Proof state of a sudden sick leave; MISSING means D-3 applies (L-4)."""
    if request.leave_type is not LeaveType.SICK or not request.sudden:
        return ProofStatus.NOT_REQUIRED
    deadline = proof_deadline(returned_on, settings)
    if proof_on is not None and proof_on <= deadline:
        return ProofStatus.PROVIDED
    return ProofStatus.MISSING if today > deadline else ProofStatus.PENDING


def find_overlaps(
    requests: Iterable[LeaveRequest],
) -> tuple[tuple[LeaveRequest, LeaveRequest], ...]:
    """Pairs of one employee's non-rejected requests whose times overlap (L-1)."""
    live = sorted(
        (r for r in requests if r.status is not LeaveStatus.REJECTED),
        key=lambda r: (r.employee_code, r.start, r.request_id),
    )
    return tuple(
        (a, b)
        for a, b in combinations(live, 2)
        if a.employee_code == b.employee_code and overlap((a.start, a.end), (b.start, b.end))
    )


def check_no_overlap(request: LeaveRequest, existing: Iterable[LeaveRequest]) -> None:
    """Refuse a request overlapping one of the employee's live requests (L-1)."""
    for a, b in find_overlaps([request, *existing]):
        if request in (a, b):
            other = b if a is request else a
            raise LeaveRefused("start", f"overlaps leave request {other.request_id}", "L-1")
