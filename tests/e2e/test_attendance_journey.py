"""An agent clocks in on the web and the team lead sees them on the daily sheet (A-1, A-8)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.e2e.conftest import open_nav, sign_in_as
from webapp.extensions import db
from webapp.models import Employee, Roster, RosterAssignment, ShiftType
from webapp.models.base import utcnow
from webapp.services import attendance_results
from webapp.services.roster import utc_span


def publish_shift_covering_now(app: Flask, code: str) -> date:
    """Publish, for the demo agent, a shift that began an hour or two ago and runs four more;
    its date. A shift type of its own: at some hours of the day (07:00–08:00 in Shanghai) no
    seeded shift is under way with half an hour to spare, and the journey must not depend on
    the time it runs."""
    with app.app_context():
        agent = db.session.scalar(select(Employee).where(Employee.code == code))
        assert agent is not None
        zone = attendance_results.settings_for(agent.site).zone
        local_now = utcnow().astimezone(zone)
        begins = (local_now - timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
        ends = begins + timedelta(hours=6)
        shift = ShiftType(site_id=agent.site_id, code="E2E", name_zh="测试班", name_en="Test",
                          start=begins.time(), end=ends.time())  # fmt: skip
        day = begins.date()
        roster = Roster(site_id=agent.site_id, first_date=day, days=1, status="published",
                        published_at=datetime.now().astimezone())  # fmt: skip
        db.session.add_all([shift, roster])
        db.session.add(RosterAssignment(roster=roster, employee_id=agent.id, date=day,
                                        kind="shift", shift_type=shift))  # fmt: skip
        db.session.commit()
        start, end = utc_span(day, shift, zone)
        assert start < utcnow() < end - timedelta(hours=4)
        return day


def test_agent_clocks_in_on_the_web_and_the_lead_sees_them_on_the_daily_sheet(
    page: Page, live_app: Flask
) -> None:
    day = publish_shift_covering_now(live_app, "A01")
    sign_in_as(page, "a01")
    open_nav(page, "Attendance", "Clock")
    expect(page.get_by_test_id("clock-state")).to_contain_text("You are clocked out")
    page.get_by_role("button", name="Clock in").click()
    expect(page.get_by_text("Clock event recorded.")).to_be_visible()
    expect(page.get_by_test_id("clock-state")).to_contain_text("You are clocked in")
    page.get_by_role("button", name="Sign out").click()

    sign_in_as(page, "l01")
    open_nav(page, "Attendance", "Daily sheet")
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_role("button", name="Show").click()
    row = page.get_by_test_id("daily-sheet").locator('tr[data-code="A01"]')
    expect(row).to_contain_text("on duty")
    expect(row.locator(".status")).to_have_text("on duty")
