"""Attendance pages: clock button, kiosk, devices, corrections, daily sheet, reports (A-1…A-8)."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
from sqlalchemy import func, select

from webapp.models import ClockEvent, ClockPin, CorrectionRequest, Device
from webapp.services import clock


def _count(session, model=ClockEvent):
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def team_people(make_team, make_employee):
    team = make_team()
    return team, make_employee(team=team, code="W01"), make_employee(("lead",), team=team)


def test_A1_clock_page_shows_state_and_one_click_clocks_in_once(client, session, sign_in,
                                                                team_people):  # fmt: skip
    _, agent, _ = team_people
    page = sign_in(agent).get("/attendance/clock")
    assert page.status_code == 200 and b"You are clocked out" in page.data
    event_id = clock.new_event_id()
    for _ in range(2):  # a double click or a resubmitted form
        response = client.post("/attendance/clock", data={"kind": "in", "event_id": event_id})
        assert response.status_code == 302
    assert _count(session) == 1
    assert b"You are clocked in" in client.get("/attendance/clock").data


def test_A1_clock_page_refuses_an_unknown_kind(client, session, sign_in, team_people):
    _, agent, _ = team_people
    response = sign_in(agent).post("/attendance/clock", data={"kind": "nap", "event_id": "x"})
    assert response.status_code == 422
    assert _count(session) == 0


def test_A1_kiosk_needs_an_active_device_then_code_and_pin(client, session, make_device,
                                                          team_people):  # fmt: skip
    _, agent, _ = team_people
    device, token = make_device(agent.site_id, "hall-1")
    clock.set_pin(session, agent, "2468")
    session.commit()
    assert client.get("/attendance/kiosk").status_code == 302
    assert client.post("/attendance/kiosk/activate", data={"token": "wrong"}).status_code == 422
    assert client.post("/attendance/kiosk/activate", data={"token": token}).status_code == 302
    bad = client.post("/attendance/kiosk", data={"code": "W01", "pin": "1111", "kind": "in",
                                                 "event_id": "k1"})  # fmt: skip
    assert bad.status_code == 422 and _count(session) == 0
    good = client.post("/attendance/kiosk", data={"code": "W01", "pin": "2468", "kind": "in",
                                                  "event_id": "k2"})  # fmt: skip
    assert good.status_code == 302
    event = session.scalar(select(ClockEvent))
    assert (event.source, event.device, event.device_id) == ("kiosk", "hall-1", device.id)


def test_A1_pin_is_saved_hashed(client, session, sign_in, team_people):
    _, agent, _ = team_people
    response = sign_in(agent).post("/attendance/pin", data={"pin-pin": "13579"})
    assert response.status_code == 302
    assert "13579" not in session.get(ClockPin, agent.id).pin_hash


def test_A1_admin_registers_and_revokes_a_device_token_shown_once(client, session, sign_in,
                                                                  make_employee):  # fmt: skip
    admin = make_employee(("admin",))
    page = sign_in(admin).post("/attendance/devices", data={"site_id": admin.site_id,
                                                            "name": "door-2"})  # fmt: skip
    assert page.status_code == 200 and b'data-testid="device-token"' in page.data
    device = session.scalar(select(Device).where(Device.name == "door-2"))
    assert client.post(f"/attendance/devices/{device.id}/revoke").status_code == 302
    assert device.revoked_at is not None


def test_devices_page_is_for_admins_only(client, sign_in, team_people):
    _, _, lead = team_people
    assert sign_in(lead).get("/attendance/devices").status_code == 403


def test_A7_agent_asks_and_lead_approves_a_missing_clock_out(client, session, sign_in,
                                                             team_people):  # fmt: skip
    _, agent, lead = team_people
    sign_in(agent)
    response = client.post("/attendance/corrections/new", data={
        "event": "0", "kind": "out", "at": "2026-11-16T16:03", "reason": "terminal was down",
        "void": "keep"})  # fmt: skip
    assert response.status_code == 302
    request = session.scalar(select(CorrectionRequest))
    sign_in(lead)
    assert b"terminal was down" in client.get("/attendance/corrections").data
    assert client.post(f"/attendance/corrections/{request.id}",
                       data={"decision": "yes"}).status_code == 302  # fmt: skip
    event = session.scalar(select(ClockEvent))
    assert (event.kind, event.source) == ("out", "correction")
    assert event.at == datetime.fromisoformat("2026-11-16T16:03:00+08:00")


def test_A7_lead_correction_without_reason_changes_nothing(client, session, sign_in,
                                                           team_people, clock_at):  # fmt: skip
    team, agent, lead = team_people
    event = clock_at(agent, "2026-11-16T07:50:00+08:00")
    session.commit()
    response = sign_in(lead).post(f"/attendance/teams/{team.id}/events?date=2026-11-16", data={
        "event": event.id, "employee": agent.id, "kind": "in", "at": "2026-11-16T07:10",
        "reason": "", "void": "keep"})  # fmt: skip
    assert response.status_code == 200  # the form is shown again with the field's error
    assert session.get(ClockEvent, event.id).at == datetime.fromisoformat(
        "2026-11-16T07:50:00+08:00")  # fmt: skip


def test_A8_daily_sheet_lists_the_team_with_arrival_and_state(client, session, sign_in,
                                                              make_shift, team_people,
                                                              make_employee, clock_at):  # fmt: skip
    team, agent, lead = team_people
    absent = make_employee(team=team, code="W02")
    make_shift(agent, date(2026, 11, 16), "E")
    make_shift(absent, date(2026, 11, 16), "E")
    clock_at(agent, "2026-11-16T07:48:00+08:00", "in")
    session.commit()
    page = sign_in(lead).get(f"/attendance/teams/{team.id}/daily?date=2026-11-16")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'class="sheet-on_duty" data-code="W01"' in text and "07:48" in text
    assert 'class="sheet-not_arrived" data-code="W02"' in text
    assert "no_show" in text and "late 18′" in text


def test_A8_daily_sheet_of_another_team_is_forbidden(client, sign_in, team_people, make_team):
    _, _, lead = team_people
    other = make_team(site=lead.site)
    assert sign_in(lead).get(f"/attendance/teams/{other.id}/daily").status_code == 403


def test_A8_reports_count_lateness_and_export_csv_and_xlsx(client, session, sign_in, make_shift,
                                                           team_people, clock_at):  # fmt: skip
    _, agent, lead = team_people
    make_shift(agent, date(2026, 11, 16), "E")
    clock_at(agent, "2026-11-16T07:45:00+08:00", "in")
    clock_at(agent, "2026-11-16T16:00:00+08:00", "out")
    session.commit()
    sign_in(lead)
    query = "scope=agent&period=week&first=2026-11-16&last=2026-11-22"
    page = client.get(f"/attendance/reports?{query}")
    assert page.status_code == 200 and b"<svg" in page.data
    csv = client.get(f"/attendance/reports/export.csv?{query}")
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("group,period,shifts,late")
    assert lines[1].startswith("W01,2026-W47,1,1,")
    xlsx = client.get(f"/attendance/reports/export.xlsx?{query}")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in sheet[2]][:4] == ["W01", "2026-W47", 1, 1]


def test_A8_reports_refuse_a_reversed_range(client, sign_in, team_people):
    _, _, lead = team_people
    response = sign_in(lead).get("/attendance/reports?first=2026-11-20&last=2026-11-01")
    assert response.status_code == 400
