"""COPY of many rows into a table (PostgreSQL, text format): 10^5 rows in a second or two,
where a statement (or an ORM object) per row takes ten times as long."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import Table, TypeDecorator
from sqlalchemy.orm import Session

from webapp.services import write_behind

NULL = "\\N"
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
BATCH = 5000


def is_postgres(session: Session) -> bool:
    """COPY is PostgreSQL's; other databases take executemany."""
    return session.get_bind().dialect.name == "postgresql"


def copy_lines(session: Session, table: str, columns: Sequence[str], lines: Iterable[str]) -> None:
    """COPY lines already in text format (tab-separated, ending in a newline) into a table;
    inside `write_behind` the formatted lines go to its thread and this returns at once."""
    names = ", ".join(f'"{n}"' for n in columns)
    statement = f"COPY {table} ({names}) FROM STDIN"
    behind = write_behind.writer(session)
    if behind is not None:
        behind.copy(statement, "".join(lines))
        return
    connection = session.connection().connection.dbapi_connection
    assert connection is not None
    with (
        connection.cursor() as cursor,
        cursor.copy(statement) as copy,  # type: ignore[attr-defined]
    ):
        batch: list[str] = []
        for line in lines:
            batch.append(line)
            if len(batch) == BATCH:
                copy.write("".join(batch))
                batch.clear()
        copy.write("".join(batch))


def copy_rows(session: Session, table: Table, rows: Iterable[Mapping[str, Any]],
              columns: Sequence[str], fixed: Mapping[str, Any] | None = None) -> None:  # fmt: skip
    """COPY rows (dicts with each of `columns` not in `fixed`) into a table, each value converted as
    its column type binds it (Money as cents, UTCDateTime as naive UTC); `fixed` holds the
    values shared by every row, converted once."""
    dialect = session.get_bind().dialect

    def converter(column_type: Any) -> Callable[[Any], str]:
        if not isinstance(column_type, TypeDecorator):
            return copy_text
        bind = column_type.process_bind_param
        return lambda value: copy_text(bind(value, dialect))

    shared = dict(fixed or {})
    pairs = [(name, converter(table.c[name].type)) for name in columns if name not in shared]
    tail = "".join(f"\t{converter(table.c[n].type)(v)}" for n, v in shared.items()) + "\n"

    def line(row: Mapping[str, Any]) -> str:
        return "\t".join([convert(row[name]) for name, convert in pairs]) + tail

    names = [name for name, _ in pairs] + list(shared)
    copy_lines(session, table.name, names, map(line, rows))


def utc_text(at: datetime) -> str:
    """An aware instant as UTCDateTime stores it: naive UTC (the "+00:00" cut off the text,
    a third cheaper than building a naive datetime); many at once: `utc_texts`."""
    return (at if at.tzinfo is UTC else at.astimezone(UTC)).isoformat(" ")[:-6]


def utc_texts(instants: Sequence[datetime | None]) -> list[str]:
    """Many aware instants (or None, as NULL) as naive UTC COPY text, in one numpy pass: a
    third of the time of `utc_text` per instant, and an import formats 10^6 of each kind."""
    seconds = np.fromiter((0.0 if at is None else at.timestamp() for at in instants), float,
                          len(instants))  # fmt: skip
    # Whole microseconds: the float product is rounded, not truncated, before the cast.
    texts: list[str] = np.datetime_as_string(np.rint(seconds * 1e6).astype("datetime64[us]")
                                             ).tolist()  # fmt: skip
    if None in instants:
        return [NULL if at is None else text for at, text in zip(instants, texts, strict=True)]
    return texts


def _datetime_text(value: datetime) -> str:
    return utc_text(value) if value.tzinfo else value.isoformat(" ")


def _json_text(value: Any) -> str:
    return json.dumps(value).translate(COPY_ESCAPES)


# By type (a datetime before the date it is a subclass of, a bool before its int).
_TEXT_BY_TYPE: dict[type, Callable[[Any], str]] = {
    type(None): lambda _: NULL, bool: lambda value: "t" if value else "f",
    str: lambda value: value.translate(COPY_ESCAPES), int: str, Decimal: str,
    datetime: _datetime_text, date: date.isoformat, list: _json_text, dict: _json_text,
}  # fmt: skip


def copy_text(value: Any) -> str:
    """One value in COPY text format: one dict look-up for the exact type, a walk for the
    subclasses (a StrEnum is a str, a pandas Timestamp a datetime)."""
    text = _TEXT_BY_TYPE.get(type(value))
    if text is None:
        text = next((f for kind, f in _TEXT_BY_TYPE.items() if isinstance(value, kind)), str)
    return text(value)
