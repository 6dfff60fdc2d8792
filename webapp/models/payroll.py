"""Money ledger: versioned deduction rules, incidents, money lines, appeals, period locks."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from webapp.models.base import Base, Money, UTCDateTime, utcnow
from webapp.models.org import Employee

RULE_KINDS = ("fixed", "range", "ladder", "pay_for_time", "hr_case")
LINE_SOURCES = ("clock", "leave", "incident", "adjustment", "appeal")
LINE_STATES = ("active", "superseded")
APPEAL_STATES = ("filed", "upheld", "rejected", "escalated", "upheld_by_hr", "rejected_by_hr")


class DeductionRuleVersion(Base):
    """One version of a §6 catalogue rule, in force from `effective_from` until superseded."""

    __tablename__ = "deduction_rule_version"
    __table_args__ = (
        UniqueConstraint("rule_id", "version"),
        CheckConstraint(f"kind IN {RULE_KINDS!r}", name="known_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    min_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    max_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    ladder: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    description_zh: Mapped[str] = mapped_column(String(200))
    description_en: Mapped[str] = mapped_column(String(200))
    automatic_from: Mapped[str] = mapped_column(String(80), default="incidents")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Incident(Base):
    """A lead's record of one D-3…D-12 occurrence; `amount` None = the rule's own amount."""

    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_employee_id_date", "employee_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    date: Mapped[date] = mapped_column(Date)
    rule_id: Mapped[str] = mapped_column(String(8))
    amount: Mapped[Decimal | None] = mapped_column(Money)
    note: Mapped[str] = mapped_column(String(500), default="")
    origin: Mapped[str] = mapped_column(String(16), default="form")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])
    recorded_by: Mapped[Employee | None] = relationship(foreign_keys=[recorded_by_id])


class MoneyLine(Base):
    """One signed effect on pay (§6 sign convention), with its source and rule version.

    `origin_key` is the pure rules' stable line id (`rule:source:ref`); an adjustment line
    carries the key of the line it corrects (P-1). Replaced lines of open periods become
    `superseded`; lines of locked periods never change.
    """

    __tablename__ = "money_line"
    __table_args__ = (
        CheckConstraint(f"source IN {LINE_SOURCES!r}", name="known_source"),
        CheckConstraint(f"state IN {LINE_STATES!r}", name="known_state"),
        Index("ix_money_line_period_state", "period", "state"),
        Index("ix_money_line_source_type_source_id", "source_type", "source_id"),
        Index("ix_money_line_employee_id_date", "employee_id", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    date: Mapped[date] = mapped_column(Date)
    period: Mapped[str] = mapped_column(String(7))
    rule_id: Mapped[str] = mapped_column(String(8))
    rule_version: Mapped[int] = mapped_column(Integer, default=0)
    rule_version_id: Mapped[int | None] = mapped_column(ForeignKey("deduction_rule_version.id"))
    description: Mapped[str] = mapped_column(String(500))
    notice: Mapped[str] = mapped_column(String(200), default="")
    amount: Mapped[Decimal] = mapped_column(Money)
    quantity: Mapped[Decimal] = mapped_column(Money, default=Decimal("1"))
    source: Mapped[str] = mapped_column(String(16))
    source_type: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[str] = mapped_column(String(120))
    origin_key: Mapped[str] = mapped_column(String(250))
    state: Mapped[str] = mapped_column(String(16), default="active")
    held_at_lock: Mapped[bool] = mapped_column(default=False)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("money_line.id"))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("money_line.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    employee: Mapped[Employee] = relationship()
    rule_row: Mapped[DeductionRuleVersion | None] = relationship()


class Appeal(Base):
    """An agent's appeal against one money line (D-appeal); `version` guards decisions."""

    __tablename__ = "appeal"
    __table_args__ = (CheckConstraint(f"state IN {APPEAL_STATES!r}", name="known_state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("money_line.id"), unique=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str] = mapped_column(String(1000))
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_decider_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    final_decider_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reversal_line_id: Mapped[int | None] = mapped_column(ForeignKey("money_line.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    line: Mapped[MoneyLine] = relationship(foreign_keys=[line_id])
    employee: Mapped[Employee] = relationship(foreign_keys=[employee_id])

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}


class PayPeriodLock(Base):
    """A pay period closed by HR on export (P-1), with the exported files kept for re-export
    (the workbook is rendered from the locked CSV files on first use).

    `site_id` None locks the period for every site; `scope` ("all" or "site:<id>") makes
    concurrent locks of one scope and period collide on the unique constraint.
    """

    __tablename__ = "pay_period_lock"
    __table_args__ = (UniqueConstraint("scope", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(24), default="all")
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    period: Mapped[str] = mapped_column(String(7), index=True)
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    payroll_sha256: Mapped[str] = mapped_column(String(64))
    lines_sha256: Mapped[str] = mapped_column(String(64))
    payroll_csv: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    lines_csv: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    payroll_xlsx: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    locked_by: Mapped[Employee | None] = relationship()
