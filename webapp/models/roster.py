"""Rosters: drafts and published rosters, their cells, solve jobs, swaps, handovers, feeds."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, UTCDateTime, utcnow
from webapp.models.org import Employee, ShiftType, Site

ROSTER_STATUSES = ("draft", "published", "discarded")
CELL_KINDS = ("shift", "rest", "leave")
JOB_STATUSES = ("queued", "running", "done", "failed", "cancelled")
SWAP_KINDS = ("offer", "swap")
SWAP_STATUSES = ("proposed", "accepted", "approved", "rejected", "withdrawn")


class Roster(Base):
    """A roster of one site for `days` dates from `first_date`; published ones are read-only.

    Where two published rosters share a date, the one published last holds for that date.
    """

    __tablename__ = "roster"
    __table_args__ = (
        CheckConstraint(f"status IN {ROSTER_STATUSES!r}", name="known_status"),
        CheckConstraint("days >= 1 AND days <= 62", name="days_in_range"),
        Index("ix_roster_site_id_first_date", "site_id", "first_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    first_date: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("roster.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    solver_status: Mapped[str | None] = mapped_column(String(16))
    objective: Mapped[float | None] = mapped_column(Float)
    bound: Mapped[float | None] = mapped_column(Float)
    penalties: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    explanation: Mapped[list[Any]] = mapped_column(JSON, default=list)
    uncovered: Mapped[list[Any]] = mapped_column(JSON, default=list)
    forced_violations: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # The last hard-rule check of a draft and the digest of what it read (roster_edit).
    check_key: Mapped[str | None] = mapped_column(String(64))
    check_violations: Mapped[list[Any] | None] = mapped_column(JSON)

    site: Mapped[Site] = relationship()
    created_by: Mapped[Employee | None] = relationship(foreign_keys=[created_by_id])
    assignments: Mapped[list[RosterAssignment]] = relationship(
        back_populates="roster", cascade="all, delete-orphan"
    )


class RosterAssignment(Base):
    """One cell of a roster: an employee's shift, rest day (with cover, R-8) or leave."""

    __tablename__ = "roster_assignment"
    __table_args__ = (
        UniqueConstraint("roster_id", "employee_id", "date"),
        CheckConstraint(f"kind IN {CELL_KINDS!r}", name="known_kind"),
        CheckConstraint("(kind = 'shift') = (shift_type_id IS NOT NULL)", name="shift_has_type"),
        CheckConstraint(
            "break_start IS NULL OR (break_start >= 0 AND break_start < 1440)",
            name="break_within_day",
        ),
        Index("ix_roster_assignment_employee_id_date", "employee_id", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("roster.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(8), default="shift")
    shift_type_id: Mapped[int | None] = mapped_column(ForeignKey("shift_type.id"))
    break_start: Mapped[int | None] = mapped_column(Integer)
    cover_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)

    roster: Mapped[Roster] = relationship(back_populates="assignments")
    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    shift_type: Mapped[ShiftType | None] = relationship()
    cover: Mapped[Employee | None] = relationship(foreign_keys=[cover_id])


class RosterJob(Base):
    """A background solve: its request, live progress and outcome (never holds a transaction)."""

    __tablename__ = "roster_job"
    __table_args__ = (CheckConstraint(f"status IN {JOB_STATUSES!r}", name="known_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    first_date: Mapped[date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    time_limit: Mapped[float] = mapped_column(Float)
    base_roster_id: Mapped[int | None] = mapped_column(ForeignKey("roster.id"))
    roster_id: Mapped[int | None] = mapped_column(ForeignKey("roster.id"))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    runner: Mapped[str] = mapped_column(String(16), default="local")
    task_id: Mapped[str | None] = mapped_column(String(64))
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    elapsed: Mapped[float] = mapped_column(Float, default=0.0)
    objective: Mapped[float | None] = mapped_column(Float)
    bound: Mapped[float | None] = mapped_column(Float)
    solutions: Mapped[int] = mapped_column(Integer, default=0)
    solver_status: Mapped[str | None] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)


class ShiftSwap(Base):
    """L-6: an agent offers a shift or proposes a swap; a colleague accepts; the lead approves."""

    __tablename__ = "shift_swap"
    __table_args__ = (
        CheckConstraint(f"kind IN {SWAP_KINDS!r}", name="known_kind"),
        CheckConstraint(f"status IN {SWAP_STATUSES!r}", name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    requester_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    requester_date: Mapped[date] = mapped_column(Date)
    colleague_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    colleague_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    violations: Mapped[list[Any]] = mapped_column(JSON, default=list)

    requester: Mapped[Employee] = relationship(foreign_keys=[requester_id])
    colleague: Mapped[Employee | None] = relationship(foreign_keys=[colleague_id])


class HandoverNote(Base):
    """S-4 交接班: the outgoing shift's note, acknowledged by the incoming shift."""

    __tablename__ = "handover_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    date: Mapped[date] = mapped_column(Date, index=True)
    shift_type_id: Mapped[int] = mapped_column(ForeignKey("shift_type.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    shift_type: Mapped[ShiftType] = relationship()
    author: Mapped[Employee] = relationship(foreign_keys=[author_id])
    acknowledged_by: Mapped[Employee | None] = relationship(foreign_keys=[acknowledged_by_id])


class CalendarFeed(Base):
    """The secret token of an employee's iCalendar feed; a new token revokes the old one."""

    __tablename__ = "calendar_feed"

    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employee.id", ondelete="CASCADE"), primary_key=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
