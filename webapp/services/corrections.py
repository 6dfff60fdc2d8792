"""Lead corrections of clock events, agents' regularisation requests, proxy decisions (A-6, A-7).

Every decision is audited with before and after; the corrected event keeps its event_id and
the original values stay in the audit log. Affected shifts are recomputed in the same
transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from webapp.models import ClockEvent, CorrectionRequest, Employee, ProxyFlag
from webapp.models.attendance import CLOCK_KINDS
from webapp.models.base import utcnow
from webapp.permissions import manages_team, may_decide_for
from webapp.services import attendance_results as results
from webapp.services import audit
from webapp.services.clock import check_event, new_event_id
from webapp.services.errors import Forbidden, NotFound, ServiceError

EVENT_FIELDS = ("event_id", "employee_id", "at", "kind", "source", "device", "voided",
                "correction_reason")  # fmt: skip
REQUEST_FIELDS = ("employee_id", "clock_event_id", "kind", "at", "reason", "status",
                  "decision_note")  # fmt: skip
FLAG_FIELDS = ("device", "first_event_id", "second_event_id", "status")


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not 3 <= len(reason) <= 500:
        raise ServiceError("reason: say why, 3 to 500 characters (A-7)", "reason", "A-7")
    return reason


def _check_lead(actor: Employee, subject: Employee) -> None:
    if not may_decide_for(actor, subject):
        raise Forbidden("nobody corrects or decides their own clock events (SPEC §1)", None, "A-7")
    if not manages_team(actor, subject.team_id) or actor.site_id != subject.site_id:
        raise Forbidden("only the employee's team lead or director may do this (A-7)", None, "A-7")


def _recompute(session: Session, employee: Employee, instants: Iterable[datetime]) -> None:
    settings = results.settings_for(employee.site)
    days: set[date] = set()
    for at in instants:
        days |= results.dates_around(results.local_date(at, settings))
    results.recompute(session, {employee.id: days})


def get_event(session: Session, event_pk: int) -> ClockEvent:
    """The stored clock event or NotFound."""
    event = session.get(ClockEvent, event_pk)
    if event is None:
        raise NotFound(f"clock event {event_pk} does not exist", "event")
    return event


def correct_event(
    session: Session, actor: Employee, event_pk: int, kind: str, at: datetime, reason: str,
    void: bool = False,
) -> ClockEvent:  # fmt: skip
    """A lead changes an event's time and kind (or voids it) with a reason (A-7)."""
    event = get_event(session, event_pk)
    _check_lead(actor, event.employee)
    check_event(event.event_id, kind, at)
    reason = _reason(reason)
    before = audit.snapshot(event, EVENT_FIELDS)
    old_at = event.at
    event.kind, event.at, event.voided = kind, at, void
    event.correction_reason, event.corrected_at = reason, utcnow()
    audit.record(session, actor, "attendance.correct_event", event, before,
                 audit.snapshot(event, EVENT_FIELDS))  # fmt: skip
    _recompute(session, event.employee, (old_at, at))
    return event


def add_event(
    session: Session, actor: Employee, employee: Employee, kind: str, at: datetime, reason: str
) -> ClockEvent:
    """A lead adds a missing event (e.g. the clock-out of A-4's flagged shift) with a reason."""
    _check_lead(actor, employee)
    event_id = f"corr-{new_event_id()}"
    check_event(event_id, kind, at)
    reason = _reason(reason)
    event = ClockEvent(event_id=event_id, employee_id=employee.id, at=at, kind=kind,
                       source="correction", correction_reason=reason,
                       corrected_at=utcnow())  # fmt: skip
    session.add(event)
    audit.record(session, actor, "attendance.add_event", event, None,
                 audit.snapshot(event, EVENT_FIELDS))  # fmt: skip
    _recompute(session, employee, (at,))
    session.refresh(event)
    return event


def request_correction(
    session: Session, agent: Employee, kind: str, at: datetime, reason: str,
    event_pk: int | None = None,
) -> CorrectionRequest:  # fmt: skip
    """An agent asks for one of their events to be corrected, or a missing one added (A-7)."""
    if event_pk is not None and get_event(session, event_pk).employee_id != agent.id:
        raise Forbidden("event: you may only ask about your own clock events (A-7)", "event")
    if kind not in CLOCK_KINDS:
        raise ServiceError("kind: unknown clock event kind (A-1)", "kind", "A-1")
    check_event("request", kind, at)
    request = CorrectionRequest(employee_id=agent.id, clock_event_id=event_pk, kind=kind, at=at,
                                reason=_reason(reason))  # fmt: skip
    session.add(request)
    audit.record(session, agent, "attendance.request_correction", request, None,
                 audit.snapshot(request, REQUEST_FIELDS))  # fmt: skip
    return request


