"""FORMATS §3/§4 importers: all or nothing, every bad row listed by line and column."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from attendance.errors import ImportRejected
from attendance.importers import (
    import_clock_events,
    import_employees,
    import_incidents,
    import_leave,
)
from attendance.model import ClockKind, ClockSource, LeaveStatus, Role

CLOCK_HEADER = "event_id,employee_code,timestamp,kind,device\n"


def _file(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def test_A1_valid_clock_file_becomes_utc_events() -> None:
    (ev,) = import_clock_events(
        _file(CLOCK_HEADER + "7f3c,A01,2026-11-23T07:21:05+08:00,in,kiosk-1\n")
    )
    assert ev.at == datetime(2026, 11, 22, 23, 21, 5, tzinfo=UTC)
    assert (ev.kind, ev.device, ev.source) == (ClockKind.IN, "kiosk-1", ClockSource.IMPORT)


def test_A1_clock_file_lists_every_bad_row_by_line_and_column() -> None:
    rows = [
        "e1,A01,2026-11-23T07:21:05+08:00,in,k",
        "e2,A01,2026-11-23T07:21:05,in,k",  # no offset
        "e3,,2026-13-23T07:21:05+08:00,lunch,k",  # no employee, bad month, bad kind
        "e1,A02,2026-11-23T07:22:05+08:00,out,k",  # duplicate id
        "e5,A01,2026-11-23T08:00:00Z,break_out,",
    ]
    with pytest.raises(ImportRejected) as rejected:
        import_clock_events(_file(CLOCK_HEADER + "\n".join(rows) + "\n"))
    issues = [(line, column) for line, column, _ in rejected.value.issues]
    assert issues == [
        (3, "timestamp"), (4, "employee_code"), (4, "kind"), (4, "timestamp"), (5, "event_id")
    ]  # fmt: skip
    message = str(rejected.value)
    assert "line 5, column event_id: duplicate event_id, first on line 2" in message
    assert message.startswith("file: 5 invalid cell(s)") and message.endswith("(FORMATS §3)")


def test_A1_missing_header_column_rejects_the_file() -> None:
    with pytest.raises(ImportRejected, match="line 1, column device"):
        import_clock_events(_file("event_id,employee_code,timestamp,kind\n"))


def test_A1_unknown_employee_is_reported_when_codes_are_given() -> None:
    text = CLOCK_HEADER + "e1,Z99,2026-11-23T07:21:05+08:00,in,k\n"
    with pytest.raises(ImportRejected, match="line 2, column employee_code: unknown"):
        import_clock_events(_file(text), known_employees={"A01"})


def test_FORMATS4_employees_import_and_validation() -> None:
    header = "code,name,site,team,roles,monthly_base_pay,skills,email\n"
    good = "A01,张三,SH,T1,agent;lead,5000.50,zh;en,a@example.com\n"
    (emp,) = import_employees(_file(header + good))
    assert emp.roles == {Role.AGENT, Role.LEAD} and emp.monthly_base_pay == Decimal("5000.50")
    bad = "A01,,SH,T1,boss,50.123,,nope\n"
    with pytest.raises(ImportRejected) as rejected:
        import_employees(_file(header + good + bad))
    assert [c for _, c, _ in rejected.value.issues] == [
        "code", "email", "monthly_base_pay", "name", "roles"
    ]  # fmt: skip


def test_FORMATS4_leave_import_checks_approver_but_not_notice() -> None:
    header = "request_id,employee_code,type,start,end,status,decided_by\n"
    good = "r1,A01,personal,2026-11-23T08:00+08:00,2026-11-23T17:00+08:00,approved,D01\n"
    roles = {"A01": {Role.AGENT}, "D01": {Role.DIRECTOR}, "B02": {Role.AGENT}}
    (request,) = import_leave(_file(header + good), roles)
    assert request.status is LeaveStatus.APPROVED
    bad = [
        "r2,A01,sick,2026-11-24T08:00+08:00,2026-11-24T07:00+08:00,approved,A01",
        "r3,A01,sick,2026-11-25T08:00+08:00,2026-11-25T09:00+08:00,approved,B02",
        "r4,A01,holiday,2026-11-26T08:00+08:00,2026-11-26T09:00+08:00,rejected,",
    ]
    with pytest.raises(ImportRejected) as rejected:
        import_leave(_file(header + good + "\n".join(bad) + "\n"), roles)
    assert [(line, column) for line, column, _ in rejected.value.issues] == [
        (3, "decided_by"), (3, "decided_by"), (3, "end"), (4, "decided_by"),
        (5, "decided_by"), (5, "type"),
    ]  # fmt: skip


def test_FORMATS4_incidents_ranged_rule_needs_amount_in_range() -> None:
    header = "incident_id,employee_code,date,rule_id,amount,note\n"
    good = "i1,A01,2026-11-23,D-5,150,complaint\ni2,A01,2026-11-23,D-7,,lights\n"
    incidents = import_incidents(_file(header + good))
    assert [i.amount for i in incidents] == [Decimal("150"), None]
    bad = "i3,A01,2026-11-23,D-5,,x\ni4,A01,2026-11-31,D-7,,x\ni5,A01,2026-11-23,D-9,10,x\n"
    with pytest.raises(ImportRejected) as rejected:
        import_incidents(_file(header + good + bad))
    assert [(line, column) for line, column, _ in rejected.value.issues] == [
        (4, "amount"), (5, "date"), (6, "amount")
    ]  # fmt: skip
    assert "D-5 needs an amount from 100 to 200" in str(rejected.value)
