"""The XLSX payroll workbook (P-1, FORMATS §5): sheets, values, formats, escaping, determinism."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

from attendance_factories import employee
from openpyxl import load_workbook

from attendance.deductions import build_line
from attendance.model import SourceKind
from attendance.payroll import PayPeriod, build_payroll
from attendance.payroll_export import LINE_COLUMNS, PAYROLL_COLUMNS, payroll_xlsx

NOV = PayPeriod(2026, 11)
TRICKY = 'late <10 min> & "quoted" 迟到\x07'
LINES = [
    build_line("D-1", "A01", date(2026, 11, 3), TRICKY, Decimal("-20"), SourceKind.CLOCK, "a"),
    build_line("D-2", "A01", date(2026, 11, 4), "half day", Decimal("-114.94"),
               SourceKind.CLOCK, "b", Decimal("0.5")),
    build_line("S-5", "B02", date(2026, 11, 5), "night", Decimal("20"), SourceKind.CLOCK, "c"),
]  # fmt: skip


def _workbook() -> tuple[bytes, object]:
    data = payroll_xlsx(build_payroll([employee(), employee("B02")], LINES, NOV, {"x"}))
    return data, load_workbook(io.BytesIO(data))


def test_P1_workbook_has_payroll_and_lines_sheets_with_the_FORMATS_columns() -> None:
    _, book = _workbook()
    assert book.sheetnames == ["payroll", "lines"]  # type: ignore[attr-defined]
    payroll = book["payroll"]  # type: ignore[index]
    header = [c.value for c in payroll[1]]
    assert header == list(PAYROLL_COLUMNS)
    first = {k: c for k, c in zip(header, payroll[2], strict=True)}
    assert (first["employee_code"].value, first["name"].value) == ("A01", "张A01")
    assert first["late_early_count"].value == 1
    assert first["absence_deduction"].value == 114.94
    assert first["absence_deduction"].number_format == "0.00"
    assert [c.value for c in book["lines"][1]] == list(LINE_COLUMNS)  # type: ignore[index]


def test_P1_workbook_text_is_escaped_and_control_characters_dropped() -> None:
    _, book = _workbook()
    lines = book["lines"]  # type: ignore[index]
    assert lines["D2"].value == 'late <10 min> & "quoted" 迟到'
    assert (lines["E2"].value, lines["E2"].number_format) == (-20, "0.00")
    assert lines.max_row == 4


def test_P1_workbook_bytes_are_deterministic_with_fixed_entry_times() -> None:
    data, _ = _workbook()
    again, _ = _workbook()
    assert data == again
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"2000-01-01T00:00:00Z" in archive.read("docProps/core.xml")
