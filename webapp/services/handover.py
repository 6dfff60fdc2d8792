"""Handover log (S-4 交接班): the outgoing shift writes its note (交接本), the incoming shift
acknowledges it (交得清,接得明), and the lead sees which notes nobody has acknowledged yet.

The outgoing shift is the author's published shift; the incoming shift is any later
published shift of the same team that starts within 24 hours of it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp.models import Employee, HandoverNote
from webapp.models.base import utcnow
from webapp.permissions import manages_team
from webapp.services import audit
from webapp.services import roster as rs
from webapp.services.errors import Forbidden, NotFound, ServiceError

MAX_BODY = 4000
FIELDS = ("date", "shift_type_id", "body", "acknowledged_by_id", "acknowledged_at")


def write_note(session: Session, author: Employee, date: dt.date, body: str) -> HandoverNote:
    """The author's note for the shift they work on `date` (their published shift)."""
    text = body.strip()
    if not text:
        raise ServiceError("write what the next shift must know", field="body", rule="S-4")
    if len(text) > MAX_BODY:
        raise ServiceError(f"at most {MAX_BODY} characters", field="body", rule="S-4")
    shift = rs.published_shift(session, author, date)
    if shift is None:
        raise ServiceError(f"you have no published shift on {date}", field="date", rule="S-4")
    note = HandoverNote(
        site_id=author.site_id,
        team_id=author.team_id,
        date=date,
        shift_type_id=shift.shift_type_id,
        author_id=author.id,
        body=text,
    )
    session.add(note)
    session.flush()
    audit.record(session, author, "handover.write", note, None, audit.snapshot(note, FIELDS))
    return note


def acknowledge(session: Session, reader: Employee, note_id: int) -> HandoverNote:
    """The incoming shift confirms it has read the note; the first confirmation counts."""
    note = get_note(session, note_id)
    if not may_acknowledge(session, reader, note):
        raise Forbidden(
            "only an agent of the team working the next shift acknowledges this note",
            rule="S-4",
        )
    before = audit.snapshot(note, FIELDS)
    claimed = session.execute(
        update(HandoverNote)
        .where(HandoverNote.id == note.id, HandoverNote.acknowledged_by_id.is_(None))
        .values(acknowledged_by_id=reader.id, acknowledged_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise ServiceError("this note is already acknowledged", field="note", rule="S-4")
    session.refresh(note)
    audit.record(session, reader, "handover.acknowledge", note, before,
                 audit.snapshot(note, FIELDS))  # fmt: skip
    return note


def may_acknowledge(session: Session, reader: Employee, note: HandoverNote) -> bool:
    """True when the reader is a teammate (not the author) whose published shift starts after
    the note's shift within 24 hours."""
    if reader.id == note.author_id or reader.team_id is None or reader.team_id != note.team_id:
        return False
    outgoing = rs.published_shift(session, note.author, note.date)
    if outgoing is None:
        return False
    for day in (note.date, note.date + dt.timedelta(days=1)):
        mine = rs.published_shift(session, reader, day)
        if mine and outgoing.start < mine.start <= outgoing.start + dt.timedelta(hours=24):
            return True
    return False


def get_note(session: Session, note_id: int) -> HandoverNote:
    """The note or NotFound."""
    note = session.get(HandoverNote, note_id)
    if note is None:
        raise NotFound(f"handover note {note_id} does not exist", field="note")
    return note


def team_notes(session: Session, employee: Employee, today: dt.date) -> list[HandoverNote]:
    """Notes of the employee's team from yesterday on, newest first."""
    if employee.team_id is None:
        return []
    query = (
        select(HandoverNote)
        .where(
            HandoverNote.team_id == employee.team_id,
            HandoverNote.date >= today - dt.timedelta(days=1),
        )
        .order_by(HandoverNote.date.desc(), HandoverNote.id.desc())
    )
    return list(session.scalars(query))


def unacknowledged(session: Session, lead: Employee, since: dt.date) -> list[HandoverNote]:
    """Notes since a date that nobody has acknowledged, of the teams the lead manages."""
    query = (
        select(HandoverNote)
        .where(
            HandoverNote.site_id == lead.site_id,
            HandoverNote.acknowledged_by_id.is_(None),
            HandoverNote.date >= since,
        )
        .order_by(HandoverNote.date, HandoverNote.id)
    )
    return [n for n in session.scalars(query) if manages_team(lead, n.team_id)]
