"""Factory fixtures of the attendance area: published shifts, devices, clock events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import ClockEvent, Device, Employee, Roster, RosterAssignment, ShiftType
from webapp.models.base import utcnow
from webapp.services import clock, devices

DAY = date(2026, 11, 16)


@pytest.fixture
def make_shift(session: Session) -> Callable[..., RosterAssignment]:
    """make_shift(employee, on=date, code="D", break_start=None) → a published shift cell."""

    def make(
        employee: Employee, on: date = DAY, code: str = "D", break_start: int | None = None
    ) -> RosterAssignment:
        shift_type = session.scalar(
            select(ShiftType).where(ShiftType.site_id == employee.site_id, ShiftType.code == code)
        )
        assert shift_type is not None, code
        roster = Roster(site_id=employee.site_id, first_date=on, days=1, status="published",
                        published_at=utcnow())  # fmt: skip
        cell = RosterAssignment(roster=roster, employee_id=employee.id, date=on, kind="shift",
                                shift_type_id=shift_type.id, break_start=break_start)  # fmt: skip
        session.add_all([roster, cell])
        session.flush()
        return cell

    return make


@pytest.fixture
def make_device(session: Session) -> Callable[..., tuple[Device, str]]:
    """make_device(site, name=…) → (device, plain token)."""
    numbers = iter(range(1, 10_000))

    def make(site_id: int, name: str | None = None) -> tuple[Device, str]:
        return devices.create_device(session, None, site_id, name or f"kiosk-{next(numbers)}")

    return make


@pytest.fixture
def clock_at(session: Session) -> Callable[..., ClockEvent]:
    """clock_at(employee, "2026-11-23T08:05:00+08:00", kind="in", device=None) → stored event."""

    def record(
        employee: Employee, when: str, kind: str = "in", device: Device | None = None,
        source: str = "web",
    ) -> ClockEvent:  # fmt: skip
        at = datetime.fromisoformat(when)
        event, _ = clock.record_event(session, employee, kind, at, source,
                                      event_id=clock.new_event_id(), device=device)  # fmt: skip
        return event

    return record
