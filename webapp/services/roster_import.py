"""`paiban import-roster` (FORMATS §4): a §2 roster file becomes the published roster."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.io import ProblemFormatError, parse_result
from webapp.models import Employee, Roster, RosterAssignment, Site
from webapp.services import roster_edit, roster_problem
from webapp.services.errors import ServiceError


class ImportRejected(ServiceError):
    """The file is malformed or breaks hard rules; nothing was changed."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s); nothing imported", field="file")
        self.problems = problems


@dataclass
class ImportReport:
    """What an import published, and the violations it was forced through with."""

    roster: Roster
    cells: int
    forced: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the command's output."""
        last = self.roster.first_date + dt.timedelta(days=self.roster.days - 1)
        text = (
            f"published roster {self.roster.id} for {self.roster.first_date}..{last}: "
            f"{self.cells} cells"
        )
        return text + (f", forced past {len(self.forced)} violation(s)" if self.forced else "")


def find_site(session: Session, name_or_id: str) -> Site:
    """A site by name or numeric id."""
    site = session.scalar(select(Site).where(Site.name == name_or_id))
    if site is None and name_or_id.isdigit():
        site = session.get(Site, int(name_or_id))
    if site is None:
        raise ImportRejected([f"--site: no site named {name_or_id!r}"])
    return site


def import_roster(
    session: Session, actor: Employee | None, site: Site, raw: bytes, force: bool = False
) -> ImportReport:
    """Check a FORMATS §2 file against the hard rules and publish it (all or nothing)."""
    data = _decode(raw)
    try:
        result = parse_result({"status": "FEASIBLE", **data})
    except ProblemFormatError as exc:
        raise ImportRejected(list(exc.errors)) from None
    dates = sorted({a.date for a in result.assignments} | {r.date for r in result.rest_days})
    if not dates:
        raise ImportRejected(["assignments: the file has no assignments and no rest days"])
    first, days = dates[0], (dates[-1] - dates[0]).days + 1
    if days > 62:
        raise ImportRejected([f"assignments: {days} days from {first}; at most 62 (R-3 history)"])
    bundle = roster_problem.build_problem(session, site, first, days)
    cells, problems = _cells(bundle, data, result)
    if problems:
        raise ImportRejected(problems)
    found = roster_edit.check_cells(bundle, cells)
    if found and not force:
        raise ImportRejected([f"{v.rule}: {v.message}" for v in found])
    roster = Roster(site_id=site.id, first_date=first, days=days, status="draft", version=1)
    roster.created_by_id = actor.id if actor else None
    roster.solver_status = "IMPORTED"
    roster.assignments = cells
    session.add(roster)
    session.flush()
    roster_edit.publish_checked(session, actor, roster, found)
    return ImportReport(roster, len(cells), [f"{v.rule}: {v.message}" for v in found])


def _decode(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportRejected(["$: the file is not UTF-8"]) from None
    except json.JSONDecodeError as exc:
        raise ImportRejected([f"$: not JSON (line {exc.lineno}, column {exc.colno})"]) from None
    if not isinstance(data, dict):
        raise ImportRejected(["$: must be an object"])
    # FORMATS §4: only `assignments` and `rest_days` are read.
    return {k: data[k] for k in ("assignments", "rest_days") if k in data}


def _cells(
    bundle: roster_problem.Bundle, data: dict[str, Any], result: Any
) -> tuple[list[RosterAssignment], list[str]]:
    problems: list[str] = []
    cells: list[RosterAssignment] = []
    seen: dict[tuple[str, dt.date], str] = {}
    for i, a in enumerate(result.assignments):
        path = f"assignments[{i}]"
        if a.agent not in bundle.employee_ids:
            problems.append(f"{path}.agent: {a.agent!r} is not a rostered agent of this site")
        if a.shift not in bundle.shift_ids:
            problems.append(f"{path}.shift: unknown shift {a.shift!r} at this site (S-1)")
        if (a.agent, a.date) in seen:
            problems.append(
                f"{path}: {a.agent} on {a.date} already at {seen[a.agent, a.date]} (R-1)"
            )
        seen[a.agent, a.date] = path
        if a.agent in bundle.employee_ids and a.shift in bundle.shift_ids:
            brk = None if a.break_start is None else a.break_start.hour * 60 + a.break_start.minute
            cells.append(
                RosterAssignment(
                    employee_id=bundle.employee_ids[a.agent],
                    date=a.date,
                    kind="shift",
                    shift_type_id=bundle.shift_ids[a.shift],
                    break_start=brk,
                )
            )
    for i, r in enumerate(result.rest_days):
        path = f"rest_days[{i}]"
        if r.agent not in bundle.employee_ids:
            problems.append(f"{path}.agent: {r.agent!r} is not a rostered agent of this site")
            continue
        if r.cover is not None and r.cover not in bundle.employee_ids:
            problems.append(f"{path}.cover: {r.cover!r} is not a rostered agent of this site")
            continue
        if (r.agent, r.date) in seen:
            problems.append(
                f"{path}: {r.agent} on {r.date} already at {seen[r.agent, r.date]} (R-1)"
            )
        seen[r.agent, r.date] = path
        cover = bundle.employee_ids.get(r.cover) if r.cover else None
        cells.append(
            RosterAssignment(
                employee_id=bundle.employee_ids[r.agent], date=r.date, kind="rest", cover_id=cover
            )
        )
    for u in bundle.problem.unavailable:
        if (u.agent, u.date) not in seen:
            cells.append(
                RosterAssignment(
                    employee_id=bundle.employee_ids[u.agent], date=u.date, kind="leave"
                )
            )
    return cells, problems
