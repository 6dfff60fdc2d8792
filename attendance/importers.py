"""CSV importers of FORMATS §3 and §4: file → validated frozen rows, all or nothing."""

from __future__ import annotations

import sys
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from attendance.catalogue import SEED_CATALOGUE, RuleKind, RuleVersion, rule_in_force
from attendance.csv_checks import IssueCollector, Source, parse_decimal, read_csv
from attendance.errors import AttendanceError
from attendance.incidents import INCIDENT_RULES
from attendance.model import (
    ClockEvent,
    ClockKind,
    ClockSource,
    Employee,
    Incident,
    LeaveRequest,
    LeaveStatus,
    LeaveType,
    Role,
)

CLOCK_COLUMNS = ("event_id", "employee_code", "timestamp", "kind", "device")
EMPLOYEE_COLUMNS = ("code", "name", "site", "team", "roles", "monthly_base_pay", "skills", "email")
LEAVE_COLUMNS = ("request_id", "employee_code", "type", "start", "end", "status", "decided_by")
INCIDENT_COLUMNS = ("incident_id", "employee_code", "date", "rule_id", "amount", "note")
APPROVER_ROLES = frozenset({Role.LEAD, Role.DIRECTOR})


def import_clock_events(
    source: Source,
    known_employees: Collection[str] | None = None,
    rename: Mapping[str, str] | None = None,
) -> tuple[ClockEvent, ...]:
    """Parse and validate a clock-event CSV (FORMATS §3, A-1); any bad row rejects the file.

    `rename` maps each of the `known_employees` to the code the events should carry (the
    database keys them by id), so 10^6 events are built once, not twice."""
    frame = read_csv(source, CLOCK_COLUMNS, "FORMATS §3")
    check = IssueCollector(frame, "FORMATS §3")
    check.require("event_id")
    check.unique("event_id")
    check.require("employee_code")
    check.known("employee_code", known_employees)
    instants = check.instants("timestamp")
    check.one_of("kind", [k.value for k in ClockKind])
    check.raise_if_any()
    kinds = {k.value: k for k in ClockKind}
    devices = [sys.intern(d) if d else None for d in frame["device"].tolist()]
    codes = frame["employee_code"].tolist()
    if rename is not None:
        codes = [rename[code] for code in codes]
    return tuple(
        ClockEvent(event_id, code, at, kinds[kind], device, ClockSource.IMPORT)
        for event_id, code, at, kind, device in zip(
            frame["event_id"].tolist(), codes,
            instants.dt.to_pydatetime().tolist(), frame["kind"].tolist(), devices, strict=True,
        )
    )  # fmt: skip


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def import_employees(source: Source) -> tuple[Employee, ...]:
    """Parse and validate an employees CSV (FORMATS §4); site required, team may be empty."""
    frame = read_csv(source, EMPLOYEE_COLUMNS, "FORMATS §4")
    check = IssueCollector(frame, "FORMATS §4")
    for column in ("code", "name", "site", "roles", "monthly_base_pay"):
        check.require(column)
    check.unique("code")
    roles = {r.value for r in Role}
    check.check_each("roles", lambda t: set(_split(t)) <= roles, f"roles must be from {roles}")
    check.check_each(
        "monthly_base_pay", lambda t: (parse_decimal(t) or Decimal(-1)) >= 0,
        "must be an amount ≥ 0 with at most two decimals",
    )  # fmt: skip
    check.flag(
        (frame["email"] != "") & ~frame["email"].str.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
        "email", "must be an e-mail address",
    )  # fmt: skip
    check.raise_if_any()
    return tuple(
        Employee(r.code, r.name, r.team, Decimal(r.monthly_base_pay), r.site,
                 frozenset(Role(x) for x in _split(r.roles)), frozenset(_split(r.skills)), r.email)
        for r in frame.itertuples(index=False)
    )  # fmt: skip


