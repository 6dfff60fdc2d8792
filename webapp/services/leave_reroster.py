"""Approve leave and repair the roster with the fewest changes (L-5, R-11)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Employee, Roster, RosterJob
from webapp.services import leave_decisions, roster_edit, roster_jobs
from webapp.services.errors import ServiceError


def published_roster_on(session: Session, site_id: int, day: dt.date) -> Roster | None:
    """The newest published roster of the site whose dates include `day`."""
    rosters = session.scalars(
        select(Roster)
        .where(
            Roster.site_id == site_id,
            Roster.status == "published",
            Roster.first_date <= day,
        )
        .order_by(Roster.published_at.desc(), Roster.id.desc())
    )
    return next((r for r in rosters if day < r.first_date + dt.timedelta(days=r.days)), None)


def approve_and_reroster(
    session: Session,
    actor: Employee,
    leave_id: int,
    comment: str,
    seen_version: int | None,
    time_limit: float = roster_jobs.DEFAULT_TIME_LIMIT,
) -> RosterJob:
    """Approve, then queue a re-solve of the published roster with the leave as unavailability
    and the published cells as `current`, so as few agents as possible move (L-5, R-11)."""
    roster_edit.require_publisher(actor)
    request = leave_decisions.get_request(session, leave_id)
    zone = ZoneInfo(request.employee.site.timezone)
    day = request.start_at.astimezone(zone).date()
    roster = published_roster_on(session, request.employee.site_id, day)
    if roster is None:
        raise ServiceError(
            "no published roster covers this leave: approve it alone (L-5)",
            field="request",
            rule="L-5",
        )
    leave_decisions.decide(session, actor, leave_id, True, comment, seen_version)
    return roster_jobs.create_job(
        session,
        actor,
        roster.site_id,
        roster.first_date,
        max(1, roster.days // 7),
        time_limit,
        base_roster_id=roster.id,
    )
