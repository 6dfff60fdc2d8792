"""Changing rosters: storing solutions, editing cells, checking hard rules, publishing."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler import check
from scheduler.io import parse_result, problem_to_dict, result_to_dict
from scheduler.result import Result, Uncovered
from webapp.models import Employee, Roster, RosterAssignment, ShiftType, Site
from webapp.models.base import utcnow
from webapp.services import attendance_results, audit, notifications
from webapp.services import roster as rs
from webapp.services import roster_coverage as coverage
from webapp.services import roster_problem as rp
from webapp.services.errors import Forbidden, ServiceError

IGNORED_RULES = frozenset({"fixed"})  # pins are a solver input, not a rule of the roster
PUBLISHERS = frozenset({"director", "admin"})
MY_SHIFTS_LINK = "/roster/mine"


@dataclass(frozen=True)
class Violation:
    """A broken hard rule of a roster: its SPEC ID and what is wrong, in words."""

    rule: str
    message: str


def bundle_for(session: Session, roster: Roster) -> rp.Bundle:
    """The problem a roster answers, built from today's database."""
    return rp.build_problem(session, roster.site, roster.first_date, roster.days)


def violations(
    session: Session, roster: Roster, bundle: rp.Bundle | None = None
) -> list[Violation]:
    """Every hard-rule violation (R-1..R-8, R-12, S-3) of a roster as it stands."""
    bundle = bundle or bundle_for(session, roster)
    return cached_violations(session, roster, bundle, roster.assignments)


def cached_violations(
    session: Session,
    roster: Roster,
    bundle: rp.Bundle,
    cells: Sequence[rs.CellLike],
    prof: coverage.Profile | None = None,
) -> list[Violation]:
    """The violations of a roster, checked again only when its cells or the problem (staff,
    coverage, leave, settings) changed since the last check; the result is kept on the row."""
    key = check_key(bundle, cells, roster.uncovered)
    if roster.check_key == key and roster.check_violations is not None:
        return [Violation(rule, message) for rule, message in roster.check_violations]
    found = check_cells(bundle, cells, excused_gaps(roster), prof)
    roster.check_key = key
    roster.check_violations = [[v.rule, v.message] for v in found]
    return found


def check_key(bundle: rp.Bundle, cells: Sequence[rs.CellLike], uncovered: object) -> str:
    """A digest of everything a check reads: the problem, the cells and the excused gaps."""
    digest = hashlib.sha256()
    digest.update(json.dumps(problem_to_dict(bundle.problem), sort_keys=True).encode())
    digest.update(json.dumps(uncovered, sort_keys=True, default=str).encode())
    rows = sorted(
        (c.employee_id, c.date.toordinal(), c.kind, c.shift_type_id or 0, c.break_start or -1,
         c.cover_id or 0)
        for c in cells
    )  # fmt: skip
    digest.update(repr(rows).encode())
    return digest.hexdigest()


def check_cells(
    bundle: rp.Bundle,
    cells: Sequence[rs.CellLike],
    excused: tuple[Uncovered, ...] = (),
    prof: coverage.Profile | None = None,
) -> list[Violation]:
    """Check cells with the independent checker; R-2 shortfalls merged into windows.

    `excused` are the windows the solver proved cannot be covered (UNDERSTAFFED); `prof`
    is the cells' coverage profile when the caller has it already.
    """
    problem = rp.with_leave_cells(bundle, cells)
    result = rp.result_from_cells(bundle, cells)
    # R-2 is counted below, slot by slot and merged; the checker skips it (much faster).
    found = [
        Violation(v.rule, v.message)
        for v in check.check_roster(replace(problem, coverage=()), result)
        if v.rule not in IGNORED_RULES and v.rule != "R-2"
    ]
    gaps = coverage.shortfalls(prof or coverage.profile(problem, result), excused)
    return [*found, *(Violation(rule, words) for rule, words in gaps)]


def excused_gaps(roster: Roster) -> tuple[Uncovered, ...]:
    """The uncovered windows the solver reported for this roster (FORMATS §2)."""
    if not roster.uncovered:
        return ()
    return parse_result({"status": "UNDERSTAFFED", "uncovered": roster.uncovered}).uncovered


def store_solution(
    session: Session,
    site: Site,
    bundle: rp.Bundle,
    result: Result,
    actor_id: int | None,
    based_on: Roster | None = None,
) -> Roster:
    """A draft roster from a solver result: shifts, rest days with cover, and leave."""
    problem = bundle.problem
    summary = result_to_dict(result)
    roster = Roster(
        site_id=site.id,
        first_date=problem.horizon.start,
        days=problem.horizon.days,
        status="draft",
        version=(based_on.version + 1) if based_on else 1,
        based_on_id=based_on.id if based_on else None,
        created_by_id=actor_id,
        solver_status=result.status.value,
        objective=result.objective,
        bound=result.bound,
        penalties=dict(result.penalties),
        explanation=list(result.explanation),
        uncovered=summary.get("uncovered", []),
    )
    pinned = {(f.agent, f.date) for f in problem.fixed}
    for a in result.assignments:
        brk = None if a.break_start is None else a.break_start.hour * 60 + a.break_start.minute
        roster.assignments.append(
            RosterAssignment(
                employee_id=bundle.employee_ids[a.agent],
                date=a.date,
                kind="shift",
                shift_type_id=bundle.shift_ids[a.shift],
                break_start=brk,
                pinned=(a.agent, a.date) in pinned,
            )
        )
    for day in result.rest_days:
        roster.assignments.append(
            RosterAssignment(
                employee_id=bundle.employee_ids[day.agent],
                date=day.date,
                kind="rest",
                cover_id=bundle.employee_ids.get(day.cover) if day.cover else None,
            )
        )
    for u in problem.unavailable:
        roster.assignments.append(
            RosterAssignment(employee_id=bundle.employee_ids[u.agent], date=u.date, kind="leave")
        )
    session.add(roster)
    session.flush()
    return roster


