"""Leave pages: the form shows rule messages, approvers decide once, proofs stay private."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import BytesIO

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.test_leave import first_shift, person, shift_times
from webapp.models import Employee, Roster
from webapp.models.leave import LeaveRequest
from webapp.services import leave_requests

FMT = "%Y-%m-%dT%H:%M"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def freeze(monkeypatch: pytest.MonkeyPatch, local_now: dt.datetime) -> None:
    """Make the leave service's "now" a fixed site-local instant."""
    monkeypatch.setattr(leave_requests, "utcnow", lambda: local_now.replace(tzinfo=SHANGHAI))


def post_leave(client: FlaskClient, kind: str, start: dt.datetime, end: dt.datetime):  # type: ignore[no-untyped-def]
    return client.post(
        "/leave/new",
        data={
            "leave_type": kind,
            "start": start.strftime(FMT),
            "end": end.strftime(FMT),
            "reason": "看病",
        },
    )


def test_L2_form_shows_the_notice_rule_and_stores_nothing(
    session: Session,
    published_roster: Roster,
    sign_in: Callable[[Employee], FlaskClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = sign_in(person(session, "A02"))
    start, end = shift_times(first_shift(session, published_roster, "A02"))
    freeze(monkeypatch, start - dt.timedelta(hours=20))
    response = post_leave(client, "personal", start, end)
    assert response.status_code == 422
    assert (
        "personal leave must be asked for at least 1 day before the shift (L-2)"
        in response.get_data(as_text=True)
    )
    assert session.scalar(select(LeaveRequest)) is None


def test_form_refuses_an_end_before_the_start(
    session: Session, published_roster: Roster, sign_in: Callable[[Employee], FlaskClient]
) -> None:
    client = sign_in(person(session, "A02"))
    now = dt.datetime(2030, 1, 1, 9, 0)
    response = post_leave(client, "sick", now, now - dt.timedelta(hours=1))
    assert response.status_code == 200
    assert "The end must be after the start (L-1)." in response.get_data(as_text=True)


def test_L3_lead_sees_and_decides_once_second_decision_conflicts(
    session: Session,
    published_roster: Roster,
    sign_in: Callable[[Employee], FlaskClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    start, _ = shift_times(first_shift(session, published_roster, "A03"))
    freeze(monkeypatch, start - dt.timedelta(minutes=20))
    client = sign_in(person(session, "A03"))
    assert post_leave(client, "sick", start, start + dt.timedelta(hours=2)).status_code == 302
    request = session.scalars(select(LeaveRequest)).one()
    assert request.route_role == "lead" and request.sudden
    lead = sign_in(person(session, "L01"))
    inbox = lead.get("/leave/inbox").get_data(as_text=True)
    assert f"/leave/{request.id}" in inbox
    page = lead.get(f"/leave/{request.id}").get_data(as_text=True)
    assert "Coverage if approved (L-5)" in page and "<svg" in page
    decided = lead.post(
        f"/leave/{request.id}/decide", data={"approve": "Approve", "comment": "", "version": "1"}
    )
    assert decided.status_code == 302
    again = sign_in(person(session, "DR01")).post(
        f"/leave/{request.id}/decide", data={"reject": "Reject", "comment": "no", "version": "1"}
    )
    assert again.status_code == 409
    assert "already decided" in again.get_data(as_text=True)
    session.refresh(request)
    assert request.status == "approved"


def test_L4_agent_uploads_proof_and_a_colleague_cannot_read_it(
    session: Session,
    published_roster: Roster,
    sign_in: Callable[[Employee], FlaskClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    start, end = shift_times(first_shift(session, published_roster, "A04"))
    freeze(monkeypatch, start - dt.timedelta(days=1))
    client = sign_in(person(session, "A04"))
    post_leave(client, "sick", start, end)
    request = session.scalars(select(LeaveRequest)).one()
    bad = client.post(
        f"/leave/{request.id}/proof",
        data={"file": (BytesIO(b"hello"), "note.txt")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "PDF, PNG or JPEG" in bad.get_data(as_text=True)
    ok = client.post(
        f"/leave/{request.id}/proof",
        data={"file": (BytesIO(b"\x89PNG\r\n\x1a\nxx"), "scan.png")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    proof_id = request.proofs[0].id
    with client.get(f"/leave/proofs/{proof_id}") as own:
        assert own.data.startswith(b"\x89PNG")
    other = sign_in(person(session, "A05"))
    assert other.get(f"/leave/proofs/{proof_id}").status_code == 403
    assert other.get(f"/leave/{request.id}").status_code == 403
    with sign_in(person(session, "L01")).get(f"/leave/proofs/{proof_id}") as leads:
        assert leads.status_code == 200


def test_agents_cannot_open_the_approval_inbox(
    session: Session, published_roster: Roster, sign_in: Callable[[Employee], FlaskClient]
) -> None:
    assert sign_in(person(session, "A02")).get("/leave/inbox").status_code == 403
    assert sign_in(person(session, "A02")).get("/leave/grants").status_code == 403
