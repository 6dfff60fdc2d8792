"""Where roster jobs run: a local worker process by default, Celery over Redis when configured."""

from __future__ import annotations

import atexit
import contextlib
import os
import subprocess
import sys
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from webapp.services import roster_jobs

TASK_NAME = "paiban.solve_roster"
_children: list[subprocess.Popen[bytes]] = []


def dispatch(app: Flask, job_id: int) -> str:
    """Start the job in the background; returns the runner used (`celery` or `local`)."""
    if app.config.get("CELERY_BROKER_URL"):
        celery_for(app).send_task(TASK_NAME, args=[job_id])
        return "celery"
    _reap()
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    child = subprocess.Popen(  # a separate process: CP-SAT never runs in a web worker
        [sys.executable, "-m", "webapp.services.roster_runner", str(job_id)],
        env=env,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    _children.append(child)
    return "local"


def _reap() -> None:
    """Collect finished local workers so none lingers as a zombie."""
    _children[:] = [c for c in _children if c.poll() is None]


@atexit.register
def _wait_for_children() -> None:
    """On exit, give running local workers a moment to finish writing, then collect them."""
    for child in _children:
        # One still running after 5 s stops its heartbeat; get_job marks it failed later.
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=5)


def run_in_app(app: Flask, job_id: int) -> None:
    """Run one job with the app's database, in short transactions of its own."""
    from webapp.extensions import db

    with app.app_context():
        engine = db.engine
        roster_jobs.run_job(roster_jobs.session_unit(lambda: Session(engine)), job_id)


def celery_for(app: Flask) -> Any:
    """The app's Celery instance (one per app) with the solve task registered."""
    if "paiban_celery" not in app.extensions:
        from celery import Celery

        broker = app.config["CELERY_BROKER_URL"]
        celery = Celery("paiban", broker=broker)
        celery.conf.update(
            # Web app and workers agree on one queue, so installations sharing a Redis
            # (or parallel test runs) do not take each other's jobs.
            task_default_queue=app.config.get("CELERY_QUEUE", "paiban"),
            task_acks_late=True,
            worker_prefetch_multiplier=1,
            broker_connection_retry_on_startup=True,
        )

        @celery.task(name=TASK_NAME)
        def solve_roster(job_id: int) -> None:
            run_in_app(app, job_id)

        app.extensions["paiban_celery"] = celery
    return app.extensions["paiban_celery"]


def main() -> None:
    """`python -m webapp.services.roster_runner JOB_ID`: the local worker process."""
    from webapp import create_app

    run_in_app(create_app(), int(sys.argv[1]))


if __name__ == "__main__":
    main()
