"""Matching clock events to published shifts and keeping ShiftAttendance current (A-2…A-5).

`recompute` is called in the same transaction as every change of an input: a new event, a
correction, approved leave (via `register_leave_source`) or a roster change. It recomputes
exactly the (employee, date) shifts it is given, re-matching every event that could belong
to them.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, joinedload

from attendance.classify import Finding, FindingKind, ShiftResult, Tier, classify_shift
from attendance.clock import ShiftEvents, match_events
from attendance.model import ClockEvent as DomainEvent
from attendance.model import ClockKind, ClockSource, LeaveRequest, ScheduledShift
from attendance.settings import AttendanceSettings
from webapp.models import ClockEvent, Employee, Roster, RosterAssignment, ShiftAttendance, Site
from webapp.models.base import utcnow
from webapp.services.roster import break_span, published_assignments, utc_span
from webapp.site_settings import effective_settings

ONE_DAY = timedelta(days=1)
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
    only = next(iter(ids)) if len(ids) == 1 else None
    if only is not None:
        return _shifts_of(session, site_id, only, first, last, zone)
    return [
        ScheduledShift(str(p.employee_id), p.date, p.shift_code, p.start, p.end,
                       p.break_start, p.break_end, p.is_night)
        for p in published_assignments(session, site_id, first, last, only)
        if p.employee_id in ids
    ]  # fmt: skip


def _shifts_of(session: Session, site_id: int, employee_id: int, first: date, last: date,
               zone: ZoneInfo) -> list[ScheduledShift]:  # fmt: skip
    """One employee's published shifts, as `roster.published_assignments` gives them (the later
    publication wins a date), without joining the employee row the caller already holds."""
    query = (
        select(RosterAssignment)
        .join(Roster, RosterAssignment.roster_id == Roster.id)
        .where(Roster.site_id == site_id, Roster.status == "published",
               RosterAssignment.employee_id == employee_id,
               RosterAssignment.date >= first, RosterAssignment.date <= last)
        .options(joinedload(RosterAssignment.shift_type))
        .order_by(Roster.published_at, Roster.id)
    )  # fmt: skip
    cells = {cell.date: cell for cell in session.scalars(query)}
    shifts = []
    for day, cell in cells.items():
        if cell.kind != "shift" or cell.shift_type is None:
            continue
        start, end = utc_span(day, cell.shift_type, zone)
        pause = break_span(cell, zone) or (None, None)
        night = end.astimezone(zone).date() > day
        shifts.append(ScheduledShift(str(employee_id), day, cell.shift_type.code, start, end,
                                     pause[0], pause[1], night))  # fmt: skip
    return sorted(shifts, key=lambda shift: shift.start)


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
) -> Recomputed:
    """Re-match and re-classify exactly the given (employee id → dates) shifts (A-2…A-5).

    `only_shift_of` names a just-added event: matching is per event, so of the given dates
    only the shift that event lands on has a changed input and is re-classified.

    `new_events` (bulk import) are inserted here with their match already set. Events that
    moved between shifts or became unscheduled are updated; results of dates that no longer
    have a shift are deleted. `leaves` overrides the registered leave sources (L-1).
    """
    by_site: dict[int, set[int]] = defaultdict(set)
    rows = session.execute(
        select(Employee.id, Employee.site_id).where(Employee.id.in_(list(affected)))
    )
    for employee_id, site_id in rows:
        by_site[site_id].add(employee_id)
    outcome = Recomputed()
    for site_id, ids in by_site.items():
        site = session.get(Site, site_id)
        assert site is not None
        site_new = [e for e in new_events if int(e.employee_code) in ids]
        part = {i: set(affected[i]) for i in ids}
        _recompute_site(
            session, settings_for(site), site_id, part, site_new, leaves, outcome, only_shift_of
        )
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
) -> None:
    all_dates = set().union(*affected.values()) | {local_date(e.at, settings) for e in new_events}
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
        )
    ).all()  # fmt: skip
    existing = {row.event_id: row for row in rows}
    matched = match_events([*map(to_domain, rows), *new_events], shifts, settings)
    placement: dict[str, date | None] = {e.event_id: None for e in matched.unscheduled}
    for item in matched.shifts:
        placement.update({e.event_id: item.shift.date for e in item.events})
    _store_matches(session, existing, new_events, placement)
    outcome.unscheduled |= {e.event_id for e in matched.unscheduled}
    if only_shift_of is not None:
        day, owner = placement.get(only_shift_of), existing.get(only_shift_of)
        outcome.shift_dates[only_shift_of] = day
        affected = {owner.employee_id: {day}} if day is not None and owner is not None else {}
        if not affected:
            return
    if leaves is None:
        leaves = _leaves(session, sorted(affected), since, until)
    outcome.results += _store_results(session, affected, matched.shifts, leaves, settings)


def _store_matches(
    session: Session,
    existing: Mapping[str, Any],
    new_events: Sequence[DomainEvent],
    placement: Mapping[str, date | None],
) -> None:
    """Write each event's shift date or 'unscheduled' flag (A-2: never dropped)."""
    changes = [
        {"id": row.id, "shift_date": placement[key], "unscheduled": placement[key] is None}
        for key, row in existing.items()
        if (row.shift_date, row.unscheduled) != (placement[key], placement[key] is None)
    ]
    if changes:
        session.execute(update(ClockEvent), changes)
    rows = (
        (e.event_id, int(e.employee_code), e.at, e.kind.value, e.source.value, e.device,
         placement[e.event_id], placement[e.event_id] is None)
        for e in new_events
    )  # fmt: skip
    if session.get_bind().dialect.name == "postgresql":
        _copy_events(session, rows)
        return
    now = utcnow()
    keys = ("event_id", "employee_id", "at", "kind", "source", "device", "shift_date",
            "unscheduled")  # fmt: skip
    batch = [dict(zip(keys, row, strict=True)) for row in rows]
    for start in range(0, len(batch), 5000):
        chunk = batch[start : start + 5000]
        session.execute(insert(ClockEvent), [{**r, "recorded_at": now, "voided": False}
                                             for r in chunk])  # fmt: skip


