"""Reading rosters: the published shift of anyone on any date, with its instants in UTC."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from webapp.models import Employee, Roster, RosterAssignment, ShiftType, Site
from webapp.services.errors import NotFound

ONE_DAY = dt.timedelta(days=1)


class CellLike(Protocol):
    """What checking needs from a roster cell (a RosterAssignment or an edited copy)."""

    employee_id: int
    date: dt.date
    kind: str
    shift_type_id: int | None
    break_start: int | None
    cover_id: int | None


@dataclass(frozen=True)
class PublishedShift:
    """A published working shift: local date and code, start/end (and break) in UTC."""

    assignment_id: int
    roster_id: int
    employee_id: int
    employee_code: str
    date: dt.date
    shift_type_id: int
    shift_code: str
    start: dt.datetime
    end: dt.datetime
    break_start: dt.datetime | None
    break_end: dt.datetime | None
    is_night: bool


def local_span(date: dt.date, shift: ShiftType) -> tuple[dt.datetime, dt.datetime]:
    """Naive site-local start and end of a shift on a date; a night shift ends the next day."""
    start = dt.datetime.combine(date, shift.start)
    end = dt.datetime.combine(date, shift.end)
    return start, end + ONE_DAY if end <= start else end


def utc_span(date: dt.date, shift: ShiftType, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of a shift as aware UTC instants, computed in the site's time zone."""
    start, end = local_span(date, shift)
    return (
        start.replace(tzinfo=zone).astimezone(dt.UTC),
        end.replace(tzinfo=zone).astimezone(dt.UTC),
    )


def break_span(cell: RosterAssignment, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime] | None:
    """The break of a shift cell as UTC instants (a break before the start is the next day)."""
    shift = cell.shift_type
    if shift is None or cell.break_start is None or not shift.break_minutes:
        return None
    start_local, _ = local_span(cell.date, shift)
    begin = dt.datetime.combine(cell.date, dt.time(cell.break_start // 60, cell.break_start % 60))
    if begin < start_local:
        begin += ONE_DAY
    begin_utc = begin.replace(tzinfo=zone).astimezone(dt.UTC)
    return begin_utc, begin_utc + dt.timedelta(minutes=shift.break_minutes)


def published_cells(
    session: Session,
    site_id: int,
    first: dt.date,
    last: dt.date,
    employee_id: int | None = None,
) -> dict[tuple[int, dt.date], RosterAssignment]:
    """Published cells by (employee id, date); where rosters overlap the later publication wins."""
    query = (
        select(RosterAssignment)
        .join(Roster, RosterAssignment.roster_id == Roster.id)
        .where(
            Roster.site_id == site_id,
            Roster.status == "published",
            RosterAssignment.date >= first,
            RosterAssignment.date <= last,
        )
        .options(joinedload(RosterAssignment.shift_type), joinedload(RosterAssignment.employee))
        .order_by(Roster.published_at, Roster.id)
    )
    if employee_id is not None:
        query = query.where(RosterAssignment.employee_id == employee_id)
    cells: dict[tuple[int, dt.date], RosterAssignment] = {}
    for cell in session.scalars(query):
        cells[cell.employee_id, cell.date] = cell
    return cells


def published_assignments(
    session: Session,
    site_id: int,
    first: dt.date,
    last: dt.date,
    employee_id: int | None = None,
) -> list[PublishedShift]:
    """Published working shifts of a site starting on dates first..last (A-2 matching input).

    Rest days and leave are left out; instants are UTC from the site's time zone.
    """
    site = session.get(Site, site_id)
    if site is None:
        raise NotFound(f"site {site_id} does not exist", field="site")
    zone = ZoneInfo(site.timezone)
    out = []
    for (_, date), cell in sorted(
        published_cells(session, site_id, first, last, employee_id).items()
    ):
        shift = cell.shift_type
        if cell.kind != "shift" or shift is None:
            continue
        start, end = utc_span(date, shift, zone)
        pause = break_span(cell, zone)
        out.append(
            PublishedShift(
                assignment_id=cell.id,
                roster_id=cell.roster_id,
                employee_id=cell.employee_id,
                employee_code=cell.employee.code,
                date=date,
                shift_type_id=shift.id,
                shift_code=shift.code,
                start=start,
                end=end,
                break_start=pause[0] if pause else None,
                break_end=pause[1] if pause else None,
                is_night=end.astimezone(zone).date() > date,
            )
        )
    out.sort(key=lambda s: (s.start, s.employee_code))
    return out


def published_shift(session: Session, employee: Employee, date: dt.date) -> PublishedShift | None:
    """The published shift of one employee on one date, or None (rest, leave, no roster)."""
    rows = published_assignments(session, employee.site_id, date, date, employee.id)
    return rows[0] if rows else None


def get_roster(session: Session, roster_id: int) -> Roster:
    """The roster or NotFound."""
    roster = session.get(Roster, roster_id)
    if roster is None:
        raise NotFound(f"roster {roster_id} does not exist", field="roster")
    return roster


def list_rosters(session: Session, site_id: int, limit: int = 50) -> list[Roster]:
    """A site's rosters, newest first date first, drafts before published ones."""
    query = (
        select(Roster)
        .where(Roster.site_id == site_id, Roster.status != "discarded")
        .order_by(Roster.first_date.desc(), Roster.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def roster_dates(roster: Roster) -> list[dt.date]:
    """Every date of a roster in order."""
    return [roster.first_date + ONE_DAY * i for i in range(roster.days)]


def cell_label(kind: str, shift_code: str | None) -> str:
    """A cell in one word for diffs: the shift code, `rest` or `leave`."""
    return shift_code if kind == "shift" and shift_code else kind
