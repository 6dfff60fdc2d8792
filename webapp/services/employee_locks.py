"""Employee row locks held by the current transaction, and what their holder read of the rows.

Writers of an employee's events, results and money lines take turns on the employee row
(PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers). A caller that reads the
rows anyway (the API batch) locks them in that read and says so with `hold_employees`, so
the ledger neither locks them again nor reads their site and pay a second time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Employee

CHUNK = 500
HELD = "employee_locks.held"  # session.info key: (transaction, {employee id: facts or None})


@dataclass(frozen=True)
class Held:
    """What the holder of an employee's lock read of the row, valid for its transaction."""

    site_id: int
    monthly_base_pay: Decimal


def _held(session: Session) -> tuple[Any, dict[int, Held | None]]:
    """The current transaction (or savepoint) and the locks taken in it."""
    # Locks end with their transaction, or savepoint: only a lock taken in this one counts.
    connection = session.connection()
    current = connection.get_nested_transaction() or connection.get_transaction()
    transaction, held = session.info.get(HELD, (None, {}))
    return current, held if transaction is current else {}


def lock_employees(session: Session, employee_ids: Iterable[int]) -> None:
    """Row-lock the employees (in id order) whose events or lines are about to change, so two
    transactions syncing one source, or counting one ladder, take turns."""
    current, held = _held(session)
    ids = sorted(set(employee_ids) - held.keys())
    _locking_read(session, ids)
    session.info[HELD] = (current, {**held, **dict.fromkeys(ids)})


def lock_and_hold(session: Session, employee_ids: Iterable[int]) -> None:
    """`lock_employees`, recording each one's site and pay as `hold_employees` does: for a
    caller that writes many employees' events, results and lines but not the employees
    (an import), so the recompute and the ledger read neither again, chunk after chunk."""
    rows = _locking_read(session, sorted(set(employee_ids)), Employee.site_id,
                         Employee.monthly_base_pay)  # fmt: skip
    hold_employees(session, {row.id: Held(row.site_id, row.monthly_base_pay) for row in rows})


def _locking_read(session: Session, ids: Sequence[int], *columns: Any) -> list[Any]:
    """SELECT … FOR UPDATE of the employees, in id order, CHUNK at a time."""
    return [
        row
        for start in range(0, len(ids), CHUNK)
        for row in session.execute(
            select(Employee.id, *columns)
            .where(Employee.id.in_(ids[start : start + CHUNK]))
            .order_by(Employee.id)
            .with_for_update()
        )
    ]


def hold_employees(session: Session, facts: Mapping[int, Held]) -> None:
    """Record employees the caller locked itself (SELECT … FOR UPDATE in id order, in this
    transaction) with their site and pay: `lock_employees` and the ledger then skip them."""
    current, held = _held(session)
    session.info[HELD] = (current, {**held, **facts})


def held_facts(session: Session, employee_ids: Iterable[int]) -> dict[int, Held]:
    """Site and pay of the given employees whose holder recorded them in this transaction."""
    _, held = _held(session)
    return {i: facts for i in employee_ids if (facts := held.get(i)) is not None}
