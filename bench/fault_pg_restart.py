"""Fault run: PostgreSQL restarts in the middle of a clock-in load (issue 8).

Usage: DATABASE_URL=postgresql://postgres@127.0.0.1/fault .venv/bin/python bench/fault_pg_restart.py
       [--seconds 30] [--clients 4] [--restart-after 8] [--agents 50] [--cluster main]

`.ci/run` runs it against a private cluster (`pg_createcluster … paiban_fault`, its own port),
so the restart never disturbs the cluster other work uses; `--cluster` names it.

Uses a throw-away database (its schema is re-created), serves the app with gunicorn on
127.0.0.1 and posts clock events from `--clients` threads. Like a real terminal, a client
retries an unanswered or failed post with the same event_id until it is acknowledged
(HTTP 200 or 201). After `--restart-after` seconds PostgreSQL is restarted
(pg_ctlcluster … restart). At the end every acknowledged event must be stored exactly once.
Prints one table row; exits 1 if anything acknowledged is missing or stored twice, or if the
fault was not felt (no post failed, or nothing was acknowledged after the restart).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from clock_api import free_port, prepare, start_gunicorn

from webapp import create_app
from webapp.extensions import db
from webapp.models import ClockEvent


class Terminal:
    """A client that posts events and retries each until it is acknowledged."""

    def __init__(self, port: int, tokens: list[str], agents: int) -> None:
        self.port, self.tokens, self.agents = port, tokens, agents
        self.counter = itertools.count()
        self.acknowledged: set[str] = set()
        self.last_ack = 0.0
        self.failures = 0
        self.longest_retry = 0.0
        self.lock = threading.Lock()

    def post(self, connection: http.client.HTTPConnection, body: str, token: str) -> int:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        connection.request("POST", "/api/v1/clock-events", body, headers)
        response = connection.getresponse()
        response.read()
        return response.status

    def run(self, until: float) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        while time.perf_counter() < until:
            n = next(self.counter)
            at = datetime.now(UTC) - timedelta(seconds=1)
            event = {"event_id": f"fault-{n:08d}", "employee_code": f"B{n % self.agents:04d}",
                     "kind": "in", "timestamp": at.isoformat()}  # fmt: skip
            body, token = json.dumps(event), self.tokens[n % self.agents]
            first_try = time.perf_counter()
            while True:  # a terminal keeps the event until the server acknowledges it
                try:
                    status = self.post(connection, body, token)
                except (OSError, http.client.HTTPException):
                    status = 0
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                if status in (200, 201):
                    break
                with self.lock:
                    self.failures += 1
                time.sleep(0.2)
            waited = time.perf_counter() - first_try
            with self.lock:
                self.acknowledged.add(event["event_id"])
                self.last_ack = time.perf_counter()
                self.longest_retry = max(self.longest_retry, waited)


def restart_postgres(cluster: str) -> float:
    """Restart the cluster the way an operator would; returns the seconds it took."""
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    began = time.perf_counter()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "restart"],
                   check=True, capture_output=True)  # fmt: skip
    return time.perf_counter() - began


def main() -> None:
    """Prepare, load, restart PostgreSQL midway, verify every acknowledged event is stored."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--restart-after", type=float, default=8)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cluster", default="main", help="pg_ctlcluster name of the cluster")
    options = parser.parse_args()
    app = create_app()
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        raise SystemExit("set DATABASE_URL to a throw-away PostgreSQL database")
    with app.app_context():
        tokens = prepare(options.agents)
        db.engine.dispose()
    port = free_port()
    server = start_gunicorn(port, options.workers)
    terminal = Terminal(port, tokens, options.agents)
    try:
        until = time.perf_counter() + options.seconds
        clients = [threading.Thread(target=terminal.run, args=(until,))
                   for _ in range(options.clients)]  # fmt: skip
        for client in clients:
            client.start()
        time.sleep(options.restart_after)
        restart_seconds = restart_postgres(options.cluster)
        restarted_at = time.perf_counter()
        for client in clients:
            client.join()
    finally:
        server.terminate()
        server.wait(timeout=10)
    with app.app_context():
        stored = set(db.session.scalars(select(ClockEvent.event_id)))
        rows = db.session.scalar(select(func.count()).select_from(ClockEvent)) or 0
        db.engine.dispose()
    lost = terminal.acknowledged - stored
    print(
        "| acknowledged | stored | lost | stored twice | failed posts retried "
        "| longest wait for an ack | restart took |"
    )
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {len(terminal.acknowledged)} | {len(stored)} | {len(lost)} | {rows - len(stored)} "
        f"| {terminal.failures} | {terminal.longest_retry:.1f} s | {restart_seconds:.1f} s |"
    )
    felt = terminal.failures > 0 and terminal.last_ack > restarted_at
    if not felt:
        print("the restart was not felt: no post failed or none was acknowledged after it")
    sys.exit(0 if not lost and rows == len(stored) and felt else 1)


if __name__ == "__main__":
    main()
