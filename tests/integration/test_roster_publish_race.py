"""A roster publication racing a swap approval leaves one consistent roster (L-6, issue 8)."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.committed_data import agents_lead_director, site_with_team
from tests.roster_factories import MONDAY, solved
from webapp.extensions import db
from webapp.models import Employee, Roster, ShiftSwap
from webapp.services import roster as rs
from webapp.services import roster_edit, roster_problem, swaps
from webapp.services.errors import ServiceError

DAY = MONDAY + dt.timedelta(days=2)


def _setup(session: Session) -> tuple[int, int]:
    """A published week, an accepted swap on it, and a new draft of the same week."""
    site, people = site_with_team(session, "竞态中心", agents_lead_director())
    staff = [people[f"A{n:02d}"] for n in range(1, 8)]
    director = people["DR01"]
    bundle = roster_problem.build_problem(session, site, MONDAY, 7)
    first = roster_edit.store_solution(session, site, bundle, solved(bundle), None)
    roster_edit.publish_checked(session, director, first, [])
    working = sorted(
        (c.employee_id, c.shift_type_id)
        for c in first.assignments
        if c.date == DAY and c.kind == "shift"
    )
    one, two = next((a, b) for a, sa in working for b, sb in working if sa != sb)
    by_id = {e.id: e for e in staff}
    swap = swaps.propose(session, by_id[one], "swap", DAY, MONDAY - dt.timedelta(days=1), two)
    swaps.accept(session, by_id[two], swap.id)
    draft = roster_edit.store_solution(session, site, bundle, solved(bundle), None, based_on=first)
    session.commit()
    return swap.id, draft.id


def test_publish_racing_a_swap_approval_keeps_one_consistent_roster(
    committed_app: Flask,
) -> None:
    with committed_app.app_context():
        swap_id, draft_id = _setup(db.session)
        engine = db.engine
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}

    def run(name: str, action: object) -> None:
        with Session(engine) as session:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=2)
            try:
                action(session)  # type: ignore[operator]
                session.commit()
                outcome[name] = "done"
            except ServiceError as error:
                session.rollback()
                outcome[name] = f"refused: {error.message}"

    def publish(session: Session) -> None:
        director = session.scalars(select(Employee).where(Employee.code == "DR01")).one()
        roster_edit.publish_roster(session, director, draft_id, force=True)

    def approve(session: Session) -> None:
        lead = session.scalars(select(Employee).where(Employee.code == "L01")).one()
        swaps.approve(session, lead, swap_id, force=True)

    threads = [
        threading.Thread(target=run, args=("publish", publish)),
        threading.Thread(target=run, args=("swap", approve)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert set(outcome) == {"publish", "swap"}, outcome
    assert "done" in outcome.values(), outcome
    assert list(outcome.values()).count("done") == 1, outcome  # never both
    with Session(engine) as session:
        swap = session.get(ShiftSwap, swap_id)
        draft = session.get(Roster, draft_id)
        assert swap is not None and draft is not None
        if outcome["swap"] == "done":
            assert swap.status == "approved" and draft.status == "draft"
            cells = rs.published_cells(session, draft.site_id, DAY, DAY)
            mine = cells[swap.requester_id, DAY]
            theirs = cells[swap.colleague_id, DAY]  # type: ignore[index]
            assert mine.shift_type_id != theirs.shift_type_id
            assert mine.roster_id != draft_id
        else:
            assert draft.status == "published" and swap.status == "accepted"
