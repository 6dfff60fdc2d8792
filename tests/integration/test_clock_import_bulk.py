"""The bulk path of `import-clock` gives what recording the same events one by one gives:
the same matches, results (A-2…A-5) and money lines (D-1, D-2, S-5), nothing twice, and
locked periods corrected by adjustment (P-1)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from attendance.payroll import PayPeriod
from webapp.models import ClockEvent, MoneyLine, ProxyFlag, ShiftAttendance
from webapp.services import attendance_results as results
from webapp.services import attendance_store as store
from webapp.services import clock_import, payroll

HEADER = "event_id,employee_code,timestamp,kind,device\n"
NOV = date(2026, 11, 16)
SHIFTS = ((NOV, "E"), (NOV + timedelta(1), "E"), (NOV + timedelta(2), "N"),
          (NOV + timedelta(4), "E"))  # fmt: skip
EVENTS = (
    ("2026-11-16T07:41:00+08:00", "in"),  # 11 min late: D-1
    ("2026-11-16T16:01:00+08:00", "out"),
    ("2026-11-17T08:05:00+08:00", "in"),  # 35 min late: half-day absence, D-2
    ("2026-11-17T16:00:00+08:00", "out"),
    ("2026-11-18T16:55:00+08:00", "in"),  # night shift to 07:30: S-5
    ("2026-11-19T07:31:00+08:00", "out"),
    ("2026-11-21T12:00:00+08:00", "in"),  # no shift: unscheduled
)  # the shift of 2026-11-20 has no events: a no-show, D-2 for a full day


def _file(*rows):
    return (HEADER + "".join(f"{','.join(row)}\n" for row in rows)).encode()


def _rows(employee, prefix):
    return [(f"{prefix}\\{n}", employee.code, at, kind, "") for n, (at, kind) in enumerate(EVENTS)]


@pytest.fixture
def people(make_employee, make_shift):
    """Two pairs of twins (same roster, different pay): the first of a pair is imported."""
    first = make_employee(monthly_base_pay=Decimal("5000"))
    site = first.site
    pairs = [(first, make_employee(site=site, monthly_base_pay=Decimal("5000")))]
    pairs.append((make_employee(site=site, monthly_base_pay=Decimal("7300")),
                  make_employee(site=site, monthly_base_pay=Decimal("7300"))))  # fmt: skip
    for pair in pairs:
        for person in pair:
            for day, code in SHIFTS:
                make_shift(person, day, code)
    return pairs


def _events(session, employee):
    rows = session.scalars(
        select(ClockEvent).where(ClockEvent.employee_id == employee.id).order_by(ClockEvent.at)
    )
    return [(r.at, r.kind, r.shift_date, r.unscheduled) for r in rows]


def _results(session, employee):
    rows = session.scalars(
        select(ShiftAttendance)
        .where(ShiftAttendance.employee_id == employee.id)
        .order_by(ShiftAttendance.date)
        .execution_options(populate_existing=True)
    )
    return [(r.date, r.shift_code, r.start, r.end, r.is_night, r.clock_in, r.clock_out,
             r.absence_half_days, r.findings) for r in rows]  # fmt: skip


def _lines(session, employee, state="active"):
    rows = session.scalars(
        select(MoneyLine)
        .where(MoneyLine.employee_id == employee.id, MoneyLine.state == state)
        .order_by(MoneyLine.date, MoneyLine.rule_id, MoneyLine.origin_key)
    )
    own = str(employee.id)
    return [(r.date, r.period, r.rule_id, r.rule_version, r.amount, r.quantity, r.source,
             r.description, r.origin_key.replace(f":{own}/", ":<id>/"),
             r.source_id.removeprefix(f"{own}/")) for r in rows]  # fmt: skip


def _everything(session, employee):
    return _events(session, employee), _results(session, employee), _lines(session, employee)


@pytest.mark.parametrize("copy_from", [1, store.COPY_FROM])  # PostgreSQL: COPY, executemany
def test_A2_bulk_import_equals_recording_each_event_then_each_shift_alone(
    session, people, clock_at, monkeypatch, copy_from
):
    monkeypatch.setattr(store, "COPY_FROM", copy_from)
    rows = [row for imported, _ in people for row in _rows(imported, imported.code)]
    report = clock_import.import_clock_file(session, _file(*rows))
    assert (report.created, report.unscheduled) == (len(rows), len(people))
    for _, recorded in people:
        for at, kind in EVENTS:
            clock_at(recorded, at, kind)
        # An import recomputes the shifts around its events, as recompute() does for these
        # (a shift without events, the no-show of 2026-11-20, has no event to trigger it).
        for day in sorted(set().union(*(results.dates_around(date.fromisoformat(at[:10]))
                                        for at, _ in EVENTS))):  # fmt: skip
            results.recompute(session, {recorded.id: {day}})
    for imported, recorded in people:
        assert _everything(session, imported) == _everything(session, recorded)
    rules = sorted(line[2] for line in _lines(session, people[0][0]))
    assert rules == ["D-1", "D-2", "D-2", "S-5"]
    half_day = [line[4] for line in _lines(session, people[1][0]) if line[5] == Decimal("0.5")]
    assert half_day == [Decimal("-167.82")]  # 7300 / 21.75 / 2, pay read per employee


@pytest.mark.parametrize("copy_from", [1, store.COPY_FROM])  # PostgreSQL: COPY, executemany
def test_A2_a_second_import_rewrites_the_changed_results_as_recording_does(
    session, people, clock_at, monkeypatch, copy_from
):
    """The clock-outs come in a later file: the results the first file stored change, and
    the bulk path replaces them (delete and COPY) without leaving the old ones."""
    monkeypatch.setattr(store, "COPY_FROM", copy_from)
    (imported, recorded), _ = people
    rows = _rows(imported, "split")
    clock_import.import_clock_file(session, _file(*(r for r in rows if r[3] != "out")))
    first = _results(session, imported)
    report = clock_import.import_clock_file(session, _file(*rows))
    assert (report.created, report.already_stored) == (3, len(rows) - 3)
    assert _results(session, imported) != first
    for at, kind in EVENTS:
        clock_at(recorded, at, kind)
    for day in sorted(set().union(*(results.dates_around(date.fromisoformat(at[:10]))
                                    for at, _ in EVENTS))):  # fmt: skip
        results.recompute(session, {recorded.id: {day}})  # the no-show, as the import does
    assert _everything(session, imported) == _everything(session, recorded)


def test_A2_recomputing_each_imported_shift_alone_changes_nothing(session, people):
    imported = people[0][0]
    clock_import.import_clock_file(session, _file(*_rows(imported, "solo")))
    before = _everything(session, imported)
    ids = sorted(session.scalars(select(MoneyLine.id)).all())
    for day, _ in SHIFTS:
        results.recompute(session, {imported.id: {day}})
    assert _everything(session, imported) == before
    assert sorted(session.scalars(select(MoneyLine.id)).all()) == ids


def test_FORMATS3_reimporting_the_same_file_changes_nothing(session, people):
    imported = people[0][0]
    source = _file(*_rows(imported, "again"))
    clock_import.import_clock_file(session, source)
    stamps = session.scalars(select(ShiftAttendance.computed_at).order_by(ShiftAttendance.id)).all()
    before = _everything(session, imported), _lines(session, imported, "superseded")
    report = clock_import.import_clock_file(session, source)
    assert (report.created, report.already_stored) == (0, len(EVENTS))
    assert (_everything(session, imported), _lines(session, imported, "superseded")) == before
    assert (
        session.scalars(select(ShiftAttendance.computed_at).order_by(ShiftAttendance.id)).all()
        == stamps
    )


def test_P1_import_into_a_locked_period_adds_an_adjustment_and_edits_nothing(session, people, crew):
    imported = people[0][0]
    clock_import.import_clock_file(session, _file(*_rows(imported, "lock")))
    (late,) = [r for r in session.scalars(select(MoneyLine).where(
        MoneyLine.employee_id == imported.id, MoneyLine.rule_id == "D-1"))]  # fmt: skip
    payroll.export_period(session, crew.hr, PayPeriod(2026, 11))
    # An earlier clock-in turns up in a second file: the shift was on time after all.
    earlier = ("lock-early", imported.code, "2026-11-16T07:20:00+08:00", "in", "")
    clock_import.import_clock_file(session, _file(earlier))
    session.refresh(late)
    assert (late.state, late.amount, late.period) == ("active", Decimal("-20.00"), "2026-11")
    (adjustment,) = session.scalars(
        select(MoneyLine).where(MoneyLine.employee_id == imported.id,
                                MoneyLine.source == "adjustment")
    ).all()  # fmt: skip
    assert (adjustment.amount, adjustment.period, adjustment.origin_key) == (
        Decimal("20.00"), "2026-12", late.origin_key)  # fmt: skip


def test_A6_import_flags_pairs_with_events_stored_before_it_once(
    session, make_employee, make_device, clock_at
):
    first = make_employee()
    second = make_employee(site=first.site)
    device, _ = make_device(first.site_id, "gate-7")
    clock_at(first, "2026-11-16T07:10:00+08:00", "in", device=device)
    source = _file(
        ("gate-a", second.code, "2026-11-16T07:10:40+08:00", "in", "gate-7"),  # 40 s after
        ("gate-b", second.code, "2026-11-16T09:00:00+08:00", "in", "gate-7"),
    )
    assert clock_import.import_clock_file(session, source).proxy_flags == 1
    (flag,) = session.scalars(select(ProxyFlag)).all()
    pair = [session.get(ClockEvent, i).employee_id for i in (flag.first_event_id,
                                                              flag.second_event_id)]  # fmt: skip
    assert (pair, flag.gap_seconds, flag.device) == ([first.id, second.id], 40, "gate-7")
    late = _file(("gate-c", first.code, "2026-11-16T09:00:30+08:00", "in", "gate-7"))
    assert clock_import.import_clock_file(session, late).proxy_flags == 1  # with gate-b only
    assert clock_import.import_clock_file(session, source).proxy_flags == 0
