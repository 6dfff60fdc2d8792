"""Coverage of a roster per slot (S-2, R-7): required vs on duty, and the R-2 shortfalls."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from scheduler import problem as p
from scheduler.result import Result, Uncovered

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Profile:
    """Per skill (None = anyone), required and on-duty counts for every slot of the horizon."""

    start: dt.date
    days: int
    slot_minutes: int
    required: dict[str | None, list[int]]
    on_duty: dict[str | None, list[int]]
    first_reachable: int = 0

    @property
    def slots_per_day(self) -> int:
        """Slots in one day."""
        return 1440 // self.slot_minutes

    def day(self, index: int, skill: str | None = None) -> tuple[list[int], list[int]]:
        """(required, on duty) of one day for one skill."""
        n = self.slots_per_day
        req = self.required.get(skill, [0] * (self.days * n))
        have = self.on_duty.get(skill, [0] * (self.days * n))
        return req[index * n : (index + 1) * n], have[index * n : (index + 1) * n]


def _span(date: dt.date, start: dt.time, end: dt.time) -> tuple[dt.datetime, dt.datetime]:
    begin, finish = dt.datetime.combine(date, start), dt.datetime.combine(date, end)
    return begin, finish + ONE_DAY if finish <= begin else finish


def profile(problem: p.Problem, result: Result) -> Profile:
    """Required and on-duty agents per slot, counting breaks (S-3) and the previous night."""
    step = problem.slot_minutes
    n = problem.horizon.days * (1440 // step)
    origin = dt.datetime.combine(problem.horizon.start, dt.time(0))
    skills: set[str | None] = {None} | {w.skill for w in problem.coverage}
    required = {s: [0] * n for s in skills}
    on_duty = {s: [0] * n for s in skills}

    def index(moment: dt.datetime) -> int:
        return int((moment - origin).total_seconds() // 60) // step

    def ceil_index(moment: dt.datetime) -> int:
        return -(-int((moment - origin).total_seconds() // 60) // step)

    for date in [problem.horizon.start - ONE_DAY, *problem.horizon.dates()]:
        for w in problem.coverage:
            if not w.applies_on(date):
                continue
            begin, end = _span(date, w.start, w.end)
            for i in range(max(0, index(begin)), min(n, ceil_index(end))):
                slot = origin + dt.timedelta(minutes=i * step)
                if begin <= slot < end:
                    required[w.skill][i] = max(required[w.skill][i], w.min)
    agent_skills = {a.id: a.skills for a in problem.agents}
    shifts = {s.code: s for s in problem.shift_types}
    breaks = {b.shift: b for b in problem.breaks}
    first_day = problem.horizon.start.toordinal()
    for a in result.assignments:
        # Whole minutes from the horizon's first midnight: no datetimes in the hot loop.
        shift = shifts[a.shift]
        begin = (a.date.toordinal() - first_day) * 1440 + shift.start_minute
        end = begin + shift.length_minutes
        pause = _pause_minutes(a, breaks.get(a.shift), begin, first_day)
        skills = agent_skills.get(a.agent, frozenset())
        for i in range(max(0, -(-begin // step)), min(n, end // step)):
            slot = i * step
            if pause and pause[0] < slot + step and slot < pause[1]:
                continue
            _count(on_duty, i, skills)
    for agent in problem.agents:
        last = agent.history.last_shift_end
        if last is not None and last > origin:
            for i in range(0, min(n, index(last))):
                _count(on_duty, i, agent.skills)
    # Before the first shift of day one only the previous roster's night can be on duty.
    earliest = min((s.start_minute for s in problem.shift_types), default=0) // step
    return Profile(problem.horizon.start, problem.horizon.days, step, required, on_duty, earliest)


def _pause_minutes(
    a: p.Assignment, rule: p.BreakRule | None, begin: int, first_day: int
) -> tuple[int, int] | None:
    """The break as minutes from the horizon start (a break before the start is next day)."""
    if rule is None or a.break_start is None:
        return None
    start = (a.date.toordinal() - first_day) * 1440
    start += a.break_start.hour * 60 + a.break_start.minute
    if start < begin:
        start += 1440
    return start, start + rule.minutes


def _count(on_duty: dict[str | None, list[int]], i: int, skills: frozenset[str]) -> None:
    for skill, counts in on_duty.items():
        if skill is None or skill in skills:
            counts[i] += 1


def shortfalls(prof: Profile, excused: tuple[Uncovered, ...] = ()) -> list[tuple[str, str]]:
    """R-2 violations as (rule, words), consecutive short slots merged into one window.

    Slots of day one before any shift can start are left to the previous roster.
    """
    step = dt.timedelta(minutes=prof.slot_minutes)
    origin = dt.datetime.combine(prof.start, dt.time(0))
    allowed: dict[tuple[str | None, int], int] = defaultdict(int)
    for u in excused:
        begin, end = _span(u.date, u.start, u.end)
        while begin < end:
            i = int((begin - origin) / step)
            allowed[u.skill, i] = max(allowed[u.skill, i], u.missing)
            begin += step
    out = []
    for skill in sorted(prof.required, key=lambda s: s or ""):
        req, have = prof.required[skill], prof.on_duty[skill]
        run: list[int] = []
        for i in range(len(req) + 1):
            short = (
                prof.first_reachable <= i < len(req) and req[i] - have[i] - allowed[skill, i] > 0
            )
            if short:
                run.append(i)
                continue
            if run:
                out.append(("R-2", _words(origin, step, run, req, have, skill)))
                run = []
    return out


def _words(
    origin: dt.datetime,
    step: dt.timedelta,
    run: list[int],
    req: list[int],
    have: list[int],
    skill: str | None,
) -> str:
    begin, end = origin + step * run[0], origin + step * (run[-1] + 1)
    missing = max(req[i] - have[i] for i in run)
    who = f"agents with skill {skill}" if skill else "agents"
    return (
        f"{begin:%Y-%m-%d %H:%M}–{end:%H:%M}: up to {missing} {who} missing on duty "
        f"({min(have[i] for i in run)} on duty, {max(req[i] for i in run)} required)"
    )
