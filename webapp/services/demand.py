"""Coverage from demand (S-2): a call-volume forecast becomes required agents per slot by
Erlang C with a service-level target and a maximum occupancy, then the site's coverage."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import CoverageRequirement, Employee
from webapp.services import audit, org
from webapp.services.errors import ServiceError
from webapp.site_settings import effective_settings

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_AGENTS = 5000  # a slot needing more is a typo in the forecast, not a call center


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability by the recursion B(0)=1, B(n)=A·B(n−1)/(n+A·B(n−1)); stable for
    thousands of agents because no factorial or power is ever formed."""
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a call waits: C = n·B / (n − A·(1 − B)); 1 when n ≤ A (queue grows)."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    blocking = erlang_b(agents, traffic)
    return agents * blocking / (agents - traffic * (1 - blocking))


def service_level(agents: int, traffic: float, aht: float, answer_within: float) -> float:
    """Share of calls answered within `answer_within` seconds: 1 − C·e^(−(n−A)·T/AHT)."""
    if traffic <= 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    wait = erlang_c(agents, traffic)
    return 1.0 - wait * math.exp(-(agents - traffic) * answer_within / aht)


def agents_needed(
    calls: float,
    aht: float,
    interval_seconds: float,
    target: float = 0.80,
    answer_within: float = 15.0,
    max_occupancy: float = 0.85,
) -> int:
    """The fewest agents that answer `target` of the calls within `answer_within` seconds and
    stay at or under `max_occupancy` (A/n); 0 when no calls are expected."""
    if calls <= 0 or aht <= 0:
        return 0
    traffic = calls * aht / interval_seconds
    agents = max(1, math.ceil(traffic / max_occupancy - 1e-9))
    while service_level(agents, traffic, aht, answer_within) < target:
        agents += 1
        if agents > MAX_AGENTS:
            raise ServiceError(
                f"{calls:g} calls of {aht:g} s need more than {MAX_AGENTS} agents in one slot",
                field="file",
                rule="S-2",
            )
    return agents


@dataclass(frozen=True)
class ForecastRow:
    """One forecast line: the weekday (0 = Monday) and slot start, calls and handle time."""

    weekday: int
    minute: int
    calls: float
    aht: float


def parse_forecast(data: bytes, slot_minutes: int) -> list[ForecastRow]:
    """Read `weekday|date,interval_start,calls_offered,aht_seconds` (UTF-8, header row).

    All rows or none: every bad line is listed in one ServiceError naming line and column.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ServiceError("the file is not UTF-8 text", field="file") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    day_column = "weekday" if "weekday" in header else "date" if "date" in header else None
    missing = [c for c in ("interval_start", "calls_offered", "aht_seconds") if c not in header]
    if day_column is None or missing:
        need = ", ".join((["weekday or date"] if day_column is None else []) + missing)
        raise ServiceError(f"the header row lacks: {need}", field="file")
    rows, problems = [], []
    for number, raw in enumerate(reader, start=2):
        line = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        try:
            rows.append(_row(line, day_column, slot_minutes))
        except ValueError as error:
            problems.append(f"line {number}: {error}")
    if problems:
        raise ServiceError("; ".join(problems[:10]), field="file", rule="S-2")
    if not rows:
        raise ServiceError("the file has no forecast rows", field="file")
    return rows


def _row(line: dict[str, str], day_column: str, slot_minutes: int) -> ForecastRow:
    value = line.get(day_column, "")
    if day_column == "date":
        try:
            weekday = dt.date.fromisoformat(value).weekday()
        except ValueError:
            raise ValueError(f"date {value!r} is not YYYY-MM-DD") from None
    elif value.isdigit() and int(value) < 7:
        weekday = int(value)
    elif value.lower()[:3] in WEEKDAY_NAMES:
        weekday = WEEKDAY_NAMES.index(value.lower()[:3])
    else:
        raise ValueError(f"weekday {value!r} is not 0 (Monday)..6 or Mon..Sun")
    try:
        start = dt.time.fromisoformat(line.get("interval_start", ""))
    except ValueError:
        raise ValueError(f"interval_start {line.get('interval_start')!r} is not HH:MM") from None
    minute = start.hour * 60 + start.minute
    if minute % slot_minutes or start.second:
        raise ValueError(f"interval_start {start:%H:%M} is not on a {slot_minutes}-minute slot")
    calls = _number(line, "calls_offered")
    aht = _number(line, "aht_seconds")
    if calls > 0 and aht <= 0:
        raise ValueError("aht_seconds must be above 0 when calls are offered")
    return ForecastRow(weekday, minute, calls, aht)


def _number(line: dict[str, str], column: str) -> float:
    try:
        value = float(line.get(column, ""))
    except ValueError:
        raise ValueError(f"{column} {line.get(column)!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{column} must be 0 or more")
    return value


@dataclass(frozen=True)
class Targets:
    """The site's Erlang C targets (settings of S-2)."""

    slot_minutes: int
    service_level: float
    answer_within: float
    max_occupancy: float


