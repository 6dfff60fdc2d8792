"""Faults (issue 8): a solver worker killed mid-job leaves a failed job, and a retry works."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.committed_data import agents_lead_director, site_with_team
from tests.roster_factories import MONDAY
from webapp.extensions import db
from webapp.models import Employee, RosterJob
from webapp.services import roster_jobs, roster_runner


def _site_with_a_team(session: Session) -> tuple[int, int]:
    site, people = site_with_team(session, "故障中心", agents_lead_director())
    session.commit()
    return site.id, people["DR01"].id


def _job(engine: object, job_id: int) -> RosterJob:
    with Session(engine, expire_on_commit=False) as session:  # type: ignore[arg-type]
        job = roster_jobs.get_job(session, job_id)
        session.commit()
        session.expunge(job)
        return job


def _wait(engine: object, job_id: int, statuses: set[str], seconds: float) -> RosterJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = _job(engine, job_id)
        if job.status in statuses:
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} never reached {statuses}")


def test_a_killed_worker_leaves_a_failed_job_and_a_retry_succeeds(
    committed_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    with committed_app.app_context():
        site_id, director_id = _site_with_a_team(db.session)
        director = db.session.get(Employee, director_id)
        job = roster_jobs.create_job(db.session, director, site_id, MONDAY, 4, time_limit=300)
        db.session.commit()
        job_id, engine = job.id, db.engine
        roster_runner.dispatch(committed_app, job_id)
    child = roster_runner._children[-1]
    started = _wait(engine, job_id, {"running", "done", "failed"}, 90)
    assert started.status == "running", (started.status, started.error)
    os.killpg(child.pid, signal.SIGKILL)  # the worker dies mid-solve, without a word
    child.wait(timeout=10)
    monkeypatch.setattr(roster_jobs, "STALE_AFTER", dt.timedelta(seconds=1))
    time.sleep(1.5)
    failed = _job(engine, job_id)
    assert failed.status == "failed" and failed.error
    with committed_app.app_context():
        director = db.session.get(Employee, director_id)
        retry = roster_jobs.create_job(db.session, director, site_id, MONDAY, 1, time_limit=5)
        db.session.commit()
        retry_id = retry.id
    roster_jobs.run_job(roster_jobs.session_unit(lambda: Session(engine)), retry_id)
    done = _job(engine, retry_id)
    assert done.status == "done", done.error
    assert done.roster_id is not None
