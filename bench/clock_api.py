"""Benchmark: POST /api/v1/clock-events on PostgreSQL behind gunicorn; events/s and latency (A-1).

Usage: DATABASE_URL=postgresql://postgres@127.0.0.1/bench .venv/bin/python bench/clock_api.py
       [--seconds 20] [--clients 16] [--workers 1] [--threads 16] [--connections 16]
       [--agents 500] [--retries 0.05] [--warmup 2] [--rate R] [--cpu-events N]

Drops and re-creates the schema of DATABASE_URL (a throw-away database), creates a site with
`--agents` agents on a published roster for today, registers one device, starts gunicorn on
127.0.0.1 and posts clock events from `--clients` keep-alive client threads for `--seconds`.
A share `--retries` of the posts repeats an earlier event_id (a terminal retrying); at the end
the stored count must equal the number of distinct ids. Target: ≥ 300 events/s, p99 < 100 ms.
By default each client posts again as soon as it is answered (closed loop: the most the server
takes, with latency at saturation). `--rate R` offers R posts per second spread over the
clients (open loop, like R terminals posting once a second) and counts latency from each post's
planned send time, so the target reads "at an offered 300/s, p99 below 100 ms".
It also prints the CPU time per post of the gunicorn workers and of the PostgreSQL backends
of DATABASE_URL's database (Linux /proc), which other work on the machine disturbs less.

`--cpu-events N` skips gunicorn: `--clients` threads post N events through the test client in
this process, which prints its CPU time per event (the app's share, request side and batcher;
less sensitive than events/s to other work on the machine). PAIBAN_CLOCK_BATCH=0 measures
the request-at-a-time path.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, insert, make_url, select, text

from webapp import create_app
from webapp.extensions import db
from webapp.models import ClockEvent, Employee, Roster, RosterAssignment, ShiftType
from webapp.services import devices, org

KINDS = ("in", "break_out", "break_in", "out")


def prepare(agents: int) -> list[str]:
    """Fresh schema, a site with agents on today's published roster, a device per agent."""
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade()
    site = org.create_site(db.session, None, "Bench", "UTC")
    db.session.execute(insert(Employee), [
        {"code": f"B{n:04d}", "name": f"Agent {n}", "site_id": site.id, "active": True,
         "monthly_base_pay": 5000} for n in range(agents)
    ])  # fmt: skip
    today = datetime.now(UTC).date()
    roster = Roster(site_id=site.id, first_date=today, days=1, status="published",
                    published_at=datetime.now(UTC))  # fmt: skip
    db.session.add(roster)
    db.session.flush()
    night = db.session.scalar(select(ShiftType.id).where(ShiftType.site_id == site.id,
                                                         ShiftType.code == "N"))  # fmt: skip
    day = db.session.scalar(select(ShiftType.id).where(ShiftType.site_id == site.id,
                                                       ShiftType.code == "D"))  # fmt: skip
    db.session.execute(insert(RosterAssignment), [
        {"roster_id": roster.id, "employee_id": i, "date": today, "kind": "shift",
         "shift_type_id": day if i % 2 else night, "pinned": False}
        for i in db.session.scalars(select(Employee.id))
    ])  # fmt: skip
    # One terminal per seat: A-6 pairs two people on one device within 60 s, so a single
    # shared gate at 300 events/s would (rightly) flag thousands of pairs per event.
    tokens = [devices.create_device(db.session, None, site.id, f"seat-{n:04d}")[1]
              for n in range(agents)]  # fmt: skip
    db.session.commit()
    return tokens


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_gunicorn(
    port: int, workers: int, threads: int = 1, connections: int = 1000
) -> subprocess.Popen[bytes]:
    """gunicorn (sync workers, or gthread with `threads` > 1); waits until it answers.

    A gthread worker accepts connections up to `connections` and keeps them alive, so without
    a cap one worker can take every client and leave the other cores idle."""
    binary = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    process = subprocess.Popen(
        [binary, "--workers", str(workers), "--threads", str(threads), "--worker-connections",
         str(connections), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         "webapp:create_app()"],
        env={**os.environ, "PAIBAN_ENV": "development"},
    )  # fmt: skip
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("gunicorn did not start")


