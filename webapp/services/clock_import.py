"""`import-clock` (FORMATS §3): a terminal's CSV into clock events, all rows or none (A-1)."""

from __future__ import annotations

import gc
import io
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import String, any_, cast, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from attendance.csv_checks import Source
from attendance.errors import ImportRejected
from attendance.importers import import_clock_events
from attendance.model import ClockEvent as DomainEvent
from attendance.settings import AttendanceSettings
from webapp.models import ClockEvent, Employee, Site
from webapp.services import attendance_results as results
from webapp.services import clock_import_flags as proxies
from webapp.services.employee_locks import lock_and_hold
from webapp.services.write_behind import write_behind

CHUNK = 5000
EMPLOYEES_PER_CHUNK = 200


@dataclass(frozen=True)
class ClockImportReport:
    """What an import stored."""

    created: int
    already_stored: int
    unscheduled: int
    proxy_flags: int

    def summary(self) -> str:
        """One line for the terminal."""
        return (
            f"created {self.created}, already stored {self.already_stored} event(s); "
            f"unscheduled {self.unscheduled}; proxy punching flags {self.proxy_flags}; rejected 0"
        )


def import_clock_file(session: Session, source: bytes | Source) -> ClockImportReport:
    """Validate every row, then store the new events and recompute their shifts (FORMATS §3).

    Raises attendance.errors.ImportRejected listing every bad (line, column, message);
    an event_id already stored with other content is such a row. Nothing is written then.
    """
    with _cycle_collector_paused():
        return _import_clock_file(session, source)


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """The import holds ~10^7 objects (events, shifts, results, lines) until it ends, and every
    full collection of the cycle collector walks all of them: 8 s of a 10^6-row import in 39
    collections, for garbage that reference counting frees anyway (events, shifts, results
    and lines form no cycles; the few cycles of the database layer wait for the next
    collection). The collector runs again as before once the import returns or raises."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import_clock_file(session: Session, source: bytes | Source) -> ClockImportReport:
    ids = {code: str(i) for code, i in session.execute(select(Employee.code, Employee.id))}
    try:
        events = list(import_clock_events(
            io.BytesIO(source) if isinstance(source, bytes) else source, known_employees=ids,
            rename=ids,  # the rules see employees by id, as attendance_results stores them
        ))  # fmt: skip
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        problem = f"not a UTF-8 CSV with a header row ({error})"
        raise ImportRejected(((1, "file", problem),), "FORMATS §3") from None
    total = len(events)
    new = _new_events(session, events)
    del events
    sites = dict(session.execute(select(Employee.id, Employee.site_id)).all())
    by_site: dict[int, list[DomainEvent]] = defaultdict(list)
    for event in new:
        by_site[sites[int(event.employee_code)]].append(event)
    settings = {site_id: _settings(session, site_id) for site_id in by_site}
    windows = {site_id: rules.proxy_window_seconds for site_id, rules in settings.items()}
    earlier = {site_id: proxies.stored_near(session, by_site[site_id], window)
               for site_id, window in windows.items()}  # fmt: skip
    with write_behind(session):  # Python's work and PostgreSQL's overlap (issue 5, item 8)
        # All the file's employees at once, in id order, with their site and pay: the chunks
        # then neither lock nor read them, statements that would wait for the queued COPYs.
        lock_and_hold(session, (int(event.employee_code) for event in new))
        unscheduled = sum(_store_site(session, settings[site_id], by_site[site_id])
                          for site_id in by_site)  # fmt: skip
    flags = sum(
        proxies.flag_new_pairs(session, by_site[site_id], earlier[site_id], window)
        for site_id, window in windows.items()
    )
    return ClockImportReport(len(new), total - len(new), unscheduled, flags)


def _settings(session: Session, site_id: int) -> AttendanceSettings:
    site = session.get(Site, site_id)
    assert site is not None
    return results.settings_for(site)


def _store_site(session: Session, settings: AttendanceSettings, events: Sequence[DomainEvent]
                ) -> int:  # fmt: skip
    """Store one site's new events and recompute their shifts; how many are unscheduled.

    A few hundred employees at a time, all their dates at once: each shift is classified once
    (a calendar chunk would redo the shifts at its edges) and memory stays flat (A-2)."""
    by_employee: dict[int, list[DomainEvent]] = defaultdict(list)
    for event in events:
        by_employee[int(event.employee_code)].append(event)
    employees = sorted(by_employee)
    unscheduled = 0
    for start in range(0, len(employees), EMPLOYEES_PER_CHUNK):
        ids = employees[start : start + EMPLOYEES_PER_CHUNK]
        chunk = [e for i in ids for e in by_employee[i]]
        days = {i: {results.local_date(e.at, settings) for e in by_employee[i]} for i in ids}
        affected = {i: set().union(*map(results.dates_around, d)) for i, d in days.items()}
        outcome = results.recompute(session, affected, new_events=chunk, keep_rows=False)
        unscheduled += sum(1 for e in chunk if e.event_id in outcome.unscheduled)
    return unscheduled


def _new_events(session: Session, events: list[DomainEvent]) -> list[DomainEvent]:
    """Events not yet stored; an id stored with different content rejects the file (A-1)."""
    stored: dict[str, tuple[int, str, object]] = {}
    ids = [e.event_id for e in events]
    postgres = session.get_bind().dialect.name == "postgresql"
    size = CHUNK * 20 if postgres else CHUNK
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        # PostgreSQL: one array parameter instead of thousands of bound values.
        found = (ClockEvent.event_id == any_(cast(chunk, ARRAY(String))) if postgres
                 else ClockEvent.event_id.in_(chunk))  # fmt: skip
        rows = session.execute(
            select(ClockEvent.event_id, ClockEvent.employee_id, ClockEvent.kind, ClockEvent.at)
            .where(found)
        )  # fmt: skip
        stored.update({r.event_id: (r.employee_id, r.kind, r.at) for r in rows})
    if not stored:
        return events
    issues = [
        (position + 2, "event_id", "already stored for a different event (A-1)")
        for position, e in enumerate(events)
        if e.event_id in stored and stored[e.event_id] != (int(e.employee_code), e.kind.value, e.at)
    ]
    if issues:
        raise ImportRejected(tuple(issues), "FORMATS §3")
    return [e for e in events if e.event_id not in stored]