def decide_correction(
    session: Session, actor: Employee, request_id: int, approve: bool, note: str = ""
) -> CorrectionRequest:
    """The lead approves (the correction is applied) or rejects a request; decided once (A-7)."""
    request = session.scalar(
        select(CorrectionRequest).where(CorrectionRequest.id == request_id).with_for_update()
    )
    if request is None:
        raise NotFound(f"correction request {request_id} does not exist", "request")
    _check_lead(actor, request.employee)
    if request.status != "pending":
        raise ServiceError(f"request: already {request.status} (A-7)", "request", "A-7")
    before = audit.snapshot(request, REQUEST_FIELDS)
    request.status = "approved" if approve else "rejected"
    request.decided_by_id, request.decided_at = actor.id, utcnow()
    request.decision_note = (note or "").strip()[:500] or None
    reason = f"request {request.id}: {request.reason}"
    if approve and request.clock_event_id is not None:
        correct_event(session, actor, request.clock_event_id, request.kind, request.at, reason)
    elif approve:
        add_event(session, actor, request.employee, request.kind, request.at, reason)
    audit.record(session, actor, "attendance.decide_correction", request, before,
                 audit.snapshot(request, REQUEST_FIELDS))  # fmt: skip
    return request


def pending_requests(session: Session, actor: Employee) -> list[CorrectionRequest]:
    """Pending requests of the people the actor manages (never their own)."""
    rows = session.scalars(
        select(CorrectionRequest).join(Employee, CorrectionRequest.employee_id == Employee.id)
        .where(CorrectionRequest.status == "pending", Employee.site_id == actor.site_id,
               Employee.id != actor.id)
        .order_by(CorrectionRequest.created_at)
    )  # fmt: skip
    return [r for r in rows if manages_team(actor, r.employee.team_id)]


def own_requests(session: Session, agent: Employee) -> list[CorrectionRequest]:
    """The agent's own requests, newest first."""
    return list(session.scalars(
        select(CorrectionRequest).where(CorrectionRequest.employee_id == agent.id)
        .order_by(CorrectionRequest.created_at.desc()).limit(50)
    ))  # fmt: skip


def pending_flags(session: Session, actor: Employee) -> list[ProxyFlag]:
    """Undecided proxy-punching flags involving someone the actor manages (A-6)."""
    first, second = aliased(ClockEvent), aliased(ClockEvent)
    rows = session.scalars(
        select(ProxyFlag).join(first, ProxyFlag.first_event_id == first.id)
        .join(second, ProxyFlag.second_event_id == second.id)
        .where(ProxyFlag.status == "pending")
        .where(or_(first.employee_id != actor.id, second.employee_id != actor.id))
        .order_by(ProxyFlag.created_at)
    )  # fmt: skip
    return [
        f for f in rows
        if actor.site_id == f.first.employee.site_id
        and any(manages_team(actor, e.employee.team_id) and may_decide_for(actor, e.employee)
                for e in (f.first, f.second))
    ]  # fmt: skip


def decide_flag(session: Session, actor: Employee, flag_id: int, confirm: bool) -> ProxyFlag:
    """Confirm (D-4 then applies to both people) or dismiss a proxy-punching flag (A-6)."""
    flag = session.scalar(select(ProxyFlag).where(ProxyFlag.id == flag_id).with_for_update())
    if flag is None:
        raise NotFound(f"proxy flag {flag_id} does not exist", "flag")
    people = (flag.first.employee, flag.second.employee)
    if not all(may_decide_for(actor, p) for p in people):
        raise Forbidden("nobody decides a flag about themselves (SPEC §1)", None, "A-6")
    if not any(manages_team(actor, p.team_id) and actor.site_id == p.site_id for p in people):
        raise Forbidden("only a lead or director of one of them may decide (A-6)", None, "A-6")
    if flag.status != "pending":
        raise ServiceError(f"flag: already {flag.status} (A-6)", "flag", "A-6")
    before = audit.snapshot(flag, FLAG_FIELDS)
    flag.status = "confirmed" if confirm else "dismissed"
    flag.decided_by_id, flag.decided_at = actor.id, utcnow()
    if confirm:  # D-4 for each person involved, in this transaction
        from webapp.services.incidents import record_proxy_punching

        record_proxy_punching(session, actor, flag)
    audit.record(session, actor, "attendance.decide_proxy_flag", flag, before,
                 audit.snapshot(flag, FLAG_FIELDS))  # fmt: skip
    return flag
