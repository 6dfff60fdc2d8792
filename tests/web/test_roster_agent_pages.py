"""Agents' roster pages: My shifts (list, month, .ics, secret feed), handover, demand upload."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.roster_factories import MONDAY
from webapp.models import CoverageRequirement, Employee, HandoverNote, Roster, Site
from webapp.services import calendar_feed, handover, my_shifts

NOW = dt.datetime(2026, 11, 22, 4, 0, tzinfo=dt.UTC)  # Sunday noon in Shanghai


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(my_shifts, "utcnow", lambda: NOW)
    monkeypatch.setattr(calendar_feed, "utcnow", lambda: NOW)


def person(session: Session, code: str) -> Employee:
    return session.scalars(select(Employee).where(Employee.code == code)).one()


def test_my_shifts_lists_the_published_week_and_the_month_calendar(
    session: Session, published_roster: Roster, sign_in: Callable[..., FlaskClient]
) -> None:
    a01 = person(session, "A01")
    mine = [c for c in published_roster.assignments if c.employee_id == a01.id]
    client = sign_in(a01)
    html = client.get("/roster/mine").get_data(as_text=True)
    assert html.count('class="my-shift"') == sum(c.kind == "shift" for c in mine)
    assert html.count('class="my-rest"') == sum(c.kind == "rest" for c in mine)
    assert "2026-11-23" in html and 'id="month-calendar"' in html
    assert 'data-date="2026-11-23"' in html and "2026-11" in html
    assert client.get("/roster/mine?month=2026-12").status_code == 200


def test_the_ics_download_has_one_event_per_shift_in_utc_with_crlf_and_folding(
    session: Session, published_roster: Roster, sign_in: Callable[..., FlaskClient]
) -> None:
    a01 = person(session, "A01")
    shifts = [c for c in published_roster.assignments if c.employee_id == a01.id
              and c.kind == "shift"]  # fmt: skip
    client = sign_in(a01)
    with client.get("/roster/mine.ics") as response:
        assert response.mimetype == "text/calendar"
        body = response.get_data()
    text = body.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert text.count("BEGIN:VEVENT") == len(shifts)
    first = min(shifts, key=lambda c: c.date)
    start = dt.datetime.combine(first.date, first.shift_type.start) - dt.timedelta(hours=8)
    assert f"DTSTART:{start:%Y%m%dT%H%M%SZ}\r\n" in text  # Shanghai is UTC+8
    assert f"UID:shift-{a01.id}-{first.date.isoformat()}@paiban" in text


def test_a_secret_feed_url_works_without_sign_in_until_revoked(
    session: Session, published_roster: Roster, sign_in: Callable[..., FlaskClient], app: Any
) -> None:
    client = sign_in(person(session, "A02"))
    html = client.post("/roster/mine/feed").get_data(as_text=True)
    url = re.search(r"<code>http://localhost(/roster/feed/[^<]+\.ics)</code>", html)
    assert url is not None
    anonymous = app.test_client()
    with anonymous.get(url.group(1)) as response:
        assert response.status_code == 200 and b"BEGIN:VEVENT" in response.data
    client.post("/roster/mine/feed/revoke")
    with anonymous.get(url.group(1)) as response:
        assert response.status_code == 404
    with anonymous.get("/roster/feed/not-a-token.ics") as response:
        assert response.status_code == 404


def test_folding_never_splits_a_chinese_character() -> None:
    line = "DESCRIPTION:" + "早班交接" * 30
    folded = calendar_feed.fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert parts[0] + "".join(p[1:] for p in parts[1:]) == line


def test_handover_note_is_acknowledged_by_the_incoming_shift_and_leaves_the_leads_list_S4(
    session: Session, published_roster: Roster, sign_in: Callable[..., FlaskClient]
) -> None:
    a01 = person(session, "A01")
    day = next(c.date for c in published_roster.assignments
               if c.employee_id == a01.id and c.kind == "shift")  # fmt: skip
    client = sign_in(a01)
    empty = client.post("/roster/handover", data={"date": day.isoformat(), "body": " "})
    assert empty.status_code == 422
    response = client.post(
        "/roster/handover", data={"date": day.isoformat(), "body": "Caller 3321 rings back"}
    )
    assert response.status_code == 302
    note = session.scalars(select(HandoverNote)).one()
    lead = sign_in(person(session, "L01"))
    assert "Caller 3321" in lead.get("/roster/handover/status").get_data(as_text=True)
    mates = [person(session, f"A0{n}") for n in range(2, 8)]
    incoming = next(m for m in mates if handover.may_acknowledge(session, m, note))
    outsider = next((m for m in mates if not handover.may_acknowledge(session, m, note)), None)
    if outsider is not None:
        assert sign_in(outsider).post(f"/roster/handover/{note.id}/acknowledge").status_code == 403
    client = sign_in(incoming)
    assert "Caller 3321" in client.get("/roster/handover").get_data(as_text=True)
    assert client.post(f"/roster/handover/{note.id}/acknowledge").status_code == 302
    session.refresh(note)
    assert note.acknowledged_by_id == incoming.id
    lead = sign_in(person(session, "L01"))
    assert "Caller 3321" not in lead.get("/roster/handover/status").get_data(as_text=True)


def test_a_note_needs_a_published_shift_on_its_date(
    session: Session, published_roster: Roster, sign_in: Callable[..., FlaskClient]
) -> None:
    client = sign_in(person(session, "A01"))
    response = client.post("/roster/handover", data={"date": "2027-01-04", "body": "x"})
    assert response.status_code == 422
    assert "no published shift on 2027-01-04" in response.get_data(as_text=True)


FORECAST = "weekday,interval_start,calls_offered,aht_seconds\n" + "".join(
    f"{d},09:00,100,180\n{d},09:30,100,180\n" for d in range(5)
)


def test_the_director_uploads_a_forecast_sees_the_curve_and_replaces_weekday_coverage(
    session: Session, roster_site: Site, director: Employee, sign_in: Callable[..., FlaskClient]
) -> None:
    client = sign_in(director)
    assert client.get("/roster/demand").status_code == 200
    page = client.post(
        "/roster/demand", data={"file": (io.BytesIO(FORECAST.encode()), "forecast.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count('class="demand-chart"') == 7
    curve = re.search(r'name="curve" type="hidden" value="([^"]+)"', html)
    assert curve is not None
    value = curve.group(1).replace("&#34;", '"')
    response = client.post("/roster/demand/confirm", data={"curve": value})
    assert response.status_code == 302
    rows = session.scalars(
        select(CoverageRequirement).where(CoverageRequirement.site_id == roster_site.id)
    ).all()
    # 80 % in 15 s of 100 calls × 180 s per 30 min: 14 agents 09:00–10:00, Monday to Friday.
    assert [(r.weekdays, r.from_minute, r.to_minute, r.minimum) for r in rows] == [
        ("01234", 540, 600, 14)
    ]


def test_a_bad_forecast_is_refused_with_the_line_and_nothing_changes(
    session: Session, roster_site: Site, director: Employee, sign_in: Callable[..., FlaskClient]
) -> None:
    client = sign_in(director)
    bad = "weekday,interval_start,calls_offered,aht_seconds\nMon,9:07,5,180\n"
    page = client.post(
        "/roster/demand", data={"file": (io.BytesIO(bad.encode()), "f.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert page.status_code == 422
    assert "line 2" in page.get_data(as_text=True)
    forged = client.post("/roster/demand/confirm", data={"curve": "[[1, 2]]"})
    assert forged.status_code == 422
    assert session.scalars(select(CoverageRequirement)).all() == []


def test_swap_pages_propose_accept_and_the_lead_approves(
    session: Session, published_roster: Roster, sign_in: Callable[..., FlaskClient]
) -> None:
    day = MONDAY + dt.timedelta(days=2)
    cells = {c.employee.code: c for c in published_roster.assignments if c.date == day}
    one, two = next(
        (a, b) for a in sorted(cells) for b in sorted(cells)
        if cells[a].kind == cells[b].kind == "shift"
        and cells[a].shift_type_id != cells[b].shift_type_id
    )  # fmt: skip
    client = sign_in(person(session, one))
    assert client.get("/roster/swaps").status_code == 200
    refused = client.post("/roster/swaps", data={"kind": "swap", "date": day.isoformat(),
                                                 "colleague_id": "0"})  # fmt: skip
    assert refused.status_code == 422 and "choose a colleague" in refused.get_data(as_text=True)
    sent = client.post(
        "/roster/swaps",
        data={"kind": "swap", "date": day.isoformat(), "colleague_id": person(session, two).id},
    )
    assert sent.status_code == 302
    client = sign_in(person(session, two))
    swap_id = re.search(r"/roster/swaps/(\d+)/accept", client.get("/roster/swaps").get_data(
        as_text=True))  # fmt: skip
    assert swap_id is not None
    client.post(f"/roster/swaps/{swap_id.group(1)}/accept")
    lead = sign_in(person(session, "L01"))
    html = lead.get("/roster/swaps").get_data(as_text=True)
    assert 'id="swaps-to-decide"' in html and f"{one} {day:%m-%d}" in html
    assert lead.post(f"/roster/swaps/{swap_id.group(1)}/approve").status_code == 302
    assert (
        sign_in(person(session, one)).post(f"/roster/swaps/{swap_id.group(1)}/approve").status_code
        == 403
    )
