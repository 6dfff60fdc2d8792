"""The money ledger: every source's lines kept current, locked periods corrected by adjustment.

Other areas call `sync_lines_for_source` (or `sync_lines` for many sources at once) in the
transaction that changes a source: an attendance recompute, a leave approval, an incident,
an appeal decision. Domain lines use `str(employee.id)` as `employee_code`, as
`webapp.services.attendance_results` does. A line of an open period that is no longer wanted
becomes `superseded`; a line of a locked period never changes: the difference becomes an
adjustment line in the next open period (P-1, `attendance.payroll.carry_over`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import String, any_, cast, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from attendance.model import MoneyLine as DomainLine
from attendance.model import SourceKind
from attendance.payroll import PayPeriod, carry_over
from webapp.models import Employee, MoneyLine
from webapp.models.base import utcnow
from webapp.services.bulk_copy import copy_rows, is_postgres
from webapp.services.employee_locks import held_facts, lock_employees
from webapp.services.rule_catalogue import Catalogue, load_catalogue
from webapp.services.write_behind import committed_reads

CHUNK = 500
RETURNING_LIMIT = 100  # up to this many inserts, SyncReport.inserted_ids lists their ids
Signature = tuple[Any, ...]
Stored = Any  # a money_line row: a MoneyLine, or a Core row of its columns


@dataclass(frozen=True, order=True)
class SourceRef:
    """What a line came from: `type` names the table or kind, `id` the row or key in it."""

    type: str
    id: str


@dataclass
class SyncReport:
    """What one sync did: lines written, lines superseded, of which adjustments (P-1).

    `inserted_ids` is filled for syncs of up to RETURNING_LIMIT new lines (one source)."""

    inserted: int = 0
    superseded: int = 0
    adjustments: int = 0
    inserted_ids: list[int] = field(default_factory=list)


def attendance_ref(employee_id: int, day: Any) -> SourceRef:
    """The source of the D-1/D-2/A-5/S-5 lines of one (employee, date) shift result."""
    return SourceRef("shift_attendance", f"{employee_id}/{day.isoformat()}")


SIGNATURE = ("date", "rule_id", "rule_version", "description", "notice", "amount", "quantity",
             "source")  # fmt: skip
# The columns of a new line besides its signature.
COPIED = ("employee_id", "period", "rule_version_id", "source_type", "source_id", "origin_key",
          "state", "held_at_lock", "created_at")  # fmt: skip


def _signature(values: Mapping[str, Any]) -> Signature:
    return tuple(values[k] for k in SIGNATURE)


def _row_signature(row: Stored) -> Signature:
    return tuple(getattr(row, k) for k in SIGNATURE)


def _values(line: DomainLine, ref: SourceRef, origin_key: str, cat: Catalogue) -> dict[str, Any]:
    return {
        "employee_id": int(line.employee_code), "date": line.date,
        "period": str(PayPeriod.of(line.date)), "rule_id": line.rule_id,
        "rule_version": line.rule_version,
        "rule_version_id": cat.row_id(line.rule_id, line.rule_version),
        "description": line.description[:500], "notice": line.notice[:200],
        "amount": line.amount, "quantity": line.quantity, "source": line.source.value,
        "source_type": ref.type, "source_id": ref.id, "origin_key": origin_key,
    }  # fmt: skip


def to_domain(row: Stored, code: str | None = None) -> DomainLine:
    """A stored line as the pure payroll rules take it; `line_id` is the row id."""
    return DomainLine(
        str(row.id), code or str(row.employee_id), row.date, row.rule_id, row.rule_version,
        row.description, row.amount, SourceKind(row.source), row.origin_key, row.quantity,
        row.notice,
    )  # fmt: skip


def locked_periods(session: Session, employee_ids: Iterable[int]) -> dict[int, set[PayPeriod]]:
    """Locked pay periods per employee: global locks and locks of the employee's site (P-1)."""
    from webapp.services.payroll import locks_by_scope

    by_scope = locks_by_scope(session)
    ids = sorted(set(employee_ids))
    # Employees the caller already holds need no query (the clock event paths).
    sites = {i: facts.site_id for i, facts in held_facts(session, ids).items()}
    for i in ids:
        held = session.identity_map.get(identity_key(Employee, i))
        if held is not None:
            sites[i] = held.site_id
    missing = [i for i in ids if i not in sites]
    for start in range(0, len(missing), CHUNK):
        chunk = missing[start : start + CHUNK]
        rows = session.execute(select(Employee.id, Employee.site_id).where(Employee.id.in_(chunk)))
        sites.update({row.id: row.site_id for row in rows})
    return {
        i: by_scope.get("all", set()) | by_scope.get(f"site:{sites.get(i)}", set()) for i in ids
    }


