"""Re-publishing over a published roster: agents whose cells change are notified (L-5)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.roster_factories import MONDAY
from webapp.models import Employee, Roster, RosterAssignment
from webapp.models.leave import Notification
from webapp.services import roster_edit


def based_copy(session: Session, base: Roster) -> Roster:
    """A draft re-solve of a published roster, cell for cell (as a stable re-solve starts)."""
    draft = Roster(
        site_id=base.site_id,
        first_date=base.first_date,
        days=base.days,
        status="draft",
        version=base.version + 1,
        based_on_id=base.id,
    )
    for c in base.assignments:
        draft.assignments.append(
            RosterAssignment(
                employee_id=c.employee_id,
                date=c.date,
                kind=c.kind,
                shift_type_id=c.shift_type_id,
                break_start=c.break_start,
                cover_id=c.cover_id,
            )
        )
    session.add(draft)
    session.flush()
    return draft


def test_publishing_a_re_solve_notifies_exactly_the_agents_whose_cells_changed_L5(
    session: Session, published_roster: Roster, director: Employee
) -> None:
    draft = based_copy(session, published_roster)
    monday = {c.employee.code: c for c in draft.assignments if c.date == MONDAY}
    working = sorted(code for code, c in monday.items() if c.kind == "shift")
    one, two = next(
        (a, b)
        for a in working
        for b in working
        if monday[a].shift_type_id != monday[b].shift_type_id
    )
    first, second = monday[one], monday[two]
    first.shift_type_id, second.shift_type_id = second.shift_type_id, first.shift_type_id
    first.break_start, second.break_start = second.break_start, first.break_start
    session.flush()
    session.expire_all()
    roster_edit.publish_checked(session, director, draft, [])
    notes = session.scalars(select(Notification).order_by(Notification.employee_id)).all()
    assert sorted(session.get(Employee, n.employee_id).code for n in notes) == sorted([one, two])
    assert all(n.link == "/roster/mine" for n in notes)
    assert all("Your published roster changed: 11-23" in n.text for n in notes)


def test_a_first_publication_notifies_nobody(session: Session, published_roster: Roster) -> None:
    assert session.scalars(select(Notification)).all() == []
