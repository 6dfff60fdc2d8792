"""`paiban import-clock` (FORMATS §3): all or nothing, every bad row listed, idempotent (A-1)."""

from __future__ import annotations

import gc
from datetime import date

from sqlalchemy import func, select

from webapp.cli import import_clock_command
from webapp.models import ClockEvent, ProxyFlag, ShiftAttendance
from webapp.services import clock_import

HEADER = "event_id,employee_code,timestamp,kind,device\n"


def _count(session, model=ClockEvent):
    return session.scalar(select(func.count()).select_from(model))


def _run(app, tmp_path, text):
    path = tmp_path / "events.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    return app.test_cli_runner().invoke(import_clock_command, [str(path)])


def test_FORMATS3_import_stores_events_matches_shifts_and_flags_proxies(
    app, session, tmp_path, make_employee, make_shift
):
    agent = make_employee(code="C01")
    make_employee(code="C02", site=agent.site)
    make_shift(agent, date(2026, 11, 16), "E")
    result = _run(app, tmp_path, "e1,C01,2026-11-16T07:10:00+08:00,in,kiosk-1\n"
                                 "e2,C02,2026-11-16T07:10:30+08:00,in,kiosk-1\n"
                                 "e3,C01,2026-11-16T16:05:00+08:00,out,\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "created 3" in result.output and "unscheduled 1" in result.output
    assert _count(session) == 3
    assert _count(session, ProxyFlag) == 1
    row = session.scalar(select(ShiftAttendance).where(ShiftAttendance.employee_id == agent.id))
    assert row.findings == [] and row.clock_out is not None


def test_FORMATS3_importing_the_same_file_twice_stores_each_event_once(
    app, session, tmp_path, make_employee
):
    make_employee(code="C11")
    text = "x1,C11,2026-11-16T07:10:00+08:00,in,\n"
    assert _run(app, tmp_path, text).exit_code == 0
    again = _run(app, tmp_path, text)
    assert again.exit_code == 0 and "already stored 1" in again.output
    assert _count(session) == 1


def test_FORMATS3_a_bad_row_imports_nothing_and_every_bad_row_is_listed(
    app, session, tmp_path, make_employee
):
    make_employee(code="C21")
    result = _run(app, tmp_path, "b1,C21,2026-11-16T07:10:00+08:00,in,\n"
                                 "b2,ZZZ,2026-11-16T07:11:00+08:00,in,\n"
                                 "b3,C21,2026-11-16 07:12,in,\n"
                                 "b4,C21,2026-11-16T07:13:00+08:00,jump,\n")  # fmt: skip
    assert result.exit_code == 2
    for expected in ("line 3, column employee_code", "line 4, column timestamp",
                     "line 5, column kind"):  # fmt: skip
        assert expected in result.output
    assert "line 2" not in result.output
    assert _count(session) == 0


def test_FORMATS3_event_id_stored_with_other_content_rejects_the_file(
    app, session, tmp_path, make_employee
):
    make_employee(code="C31")
    assert _run(app, tmp_path, "d1,C31,2026-11-16T07:10:00+08:00,in,\n").exit_code == 0
    result = _run(app, tmp_path, "d2,C31,2026-11-16T08:00:00+08:00,in,\n"
                                 "d1,C31,2026-11-16T07:10:00+08:00,out,\n")  # fmt: skip
    assert result.exit_code == 2
    assert "line 3, column event_id" in result.output
    assert _count(session) == 1


def test_FORMATS3_import_pauses_the_cycle_collector_and_restores_it_even_when_rejecting(
    app, session, tmp_path, make_employee, monkeypatch
):
    """10^6 live objects made every full collection slow (8 s of a benchmark import): the
    import runs without the cycle collector and gives it back, whatever happens."""
    make_employee(code="C31")
    seen = []
    parse = clock_import.import_clock_events

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return parse(*args, **kwargs)

    monkeypatch.setattr(clock_import, "import_clock_events", spy)
    assert gc.isenabled()
    assert _run(app, tmp_path, "g1,C31,2026-11-16T07:10:00+08:00,in,\n").exit_code == 0
    assert _run(app, tmp_path, "g2,ZZZ,2026-11-16T07:10:00+08:00,in,\n").exit_code == 2
    assert seen == [False, False] and gc.isenabled()
