"""Appeals against money lines (D-appeal): file, first-level decision, escalation, HR's final.

The state machine is `attendance.appeals`; this module stores it, checks who may act on
whose appeal, and turns outcomes into ledger lines. A line under appeal is held out of the
payroll totals (P-1). The appeal's own ledger source `("appeal", id)` holds the reversal of an
upheld line; when the line's period was locked while the line was held (it never counted),
a rejection instead settles it by an adjustment, and an upholding needs no money at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from attendance import appeals as rules
from attendance.appeals import AppealState, AppealStep
from attendance.errors import AttendanceError
from attendance.model import MoneyLine as DomainLine
from attendance.model import Role, SourceKind
from webapp.models import Appeal, Employee, MoneyLine
from webapp.models.base import utcnow
from webapp.permissions import manages_team
from webapp.services import audit, ledger
from webapp.services.errors import Forbidden, NotFound, ServiceError

APPEAL_FIELDS = ("state", "version", "first_decider_id", "final_decider_id", "reversal_line_id")
RULE = "D-appeal"


def _error(error: AttendanceError) -> ServiceError:
    return ServiceError(f"{error.field}: {error.text} ({error.rule})", error.field, error.rule)


def to_domain(appeal: Appeal) -> rules.Appeal:
    """The stored appeal as attendance.appeals takes it; actors are employee ids."""
    steps = tuple(
        AppealStep(s["actor"], datetime.fromisoformat(s["at"]), AppealState(s["state"]), s["note"])
        for s in appeal.history
    )
    line = ledger.to_domain(appeal.line)
    return rules.Appeal(str(appeal.id), line, AppealState(appeal.state), steps)


def _store(appeal: Appeal, moved: rules.Appeal) -> None:
    appeal.state = moved.state.value
    appeal.history = [
        {"actor": s.actor, "at": s.at.isoformat(), "state": s.state.value, "note": s.note}
        for s in moved.history
    ]


def get_appeal(session: Session, appeal_id: int) -> Appeal:
    """One appeal, or NotFound."""
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFound("No such appeal.", "appeal_id", RULE)
    return appeal


def file_appeal(
    session: Session, actor: Employee, line_id: int, reason: str, now: datetime | None = None
) -> Appeal:
    """An agent appeals one of their own deduction lines with a reason (D-appeal)."""
    line = session.get(MoneyLine, line_id)
    if line is None:
        raise NotFound("No such line.", "line_id", RULE)
    if line.state != "active":
        raise ServiceError("This line was replaced; appeal the current one.", "reason", RULE)
    if session.scalar(select(Appeal.id).where(Appeal.line_id == line.id)) is not None:
        raise ServiceError("This line is already under appeal (D-appeal).", "reason", RULE)
    appeal = Appeal(line_id=line.id, employee_id=line.employee_id, state="filed", reason="")
    appeal.line = line
    try:
        moved = rules.file_appeal("new", ledger.to_domain(line), str(actor.id), reason,
                                  now or utcnow())  # fmt: skip
    except AttendanceError as error:
        raise _error(error) from None
    appeal.reason = reason.strip()[:1000]
    _store(appeal, moved)
    session.add(appeal)
    session.flush()
    audit.record(session, actor, "appeal.file", appeal, None, audit.snapshot(appeal, APPEAL_FIELDS))
    return appeal


def _act(
    session: Session,
    actor: Employee,
    appeal_id: int,
    version: int,
    action: str,
    move: Callable[[rules.Appeal], rules.Appeal],
    **fields: object,
) -> Appeal:
    """Apply one move once: a stale `version` or a concurrent decision is refused (§7)."""
    appeal = get_appeal(session, appeal_id)
    if appeal.version != version:
        raise ServiceError(
            "This appeal changed since you opened it; reload the page (D-appeal).", "note", RULE
        )
    before = audit.snapshot(appeal, APPEAL_FIELDS)
    try:
        moved = move(to_domain(appeal))
    except AttendanceError as error:
        raise _error(error) from None
    _store(appeal, moved)
    for name, value in fields.items():
        setattr(appeal, name, value)
    with session.no_autoflush:  # one UPDATE of the appeal, so one version step per move
        _settle(session, appeal, moved)
    try:
        session.flush()
    except StaleDataError:
        raise ServiceError(
            "Someone else decided this appeal just now (D-appeal).", "note", RULE
        ) from None
    audit.record(session, actor, action, appeal, before, audit.snapshot(appeal, APPEAL_FIELDS))
    return appeal


def _roles(actor: Employee) -> set[Role]:
    return {Role(r) for r in actor.roles}


def decide_first(
    session: Session, actor: Employee, appeal_id: int, uphold: bool, note: str, version: int,
    now: datetime | None = None,
) -> Appeal:  # fmt: skip
    """The employee's team lead (or a director) upholds or rejects a filed appeal (D-appeal)."""
    appeal = get_appeal(session, appeal_id)
    if actor.id != appeal.employee_id and not manages_team(actor, appeal.employee.team_id):
        raise Forbidden(f"{appeal.employee.code} is not in a team you lead (§1).", "note", RULE)
    at = now or utcnow()
    return _act(session, actor, appeal_id, version, "appeal.decide_first",
                lambda a: rules.decide_first_level(a, str(actor.id), _roles(actor), uphold,
                                                   note, at),
                first_decider_id=actor.id, decided_at=at)  # fmt: skip


