"""Shift swaps (L-6 调班): an agent offers a shift or proposes a swap with a colleague, the
colleague accepts, the team lead approves after the hard rules (R-1..R-8) are checked; the
approved swap changes the published roster. Every step is audited.

A swap exchanges the two agents' published cells on the requester's date (and on the
colleague's date when it differs); an offer does the same on one date with whoever accepts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from webapp.models import Employee, Roster, RosterAssignment, ShiftSwap
from webapp.models.base import utcnow
from webapp.permissions import manages_team, may_decide_for
from webapp.services import attendance_results, audit, notifications, roster_edit, roster_problem
from webapp.services import roster as rs
from webapp.services.errors import Forbidden, NotFound, ServiceError
from webapp.services.roster_view import CellRow

FIELDS = ("kind", "status", "requester_date", "colleague_date", "colleague_id", "note")
LINK = "/roster/swaps"


def get_swap(session: Session, swap_id: int) -> ShiftSwap:
    """The swap or NotFound."""
    swap = session.get(ShiftSwap, swap_id)
    if swap is None:
        raise NotFound(f"swap {swap_id} does not exist", field="swap")
    return swap


def propose(
    session: Session,
    requester: Employee,
    kind: str,
    date: dt.date,
    today: dt.date,
    colleague_id: int | None = None,
    colleague_date: dt.date | None = None,
    note: str = "",
) -> ShiftSwap:
    """Offer the shift on `date` to the team, or propose exchanging it with a colleague."""
    if kind not in ("offer", "swap"):
        raise ServiceError("choose offer or swap", field="kind", rule="L-6")
    _coming(date, today, "date")
    cell = _cell(session, requester, date)
    if cell is None or cell.kind != "shift":
        raise ServiceError(f"you have no published shift on {date}", field="date", rule="L-6")
    colleague = None
    if kind == "swap" or colleague_id is not None:
        colleague = _colleague(session, requester, colleague_id)
    if kind == "swap":
        assert colleague is not None
        colleague_date = colleague_date or date
        _coming(colleague_date, today, "colleague_date")
        theirs = _cell(session, colleague, colleague_date)
        if theirs is None or theirs.kind != "shift":
            raise ServiceError(
                f"{colleague.code} has no published shift on {colleague_date}",
                field="colleague_date",
                rule="L-6",
            )
        if colleague_date == date and theirs.shift_type_id == cell.shift_type_id:
            raise ServiceError(
                "you both work the same shift that day: nothing to swap",
                field="colleague_id",
                rule="L-6",
            )
        if theirs.roster_id != cell.roster_id:
            raise ServiceError(
                "both dates must lie in the same published roster",
                field="colleague_date",
                rule="L-6",
            )
    else:
        colleague_date = None
    swap = ShiftSwap(
        site_id=requester.site_id,
        kind=kind,
        status="proposed",
        requester_id=requester.id,
        requester_date=date,
        colleague_id=colleague.id if colleague else None,
        colleague_date=colleague_date,
        note=note.strip()[:500],
    )
    session.add(swap)
    session.flush()
    audit.record(session, requester, "swap.propose", swap, None, audit.snapshot(swap, FIELDS))
    if colleague is not None:
        notifications.notify(
            session, colleague, f"{requester.name} asks you to take a shift on {date}.", LINK
        )
    return swap


def accept(session: Session, colleague: Employee, swap_id: int) -> ShiftSwap:
    """The colleague agrees; the hard rules are checked now and the result kept for the lead."""
    swap = get_swap(session, swap_id)
    if swap.status != "proposed":
        raise ServiceError(f"this swap is {swap.status}", field="swap", rule="L-6")
    if swap.colleague_id is not None and swap.colleague_id != colleague.id:
        raise Forbidden("this swap was proposed to someone else", rule="L-6")
    if swap.colleague_id is None:  # an open offer: any teammate may take it
        _colleague(session, swap.requester, colleague.id)
    before = audit.snapshot(swap, FIELDS)
    swap.colleague_id, swap.status, swap.accepted_at = colleague.id, "accepted", utcnow()
    session.flush()
    swap.violations = [f"{v.rule}: {v.message}" for v in new_violations(session, swap)]
    audit.record(session, colleague, "swap.accept", swap, before, audit.snapshot(swap, FIELDS))
    return swap


def decline(session: Session, colleague: Employee, swap_id: int) -> ShiftSwap:
    """The named colleague says no."""
    swap = get_swap(session, swap_id)
    if swap.colleague_id != colleague.id:
        raise Forbidden("only the colleague asked may decline", rule="L-6")
    return _close(session, colleague, swap, ("proposed",), "rejected", "swap.decline")


def withdraw(session: Session, requester: Employee, swap_id: int) -> ShiftSwap:
    """The requester takes the request back before the lead decides."""
    swap = get_swap(session, swap_id)
    if swap.requester_id != requester.id:
        raise Forbidden("only the requester may withdraw a swap", rule="L-6")
    return _close(session, requester, swap, ("proposed", "accepted"), "withdrawn", "swap.withdraw")


def reject(session: Session, lead: Employee, swap_id: int) -> ShiftSwap:
    """The lead refuses an accepted swap."""
    swap = _decidable(session, lead, swap_id)
    swap = _close(session, lead, swap, ("accepted",), "rejected", "swap.reject")
    for person in (swap.requester, swap.colleague):
        if person is not None:
            notifications.notify(session, person, f"Your shift swap {swap.id} was rejected.", LINK)
    return swap


def approve(session: Session, lead: Employee, swap_id: int, force: bool = False) -> ShiftSwap:
    """Check R-1..R-8 on the roster as it would be, then change the published cells.

    A swap that adds a hard-rule violation is approved only with `force` (listed, audited).
    """
    swap = _decidable(session, lead, swap_id)
    if swap.status != "accepted":
        raise ServiceError(f"only an accepted swap can be approved (it is {swap.status})",
                           field="swap", rule="L-6")  # fmt: skip
    _lock_roster(session, swap)
    found = new_violations(session, swap)
    if found and not force:
        first = found[0]
        raise ServiceError(
            f"{len(found)} hard-rule violation(s), first {first.rule}: {first.message}",
            field="swap",
            rule=first.rule,
        )
    before = audit.snapshot(swap, FIELDS)
    claimed = session.execute(  # one decision even when two leads click at once
        update(ShiftSwap)
        .where(ShiftSwap.id == swap.id, ShiftSwap.status == "accepted")
        .values(status="approved", decided_by_id=lead.id, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise ServiceError("this swap was decided meanwhile", field="swap", rule="L-6")
    session.refresh(swap)
    swap.violations = [f"{v.rule}: {v.message}" for v in found]
    changes = _apply(session, swap)
    after = {**audit.snapshot(swap, FIELDS), "violations": swap.violations}
    audit.record(session, lead, "swap.approve", swap, before, after)
    roster = _roster_of(session, swap)
    audit.record(session, lead, "roster.swap", roster, {"cells": changes[0]},
                 {"cells": changes[1], "swap": swap.id})  # fmt: skip
    for person in (swap.requester, swap.colleague):
        if person is not None:
            notifications.notify(
                session, person, f"Your shift swap {swap.id} was approved: {changes[1]}.", LINK
            )
    return swap


def new_violations(session: Session, swap: ShiftSwap) -> list[roster_edit.Violation]:
    """Hard-rule violations the swap would add to its published roster (R-1..R-8, R-12)."""
    roster = _roster_of(session, swap)
    bundle = roster_problem.build_problem(session, roster.site, roster.first_date, roster.days)
    now = [_row(c) for c in roster.assignments]
    then = _exchanged(now, swap)
    excused = roster_edit.excused_gaps(roster)
    had = set(roster_edit.check_cells(bundle, now, excused))
    return [v for v in roster_edit.check_cells(bundle, then, excused) if v not in had]


def preview(session: Session, swap: ShiftSwap) -> list[str]:
    """What changes, in words: `A01 11-25: E → rest`."""
    roster = _roster_of(session, swap)
    now = [_row(c) for c in roster.assignments]
    query = select(Employee.id, Employee.code).where(Employee.site_id == roster.site_id)
    codes: dict[int, str] = {row.id: row.code for row in session.execute(query)}
    shifts = {s.id: s.code for s in roster.site.shift_types}
    old = {(c.employee_id, c.date): c for c in now}
    lines = []
    for cell in _exchanged(now, swap):
        was = old.get((cell.employee_id, cell.date))
        if was is not None and _label(was, shifts) != _label(cell, shifts):
            who = codes.get(cell.employee_id, str(cell.employee_id))
            lines.append(f"{who} {cell.date:%m-%d}: {_label(was, shifts)} → {_label(cell, shifts)}")
    return sorted(lines)


def swaps_of(session: Session, employee: Employee) -> list[ShiftSwap]:
    """The employee's own swaps and open offers of teammates, newest first."""
    teammates = select(Employee.id).where(
        Employee.team_id == employee.team_id, Employee.id != employee.id
    )
    query = (
        select(ShiftSwap)
        .where(
            or_(
                ShiftSwap.requester_id == employee.id,
                ShiftSwap.colleague_id == employee.id,
                (ShiftSwap.status == "proposed")
                & ShiftSwap.colleague_id.is_(None)
                & ShiftSwap.requester_id.in_(teammates),
            )
        )
        .order_by(ShiftSwap.id.desc())
        .limit(50)
    )
    return list(session.scalars(query))


