"""Two simultaneous posts of one event_id store one event and both get it back (A-1, §7)."""

from __future__ import annotations

import threading
from decimal import Decimal

from flask import Flask
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import ClockEvent
from webapp.services import devices, employees, org

BODY = {"event_id": "race-1", "employee_code": "R01", "kind": "in",
        "timestamp": "2026-11-16T07:21:05+08:00"}  # fmt: skip


def _setup() -> str:
    site = org.create_site(db.session, None, "打卡并发", "Asia/Shanghai")
    values = employees.EmployeeValues("R01", "R01", site.id, None, frozenset({"agent"}),
                                      Decimal("5000"))  # fmt: skip
    employees.save_employee(db.session, None, values)
    _, token = devices.create_device(db.session, None, site.id, "race-gate")
    db.session.commit()
    return token


PARALLEL = 50  # issue 8: fifty terminals retrying one event at the same moment


def test_A1_concurrent_retries_of_one_event_store_it_once(committed_app: Flask) -> None:
    with committed_app.app_context():
        token = _setup()
    barrier = threading.Barrier(PARALLEL)
    answers: list[tuple[int, dict[str, object]]] = []

    def post() -> None:
        client = committed_app.test_client()
        barrier.wait(timeout=30)
        response = client.post("/api/v1/clock-events", json=BODY,
                               headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=post) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * (PARALLEL - 1) + [201]
    assert len({str(body["event"]) for _, body in answers}) == 1
    with committed_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ClockEvent)) == 1
