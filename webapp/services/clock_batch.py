"""API clock events stored, matched, classified and booked a batch at a time (A-1…A-6).

`record_batch` does in the caller's transaction, for many requests at once, what
`clock.record_event` does for one: the round trips, the ORM work and the commit's fsync are
shared by the batch (issue 5 item 8). Each submission gets its own answer; a bad one does
not fail the others. `webapp.services.clock_batcher` runs it for concurrent requests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, contains_eager

from webapp.models import ClockEvent, Device, Employee
from webapp.models.base import utcnow
from webapp.services import attendance_results as results
from webapp.services import clock, devices
from webapp.services import employee_locks as locks
from webapp.services.errors import ServiceError

SOURCE = "api"


@dataclass(frozen=True)
class Submission:
    """One POST as the view parsed it; `problem` is a shape error, reported after the token."""

    token: str
    event_id: str = ""
    employee_code: str = ""
    kind: str = ""
    at: datetime | None = None
    problem: ServiceError | None = None


@dataclass(frozen=True)
class StoredEvent:
    """An event as stored, for the answer; instants in UTC."""

    event_id: str
    employee_code: str
    kind: str
    at: datetime
    source: str
    device: str | None
    recorded_at: datetime
    shift_date: date | None
    unscheduled: bool


@dataclass(frozen=True)
class Answer:
    """What one submission gets: 201 stored, 200 a retry, 4xx refused, 503 not stored."""

    status: int
    event: StoredEvent | None = None
    error: ServiceError | None = None


UNAVAILABLE = Answer(
    503, error=ServiceError("not acknowledged: retry with the same event_id (A-1)", None, "A-1")
)


@dataclass(frozen=True)
class _Valid:
    """A submission that passed every check that needs no lock: ready to insert."""

    index: int
    submission: Submission
    device: Device
    employee_id: int
    at: datetime


def record_batch(session: Session, submissions: Sequence[Submission]) -> list[Answer]:
    """Store the new events once each, recompute their shifts, flag proxies (A-1…A-6).

    One answer per submission, in order. Nothing is committed here: the caller commits, and
    only then may the answers be sent (an acknowledged event is durable)."""
    answers: list[Answer | None] = [None] * len(submissions)
    valid = _check(session, submissions, answers)
    if valid:
        first: dict[str, _Valid] = {}
        for item in valid:
            first.setdefault(item.submission.event_id, item)
        now = utcnow()
        created = _insert_new(session, list(first.values()), now)
        placed = _recompute(session, [first[i] for i in created])
        stored = _stored(session, [key for key in first if key not in placed])
        stored |= {key: _as_stored(first[key], now, day) for key, day in placed.items()}
        for item in valid:
            key = item.submission.event_id
            new = key in created and first[key] is item  # a retry in the same batch gets 200
            answers[item.index] = _answer(item, stored[key], new) if key in stored else None
    return [answer or UNAVAILABLE for answer in answers]


def _check(
    session: Session, submissions: Sequence[Submission], answers: list[Answer | None]
) -> list[_Valid]:
    """Token, shape and employee checks in two queries for the batch, which lock the
    employees; refusals answered."""
    hashes = {devices.hash_token(s.token) for s in submissions}
    by_hash = {
        d.token_hash: d
        for d in session.scalars(
            select(Device).join(Device.site).options(contains_eager(Device.site))
            .where(Device.token_hash.in_(hashes), Device.revoked_at.is_(None))
        )
    }  # fmt: skip
    codes = {s.employee_code for s in submissions if s.problem is None}
    # Locked here, in id order and before the inserts (as `clock.record_event` does), with
    # the site and pay the recompute and the ledger would otherwise read again.
    staff = {
        row.code: row
        for row in session.execute(
            select(Employee.id, Employee.code, Employee.site_id, Employee.active,
                   Employee.monthly_base_pay)
            .where(Employee.code.in_(codes)).order_by(Employee.id).with_for_update()
        )
    }  # fmt: skip
    locks.hold_employees(
        session, {r.id: locks.Held(r.site_id, r.monthly_base_pay) for r in staff.values()}
    )
    valid: list[_Valid] = []
    for index, submission in enumerate(submissions):
        device = by_hash.get(devices.hash_token(submission.token))
        try:
            if device is None:
                answers[index] = Answer(401, error=ServiceError(
                    "device token missing, unknown or revoked (A-1)", "Authorization"))  # fmt: skip
                continue
            if submission.problem is not None:
                raise submission.problem
            assert submission.at is not None
            clock.check_event(submission.event_id, submission.kind, submission.at)
            employee = staff.get(submission.employee_code)
            if employee is None or employee.site_id != device.site_id:
                raise ServiceError("employee_code: unknown at this device's site (A-1)",
                                   "employee_code", "A-1")  # fmt: skip
            if not employee.active:
                raise ServiceError("employee: not active (A-1)", "employee_code", "A-1")
        except ServiceError as error:
            answers[index] = Answer(400, error=error)
            continue
        valid.append(_Valid(index, submission, device, employee.id, submission.at))
    return valid


def _insert_new(session: Session, items: Sequence[_Valid], now: datetime) -> set[str]:
    """One multi-row INSERT … ON CONFLICT (event_id) DO NOTHING; the ids it stored (A-1)."""
    insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[session.get_bind().dialect.name]
    statement = (
        insert(ClockEvent.__table__)
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(ClockEvent.event_id)
    )
    rows = [
        {"event_id": i.submission.event_id, "employee_id": i.employee_id, "at": i.at,
         "kind": i.submission.kind, "source": SOURCE, "device": i.device.name,
         "device_id": i.device.id, "recorded_at": now}
        for i in items
    ]  # fmt: skip
    return set(session.scalars(statement, rows))


def _recompute(session: Session, new: Sequence[_Valid]) -> dict[str, date | None]:
    """Re-match and re-classify the shifts the new events can touch; flag proxies (A-2…A-6).

    A lone new event re-classifies only the shift it lands on, as `clock.record_event` does;
    a batch re-classifies every shift of its employees' dates ±1 day, as the file import
    does, and writes the results that changed. Each new event's shift date comes back."""
    by_site: dict[int, list[_Valid]] = defaultdict(list)
    for item in new:
        by_site[item.device.site_id].append(item)
    settings = {site: results.settings_for(items[0].device.site) for site, items in by_site.items()}
    affected: dict[int, set[date]] = defaultdict(set)
    for item in new:
        day = results.local_date(item.at, settings[item.device.site_id])
        affected[item.employee_id] |= results.dates_around(day)
    lone = new[0].submission.event_id if len(new) == 1 else None
    ids = [item.submission.event_id for item in new]
    outcome = results.recompute(session, affected, only_shift_of=lone, keep_rows=False,
                                placed=ids) if affected else None  # fmt: skip
    for site_id, items in by_site.items():
        events = [
            results.to_domain(_Row(i.submission.event_id, i.employee_id, i.at, i.submission.kind,
                                   i.device.name, SOURCE))
            for i in items
        ]  # fmt: skip
        clock.flag_proxy_punching(session, events, settings[site_id].proxy_window_seconds)
    return dict(outcome.shift_dates) if outcome else {}