def swaps_to_decide(session: Session, lead: Employee) -> list[ShiftSwap]:
    """Accepted swaps waiting for this lead (directors: the whole site), oldest first."""
    query = (
        select(ShiftSwap)
        .where(ShiftSwap.site_id == lead.site_id, ShiftSwap.status == "accepted")
        .order_by(ShiftSwap.accepted_at, ShiftSwap.id)
    )
    return [
        s
        for s in session.scalars(query)
        if manages_team(lead, s.requester.team_id) and may_decide_for(lead, s.requester)
    ]


def _decidable(session: Session, lead: Employee, swap_id: int) -> ShiftSwap:
    swap = get_swap(session, swap_id)
    if swap.site_id != lead.site_id or not manages_team(lead, swap.requester.team_id):
        raise Forbidden("only the team's lead approves its swaps", rule="L-6")
    if lead.id in (swap.requester_id, swap.colleague_id):
        raise Forbidden("nobody approves their own swap", rule="SPEC §1")
    return swap


def _close(
    session: Session, actor: Employee, swap: ShiftSwap, open_: tuple[str, ...], status: str,
    action: str,
) -> ShiftSwap:  # fmt: skip
    if swap.status not in open_:
        raise ServiceError(f"this swap is already {swap.status}", field="swap", rule="L-6")
    before = audit.snapshot(swap, FIELDS)
    swap.status = status
    if status == "rejected":
        swap.decided_by_id, swap.decided_at = actor.id, utcnow()
    session.flush()
    audit.record(session, actor, action, swap, before, audit.snapshot(swap, FIELDS))
    return swap


