"""Small helpers on half-open time intervals [start, end) of aware datetimes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

Interval = tuple[datetime, datetime]
MINUTE = timedelta(minutes=1)


def overlap(a: Interval, b: Interval) -> timedelta:
    """Length of the intersection of two intervals (zero when disjoint)."""
    return max(timedelta(0), min(a[1], b[1]) - max(a[0], b[0]))


def subtract(base: Interval, cuts: Iterable[Interval]) -> list[Interval]:
    """The parts of `base` not covered by any of `cuts`, in time order."""
    parts = [base]
    for cut_start, cut_end in sorted(cuts):
        kept: list[Interval] = []
        for start, end in parts:
            if cut_end <= start or cut_start >= end:
                kept.append((start, end))
                continue
            if start < cut_start:
                kept.append((start, cut_start))
            if cut_end < end:
                kept.append((cut_end, end))
        parts = kept
    return parts


def ceil_minutes(delta: timedelta) -> int:
    """Whole minutes, rounded up: 10 min 1 s counts as 11 minutes (A-3)."""
    return -((-delta) // MINUTE)
