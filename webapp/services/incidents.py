"""Incidents D-3…D-12 recorded by leads or imported (FORMATS §4), and their money lines."""

from __future__ import annotations

import io
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import extract, select
from sqlalchemy.orm import Session

from attendance.clock import ProxySuspicion
from attendance.errors import AttendanceError
from attendance.importers import import_incidents as parse_incidents
from attendance.incidents import INCIDENT_RULES, incident_lines, proxy_punching_incidents
from attendance.model import Incident as DomainIncident
from attendance.model import MoneyLine as DomainLine
from webapp.models import Employee, Incident
from webapp.permissions import manages_team, may_decide_for
from webapp.services import audit
from webapp.services.employee_locks import lock_employees
from webapp.services.errors import Forbidden, NotFound, ServiceError
from webapp.services.ledger import SourceRef, sync_lines
from webapp.services.rule_catalogue import Catalogue, load_catalogue

INCIDENT_FIELDS = ("key", "employee_id", "date", "rule_id", "amount", "note")
Group = tuple[int, str, int, int]  # employee id, rule, year, month: one ladder count (D-9, D-10)


def incident_ref(incident: Incident) -> SourceRef:
    """The ledger source of an incident's line."""
    return SourceRef("incident", str(incident.id))


def to_domain(incident: Incident) -> DomainIncident:
    """A stored incident as attendance.incidents takes it; the code is the employee id."""
    return DomainIncident(incident.key, str(incident.employee_id), incident.date,
                          incident.rule_id, incident.amount, incident.note)  # fmt: skip


def group_of(incident: Incident) -> Group:
    """The ladder counting group of an incident: per employee, rule and calendar month."""
    return (incident.employee_id, incident.rule_id, incident.date.year, incident.date.month)


def resync_groups(
    session: Session, groups: Iterable[Group], catalogue: Catalogue | None = None
) -> None:
    """Recompute the lines of every incident in the groups: ladders count in date order."""
    cat = catalogue or load_catalogue(session)
    batch: dict[SourceRef, Sequence[DomainLine]] = {}
    for employee_id, rule_id, year, month in sorted(set(groups)):
        rows = list(
            session.scalars(
                select(Incident).where(
                    Incident.employee_id == employee_id, Incident.rule_id == rule_id,
                    extract("year", Incident.date) == year,
                    extract("month", Incident.date) == month,
                )
            )
        )  # fmt: skip
        by_key = {row.key: row for row in rows}
        try:
            lines = incident_lines([to_domain(r) for r in rows], cat.versions)
        except AttendanceError as error:
            raise ServiceError(f"{error.field}: {error.text} ({error.rule})", error.field,
                               error.rule) from None  # fmt: skip
        for line in lines:
            batch[incident_ref(by_key[line.source_ref])] = (line,)
    sync_lines(session, batch, cat)


def resync_from(session: Session, rule_id: str, since: date) -> None:
    """After a rule change: recompute incident lines of that rule from its month on (§6)."""
    rows = session.scalars(
        select(Incident).where(Incident.rule_id == rule_id, Incident.date >= since.replace(day=1))
    )
    resync_groups(session, [group_of(r) for r in rows])


def _check_recorder(actor: Employee | None, employee: Employee) -> None:
    if actor is None:
        return
    if not may_decide_for(actor, employee):
        raise Forbidden("Nobody records an incident against themselves (§1).", "employee_id", "§1")
    if not manages_team(actor, employee.team_id):
        raise Forbidden(
            f"{employee.code} is not in a team you lead (§1).", "employee_id", "§1"
        )  # fmt: skip


def record_incident(
    session: Session,
    actor: Employee | None,
    employee_id: int,
    rule_id: str,
    on: date,
    amount: Decimal | None,
    note: str,
    today: date | None = None,
) -> Incident:
    """A lead records one incident for a member of their own team (D-3…D-12)."""
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise NotFound("No such employee.", "employee_id", "§1")
    _check_recorder(actor, employee)
    lock_employees(session, [employee.id])  # the month's ladder count is read next (D-9/D-10)
    if rule_id not in INCIDENT_RULES:
        raise ServiceError(f"{rule_id} is not an incident rule (D-3 … D-12).", "rule_id", "§6")
    if on > (today or date.today()):
        raise ServiceError("An incident cannot lie in the future.", "date", rule_id)
    incident = Incident(
        key=f"web-{uuid.uuid4().hex[:16]}", employee_id=employee.id, date=on, rule_id=rule_id,
        amount=amount, note=note.strip(), origin="form",
        recorded_by_id=actor.id if actor else None,
    )  # fmt: skip
    session.add(incident)
    session.flush()
    resync_groups(session, [group_of(incident)])
    audit.record(session, actor, "incident.record", incident, None,
                 audit.snapshot(incident, INCIDENT_FIELDS))  # fmt: skip
    if rule_id == "D-11":
        _open_hr_case(session, incident)
    return incident


