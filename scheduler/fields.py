"""Typed field reading from decoded JSON that collects every error with its JSON path."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
_TIME = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
_MISSING = object()


def format_time(value: dt.time, end: bool = False) -> str:
    """`HH:MM`; midnight as an end is written `24:00`."""
    if end and value == dt.time(0, 0):
        return "24:00"
    return value.strftime("%H:%M")


def parse_time(text: str, allow_24: bool = False) -> dt.time | None:
    """Parse `HH:MM` (and `24:00` when allowed, meaning midnight at the end of the day)."""
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour == 24:
        return dt.time(0, 0) if allow_24 and minute == 0 else None
    return dt.time(hour, minute)


class FieldReader:
    """Reads fields of JSON objects; each problem is recorded as `path: message`."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, path: str, message: str) -> None:
        """Record one error at a JSON path."""
        self.errors.append(f"{path}: {message}")

    def _get(self, d: dict[str, Any], key: str, path: str, required: bool) -> Any:
        if key not in d:
            if required:
                self.error(self._at(path, key), "required")
            return _MISSING
        return d[key]

    @staticmethod
    def _at(path: str, key: str) -> str:
        return f"{path}.{key}" if path else key

    def text(self, d: dict[str, Any], key: str, path: str, required: bool = False) -> str | None:
        """A non-empty string field."""
        value = self._get(d, key, path, required)
        if value is _MISSING or (value is None and not required):
            return None
        if not isinstance(value, str) or not value:
            self.error(self._at(path, key), "must be a non-empty string")
            return None
        return value

    def integer(
        self,
        d: dict[str, Any],
        key: str,
        path: str,
        required: bool = False,
        default: int | None = None,
        low: int | None = None,
        nullable: bool = False,
    ) -> int | None:
        """An integer field at least `low`; absent gives `default`, null gives None."""
        value = self._get(d, key, path, required)
        if value is _MISSING:
            return default
        if value is None and (nullable or not required):
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(self._at(path, key), "must be an integer")
            return None
        if low is not None and value < low:
            self.error(self._at(path, key), f"must be at least {low}")
            return None
        return value

    def number(self, d: dict[str, Any], key: str, path: str, default: float | None) -> float | None:
        """A non-negative number; absent gives `default`, null gives None (rule off)."""
        value = self._get(d, key, path, False)
        if value is _MISSING:
            return default
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            self.error(self._at(path, key), "must be a non-negative number")
            return None
        return float(value)

    def flag(self, d: dict[str, Any], key: str, path: str, default: bool) -> bool:
        """A boolean field."""
        value = self._get(d, key, path, False)
        if value is _MISSING or value is None:
            return default
        if not isinstance(value, bool):
            self.error(self._at(path, key), "must be true or false")
            return default
        return value

    def date(
        self, d: dict[str, Any], key: str, path: str, required: bool = False
    ) -> dt.date | None:
        """An ISO date `YYYY-MM-DD`."""
        value = self._get(d, key, path, required)
        if value is _MISSING or value is None:
            return None
        if isinstance(value, str) and len(value) == 10:
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.error(self._at(path, key), "must be a date YYYY-MM-DD")
        return None

    def datetime(self, d: dict[str, Any], key: str, path: str) -> dt.datetime | None:
        """A local ISO date-time `YYYY-MM-DDTHH:MM`."""
        value = self._get(d, key, path, False)
        if value is _MISSING or value is None:
            return None
        if isinstance(value, str):
            try:
                return dt.datetime.fromisoformat(value).replace(tzinfo=None)
            except ValueError:
                pass
        self.error(self._at(path, key), "must be a date-time YYYY-MM-DDTHH:MM")
        return None

    def time(
        self,
        d: dict[str, Any],
        key: str,
        path: str,
        required: bool = False,
        allow_24: bool = False,
    ) -> dt.time | None:
        """A wall-clock time `HH:MM`."""
        value = self._get(d, key, path, required)
        if value is _MISSING or value is None:
            return None
        parsed = parse_time(value, allow_24) if isinstance(value, str) else None
        if parsed is None:
            self.error(self._at(path, key), "must be a time HH:MM" + (" or 24:00" * allow_24))
        return parsed

    def _list(self, d: dict[str, Any], key: str, path: str, required: bool) -> list[Any]:
        value = self._get(d, key, path, required)
        if value is _MISSING or value is None:
            return []
        if not isinstance(value, list):
            self.error(self._at(path, key), "must be a list")
            return []
        return value

    def str_list(self, d: dict[str, Any], key: str, path: str) -> list[str]:
        """A list of non-empty strings."""
        out = []
        for i, value in enumerate(self._list(d, key, path, False)):
            if isinstance(value, str) and value:
                out.append(value)
            else:
                self.error(f"{self._at(path, key)}[{i}]", "must be a non-empty string")
        return out

    def int_list(self, d: dict[str, Any], key: str, path: str, low: int, high: int) -> list[int]:
        """A list of integers in [low, high]."""
        out = []
        for i, value in enumerate(self._list(d, key, path, False)):
            if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
                out.append(value)
            else:
                self.error(f"{self._at(path, key)}[{i}]", f"must be an integer {low}..{high}")
        return out

    def date_list(self, d: dict[str, Any], key: str, path: str) -> list[dt.date]:
        """A list of ISO dates."""
        items = self._list(d, key, path, False)
        return [
            date
            for i, value in enumerate(items)
            if (date := self._date_item(value, f"{self._at(path, key)}[{i}]")) is not None
        ]

    def _date_item(self, value: Any, path: str) -> dt.date | None:
        if isinstance(value, str) and len(value) == 10:
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.error(path, "must be a date YYYY-MM-DD")
        return None

    def _time_item(self, value: Any, path: str) -> dt.time | None:
        parsed = parse_time(value) if isinstance(value, str) else None
        if parsed is None:
            self.error(path, "must be a time HH:MM")
        return parsed

    def time_list(
        self, d: dict[str, Any], key: str, path: str, required: bool = False
    ) -> list[dt.time]:
        """A non-empty list of `HH:MM` times when required."""
        items = self._list(d, key, path, required)
        if required and key in d and not items:
            self.error(self._at(path, key), "must not be empty")
        return [
            t
            for i, value in enumerate(items)
            if (t := self._time_item(value, f"{self._at(path, key)}[{i}]")) is not None
        ]

    def obj(
        self,
        d: dict[str, Any],
        key: str,
        path: str,
        parse: Callable[[FieldReader, dict[str, Any], str], T | None],
        required: bool = False,
    ) -> T | None:
        """A nested object parsed by `parse`."""
        value = self._get(d, key, path, required)
        if value is _MISSING or value is None:
            return None
        if not isinstance(value, dict):
            self.error(self._at(path, key), "must be an object")
            return None
        return parse(self, value, self._at(path, key))

    def items(
        self,
        d: dict[str, Any],
        key: str,
        path: str,
        parse: Callable[[FieldReader, dict[str, Any], str], T | None],
        required: bool = False,
    ) -> list[T]:
        """A list of objects, each parsed by `parse` at `path[i]`."""
        out = []
        for i, value in enumerate(self._list(d, key, path, required)):
            if not isinstance(value, dict):
                self.error(f"{self._at(path, key)}[{i}]", "must be an object")
                continue
            item = parse(self, value, f"{self._at(path, key)}[{i}]")
            if item is not None:
                out.append(item)
        return out
