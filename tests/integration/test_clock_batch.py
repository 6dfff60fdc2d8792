"""Group commit of API clock events: one transaction per batch, one answer per request (A-1…A-6).

The batcher is not started here: the test gathers the concurrent posts, then runs the batch
itself with `run_once`, so every case is exactly one batch and nothing waits on a clock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from webapp.extensions import db
from webapp.models import (
    ClockEvent,
    Employee,
    Roster,
    RosterAssignment,
    ShiftAttendance,
    ShiftType,
)
from webapp.services import (
    attendance_results,
    clock,
    clock_batch,
    devices,
    employees,
    org,
    shift_results,
)
from webapp.services.clock_batcher import EXTENSION, ClockBatcher

URL = "/api/v1/clock-events"
NOW = datetime.fromisoformat("2026-11-16T09:00:00+08:00")
DAY = date(2026, 11, 16)
Post = tuple[dict[str, str], str]


def _body(event_id: str, code: str, kind: str = "in", at: str = "07:58:00") -> dict[str, str]:
    return {"event_id": event_id, "employee_code": code, "kind": kind,
            "timestamp": f"2026-11-16T{at}+08:00"}  # fmt: skip


@pytest.fixture
def terminal(committed_app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Agents G01…G04 at one site with a published day shift each, and one device's token."""
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)
    monkeypatch.setattr(clock_batch, "utcnow", lambda: NOW)
    with committed_app.app_context():
        site = org.create_site(db.session, None, "批量打卡", "Asia/Shanghai")
        staff = [
            employees.save_employee(db.session, None, employees.EmployeeValues(
                f"G0{n}", f"G0{n}", site.id, None, frozenset({"agent"}), Decimal("5000")))
            for n in range(1, 5)
        ]  # fmt: skip
        day = db.session.scalar(select(ShiftType).where(ShiftType.site_id == site.id,
                                                        ShiftType.code == "D"))  # fmt: skip
        roster = Roster(site_id=site.id, first_date=DAY, days=1, status="published",
                        published_at=NOW)  # fmt: skip
        db.session.add(roster)
        db.session.add_all(
            RosterAssignment(roster=roster, employee_id=e.id, date=DAY, kind="shift",
                             shift_type_id=day.id)
            for e in staff
        )  # fmt: skip
        _, token = devices.create_device(db.session, None, site.id, "batch-gate")
        db.session.commit()
    yield token


@pytest.fixture
def batcher(committed_app: Flask) -> Iterator[ClockBatcher]:
    """The app's batcher, installed unstarted: each test runs its batches with run_once()."""
    committed_app.config["CLOCK_BATCH_SIZE"] = 16
    made = committed_app.extensions[EXTENSION] = ClockBatcher(committed_app, 16)
    yield made
    made.close()


def _one_batch(app: Flask, batcher: ClockBatcher, posts: list[Post]) -> list[tuple[int, dict]]:
    """Send the posts concurrently, run them as one batch, return (status, body) in order."""
    answers: list[tuple[int, dict]] = [(0, {})] * len(posts)

    def post(index: int, body: dict[str, str], token: str) -> None:
        response = app.test_client().post(URL, json=body,
                                          headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        answers[index] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=post, args=(i, *p)) for i, p in enumerate(posts)]
    for thread in threads:
        thread.start()
    assert batcher.wait_pending(len(posts), timeout=30)
    assert batcher.run_once() == len(posts)
    for thread in threads:
        thread.join(timeout=30)
    return answers


def _stored(app: Flask) -> tuple[list[str], int]:
    """Event ids and the number of shift results committed, read on a fresh connection."""
    with app.app_context(), Session(db.engine) as session:
        ids = session.scalars(select(ClockEvent.event_id).order_by(ClockEvent.event_id)).all()
        results = session.scalar(select(func.count()).select_from(ShiftAttendance))
    return list(ids), results or 0