def site_targets(site_settings: dict[str, object] | None) -> Targets:
    """Slot length, service level (default 80 % in 15 s) and occupancy (85 %) of a site."""
    values = effective_settings(site_settings or {})
    return Targets(
        slot_minutes=int(values["slot_minutes"]),  # type: ignore[arg-type]
        service_level=float(values["service_level_percent"]) / 100,  # type: ignore[arg-type]
        answer_within=float(values["service_level_seconds"]),  # type: ignore[arg-type]
        max_occupancy=float(values["max_occupancy_percent"]) / 100,  # type: ignore[arg-type]
    )


def requirement_curve(rows: list[ForecastRow], targets: Targets) -> list[list[int]]:
    """Required agents per weekday (7 lists) and slot; several dates of one weekday keep
    the highest need."""
    slots = 1440 // targets.slot_minutes
    curve = [[0] * slots for _ in range(7)]
    for row in rows:
        need = agents_needed(
            row.calls,
            row.aht,
            targets.slot_minutes * 60,
            targets.service_level,
            targets.answer_within,
            targets.max_occupancy,
        )
        slot = row.minute // targets.slot_minutes
        curve[row.weekday][slot] = max(curve[row.weekday][slot], need)
    return curve


def curve_windows(curve: list[list[int]], slot_minutes: int) -> list[tuple[str, int, int, int]]:
    """(weekdays, from minute, to minute, minimum): equal consecutive slots merged into one
    window, and weekdays with the same window merged; slots needing 0 are left out."""
    by_window: dict[tuple[int, int, int], list[str]] = {}
    for weekday, needs in enumerate(curve):
        start = 0
        for i in range(1, len(needs) + 1):
            if i < len(needs) and needs[i] == needs[start]:
                continue
            if needs[start] > 0:
                key = (start * slot_minutes, i * slot_minutes, needs[start])
                by_window.setdefault(key, []).append(str(weekday))
            start = i
    out = [("".join(days), a, b, n) for (a, b, n), days in by_window.items()]
    return sorted(out, key=lambda w: (w[0], w[1]))


def check_curve(curve: object, slot_minutes: int) -> list[list[int]]:
    """A curve posted back by the confirm form: 7 lists of whole numbers 0..MAX_AGENTS."""
    slots = 1440 // slot_minutes
    ok = (
        isinstance(curve, list)
        and len(curve) == 7
        and all(isinstance(day, list) and len(day) == slots for day in curve)
        and all(
            isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= MAX_AGENTS
            for day in curve
            for n in day
        )
    )
    if not ok:
        raise ServiceError(
            f"the curve must be 7 days of {slots} slots of 0..{MAX_AGENTS} agents: upload again",
            field="curve",
            rule="S-2",
        )
    return curve  # type: ignore[return-value]


def replace_weekday_coverage(
    session: Session, actor: Employee, site_id: int, curve: list[list[int]]
) -> list[CoverageRequirement]:
    """Replace the site's weekday windows without a skill by the curve's windows (audited
    one by one); date windows and skill windows (R-7) stay."""
    site = org.get_site(session, site_id)
    slot = site_targets(site.settings).slot_minutes
    check_curve(curve, slot)
    old = session.scalars(
        select(CoverageRequirement).where(
            CoverageRequirement.site_id == site_id,
            CoverageRequirement.weekdays.is_not(None),
            CoverageRequirement.skill.is_(None),
        )
    )
    for row in list(old):
        org.delete_coverage(session, actor, site_id, row.id)
    session.flush()
    made = [
        org.add_coverage(
            session,
            actor,
            site_id,
            weekdays=days,
            on_date=None,
            from_minute=start,
            to_minute=end,
            minimum=need,
            skill=None,
        )
        for days, start, end, need in curve_windows(curve, slot)
    ]
    audit.record(session, actor, "coverage.from_demand", site, None, {"windows": len(made)})
    return made
