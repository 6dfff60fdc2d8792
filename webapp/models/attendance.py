"""Attendance: clock events, devices and kiosk PINs, proxy flags, corrections, shift results."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, UTCDateTime, utcnow
from webapp.models.org import Employee, Site

CLOCK_KINDS = ("in", "out", "break_out", "break_in")
CLOCK_SOURCES = ("web", "kiosk", "api", "import", "correction")
FLAG_STATUSES = ("pending", "confirmed", "dismissed")
REQUEST_STATUSES = ("pending", "approved", "rejected")


class Device(Base):
    """A clock terminal or kiosk of a site; only the sha256 of its token is kept (A-1)."""

    __tablename__ = "device"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    site: Mapped[Site] = relationship()


class ClockPin(Base):
    """An employee's kiosk PIN, salted and hashed (A-1 kiosk)."""

    __tablename__ = "clock_pin"

    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employee.id", ondelete="CASCADE"), primary_key=True
    )
    pin_hash: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ClockEvent(Base):
    """One clock event in UTC with its source and device; matched to a shift or unscheduled."""

    __tablename__ = "clock_event"
    __table_args__ = (
        CheckConstraint(f"kind IN {CLOCK_KINDS!r}", name="known_kind"),
        CheckConstraint(f"source IN {CLOCK_SOURCES!r}", name="known_source"),
        Index("ix_clock_event_employee_id_at", "employee_id", "at"),
        Index("ix_clock_event_device_at", "device", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    device: Mapped[str | None] = mapped_column(String(64))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    shift_date: Mapped[date | None] = mapped_column(Date)
    unscheduled: Mapped[bool] = mapped_column(default=False)
    voided: Mapped[bool] = mapped_column(default=False)
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    correction_reason: Mapped[str | None] = mapped_column(String(500))

    employee: Mapped[Employee] = relationship()


class ProxyFlag(Base):
    """Two employees clocked on one device within the window: for the lead (A-6, D-4)."""

    __tablename__ = "proxy_flag"
    __table_args__ = (
        UniqueConstraint("first_event_id", "second_event_id"),
        CheckConstraint(f"status IN {FLAG_STATUSES!r}", name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    device: Mapped[str] = mapped_column(String(64))
    first_event_id: Mapped[int] = mapped_column(ForeignKey("clock_event.id"), index=True)
    second_event_id: Mapped[int] = mapped_column(ForeignKey("clock_event.id"), index=True)
    gap_seconds: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    first: Mapped[ClockEvent] = relationship(foreign_keys=[first_event_id])
    second: Mapped[ClockEvent] = relationship(foreign_keys=[second_event_id])


class CorrectionRequest(Base):
    """An agent asks for a clock time to be corrected or added (regularisation, A-7)."""

    __tablename__ = "correction_request"
    __table_args__ = (
        CheckConstraint(f"kind IN {CLOCK_KINDS!r}", name="known_kind"),
        CheckConstraint(f"status IN {REQUEST_STATUSES!r}", name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    clock_event_id: Mapped[int | None] = mapped_column(ForeignKey("clock_event.id"))
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(String(500))

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    clock_event: Mapped[ClockEvent | None] = relationship()


class ShiftAttendance(Base):
    """The classified result of one rostered shift, recomputed when its inputs change (A-3…A-5)."""

    __tablename__ = "shift_attendance"
    __table_args__ = (UniqueConstraint("employee_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    date: Mapped[date] = mapped_column(Date, index=True)
    shift_code: Mapped[str] = mapped_column(String(8))
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime] = mapped_column(UTCDateTime)
    is_night: Mapped[bool] = mapped_column(default=False)
    clock_in: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clock_out: Mapped[datetime | None] = mapped_column(UTCDateTime)
    absence_half_days: Mapped[int] = mapped_column(Integer, default=0)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    employee: Mapped[Employee] = relationship()
