"""Two deciders of one appeal at the same moment give exactly one decision (D-appeal, §7)."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attendance.catalogue import rule_in_force
from attendance.deductions import build_line
from attendance.model import SourceKind
from webapp.extensions import db
from webapp.models import Appeal, AuditEntry, Employee, MoneyLine
from webapp.services import appeals, employees, ledger, org
from webapp.services.errors import ServiceError


def _setup(session: Session) -> int:
    site = org.create_site(session, None, "申诉中心", "Asia/Shanghai")
    team = org.save_team(session, None, site.id, "T1")

    def person(code: str, roles: set[str]) -> Employee:
        values = employees.EmployeeValues(code, code, site.id, team.id, frozenset(roles),
                                          Decimal("5000"))  # fmt: skip
        return employees.save_employee(session, None, values)

    agent = person("P01", {"agent"})
    person("PL1", {"lead"})
    person("PD1", {"director"})
    day = date(2026, 11, 3)
    line = build_line(rule_in_force("D-7", day), str(agent.id), day, "lights on",
                      Decimal("-10"), SourceKind.INCIDENT, "x")  # fmt: skip
    report = ledger.sync_lines_for_source(
        session, SourceKind.INCIDENT, ledger.SourceRef("incident", "x"), [line]
    )
    appeal = appeals.file_appeal(session, agent, report.inserted_ids[0], "they were off")
    session.commit()
    return appeal.id


def test_D_appeal_concurrent_uphold_and_reject_resolve_to_one_decision(
    committed_app: Flask,
) -> None:
    with committed_app.app_context():
        appeal_id = _setup(db.session)
        engine = db.engine
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(code: str, uphold: bool) -> None:
        # Both start together and decide against version 1, the state both saw on the page.
        # PostgreSQL runs them side by side (the version column refuses the second UPDATE);
        # SQLite's BEGIN IMMEDIATE serialises them (the second sees version 2 and refuses).
        barrier.wait(timeout=30)
        with Session(engine) as session:
            try:
                actor = session.scalars(select(Employee).where(Employee.code == code)).one()
                appeals.decide_first(session, actor, appeal_id, uphold, "decided", 1)
                session.commit()
                outcomes[code] = "decided"
            except ServiceError:
                session.rollback()
                outcomes[code] = "already decided"
            except Exception as error:  # the database's own refusal under the race
                session.rollback()
                outcomes[code] = f"refused: {type(error).__name__}"

    threads = [threading.Thread(target=act, args=("PL1", True)),
               threading.Thread(target=act, args=("PD1", False))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert list(outcomes.values()).count("decided") == 1, outcomes
    with Session(engine) as session:
        appeal = session.get(Appeal, appeal_id)
        assert appeal is not None and appeal.state in ("upheld", "rejected")
        assert appeal.version == 2 and len(appeal.history) == 2
        decisions = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "appeal.decide_first", AuditEntry.object_id == appeal_id)
        )
        assert decisions == 1
        reversals = session.scalar(
            select(func.count()).select_from(MoneyLine).where(MoneyLine.source == "appeal")
        )
        assert reversals == (1 if appeal.state == "upheld" else 0)


def test_D9_two_incidents_recorded_at_once_still_climb_the_ladder(committed_app: Flask) -> None:
    from webapp.services import incidents

    with committed_app.app_context():
        site = org.create_site(db.session, None, "阶梯中心", "Asia/Shanghai")
        team = org.save_team(db.session, None, site.id, "T1")
        for code, roles in (("Q01", {"agent"}), ("QL1", {"lead"}), ("QD1", {"director"})):
            values = employees.EmployeeValues(code, code, site.id, team.id, frozenset(roles),
                                              Decimal("5000"))  # fmt: skip
            employees.save_employee(db.session, None, values)
        db.session.commit()
        engine = db.engine
    barrier = threading.Barrier(2)
    errors: list[str] = []

    def record(code: str, day: int) -> None:
        barrier.wait(timeout=30)
        with Session(engine) as session:
            try:
                actor = session.scalars(select(Employee).where(Employee.code == code)).one()
                agent = session.scalars(select(Employee).where(Employee.code == "Q01")).one()
                incidents.record_incident(session, actor, agent.id, "D-9", date(2026, 11, day),
                                          None, "phone", today=date(2026, 11, 22))  # fmt: skip
                session.commit()
            except Exception as error:
                session.rollback()
                errors.append(repr(error))

    threads = [threading.Thread(target=record, args=("QL1", 3)),
               threading.Thread(target=record, args=("QD1", 4))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with Session(engine) as session:
        amounts = session.scalars(
            select(MoneyLine.amount)
            .where(MoneyLine.rule_id == "D-9", MoneyLine.state == "active")
            .order_by(MoneyLine.date)
        ).all()
    assert amounts == [Decimal("0.00"), Decimal("-10.00")]
