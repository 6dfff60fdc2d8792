"""Curtois & Qu instances (schedulingbenchmarks.org, 1–24): reader and `.roster.txt` I/O."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

Roster = Mapping[str, tuple[str | None, ...]]
"""Employee ID → one cell per day: a shift ID or None (day off)."""


class InstanceFormatError(ValueError):
    """An instance or roster file does not follow the benchmark format."""


@dataclass(frozen=True)
class Shift:
    """A shift type: its length and the shifts forbidden on the next day."""

    id: str
    minutes: int
    cannot_follow: tuple[str, ...]


@dataclass(frozen=True)
class Staff:
    """An employee with its hard limits over the horizon."""

    id: str
    max_shifts: Mapping[str, int]
    max_total_minutes: int
    min_total_minutes: int
    max_consecutive_shifts: int
    min_consecutive_shifts: int
    min_consecutive_days_off: int
    max_weekends: int


@dataclass(frozen=True)
class Request:
    """A soft wish for (on) or against (off) a shift on a day, with its penalty weight."""

    employee: str
    day: int
    shift: str
    weight: int


@dataclass(frozen=True)
class Cover:
    """Soft cover: the preferred staff on a shift on a day, with under/over weights."""

    day: int
    shift: str
    requirement: int
    under_weight: int
    over_weight: int


@dataclass(frozen=True)
class Instance:
    """One benchmark instance; day 0 is a Monday."""

    name: str
    horizon: int
    shifts: tuple[Shift, ...]
    staff: tuple[Staff, ...]
    days_off: Mapping[str, frozenset[int]]
    on_requests: tuple[Request, ...]
    off_requests: tuple[Request, ...]
    cover: tuple[Cover, ...]

    def shift(self, shift_id: str) -> Shift:
        """The shift type with this ID."""
        return next(s for s in self.shifts if s.id == shift_id)


def read_instance(path: str | Path) -> Instance:
    """Read an instance file (InstanceN.txt)."""
    path = Path(path)
    return parse_instance(path.read_text(encoding="utf-8"), path.stem)


def parse_instance(text: str, name: str = "") -> Instance:
    """Parse the text of an instance file."""
    sections = dict(_sections(text))
    try:
        return Instance(
            name=name,
            horizon=int(_only(sections, "SECTION_HORIZON")[0][0]),
            shifts=tuple(_shift(r) for r in sections.get("SECTION_SHIFTS", [])),
            staff=tuple(_staff(r) for r in sections.get("SECTION_STAFF", [])),
            days_off={
                r[0]: frozenset(int(d) for d in r[1:] if d) for r in _rows(sections, "DAYS_OFF")
            },
            on_requests=tuple(_request(r) for r in _rows(sections, "SHIFT_ON_REQUESTS")),
            off_requests=tuple(_request(r) for r in _rows(sections, "SHIFT_OFF_REQUESTS")),
            cover=tuple(_cover(r) for r in _rows(sections, "COVER")),
        )
    except (ValueError, IndexError) as error:
        raise InstanceFormatError(f"{name or 'instance'}: {error}") from error


def _sections(text: str) -> Iterator[tuple[str, list[list[str]]]]:
    """(section name, rows of stripped fields); comments skipped, blank lines end a section."""
    name: str | None = None
    rows: list[list[str]] = []
    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        if line.startswith("#"):
            continue
        if not line:
            if name is not None:
                yield name, rows
            name, rows = None, []
        elif name is None:
            name = line
        else:
            rows.append([field.strip() for field in line.split(",")])


def _rows(sections: Mapping[str, list[list[str]]], name: str) -> list[list[str]]:
    return sections.get(f"SECTION_{name}", [])


def _only(sections: Mapping[str, list[list[str]]], name: str) -> list[list[str]]:
    if name not in sections or not sections[name]:
        raise ValueError(f"missing {name}")
    return sections[name]


def _ids(field: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in field.split("|") if s.strip())


def _shift(row: list[str]) -> Shift:
    return Shift(row[0], int(row[1]), _ids(row[2]) if len(row) > 2 else ())


def _staff(row: list[str]) -> Staff:
    limits = {}
    for pair in _ids(row[1]):
        shift, _, most = pair.partition("=")
        limits[shift] = int(most)
    numbers = [int(v) for v in row[2:8]]
    return Staff(row[0], limits, *numbers)


def _request(row: list[str]) -> Request:
    return Request(row[0], int(row[1]), row[2], int(row[3]))


def _cover(row: list[str]) -> Cover:
    return Cover(int(row[0]), row[1], int(row[2]), int(row[3]), int(row[4]))


def verify_checksums(folder: str | Path) -> list[str]:
    """Names of files in `folder` whose SHA-256 differs from `SHA256SUMS` (missing included)."""
    folder = Path(folder)
    bad = []
    for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        digest, _, name = line.strip().partition("  ")
        target = folder / name.lstrip("*")
        if not target.exists() or hashlib.sha256(target.read_bytes()).hexdigest() != digest:
            bad.append(name)
    return bad


def format_roster(instance: Instance, roster: Roster) -> str:
    """The `.roster.txt` text: per employee its ID then one tab-separated cell per day."""
    lines = []
    for staff in instance.staff:
        cells = roster.get(staff.id, (None,) * instance.horizon)
        lines.append("\t".join([staff.id, *(c or "" for c in cells)]))
    return "\n".join(lines) + "\n"


def write_roster(path: str | Path, instance: Instance, roster: Roster) -> None:
    """Write a roster as `.roster.txt`."""
    Path(path).write_text(format_roster(instance, roster), encoding="utf-8")


def parse_roster(text: str) -> dict[str, tuple[str | None, ...]]:
    """Read `.roster.txt` text back (empty cells are days off)."""
    roster: dict[str, tuple[str | None, ...]] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        employee, *cells = line.split("\t")
        roster[employee] = tuple(c.strip() or None for c in cells)
    return roster


def read_roster(path: str | Path) -> dict[str, tuple[str | None, ...]]:
    """Read a `.roster.txt` file."""
    return parse_roster(Path(path).read_text(encoding="utf-8"))
