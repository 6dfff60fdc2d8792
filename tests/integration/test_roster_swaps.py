"""Shift swaps (L-6): propose, accept, hard-rule check, lead approval changes the roster."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.roster_factories import MONDAY
from webapp.models import AuditEntry, Employee, Roster, RosterAssignment, ShiftSwap, Site
from webapp.models.leave import Notification
from webapp.services import roster as rs
from webapp.services import swaps
from webapp.services.errors import Forbidden, ServiceError

TODAY = MONDAY - dt.timedelta(days=1)


def person(session: Session, code: str) -> Employee:
    return session.scalars(select(Employee).where(Employee.code == code)).one()


def cell(session: Session, roster: Roster, code: str, date: dt.date) -> RosterAssignment:
    emp = person(session, code)
    return next(c for c in roster.assignments if c.employee_id == emp.id and c.date == date)


def set_shift(session: Session, roster: Roster, code: str, date: dt.date, shift: str) -> None:
    target = cell(session, roster, code, date)
    kind = next(s for s in roster.site.shift_types if s.code == shift)
    target.kind, target.shift_type_id, target.cover_id, target.break_start = (
        "shift", kind.id, None, None,
    )  # fmt: skip
    session.flush()
    session.expire_all()


def two_different_shifts(session: Session, roster: Roster, date: dt.date) -> tuple[str, str]:
    working = sorted(
        (c.employee.code, c.shift_type_id)
        for c in roster.assignments
        if c.date == date and c.kind == "shift"
    )
    return next((a, b) for a, sa in working for b, sb in working if sa != sb)


def test_an_approved_swap_exchanges_the_published_cells_and_is_audited_L6(
    session: Session, published_roster: Roster, roster_site: Site
) -> None:
    day = MONDAY + dt.timedelta(days=2)
    one, two = two_different_shifts(session, published_roster, day)
    before = {c: cell(session, published_roster, c, day).shift_type_id for c in (one, two)}
    swap = swaps.propose(session, person(session, one), "swap", day, TODAY, person(session, two).id)
    assert swap.status == "proposed"
    with pytest.raises(Forbidden):
        swaps.accept(session, person(session, "A07" if "A07" not in (one, two) else "A06"),
                     swap.id)  # fmt: skip
    swaps.accept(session, person(session, two), swap.id)
    assert swap.status == "accepted"
    with pytest.raises(Forbidden, match="lead approves"):
        swaps.approve(session, person(session, two), swap.id)
    swaps.approve(session, person(session, "L01"), swap.id)
    assert swap.status == "approved" and swap.decided_by_id == person(session, "L01").id
    session.expire_all()
    now = rs.published_cells(session, roster_site.id, day, day)
    assert now[person(session, one).id, day].shift_type_id == before[two]
    assert now[person(session, two).id, day].shift_type_id == before[one]
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert [a for a in actions if a.startswith(("swap.", "roster.swap"))] == [
        "swap.propose",
        "swap.accept",
        "swap.approve",
        "roster.swap",
    ]
    told = {n.employee_id for n in session.scalars(select(Notification))}
    assert {person(session, one).id, person(session, two).id} <= told


def test_a_swap_that_breaks_rest_between_shifts_is_shown_and_needs_an_override_R5(
    session: Session, published_roster: Roster
) -> None:
    tuesday = MONDAY + dt.timedelta(days=1)
    set_shift(session, published_roster, "A01", MONDAY, "N")
    set_shift(session, published_roster, "A01", tuesday, "N")
    set_shift(session, published_roster, "A02", tuesday, "E")
    swap = swaps.propose(
        session, person(session, "A01"), "swap", tuesday, TODAY, person(session, "A02").id
    )
    swaps.accept(session, person(session, "A02"), swap.id)
    assert any(v.startswith("R-5") for v in swap.violations)
    with pytest.raises(ServiceError, match="hard-rule violation") as raised:
        swaps.approve(session, person(session, "L01"), swap.id)
    assert raised.value.rule == "R-5"
    swaps.approve(session, person(session, "L01"), swap.id, force=True)
    assert swap.status == "approved"
    assert cell(session, published_roster, "A01", tuesday).shift_type.code == "E"


def test_an_open_offer_is_taken_by_a_teammate_and_a_passed_day_cannot_be_swapped(
    session: Session, published_roster: Roster
) -> None:
    day = MONDAY + dt.timedelta(days=3)
    giver = next(
        c.employee.code for c in published_roster.assignments
        if c.date == day and c.kind == "shift"
    )  # fmt: skip
    taker = next(
        c.employee.code for c in published_roster.assignments
        if c.date == day and c.kind == "rest"
    )  # fmt: skip
    offer = swaps.propose(session, person(session, giver), "offer", day, TODAY)
    assert offer.colleague_id is None
    assert offer in swaps.swaps_of(session, person(session, taker))
    swaps.accept(session, person(session, taker), offer.id)
    assert offer.colleague_id == person(session, taker).id
    assert any(f"{giver} " in line and "→ rest" in line for line in swaps.preview(session, offer))
    with pytest.raises(ServiceError, match="has passed") as raised:
        swaps.propose(session, person(session, giver), "offer", MONDAY, MONDAY + dt.timedelta(1))
    assert raised.value.field == "date" and raised.value.rule == "L-6"


def test_bad_swap_requests_name_the_field_and_change_nothing(
    session: Session, published_roster: Roster, make_employee: object
) -> None:
    a01 = person(session, "A01")
    rest = next(c for c in published_roster.assignments if c.employee_id == a01.id
                and c.kind == "rest")  # fmt: skip
    with pytest.raises(ServiceError) as raised:
        swaps.propose(session, a01, "swap", rest.date, TODAY, person(session, "A02").id)
    assert raised.value.field == "date"
    with pytest.raises(ServiceError) as raised:
        swaps.propose(session, a01, "swap", MONDAY, TODAY, a01.id)
    assert raised.value.field == "colleague_id"
    with pytest.raises(ServiceError) as raised:
        swaps.propose(session, a01, "trade", MONDAY, TODAY)
    assert raised.value.field == "kind"
    assert session.scalars(select(ShiftSwap)).all() == []


def test_withdrawn_and_rejected_swaps_cannot_be_approved(
    session: Session, published_roster: Roster
) -> None:
    day = MONDAY + dt.timedelta(days=2)
    one, two = two_different_shifts(session, published_roster, day)
    swap = swaps.propose(session, person(session, one), "swap", day, TODAY, person(session, two).id)
    swaps.accept(session, person(session, two), swap.id)
    swaps.reject(session, person(session, "L01"), swap.id)
    with pytest.raises(ServiceError, match="only an accepted swap"):
        swaps.approve(session, person(session, "L01"), swap.id)
    again = swaps.propose(
        session, person(session, one), "swap", day, TODAY, person(session, two).id
    )
    swaps.withdraw(session, person(session, one), again.id)
    with pytest.raises(ServiceError, match="this swap is withdrawn"):
        swaps.accept(session, person(session, two), again.id)


def test_L6_a_draft_made_before_an_approved_swap_is_not_published_over_it(
    session: Session, published_roster: Roster, roster_site: Site, director: Employee
) -> None:
    from tests.roster_factories import solved
    from webapp.services import roster_edit, roster_problem

    bundle = roster_problem.build_problem(session, roster_site, MONDAY, 7)
    stale = roster_edit.store_solution(
        session, roster_site, bundle, solved(bundle), None, based_on=published_roster
    )
    day = MONDAY + dt.timedelta(days=2)
    one, two = two_different_shifts(session, published_roster, day)
    swap = swaps.propose(session, person(session, one), "swap", day, TODAY, person(session, two).id)
    swaps.accept(session, person(session, two), swap.id)
    swaps.approve(session, person(session, "L01"), swap.id, force=True)
    swapped = {c: cell(session, published_roster, c, day).shift_type_id for c in (one, two)}
    with pytest.raises(ServiceError, match="changed after this draft was made") as refused:
        roster_edit.publish_roster(session, director, stale.id, force=True)
    assert refused.value.rule == "L-6"
    assert stale.status == "draft"
    published = rs.published_cells(session, roster_site.id, day, day)
    assert {c: published[person(session, c).id, day].shift_type_id for c in (one, two)} == swapped


def test_R11_a_fresh_draft_cannot_be_published_over_a_published_week(
    session: Session, published_roster: Roster, roster_site: Site, director: Employee
) -> None:
    from tests.roster_factories import solved
    from webapp.services import roster_edit, roster_problem

    bundle = roster_problem.build_problem(session, roster_site, MONDAY, 7)
    fresh = roster_edit.store_solution(session, roster_site, bundle, solved(bundle), None)
    with pytest.raises(ServiceError, match="published already") as refused:
        roster_edit.publish_roster(session, director, fresh.id, force=True)
    assert refused.value.rule == "R-11" and fresh.status == "draft"
    based = roster_edit.store_solution(session, roster_site, bundle, solved(bundle), None,
                                       based_on=published_roster)  # fmt: skip
    assert roster_edit.publish_roster(session, director, based.id, force=True)[0] is based
