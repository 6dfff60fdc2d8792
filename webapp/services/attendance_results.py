"""Matching clock events to published shifts and keeping ShiftAttendance current (A-2…A-5).

`recompute` is called in the same transaction as every change of an input: a new event, a
correction, approved leave (via `register_leave_source`) or a roster change. It recomputes
exactly the (employee, date) shifts it is given, re-matching every event that could belong
to them; `shift_results` writes those whose result changed.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.clock import match_events
from attendance.model import ClockEvent as DomainEvent
from attendance.model import ClockKind, ClockSource, LeaveRequest, ScheduledShift
from attendance.settings import AttendanceSettings
from webapp.models import (
    ClockEvent,
    Employee,
    Roster,
    RosterAssignment,
    ShiftAttendance,
    ShiftType,
    Site,
)
from webapp.services import attendance_store as store
from webapp.services import shift_results
from webapp.services.employee_locks import held_facts
from webapp.services.roster import break_span, utc_span
from webapp.services.write_behind import committed_reads
from webapp.site_settings import effective_settings

ONE_DAY = timedelta(days=1)
CHUNK = 500  # employees or rows per statement: SQLite binds at most 32,766 values
LeaveSource = Callable[[Session, Sequence[int], datetime, datetime], Sequence[LeaveRequest]]
_leave_sources: list[LeaveSource] = []


def register_leave_source(source: LeaveSource) -> None:
    """Let the leave area (issue 6) supply leave by employee id; codes are `str(employee.id)`."""
    if source not in _leave_sources:
        _leave_sources.append(source)


def settings_for(site: Site) -> AttendanceSettings:
    """The site's AttendanceSettings: SPEC defaults, the site's overrides and its time zone."""
    values = effective_settings(site.settings or {})
    kwargs: dict[str, Any] = {"timezone": site.timezone}
    for spec in dataclasses.fields(AttendanceSettings):
        if spec.name in values:
            default = getattr(AttendanceSettings, spec.name, None)
            raw = values[spec.name]
            kwargs[spec.name] = Decimal(str(raw)) if isinstance(default, Decimal) else raw
    return AttendanceSettings(**kwargs)


def dates_around(day: date) -> set[date]:
    """Shift dates an event on this local date, or a roster change on it, can affect (A-2)."""
    return {day - ONE_DAY, day, day + ONE_DAY}


def recompute_cells(session: Session, cells: Iterable[tuple[int, date]]) -> Recomputed:
    """After a roster change: recompute the changed (employee id, date) cells ±1 day (A-2).

    Call it in the transaction that publishes the roster, with the cells of its diff.
    """
    affected: dict[int, set[date]] = defaultdict(set)
    for employee_id, day in cells:
        affected[employee_id] |= dates_around(day)
    return recompute(session, affected) if affected else Recomputed()


def local_date(at: datetime, settings: AttendanceSettings) -> date:
    """The site-local calendar date of an instant."""
    return at.astimezone(settings.zone).date()


def to_domain(row: Any) -> DomainEvent:
    """A stored event (row or ORM object) as the pure rules see it; the code is the id."""
    return DomainEvent(
        row.event_id, str(row.employee_id), row.at, ClockKind(row.kind), row.device,
        ClockSource(row.source),
    )  # fmt: skip


def _midnight(day: date, settings: AttendanceSettings) -> datetime:
    return datetime.combine(day, time(0), tzinfo=settings.zone)


def _shifts(session: Session, site_id: int, ids: Collection[int], first: date, last: date,
            zone: ZoneInfo) -> list[ScheduledShift]:  # fmt: skip
    """The employees' published shifts, as `roster.published_assignments` gives them (the later
    publication wins a date), read for these employees only and without joining employee rows:
    a bulk import asks for a few hundred of a site's thousands at a time."""
    cells: dict[tuple[int, date], Any] = {}
    wanted = sorted(ids)
    for start in range(0, len(wanted), CHUNK):
        query = (
            select(RosterAssignment.employee_id, RosterAssignment.date, RosterAssignment.kind,
                   RosterAssignment.break_start, ShiftType.id.label("type_id"), ShiftType.code,
                   ShiftType.start, ShiftType.end, ShiftType.break_minutes)
            .join(Roster, RosterAssignment.roster_id == Roster.id)
            .outerjoin(ShiftType, RosterAssignment.shift_type_id == ShiftType.id)
            .where(Roster.site_id == site_id, Roster.status == "published",
                   RosterAssignment.employee_id.in_(wanted[start : start + CHUNK]),
                   RosterAssignment.date >= first, RosterAssignment.date <= last)
            .order_by(Roster.published_at, Roster.id)
        )  # fmt: skip
        found = session.execute(query, bind_arguments=committed_reads(session))
        cells.update({(cell[0], cell[1]): cell for cell in found})  # employee, date: 10^5 rows
    spans: dict[tuple[date, int, int | None], tuple[Any, ...]] = {}
    shifts = []
    for (employee_id, day), cell in cells.items():
        if cell.kind != "shift" or cell.type_id is None:
            continue
        key = (day, cell.type_id, cell.break_start)
        if key not in spans:  # thousands of cells share a few (date, shift type) instants
            spans[key] = _span(day, cell, zone)
        shifts.append(ScheduledShift(str(employee_id), day, *spans[key]))
    return shifts  # in no particular order: match_events orders them


