"""Building the solver's Problem (FORMATS §1) from the database, and mapping results back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from scheduler import problem as p
from scheduler.result import RestDay, Result, Status
from webapp.models import CoverageRequirement, Employee, EmployeeRole, ShiftType, Site, Team
from webapp.services import roster as roster_service
from webapp.site_settings import effective_settings

HISTORY_LOOKBACK_DAYS = 14
LUNCH_COVER = (dt.time(12, 0), dt.time(13, 0), 2)  # S-3: two day-shift agents stay on duty

# approved leave comes from the leave area; it registers a source here (employee id,
# date, reason) so this module does not depend on its tables.
UnavailabilitySource = Callable[
    [Session, int, dt.date, dt.date], Iterable[tuple[int, dt.date, str]]
]
UNAVAILABILITY_SOURCES: list[UnavailabilitySource] = []


def register_unavailability_source(source: UnavailabilitySource) -> None:
    """Add a source of approved leave / unavailability (R-6) read when a problem is built."""
    if source not in UNAVAILABILITY_SOURCES:
        UNAVAILABILITY_SOURCES.append(source)


@dataclass(frozen=True)
class Bundle:
    """A problem with the maps from its ids (employee and shift codes) back to rows."""

    problem: p.Problem
    site_id: int
    employee_ids: dict[str, int]
    shift_ids: dict[str, int]
    codes: dict[int, str] = field(default_factory=dict)
    shift_codes: dict[int, str] = field(default_factory=dict)


def minute_time(minute: int) -> dt.time:
    """0..1440 minutes → a time; 1440 is midnight at the end of the day."""
    return dt.time((minute // 60) % 24, minute % 60)


def rostered_employees(session: Session, site_id: int) -> list[Employee]:
    """Active agents of the site with a team, by team then code (leads are not rostered)."""
    query = (
        select(Employee)
        .join(Team, Employee.team_id == Team.id)
        .join(EmployeeRole, EmployeeRole.employee_id == Employee.id)
        .where(Employee.site_id == site_id, Employee.active, EmployeeRole.role == "agent")
        .options(contains_eager(Employee.team))
        .order_by(Team.name, Employee.code)
    )
    return list(session.scalars(query).unique())


def build_problem(
    session: Session,
    site: Site,
    first: dt.date,
    days: int,
    fixed: Iterable[p.Assignment] = (),
    current: Iterable[p.Assignment] = (),
    staff: list[Employee] | None = None,
) -> Bundle:
    """The Problem for a site's dates: agents, history, coverage, breaks, leave, rules.

    `staff` are the site's rostered employees when the caller has read them already.
    """
    settings = effective_settings(site.settings or {})
    staff = rostered_employees(session, site.id) if staff is None else staff
    shifts = list(site.shift_types)
    last = first + dt.timedelta(days=days - 1)
    history = _histories(session, site, [e.id for e in staff], first)
    agents = tuple(
        p.Agent(
            id=e.code,
            team=e.team.name if e.team else "",
            skills=e.skills,
            target_hours_week=float(settings["target_hours_week"]),
            max_hours_week=float(settings["max_hours_week"]),
            history=history.get(e.id, p.History()),
        )
        for e in staff
    )
    codes = {e.id: e.code for e in staff}
    unavailable = tuple(
        p.Unavailability(codes[emp], date, reason)
        for source in UNAVAILABILITY_SOURCES
        for emp, date, reason in source(session, site.id, first, last)
        if emp in codes and first <= date <= last
    )
    problem = p.Problem(
        horizon=p.Horizon(first, days),
        shift_types=tuple(
            p.ShiftType(code=s.code, name=s.name_zh, start=s.start, end=s.end) for s in shifts
        ),
        agents=agents,
        slot_minutes=int(settings["slot_minutes"]),
        coverage=coverage_windows(session, site.id, int(settings["coverage_default_min"])),
        breaks=tuple(b for b in (break_rule(s) for s in shifts) if b is not None),
        unavailable=tuple(sorted(set(unavailable), key=lambda u: (u.agent, u.date))),
        fixed=tuple(fixed),
        current=tuple(current),
        rules=p.Rules(
            max_days_in_a_row=int(settings["max_days_in_a_row"]),
            max_rest_days_per_team_per_day=int(settings["max_rest_days_per_team_per_day"]),
            min_rest_hours=float(settings["min_rest_hours"]),
        ),
    )
    return Bundle(
        problem=problem,
        site_id=site.id,
        employee_ids={e.code: e.id for e in staff},
        shift_ids={s.code: s.id for s in shifts},
        codes=codes,
        shift_codes={s.id: s.code for s in shifts},
    )


def coverage_windows(
    session: Session, site_id: int, default_min: int
) -> tuple[p.CoverageWindow, ...]:
    """S-2: the site's requirements, plus the default minimum around the clock."""
    rows = session.scalars(
        select(CoverageRequirement)
        .where(CoverageRequirement.site_id == site_id)
        .order_by(CoverageRequirement.id)
    )
    windows = []
    if default_min > 0:
        windows.append(p.CoverageWindow(dt.time(0), dt.time(0), default_min))
    for row in rows:
        windows.append(
            p.CoverageWindow(
                start=minute_time(row.from_minute),
                end=minute_time(row.to_minute),
                min=row.minimum,
                weekdays=frozenset(int(c) for c in row.weekdays) if row.weekdays else None,
                dates=frozenset({row.on_date}) if row.on_date else None,
                skill=row.skill,
            )
        )
    return tuple(windows)


