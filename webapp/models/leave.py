"""Leave (SPEC §5): requests, balance grants, sick proofs, delegations and notifications."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, Days, UTCDateTime, utcnow
from webapp.models.org import Employee

LEAVE_TYPES = ("personal", "sick", "annual", "temporary", "compensatory")
LEAVE_STATUSES = ("pending", "approved", "rejected", "cancelled")


class LeaveRequest(Base):
    """One request for leave (L-1); routed to a lead or director (L-3)."""

    __tablename__ = "leave_request"
    __table_args__ = (
        CheckConstraint(f"leave_type IN {LEAVE_TYPES!r}", name="known_type"),
        CheckConstraint(f"status IN {LEAVE_STATUSES!r}", name="known_status"),
        CheckConstraint("route_role IN ('lead', 'director')", name="known_route"),
        CheckConstraint("start_at < end_at", name="start_before_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    leave_type: Mapped[str] = mapped_column(String(16))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    days: Mapped[Decimal] = mapped_column(Days)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    route_role: Mapped[str] = mapped_column(String(16))
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    sudden: Mapped[bool] = mapped_column(default=False)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_comment: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    approver: Mapped[Employee | None] = relationship(foreign_keys=[approver_id])
    decided_by: Mapped[Employee | None] = relationship(foreign_keys=[decided_by_id])
    proofs: Mapped[list[SickProof]] = relationship(
        back_populates="request", order_by="SickProof.id"
    )

    # Optimistic locking: two approvers deciding at once give exactly one decision (SPEC §7).
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}


class LeaveGrant(Base):
    """Days added to (or, negative, taken from) a balance: annual by HR, compensatory by a lead."""

    __tablename__ = "leave_grant"
    __table_args__ = (
        CheckConstraint("leave_type IN ('annual', 'compensatory')", name="balance_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    leave_type: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    days: Mapped[Decimal] = mapped_column(Days)
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SickProof(Base):
    """An uploaded proof for sick leave (L-4), stored outside the web root."""

    __tablename__ = "sick_proof"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("leave_request.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[LeaveRequest] = relationship(back_populates="proofs")


class Delegation(Base):
    """While an approver is away, their leave decisions route to a delegate (L-3)."""

    __tablename__ = "delegation"
    __table_args__ = (
        CheckConstraint("first_day <= last_day", name="ordered_days"),
        CheckConstraint("approver_id <> delegate_id", name="not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    approver_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)

    delegate: Mapped[Employee] = relationship(foreign_keys=[delegate_id])


class Notification(Base):
    """An in-app message to one employee (decisions, reminders, roster changes)."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
