"""Issue 4 journey: the director generates, edits and publishes a week; an agent sees it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import open_nav, sign_in_as
from webapp.services import calendar_feed, my_shifts

# A week already past on the real calendar: the live server's database is shared by the
# journeys, and the attendance and leave journeys publish days at and after the real date,
# which would make this week's publication a re-publication on some days of the year.
NOW = dt.datetime(2026, 11, 1, 4, 0, tzinfo=dt.UTC)  # the live server runs in this process
FIRST_DAY = "2026-11-02"


def test_director_generates_edits_publishes_and_the_agent_downloads_the_ics(
    page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(my_shifts, "utcnow", lambda: NOW)
    monkeypatch.setattr(calendar_feed, "utcnow", lambda: NOW)
    sign_in_as(page, "dr01")
    open_nav(page, "Roster", "Rosters")
    page.get_by_label("First day").fill(FIRST_DAY)
    page.get_by_label("Time limit (seconds)").fill("8")
    page.get_by_role("button", name="Generate").click()
    expect(page.locator("#job-status")).to_have_attribute("data-status", "done", timeout=90_000)
    page.locator("#job-roster").click()
    expect(page.locator("#roster-status")).to_have_text("draft")

    # A01 works on some day: making it a rest day without a cover breaks R-8 (and R-4).
    a01_row = page.locator("#roster-grid tbody tr").filter(has_text="A01").first
    date = a01_row.locator("td.cell-shift").first.get_attribute("data-date")
    assert date is not None
    page.locator("#cell-employee").select_option(label=a01_row.locator("th").inner_text().strip())
    page.locator("#cell-date").select_option(date)
    page.locator("#cell-value").select_option("rest")
    page.locator("#cell-save").click()
    # The page after the edit, not the one before it (its violations may already list R-).
    edited = a01_row.locator(f'td[data-date="{date}"]')
    expect(edited).to_have_class(re.compile(r"\bcell-rest\b"), timeout=30_000)
    expect(page.locator("#violations .violations li").first).to_contain_text("R-")
    page.get_by_label("Publish despite the violations listed").check()
    page.locator("#publish").click()
    expect(page.locator("#roster-status")).to_have_text("published", timeout=30_000)

    page.get_by_role("button", name="Sign out").click()
    sign_in_as(page, "a02")
    open_nav(page, "Roster", "My shifts")
    expect(page.locator("#my-shifts tr.my-shift").first).to_contain_text("2026-11-0")
    page.goto("/roster/mine?month=2026-11")
    expect(page.locator(f'#month-calendar td[data-date="{FIRST_DAY}"]')).to_be_visible()
    with page.expect_download() as info:
        page.locator("#download-ics").click()
    path = info.value.path()
    text = path.read_bytes().decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and "BEGIN:VEVENT" in text
    assert "DTSTART:202611" in text
