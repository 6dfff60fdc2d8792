"""The dashboard shows each person their next shifts and the work waiting for them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.integration.test_leave import ask, first_shift, local, person, shift_times
from webapp.models import Employee, Roster
from webapp.services import dashboard


def test_agent_sees_the_next_published_shifts(
    session: Session,
    published_roster: Roster,
    sign_in: Callable[[Employee], FlaskClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cell = first_shift(session, published_roster, "A02")
    monkeypatch.setattr(
        dashboard, "utcnow", lambda: dt.datetime.combine(cell.date, dt.time(0), dt.UTC)
    )
    page = sign_in(person(session, "A02")).get("/").get_data(as_text=True)
    assert "My next shifts" in page and cell.date.isoformat() in page


def test_lead_and_director_see_leave_waiting_for_them(
    session: Session,
    published_roster: Roster,
    sign_in: Callable[[Employee], FlaskClient],
) -> None:
    start, end = shift_times(first_shift(session, published_roster, "A03"))
    ask(session, "A03", "personal", start, end, local(start - dt.timedelta(days=2)))
    session.commit()
    director_page = sign_in(person(session, "DR01")).get("/").get_data(as_text=True)
    assert "Leave to decide" in director_page and "/leave/inbox" in director_page
    agent_page = sign_in(person(session, "A03")).get("/").get_data(as_text=True)
    assert "My pending leave requests" in agent_page
    assert "Leave to decide" not in agent_page