def _current(session: Session, refs: Sequence[SourceRef]) -> dict[SourceRef, list[Stored]]:
    """The active lines of the sources, as plain rows: the sync only reads them."""
    found: dict[SourceRef, list[Stored]] = defaultdict(list)
    by_type: dict[str, list[str]] = defaultdict(list)
    for ref in refs:
        by_type[ref.type].append(ref.id)
    # PostgreSQL: one array parameter per 10^4 sources; planning 500 bound values costs more
    # than the lookup (an import syncs 10^5 shifts).
    postgres = is_postgres(session)
    size = CHUNK * 20 if postgres else CHUNK
    for kind, ids in by_type.items():
        for start in range(0, len(ids), size):
            chunk = ids[start : start + size]
            rows = session.execute(
                select(*MoneyLine.__table__.columns).where(
                    MoneyLine.source_type == kind,
                    MoneyLine.source_id == any_(cast(chunk, ARRAY(String)))
                    if postgres
                    else MoneyLine.source_id.in_(chunk),
                    MoneyLine.state == "active",
                ),
                bind_arguments=committed_reads(session),  # an import writes them after this read
            )
            for row in rows:
                found[SourceRef(row.source_type, row.source_id)].append(row)
    return found


def _wanted_for_key(
    want: DomainLine | None, rows: list[Stored], locked: set[PayPeriod]
) -> list[DomainLine]:
    """The lines that should exist in open periods for one origin key (P-1)."""
    locked_rows = [r for r in rows if _period(r) in locked]
    if not locked_rows:
        if want is None:
            return []
        return [carry_over(want, locked)]
    locked_sum = sum((r.amount for r in locked_rows), Decimal(0))
    template = want or to_domain(locked_rows[0])
    template = replace(template, line_id=locked_rows[0].origin_key)
    wanted: list[DomainLine] = []
    if want is not None and PayPeriod.of(want.date) not in locked:
        wanted.append(want)
        difference = -locked_sum
    else:
        difference = (want.amount if want else Decimal(0)) - locked_sum
    if difference:
        origin = replace(template, amount=difference, date=locked_rows[0].date)
        wanted.append(carry_over(origin, locked))
    return wanted


def _period(row: Stored) -> PayPeriod:
    return PayPeriod.of(row.date)


def _unchanged(
    batch: Mapping[SourceRef, Sequence[DomainLine]],
    current: Mapping[SourceRef, list[Stored]],
    cat: Catalogue,
) -> bool:
    """True when every source's active lines already equal the wanted ones, key for key.

    Then the sync would write nothing, locked periods or not: a wanted line stored as is in a
    locked period leaves no difference to carry over (P-1)."""
    for ref, lines in batch.items():
        stored = sorted((row.origin_key, _row_signature(row)) for row in current.get(ref, []))
        wanted = sorted(
            (line.line_id, _signature(_values(line, ref, line.line_id, cat))) for line in lines
        )
        if stored != wanted:
            return False
    return True


def sync_lines(
    session: Session,
    batch: Mapping[SourceRef, Sequence[DomainLine]],
    catalogue: Catalogue | None = None,
) -> SyncReport:
    """Make the stored lines of each source equal `batch[source]`, locked periods untouched."""
    cat = catalogue or load_catalogue(session)
    refs = sorted(batch)
    employee_ids = {int(line.employee_code) for lines in batch.values() for line in lines}
    lock_employees(session, employee_ids)
    current = _current(session, refs)
    if _unchanged(batch, current, cat):  # the common recompute: same lines, nothing to write
        return SyncReport()
    employee_ids |= {row.employee_id for rows in current.values() for row in rows}
    locks = locked_periods(session, employee_ids)
    report = SyncReport()
    inserts: list[dict[str, Any]] = []
    superseded: list[int] = []
    replaced: dict[int, int] = {}  # superseded row id → index of its one replacement insert
    for ref in refs:
        desired = {line.line_id: line for line in batch[ref]}
        by_key: dict[str, list[Stored]] = defaultdict(list)
        for row in current.get(ref, []):
            by_key[row.origin_key].append(row)
        for key in sorted(set(desired) | set(by_key)):
            rows = by_key.get(key, [])
            employee_id = rows[0].employee_id if rows else int(desired[key].employee_code)
            locked = locks.get(employee_id, set())
            open_rows = {r.id: r for r in rows if _period(r) not in locked}
            new_here: list[int] = []
            for line in _wanted_for_key(desired.get(key), rows, locked):
                values = _values(line, ref, key, cat)
                wanted = _signature(values)
                match = next((i for i, r in open_rows.items() if _row_signature(r) == wanted), None)
                if match is not None:
                    del open_rows[match]
                    continue
                new_here.append(len(inserts))
                inserts.append(values)
                report.adjustments += line.source is SourceKind.ADJUSTMENT
            if len(open_rows) == 1 and len(new_here) == 1:
                replaced[next(iter(open_rows))] = new_here[0]
            superseded.extend(open_rows)
    for start in range(0, len(superseded), CHUNK):
        chunk = superseded[start : start + CHUNK]
        session.execute(
            update(MoneyLine).where(MoneyLine.id.in_(chunk)).values(state="superseded"),
            execution_options={"synchronize_session": "fetch"},
        )
    if len(inserts) <= RETURNING_LIMIT:
        report.inserted_ids = list(
            session.scalars(
                insert(MoneyLine).returning(MoneyLine.id, sort_by_parameter_order=True), inserts
            )
        ) if inserts else []  # fmt: skip
    else:  # bulk (imports, benchmark): RETURNING over many rows costs more than the insert
        _insert_many(session, inserts)
    report.inserted, report.superseded = len(inserts), len(superseded)
    if report.inserted_ids and replaced:
        session.execute(update(MoneyLine), [
            {"id": old, "superseded_by_id": report.inserted_ids[index]}
            for old, index in replaced.items()
        ])  # fmt: skip
    _follow_appeals(session, superseded)
    return report


