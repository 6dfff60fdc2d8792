"""Stored shift results (ShiftAttendance): written only where a classification changed (A-3…A-5).

`attendance_results` classifies the shifts whose inputs may have changed; `store_results`
compares each with its stored row (read once for all of them), writes the ones that differ,
deletes the results of dates that lost their shift and keeps the ledger lines of exactly
those in step (issue 5 item 6). A result whose values are unchanged keeps its row and its
`computed_at`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from attendance.classify import Finding, FindingKind, ShiftResult, Tier, classify_shift
from attendance.clock import ShiftEvents
from attendance.model import LeaveRequest, ScheduledShift
from attendance.settings import AttendanceSettings
from webapp.models import ShiftAttendance
from webapp.models.base import utcnow
from webapp.services import attendance_store as store
from webapp.services.employee_locks import lock_employees
from webapp.services.write_behind import committed_reads

CHUNK = 500  # employees or rows per statement: SQLite binds at most 32,766 values
Key = tuple[int, date]
# The columns a classification sets; `computed_at` says when they last changed.
VALUES = ("shift_code", "start", "end", "is_night", "clock_in", "clock_out", "absence_half_days",
          "findings")  # fmt: skip


def store_results(
    session: Session,
    affected: Mapping[int, set[date]],
    shifts: Iterable[ShiftEvents],
    leaves: Sequence[LeaveRequest],
    settings: AttendanceSettings,
    keep_rows: bool = True,
) -> list[ShiftAttendance]:
    """Classify the affected shifts; write the results that changed, drop those of dates
    without a shift, sync the lines of both (§6). Returns the affected shifts' rows unless
    `keep_rows` is False (an import or the API batch does not read them back)."""
    from webapp.services import ledger_sources  # D-1/D-2/A-5/S-5 lines follow the results (§6)

    wanted = {(i, d) for i, days in affected.items() for d in days}
    own_leaves: dict[str, list[LeaveRequest]] = defaultdict(list)
    for leave in leaves:  # each shift sees its employee's leave, not the whole chunk's
        own_leaves[leave.employee_code].append(leave)
    classified = {key: classify_shift(item, own_leaves.get(item.shift.employee_code, ()), settings)
                  for item in shifts if (key := _key(item.shift)) in wanted}  # fmt: skip
    if len(wanted) == 1 and classified:  # one new event: its shift's input changed
        [(key, result)] = classified.items()
        stored = [_upsert_result(session, key, _values(result, utcnow()))]
        ledger_sources.sync_attendance(session, stored)
        return stored
    lock_employees(session, affected)  # the stored rows read next stay as read until commit
    kept = classified.keys()
    before = {(row.employee_id, row.date): row for row in _stored(session, affected, wanted)}
    removed = [key for key in before if key not in kept]
    store.delete_results(session, [before[key].id for key in removed])
    now = utcnow()
    values = {key: _values(result, now) for key, result in classified.items()}
    changed = [key for key in classified if _differs(before.get(key), values[key])]
    if changed or removed:
        replaced = [row.id for key in changed if (row := before.get(key))]
        rows = [{"employee_id": key[0], "date": key[1], **values[key]} for key in changed]
        store.write_results(session, rows, replaced)
        _expire_results(session)
        ledger_sources.sync_shift_results(session, [classified[k] for k in changed], settings,
                                          removed)  # fmt: skip
    return _read_results(session, affected, kept) if keep_rows else []


def _key(shift: ScheduledShift) -> Key:
    return int(shift.employee_code), shift.date


def _stored(session: Session, affected: Mapping[int, Collection[date]],
            keys: Collection[Key]) -> list[Any]:  # fmt: skip
    """Id and values of the stored results among `keys`, in one read per CHUNK employees."""
    columns = [ShiftAttendance.employee_id, ShiftAttendance.date, ShiftAttendance.id,
               *(getattr(ShiftAttendance, name) for name in VALUES)]  # fmt: skip
    reads = committed_reads(session)  # an import writes them after this read
    return [row for where in _among(affected, keys) for row in session.execute(
        select(*columns).where(where), bind_arguments=reads)
        if (row.employee_id, row.date) in keys]  # fmt: skip


def _among(affected: Mapping[int, Collection[date]], keys: Collection[Key]
           ) -> Iterator[ColumnElement[bool]]:  # fmt: skip
    """Conditions that select a superset of the results among `keys`, CHUNK employees each."""
    if not keys:
        return
    ids = sorted(affected)
    first, last = min(d for _, d in keys), max(d for _, d in keys)
    for start in range(0, len(ids), CHUNK):
        yield and_(ShiftAttendance.employee_id.in_(ids[start : start + CHUNK]),
                   ShiftAttendance.date >= first, ShiftAttendance.date <= last)  # fmt: skip


def _differs(row: Any, values: Mapping[str, Any]) -> bool:
    """True unless the stored row already holds exactly these classified values."""
    return row is None or any(getattr(row, name) != values[name] for name in VALUES)


def _expire_results(session: Session) -> None:
    """Results the session holds may have been overwritten by the bulk upsert."""
    for held in list(session.identity_map.values()):
        if isinstance(held, ShiftAttendance):
            session.expire(held)


def _read_results(session: Session, affected: Mapping[int, Collection[date]],
                  keys: Collection[Key]) -> list[ShiftAttendance]:  # fmt: skip
    """The affected results as session rows, for callers of `recompute` that use them."""
    return [row for where in _among(affected, keys)
            for row in session.scalars(select(ShiftAttendance).where(where))
            if (row.employee_id, row.date) in keys]  # fmt: skip


def _upsert_result(session: Session, key: Key, values: dict[str, Any]) -> ShiftAttendance:
    """Insert or overwrite one (employee, date) result in one statement, session row refreshed."""
    dialect = session.get_bind().dialect.name
    upsert = {"postgresql": pg_insert, "sqlite": sqlite_insert}[dialect]
    statement = (
        upsert(ShiftAttendance)
        .values(employee_id=key[0], date=key[1], **values)
        .on_conflict_do_update(index_elements=["employee_id", "date"], set_=values)
        .returning(ShiftAttendance)
    )
    return session.scalars(statement, execution_options={"populate_existing": True}).one()


def _values(result: ShiftResult, now: datetime) -> dict[str, Any]:
    shift = result.shift_events.shift
    return {
        "shift_code": shift.shift_code, "start": shift.start, "end": shift.end,
        "is_night": shift.is_night, "clock_in": result.clock_in, "clock_out": result.clock_out,
        "absence_half_days": int(result.absence_days * 2),
        "findings": [finding_to_json(f) for f in result.findings], "computed_at": now,
    }  # fmt: skip


def finding_to_json(finding: Finding) -> dict[str, Any]:
    """A finding as stored in ShiftAttendance.findings."""
    return {
        "kind": finding.kind.value, "tier": finding.tier.value, "minutes": finding.minutes,
        "rule": finding.rule_id, "at": finding.at.isoformat() if finding.at else None,
    }  # fmt: skip


def finding_from_json(data: Mapping[str, Any]) -> Finding:
    """The inverse of finding_to_json."""
    at = datetime.fromisoformat(data["at"]) if data.get("at") else None
    return Finding(FindingKind(data["kind"]), Tier(data["tier"]), int(data["minutes"]),
                   data["rule"], at)  # fmt: skip


def to_result(row: ShiftAttendance) -> ShiftResult:
    """A stored result as the pure report functions (A-8) take it; codes are employee ids."""
    shift = ScheduledShift(str(row.employee_id), row.date, row.shift_code, row.start, row.end,
                           is_night=row.is_night)  # fmt: skip
    findings = tuple(finding_from_json(f) for f in row.findings)
    return ShiftResult(ShiftEvents(shift, ()), row.clock_in, row.clock_out, findings)
