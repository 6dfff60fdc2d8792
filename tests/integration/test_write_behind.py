"""An import in a fresh transaction overlaps its COPYs with its Python work (write_behind) and
stores exactly what the serial path stores; a failed COPY reaches the caller (A-1, A-2)."""

from __future__ import annotations

from datetime import date, timedelta

import psycopg
import pytest
from flask import Flask
from sqlalchemy import func, select, update

from tests.committed_data import site_with_team
from tests.integration.test_clock_import_bulk import EVENTS  # one day late, one night, …
from webapp.extensions import db
from webapp.models import (
    ClockEvent,
    MoneyLine,
    Roster,
    RosterAssignment,
    ShiftAttendance,
    ShiftType,
    Site,
)
from webapp.models.base import utcnow
from webapp.services import attendance_store, clock_import, ledger, write_behind
from webapp.services.bulk_copy import copy_lines

NOV = date(2026, 11, 16)
SHIFTS = ((NOV, "E"), (NOV + timedelta(1), "E"), (NOV + timedelta(2), "N"))


def _publish(site: Site, employee_ids: list[int]) -> None:
    codes = {t.code: t.id for t in db.session.scalars(select(ShiftType).filter_by(site_id=site.id))}
    roster = Roster(site_id=site.id, first_date=NOV, days=7, status="published",
                    published_at=utcnow())  # fmt: skip
    db.session.add(roster)
    db.session.add_all(
        RosterAssignment(roster=roster, employee_id=i, date=day, kind="shift",
                         shift_type_id=codes[code]) for i in employee_ids for day, code in SHIFTS
    )  # fmt: skip


def _file(codes: list[str]) -> bytes:
    rows = [f"{code}-{n},{code},{at},{kind},\n" for code in codes
            for n, (at, kind) in enumerate(EVENTS)]  # fmt: skip
    return ("event_id,employee_code,timestamp,kind,device\n" + "".join(rows)).encode()


def _stored(employee_id: int) -> tuple[list[tuple[object, ...]], ...]:
    events = db.session.execute(
        select(ClockEvent.at, ClockEvent.kind, ClockEvent.shift_date, ClockEvent.unscheduled)
        .where(ClockEvent.employee_id == employee_id).order_by(ClockEvent.at)
    )  # fmt: skip
    results = db.session.execute(
        select(ShiftAttendance.date, ShiftAttendance.clock_in, ShiftAttendance.clock_out,
               ShiftAttendance.absence_half_days, ShiftAttendance.findings)
        .where(ShiftAttendance.employee_id == employee_id).order_by(ShiftAttendance.date)
    )  # fmt: skip
    lines = db.session.execute(
        select(MoneyLine.date, MoneyLine.rule_id, MoneyLine.amount, MoneyLine.quantity)
        .where(MoneyLine.employee_id == employee_id, MoneyLine.state == "active")
        .order_by(MoneyLine.date, MoneyLine.rule_id)
    )  # fmt: skip
    return [tuple(r) for r in events], [tuple(r) for r in results], [tuple(r) for r in lines]


def test_A2_an_import_in_a_fresh_transaction_overlaps_its_writes_and_stores_the_same(
    committed_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every write of these small files goes through COPY, as a 10^6-row file's do.
    monkeypatch.setattr(attendance_store, "COPY_FROM", 1)
    monkeypatch.setattr(ledger, "RETURNING_LIMIT", 0)
    queued: list[str] = []  # the tables of the COPYs handed to the thread
    copy = write_behind._Writer.copy

    def spy(self: write_behind._Writer, statement: str, data: str) -> None:
        queued.append(statement.split()[1])
        copy(self, statement, data)

    monkeypatch.setattr(write_behind._Writer, "copy", spy)
    with committed_app.app_context():
        site, people = site_with_team(db.session, "写后", {f"A0{n}": {"agent"} for n in range(4)})
        _publish(site, [p.id for p in people.values()])
        db.session.commit()
        report = clock_import.import_clock_file(db.session, _file(["A00", "A01"]))
        db.session.commit()
        overlapped = list(queued)
        # A transaction that has written already: a second connection would not see that
        # write, so the same import takes the serial path.
        db.session.execute(update(Site).where(Site.id == site.id).values(name=site.name))
        clock_import.import_clock_file(db.session, _file(["A02", "A03"]))
        db.session.commit()
        postgres = db.engine.dialect.name == "postgresql"
        assert overlapped == (["clock_event", "shift_attendance", "money_line"] if postgres
                              else [])  # SQLite: the mode changes nothing  # fmt: skip
        assert queued == overlapped
        assert (report.created, report.unscheduled) == (14, 2)
        for imported, serial in (("A00", "A02"), ("A01", "A03")):
            assert _stored(people[imported].id) == _stored(people[serial].id)
        events, results, lines = _stored(people["A00"].id)
        assert len(events) == 7 and len(results) == 3
        assert [rule for _, rule, _, _ in lines] == ["D-1", "D-2", "S-5"]


def _event_line(event_id: str, employee_id: int) -> str:
    """A clock_event row in COPY text (EVENT_COLUMNS): unscheduled, no device."""
    at = "2026-11-16 00:00:00"
    return f"{event_id}\t{employee_id}\t{at}\tin\timport\t\\N\t\\N\tt\t{at}\tf\n"


def test_write_behind_waits_for_its_copies_and_reads_committed_data_beside_them(
    committed_app: Flask,
) -> None:
    """A statement on the session's connection sees the queued COPY's rows; a committed read
    goes to the second connection, which does not (until commit)."""
    with committed_app.app_context():
        _, people = site_with_team(db.session, "写后读", {"A01": {"agent"}})
        db.session.commit()
        count = select(func.count()).select_from(ClockEvent)
        with write_behind.write_behind(db.session):
            behind = write_behind.writer(db.session)
            if behind is None:  # SQLite: no COPY and no second connection; nothing changes
                assert db.engine.dialect.name == "sqlite"
                assert write_behind.committed_reads(db.session) == {}
                return
            copy_lines(db.session, "clock_event", attendance_store.EVENT_COLUMNS,
                       [_event_line("wb-1", people["A01"].id)])  # fmt: skip
            committed = db.session.scalar(count, bind_arguments=write_behind.committed_reads(
                db.session))  # fmt: skip
            own = db.session.scalar(count)
        assert (committed, own) == (0, 1)
        db.session.commit()
        assert db.session.scalar(count) == 1


def test_write_behind_raises_a_failed_copy_in_the_caller_and_writes_nothing(
    committed_app: Flask,
) -> None:
    with committed_app.app_context():
        _, people = site_with_team(db.session, "写后错", {"A01": {"agent"}})
        db.session.commit()
        if db.engine.dialect.name != "postgresql":  # COPY is PostgreSQL's; SQLite has no mode
            with write_behind.write_behind(db.session):
                assert write_behind.writer(db.session) is None
            return
        line = _event_line("wb-dup", people["A01"].id)
        with pytest.raises(psycopg.errors.UniqueViolation), write_behind.write_behind(db.session):
            copy_lines(db.session, "clock_event", attendance_store.EVENT_COLUMNS, [line, line])
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(ClockEvent)) == 0