def _insert_many(session: Session, inserts: Sequence[dict[str, Any]]) -> None:
    """New active lines without their ids: COPY on PostgreSQL, executemany elsewhere."""
    if not is_postgres(session):
        for start in range(0, len(inserts), 5000):
            session.execute(insert(MoneyLine), inserts[start : start + 5000])
        return
    fixed = {"state": "active", "held_at_lock": False, "created_at": utcnow()}
    copy_rows(session, MoneyLine.__table__, inserts, (*SIGNATURE, *COPIED), fixed)


def _follow_appeals(session: Session, superseded: Sequence[int]) -> None:
    """An appeal follows its line when a recompute replaces it (same source and key), so the
    replacement stays held and the decision applies to it (D-appeal)."""
    from webapp.models import Appeal

    for start in range(0, len(superseded), CHUNK):
        appeals = session.scalars(
            select(Appeal).where(Appeal.line_id.in_(superseded[start : start + CHUNK]))
        ).all()
        for appeal in appeals:
            old = appeal.line
            successor = session.scalars(
                select(MoneyLine.id).where(
                    MoneyLine.source_type == old.source_type, MoneyLine.source_id == old.source_id,
                    MoneyLine.origin_key == old.origin_key, MoneyLine.state == "active",
                    MoneyLine.source == old.source,
                )
            ).first()  # fmt: skip
            if successor is not None:
                appeal.line_id = successor
                session.expire(appeal, ["line"])


def sync_lines_for_source(
    session: Session,
    source_kind: SourceKind,
    source_ref: SourceRef,
    new_lines: Sequence[DomainLine],
    catalogue: Catalogue | None = None,
) -> SyncReport:
    """Replace the unlocked lines of one source; locked periods get adjustments (P-1)."""
    for line in new_lines:
        if line.source is not source_kind:
            raise ValueError(f"{line.line_id}: source {line.source} is not {source_kind}")
    return sync_lines(session, {source_ref: new_lines}, catalogue)


def lines_of_source(session: Session, ref: SourceRef) -> list[MoneyLine]:
    """The active lines of one source, oldest first."""
    return list(
        session.scalars(
            select(MoneyLine)
            .where(MoneyLine.source_type == ref.type, MoneyLine.source_id == ref.id,
                   MoneyLine.state == "active")
            .order_by(MoneyLine.id)
        )
    )  # fmt: skip


def lines_from_attendance(
    session: Session, row: Any, catalogue: Catalogue | None = None
) -> tuple[DomainLine, ...]:
    """D-1, D-2, A-5 and S-5 lines of one stored ShiftAttendance result (§6, S-5)."""
    from webapp.services import ledger_sources

    return ledger_sources.lines_from_attendance(session, row, catalogue)


def sync_attendance(
    session: Session, rows: Sequence[Any], removed: Iterable[tuple[int, Any]] = ()
) -> SyncReport:
    """Lines of recomputed ShiftAttendance rows; `removed` = (employee id, date) results
    deleted because the shift is gone. Called by `attendance_results.recompute`."""
    from webapp.services import ledger_sources

    return ledger_sources.sync_attendance(session, rows, removed)


def resync_attendance_from(session: Session, since: Any) -> SyncReport:
    """After a D-1/D-2 rule change: recompute attendance lines from its date (§6)."""
    from webapp.services import ledger_sources

    return ledger_sources.resync_attendance_from(session, since)


def sync_leave(session: Session, request: Any) -> SyncReport:
    """L-1 lines of one leave request. Called by `leave_decisions` on every decision."""
    from webapp.services import ledger_sources

    return ledger_sources.sync_leave(session, request)


def sync_sick_proofs(session: Session, today: Any) -> SyncReport:
    """D-3 for sick proofs missing after the L-4 deadline."""
    from webapp.services import ledger_sources

    return ledger_sources.sync_sick_proofs(session, today)


def sync_unapproved_swaps(session: Session, today: Any) -> SyncReport:
    """D-3 for shifts worked under a swap that was never approved (L-6)."""
    from webapp.services import ledger_sources

    return ledger_sources.sync_unapproved_swaps(session, today)