def edit_cell(
    session: Session,
    actor: Employee,
    roster_id: int,
    employee_id: int,
    date: dt.date,
    value: str,
    cover_id: int | None = None,
) -> list[Violation]:
    """Set one cell of a draft (`value` a shift code, `rest` or `leave`); it becomes pinned.

    Returns every hard-rule violation of the roster after the change.
    """
    roster = rs.get_roster(session, roster_id)
    require_publisher(actor)
    if roster.status != "draft":
        raise ServiceError(
            "a published roster is read-only: use a swap or a re-solve", field="cell", rule="L-6"
        )
    if not roster.first_date <= date < roster.first_date + dt.timedelta(days=roster.days):
        raise ServiceError(f"{date} is outside this roster", field="date")
    shifts = {s.code: s for s in roster.site.shift_types}
    if value not in shifts and value not in ("rest", "leave"):
        raise ServiceError(f"unknown shift {value!r}", field="value")
    cell = next(
        (c for c in roster.assignments if c.employee_id == employee_id and c.date == date), None
    )
    if cell is None:
        employee = session.get(Employee, employee_id)
        if employee is None or employee.site_id != roster.site_id:
            raise ServiceError("no such agent on this roster", field="employee")
        cell = RosterAssignment(employee_id=employee_id, date=date, kind="rest")
        roster.assignments.append(cell)
    before = {cell_key(cell): cell_text(cell)}
    _set_value(cell, value, shifts, cover_id)
    cell.pinned = True
    roster.updated_at = utcnow()
    session.flush()
    session.refresh(cell)
    audit.record(session, actor, "roster.edit", roster, before, {cell_key(cell): cell_text(cell)})
    return violations(session, roster)


