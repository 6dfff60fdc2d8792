"""Benchmark: `import-clock` of a 1,000,000-row terminal file into the database (FORMATS §3).

Usage: DATABASE_URL=postgresql://postgres@127.0.0.1/bench .venv/bin/python bench/import_clock_db.py
       [--rows N] [--roster] [--shifts] [--agents N]

Drops and re-creates the schema of DATABASE_URL (it must be a throw-away database), creates one
site with 2,000 agents (and, with --roster, a published day-shift roster for the dates the file
spans, at most 62: 1,000,000 rows span 81 days, so every agent has 62 shifts classified and
events outside the roster's days or the match windows stay unscheduled), then imports the file
the way `paiban import-clock` does: parse, validate, store, match, classify, flag, one commit.
`--shifts` writes an in and an out per agent and day instead, half of them late, so every
event of the roster's days matches and many shifts get D-1/D-2 lines. `--agents 8100 --roster
--shifts` makes 1,000,000 rows fit the roster's 62 days: every event matches a shift, and about
500,000 shifts are classified.
Prints wall time, rows/s, peak RSS (of the import alone where Linux lets the count restart after
the preparation, which builds 10^5 roster rows in this process; of the whole run too), the
shifts classified, the money lines written and the
load average at the end (the machine is shared: say how loaded it was).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_clock import write_clock_file, write_shift_file

from webapp import create_app
from webapp.extensions import db
from webapp.models import (
    ClockEvent,
    Employee,
    MoneyLine,
    Roster,
    RosterAssignment,
    ShiftAttendance,
    ShiftType,
)
from webapp.services import clock_import, org


def prepare(days: int, with_roster: bool, agents: int) -> None:
    """A fresh schema, one site with `agents` agents, optionally a published roster of `days`
    days (at most 62, a roster's length)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade()
    site = org.create_site(db.session, None, "Bench", "UTC")
    db.session.execute(insert(Employee), [
        {"code": f"A{n:04d}", "name": f"Agent {n}", "site_id": site.id, "active": True,
         "monthly_base_pay": 5000} for n in range(agents)
    ])  # fmt: skip
    if with_roster:
        day_type = db.session.scalar(
            select(ShiftType).where(ShiftType.site_id == site.id, ShiftType.code == "D")
        )
        first = date(2026, 11, 1)
        roster = Roster(site_id=site.id, first_date=first, days=min(days, 62), status="published",
                        published_at=func.now())  # fmt: skip
        db.session.add(roster)
        db.session.flush()
        ids = db.session.scalars(select(Employee.id)).all()
        db.session.execute(insert(RosterAssignment), [
            {"roster_id": roster.id, "employee_id": i, "date": first + timedelta(days=d),
             "kind": "shift", "shift_type_id": day_type.id, "pinned": False}
            for d in range(min(days, 62)) for i in ids
        ])  # fmt: skip
    db.session.commit()
    if postgres():  # a live database has planner statistics; a freshly loaded one has none
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


def postgres() -> bool:
    """The benchmark runs on PostgreSQL."""
    return db.engine.dialect.name == "postgresql"


def cpu() -> float:
    """CPU seconds used by this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def restart_peak_count() -> bool:
    """Make the peak RSS count start again now (Linux: /proc/self/clear_refs), so the peak read
    after the import is the import's, not the preparation's."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_since_restart_mib() -> float:
    """VmHWM of this process in MiB (the peak since `restart_peak_count`)."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def server_cpu(pid: int | None) -> float:
    """CPU seconds used so far by the PostgreSQL backend `pid`, when it runs on this machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def main() -> None:
    """Prepare the database, write the file, import it, report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--roster", action="store_true")
    parser.add_argument("--shifts", action="store_true", help="in and out per shift, half late")
    parser.add_argument("--agents", type=int, default=2000, help="agents (--shifts files)")
    options = parser.parse_args()
    app = create_app()
    with app.app_context(), tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.csv"
        if options.shifts:
            days = write_shift_file(path, options.rows, options.agents)
        else:
            write_clock_file(path, options.rows)
            days = options.rows * 7 // 86400 + 1
        prepare(days, options.roster, options.agents)
        backend = db.session.scalar(text("SELECT pg_backend_pid()")) if postgres() else None
        preparation_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        restarted = restart_peak_count()  # the count getrusage reads restarts too
        server_before, began, cpu_began = server_cpu(backend), time.perf_counter(), cpu()
        report = clock_import.import_clock_file(db.session, str(path))
        db.session.commit()
        seconds, cpu_seconds = time.perf_counter() - began, cpu() - cpu_began
        server_seconds = server_cpu(backend) - server_before
        stored = db.session.scalar(select(func.count()).select_from(ClockEvent))
        shifts = db.session.scalar(select(func.count()).select_from(ShiftAttendance))
        lines = db.session.scalar(select(func.count()).select_from(MoneyLine))
        import_mib = peak_since_restart_mib() if restarted else None
    peak_mib = max(preparation_mib, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    peak = (f"peak RSS of the import {import_mib:,.0f} MiB (whole run {peak_mib:,.0f} MiB)"
            if import_mib is not None else f"peak RSS {peak_mib:,.0f} MiB")  # fmt: skip
    print(f"{os.environ.get('DATABASE_URL', 'sqlite')}: {report.summary()}")
    print(f"{stored:,} rows stored in {seconds:.1f} s = {stored / seconds:,.0f} rows/s; "
          f"{peak}; {shifts:,} shifts classified, {lines:,} money lines "
          f"written; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip
    print(
        f"CPU: {cpu_seconds:.1f} s in this process, {server_seconds:.1f} s in its PostgreSQL "
        f"backend (0 when not local): a wall time far above their sum means a loaded machine"
    )
    sys.exit(0 if stored == options.rows else 1)


if __name__ == "__main__":
    main()