def _span(day: date, cell: Any, zone: ZoneInfo) -> tuple[Any, ...]:
    """Code, start, end, break start, break end and night flag of a cell's shift type on a
    date, as `roster.utc_span` and `roster.break_span` compute them."""
    start, end = utc_span(day, cell, zone)
    pause = break_span(SimpleNamespace(date=day, break_start=cell.break_start, shift_type=cell),
                       zone) or (None, None)  # fmt: skip
    return cell.code, start, end, pause[0], pause[1], end.astimezone(zone).date() > day


def _leaves(session: Session, ids: Sequence[int], start: datetime, end: datetime
            ) -> list[LeaveRequest]:  # fmt: skip
    return [leave for source in _leave_sources for leave in source(session, ids, start, end)]


@dataclasses.dataclass
class Recomputed:
    """The results written and the ids of the re-matched events left unscheduled (A-2)."""

    results: list[ShiftAttendance] = dataclasses.field(default_factory=list)
    unscheduled: set[str] = dataclasses.field(default_factory=set)
    shift_dates: dict[str, date | None] = dataclasses.field(default_factory=dict)


def recompute(
    session: Session,
    affected: Mapping[int, Collection[date]],
    new_events: Sequence[DomainEvent] = (),
    leaves: Sequence[LeaveRequest] | None = None,
    only_shift_of: str | None = None,
    *,
    keep_rows: bool = True,
    placed: Collection[str] = (),
) -> Recomputed:
    """Re-match and re-classify exactly the given (employee id → dates) shifts (A-2…A-5).

    `only_shift_of` names a just-added event: matching is per event, so of the given dates
    only the shift that event lands on has a changed input and is re-classified.

    `new_events` (bulk import) are inserted here with their match already set. Events that
    moved between shifts or became unscheduled are updated; results of dates that no longer
    have a shift are deleted. `leaves` overrides the registered leave sources (L-1).
    `keep_rows=False` leaves `results` empty: a bulk import does not read its rows back.
    `shift_dates` gets where each event named in `placed` (or `only_shift_of`) landed.
    """
    by_site: dict[int, set[int]] = defaultdict(set)
    held = held_facts(session, affected)  # the API batch read them with their locks
    missing = [i for i in affected if i not in held]
    rows = [(i, facts.site_id) for i, facts in held.items()]
    if missing:
        query = select(Employee.id, Employee.site_id).where(Employee.id.in_(missing))
        rows += [(row.id, row.site_id) for row in session.execute(query)]
    for employee_id, site_id in rows:
        by_site[site_id].add(employee_id)
    outcome = Recomputed()
    for site_id, ids in by_site.items():
        site = session.get(Site, site_id, bind_arguments=committed_reads(session))
        assert site is not None
        site_new = [e for e in new_events if int(e.employee_code) in ids]
        part = {i: set(affected[i]) for i in ids}
        _recompute_site(session, settings_for(site), site_id, part, site_new, leaves, outcome,
                        only_shift_of, keep_rows, placed)  # fmt: skip
    return outcome


