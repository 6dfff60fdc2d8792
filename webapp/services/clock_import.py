"""`import-clock` (FORMATS §3): a terminal's CSV into clock events, all rows or none (A-1)."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import String, any_, cast, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from attendance.csv_checks import Source
from attendance.errors import ImportRejected
from attendance.importers import import_clock_events
from attendance.model import ClockEvent as DomainEvent
from attendance.model import ClockSource
from webapp.models import ClockEvent, Employee, Site
from webapp.services import attendance_results as results
from webapp.services.clock import flag_proxy_punching

CHUNK = 5000


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
    codes = dict(session.execute(select(Employee.code, Employee.id)).all())
    try:
        parsed = import_clock_events(
            io.BytesIO(source) if isinstance(source, bytes) else source, known_employees=codes
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        problem = f"not a UTF-8 CSV with a header row ({error})"
        raise ImportRejected(((1, "file", problem),), "FORMATS §3") from None
    events = [
        DomainEvent(e.event_id, str(codes[e.employee_code]), e.at, e.kind, e.device,
                    ClockSource.IMPORT)
        for e in parsed
    ]  # fmt: skip
    new = _new_events(session, events)
    sites = dict(session.execute(select(Employee.id, Employee.site_id)).all())
    by_site: dict[int, list[DomainEvent]] = defaultdict(list)
    for event in new:
        by_site[sites[int(event.employee_code)]].append(event)
    flags = unscheduled = 0
    for site_id, site_events in by_site.items():
        site = session.get(Site, site_id)
        assert site is not None
        settings = results.settings_for(site)
        # A week at a time: each event's candidate shifts stay few, memory stays flat.
        weeks: dict[date, list[DomainEvent]] = defaultdict(list)
        for event in site_events:
            day = results.local_date(event.at, settings)
            weeks[day - timedelta(days=day.weekday())].append(event)
        for week in sorted(weeks):
            chunk = weeks[week]
            affected: dict[int, set[date]] = defaultdict(set)
            for event in chunk:
                day = results.local_date(event.at, settings)
                affected[int(event.employee_code)] |= results.dates_around(day)
            outcome = results.recompute(session, affected, new_events=chunk)
            unscheduled += sum(1 for e in chunk if e.event_id in outcome.unscheduled)
        flags += len(flag_proxy_punching(session, site_events, settings.proxy_window_seconds))
    return ClockImportReport(len(new), len(events) - len(new), unscheduled, flags)


def _new_events(session: Session, events: list[DomainEvent]) -> list[DomainEvent]:
    """Events not yet stored; an id stored with different content rejects the file (A-1)."""
    line_of = {e.event_id: position + 2 for position, e in enumerate(events)}
    stored: dict[str, tuple[int, str, object]] = {}
    ids = list(line_of)
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
    issues = [
        (line_of[e.event_id], "event_id", "already stored for a different event (A-1)")
        for e in events
        if e.event_id in stored and stored[e.event_id] != (int(e.employee_code), e.kind.value, e.at)
    ]
    if issues:
        raise ImportRejected(tuple(issues), "FORMATS §3")
    return [e for e in events if e.event_id not in stored]