def _set_value(
    cell: RosterAssignment, value: str, shifts: dict[str, ShiftType], cover_id: int | None
) -> None:
    if value in shifts:
        shift = shifts[value]
        rule = rp.break_rule(shift)
        cell.kind, cell.shift_type_id, cell.cover_id = "shift", shift.id, None
        cell.shift_type = shift
        if rule is None:
            cell.break_start = None
        else:
            middle = rule.start_options[len(rule.start_options) // 2]
            cell.break_start = middle.hour * 60 + middle.minute
    else:
        cell.kind, cell.shift_type_id, cell.shift_type, cell.break_start = value, None, None, None
        cell.cover_id = cover_id if value == "rest" else None


def publish_roster(
    session: Session, actor: Employee, roster_id: int, force: bool = False
) -> tuple[Roster, list[Violation]]:
    """Publish a draft (read-only from now on, visible to agents); audited with its diff.

    A roster that breaks a hard rule is published only with `force` (an explicit override).
    """
    require_publisher(actor)
    roster = rs.get_roster(session, roster_id)
    if roster.status != "draft":
        raise ServiceError("only a draft can be published", field="roster")
    replaced = replaced_rosters(session, roster)
    if replaced and roster.based_on_id not in replaced:
        raise ServiceError(
            "these dates are published already: change them by swaps, or re-optimise the "
            f"published roster {min(replaced)} so as few cells as possible move (R-11)",
            field="roster", rule="R-11",
        )  # fmt: skip
    found = violations(session, roster)
    if found and not force:
        first = found[0]
        raise ServiceError(
            f"{len(found)} hard-rule violation(s), first {first.rule}: {first.message}",
            field="roster",
            rule=first.rule,
        )
    return publish_checked(session, actor, roster, found), found


def publish_checked(
    session: Session, actor: Employee | None, roster: Roster, found: list[Violation]
) -> Roster:
    """Publish after the check; agents whose published cells change are told (L-5, R-11).

    The published rosters it replaces are locked first, so a swap approval racing this
    publication either lands before (and then this draft is refused as stale) or sees the
    new roster (L-6)."""
    dates = rs.roster_dates(roster)
    for replaced in lock_published(session, roster.site_id, dates[0], dates[-1]):
        if replaced.id != roster.id and replaced.updated_at > roster.created_at:
            raise ServiceError(
                f"published roster {replaced.id} changed after this draft was made "
                f"({replaced.updated_at:%Y-%m-%d %H:%M} UTC, e.g. an approved swap): "
                "re-optimise the draft so it keeps that change (R-11)",
                field="roster", rule="L-6",
            )  # fmt: skip
    old = rs.published_cells(session, roster.site_id, dates[0], dates[-1])
    before, after = diff_cells(old, roster.assignments)
    notify_changed(session, old, roster)
    roster.status = "published"
    roster.published_at = utcnow()
    roster.published_by_id = actor.id if actor else None
    roster.forced_violations = [f"{v.rule}: {v.message}" for v in found]
    session.flush()
    # Attendance results of the shifts this publication changes, in the same transaction.
    attendance_results.recompute_cells(session, changed_cells(old, roster))
    audit.record(
        session,
        actor,
        "roster.publish",
        roster,
        {"cells": before},
        {"cells": after, "version": roster.version, "forced_violations": roster.forced_violations},
    )
    return roster


def replaced_rosters(session: Session, roster: Roster) -> set[int]:
    """Ids of the published rosters whose cells publishing this roster would replace."""
    dates = rs.roster_dates(roster)
    old = rs.published_cells(session, roster.site_id, dates[0], dates[-1])
    return {cell.roster_id for cell in old.values()} - {roster.id}


def changes_against_published(session: Session, roster: Roster) -> list[tuple[str, str, str]]:
    """For a draft: (agent and date, published now, after publishing) of every cell that
    publishing would change — who moves where (L-5, R-11)."""
    if roster.status != "draft":
        return []
    dates = rs.roster_dates(roster)
    old = rs.published_cells(session, roster.site_id, dates[0], dates[-1])
    if not old:
        return []
    before, after = diff_cells(old, roster.assignments)
    return [(key, before[key], after[key]) for key in sorted(after)]


def lock_published(session: Session, site_id: int, first: dt.date, last: dt.date) -> list[Roster]:
    """The site's published rosters sharing a date with first..last, locked FOR UPDATE
    (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers)."""
    rows = session.scalars(
        select(Roster).where(
            Roster.site_id == site_id, Roster.status == "published",
            Roster.first_date <= last, Roster.first_date >= first - dt.timedelta(days=28),
        ).order_by(Roster.id).with_for_update()
    )  # fmt: skip
    return [r for r in rows if r.first_date + dt.timedelta(days=r.days) > first]


def changed_cells(
    old: dict[tuple[int, dt.date], RosterAssignment], roster: Roster
) -> list[tuple[int, dt.date]]:
    """(employee id, date) of the cells whose published content this roster changes."""
    return [
        (cell.employee_id, cell.date)
        for cell in roster.assignments
        if (was := old.get((cell.employee_id, cell.date))) is None
        or cell_text(was) != cell_text(cell)
    ]


def notify_changed(
    session: Session, old: dict[tuple[int, dt.date], RosterAssignment], roster: Roster
) -> None:
    """One in-app message per agent whose already published cells this roster changes."""
    changed: dict[int, list[str]] = {}
    people: dict[int, Employee] = {}
    for cell in roster.assignments:
        was = old.get((cell.employee_id, cell.date))
        if was is not None and cell_text(was) != cell_text(cell):
            changed.setdefault(cell.employee_id, []).append(
                f"{cell.date:%m-%d} {cell_text(was)} → {cell_text(cell)}"
            )
            people[cell.employee_id] = cell.employee
    for employee_id, lines in sorted(changed.items()):
        notifications.notify(
            session,
            people[employee_id],
            f"Your published roster changed: {'; '.join(sorted(lines))}.",
            MY_SHIFTS_LINK,
        )


def diff_cells(
    old: dict[tuple[int, dt.date], RosterAssignment], new: list[RosterAssignment]
) -> tuple[dict[str, str], dict[str, str]]:
    """Cells that change, keyed `CODE date`, as (before, after); absent cells are `none`."""
    before, after = {}, {}
    for cell in new:
        was = old.get((cell.employee_id, cell.date))
        now_text, was_text = cell_text(cell), cell_text(was) if was else "none"
        if now_text != was_text:
            before[cell_key(cell)] = was_text
            after[cell_key(cell)] = now_text
    return before, after


def cell_key(cell: RosterAssignment) -> str:
    """`CODE date`: how diffs and audit entries name a cell."""
    return f"{cell.employee.code} {cell.date.isoformat()}"


def cell_text(cell: RosterAssignment) -> str:
    """A cell in words for diffs: shift code, `rest (cover X)` or `leave`."""
    code = cell.shift_type.code if cell.shift_type else None
    text = rs.cell_label(cell.kind, code)
    if cell.kind == "rest" and cell.cover is not None:
        text += f" (cover {cell.cover.code})"
    return text


def require_publisher(actor: Employee) -> None:
    if not actor.roles & PUBLISHERS:
        raise Forbidden("only a director generates, edits and publishes rosters", rule="SPEC §1")


def drafts_overlapping(
    session: Session, site_id: int, first: dt.date, last: dt.date
) -> list[Roster]:
    """Draft rosters of a site that share a date with first..last."""
    query = select(Roster).where(
        Roster.site_id == site_id, Roster.status == "draft", Roster.first_date <= last
    )
    return [r for r in session.scalars(query) if rs.roster_dates(r)[-1] >= first]