def _coming(date: dt.date, today: dt.date, field: str) -> None:
    if date < today:
        raise ServiceError(f"{date} has passed: only coming shifts can be swapped",
                           field=field, rule="L-6")  # fmt: skip


def _cell(session: Session, employee: Employee, date: dt.date) -> RosterAssignment | None:
    cells = rs.published_cells(session, employee.site_id, date, date, employee.id)
    return cells.get((employee.id, date))


def _colleague(session: Session, requester: Employee, colleague_id: int | None) -> Employee:
    colleague = session.get(Employee, colleague_id) if colleague_id else None
    if colleague is None or not colleague.active or colleague.id == requester.id:
        raise ServiceError("choose a colleague", field="colleague_id", rule="L-6")
    if colleague.team_id is None or colleague.team_id != requester.team_id:
        raise ServiceError("swaps are between agents of the same team (R-4, R-8)",
                           field="colleague_id", rule="L-6")  # fmt: skip
    return colleague


def _roster_of(session: Session, swap: ShiftSwap) -> Roster:
    cell = _cell(session, swap.requester, swap.requester_date)
    if cell is None:
        raise ServiceError("the shift is no longer in a published roster", field="swap",
                           rule="L-6")  # fmt: skip
    return cell.roster


def _lock_roster(session: Session, swap: ShiftSwap) -> None:
    """Lock the roster the swap changes. A roster published after the colleague accepted
    (before, or while we waited for the lock) may have moved the very shifts agreed on, so the
    swap must then be proposed again on it (L-6)."""
    roster = _roster_of(session, swap)
    session.execute(select(Roster.id).where(Roster.id == roster.id).with_for_update())
    session.expire_all()
    current = _roster_of(session, swap)
    accepted = swap.accepted_at or swap.created_at
    if current.id != roster.id or (current.published_at or accepted) > accepted:
        raise ServiceError(
            "the roster was published again after this swap was accepted: "
            "propose it again on the new roster",
            field="swap",
            rule="L-6",
        )


