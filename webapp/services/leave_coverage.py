"""What leave does to coverage (L-5): charts before and after, gaps, and safe days to ask."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Employee, RosterAssignment
from webapp.models.base import utcnow
from webapp.models.leave import LeaveRequest
from webapp.services import roster as roster_service
from webapp.services import roster_coverage, roster_problem, roster_view
from webapp.services.leave_sources import leave_dates

HINT_DAYS = 14


@dataclass(frozen=True)
class DayImpact:
    """One affected date: the coverage chart before and after approving, and new gaps."""

    date: dt.date
    before: Markup
    after: Markup
    new_gaps: list[str]


@dataclass(frozen=True)
class LeaveImpact:
    """The coverage effect of approving one request (L-5)."""

    days: list[DayImpact] = field(default_factory=list)
    published: bool = False

    @property
    def keeps_coverage(self) -> bool:
        """True when approving leaves every slot covered as before."""
        return all(not day.new_gaps for day in self.days)


def requests_of(session: Session, employee_id: int) -> list[LeaveRequest]:
    """An employee's requests, newest first."""
    return list(
        session.scalars(
            select(LeaveRequest)
            .where(LeaveRequest.employee_id == employee_id)
            .order_by(LeaveRequest.start_at.desc())
        )
    )


def _published_window(
    session: Session, employee: Employee, first: dt.date, last: dt.date
) -> tuple[roster_problem.Bundle, dict[tuple[int, dt.date], RosterAssignment]] | None:
    """The problem and the published cells of the employee's site for first..last."""
    cells = roster_service.published_cells(session, employee.site_id, first, last)
    if not cells:
        return None
    bundle = roster_problem.build_problem(session, employee.site, first, (last - first).days + 1)
    return bundle, cells


def _profile_without(
    bundle: roster_problem.Bundle,
    cells: dict[tuple[int, dt.date], RosterAssignment],
    employee_id: int,
    dates: Collection[dt.date],
) -> roster_coverage.Profile:
    """Coverage per slot of the published cells, with the employee absent on `dates`."""
    kept = [c for (who, day), c in cells.items() if not (who == employee_id and day in dates)]
    return roster_coverage.profile(bundle.problem, roster_problem.result_from_cells(bundle, kept))


def _without(
    session: Session, employee: Employee, dates: list[dt.date]
) -> tuple[roster_coverage.Profile, roster_coverage.Profile] | None:
    """Coverage profiles of the published roster with and without the employee on `dates`."""
    window = _published_window(session, employee, min(dates), max(dates))
    if window is None:
        return None
    bundle, cells = window
    return (_profile_without(bundle, cells, employee.id, ()),
            _profile_without(bundle, cells, employee.id, dates))  # fmt: skip


def impact(session: Session, leave: LeaveRequest) -> LeaveImpact:
    """Charts of the affected dates before and after approving, with the gaps it opens (L-5)."""
    zone = ZoneInfo(leave.employee.site.timezone)
    dates = leave_dates(leave, zone) or [leave.start_at.astimezone(zone).date()]
    profiles = _without(session, leave.employee, dates)
    if profiles is None:
        return LeaveImpact()
    before, after = profiles
    old_gaps = {words for _, words in roster_coverage.shortfalls(before)}
    new_gaps = [words for _, words in roster_coverage.shortfalls(after) if words not in old_gaps]
    days = []
    for index, date in enumerate(sorted(dates)):
        days.append(
            DayImpact(
                date,
                roster_view.coverage_svg(before, index, date),
                roster_view.coverage_svg(after, index, date),
                [gap for gap in new_gaps if gap.startswith(date.isoformat())],
            )
        )
    return LeaveImpact(days, published=True)


def safe_days(session: Session, employee: Employee) -> list[dt.date]:
    """The employee's rostered days in the next two weeks where leave keeps coverage whole."""
    zone = ZoneInfo(employee.site.timezone)
    today = utcnow().astimezone(zone).date()
    last = today + dt.timedelta(days=HINT_DAYS)
    mine = roster_service.published_assignments(session, employee.site_id, today, last, employee.id)
    if not mine:
        return []
    # One problem and one baseline for the whole window; only the absence changes per day.
    window = _published_window(session, employee, mine[0].date, mine[-1].date)
    if window is None:
        return []
    bundle, cells = window
    gaps_now = len(roster_coverage.shortfalls(_profile_without(bundle, cells, employee.id, ())))
    return [
        shift.date
        for shift in mine
        if len(roster_coverage.shortfalls(
            _profile_without(bundle, cells, employee.id, {shift.date}))) <= gaps_now
    ]  # fmt: skip
