"""Benchmark: server-side time to render the roster page for 210 agents × 7 days (< 300 ms),
and the overhead of a generate job (queue → local worker running → done, minus the solve).

Run: `.venv/bin/python bench/roster_page.py` (uses a temporary SQLite database).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

DB = Path(tempfile.mkdtemp()) / "bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.config import Config  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.models import Roster, RosterAssignment, RosterJob  # noqa: E402
from webapp.services import employees, org, roster_jobs, roster_runner  # noqa: E402

MONDAY = dt.date(2026, 11, 23)
PATTERN = "EMDNEMD"


def seed() -> tuple[int, int]:
    """A site with 30 teams × 7 agents and a roster where every agent works six days."""
    site = org.create_site(db.session, None, "Bench", "Asia/Shanghai")
    shifts = {s.code: s for s in site.shift_types}
    director = None
    for t in range(30):
        team = org.save_team(db.session, None, site.id, f"T{t:02d}")
        for m in range(7):
            values = employees.EmployeeValues(
                code=f"B{t:02d}{m}", name=f"Agent {t}-{m}", site_id=site.id, team_id=team.id,
                roles=frozenset({"agent"}), monthly_base_pay=Decimal(5000),
                skills=frozenset({"zh"}), email=None,
            )  # fmt: skip
            employees.save_employee(db.session, None, values)
    values = employees.EmployeeValues(
        code="BDR", name="Director", site_id=site.id, team_id=None,
        roles=frozenset({"director"}), monthly_base_pay=Decimal(9000),
        skills=frozenset(), email=None,
    )  # fmt: skip
    director = employees.save_employee(db.session, None, values)
    employees.account_for(db.session, director.id).set_password("bench-password-1")
    db.session.flush()
    roster = Roster(site_id=site.id, first_date=MONDAY, days=7, status="draft", version=1)
    people = [e for e in site.teams for e in e.members]
    for i, emp in enumerate(people):
        for d in range(7):
            date = MONDAY + dt.timedelta(days=d)
            if (i + d) % 7 == 0:
                cover = people[i - 1 if i % 7 else i + 1]
                roster.assignments.append(
                    RosterAssignment(employee_id=emp.id, date=date, kind="rest", cover_id=cover.id)
                )
                continue
            shift = shifts[PATTERN[(i + d) % 7]]
            brk = 12 * 60 if shift.break_minutes else None
            roster.assignments.append(
                RosterAssignment(employee_id=emp.id, date=date, kind="shift",
                                 shift_type_id=shift.id, break_start=brk)
            )  # fmt: skip
    db.session.add(roster)
    db.session.commit()
    return roster.id, director.id


def main() -> None:
    """Print the median and worst render times, then the job overhead."""
    app = create_app(Config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{DB}", WTF_CSRF_ENABLED=False)
    with app.app_context():
        upgrade()
        roster_id, director_id = seed()
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.post("/auth/login", data={"login": "bdr", "password": "bench-password-1"})
    times = []
    for _ in range(7):
        started = time.perf_counter()
        response = client.get(f"/roster/{roster_id}")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    print(f"roster page, 210 agents x 7 days: median {statistics.median(times):.0f} ms, "
          f"worst {max(times):.0f} ms (target < 300 ms)")  # fmt: skip
    with app.app_context():
        from webapp.models import Employee, Site

        site = db.session.query(Site).one()
        director = db.session.get(Employee, director_id)
        started = time.perf_counter()
        job = roster_jobs.create_job(db.session, director, site.id, MONDAY, 1, time_limit=1)
        db.session.commit()
        roster_runner.dispatch(app, job.id)
        running_at = None
        while True:
            db.session.rollback()
            current = db.session.get(RosterJob, job.id)
            assert current is not None
            if running_at is None and current.status != "queued":
                running_at = time.perf_counter()
            if current.status not in ("queued", "running"):
                break
            time.sleep(0.05)
        total = time.perf_counter() - started
        print(f"generate job: worker started after {running_at - started:.2f} s; "
              f"total {total:.2f} s of which solve {current.elapsed:.2f} s; "
              f"overhead {total - current.elapsed:.2f} s ({current.status})")  # fmt: skip


if __name__ == "__main__":
    main()
