"""Deterministic CSV (UTF-8 with BOM) and XLSX bytes of a payroll export (P-1, FORMATS §5)."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import astuple, fields
from decimal import Decimal
from xml.sax.saxutils import escape

from attendance.model import MoneyLine
from attendance.payroll import PayrollExport, PayrollRow

PAYROLL_COLUMNS = tuple(f.name for f in fields(PayrollRow))
LINE_COLUMNS = ("employee_code", "date", "rule_id", "description", "amount", "source")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
Cell = str | int | Decimal


def payroll_records(export: PayrollExport) -> list[tuple[Cell, ...]]:
    """The payroll rows as tuples in FORMATS §5 column order."""
    return [astuple(row) for row in export.rows]


def line_records(export: PayrollExport) -> list[tuple[Cell, ...]]:
    """The lines listing as tuples in `payroll-lines.csv` column order."""
    return [_line_record(line) for line in export.lines]


def _line_record(line: MoneyLine) -> tuple[Cell, ...]:
    return (line.employee_code, line.date.isoformat(), line.rule_id, line.description,
            line.amount, line.source.value)  # fmt: skip


def _csv_bytes(header: tuple[str, ...], records: list[tuple[Cell, ...]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(records)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def payroll_csv(export: PayrollExport) -> bytes:
    """`payroll.csv`: UTF-8 with BOM so Excel reads the Chinese names (FORMATS §5)."""
    return _csv_bytes(PAYROLL_COLUMNS, payroll_records(export))


def lines_csv(export: PayrollExport) -> bytes:
    """`payroll-lines.csv`: every line behind the totals (FORMATS §5)."""
    return _csv_bytes(LINE_COLUMNS, line_records(export))


SHEET_XML_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
STATIC_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
        'package.core-properties+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="payroll" sheetId="1" r:id="rId1"/>'
        '<sheet name="lines" sheetId="2" r:id="rId2"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet2.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/></Relationships>'
    ),
    # Style 1 = built-in number format 2 ("0.00") for the amounts.
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" '
        'borderId="0" xfId="0"/><xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" '
        'xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ),
}


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _sheet_xml(header: tuple[str, ...], records: list[tuple[Cell, ...]]) -> bytes:
    """One worksheet, streamed as text: inline strings, numbers, amounts styled 0.00."""
    columns = [_column(i) for i in range(len(header))]
    parts = [SHEET_XML_HEAD]
    for number, record in enumerate([header, *records], start=1):
        parts.append(f'<row r="{number}">')
        for column, value in zip(columns, record, strict=True):
            ref = f"{column}{number}"
            if isinstance(value, Decimal):
                parts.append(f'<c r="{ref}" s="1"><v>{value}</v></c>')
            elif isinstance(value, int):
                parts.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                text = escape(NOT_XML.sub("", value))
                parts.append(
                    f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
                )
        parts.append("</row>")
    parts.append("</sheetData></worksheet>")
    return "".join(parts).encode("utf-8")


def _core_xml(title: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://'
        'purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>paiban</dc:creator>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def payroll_xlsx(export: PayrollExport) -> bytes:
    """Workbook with sheets `payroll` and `lines`; identical data → identical bytes (P-1).

    Written directly as SpreadsheetML (fixed entry times and properties): 10,000 rows and
    70,000 lines take about a second, where building it cell by cell took fifteen.
    """
    parts: dict[str, bytes] = {name: text.encode("utf-8") for name, text in STATIC_PARTS.items()}
    parts["docProps/core.xml"] = _core_xml(f"payroll {export.period}")
    parts["xl/worksheets/sheet1.xml"] = _sheet_xml(PAYROLL_COLUMNS, payroll_records(export))
    parts["xl/worksheets/sheet2.xml"] = _sheet_xml(LINE_COLUMNS, line_records(export))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in sorted(parts):
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            archive.writestr(entry, parts[name])
    return out.getvalue()
