"""An agent's published shifts as iCalendar (RFC 5545), and the secret, revocable feed URL.

Only a SHA-256 digest of the feed token is stored: the URL is shown once when it is made;
making a new one or revoking it ends the old one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import CalendarFeed, Employee
from webapp.models.base import utcnow
from webapp.services import audit
from webapp.services import roster as rs
from webapp.services.errors import NotFound

PAST_DAYS, FUTURE_DAYS = 31, 92


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_feed(session: Session, employee: Employee) -> str:
    """A new secret token for the employee's feed (the previous one stops working)."""
    token = secrets.token_urlsafe(32)
    feed = session.get(CalendarFeed, employee.id)
    if feed is None:
        feed = CalendarFeed(employee_id=employee.id, token=_digest(token))
        session.add(feed)
    else:
        feed.token, feed.created_at = _digest(token), utcnow()
    session.flush()
    audit.record(session, employee, "calendar.create", feed, None, {"employee": employee.code})
    return token


def revoke_feed(session: Session, employee: Employee) -> None:
    """Revoke the feed: its URL answers 404 from now on."""
    feed = session.get(CalendarFeed, employee.id)
    if feed is None:
        raise NotFound("you have no calendar feed to revoke", field="feed")
    audit.record(session, employee, "calendar.revoke", feed, {"employee": employee.code}, None)
    session.delete(feed)


def has_feed(session: Session, employee: Employee) -> bool:
    """Whether the employee has a live feed URL."""
    return session.get(CalendarFeed, employee.id) is not None


def employee_for_token(session: Session, token: str) -> Employee:
    """The owner of a live feed token, or NotFound (unknown and revoked look the same)."""
    feed = session.scalars(
        select(CalendarFeed).where(CalendarFeed.token == _digest(token))
    ).one_or_none()
    employee = session.get(Employee, feed.employee_id) if feed else None
    if employee is None or not employee.active:
        raise NotFound("no such calendar feed", field="token")
    return employee


def shifts_ics(session: Session, employee: Employee, now: dt.datetime | None = None) -> str:
    """The employee's published shifts around today as a VCALENDAR with UTC times (`Z`).

    Each shift's UID is stable per employee and date, so a re-published or swapped shift
    replaces the event in the subscriber's calendar.
    """
    now = now or utcnow()
    zone_name = employee.site.timezone
    zone = ZoneInfo(zone_name)
    names = {s.id: s.name_zh for s in employee.site.shift_types}
    today = now.astimezone(zone).date()
    shifts = rs.published_assignments(
        session,
        employee.site_id,
        today - dt.timedelta(days=PAST_DAYS),
        today + dt.timedelta(days=FUTURE_DAYS),
        employee.id,
    )
    stamp = _utc(now)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//paiban//roster//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_text(f'paiban {employee.code}')}",
        f"X-WR-TIMEZONE:{zone_name}",
    ]
    for shift in shifts:
        name = names.get(shift.shift_type_id, "")
        description = f"{shift.shift_code} {name}".strip()
        if shift.break_start and shift.break_end:
            description += (
                f"\nbreak {shift.break_start.astimezone(zone):%H:%M}–"
                f"{shift.break_end.astimezone(zone):%H:%M} ({zone_name})"
            )
        lines += [
            "BEGIN:VEVENT",
            f"UID:shift-{employee.id}-{shift.date.isoformat()}@paiban",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(shift.start)}",
            f"DTEND:{_utc(shift.end)}",
            f"SUMMARY:{_text(f'{name} {shift.shift_code}'.strip())}",
            f"DESCRIPTION:{_text(description)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _utc(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    """RFC 5545 §3.3.11 TEXT escaping."""
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str, limit: int = 75) -> str:
    """RFC 5545 §3.1 folding: at most 75 octets a line, never splitting a UTF-8 character;
    continuation lines start with one space."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)
