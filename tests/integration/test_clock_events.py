"""Recording clock events: idempotency, matching, unscheduled, proxy flags (A-1, A-2, A-6)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from webapp.models import ClockEvent, ProxyFlag, ShiftAttendance
from webapp.services import clock
from webapp.services.errors import ServiceError

AT = datetime.fromisoformat("2026-11-16T07:58:00+08:00")


def test_A1_event_is_stored_in_utc_with_source_and_device(session, make_employee, make_device):
    agent = make_employee()
    device, _ = make_device(agent.site_id, "kiosk-a")
    _, created = clock.record_event(session, agent, "in", AT, "kiosk", event_id="e-1",
                                        device=device)  # fmt: skip
    assert created
    stored = session.scalar(select(ClockEvent).where(ClockEvent.event_id == "e-1"))
    assert stored.at == datetime.fromisoformat("2026-11-15T23:58:00+00:00")
    assert (stored.source, stored.device, stored.device_id) == ("kiosk", "kiosk-a", device.id)


def test_A1_retry_with_same_event_id_stores_one_event(session, make_employee):
    agent = make_employee()
    first, created = clock.record_event(session, agent, "in", AT, "web", event_id="same")
    again, created_again = clock.record_event(session, agent, "in", AT, "web", event_id="same")
    assert (created, created_again) == (True, False)
    assert again.id == first.id
    count = session.scalar(select(func.count()).select_from(ClockEvent).where(
        ClockEvent.event_id == "same"))  # fmt: skip
    assert count == 1


def test_A1_same_event_id_with_other_content_is_refused(session, make_employee):
    agent = make_employee()
    clock.record_event(session, agent, "in", AT, "web", event_id="dup")
    with pytest.raises(ServiceError, match="event_id") as error:
        clock.record_event(session, agent, "out", AT, "web", event_id="dup")
    assert error.value.rule == "A-1"


@pytest.mark.parametrize(
    ("kind", "when", "field"),
    [("jump", "2026-11-16T08:00:00+08:00", "kind"),
     ("in", "2099-01-01T08:00:00+08:00", "timestamp")],
)  # fmt: skip
def test_A1_bad_event_is_refused_naming_the_field(session, make_employee, kind, when, field):
    agent = make_employee()
    with pytest.raises(ServiceError) as error:
        clock.record_event(session, agent, kind, datetime.fromisoformat(when), "web",
                           event_id="x1")  # fmt: skip
    assert error.value.field == field
    assert session.scalar(select(func.count()).select_from(ClockEvent)) == 0


def test_A2_night_shift_clock_out_next_morning_matches_the_night_shift(
    session, make_employee, make_shift, clock_at
):
    agent = make_employee()
    make_shift(agent, date(2026, 11, 16), "N")
    clock_at(agent, "2026-11-16T16:40:00+08:00", "in")
    out = clock_at(agent, "2026-11-17T07:31:00+08:00", "out")
    assert (out.shift_date, out.unscheduled) == (date(2026, 11, 16), False)
    result = session.scalar(select(ShiftAttendance).where(ShiftAttendance.employee_id == agent.id))
    assert result.date == date(2026, 11, 16)
    assert result.findings == []


def test_A2_event_outside_every_shift_is_kept_and_flagged_unscheduled(
    session, make_employee, clock_at
):
    agent = make_employee()
    event = clock_at(agent, "2026-11-16T03:00:00+08:00", "in")
    assert event.unscheduled is True
    assert event.shift_date is None
    assert session.get(ClockEvent, event.id) is not None


def test_A6_two_agents_on_one_device_within_60_s_are_flagged(
    session, make_employee, make_device, clock_at
):
    site_agent = make_employee()
    other = make_employee(site=site_agent.site)
    device, _ = make_device(site_agent.site_id)
    first = clock_at(site_agent, "2026-11-16T07:50:00+08:00", "in", device)
    second = clock_at(other, "2026-11-16T07:51:00+08:00", "in", device)
    third = clock_at(other, "2026-11-16T07:53:00+08:00", "out", device)
    flags = session.scalars(select(ProxyFlag)).all()
    assert [(f.first_event_id, f.second_event_id, f.gap_seconds) for f in flags] == [
        (first.id, second.id, 60)
    ]
    assert third.id not in {flags[0].first_event_id, flags[0].second_event_id}


def test_A6_61_seconds_apart_is_not_flagged(session, make_employee, make_device, clock_at):
    agent = make_employee()
    other = make_employee(site=agent.site)
    device, _ = make_device(agent.site_id)
    clock_at(agent, "2026-11-16T07:50:00+08:00", "in", device)
    clock_at(other, "2026-11-16T07:51:01+08:00", "in", device)
    assert session.scalar(select(func.count()).select_from(ProxyFlag)) == 0


def test_A1_kiosk_pin_is_hashed_and_checked(session, make_employee):
    agent = make_employee(code="K01")
    clock.set_pin(session, agent, "4821")
    assert clock.check_pin(session, "K01", "4821").id == agent.id
    with pytest.raises(ServiceError, match="PIN"):
        clock.check_pin(session, "K01", "0000")
    with pytest.raises(ServiceError, match="pin"):
        clock.set_pin(session, agent, "12")