def break_rule(shift: ShiftType) -> p.BreakRule | None:
    """S-3: a break starting on the hour, 3 h after the start and 3 h before the end at the
    latest; a shift on duty through 12:00–13:00 keeps two agents working then."""
    if not shift.break_minutes:
        return None
    start = shift.start.hour * 60 + shift.start.minute
    length = p.ShiftType(shift.code, "", shift.start, shift.end).length_minutes
    first = -(-(start + 180) // 60) * 60
    options = tuple(
        minute_time(m) for m in range(first, start + length - 180 - shift.break_minutes + 1, 60)
    )
    if not options:
        options = (minute_time(start + (length - shift.break_minutes) // 2),)
    lunch_from, lunch_to, lunch_min = LUNCH_COVER
    duty = ()
    noon = lunch_from.hour * 60
    if start <= noon and lunch_to.hour * 60 <= start + length:
        duty = (p.DutyWindow(lunch_from, lunch_to, lunch_min),)
    return p.BreakRule(shift.code, shift.break_minutes, options, duty)


def _histories(
    session: Session, site: Site, employee_ids: list[int], first: dt.date
) -> dict[int, p.History]:
    """R-3/R-5 continuity from the published roster of the days before `first`."""
    since = first - dt.timedelta(days=HISTORY_LOOKBACK_DAYS)
    cells = roster_service.published_cells(session, site.id, since, first - dt.timedelta(days=1))
    out: dict[int, p.History] = {}
    for emp in employee_ids:
        run, last_end = 0, None
        day = first - dt.timedelta(days=1)
        while (cell := cells.get((emp, day))) is not None and cell.kind == "shift":
            run += 1
            day -= dt.timedelta(days=1)
        for back in range(1, HISTORY_LOOKBACK_DAYS + 1):
            cell = cells.get((emp, first - dt.timedelta(days=back)))
            if cell is not None and cell.shift_type is not None:
                last_end = roster_service.local_span(cell.date, cell.shift_type)[1]
                break
        out[emp] = p.History(run, last_end)
    return out


def result_from_cells(bundle: Bundle, cells: Iterable[roster_service.CellLike]) -> Result:
    """A Result (FORMATS §2) made of roster cells, for checking against the hard rules."""
    assignments, rests = [], []
    for cell in cells:
        code = bundle.codes.get(cell.employee_id)
        if code is None:
            continue
        if cell.kind == "shift" and cell.shift_type_id is not None:
            brk = None if cell.break_start is None else minute_time(cell.break_start)
            shift = bundle.shift_codes[cell.shift_type_id]
            assignments.append(p.Assignment(code, cell.date, shift, brk))
        elif cell.kind == "rest":
            cover = bundle.codes.get(cell.cover_id) if cell.cover_id else None
            rests.append(RestDay(code, cell.date, cover))
    return Result(Status.FEASIBLE, assignments=tuple(assignments), rest_days=tuple(rests))


def with_leave_cells(bundle: Bundle, cells: Iterable[roster_service.CellLike]) -> p.Problem:
    """The bundle's problem with the roster's leave cells as unavailability too (R-6)."""
    extra = {
        p.Unavailability(bundle.codes[c.employee_id], c.date, "leave")
        for c in cells
        if c.kind == "leave" and c.employee_id in bundle.codes
    }
    known = {(u.agent, u.date) for u in bundle.problem.unavailable}
    more = tuple(
        sorted(
            (u for u in extra if (u.agent, u.date) not in known), key=lambda u: (u.agent, u.date)
        )
    )
    return replace(bundle.problem, unavailable=bundle.problem.unavailable + more)
