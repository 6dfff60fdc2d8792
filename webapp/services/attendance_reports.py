"""Attendance reports (A-8): the live daily sheet of a team, statistics, coverage, exports."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance.reports import AttendanceStats, Granularity, SlotCoverage, coverage_by_slot
from attendance.reports import summarize as summarize_results
from webapp.models import ClockEvent, CoverageRequirement, Employee, ShiftAttendance, Site, Team
from webapp.models.base import utcnow
from webapp.services import attendance_results as results
from webapp.services import shift_results
from webapp.services.roster import PublishedShift, published_assignments

STAT_COLUMNS = ("shifts", "late", "early_leave", "off_post", "fined", "absent_days",
                "leave_shifts", "flagged")  # fmt: skip


@dataclass(frozen=True)
class SheetRow:
    """One team member on the daily sheet: shift, arrival and state now (A-8)."""

    employee: Employee
    shift: PublishedShift
    clock_in: datetime | None
    clock_out: datetime | None
    status: str  # upcoming, not_arrived, on_duty, on_break, left
    late_minutes: int
    findings: list[dict[str, object]]


def fill_missing_results(session: Session, site: Site, first: date, last: date) -> None:
    """Compute results of published shifts that no input change has touched yet (A-4 no-show)."""
    shifts = published_assignments(session, site.id, first, last)
    have = {tuple(row) for row in session.execute(
        select(ShiftAttendance.employee_id, ShiftAttendance.date)
        .join(Employee, ShiftAttendance.employee_id == Employee.id)
        .where(Employee.site_id == site.id, ShiftAttendance.date.between(first, last))
    )}  # fmt: skip
    missing: dict[int, set[date]] = defaultdict(set)
    for shift in shifts:
        if (shift.employee_id, shift.date) not in have:
            missing[shift.employee_id].add(shift.date)
    if missing:
        results.recompute(session, missing)


def daily_sheet(session: Session, team: Team, day: date, now: datetime | None = None
                ) -> list[SheetRow]:  # fmt: skip
    """Who is on duty now, who is late, who has not arrived, for a team's shifts of a day."""
    now = now or utcnow()
    shifts = [s for s in published_assignments(session, team.site_id, day, day)
              if s.employee_id in {m.id for m in team.members}]  # fmt: skip
    if not shifts:
        return []
    fill_missing_results(session, team.site, day, day)
    rows = {r.employee_id: r for r in session.scalars(select(ShiftAttendance).where(
        ShiftAttendance.date == day,
        ShiftAttendance.employee_id.in_([s.employee_id for s in shifts])))}  # fmt: skip
    last_kind = _last_kinds(session, [s.employee_id for s in shifts], day, now)
    sheet = []
    for shift in shifts:
        row = rows.get(shift.employee_id)
        clock_in = row.clock_in if row else None
        late = next((int(f["minutes"]) for f in (row.findings if row else [])
                     if f["kind"] == "late"), 0)  # fmt: skip
        if clock_in is None:
            late = (
                max(0, int((now - shift.start).total_seconds() // 60)) if now > shift.start else 0
            )
        status = _status(shift, clock_in, last_kind.get(shift.employee_id), now)
        employee = session.get(Employee, shift.employee_id)
        assert employee is not None
        sheet.append(SheetRow(employee, shift, clock_in, row.clock_out if row else None, status,
                              late, row.findings if row else []))  # fmt: skip
    return sheet


def _last_kinds(session: Session, ids: list[int], day: date, now: datetime) -> dict[int, str]:
    rows = session.execute(
        select(ClockEvent.employee_id, ClockEvent.kind)
        .where(ClockEvent.employee_id.in_(ids), ClockEvent.shift_date == day,
               ClockEvent.voided.is_(False), ClockEvent.at <= now)
        .order_by(ClockEvent.at, ClockEvent.id)
    )  # fmt: skip
    return {employee_id: kind for employee_id, kind in rows}


def _status(shift: PublishedShift, clock_in: datetime | None, last: str | None, now: datetime
            ) -> str:  # fmt: skip
    if last == "out":
        return "left"
    if last == "break_out":
        return "on_break"
    if last in ("in", "break_in") or clock_in is not None:
        return "on_duty"
    return "not_arrived" if now >= shift.start else "upcoming"


@dataclass(frozen=True)
class StatRow:
    """One (group, period) line of a report (A-8)."""

    group: str
    period: str
    stats: AttendanceStats


def statistics(
    session: Session,
    site: Site,
    scope: str,
    granularity: Granularity,
    first: date,
    last: date,
    team_ids: set[int] | None = None,
) -> list[StatRow]:
    """Counts per agent, team or site and per day, ISO week or month of ended shifts (A-8)."""
    fill_missing_results(session, site, first, last)
    query = (select(ShiftAttendance, Employee).join(Employee)
             .where(Employee.site_id == site.id, ShiftAttendance.date.between(first, last),
                    ShiftAttendance.end <= utcnow()))  # fmt: skip
    if team_ids is not None:
        query = query.where(Employee.team_id.in_(team_ids))
    pairs = session.execute(query).all()
    teams = {t.id: t.name for t in site.teams}
    group_of = {
        str(e.id): e.code if scope == "agent" else
        teams.get(e.team_id or 0, "—") if scope == "team" else site.name
        for _, e in pairs
    }  # fmt: skip
    stats = summarize_results([shift_results.to_result(r) for r, _ in pairs], group_of, granularity)
    return [StatRow(g, p, s) for (g, p), s in sorted(stats.items())]


def lateness_trend(rows: list[StatRow]) -> list[tuple[str, int]]:
    """Late arrivals per period, all groups together (A-8 chart)."""
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        totals[row.period] += row.stats.late
    return sorted(totals.items())


def coverage(session: Session, site: Site, day: date) -> list[SlotCoverage]:
    """Agents present through each slot of a local day vs the requirement (A-8, S-2)."""
    settings = results.settings_for(site)
    fill_missing_results(session, site, day - timedelta(days=1), day)
    rows = session.scalars(select(ShiftAttendance).join(Employee).where(
        Employee.site_id == site.id,
        ShiftAttendance.date.between(day - timedelta(days=1), day)))  # fmt: skip
    required: dict[datetime, int] = {}
    requirements = list(session.scalars(select(CoverageRequirement).where(
        CoverageRequirement.site_id == site.id, CoverageRequirement.skill.is_(None))))  # fmt: skip
    slot = settings.slot_minutes
    for minute in range(0, 1440, slot):
        start = datetime.combine(day, time(0), tzinfo=settings.zone) + timedelta(minutes=minute)
        need = [r.minimum for r in requirements if _applies(r, day, minute)]
        required[start] = max(need, default=0)
    return list(coverage_by_slot([shift_results.to_result(r) for r in rows], required, slot))


def _applies(requirement: CoverageRequirement, day: date, minute: int) -> bool:
    on_day = (requirement.on_date == day if requirement.on_date else
              str(day.weekday()) in (requirement.weekdays or ""))  # fmt: skip
    return on_day and requirement.from_minute <= minute < requirement.to_minute


def stats_frame(rows: list[StatRow]) -> pd.DataFrame:
    """The report as a table: group, period and every count (A-8 export)."""
    return pd.DataFrame(
        [{"group": r.group, "period": r.period,
          **{c: str(getattr(r.stats, c)) if c == "absent_days" else getattr(r.stats, c)
             for c in STAT_COLUMNS}} for r in rows],
        columns=["group", "period", *STAT_COLUMNS],
    )  # fmt: skip


def export_bytes(rows: list[StatRow], kind: str) -> bytes:
    """CSV (UTF-8 with BOM, for Excel) or XLSX bytes of a report (A-8)."""
    frame = stats_frame(rows)
    if kind == "xlsx":
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False, sheet_name="attendance", engine="openpyxl")
        return buffer.getvalue()
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
