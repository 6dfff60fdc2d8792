"""Bulk writes of the attendance area: new clock events with their match, and shift results.

PostgreSQL takes them with COPY (10^6 events of a terminal file in seconds); other
databases with one executemany per batch. `attendance_results` decides what to write.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from attendance.model import ClockEvent as DomainEvent
from webapp.models import ClockEvent, ShiftAttendance
from webapp.models.base import utcnow
from webapp.services.bulk_copy import (
    COPY_ESCAPES,
    NULL,
    copy_lines,
    copy_text,
    is_postgres,
    utc_text,
    utc_texts,
)

BATCH = 5000
COPY_FROM = 1000  # results; fewer go through one upsert per row (the API batch)
EVENT_COLUMNS = ("event_id", "employee_id", "at", "kind", "source", "device", "shift_date",
                 "unscheduled", "recorded_at", "voided")  # fmt: skip
RESULT_COLUMNS = ("employee_id", "date", "shift_code", "start", "end", "is_night", "clock_in",
                  "clock_out", "absence_half_days", "findings", "computed_at")  # fmt: skip


def store_matches(
    session: Session,
    existing: Mapping[str, Any],
    new_events: Sequence[DomainEvent],
    placement: Mapping[str, date | None],
) -> None:
    """Write each event's shift date or 'unscheduled' flag (A-2: never dropped): update the
    stored events whose match changed, insert the new ones."""
    changes = [
        {"id": row.id, "shift_date": placement[key], "unscheduled": placement[key] is None}
        for key, row in existing.items()
        if (row.shift_date, row.unscheduled) != (placement[key], placement[key] is None)
    ]
    if changes:
        session.execute(update(ClockEvent), changes)
    now = utcnow()
    if is_postgres(session):
        copy_lines(session, "clock_event", EVENT_COLUMNS, _event_lines(new_events, placement, now))
        return
    rows = (
        dict(zip(EVENT_COLUMNS, (e.event_id, int(e.employee_code), e.at, e.kind.value,
                                 e.source.value, e.device, placement[e.event_id],
                                 placement[e.event_id] is None, now, False), strict=True))
        for e in new_events
    )  # fmt: skip
    for batch in _batches(rows):
        session.execute(insert(ClockEvent), batch)


def _event_lines(events: Sequence[DomainEvent], placement: Mapping[str, date | None],
                 now: datetime) -> Iterator[str]:  # fmt: skip
    """EVENT_COLUMNS of each event as a COPY text line, formatted in one step per row."""
    recorded = copy_text(now)
    for e, at in zip(events, utc_texts([e.at for e in events]), strict=True):
        day = placement[e.event_id]
        device = NULL if e.device is None else e.device.translate(COPY_ESCAPES)
        yield (
            f"{e.event_id.translate(COPY_ESCAPES)}\t{e.employee_code}\t{at}"
            f"\t{e.kind}\t{e.source}\t{device}"  # StrEnum: formats as its value
            f"\t{NULL if day is None else day.isoformat()}\t{'t' if day is None else 'f'}"
            f"\t{recorded}\tf\n"
        )


def write_results(session: Session, rows: Sequence[Mapping[str, Any]],
                  replaced: Sequence[int]) -> None:  # fmt: skip
    """Write many (employee, date) results (rows keyed by RESULT_COLUMNS); `replaced` are the
    ids of the stored rows among them. The caller read the stored rows under the employees'
    locks (employee_locks), so no other writer adds a result for them before commit."""
    if not rows:
        return
    if is_postgres(session) and len(rows) >= COPY_FROM:
        # Delete and COPY: an upsert costs a statement per row, or a scratch table and a
        # second pass over every row; an import writes half a million (issue 5, item 8).
        delete_results(session, replaced)
        copy_lines(session, "shift_attendance", RESULT_COLUMNS, _result_lines(rows))
        return
    table = ShiftAttendance.__table__
    upsert = (pg_insert if is_postgres(session) else sqlite_insert)(table)
    names = [name for name in RESULT_COLUMNS if name not in ("employee_id", "date")]
    upsert = upsert.on_conflict_do_update(
        index_elements=["employee_id", "date"], set_={n: upsert.excluded[n] for n in names}
    )
    for batch in _batches(iter(rows)):
        session.execute(upsert, batch)


def delete_results(session: Session, ids: Sequence[int]) -> None:
    """Delete stored results by id."""
    for start in range(0, len(ids), BATCH):
        session.execute(
            delete(ShiftAttendance).where(ShiftAttendance.id.in_(ids[start : start + BATCH]))
        )


def _result_lines(rows: Sequence[Mapping[str, Any]]) -> Iterator[str]:
    """RESULT_COLUMNS of each row as a COPY text line; the few shift instants, shared by
    thousands of rows, are formatted once, the clock-ins and -outs all in one pass."""
    instants: dict[datetime, str] = {}

    def instant(at: datetime | None) -> str:
        if at is None:
            return NULL
        text = instants.get(at)
        if text is None:
            text = instants[at] = utc_text(at)
        return text

    clock_ins = utc_texts([r["clock_in"] for r in rows])
    clock_outs = utc_texts([r["clock_out"] for r in rows])
    for r, clock_in, clock_out in zip(rows, clock_ins, clock_outs, strict=True):
        findings = json.dumps(r["findings"]).translate(COPY_ESCAPES) if r["findings"] else "[]"
        yield (
            f"{r['employee_id']}\t{r['date'].isoformat()}\t{r['shift_code'].translate(COPY_ESCAPES)}"
            f"\t{instant(r['start'])}\t{instant(r['end'])}\t{'t' if r['is_night'] else 'f'}"
            f"\t{clock_in}\t{clock_out}"
            f"\t{r['absence_half_days']}\t{findings}\t{instant(r['computed_at'])}\n"
        )


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
