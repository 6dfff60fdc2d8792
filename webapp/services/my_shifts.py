"""An agent's own published roster: the list of coming shifts and a month calendar."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from webapp.models import Employee
from webapp.models.base import utcnow
from webapp.services import roster as rs

LIST_DAYS = 28


@dataclass(frozen=True)
class Day:
    """One date of an agent's published roster: a shift (site-local times), rest or leave."""

    date: dt.date
    kind: str  # shift, rest, leave
    code: str
    name: str
    colour: str
    start: dt.time | None = None
    end: dt.time | None = None
    break_start: str | None = None
    cover: str | None = None
    roster_id: int | None = None


def site_today(employee: Employee, now: dt.datetime | None = None) -> dt.date:
    """Today's date in the employee's site time zone."""
    return (now or utcnow()).astimezone(ZoneInfo(employee.site.timezone)).date()


def published_days(
    session: Session, employee: Employee, first: dt.date, last: dt.date
) -> list[Day]:
    """The employee's published cells from first to last, in date order (gaps left out)."""
    cells = rs.published_cells(session, employee.site_id, first, last, employee.id)
    out = []
    for (_, date), cell in sorted(cells.items()):
        shift = cell.shift_type
        if cell.kind == "shift" and shift is not None:
            brk = None
            if cell.break_start is not None and shift.break_minutes:
                brk = f"{cell.break_start // 60:02d}:{cell.break_start % 60:02d}"
            out.append(
                Day(
                    date, "shift", shift.code, shift.name_zh, shift.colour,
                    shift.start, shift.end, brk, None, cell.roster_id,
                )
            )  # fmt: skip
        elif cell.kind == "rest":
            cover = cell.cover.code if cell.cover is not None else None
            out.append(
                Day(date, "rest", "休", "", "#eeeeee", cover=cover, roster_id=cell.roster_id)
            )
        else:
            out.append(Day(date, "leave", "假", "", "#fde2c8", roster_id=cell.roster_id))
    return out


def coming_days(session: Session, employee: Employee, today: dt.date) -> list[Day]:
    """The published days from today for four weeks (what My shifts lists)."""
    return published_days(session, employee, today, today + dt.timedelta(days=LIST_DAYS - 1))


@dataclass(frozen=True)
class CalendarDay:
    """One square of the month calendar."""

    date: dt.date
    in_month: bool
    day: Day | None
    is_today: bool


def month_weeks(
    session: Session, employee: Employee, year: int, month: int, today: dt.date
) -> list[list[CalendarDay]]:
    """The month as Monday-first weeks with the employee's published days filled in."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    days = {d.date: d for d in published_days(session, employee, weeks[0][0], weeks[-1][-1])}
    return [
        [CalendarDay(d, d.month == month, days.get(d), d == today) for d in week] for week in weeks
    ]


def parse_month(value: str | None, today: dt.date) -> tuple[int, int]:
    """`YYYY-MM` from the query string, or today's month when absent or malformed."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


def shift_month(year: int, month: int, delta: int) -> str:
    """`YYYY-MM` of the month `delta` months away."""
    index = year * 12 + month - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