def _open_hr_case(session: Session, incident: Incident) -> None:
    """D-11: every HR person of the site hears of the dismissal case at once (§6)."""
    from webapp.models import EmployeeRole
    from webapp.services import notifications

    employee = session.get(Employee, incident.employee_id)
    assert employee is not None
    hr_people = session.scalars(
        select(Employee)
        .join(EmployeeRole, EmployeeRole.employee_id == Employee.id)
        .where(EmployeeRole.role == "hr", Employee.site_id == employee.site_id,
               Employee.active.is_(True))
    )  # fmt: skip
    text = f"D-11: dismissal case for {employee.code} {employee.name} ({incident.date})."
    for person in hr_people:
        notifications.notify(session, person, text, "/payroll/appeals")


@dataclass
class ImportReport:
    """Counts of one incident import (FORMATS §4)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        """One line for the terminal."""
        return (f"incidents: {self.created} created, {self.updated} updated, "
                f"{self.unchanged} unchanged")  # fmt: skip


def import_incidents(session: Session, actor: Employee | None, data: bytes) -> ImportReport:
    """Create or update incidents by `incident_id`; all rows or none (FORMATS §4).

    Raises attendance.errors.ImportRejected naming every bad line and column.
    """
    codes = dict(session.execute(select(Employee.code, Employee.id)).all())
    cat = load_catalogue(session)
    parsed = parse_incidents(io.BytesIO(data), set(codes), cat.versions)
    existing = {
        row.key: row
        for row in session.scalars(
            select(Incident).where(Incident.key.in_([p.incident_id for p in parsed]))
        )
    }
    report = ImportReport()
    groups: set[Group] = set()
    for item in parsed:
        values = {"employee_id": codes[item.employee_code], "date": item.date,
                  "rule_id": item.rule_id, "amount": item.amount, "note": item.note}  # fmt: skip
        row = existing.get(item.incident_id)
        if row is None:
            row = Incident(key=item.incident_id, origin="import", **values)
            session.add(row)
            report.created += 1
        elif all(getattr(row, k) == v for k, v in values.items()):
            report.unchanged += 1
            continue
        else:
            groups.add(group_of(row))
            before = audit.snapshot(row, INCIDENT_FIELDS)
            for name, value in values.items():
                setattr(row, name, value)
            audit.record(session, actor, "incident.update", row, before,
                         audit.snapshot(row, INCIDENT_FIELDS))  # fmt: skip
            report.updated += 1
        session.flush()
        groups.add(group_of(row))
    resync_groups(session, groups, cat)
    return report


def team_incidents(session: Session, actor: Employee, limit: int = 50) -> list[Incident]:
    """Recent incidents of the teams the actor manages, newest first."""
    query = (
        select(Incident)
        .join(Employee, Employee.id == Incident.employee_id)
        .where(Employee.site_id == actor.site_id)
        .order_by(Incident.date.desc(), Incident.id.desc())
        .limit(limit)
    )
    if not actor.roles & {"director", "admin"}:
        query = query.where(Employee.team_id == actor.team_id)
    return list(session.scalars(query))


def hr_cases(session: Session) -> list[Incident]:
    """D-11 incidents: dismissal cases opened for HR, no amount (§6)."""
    return list(
        session.scalars(
            select(Incident).where(Incident.rule_id == "D-11").order_by(Incident.date.desc())
        )
    )


def recordable_employees(session: Session, actor: Employee) -> list[Employee]:
    """Whom the actor may record an incident for: their teams' members, never themselves."""
    rows = session.scalars(
        select(Employee)
        .where(Employee.site_id == actor.site_id, Employee.active.is_(True))
        .order_by(Employee.code)
    )
    return [e for e in rows if e.id != actor.id and manages_team(actor, e.team_id)]


def groups_by_month(incidents: Iterable[Incident]) -> dict[Group, list[Incident]]:
    """Incidents per ladder counting group (for showing the step reached)."""
    grouped: dict[Group, list[Incident]] = defaultdict(list)
    for row in incidents:
        grouped[group_of(row)].append(row)
    return grouped


def record_proxy_punching(session: Session, actor: Employee | None, flag: Any) -> list[Incident]:
    """A confirmed A-6 proxy flag becomes a D-4 incident for each person involved; confirming
    twice changes nothing (the incident keys are the clock event ids)."""
    from webapp.services.attendance_results import settings_for

    first = flag.first
    on = first.at.astimezone(settings_for(first.employee.site).zone).date()
    made = []
    for domain in proxy_punching_incidents(_suspicion(flag), on):
        row = session.scalar(select(Incident).where(Incident.key == domain.incident_id))
        if row is None:
            row = Incident(key=domain.incident_id, employee_id=int(domain.employee_code),
                           date=on, rule_id="D-4", amount=None, note=domain.note, origin="A-6",
                           recorded_by_id=actor.id if actor else None)  # fmt: skip
            session.add(row)
            session.flush()
            audit.record(session, actor, "incident.record", row, None,
                         audit.snapshot(row, INCIDENT_FIELDS))  # fmt: skip
        made.append(row)
    resync_groups(session, [group_of(r) for r in made])
    return made


def _suspicion(flag: Any) -> ProxySuspicion:
    from webapp.services.attendance_results import to_domain as event_to_domain

    return ProxySuspicion(flag.device, event_to_domain(flag.first), event_to_domain(flag.second))
