"""Recording clock events from the web, kiosks, the API and files (A-1), with proxy flags (A-6)."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from attendance.clock import detect_proxy_punching, events_by_device
from attendance.model import ClockEvent as DomainEvent
from attendance.settings import AttendanceSettings
from webapp.models import ClockEvent, ClockPin, Device, Employee, ProxyFlag
from webapp.models.attendance import CLOCK_KINDS
from webapp.models.base import utcnow
from webapp.services import attendance_results as results
from webapp.services.employee_locks import lock_employees
from webapp.services.errors import Forbidden, ServiceError
from webapp.services.roster import PublishedShift, published_assignments

EVENT_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
PIN = re.compile(r"^\d{4,8}$")
FUTURE_TOLERANCE = timedelta(minutes=5)
SHORT_SPAN = timedelta(hours=1)  # events this close share one proxy-punching read
STATE_AFTER = {"in": "in", "break_in": "in", "break_out": "break"}
NEXT_KINDS = {"out": ("in",), "in": ("out", "break_out"), "break": ("break_in",)}


def new_event_id() -> str:
    """A fresh client-side id for a web or kiosk form, so a resubmission is stored once (A-1)."""
    return uuid.uuid4().hex


def check_event(event_id: str, kind: str, at: datetime) -> None:
    """Shape rules of A-1: a usable id, a known kind, an aware time not in the future."""
    if not EVENT_ID.match(event_id or ""):
        raise ServiceError("event_id: 1–64 letters, digits or ._:- (A-1)", "event_id", "A-1")
    if kind not in CLOCK_KINDS:
        raise ServiceError(f"kind: must be one of {', '.join(CLOCK_KINDS)} (A-1)", "kind", "A-1")
    if at.utcoffset() is None:
        raise ServiceError("timestamp: needs a UTC offset (A-1)", "timestamp", "A-1")
    if at > utcnow() + FUTURE_TOLERANCE:
        raise ServiceError("timestamp: must not be in the future (A-1)", "timestamp", "A-1")


def id_taken(event_id: str) -> ServiceError:
    """The refusal of an event_id stored already with other content (A-1; the API's 409)."""
    return ServiceError(
        f"event_id: {event_id} is already stored for a different event (A-1)", "event_id", "A-1"
    )


def _replay(row: ClockEvent, employee: Employee, kind: str, at: datetime | None) -> ClockEvent:
    """A retry answers with the stored event; `at` None: the server stamped the time."""
    if (row.employee_id, row.kind) != (employee.id, kind) or at not in (None, row.at):
        raise id_taken(row.event_id)
    return row


def record_event(
    session: Session,
    employee: Employee,
    kind: str,
    at: datetime,
    source: str,
    *,
    event_id: str,
    device: Device | None = None,
    server_time: bool = False,
) -> tuple[ClockEvent, bool]:
    """Store one event once (idempotent by event_id), match it, recompute its shifts (A-1…A-6).

    Returns the stored event and whether it was new. A retry with the same id and content
    returns the stored event; the same id with other content is refused. With `server_time`
    (web and kiosk forms stamp the time on arrival) a retry may carry a later time.
    """
    expected = None if server_time else at
    check_event(event_id, kind, at)
    if not employee.active:
        raise ServiceError("employee: not active (A-1)", "employee_code", "A-1")
    # One writer per employee at a time (PostgreSQL; SQLite serialises writers anyway). Taken
    # before the insert: its foreign key share-locks the employee, so two inserts that then
    # both asked for the lock would deadlock.
    lock_employees(session, [employee.id])  # the ledger sync below needs it anyway
    row = _insert_once(session, {
        "event_id": event_id, "employee_id": employee.id, "at": at, "kind": kind,
        "source": source, "device": device.name if device else None,
        "device_id": device.id if device else None,
    })  # fmt: skip
    if row is None:  # a retry, or the same id stored concurrently by one
        found = session.scalar(select(ClockEvent).where(ClockEvent.event_id == event_id))
        assert found is not None
        return _replay(found, employee, kind, expected), False
    settings = results.settings_for(employee.site)
    day = results.local_date(at, settings)
    outcome = results.recompute_event(session, employee.id, employee.site_id, settings, day,
                                      event_id)  # fmt: skip
    if row.device:
        flag_proxy_punching(session, [results.to_domain(row)], settings.proxy_window_seconds)
    shift_date = outcome.shift_dates.get(event_id)
    set_committed_value(row, "shift_date", shift_date)
    set_committed_value(row, "unscheduled", shift_date is None)
    return row, True


def _insert_once(session: Session, values: dict[str, object]) -> ClockEvent | None:
    """Insert an event unless its event_id is stored (or being stored) already: one statement,
    no savepoint; None when the id was taken (A-1 idempotency)."""
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[dialect]
    statement = insert(ClockEvent).on_conflict_do_nothing(index_elements=["event_id"])
    return session.scalars(statement.returning(ClockEvent), [values]).one_or_none()


def flag_proxy_punching(
    session: Session, events: Sequence[DomainEvent], window_seconds: int
) -> list[ProxyFlag]:
    """Store a pending flag per new suspected pair involving the given stored events (A-6)."""
    window = timedelta(seconds=window_seconds)
    settings = AttendanceSettings(proxy_window_seconds=window_seconds)
    by_device = events_by_device(events)
    created: list[ProxyFlag] = []
    around = events_near(session, by_device, window)
    for name, mine in by_device.items():
        nearby = around[name]
        pk = {r.event_id: r.id for r in nearby}
        wanted = {e.event_id for e in mine}
        pairs = [
            (pk[p.first.event_id], pk[p.second.event_id], p.gap_seconds)
            for p in detect_proxy_punching(map(results.to_domain, nearby), settings)
            if p.first.event_id in wanted or p.second.event_id in wanted
        ]
        if not pairs:
            continue
        ids = {i for pair in pairs for i in pair[:2]}
        known = {tuple(row) for row in session.execute(
            select(ProxyFlag.first_event_id, ProxyFlag.second_event_id)
            .where(ProxyFlag.first_event_id.in_(ids))
        )}  # fmt: skip
        for first, second, gap in pairs:
            if (first, second) not in known:
                flag = ProxyFlag(device=name, first_event_id=first, second_event_id=second,
                                 gap_seconds=int(gap))  # fmt: skip
                session.add(flag)
                created.append(flag)
    session.flush()
    return created


def events_near(
    session: Session, by_device: dict[str, list[DomainEvent]], window: timedelta
) -> dict[str, list[Row[Any]]]:
    """Stored events on each device within `window` of the given ones. Events spanning at
    most SHORT_SPAN (an API batch) take one query for all devices; a file, per device."""
    columns = (ClockEvent.id, ClockEvent.event_id, ClockEvent.employee_id, ClockEvent.at,
               ClockEvent.kind, ClockEvent.device, ClockEvent.source)  # fmt: skip
    every = [e.at for mine in by_device.values() for e in mine]
    if len(by_device) > 1 and max(every) - min(every) <= SHORT_SPAN:
        groups = {tuple(by_device): every}
    else:
        groups = {(name,): [e.at for e in mine] for name, mine in by_device.items()}
    found: dict[str, list[Row[Any]]] = defaultdict(list)
    for names, moments in groups.items():
        rows = session.execute(
            select(*columns).where(ClockEvent.device.in_(names), ClockEvent.voided.is_(False),
                                   ClockEvent.at >= min(moments) - window,
                                   ClockEvent.at <= max(moments) + window)
        )  # fmt: skip
        for row in rows:
            found[row.device].append(row)
    return found


@dataclass(frozen=True)
class ClockState:
    """What the agent's clock page shows: current shift, state and the allowed next kinds."""

    state: str  # out, in, break
    last: ClockEvent | None
    shift: PublishedShift | None
    next_kinds: tuple[str, ...]


def clock_state(session: Session, employee: Employee, now: datetime | None = None) -> ClockState:
    """The employee's state from their latest event and the shift now or next (A-1)."""
    now = now or utcnow()
    last = session.scalar(
        select(ClockEvent)
        .where(ClockEvent.employee_id == employee.id, ClockEvent.voided.is_(False),
               ClockEvent.at >= now - timedelta(hours=20), ClockEvent.at <= now + FUTURE_TOLERANCE)
        .order_by(ClockEvent.at.desc(), ClockEvent.id.desc())
        .limit(1)
    )  # fmt: skip
    state = STATE_AFTER.get(last.kind, "out") if last else "out"
    return ClockState(state, last, current_shift(session, employee, now), NEXT_KINDS[state])


def current_shift(session: Session, employee: Employee, now: datetime) -> PublishedShift | None:
    """The shift going on now, else the next one within a day, else the one that just ended."""
    today: date = now.date()
    shifts = published_assignments(session, employee.site_id, today - timedelta(days=1),
                                   today + timedelta(days=1), employee.id)  # fmt: skip
    for shift in shifts:
        if shift.start - timedelta(hours=3) <= now <= shift.end:
            return shift
    upcoming = [s for s in shifts if s.start > now]
    return upcoming[0] if upcoming else (shifts[-1] if shifts else None)


def set_pin(session: Session, employee: Employee, pin: str) -> None:
    """Set the employee's own kiosk PIN (4–8 digits), stored hashed."""
    if not PIN.match(pin or ""):
        raise ServiceError("pin: must be 4 to 8 digits (A-1)", "pin", "A-1")
    row = session.get(ClockPin, employee.id) or ClockPin(employee_id=employee.id)
    row.pin_hash = generate_password_hash(pin)
    row.updated_at = utcnow()
    session.add(row)
    session.flush()


def check_pin(session: Session, code: str, pin: str) -> Employee:
    """The employee whose code and kiosk PIN match; one vague error otherwise (A-1 kiosk)."""
    employee = session.scalar(select(Employee).where(Employee.code == (code or "").strip()))
    row = session.get(ClockPin, employee.id) if employee else None
    if (
        employee is None
        or row is None
        or not employee.active
        or not check_password_hash(row.pin_hash, pin or "")
    ):
        raise Forbidden("pin: employee code or PIN not recognised (A-1)", "pin", "A-1")
    return employee
