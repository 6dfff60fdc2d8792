"""A real Celery worker (`paiban worker`) solves a roster job over Redis on a committed database."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Roster, RosterJob
from webapp.services import employees, org, roster_jobs, roster_runner

BROKER = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/13")
MONDAY = dt.date(2026, 11, 23)
DEADLINE_SECONDS = 90


def _seed() -> tuple[int, int]:
    """One team of seven agents and a director; returns (site id, director id)."""
    site = org.create_site(db.session, None, "Celery site", "Asia/Shanghai")
    team = org.save_team(db.session, None, site.id, "T1")

    def person(code: str, roles: set[str], team_id: int | None) -> int:
        values = employees.EmployeeValues(
            code=code, name=code, site_id=site.id, team_id=team_id, roles=frozenset(roles),
            monthly_base_pay=Decimal(5000), skills=frozenset({"zh"}), email=None,
        )  # fmt: skip
        return employees.save_employee(db.session, None, values).id

    for n in range(1, 8):
        person(f"C{n:02d}", {"agent"}, team.id)
    director = person("CDR", {"director"}, None)
    db.session.commit()
    return site.id, director


def test_a_celery_worker_over_redis_solves_a_queued_job(committed_app: Flask) -> None:
    queue = f"paiban-test-{uuid.uuid4().hex[:12]}"  # this run's own queue on the shared Redis
    committed_app.config["CELERY_BROKER_URL"] = BROKER
    committed_app.config["CELERY_QUEUE"] = queue
    url = committed_app.config["SQLALCHEMY_DATABASE_URI"]
    with committed_app.app_context():
        site_id, director_id = _seed()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": BROKER,
        "PAIBAN_CELERY_QUEUE": queue,
    }
    paiban = Path(sys.executable).parent / "paiban"
    worker = subprocess.Popen(
        [str(paiban), "worker", "--concurrency", "1"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        with committed_app.app_context():
            from webapp.models import Employee

            director = db.session.get(Employee, director_id)
            assert director is not None
            job = roster_jobs.create_job(db.session, director, site_id, MONDAY, 1, time_limit=3)
            db.session.commit()
            assert roster_runner.dispatch(committed_app, job.id) == "celery"
            job_id = job.id
            deadline = time.monotonic() + DEADLINE_SECONDS
            status = "queued"
            while time.monotonic() < deadline and status in ("queued", "running"):
                time.sleep(0.5)
                # Read and end the transaction at once: on SQLite every transaction holds
                # the write lock (BEGIN IMMEDIATE), and the worker must be able to write.
                status, error, roster_id = db.session.execute(
                    select(RosterJob.status, RosterJob.error, RosterJob.roster_id).where(
                        RosterJob.id == job_id
                    )
                ).one()
                db.session.rollback()
                assert worker.poll() is None, "the worker exited early"
            assert status == "done", f"job ended {status}: {error}"
            current = db.session.get(RosterJob, job_id)
            assert current is not None
            roster = db.session.get(Roster, roster_id)
            assert roster is not None and roster.status == "draft"
            assert len(roster.assignments) == 7 * 7
            assert current.solver_status in ("OPTIMAL", "FEASIBLE", "UNDERSTAFFED")
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        print(output.decode(errors="replace")[-4000:])  # shown when the test fails