def import_leave(
    source: Source, roles_by_employee: Mapping[str, Collection[Role]] | None = None
) -> tuple[LeaveRequest, ...]:
    """Parse and validate historical leave (FORMATS §4); approvers are checked, notice is not."""
    frame = read_csv(source, LEAVE_COLUMNS, "FORMATS §4")
    check = IssueCollector(frame, "FORMATS §4")
    check.require("request_id")
    check.unique("request_id")
    check.require("employee_code")
    check.known("employee_code", None if roles_by_employee is None else set(roles_by_employee))
    check.one_of("type", [t.value for t in LeaveType])
    check.one_of("status", [s.value for s in LeaveStatus])
    starts, ends = check.instants("start"), check.instants("end")
    check.flag(ends <= starts, "end", "must be after start (L-1)")
    decided = frame["status"].isin(["approved", "rejected"])
    check.flag(decided & (frame["decided_by"] == ""), "decided_by", "required once decided (L-3)")
    check.flag(
        (frame["decided_by"] == frame["employee_code"]) & (frame["decided_by"] != ""),
        "decided_by", "nobody approves their own request (L-3)",
    )  # fmt: skip
    if roles_by_employee is not None:
        allowed = {c for c, rs in roles_by_employee.items() if APPROVER_ROLES & set(rs)}
        lacking = (frame["status"] == "approved") & ~frame["decided_by"].isin(list(allowed))
        check.flag(lacking, "decided_by", "approver lacks the lead or director role (L-3)")
    check.raise_if_any()
    return tuple(
        LeaveRequest(r.request_id, r.employee_code, LeaveType(r.type), s, e, LeaveStatus(r.status),
                     None, r.decided_by or None)
        for r, s, e in zip(frame.itertuples(index=False), starts.dt.to_pydatetime().tolist(),
                           ends.dt.to_pydatetime().tolist(), strict=True)
    )  # fmt: skip


def _incident_problem(row: Any, catalogue: Sequence[RuleVersion]) -> str | None:
    """Why an incident row's amount is unacceptable for its rule, or None (§6)."""
    try:
        rule = rule_in_force(row.rule_id, date.fromisoformat(row.date), catalogue)
    except (ValueError, AttendanceError):
        return None  # the date and rule_id checks report these cells
    amount = parse_decimal(row.amount) if row.amount else None
    if row.amount and amount is None:
        return "must be an amount with at most two decimals"
    if rule.kind in (RuleKind.LADDER, RuleKind.HR_CASE) and amount is not None:
        return f"must be empty: {rule.rule_id} sets its own amount"
    if rule.kind is RuleKind.RANGE and (
        amount is None or not rule.min_amount <= amount <= rule.max_amount
    ):
        return f"{rule.rule_id} needs an amount from {rule.min_amount} to {rule.max_amount}"
    if rule.kind is RuleKind.FIXED and amount is not None and amount != rule.amount:
        return f"{rule.rule_id} amount is {rule.amount}; leave it empty"
    return None  # fmt: skip


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def import_incidents(
    source: Source,
    known_employees: Collection[str] | None = None,
    catalogue: Sequence[RuleVersion] = SEED_CATALOGUE,
) -> tuple[Incident, ...]:
    """Parse and validate incidents (FORMATS §4); ranged rules need an amount in range (§6)."""
    frame = read_csv(source, INCIDENT_COLUMNS, "FORMATS §4")
    check = IssueCollector(frame, "FORMATS §4")
    check.require("incident_id")
    check.unique("incident_id")
    check.require("employee_code")
    check.known("employee_code", known_employees)
    check.check_each("date", _is_date, "must be a date YYYY-MM-DD")
    check.one_of("rule_id", INCIDENT_RULES)
    problems = [_incident_problem(r, catalogue) for r in frame.itertuples(index=False)]
    for position, problem in enumerate(problems):
        if problem is not None:
            check.issues.append((position + 2, "amount", problem))
    check.raise_if_any()
    return tuple(
        Incident(r.incident_id, r.employee_code, date.fromisoformat(r.date), r.rule_id,
                 Decimal(r.amount) if r.amount else None, r.note)
        for r in frame.itertuples(index=False)
    )  # fmt: skip