def recompute_event(
    session: Session,
    employee_id: int,
    site_id: int,
    settings: AttendanceSettings,
    day: date,
    event_id: str,
) -> Recomputed:
    """After one new event on local date `day`: re-match the employee's events around it and
    re-classify only the shift it lands on (A-2…A-5). The caller knows the site and its
    settings, so nothing is read twice; `shift_dates[event_id]` is where it landed."""
    outcome = Recomputed()
    _recompute_site(session, settings, site_id, {employee_id: dates_around(day)}, (), None,
                    outcome, only_shift_of=event_id)  # fmt: skip
    return outcome


def _recompute_site(
    session: Session,
    settings: AttendanceSettings,
    site_id: int,
    affected: dict[int, set[date]],
    new_events: Sequence[DomainEvent],
    leaves: Sequence[LeaveRequest] | None,
    outcome: Recomputed,
    only_shift_of: str | None = None,
    keep_rows: bool = True,
    placed: Collection[str] = (),
) -> None:
    all_dates = set().union(*affected.values())
    if new_events:  # the first and the last event bound their dates (10^6 for an import)
        moments = [e.at for e in new_events]
        all_dates |= {local_date(min(moments), settings), local_date(max(moments), settings)}
    if not all_dates:
        return
    first, last = min(all_dates), max(all_dates)
    # Events that may belong to shifts of first..last lie on local dates first-1..last+2;
    # every shift such an event could belong to starts on first-2..last+3 (A-2 windows < 1 day).
    shifts = _shifts(session, site_id, affected.keys(), first - 2 * ONE_DAY, last + 3 * ONE_DAY,
                     settings.zone)  # fmt: skip
    since, until = _midnight(first - ONE_DAY, settings), _midnight(last + 3 * ONE_DAY, settings)
    columns = (ClockEvent.id, ClockEvent.event_id, ClockEvent.employee_id, ClockEvent.at,
               ClockEvent.kind, ClockEvent.device, ClockEvent.source, ClockEvent.shift_date,
               ClockEvent.unscheduled)  # fmt: skip
    rows = session.execute(
        select(*columns).where(
            ClockEvent.employee_id.in_(list(affected)), ClockEvent.at >= since,
            ClockEvent.at < until, ClockEvent.voided.is_(False),
        ),
        bind_arguments=committed_reads(session),  # an import writes them after this read
    ).all()  # fmt: skip
    existing = {row.event_id: row for row in rows}
    matched = match_events([*map(to_domain, rows), *new_events], shifts, settings)
    placement: dict[str, date | None] = {e.event_id: None for e in matched.unscheduled}
    for item in matched.shifts:
        placement.update({e.event_id: item.shift.date for e in item.events})
    store.store_matches(session, existing, new_events, placement)
    outcome.unscheduled |= {e.event_id for e in matched.unscheduled}
    outcome.shift_dates.update({i: placement[i] for i in placed if i in placement})
    if only_shift_of is not None:
        day, owner = placement.get(only_shift_of), existing.get(only_shift_of)
        outcome.shift_dates[only_shift_of] = day
        affected = {owner.employee_id: {day}} if day is not None and owner is not None else {}
        if not affected:
            return
    if leaves is None:
        leaves = _leaves(session, sorted(affected), since, until)
    outcome.results += shift_results.store_results(session, affected, matched.shifts, leaves,
                                                   settings, keep_rows)  # fmt: skip
