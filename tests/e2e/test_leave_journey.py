"""An agent asks for sick leave; the director sees the coverage, approves and re-rosters,
and publishes the repaired week (issue 6, L-1…L-5, R-11)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from scheduler.problem import Problem
from scheduler.result import Result
from scheduler.settings import SolverSettings
from scheduler.solve import solve
from tests.e2e.conftest import open_nav, sign_in_as
from webapp.extensions import db
from webapp.models import Employee, Site
from webapp.services import demo, roster_coverage, roster_edit, roster_problem
from webapp.services import roster as roster_service

TODAY = dt.date.today()
# The Monday after next: a week of its own, apart from the other journeys', and within the
# four weeks that My shifts shows.
WEEK = TODAY + dt.timedelta(days=(7 - TODAY.weekday()) % 7 + 7)
LEAVE_DAY = WEEK + dt.timedelta(days=1)


def publish_demo_week(app: Flask) -> tuple[str, dt.datetime, dt.datetime]:
    """Solve and publish the demo site's week; returns an agent's login and shift times."""
    with app.app_context():
        site = db.session.scalars(select(Site).where(Site.name == demo.DEMO_SITE)).one()
        bundle = roster_problem.build_problem(db.session, site, WEEK, 7)
        result = solve(bundle.problem, SolverSettings(time_limit=10, workers=2, seed=0))
        draft = roster_edit.store_solution(db.session, site, bundle, result, None)
        roster_edit.publish_checked(
            db.session, None, draft, roster_edit.violations(db.session, draft)
        )
        db.session.commit()
        shifts = roster_service.published_assignments(db.session, site.id, LEAVE_DAY, LEAVE_DAY)
        zone = dt.timezone(dt.timedelta(hours=8))
        # An agent whose absence leaves too few heads on duty, so the re-roster has to move
        # someone: a gap that only the published break times open is closed by re-timing
        # breaks (S-3), with nobody moved. A day shift first; a night is fine too.
        short = headcount_shortfall(bundle.problem, result, None)
        shift = next(
            s
            for s in sorted(shifts, key=lambda s: s.end.astimezone(zone).date() > LEAVE_DAY)
            if headcount_shortfall(bundle.problem, result, s.employee_code) > short
        )
        return (
            shift.employee_code.lower(),
            shift.start.astimezone(zone),
            shift.end.astimezone(zone),
        )


def headcount_shortfall(problem: Problem, result: Result, absent: str | None) -> int:
    """Agent-slots short of R-2 with breaks ignored and `absent` off on the leave day."""
    kept = tuple(
        replace(a, break_start=None)
        for a in result.assignments
        if (a.agent, a.date) != (absent, LEAVE_DAY)
    )
    prof = roster_coverage.profile(problem, replace(result, assignments=kept))
    first = prof.first_reachable
    return sum(
        max(0, need - have)
        for skill, required in prof.required.items()
        for need, have in zip(required[first:], prof.on_duty[skill][first:], strict=True)
    )


def published_week(app: Flask) -> dict[tuple[str, dt.date], str | None]:
    """(employee code, date) → published shift code, or None for rest and leave."""
    with app.app_context():
        site = db.session.scalars(select(Site).where(Site.name == demo.DEMO_SITE)).one()
        last = WEEK + dt.timedelta(days=6)
        cells = roster_service.published_cells(db.session, site.id, WEEK, last)
        return {(c.employee.code, day): (c.shift_type.code if c.shift_type else None)
                for (_, day), c in cells.items()}  # fmt: skip


def test_sick_leave_is_approved_with_a_minimal_re_roster(page: Page, live_app: Flask) -> None:
    login, start, end = publish_demo_week(live_app)
    before = published_week(live_app)
    sign_in_as(page, login)
    page.goto("/leave/new")
    page.get_by_label("Type").select_option("sick")
    page.get_by_label("From").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Until").fill(end.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Reason").fill("发烧")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Your request was sent to the approver.")).to_be_visible()
    expect(page.get_by_text("director")).to_be_visible()  # a whole shift: L-3 → director
    page.get_by_role("button", name="Sign out").click()

    sign_in_as(page, "dr01")
    open_nav(page, "Leave", "Leave to decide")
    page.get_by_role("link", name=login.upper()).click()
    expect(page.get_by_role("heading", name="Coverage if approved (L-5)")).to_be_visible()
    # One chart before and one after approving, per local date the leave touches (L-5).
    touched = (end.date() - start.date()).days + 1
    expect(page.locator("figure svg.coverage-chart")).to_have_count(2 * touched)
    page.get_by_role("button", name="Approve and re-roster").click()
    expect(page.get_by_text("Leave approved.")).to_be_visible()
    roster_link = page.locator("#job-roster")
    expect(roster_link).to_be_visible(timeout=60_000)
    roster_link.click()
    publish = page.locator("#publish")
    expect(publish).to_be_visible()  # the override box, if any, comes before it in the page
    force = page.locator("input[name=force]")
    if force.count():
        force.check()
    publish.click()
    expect(page.locator(".flash-success")).to_be_visible()

    with live_app.app_context():
        agent = db.session.scalars(select(Employee).where(Employee.code == login.upper())).one()
        assert roster_service.published_shift(db.session, agent, LEAVE_DAY) is None
    after = published_week(live_app)
    moved = sorted(
        (code, day, shift)
        for (code, day), shift in after.items()
        if shift and before.get((code, day)) != shift and code != login.upper()
    )
    assert moved, "someone must take over the freed shift"
    code, day, shift = moved[0]
    page.get_by_role("button", name="Sign out").click()
    sign_in_as(page, code.lower())
    open_nav(page, "Roster", "My shifts")
    row = page.locator("#my-shifts tr", has_text=day.isoformat())
    expect(row.locator(".shift-chip")).to_have_text(shift)
