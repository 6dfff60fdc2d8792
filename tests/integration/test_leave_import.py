"""`paiban import-leave` (FORMATS §4) and the agent's safe-days hint (issue 6)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.test_leave import person
from tests.roster_factories import MONDAY
from webapp.extensions import db
from webapp.models import Roster, RosterAssignment, Site
from webapp.models.leave import LeaveRequest
from webapp.services import leave_coverage

EMPLOYEES = (
    "code,name,site,team,roles,monthly_base_pay,skills,email\n"
    "H01,甲,历史中心,T1,agent,5000,zh,\n"
    "H02,乙,历史中心,T1,lead,6000,zh,\n"
    "H03,丙,历史中心,T1,agent,5000,zh,\n"
)
HEADER = "request_id,employee_code,type,start,end,status,decided_by\n"
GOOD = (
    "r1,H01,personal,2026-10-05T08:00+08:00,2026-10-05T17:00+08:00,approved,H02\n"
    "r2,H01,sick,2026-10-09T08:00+08:00,2026-10-09T12:00+08:00,rejected,H02\n"
    "r3,H03,annual,2026-10-12T08:00+08:00,2026-10-13T17:00+08:00,pending,\n"
)


def test_FORMATS4_import_leave_is_idempotent_and_checks_the_approver(
    cli_app: Flask, tmp_path: Path
) -> None:
    runner = cli_app.test_cli_runner()
    (tmp_path / "e.csv").write_text(EMPLOYEES, encoding="utf-8")
    assert runner.invoke(args=["import-employees", str(tmp_path / "e.csv")]).exit_code == 0
    good = tmp_path / "leave.csv"
    good.write_text(HEADER + GOOD, encoding="utf-8")
    first = runner.invoke(args=["import-leave", str(good)])
    assert first.exit_code == 0, first.output
    assert "created 3" in first.output
    again = runner.invoke(args=["import-leave", str(good)])
    assert "created 0, updated 0, unchanged 3" in again.output
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER + "r9,H03,personal,2026-10-20T08:00+08:00,2026-10-20T17:00+08:00,"
        "approved,H01\nr10,H01,holiday,2026-10-21T08:00+08:00,"
        "2026-10-21T09:00+08:00,pending,\n",
        encoding="utf-8",
    )
    refused = runner.invoke(args=["import-leave", str(bad)])
    assert refused.exit_code == 2
    assert (
        "line 2, column decided_by: approver lacks the lead or director role (L-3)"
        in refused.output
    )
    assert "line 3, column type" in refused.output
    with cli_app.app_context():
        ids = sorted(db.session.scalars(select(LeaveRequest.external_id)))
        approved = db.session.scalars(
            select(LeaveRequest).where(LeaveRequest.external_id == "r1")
        ).one()
        assert approved.status == "approved" and approved.route_role == "director"
    assert ids == ["r1", "r2", "r3"]


def test_L5_safe_days_are_the_shifts_someone_else_also_covers(
    session: Session, roster_site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One day, one agent needed around the clock: A02 and A03 share the early shift, A04 alone
    # works the middle shift's 16:00-17:00, A01 the night.
    day = MONDAY
    shifts = {s.code: s.id for s in roster_site.shift_types}
    roster = Roster(
        site_id=roster_site.id,
        first_date=day,
        days=1,
        status="published",
        published_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
    )
    for code, shift in (("A01", "N"), ("A02", "E"), ("A03", "E"), ("A04", "M")):
        roster.assignments.append(
            RosterAssignment(
                employee_id=person(session, code).id,
                date=day,
                kind="shift",
                shift_type_id=shifts[shift],
            )
        )
    session.add(roster)
    session.flush()
    now = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(9), dt.UTC)
    monkeypatch.setattr(leave_coverage, "utcnow", lambda: now)
    assert leave_coverage.safe_days(session, person(session, "A02")) == [day]
    assert leave_coverage.safe_days(session, person(session, "A04")) == []
    assert leave_coverage.safe_days(session, person(session, "A05")) == []
