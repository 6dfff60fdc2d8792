"""What the roster page shows: the agents × days grid and a coverage chart per day (SVG)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from webapp.models import Employee, Roster, RosterAssignment, ShiftType
from webapp.services import roster as rs
from webapp.services import roster_coverage as coverage
from webapp.services import roster_edit
from webapp.services import roster_problem as rp


@dataclass(frozen=True)
class CellRow:
    """A roster cell as read for the page and the check (satisfies roster.CellLike)."""

    employee_id: int
    date: dt.date
    kind: str
    shift_type_id: int | None
    break_start: int | None
    cover_id: int | None
    pinned: bool


@dataclass(frozen=True)
class Cell:
    """One grid cell: what to print, its colour, break, cover and whether it was hand-set."""

    employee_id: int
    date: dt.date
    kind: str
    code: str
    colour: str
    detail: str
    pinned: bool


@dataclass
class Row:
    """One agent's line of the grid."""

    employee: Employee
    team: str
    cells: list[Cell] = field(default_factory=list)


@dataclass(frozen=True)
class Grid:
    """The roster page's data."""

    roster: Roster
    dates: list[dt.date]
    rows: list[Row]
    teams: list[str]
    charts: list[Markup]
    violations: list[roster_edit.Violation]
    shift_types: list[ShiftType]


def _hhmm(minute: int) -> str:
    return f"{minute // 60 % 24:02d}:{minute % 60:02d}"


def _cell(
    c: CellRow | None,
    employee_id: int,
    date: dt.date,
    shifts: dict[int, ShiftType],
    codes: dict[int, str],
) -> Cell:
    if c is None:
        return Cell(employee_id, date, "none", "", "#ffffff", "", False)
    shift = shifts.get(c.shift_type_id) if c.shift_type_id else None
    if c.kind == "shift" and shift is not None:
        detail = f"{shift.start:%H:%M}–{shift.end:%H:%M}"
        if c.break_start is not None and shift.break_minutes:
            detail += f" ☕{_hhmm(c.break_start)}"
        return Cell(employee_id, date, "shift", shift.code, shift.colour, detail, c.pinned)
    if c.kind == "rest":
        cover = codes.get(c.cover_id, "?") if c.cover_id else "?"
        return Cell(employee_id, date, "rest", "休", "#eeeeee", f"→{cover}", c.pinned)
    return Cell(employee_id, date, "leave", "假", "#fde2c8", "", c.pinned)


def build_grid(session: Session, roster: Roster, team: str | None = None) -> Grid:
    """Grid rows (filtered by team), per-day charts and, for drafts, every violation
    (checked again only when the roster or its problem changed: roster_edit)."""
    dates = rs.roster_dates(roster)
    loaded = load_cells(session, roster.id)
    staff = rp.rostered_employees(session, roster.site_id)
    bundle = rp.build_problem(session, roster.site, roster.first_date, roster.days, staff=staff)
    cells = {(c.employee_id, c.date): c for c in loaded}
    people = {e.id: e for e in staff}
    missing = {c.employee_id for c in loaded} | {c.cover_id for c in loaded if c.cover_id}
    missing -= set(people)
    if missing:
        query = select(Employee).where(Employee.id.in_(missing)).options(joinedload(Employee.team))
        people.update({e.id: e for e in session.scalars(query)})
    codes = {e.id: e.code for e in people.values()}
    shifts = {s.id: s for s in roster.site.shift_types}
    rostered = {c.employee_id for c in loaded} | set(bundle.codes)
    rows = []
    for emp in sorted(
        (people[i] for i in rostered), key=lambda e: (e.team.name if e.team else "", e.code)
    ):
        name = emp.team.name if emp.team else ""
        if team and name != team:
            continue
        row = Row(emp, name)
        row.cells = [_cell(cells.get((emp.id, d)), emp.id, d, shifts, codes) for d in dates]
        rows.append(row)
    problem = rp.with_leave_cells(bundle, loaded)
    prof = coverage.profile(problem, rp.result_from_cells(bundle, loaded))
    found = []
    if roster.status == "draft":
        found = roster_edit.cached_violations(session, roster, bundle, loaded, prof)
    teams = sorted({people[i].team.name for i in rostered if people[i].team})
    charts = [coverage_svg(prof, i, d) for i, d in enumerate(dates)]
    return Grid(roster, dates, rows, teams, charts, found, list(roster.site.shift_types))


