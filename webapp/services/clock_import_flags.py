"""Proxy-punching flags (A-6) for an imported file, found in memory rather than read back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from attendance.clock import detect_proxy_punching, events_by_device
from attendance.model import ClockEvent as DomainEvent
from attendance.settings import AttendanceSettings
from webapp.models import ClockEvent, ProxyFlag
from webapp.services.attendance_results import CHUNK, to_domain
from webapp.services.clock import events_near


def stored_near(session: Session, events: Sequence[DomainEvent], window_seconds: int
                ) -> list[DomainEvent]:  # fmt: skip
    """Events already stored on the devices of `events` within the window of them (A-6).

    Read before the import stores its own, so a file of 10^6 rows is never read back."""
    near = events_near(session, events_by_device(events), timedelta(seconds=window_seconds))
    return [to_domain(row) for rows in near.values() for row in rows]


def flag_new_pairs(
    session: Session,
    new: Sequence[DomainEvent],
    earlier: Sequence[DomainEvent],
    window_seconds: int,
) -> int:
    """Store a pending flag per pair involving a new (now stored) event, as
    `clock.flag_proxy_punching` would, unless already flagged; how many were stored (A-6)."""
    settings = AttendanceSettings(proxy_window_seconds=window_seconds)
    fresh = {e.event_id for e in new}
    pairs = [
        pair
        for pair in detect_proxy_punching(_close(new, earlier, window_seconds), settings)
        if pair.first.event_id in fresh or pair.second.event_id in fresh
    ]
    if not pairs:
        return 0
    keys = sorted({e.event_id for pair in pairs for e in (pair.first, pair.second)})
    pk: dict[str, int] = {}
    for start in range(0, len(keys), CHUNK):
        rows = session.execute(
            select(ClockEvent.event_id, ClockEvent.id)
            .where(ClockEvent.event_id.in_(keys[start : start + CHUNK]))
        )  # fmt: skip
        pk.update({row.event_id: row.id for row in rows})
    firsts = sorted({pk[pair.first.event_id] for pair in pairs})
    known: set[tuple[int, int]] = set()
    for start in range(0, len(firsts), CHUNK):
        known |= {
            (row.first_event_id, row.second_event_id)
            for row in session.execute(
                select(ProxyFlag.first_event_id, ProxyFlag.second_event_id)
                .where(ProxyFlag.first_event_id.in_(firsts[start : start + CHUNK]))
            )
        }  # fmt: skip
    flags = [
        {"device": pair.device, "first_event_id": pk[pair.first.event_id],
         "second_event_id": pk[pair.second.event_id], "gap_seconds": int(pair.gap_seconds)}
        for pair in pairs
        if (pk[pair.first.event_id], pk[pair.second.event_id]) not in known
    ]  # fmt: skip
    if flags:
        session.execute(insert(ProxyFlag), flags)
    return len(flags)


def _close(new: Sequence[DomainEvent], earlier: Sequence[DomainEvent], window_seconds: int
           ) -> list[DomainEvent]:  # fmt: skip
    """Events with another event on their device within the window: the only ones that can
    be in a pair. Sorting 10^6 timestamps in numpy instead of comparing datetimes in Python."""
    close: list[DomainEvent] = []
    for mine in events_by_device((*new, *earlier)).values():
        moments = np.fromiter((e.at.timestamp() for e in mine), float, len(mine))
        order = np.argsort(moments, kind="stable")
        near = np.diff(moments[order]) <= window_seconds + 1  # a margin for float rounding
        keep = np.zeros(len(mine), dtype=bool)
        keep[:-1] |= near
        keep[1:] |= near
        close += [mine[i] for i in order[keep].tolist()]
    return close
