"""The published-roster lookup other areas use (A-2): UTC instants from the site time zone."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.roster_factories import MONDAY
from webapp.models import Employee, Roster, RosterAssignment, ShiftType, Site
from webapp.services import roster, roster_edit

UTC = dt.UTC


def _shift(site: Site, code: str) -> ShiftType:
    return next(s for s in site.shift_types if s.code == code)


def _cell(session: Session, r: Roster, code: str, date: dt.date) -> RosterAssignment:
    emp = session.scalars(select(Employee).where(Employee.code == code)).one()
    return next(c for c in r.assignments if c.employee_id == emp.id and c.date == date)


def test_night_shift_ends_next_morning_in_utc_A2(
    session: Session, roster_site: Site, published_roster: Roster
) -> None:
    cell = _cell(session, published_roster, "A01", MONDAY)
    cell.kind, cell.shift_type, cell.break_start, cell.cover_id = (
        "shift",
        _shift(roster_site, "N"),
        None,
        None,
    )
    session.flush()
    found = roster.published_shift(session, cell.employee, MONDAY)
    assert found is not None and found.shift_code == "N" and found.is_night
    assert found.start == dt.datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 17:00 Shanghai
    assert found.end == dt.datetime(2026, 11, 23, 23, 30, tzinfo=UTC)  # 07:30 next day


def test_day_shift_break_is_given_in_utc_S3(
    session: Session, roster_site: Site, published_roster: Roster
) -> None:
    cell = _cell(session, published_roster, "A02", MONDAY)
    cell.kind, cell.shift_type, cell.break_start, cell.cover_id = (
        "shift",
        _shift(roster_site, "D"),
        12 * 60,
        None,
    )
    session.flush()
    found = roster.published_shift(session, cell.employee, MONDAY)
    assert found is not None and not found.is_night
    assert found.start == dt.datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    assert found.break_start == dt.datetime(2026, 11, 23, 4, 0, tzinfo=UTC)
    assert found.break_end == dt.datetime(2026, 11, 23, 5, 0, tzinfo=UTC)


def test_drafts_are_not_published_and_rest_days_are_not_shifts(
    session: Session, roster_site: Site, draft_roster: Roster
) -> None:
    assert roster.published_assignments(session, roster_site.id, MONDAY, MONDAY) == []
    draft_roster.status = "published"
    draft_roster.published_at = dt.datetime(2026, 11, 20, tzinfo=UTC)
    session.flush()
    shifts = roster.published_assignments(session, roster_site.id, MONDAY, MONDAY + dt.timedelta(6))
    rests = [c for c in draft_roster.assignments if c.kind == "rest"]
    assert len(shifts) == 49 - len(rests)
    assert shifts == sorted(shifts, key=lambda s: (s.start, s.employee_code))


def test_the_later_publication_wins_for_a_shared_date(
    session: Session, roster_site: Site, published_roster: Roster, director: Employee
) -> None:
    a01 = _cell(session, published_roster, "A01", MONDAY)
    later = Roster(site_id=roster_site.id, first_date=MONDAY, days=1, status="draft")
    later.assignments.append(
        RosterAssignment(
            employee_id=a01.employee_id,
            date=MONDAY,
            kind="shift",
            shift_type_id=_shift(roster_site, "M").id,
        )
    )
    session.add(later)
    session.flush()
    roster_edit.publish_checked(session, director, later, [])
    found = roster.published_shift(session, a01.employee, MONDAY)
    assert found is not None and found.shift_code == "M" and found.roster_id == later.id
