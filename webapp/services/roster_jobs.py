"""Roster generation as a background job: queue, solve with progress and Stop, store the draft.

The job row is read and written in short transactions; no transaction is open while CP-SAT
runs (STYLE rule 6). A local worker process runs the job by default; with CELERY_BROKER_URL
set, a Celery worker (`paiban worker`) does.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler import problem as p
from scheduler.callbacks import Progress
from scheduler.result import Result
from scheduler.settings import SolverSettings
from scheduler.solve import solve
from webapp.models import Employee, Roster, RosterJob, Site
from webapp.models.base import utcnow
from webapp.services import audit, roster_edit, roster_problem
from webapp.services import roster as rs
from webapp.services.errors import NotFound, ServiceError

UnitOfWork = Callable[[], AbstractContextManager[Session]]
POLL_SECONDS = 0.5
STALE_AFTER = dt.timedelta(seconds=60)  # a running job without a heartbeat this long died
DEFAULT_TIME_LIMIT = 30.0
SolveFunction = Callable[..., Result]


def create_job(
    session: Session,
    actor: Employee,
    site_id: int,
    first: dt.date,
    weeks: int,
    time_limit: float = DEFAULT_TIME_LIMIT,
    base_roster_id: int | None = None,
) -> RosterJob:
    """Queue a solve of one or four weeks from `first` (a re-solve keeps the base's pins)."""
    roster_edit.require_publisher(actor)
    site = session.get(Site, site_id)
    if site is None:
        raise ServiceError("choose a site", field="site_id")
    if weeks not in (1, 4):
        raise ServiceError("a roster is one or four weeks long", field="weeks")
    if not 1 <= time_limit <= 3600:
        raise ServiceError("time limit must be 1–3600 seconds", field="time_limit")
    if not roster_problem.rostered_employees(session, site.id):
        raise ServiceError("this site has no agents in teams to roster", field="site_id")
    job = RosterJob(
        site_id=site.id,
        first_date=first,
        days=7 * weeks,
        time_limit=float(time_limit),
        base_roster_id=base_roster_id,
        status="queued",
        created_by_id=actor.id,
    )
    session.add(job)
    session.flush()
    audit.record(
        session, actor, "roster.generate", job, None, {"first": first.isoformat(), "days": job.days}
    )
    return job


def get_job(session: Session, job_id: int) -> RosterJob:
    """The job, marked failed first when its worker stopped sending heartbeats."""
    job = session.get(RosterJob, job_id)
    if job is None:
        raise NotFound(f"job {job_id} does not exist", field="job")
    if job.status == "running" and job.heartbeat_at and utcnow() - job.heartbeat_at > STALE_AFTER:
        job.status, job.finished_at = "failed", utcnow()
        job.error = "the worker stopped responding (crashed or was killed)"
    return job


def request_stop(session: Session, actor: Employee, job_id: int) -> RosterJob:
    """Stop button: the worker stops the search and keeps the best roster found so far."""
    roster_edit.require_publisher(actor)
    job = get_job(session, job_id)
    if job.status in ("queued", "running"):
        job.cancel_requested = True
    return job


def recent_jobs(session: Session, site_id: int, limit: int = 10) -> list[RosterJob]:
    """A site's latest jobs, newest first."""
    query = (
        select(RosterJob)
        .where(RosterJob.site_id == site_id)
        .order_by(RosterJob.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def run_job(
    unit: UnitOfWork, job_id: int, solver: SolveFunction = solve, wait: float = 15.0
) -> None:
    """Run one job to its end; any exception marks it failed with the error (never raises)."""
    try:
        prepared = _prepare(unit, job_id, wait)
        if prepared is None:
            return
        bundle, settings = prepared
        result = _solve_watched(unit, job_id, bundle.problem, settings, solver)
        _finish(unit, job_id, bundle, result)
    except Exception as exc:  # the job must end failed, with its error
        _fail(unit, job_id, f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}")


def _prepare(
    unit: UnitOfWork, job_id: int, wait: float
) -> tuple[roster_problem.Bundle, SolverSettings] | None:
    deadline = time.monotonic() + wait
    while True:  # the request that queued the job may not have committed yet
        with unit() as session:
            job = session.get(RosterJob, job_id)
            if job is not None:
                if job.status != "queued":
                    return None
                if job.cancel_requested:
                    job.status, job.finished_at = "cancelled", utcnow()
                    return None
                job.status, job.started_at, job.heartbeat_at = "running", utcnow(), utcnow()
                site = session.get(Site, job.site_id)
                assert site is not None
                fixed, current = _base_inputs(session, job)
                bundle = roster_problem.build_problem(
                    session, site, job.first_date, job.days, fixed, current
                )
                return bundle, SolverSettings(time_limit=job.time_limit, workers=2)
        if time.monotonic() > deadline:
            raise RuntimeError(f"job {job_id} was never committed")
        time.sleep(0.1)


def _base_inputs(
    session: Session, job: RosterJob
) -> tuple[tuple[p.Assignment, ...], tuple[p.Assignment, ...]]:
    """Pinned (hand-edited) cells of the base roster are fixed; a published base is `current`
    so the re-solve changes as little as possible (R-11)."""
    if job.base_roster_id is None:
        return (), ()
    base = rs.get_roster(session, job.base_roster_id)
    last = job.first_date + dt.timedelta(days=job.days - 1)
    shifts = [
        c
        for c in base.assignments
        if c.kind == "shift" and c.shift_type is not None and job.first_date <= c.date <= last
    ]

    def as_assignment(c: object) -> p.Assignment:
        assert c.shift_type is not None  # type: ignore[attr-defined]
        return p.Assignment(c.employee.code, c.date, c.shift_type.code)  # type: ignore[attr-defined]

    fixed = tuple(as_assignment(c) for c in shifts if c.pinned)
    current = tuple(as_assignment(c) for c in shifts) if base.status == "published" else ()
    return fixed, current


def _solve_watched(
    unit: UnitOfWork,
    job_id: int,
    problem: p.Problem,
    settings: SolverSettings,
    solver: SolveFunction,
) -> Result:
    """Solve on this thread; a watcher thread writes progress and heartbeats, reads Stop."""
    cancel = threading.Event()
    done = threading.Event()
    latest: list[Progress] = []
    count = [0]

    def on_progress(step: Progress) -> None:
        latest.append(step)
        count[0] += 1

    def watch() -> None:
        started = time.monotonic()
        while not done.wait(POLL_SECONDS):
            with unit() as session:
                job = session.get(RosterJob, job_id)
                if job is None:
                    return
                job.heartbeat_at = utcnow()
                job.elapsed = time.monotonic() - started
                if latest:
                    job.objective, job.bound = latest[-1].objective, latest[-1].bound
                    job.solutions = count[0]
                if job.cancel_requested:
                    cancel.set()

    watcher = threading.Thread(target=watch, daemon=True, name=f"roster-job-{job_id}")
    watcher.start()
    try:
        return solver(problem, settings, progress=on_progress, cancel=cancel)
    finally:
        done.set()
        watcher.join()


def _finish(unit: UnitOfWork, job_id: int, bundle: roster_problem.Bundle, result: Result) -> None:
    with unit() as session:
        job = session.get(RosterJob, job_id)
        site = session.get(Site, bundle.site_id)
        assert job is not None and site is not None
        base = session.get(Roster, job.base_roster_id) if job.base_roster_id else None
        roster = roster_edit.store_solution(session, site, bundle, result, job.created_by_id, base)
        job.roster_id = roster.id
        job.status = "done"
        job.solver_status = result.status.value
        job.objective, job.bound = result.objective, result.bound
        job.elapsed = result.wall_seconds
        job.finished_at = job.heartbeat_at = utcnow()


def _fail(unit: UnitOfWork, job_id: int, error: str) -> None:
    with unit() as session:
        job = session.get(RosterJob, job_id)
        if job is not None:
            job.status, job.error, job.finished_at = "failed", error[:4000], utcnow()


def session_unit(factory: Callable[[], Session]) -> UnitOfWork:
    """A unit of work on a session factory: one short transaction, committed on success."""

    @contextmanager
    def unit() -> Iterator[Session]:
        session = factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    return unit