def _copy_events(session: Session, rows: Iterable[tuple[Any, ...]]) -> None:
    """Bulk-load new events with COPY (PostgreSQL): a terminal file of 10^6 rows in seconds."""
    now = utcnow().replace(tzinfo=None)
    connection = session.connection().connection.dbapi_connection
    assert connection is not None
    columns = "event_id, employee_id, at, kind, source, device, shift_date, unscheduled, " \
              "recorded_at, voided"  # fmt: skip
    with (
        connection.cursor() as cursor,
        cursor.copy(  # type: ignore[attr-defined]
            f"COPY clock_event ({columns}) FROM STDIN"
        ) as copy,
    ):
        for row in rows:
            at = row[2].astimezone(UTC).replace(tzinfo=None)  # UTCDateTime stores naive UTC
            copy.write_row((*row[:2], at, *row[3:], now, False))


def _store_results(
    session: Session,
    affected: Mapping[int, set[date]],
    shifts: Iterable[ShiftEvents],
    leaves: Sequence[LeaveRequest],
    settings: AttendanceSettings,
) -> list[ShiftAttendance]:
    """Upsert the result of every affected shift; drop results of dates without a shift."""
    from webapp.services import ledger  # D-1/D-2/A-5/S-5 lines follow the results (§6)

    wanted = {(i, d) for i, days in affected.items() for d in days}
    if len(wanted) == 1:  # one new event: its shift exists, so there is nothing to delete
        for item in shifts:
            key = (int(item.shift.employee_code), item.shift.date)
            if key in wanted:
                values = _values(classify_shift(item, leaves, settings))
                stored = [_upsert_result(session, key, values)]
                ledger.sync_attendance(session, stored)
                return stored
    rows = session.scalars(
        select(ShiftAttendance).where(
            ShiftAttendance.employee_id.in_(list(affected)),
            ShiftAttendance.date >= min(d for _, d in wanted),
            ShiftAttendance.date <= max(d for _, d in wanted),
        )
    )
    current = {(r.employee_id, r.date): r for r in rows if (r.employee_id, r.date) in wanted}
    stored: list[ShiftAttendance] = []
    fresh: list[dict[str, Any]] = []
    for item in shifts:
        key = (int(item.shift.employee_code), item.shift.date)
        if key not in wanted:
            continue
        values = _values(classify_shift(item, leaves, settings))
        row = current.pop(key, None)
        if row is None:
            fresh.append({"employee_id": key[0], "date": key[1], **values})
            continue
        for name, value in values.items():
            setattr(row, name, value)
        stored.append(row)
    stale = [r.id for r in current.values()]
    if stale:
        session.execute(delete(ShiftAttendance).where(ShiftAttendance.id.in_(stale)))
    session.flush()
    if fresh:  # one multi-row INSERT … RETURNING per batch instead of the unit of work
        stored += session.scalars(insert(ShiftAttendance).returning(ShiftAttendance), fresh).all()
    ledger.sync_attendance(session, stored, removed=list(current))
    return stored


def _upsert_result(session: Session, key: tuple[int, date], values: dict[str, Any]
                   ) -> ShiftAttendance:  # fmt: skip
    """Insert or overwrite one (employee, date) result in one statement, session row refreshed."""
    dialect = session.get_bind().dialect.name
    upsert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[dialect]
    statement = (
        upsert(ShiftAttendance)
        .values(employee_id=key[0], date=key[1], **values)
        .on_conflict_do_update(index_elements=["employee_id", "date"], set_=values)
        .returning(ShiftAttendance)
    )
    return session.scalars(statement, execution_options={"populate_existing": True}).one()


def _values(result: ShiftResult) -> dict[str, Any]:
    shift = result.shift_events.shift
    return {
        "shift_code": shift.shift_code, "start": shift.start, "end": shift.end,
        "is_night": shift.is_night, "clock_in": result.clock_in, "clock_out": result.clock_out,
        "absence_half_days": int(result.absence_days * 2),
        "findings": [finding_to_json(f) for f in result.findings], "computed_at": utcnow(),
    }  # fmt: skip


def finding_to_json(finding: Finding) -> dict[str, Any]:
    """A finding as stored in ShiftAttendance.findings."""
    return {
        "kind": finding.kind.value, "tier": finding.tier.value, "minutes": finding.minutes,
        "rule": finding.rule_id, "at": finding.at.isoformat() if finding.at else None,
    }  # fmt: skip


def finding_from_json(data: Mapping[str, Any]) -> Finding:
    """The inverse of finding_to_json."""
    at = datetime.fromisoformat(data["at"]) if data.get("at") else None
    return Finding(FindingKind(data["kind"]), Tier(data["tier"]), int(data["minutes"]),
                   data["rule"], at)  # fmt: skip


def to_result(row: ShiftAttendance) -> ShiftResult:
    """A stored result as the pure report functions (A-8) take it; codes are employee ids."""
    shift = ScheduledShift(str(row.employee_id), row.date, row.shift_code, row.start, row.end,
                           is_night=row.is_night)  # fmt: skip
    findings = tuple(finding_from_json(f) for f in row.findings)
    return ShiftResult(ShiftEvents(shift, ()), row.clock_in, row.clock_out, findings)
