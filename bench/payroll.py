"""Benchmark: one month's payroll for 10,000 employees (~600,000 clock events), P-1.

Generates a month of shifts and clock events for N employees, classifies every shift with
the pure rules (A-3, A-4: what the attendance area stores as results), turns the results into
D-1/D-2/S-5 lines and 2,000 incidents into D-4…D-12 lines, writes them through the ledger
into a fresh SQLite database, then builds, renders (CSV, lines CSV, XLSX) and locks the
period. Prints the time of each stage and the peak RSS.

    .venv/bin/python bench/payroll.py [--employees 10000] [--database sqlite:///…]
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from attendance.classify import ShiftResult, classify_shift
from attendance.clock import ShiftEvents
from attendance.deductions import shift_lines
from attendance.incidents import incident_lines
from attendance.model import ClockEvent, ClockKind, Incident, MoneyLine, ScheduledShift
from attendance.payroll import PayPeriod
from attendance.settings import DEFAULT_SETTINGS

PERIOD = PayPeriod(2026, 10)
ZONE = ZoneInfo("Asia/Shanghai")
SHIFTS = {"D": (8, 9, False), "N": (17, 14.5, True)}  # start hour, hours, night


class Clock:
    """Stage timer."""

    def __init__(self) -> None:
        self.began = self.last = time.perf_counter()

    def lap(self, label: str, detail: str = "") -> None:
        """Print the seconds since the previous lap."""
        now = time.perf_counter()
        print(f"  {label:<34} {now - self.last:6.1f} s  {detail}")
        self.last = now

    def total(self) -> float:
        """Seconds since the start."""
        return time.perf_counter() - self.began


def month_days() -> list[date]:
    """Every date of the benchmark period."""
    first = PERIOD.first_day
    return [first + timedelta(days=n) for n in range(31) if (first + timedelta(days=n)).month == 10]


def shift_events(employee_id: int, rng: random.Random) -> Iterator[ShiftEvents]:
    """~22 shifts a month with 2–4 events each: 5 % late 11–30 min, 1 % > 30 min, 1 % no-show."""
    code = "N" if employee_id % 4 == 0 else "D"
    hour, hours, night = SHIFTS[code]
    for day in month_days():
        if (day.toordinal() + employee_id) % 7 in (0, 1):
            continue
        start = datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)
        end = start + timedelta(hours=hours)
        shift = ScheduledShift(str(employee_id), day, code, start, end, is_night=night)
        roll = rng.random()
        if roll < 0.01:
            yield ShiftEvents(shift, ())
            continue
        late = rng.randint(11, 30) if roll < 0.06 else rng.randint(31, 90) if roll < 0.07 else 0
        ref = f"{employee_id}-{day.day}"
        events = [ClockEvent(f"{ref}-i", str(employee_id), start + timedelta(minutes=late - 5),
                             ClockKind.IN)]  # fmt: skip
        if rng.random() < 0.35:
            pause = start + timedelta(hours=4)
            events += [ClockEvent(f"{ref}-bo", str(employee_id), pause, ClockKind.BREAK_OUT),
                       ClockEvent(f"{ref}-bi", str(employee_id), pause + timedelta(minutes=4),
                                  ClockKind.BREAK_IN)]  # fmt: skip
        events.append(ClockEvent(f"{ref}-o", str(employee_id), end + timedelta(minutes=3),
                                 ClockKind.OUT))  # fmt: skip
        yield ShiftEvents(shift, tuple(events))


def seed_people(session, employees: int) -> list[int]:  # type: ignore[no-untyped-def]
    """A site, 500 teams and N employees, inserted in bulk."""
    from webapp.models import Employee, Site, Team

    site = Site(name="bench", timezone="Asia/Shanghai", settings={})
    session.add(site)
    session.flush()
    teams = session.scalars(
        insert(Team).returning(Team.id, sort_by_parameter_order=True),
        [{"site_id": site.id, "name": f"T{n:03d}"} for n in range(500)],
    ).all()
    rows = [
        {"code": f"B{n:05d}", "name": f"员工{n:05d}", "site_id": site.id, "team_id": teams[n % 500],
         "monthly_base_pay": Decimal(4000 + 100 * (n % 30)), "active": True}
        for n in range(employees)
    ]  # fmt: skip
    return list(
        session.scalars(insert(Employee).returning(Employee.id, sort_by_parameter_order=True), rows)
    )


def run(employees: int, url: str) -> None:
    """Build the data, then time classify → lines → ledger → export and lock."""
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.config import TestConfig
    from webapp.extensions import db
    from webapp.models import Employee
    from webapp.models import MoneyLine as LineRow
    from webapp.services import ledger, payroll, rule_catalogue

    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        session = db.session
        clock = Clock()
        ids = seed_people(session, employees)
        pay = dict(session.execute(select(Employee.id, Employee.monthly_base_pay)).all())
        clock.lap("seed employees", f"{len(ids):,}")
        rng = random.Random(7)
        results: list[ShiftResult] = []
        event_count = 0
        for employee_id in ids:
            for item in shift_events(employee_id, rng):
                event_count += len(item.events)
                results.append(classify_shift(item, (), DEFAULT_SETTINGS))
        clock.lap("generate + classify shifts", f"{len(results):,} shifts, {event_count:,} events")
        catalogue = rule_catalogue.load_catalogue(session)
        batch: dict[ledger.SourceRef, tuple[MoneyLine, ...]] = {}
        for result in results:
            shift = result.shift_events.shift
            lines = shift_lines(result, pay[int(shift.employee_code)], DEFAULT_SETTINGS,
                                catalogue.versions)  # fmt: skip
            if lines:
                batch[ledger.attendance_ref(int(shift.employee_code), shift.date)] = lines
        rules = ["D-4", "D-7", "D-9", "D-10", "D-12"]
        incidents = [
            Incident(f"bench-{n}", str(ids[n * 5 % len(ids)]), PERIOD.first_day + timedelta(n % 28),
                     rules[n % 5])
            for n in range(2000)
        ]  # fmt: skip
        for line in incident_lines(incidents, catalogue.versions):
            batch[ledger.SourceRef("incident", line.source_ref)] = (line,)
        clock.lap("money lines (D-1, D-2, S-5, D-4…D-12)", f"{sum(map(len, batch.values())):,}")
        report = ledger.sync_lines(session, batch, catalogue)
        session.commit()
        clock.lap("ledger write", f"{report.inserted:,} lines")
        lock = payroll.export_period(session, None, PERIOD)
        session.commit()
        sizes = f"{len(lock.payroll_csv) >> 10:,} + {len(lock.lines_csv) >> 10:,} KiB"
        clock.lap("build, export CSVs and lock (P-1)", sizes)
        total = clock.total()
        workbook = payroll.xlsx_of(lock)
        session.commit()
        clock.lap("XLSX from the locked files", f"{len(workbook) >> 10:,} KiB")
        xlsx_total = clock.total()
        stored = session.scalar(select(func.count()).select_from(LineRow))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{employees:,} employees, {event_count:,} clock events, {stored:,} stored lines: "
          f"{total:.1f} s to the locked CSV export, {xlsx_total:.1f} s with the XLSX; "
          f"peak RSS {peak:,.0f} MiB")  # fmt: skip


def main() -> None:
    """Parse the options and run in a temp dir."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--database", help="SQLAlchemy URL; default a temp SQLite file")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(options.employees, options.database or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")


if __name__ == "__main__":
    main()
