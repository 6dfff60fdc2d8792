"""Organisation: sites, teams, employees with roles and skills, shift types, coverage."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, Money

ROLES = ("agent", "lead", "director", "hr", "admin")


class Site(Base):
    """A call center: its time zone and its overrides of SPEC *default* settings."""

    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    teams: Mapped[list[Team]] = relationship(back_populates="site", order_by="Team.name")
    shift_types: Mapped[list[ShiftType]] = relationship(
        back_populates="site", order_by="ShiftType.start", cascade="all, delete-orphan"
    )


class Team(Base):
    """A team of agents with its leads, inside one site."""

    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))

    site: Mapped[Site] = relationship(back_populates="teams")
    members: Mapped[list[Employee]] = relationship(back_populates="team", order_by="Employee.code")


class Employee(Base):
    """A person on the payroll; roles and skills are their own small tables."""

    __tablename__ = "employee"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    monthly_base_pay: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    site: Mapped[Site] = relationship()
    team: Mapped[Team | None] = relationship(back_populates="members")
    role_rows: Mapped[list[EmployeeRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    skill_rows: Mapped[list[EmployeeSkill]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[str]:
        """The roles this person holds (SPEC §1)."""
        return frozenset(row.role for row in self.role_rows)

    @roles.setter
    def roles(self, roles: set[str] | frozenset[str]) -> None:
        keep = [row for row in self.role_rows if row.role in roles]
        have = {row.role for row in keep}
        self.role_rows = keep + [EmployeeRole(role=r) for r in sorted(roles) if r not in have]

    @property
    def skills(self) -> frozenset[str]:
        """Skills that qualify this person for skill-bound coverage (R-7)."""
        return frozenset(row.skill for row in self.skill_rows)

    @skills.setter
    def skills(self, skills: set[str] | frozenset[str]) -> None:
        keep = [row for row in self.skill_rows if row.skill in skills]
        have = {row.skill for row in keep}
        self.skill_rows = keep + [EmployeeSkill(skill=s) for s in sorted(skills) if s not in have]


class EmployeeRole(Base):
    """One role held by one employee."""

    __tablename__ = "employee_role"
    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="known_role"),)

    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employee.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16), primary_key=True)


class EmployeeSkill(Base):
    """One skill (language, lead on duty, …) held by one employee (R-7)."""

    __tablename__ = "employee_skill"

    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employee.id", ondelete="CASCADE"), primary_key=True
    )
    skill: Mapped[str] = mapped_column(String(32), primary_key=True)


class ShiftType(Base):
    """A shift of a site (S-1); an end not after the start means the next day."""

    __tablename__ = "shift_type"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    code: Mapped[str] = mapped_column(String(8))
    name_zh: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(40))
    start: Mapped[time] = mapped_column(Time)
    end: Mapped[time] = mapped_column(Time)
    colour: Mapped[str] = mapped_column(String(7), default="#4f7cac")
    break_minutes: Mapped[int] = mapped_column(Integer, default=0)

    site: Mapped[Site] = relationship(back_populates="shift_types")


class CoverageRequirement(Base):
    """Minimum agents on duty in a window on given weekdays or one date (S-2, R-7)."""

    __tablename__ = "coverage_requirement"
    __table_args__ = (
        CheckConstraint("(weekdays IS NULL) <> (on_date IS NULL)", name="weekdays_or_date"),
        CheckConstraint("from_minute >= 0 AND to_minute <= 1440", name="within_day"),
        CheckConstraint("from_minute < to_minute", name="from_before_to"),
        CheckConstraint("minimum >= 0", name="minimum_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    weekdays: Mapped[str | None] = mapped_column(String(7))
    on_date: Mapped[date | None] = mapped_column(Date)
    from_minute: Mapped[int] = mapped_column(Integer)
    to_minute: Mapped[int] = mapped_column(Integer)
    minimum: Mapped[int] = mapped_column(Integer)
    skill: Mapped[str | None] = mapped_column(String(32))

    site: Mapped[Site] = relationship()
