"""What the dashboard shows each role: my next shifts, and the work waiting for me."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.models import AuditEntry, Employee, EmployeeRole, Roster, Team
from webapp.models.base import utcnow
from webapp.models.leave import LeaveRequest
from webapp.services import appeals, leave_decisions, notifications, swaps
from webapp.services import roster as roster_service

UPCOMING_DAYS = 7


@dataclass(frozen=True)
class WaitingWork:
    """A count of things waiting for this person, with the page that handles them."""

    label: Any
    count: int
    endpoint: str


@dataclass(frozen=True)
class DashboardSummary:
    """Counts and lists for the landing page."""

    site_name: str
    team_name: str | None
    next_shifts: list[roster_service.PublishedShift] = field(default_factory=list)
    waiting: list[WaitingWork] = field(default_factory=list)
    team_members: list[Employee] = field(default_factory=list)
    agent_count: int = 0
    team_count: int = 0
    recent_changes: list[AuditEntry] = field(default_factory=list)
    timezone: str = "Asia/Shanghai"


def summary_for(session: Session, employee: Employee) -> DashboardSummary:
    """Leads see their team; directors, HR and admins their site; everyone their shifts."""
    roles = employee.roles
    zone = ZoneInfo(employee.site.timezone)
    today = utcnow().astimezone(zone).date()
    next_shifts = (
        roster_service.published_assignments(
            session, employee.site_id, today, today + dt.timedelta(days=UPCOMING_DAYS), employee.id
        )
        if roles & {"agent", "lead"}
        else []
    )
    team_members: list[Employee] = []
    if "lead" in roles and employee.team_id:
        team = session.get(Team, employee.team_id)
        team_members = list(team.members) if team else []
    recent: list[AuditEntry] = []
    if roles & {"director", "admin", "hr"}:
        recent = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(8)))
    return DashboardSummary(
        site_name=employee.site.name,
        team_name=employee.team.name if employee.team else None,
        next_shifts=next_shifts,
        waiting=waiting_work(session, employee),
        team_members=team_members,
        agent_count=_agents(session, employee.site_id),
        team_count=session.scalar(
            select(func.count()).select_from(Team).where(Team.site_id == employee.site_id)
        )
        or 0,
        recent_changes=recent,
        timezone=employee.site.timezone,
    )


# (roles that see the tile — None for everyone, label, how many, page that handles them)
WAITING: tuple[tuple[frozenset[str] | None, Any, Callable[[Session, Employee], int], str], ...] = (
    (None, _l("Unread notifications"),
     lambda s, e: notifications.unread_count(s, e.id), "leave.list_notifications"),
    (None, _l("My pending leave requests"), lambda s, e: _pending_leave(s, e.id),
     "leave.list_requests"),
    (frozenset({"lead", "director"}), _l("Leave to decide"),
     lambda s, e: len(leave_decisions.inbox(s, e)), "leave.list_inbox"),
    (frozenset({"lead", "director"}), _l("Appeals to decide"),
     lambda s, e: len(appeals.lead_inbox(s, e)), "payroll.list_appeals"),
    (frozenset({"lead"}), _l("Swaps to approve"),
     lambda s, e: len(swaps.swaps_to_decide(s, e)), "roster.list_swaps"),
    (frozenset({"hr"}), _l("Appeals for HR"),
     lambda s, e: len(appeals.hr_inbox(s, e)), "payroll.list_appeals"),
    (frozenset({"director", "admin"}), _l("Draft rosters"),
     lambda s, e: _draft_rosters(s, e.site_id), "roster.list_rosters"),
)  # fmt: skip


def waiting_work(session: Session, employee: Employee) -> list[WaitingWork]:
    """Decisions and messages waiting for this person, by role (only non-zero counts)."""
    items = [
        WaitingWork(label, count(session, employee), endpoint)
        for roles, label, count, endpoint in WAITING
        if roles is None or roles & employee.roles
    ]
    return [item for item in items if item.count]


def _pending_leave(session: Session, employee_id: int) -> int:
    query = (
        select(func.count())
        .select_from(LeaveRequest)
        .where(LeaveRequest.employee_id == employee_id, LeaveRequest.status == "pending")
    )
    return session.scalar(query) or 0


def _draft_rosters(session: Session, site_id: int) -> int:
    query = (
        select(func.count())
        .select_from(Roster)
        .where(Roster.site_id == site_id, Roster.status == "draft")
    )
    return session.scalar(query) or 0


def _agents(session: Session, site_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Employee)
            .join(EmployeeRole)
            .where(
                Employee.site_id == site_id, EmployeeRole.role == "agent", Employee.active.is_(True)
            )
        )
        or 0
    )