def _dates(swap: ShiftSwap) -> set[dt.date]:
    return {swap.requester_date, swap.colleague_date or swap.requester_date}


def _row(c: RosterAssignment) -> CellRow:
    return CellRow(c.employee_id, c.date, c.kind, c.shift_type_id, c.break_start, c.cover_id,
                   c.pinned)  # fmt: skip


def _exchanged(cells: list[CellRow], swap: ShiftSwap) -> list[CellRow]:
    """The cells with the two agents' cells on the swap's dates exchanged (covers kept sane)."""
    a, b = swap.requester_id, swap.colleague_id
    if b is None:
        return cells
    dates = _dates(swap)
    index = {(c.employee_id, c.date): c for c in cells}
    out = []
    for c in cells:
        if c.date in dates and c.employee_id in (a, b):
            other = b if c.employee_id == a else a
            theirs = index.get((other, c.date))
            if theirs is None:
                out.append(c)
                continue
            cover = theirs.cover_id
            if theirs.kind == "rest" and cover == c.employee_id:
                cover = other  # the cover now works instead of the one who rests
            out.append(replace(theirs, employee_id=c.employee_id, cover_id=cover, pinned=True))
        else:
            out.append(c)
    return out


def _apply(session: Session, swap: ShiftSwap) -> tuple[dict[str, str], dict[str, str]]:
    """Write the exchange into the published roster's cells; returns the (before, after)."""
    roster = _roster_of(session, swap)
    cells = {(c.employee_id, c.date): c for c in roster.assignments}
    wanted = {(c.employee_id, c.date): c for c in _exchanged([_row(c) for c in cells.values()],
                                                             swap)}  # fmt: skip
    before, after = {}, {}
    changed: list[tuple[int, dt.date]] = []
    for key, row in wanted.items():
        cell = cells[key]
        if _row(cell) == row:
            continue
        before[roster_edit.cell_key(cell)] = roster_edit.cell_text(cell)
        cell.kind, cell.shift_type_id, cell.break_start = (
            row.kind,
            row.shift_type_id,
            row.break_start,
        )
        cell.cover_id, cell.pinned = row.cover_id, row.pinned
        session.flush()
        session.refresh(cell)
        after[roster_edit.cell_key(cell)] = roster_edit.cell_text(cell)
        changed.append((cell.employee_id, cell.date))
    roster.updated_at = utcnow()
    attendance_results.recompute_cells(session, changed)  # results follow the roster
    return before, after


def _label(cell: CellRow, shifts: dict[int, str]) -> str:
    code = shifts.get(cell.shift_type_id) if cell.shift_type_id else None
    return rs.cell_label(cell.kind, code)
