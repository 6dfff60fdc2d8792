"""Vectorised CSV reading and validation helpers shared by the importers (FORMATS §3, §4)."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

import pandas as pd

from attendance.errors import ImportRejected

Source = str | IO[bytes] | IO[str]
ISO_WITH_OFFSET = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([+-]\d{2}:\d{2}|Z)$"
FIRST_DATA_LINE = 2  # line 1 is the header


def read_csv(source: Source, columns: tuple[str, ...], rule: str) -> Any:
    """Read a UTF-8 CSV as strings; a file that is not one, or lacks a header column, is
    rejected naming the line (FORMATS §3/§4)."""
    try:
        frame = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        raise ImportRejected(((1, "header", "the file is empty"),), rule) from None
    except UnicodeDecodeError:
        raise ImportRejected(((1, "file", "not UTF-8 text"),), rule) from None
    except (pd.errors.ParserError, ValueError) as error:
        where = re.search(r"line (\d+)", str(error))
        line = int(where.group(1)) if where else 1
        raise ImportRejected(((line, "row", f"not a CSV row: {error}"),), rule) from None
    frame = frame.fillna("")  # short rows leave their last cells empty
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ImportRejected(tuple((1, c, "column missing from header") for c in missing), rule)
    frame = frame[list(columns)]
    for column in columns:
        frame[column] = frame[column].str.strip()
    return frame


def parse_decimal(text: str) -> Decimal | None:
    """A finite Decimal with at most two decimals, or None when the text is not one."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or value.as_tuple().exponent < -2:  # type: ignore[operator]
        return None
    return value


@dataclass
class IssueCollector:
    """Collects (line, column, message) for every failed check; raises once at the end."""

    frame: Any
    rule: str
    issues: list[tuple[int, str, str]] = field(default_factory=list)

    def flag(self, bad: Any, column: str, message: str) -> None:
        """Record every row where the boolean Series `bad` is true."""
        for position in bad.to_numpy().nonzero()[0].tolist():
            self.issues.append((position + FIRST_DATA_LINE, column, message))

    def require(self, column: str) -> None:
        """Cells must not be empty."""
        self.flag(self.frame[column] == "", column, f"required ({self.rule})")

    def one_of(self, column: str, allowed: Collection[str]) -> None:
        """Cells must be one of the allowed words."""
        text = ", ".join(sorted(allowed))
        self.flag(~self.frame[column].isin(list(allowed)), column, f"must be one of {text}")

    def unique(self, column: str) -> None:
        """Key cells must be unique inside the file; later copies name the first line."""
        values = self.frame[column]
        repeated = values.duplicated(keep="first") & (values != "")
        if repeated.any():
            repeated_values = set(values[repeated])
            first_line: dict[str, int] = {}
            for position, value in enumerate(values):
                if value in repeated_values:
                    first_line.setdefault(value, position + FIRST_DATA_LINE)
            for position in repeated.to_numpy().nonzero()[0].tolist():
                first = first_line[values.iat[position]]
                message = f"duplicate {column}, first on line {first}"
                self.issues.append((position + FIRST_DATA_LINE, column, message))

    def known(self, column: str, codes: Collection[str] | None) -> None:
        """Cells must name a known code, when the caller knows the codes."""
        if codes is not None:
            bad = ~self.frame[column].isin(list(codes)) & (self.frame[column] != "")
            self.flag(bad, column, "unknown employee code")

    def check_each(self, column: str, is_valid: Callable[[str], bool], message: str) -> None:
        """Per-cell Python check, for small files only (employees, leave, incidents)."""
        self.flag(~self.frame[column].map(is_valid).astype(bool), column, message)

    def instants(self, column: str) -> Any:
        """ISO 8601 with offset → UTC timestamps; bad cells are flagged (A-1)."""
        text = self.frame[column]
        shaped = text.str.match(ISO_WITH_OFFSET)
        parsed = pd.to_datetime(
            text.where(shaped, None), utc=True, format="ISO8601", errors="coerce"
        )
        self.flag(
            parsed.isna(),
            column,
            "must be ISO 8601 with a UTC offset, e.g. 2026-11-23T07:21:05+08:00",
        )
        return parsed

    def raise_if_any(self) -> None:
        """All-or-nothing: any issue rejects the whole file, listing every one sorted by line."""
        if self.issues:
            raise ImportRejected(tuple(sorted(self.issues)), self.rule)
