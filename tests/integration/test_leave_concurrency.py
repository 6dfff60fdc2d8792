"""Two approvers deciding one request at the same moment give exactly one decision (L-3, §7)."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from decimal import Decimal

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.committed_data import site_with_team
from webapp.extensions import db
from webapp.models import AuditEntry, Employee
from webapp.models.leave import LeaveRequest
from webapp.services import leave_decisions


def _setup(session: Session) -> int:
    _, people = site_with_team(
        session, "并发中心", {"C01": {"agent"}, "CL1": {"lead"}, "CD1": {"director"}}
    )
    agent = people["C01"]
    start = dt.datetime(2030, 3, 4, 1, 0, tzinfo=dt.UTC)
    request = LeaveRequest(
        employee_id=agent.id,
        leave_type="temporary",
        start_at=start,
        end_at=start + dt.timedelta(hours=1),
        days=Decimal("0.13"),
        route_role="lead",
        status="pending",
    )
    session.add(request)
    session.commit()
    return request.id


def test_L3_concurrent_approve_and_reject_resolve_to_one_decision(committed_app: Flask) -> None:
    with committed_app.app_context():
        request_id = _setup(db.session)
        engine = db.engine
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(code: str, approve: bool) -> None:
        with Session(engine) as session:
            actor = session.scalars(select(Employee).where(Employee.code == code)).one()
            leave_decisions.get_request(session, request_id)  # both read it pending
            # PostgreSQL lets both read before either writes; SQLite's BEGIN IMMEDIATE makes
            # the second wait for the first's commit, so there the barrier gives up.
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=2)
            try:
                leave_decisions.decide(session, actor, request_id, approve, "decided")
                session.commit()
                outcomes[code] = "decided"
            except leave_decisions.AlreadyDecided:
                session.rollback()
                outcomes[code] = "already decided"
            except Exception as error:  # the database's own refusal under the race
                session.rollback()
                outcomes[code] = f"refused: {type(error).__name__}"

    threads = [
        threading.Thread(target=act, args=("CL1", True)),
        threading.Thread(target=act, args=("CD1", False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()).count("decided") == 1, outcomes
    with Session(engine) as session:
        request = session.get(LeaveRequest, request_id)
        assert request is not None and request.status in ("approved", "rejected")
        assert request.version == 2
        decisions = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.object_type == "LeaveRequest", AuditEntry.object_id == request_id)
        )
        assert decisions == 1