def load_cells(session: Session, roster_id: int) -> list[CellRow]:
    """A roster's cells as plain rows in one query (no ORM objects: the page reads 1000s)."""
    query = (
        select(
            RosterAssignment.employee_id,
            RosterAssignment.date,
            RosterAssignment.kind,
            RosterAssignment.shift_type_id,
            RosterAssignment.break_start,
            RosterAssignment.cover_id,
            RosterAssignment.pinned,
        )
        .where(RosterAssignment.roster_id == roster_id)
        .order_by(RosterAssignment.id)
    )
    return [CellRow(*row) for row in session.execute(query)]


def coverage_svg(prof: coverage.Profile, index: int, date: dt.date) -> Markup:
    """Required (line) vs on duty (bars) per slot over one day; short slots in red."""
    required, have = prof.day(index)
    n = len(required)
    width, height, pad = 480, 90, 14
    top = max([*required, *have, 1])
    bar = width / n

    def y(value: int) -> float:
        return height - pad - (height - 2 * pad) * value / top

    parts = [
        f'<svg class="coverage-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(date.isoformat())}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (need, got) in enumerate(zip(required, have, strict=True)):
        short = got < need
        colour = "#d64545" if short else "#7fb08a"
        css = ' class="short"' if short else ""
        parts.append(
            f'<rect x="{i * bar:.1f}" y="{y(got):.1f}" width="{bar - 1:.1f}" '
            f'height="{y(0) - y(got):.1f}" fill="{colour}"'
            f"{css}>"
            f"<title>{_hhmm(i * prof.slot_minutes)} {got}/{need}</title></rect>"
        )
    points = []
    for i, need in enumerate(required):
        points += [f"{i * bar:.1f},{y(need):.1f}", f"{(i + 1) * bar:.1f},{y(need):.1f}"]
    parts.append(
        f'<polyline points="{" ".join(points)}" fill="none" stroke="#1f2d3d" stroke-width="1.5"/>'
    )
    for hour in range(0, 25, 6):
        x = min(hour * 60 / prof.slot_minutes * bar, width - 14)
        parts.append(f'<text x="{x:.1f}" y="{height - 2}" font-size="10">{hour:02d}</text>')
    parts.append(f'<text x="2" y="10" font-size="10">max {top}</text></svg>')
    return Markup("".join(parts))


def demand_svg(needs: list[int], slot_minutes: int) -> Markup:
    """S-2: required agents per slot over one day as a step line (the forecast's curve)."""
    width, height, pad = 480, 90, 14
    top = max([*needs, 1])
    step = width / len(needs)

    def y(value: int) -> float:
        return height - pad - (height - 2 * pad) * value / top

    points = []
    for i, need in enumerate(needs):
        points += [f"{i * step:.1f},{y(need):.1f}", f"{(i + 1) * step:.1f},{y(need):.1f}"]
    labels = [
        f'<text x="{min(h * 60 / slot_minutes * step, width - 14):.1f}" y="{height - 2}" '
        f'font-size="10">{h:02d}</text>'
        for h in range(0, 25, 6)
    ]
    return Markup(
        f'<svg class="demand-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="max {top}" xmlns="http://www.w3.org/2000/svg">'
        f'<polyline points="{" ".join(points)}" fill="none" stroke="#1f6feb" stroke-width="1.5"/>'
        f'{"".join(labels)}<text x="2" y="10" font-size="10">max {top}</text></svg>'
    )
