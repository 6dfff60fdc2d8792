"""A roster change recomputes attendance of exactly the changed shifts (A-2, issue 5 item 6)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.roster_factories import MONDAY, solved
from webapp.models import Employee, Roster, ShiftAttendance
from webapp.services import roster_edit, roster_problem


def results(session: Session) -> dict[tuple[str, str], ShiftAttendance]:
    rows = session.scalars(select(ShiftAttendance))
    return {(r.employee.code, r.date.isoformat()): r for r in rows}


def test_publishing_a_roster_creates_results_for_its_shifts(
    session: Session, draft_roster: Roster, director: Employee
) -> None:
    assert results(session) == {}
    roster_edit.publish_roster(session, director, draft_roster.id, force=True)
    stored = results(session)
    shifts = {
        (c.employee.code, c.date.isoformat()) for c in draft_roster.assignments if c.kind == "shift"
    }
    assert shifts and shifts <= set(stored)


def test_republishing_recomputes_only_the_changed_cells(
    session: Session, published_roster: Roster, director: Employee
) -> None:
    first = results(session)
    stamps = {key: row.computed_at for key, row in first.items()}
    bundle = roster_problem.build_problem(session, published_roster.site, MONDAY, 7)
    draft = roster_edit.store_solution(
        session, published_roster.site, bundle, solved(bundle), None, based_on=published_roster
    )
    cell = next(c for c in draft.assignments if c.kind == "shift")
    cell.kind, cell.shift_type_id = "rest", None
    session.flush()
    roster_edit.publish_roster(session, director, draft.id, force=True)
    after = results(session)
    key = (cell.employee.code, cell.date.isoformat())
    assert key not in after  # no shift any more: its result is gone
    untouched = [k for k in stamps if k[0] != cell.employee.code]
    assert all(after[k].computed_at == stamps[k] for k in untouched if k in after)
