"""Generate jobs: progress in short transactions, Stop keeps the best roster, crashes fail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy.orm import Session

from scheduler.callbacks import Progress
from scheduler.result import Result
from tests.roster_factories import MONDAY, solved
from webapp.models import Employee, RosterJob, Site
from webapp.models.base import utcnow
from webapp.services import roster_edit, roster_jobs
from webapp.services.errors import Forbidden, ServiceError


def _unit(session: Session) -> roster_jobs.UnitOfWork:
    @contextmanager
    def unit() -> Iterator[Session]:
        yield session
        session.flush()

    return unit


def test_a_job_solves_and_stores_a_draft_with_progress(
    session: Session, roster_site: Site, director: Employee
) -> None:
    job = roster_jobs.create_job(session, director, roster_site.id, MONDAY, 1, time_limit=5)
    seen: list[str] = []

    def solver(problem: Any, settings: Any, progress: Any, cancel: Any) -> Result:
        seen.append(session.get(RosterJob, job.id).status)  # type: ignore[union-attr]
        progress(Progress(0.5, 120.0, 100.0))
        from webapp.services import roster_problem

        bundle = roster_problem.build_problem(session, roster_site, MONDAY, 7)
        return solved(bundle)

    roster_jobs.run_job(_unit(session), job.id, solver=solver)
    assert seen == ["running"]
    assert job.status == "done" and job.solver_status in ("OPTIMAL", "FEASIBLE", "UNDERSTAFFED")
    roster = roster_edit.rs.get_roster(session, job.roster_id)  # type: ignore[arg-type]
    assert roster.status == "draft" and len(roster.assignments) == 49
    assert roster_edit.violations(session, roster) == []


def test_stop_is_passed_to_the_solver_and_the_best_roster_is_kept(
    session: Session, roster_site: Site, director: Employee
) -> None:
    job = roster_jobs.create_job(session, director, roster_site.id, MONDAY, 1, time_limit=60)
    roster_jobs.POLL_SECONDS = 0.05

    def solver(problem: Any, settings: Any, progress: Any, cancel: Any) -> Result:
        roster_jobs.request_stop(session, director, job.id)
        assert cancel.wait(5), "the watcher never passed Stop on"
        from webapp.services import roster_problem

        return solved(roster_problem.build_problem(session, roster_site, MONDAY, 7))

    roster_jobs.run_job(_unit(session), job.id, solver=solver)
    assert job.cancel_requested and job.status == "done" and job.roster_id is not None


def test_a_crashing_solve_marks_the_job_failed_with_the_error(
    session: Session, roster_site: Site, director: Employee
) -> None:
    job = roster_jobs.create_job(session, director, roster_site.id, MONDAY, 1)

    def solver(*args: Any, **kwargs: Any) -> Result:
        raise MemoryError("out of memory in CP-SAT")

    roster_jobs.run_job(_unit(session), job.id, solver=solver)
    assert job.status == "failed"
    assert job.error is not None and "MemoryError: out of memory in CP-SAT" in job.error


def test_a_job_whose_worker_died_is_marked_failed(
    session: Session, roster_site: Site, director: Employee
) -> None:
    job = roster_jobs.create_job(session, director, roster_site.id, MONDAY, 1)
    job.status, job.heartbeat_at = "running", utcnow() - dt.timedelta(minutes=5)
    assert roster_jobs.get_job(session, job.id).status == "failed"
    assert "stopped responding" in (job.error or "")


def test_only_directors_generate_and_weeks_are_one_or_four(
    session: Session, roster_site: Site, director: Employee, make_employee: Any
) -> None:
    agent = make_employee(roles=("agent",), site=roster_site)
    with pytest.raises(Forbidden):
        roster_jobs.create_job(session, agent, roster_site.id, MONDAY, 1)
    with pytest.raises(ServiceError, match="one or four weeks"):
        roster_jobs.create_job(session, director, roster_site.id, MONDAY, 2)


def test_a_real_solve_reports_progress_and_stores_the_roster(
    session: Session, roster_site: Site, director: Employee
) -> None:
    job = roster_jobs.create_job(session, director, roster_site.id, MONDAY, 1, time_limit=2)
    roster_jobs.run_job(_unit(session), job.id)
    assert job.status == "done", job.error
    assert job.solutions >= 0 and job.objective is not None and job.elapsed > 0