def test_A1_one_bad_event_in_a_batch_leaves_the_others_stored_with_their_own_status(
    committed_app, terminal, batcher
):
    token = terminal
    _one_batch(committed_app, batcher, [(_body("b-0", "G01"), token)])  # stored before
    answers = _one_batch(committed_app, batcher, [
        (_body("b-1", "G01", "out", "08:30:00"), token),
        (_body("b-0", "G01", "out"), token),  # same id, other content
        (_body("b-2", "G02", "sleep"), token),
        (_body("b-3", "G03"), "not-a-device"),
        (_body("b-4", "NOPE"), token),
        (_body("b-5", "G04"), token),
    ])  # fmt: skip
    assert [status for status, _ in answers] == [201, 409, 400, 401, 400, 201]
    assert [body["error"]["field"] for status, body in answers if status >= 400] == [
        "event_id", "kind", "Authorization", "employee_code"]  # fmt: skip
    assert answers[5][1]["event"]["shift_date"] == "2026-11-16"
    assert _stored(committed_app) == (["b-0", "b-1", "b-5"], 2)


def test_A1_a_retry_inside_the_same_batch_is_stored_once(committed_app, terminal, batcher):
    post = (_body("twice", "G01"), terminal)
    answers = _one_batch(committed_app, batcher, [post, post, post])
    assert sorted(status for status, _ in answers) == [200, 200, 201]
    assert len({str(body["event"]) for _, body in answers}) == 1
    assert _stored(committed_app) == (["twice"], 1)


def test_A1_a_failed_batch_answers_503_to_all_and_stores_nothing(
    committed_app, terminal, batcher, monkeypatch
):
    flag_proxy_punching, failing = clock.flag_proxy_punching, [True]

    def fail_once(*args: object) -> object:  # after the insert and the recompute, before COMMIT
        if failing.pop() if failing else False:
            raise OperationalError("SELECT", {}, Exception("server closed the connection"))
        return flag_proxy_punching(*args)

    monkeypatch.setattr(clock, "flag_proxy_punching", fail_once)
    posts = [(_body("f-1", "G01"), terminal), (_body("f-2", "G02"), terminal)]
    answers = _one_batch(committed_app, batcher, posts)
    assert [status for status, _ in answers] == [503, 503]
    assert answers[0][1]["error"]["message"].startswith("not acknowledged")
    assert _stored(committed_app) == ([], 0)
    # The terminals retry with the same ids: stored now.
    again = _one_batch(committed_app, batcher, posts)
    assert [status for status, _ in again] == [201, 201]
    assert _stored(committed_app) == (["f-1", "f-2"], 2)


def test_A1_events_are_acknowledged_only_once_their_commit_succeeded(
    committed_app, terminal, batcher
):
    failing = [True]

    def refuse_commit(session: Session) -> None:  # the batch's COMMIT is the first one
        if failing.pop() if failing else False:
            raise OperationalError("COMMIT", {}, Exception("could not fsync"))

    posts = [(_body(f"c-{n}", f"G0{n}"), terminal) for n in range(1, 5)]
    event.listen(Session, "before_commit", refuse_commit)
    try:
        refused = _one_batch(committed_app, batcher, posts)
        answers = _one_batch(committed_app, batcher, posts)
    finally:
        event.remove(Session, "before_commit", refuse_commit)
    assert [status for status, _ in refused] == [503] * 4
    assert [status for status, _ in answers] == [201] * 4
    assert {body["event"]["shift_date"] for _, body in answers} == {"2026-11-16"}
    assert _stored(committed_app) == (["c-1", "c-2", "c-3", "c-4"], 4)