def children(pid: int) -> list[int]:
    """The gunicorn workers: the master's child processes (Linux /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                continue
    return found


def postgres_pids(database: str) -> list[int]:
    """The local PostgreSQL backends serving `database` (other databases' work left out)."""
    pids = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                title = cmdline.read().decode(errors="replace").split()
        except OSError:
            continue
        if entry.isdigit() and title[:1] == ["postgres:"] and database in title:
            pids.append(int(entry))
    return pids


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of the live processes (a process that ends drops out)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            continue
    return total / os.sysconf("SC_CLK_TCK")


def send_times(start: float, rate: float, client: int, clients: int) -> Iterator[float] | None:
    """Client `client`'s share of a steady `rate` of posts from `start` (None: closed loop)."""
    if not rate:
        return None
    return (start + (client + n * clients) / rate for n in itertools.count())


class Load:
    """Client threads posting events; latencies in seconds, statuses counted."""

    def __init__(self, port: int, tokens: list[str], agents: int, retries: float) -> None:
        self.port, self.tokens, self.agents, self.retries = port, tokens, agents, retries
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.ids: set[str] = set()
        self.lock = threading.Lock()
        self.counter = itertools.count()

    def body(self, sent: list[tuple[str, str]]) -> tuple[str, str]:
        """(JSON body, device token): a new event, or now and then a retry of a sent one."""
        if sent and random.random() < self.retries:
            return random.choice(sent)
        n = next(self.counter)
        at = datetime.now(UTC) - timedelta(seconds=1)
        payload = {"event_id": f"bench-{n:09d}", "employee_code": f"B{n % self.agents:04d}",
                   "kind": KINDS[(n // self.agents) % 4], "timestamp": at.isoformat()}  # fmt: skip
        pair = (json.dumps(payload), self.tokens[n % self.agents])
        sent.append(pair)
        return pair

    def run(self, measure_from: float, until: float, schedule: Iterator[float] | None) -> None:
        """One client: a keep-alive connection, reopened when the server closes it.

        Closed loop (`schedule` None): the next post leaves when the last is answered.
        Open loop: each post has a send time from `schedule`; latency counts from that time,
        so a client held up by a slow answer charges the wait to the server (no coordinated
        omission). Posts before `measure_from` warm the server up and are not timed."""
        sent: list[tuple[str, str]] = []
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        latencies, statuses, ids = [], {}, set()
        while time.perf_counter() < until:
            body, token = self.body(sent)
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            began = time.perf_counter()
            if schedule is not None:
                began = next(schedule)
                if began >= until:
                    break
                time.sleep(max(0.0, began - time.perf_counter()))
            try:
                connection.request("POST", "/api/v1/clock-events", body, headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                continue
            ids.add(json.loads(body)["event_id"])
            if began < measure_from:
                continue
            latencies.append(time.perf_counter() - began)
            statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
        with self.lock:
            self.latencies += latencies
            self.ids |= ids
            for status, count in statuses.items():
                self.statuses[status] = self.statuses.get(status, 0) + count


def measure_cpu(app: Flask, tokens: list[str], agents: int, events: int, clients: int) -> None:
    """Post `events` new events from `clients` test-client threads; print CPU ms per event."""
    counter = itertools.count()
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def post() -> None:
        client = app.test_client()
        while (n := next(counter)) < events:
            at = datetime.now(UTC) - timedelta(seconds=1)
            body = {"event_id": f"cpu-{n:09d}", "employee_code": f"B{n % agents:04d}",
                    "kind": KINDS[(n // agents) % 4], "timestamp": at.isoformat()}  # fmt: skip
            headers = {"Authorization": f"Bearer {tokens[n % agents]}"}
            response = client.post("/api/v1/clock-events", json=body, headers=headers)
            with lock:
                statuses[response.status_code] += 1

    threads = [threading.Thread(target=post) for _ in range(clients)]
    began, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - began
    print(f"{events:,} events in one process: {cpu * 1000 / events:.2f} ms CPU per event, "
          f"{events / wall:,.0f} events/s; statuses {dict(statuses)}; "
          f"batch size {app.config['CLOCK_BATCH_SIZE']}, {clients} client threads")  # fmt: skip


def main() -> None:
    """Prepare, serve, load, report; exit 1 when the target or the idempotency check fails."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--retries", type=float, default=0.05)
    parser.add_argument("--threads", type=int, default=16, help="gthread threads per worker")
    parser.add_argument("--connections", type=int, default=16,
                        help="gthread: connections one worker accepts")  # fmt: skip
    parser.add_argument("--warmup", type=float, default=2,
                        help="seconds of load before the timed ones (not counted)")  # fmt: skip
    parser.add_argument(
        "--rate",
        type=float,
        default=0,
        help="open loop: offer this many posts per second (0: closed loop)",
    )
    parser.add_argument("--cpu-events", type=int, default=0,
                        help="measure CPU per event in this process instead")  # fmt: skip
    options = parser.parse_args()
    app = create_app()
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        raise SystemExit("set DATABASE_URL to a throw-away PostgreSQL database")
    database = str(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
    with app.app_context():
        tokens = prepare(options.agents)
    if options.cpu_events:
        measure_cpu(app, tokens, options.agents, options.cpu_events, options.clients)
        return
    port = free_port()
    server = start_gunicorn(port, options.workers, options.threads, options.connections)
    load = Load(port, tokens, options.agents, options.retries)
    try:
        start = time.perf_counter() + 0.5
        measure_from = start + options.warmup
        until = measure_from + options.seconds
        threads = [
            threading.Thread(target=load.run, args=(
                measure_from, until, send_times(start, options.rate, k, options.clients)))
            for k in range(options.clients)
        ]  # fmt: skip
        for thread in threads:
            thread.start()
        time.sleep(max(0.0, measure_from - time.perf_counter()))  # CPU of the timed part only
        workers, postgres = cpu_seconds(children(server.pid)), cpu_seconds(postgres_pids(database))
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - measure_from
        workers = cpu_seconds(children(server.pid)) - workers
        postgres = cpu_seconds(postgres_pids(database)) - postgres
    finally:
        server.terminate()
        server.wait(timeout=10)
    with app.app_context():
        stored = db.session.scalar(select(func.count()).select_from(ClockEvent))
    ordered = sorted(load.latencies)
    rate = len(ordered) / elapsed
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000
    print(f"{len(ordered):,} posts in {elapsed:.1f} s = {rate:,.0f} events/s; "
          f"p50 {p50:.1f} ms, p99 {p99:.1f} ms; statuses {load.statuses}; "
          f"gunicorn --workers {options.workers} --threads {options.threads} "
          f"--worker-connections {options.connections}, {options.clients} clients"
          + (f", offered {options.rate:,.0f}/s (open loop)" if options.rate else ""))  # fmt: skip
    print(f"distinct event ids {len(load.ids):,}, stored {stored:,}; CPU per post: gunicorn "
          f"workers {workers * 1000 / len(ordered):.2f} ms, PostgreSQL backends "
          f"{postgres * 1000 / len(ordered):.2f} ms")  # fmt: skip
    ok = stored == len(load.ids) and rate >= 300 and p99 < 100
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