@dataclass(frozen=True)
class _Row:
    """The fields `attendance_results.to_domain` reads, for an event inserted by Core."""

    event_id: str
    employee_id: int
    at: datetime
    kind: str
    device: str
    source: str


def _stored(session: Session, event_ids: Sequence[str]) -> dict[str, StoredEvent]:
    """The events as stored now (after matching), with their employee codes."""
    if not event_ids:
        return {}
    rows = session.execute(
        select(ClockEvent.event_id, Employee.code, ClockEvent.employee_id, ClockEvent.kind,
               ClockEvent.at, ClockEvent.source, ClockEvent.device, ClockEvent.recorded_at,
               ClockEvent.shift_date, ClockEvent.unscheduled)
        .join(Employee, Employee.id == ClockEvent.employee_id)
        .where(ClockEvent.event_id.in_(event_ids))
    )  # fmt: skip
    return {
        r.event_id: StoredEvent(r.event_id, r.code, r.kind, r.at, r.source, r.device,
                                r.recorded_at, r.shift_date, r.unscheduled)
        for r in rows
    }  # fmt: skip


def _as_stored(item: _Valid, recorded_at: datetime, shift_date: date | None) -> StoredEvent:
    """A new event as just inserted and matched, without reading it back."""
    sub = item.submission
    return StoredEvent(sub.event_id, sub.employee_code, sub.kind, item.at.astimezone(UTC), SOURCE,
                       item.device.name, recorded_at, shift_date, shift_date is None)  # fmt: skip


def _answer(item: _Valid, stored: StoredEvent, created: bool) -> Answer:
    """201 for the submission that stored it; 200 for a retry with the same content, else 409."""
    if created:
        return Answer(201, stored)
    same = (stored.employee_code, stored.kind, stored.at) == (
        item.submission.employee_code, item.submission.kind, item.at)  # fmt: skip
    return Answer(200, stored) if same else Answer(409, error=clock.id_taken(stored.event_id))