def test_A2_a_batch_shares_its_statements_among_its_events(committed_app, terminal, batcher):
    statements: list[str] = []
    with committed_app.app_context():
        engine = db.engine

    def note(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    # Two minutes apart: four people at one gate within 60 s would add six proxy flags.
    posts = [(_body(f"s-{n}", f"G0{n + 1}", "in", f"07:5{2 * n}:00"), terminal) for n in range(4)]
    event.listen(engine, "before_cursor_execute", note)
    try:
        answers = _one_batch(committed_app, batcher, posts)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert [status for status, _ in answers] == [201] * 4
    # Issue 5 item 8: 12 statements for these four (13 with SQLite's BEGIN), a lone event 11;
    # a batch of 16 took 18 before the lookup locked the employees and nothing was read back.
    assert len(statements) <= 13, statements


def test_A1_concurrent_posts_through_the_running_batcher_store_each_event_once(
    committed_app, terminal, batcher
):
    batcher.start()  # the real thread: batches form as the posts arrive
    retried = _body("same", "G01")
    posts = [retried] * 30 + [_body(f"own-{n}", f"G0{n % 4 + 1}", "in", f"07:{n:02d}:00")
                              for n in range(20)]  # fmt: skip
    answers: list[int] = []

    def post(body: dict[str, str]) -> None:
        response = committed_app.test_client().post(
            URL, json=body, headers={"Authorization": f"Bearer {terminal}"}
        )
        answers.append(response.status_code)

    threads = [threading.Thread(target=post, args=(body,)) for body in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers) == [200] * 29 + [201] * 21
    ids, _ = _stored(committed_app)
    assert len(ids) == len(set(ids)) == 21


EARLIER = datetime.fromisoformat("2026-11-16T06:00:00+08:00")


def _neighbours(app: Flask, monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple]:
    """G01 on a day shift and G02 on a night shift (17:00–07:30) the day before, their results
    of both days computed at EARLIER (no events yet: absent); rows as (code, date) → values."""
    monkeypatch.setattr(shift_results, "utcnow", lambda: EARLIER)
    with app.app_context():
        staff = {e.code: e for e in db.session.scalars(select(Employee))}
        types = {t.code: t.id for t in db.session.scalars(select(ShiftType))}
        roster = Roster(site_id=staff["G01"].site_id, first_date=DAY - timedelta(days=1), days=1,
                        status="published", published_at=EARLIER)  # fmt: skip
        db.session.add(roster)
        db.session.add_all(
            RosterAssignment(roster=roster, employee_id=staff[code].id, date=roster.first_date,
                             kind="shift", shift_type_id=types[kind])
            for code, kind in (("G01", "D"), ("G02", "N"))
        )  # fmt: skip
        db.session.flush()
        days = {DAY - timedelta(days=1), DAY}
        attendance_results.recompute(db.session, {staff[c].id: days for c in ("G01", "G02")})
        db.session.commit()
    monkeypatch.setattr(shift_results, "utcnow", lambda: NOW)
    return _results(app)


def _results(app: Flask) -> dict[tuple[str, date], tuple]:
    """Every committed result: (employee code, date) → (id, computed_at, clock_in, clock_out)."""
    with app.app_context(), Session(db.engine) as session:
        rows = session.execute(
            select(Employee.code, ShiftAttendance.date, ShiftAttendance.id,
                   ShiftAttendance.computed_at, ShiftAttendance.clock_in, ShiftAttendance.clock_out)
            .join(Employee, Employee.id == ShiftAttendance.employee_id)
        ).all()  # fmt: skip
    return {(r.code, r.date): tuple(r[2:]) for r in rows}


def test_A2_a_batch_leaves_the_unchanged_result_of_a_neighbouring_day_untouched(
    committed_app, terminal, batcher, monkeypatch
):
    before = _neighbours(committed_app, monkeypatch)
    # G01's event re-classifies G01's shifts of the 15th…17th; only the 16th's input changed.
    answers = _one_batch(committed_app, batcher, [
        (_body("n-1", "G01", "in", "07:58:00"), terminal),
        (_body("n-2", "G03", "in", "07:59:00"), terminal),
    ])  # fmt: skip
    assert [status for status, _ in answers] == [201, 201]
    after = _results(committed_app)
    yesterday = ("G01", DAY - timedelta(days=1))
    assert after[yesterday] == before[yesterday]  # same row, same computed_at, same values
    assert after[("G01", DAY)][0] == before[("G01", DAY)][0]
    assert after[("G01", DAY)][1:3] == (NOW, datetime.fromisoformat("2026-11-15T23:58:00+00:00"))


def test_A2_a_batch_event_that_changes_the_previous_nights_shift_updates_its_result(
    committed_app, terminal, batcher, monkeypatch
):
    before = _neighbours(committed_app, monkeypatch)
    # 07:25 on the 16th ends G02's night shift of the 15th, a neighbour of the event's date.
    answers = _one_batch(committed_app, batcher, [
        (_body("m-1", "G02", "out", "07:25:00"), terminal),
        (_body("m-2", "G03", "in", "07:59:00"), terminal),
    ])  # fmt: skip
    assert [(status, body["event"]["shift_date"]) for status, body in answers] == [
        (201, "2026-11-15"), (201, "2026-11-16")]  # fmt: skip
    after = _results(committed_app)
    night = ("G02", DAY - timedelta(days=1))
    assert after[night][0] == before[night][0]
    assert after[night][1] == NOW
    assert after[night][3] == datetime.fromisoformat("2026-11-15T23:25:00+00:00")
    assert after[("G02", DAY)] == before[("G02", DAY)]  # its own date's shift did not change