def escalate(
    session: Session, actor: Employee, appeal_id: int, reason: str, version: int,
    now: datetime | None = None,
) -> Appeal:  # fmt: skip
    """The agent takes an appeal the lead rejected to HR (D-appeal)."""
    at = now or utcnow()
    return _act(session, actor, appeal_id, version, "appeal.escalate",
                lambda a: rules.escalate_appeal(a, str(actor.id), reason, at))  # fmt: skip


def decide_final(
    session: Session, actor: Employee, appeal_id: int, uphold: bool, note: str, version: int,
    now: datetime | None = None,
) -> Appeal:  # fmt: skip
    """HR decides an escalated appeal; the decision is final (D-appeal)."""
    at = now or utcnow()
    return _act(session, actor, appeal_id, version, "appeal.decide_final",
                lambda a: rules.decide_final(a, str(actor.id), _roles(actor), uphold, note, at),
                final_decider_id=actor.id, decided_at=at)  # fmt: skip


def _settle(session: Session, appeal: Appeal, moved: rules.Appeal) -> None:
    """Write the appeal's ledger lines for its new state (D-appeal, P-1)."""
    if moved.state is AppealState.ESCALATED:
        return
    line = appeal.line
    wanted: list[DomainLine] = []
    if moved.state in rules.UPHELD_STATES and not line.held_at_lock:
        wanted.append(rules.reversal_line(moved, line.date))
    elif moved.state not in rules.UPHELD_STATES and line.held_at_lock:
        domain = moved.line
        ref = f"{appeal.id}/settle"
        wanted.append(replace(
            domain, line_id=f"{domain.rule_id}:{SourceKind.APPEAL.value}:{ref}",
            description=f"appeal {appeal.id} rejected: {domain.description}",
            source=SourceKind.APPEAL, source_ref=ref,
        ))  # fmt: skip
    report = ledger.sync_lines_for_source(
        session, SourceKind.APPEAL, ledger.SourceRef("appeal", str(appeal.id)), wanted
    )
    if report.inserted_ids:
        appeal.reversal_line_id = report.inserted_ids[-1]
        session.execute(
            update(MoneyLine)
            .where(MoneyLine.id.in_(report.inserted_ids))
            .values(reverses_id=line.id)
        )


def lead_inbox(session: Session, actor: Employee) -> list[Appeal]:
    """Filed appeals of the teams the actor manages, never their own (first level)."""
    rows = session.scalars(select(Appeal).where(Appeal.state == "filed").order_by(Appeal.id))
    return [
        a for a in rows
        if a.employee_id != actor.id and a.employee.site_id == actor.site_id
        and manages_team(actor, a.employee.team_id)
    ]  # fmt: skip


def hr_inbox(session: Session, actor: Employee) -> list[Appeal]:
    """Escalated appeals for HR's final decision, never HR's own."""
    rows = session.scalars(select(Appeal).where(Appeal.state == "escalated").order_by(Appeal.id))
    return [a for a in rows if a.employee_id != actor.id]


def my_appeals(session: Session, employee_id: int) -> dict[int, Appeal]:
    """The employee's appeals keyed by the line they contest."""
    rows = session.scalars(select(Appeal).where(Appeal.employee_id == employee_id))
    return {a.line_id: a for a in rows}


def decided_on(appeal: Appeal) -> date | None:
    """The date of the latest decision, for listings."""
    return appeal.decided_at.date() if appeal.decided_at else None
