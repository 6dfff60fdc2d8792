"""Independent roster checker written from FORMATS.md wording (shares no model code)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from scheduler.problem import Assignment, Problem
from scheduler.result import Result

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Violation:
    """A broken rule: its SPEC ID (or family name) and what is wrong."""

    rule: str
    message: str


def _span(date: dt.date, start: dt.time, end: dt.time) -> tuple[dt.datetime, dt.datetime]:
    """Wall-clock interval of a daily window; an end not after start is the next day."""
    begin = dt.datetime.combine(date, start)
    finish = dt.datetime.combine(date, end)
    return begin, finish + ONE_DAY if finish <= begin else finish


class _Roster:
    """The roster seen through FORMATS.md: intervals, breaks, paid time."""

    def __init__(self, problem: Problem, result: Result) -> None:
        self.problem = problem
        self.shifts = {s.code: s for s in problem.shift_types}
        self.breaks = {b.shift: b for b in problem.breaks}
        self.by_agent: dict[str, list[Assignment]] = defaultdict(list)
        for a in sorted(result.assignments, key=lambda a: (a.agent, a.date)):
            self.by_agent[a.agent].append(a)
        self.works = {(a.agent, a.date): a for a in result.assignments}
        self.leave = {(u.agent, u.date) for u in problem.unavailable}
        self.dates = [problem.horizon.start + ONE_DAY * i for i in range(problem.horizon.days)]

    def interval(self, a: Assignment) -> tuple[dt.datetime, dt.datetime]:
        """Start and end of an assignment's shift."""
        shift = self.shifts[a.shift]
        return _span(a.date, shift.start, shift.end)

    def break_interval(self, a: Assignment) -> tuple[dt.datetime, dt.datetime] | None:
        """Start and end of an assignment's break, if it has one."""
        rule = self.breaks.get(a.shift)
        if rule is None or a.break_start is None:
            return None
        start = dt.datetime.combine(a.date, a.break_start)
        if start < self.interval(a)[0]:
            start += ONE_DAY
        return start, start + dt.timedelta(minutes=rule.minutes)

    def paid(self, a: Assignment) -> float:
        """Paid minutes: shift length minus break."""
        begin, end = self.interval(a)
        rule = self.breaks.get(a.shift)
        return (end - begin).total_seconds() / 60 - (rule.minutes if rule else 0)

    def on_duty(self, a: Assignment, begin: dt.datetime, end: dt.datetime) -> bool:
        """The shift covers the whole slot and the break does not touch it."""
        start, finish = self.interval(a)
        if not (start <= begin and end <= finish):
            return False
        pause = self.break_interval(a)
        return pause is None or not (pause[0] < end and begin < pause[1])


def check_roster(problem: Problem, result: Result) -> list[Violation]:
    """Every hard-rule violation of a roster (coverage shortfalls listed in `uncovered` pass)."""
    agents = {a.id for a in problem.agents}
    codes = {s.code for s in problem.shift_types}
    unknown = [
        Violation("format", f"{a.agent} on {a.date}: unknown agent or shift {a.shift}")
        for a in result.assignments
        if a.agent not in agents or a.shift not in codes
    ]
    unknown += [
        Violation("format", f"{d.agent} on {d.date}: unknown agent")
        for d in result.rest_days
        if d.agent not in agents
    ]
    if unknown:
        return unknown
    roster = _Roster(problem, result)
    out: list[Violation] = []
    out += _check_days(roster, result)
    out += _check_sequences(roster)
    out += _check_teams(roster, result)
    out += _check_coverage(roster, result)
    out += _check_breaks(roster)
    out += _check_limits(roster)
    return out


def _check_days(r: _Roster, result: Result) -> list[Violation]:
    out = []
    agents = {a.id: a for a in r.problem.agents}
    counts: dict[tuple[str, dt.date], int] = defaultdict(int)
    for a in result.assignments:
        counts[a.agent, a.date] += 1
        if (a.agent, a.date) in r.leave:
            out.append(Violation("R-6", f"{a.agent} works {a.shift} on {a.date} while unavailable"))
        skill = r.shifts[a.shift].skill
        if skill is not None and skill not in agents[a.agent].skills:
            out.append(Violation("R-7", f"{a.agent} lacks {skill} for {a.shift} on {a.date}"))
    out += [
        Violation("R-1", f"{k[0]} has {n} shifts on {k[1]}") for k, n in counts.items() if n > 1
    ]
    rests = {(d.agent, d.date) for d in result.rest_days}
    for agent in r.problem.agents:
        for date in r.dates:
            kinds = [(agent.id, date) in s for s in (r.works, rests, r.leave)]
            if sum(kinds) != 1:
                out.append(
                    Violation(
                        "format",
                        f"{agent.id} on {date}: not exactly one of "
                        "assignment, rest day, unavailable",
                    )
                )
    for f in r.problem.fixed:
        done = r.works.get((f.agent, f.date))
        if done is None or done.shift != f.shift:
            out.append(Violation("fixed", f"{f.agent} must work {f.shift} on {f.date}"))
        elif f.break_start is not None and done.break_start != f.break_start:
            out.append(Violation("fixed", f"{f.agent} must break at {f.break_start} on {f.date}"))
    return out


def _check_sequences(r: _Roster) -> list[Violation]:
    """R-3 days in a row (with history) and R-5 rest between shifts (with history)."""
    out = []
    limit = r.problem.rules.max_days_in_a_row
    rest = r.problem.rules.min_rest_hours
    for agent in r.problem.agents:
        run = agent.history.days_worked_in_a_row
        for date in r.dates:
            run = run + 1 if (agent.id, date) in r.works else 0
            if limit is not None and run > limit:
                out.append(Violation("R-3", f"{agent.id} works {run} days in a row up to {date}"))
        previous_end = agent.history.last_shift_end
        for a in r.by_agent[agent.id]:
            begin, end = r.interval(a)
            gap = (begin - previous_end).total_seconds() / 3600 if previous_end else None
            if gap is not None and rest is not None and gap < rest:
                out.append(Violation("R-5", f"{agent.id}: {gap:g} h rest before {a.date}"))
            previous_end = end
    return out


def _check_teams(r: _Roster, result: Result) -> list[Violation]:
    """R-4 rests per team per day and R-8 a working colleague of the same team as cover."""
    out = []
    team_of = {a.id: a.team for a in r.problem.agents}
    cap = r.problem.rules.max_rest_days_per_team_per_day
    resting: dict[tuple[str, dt.date], int] = defaultdict(int)
    for day in result.rest_days:
        resting[team_of[day.agent], day.date] += 1
        if not r.problem.rules.require_cover:
            continue
        if (
            day.cover is None
            or day.cover == day.agent
            or team_of.get(day.cover) != team_of[day.agent]
            or (day.cover, day.date) not in r.works
        ):
            out.append(Violation("R-8", f"{day.agent} rests on {day.date} without a cover"))
    if cap is not None:
        for (team, date), n in resting.items():
            if n > cap:
                out.append(Violation("R-4", f"team {team}: {n} rest on {date}, cap {cap}"))
    return out


def _check_coverage(r: _Roster, result: Result) -> list[Violation]:
    """S-2/R-2, R-7: agents on duty (with the skill) per slot; gaps must be in `uncovered`."""
    step = dt.timedelta(minutes=r.problem.slot_minutes)
    skills = {a.id: a.skills for a in r.problem.agents}
    horizon_start = dt.datetime.combine(r.dates[0], dt.time(0))
    horizon_end = dt.datetime.combine(r.dates[-1] + ONE_DAY, dt.time(0))
    excused: dict[tuple[dt.datetime, str | None], int] = defaultdict(int)
    for u in result.uncovered:
        begin, end = _span(u.date, u.start, u.end)
        while begin < end:
            excused[begin, u.skill] = max(excused[begin, u.skill], u.missing)
            begin += step
    out = []
    for date in r.dates:
        for window in r.problem.coverage:
            if not window.applies_on(date):
                continue
            begin, end = _span(date, window.start, window.end)
            slot = horizon_start + step * ((begin - horizon_start) // step)
            while slot < min(end, horizon_end):
                have = _on_duty_count(r, slot, slot + step, window.skill, skills)
                short = window.min - have - excused[slot, window.skill]
                if short > 0:
                    out.append(
                        Violation(
                            "R-2",
                            f"{slot:%Y-%m-%d %H:%M}: {have} on duty "
                            f"(skill {window.skill}), {window.min} required",
                        )
                    )
                slot += step
    return out


def _on_duty_count(
    r: _Roster,
    begin: dt.datetime,
    end: dt.datetime,
    skill: str | None,
    skills: dict[str, frozenset[str]],
) -> int:
    count = 0
    for agent in r.problem.agents:
        if skill is not None and skill not in skills[agent.id]:
            continue
        last = agent.history.last_shift_end
        previous_night = (
            last is not None
            and last >= end
            and begin >= dt.datetime.combine(r.dates[0], dt.time(0))
        )
        today = [r.works.get((agent.id, begin.date() - ONE_DAY * k)) for k in (0, 1)]
        if previous_night or any(a is not None and r.on_duty(a, begin, end) for a in today):
            count += 1
    return count


def _check_breaks(r: _Roster) -> list[Violation]:
    """S-3: every assignment of a shift with a break has a valid start; min_on_duty holds."""
    out = []
    step = dt.timedelta(minutes=r.problem.slot_minutes)
    for rule in r.problem.breaks:
        working = [a for a in r.works.values() if a.shift == rule.shift]
        for a in working:
            if a.break_start not in rule.start_options:
                out.append(Violation("S-3", f"{a.agent} on {a.date}: bad break {a.break_start}"))
        for date in r.dates:
            today = [a for a in working if a.date == date]
            shift_begin, shift_end = _span(
                date, r.shifts[rule.shift].start, r.shifts[rule.shift].end
            )
            for window in rule.min_on_duty:
                begin, end = _span(date, window.start, window.end)
                if begin < shift_begin:
                    begin, end = begin + ONE_DAY, end + ONE_DAY
                while begin < min(end, shift_end):
                    stop = min(begin + step, end)
                    have = sum(1 for a in today if r.on_duty(a, begin, stop))
                    if have < window.min:
                        out.append(
                            Violation(
                                "S-3",
                                f"{rule.shift} {begin:%Y-%m-%d %H:%M}: "
                                f"{have} not on break, {window.min} required",
                            )
                        )
                    begin = stop
    return out


def _check_limits(r: _Roster) -> list[Violation]:
    """R-12 weekly hours and the optional per-agent families of FORMATS §1."""
    out = []
    for agent in r.problem.agents:
        mine = r.by_agent[agent.id]
        for week in range(0, len(r.dates), 7):
            block = set(r.dates[week : week + 7])
            hours = sum(r.paid(a) for a in mine if a.date in block) / 60
            if agent.max_hours_week is not None and hours > agent.max_hours_week:
                out.append(Violation("R-12", f"{agent.id}: {hours:g} h in week {week // 7 + 1}"))
        for code, most in agent.max_shifts.items():
            if sum(1 for a in mine if a.shift == code) > most:
                out.append(Violation("max_shifts", f"{agent.id}: more than {most} {code}"))
        minutes = sum(r.paid(a) for a in mine)
        if agent.max_minutes is not None and minutes > agent.max_minutes:
            out.append(Violation("max_minutes", f"{agent.id}: {minutes:g} minutes"))
        if agent.min_minutes is not None and minutes < agent.min_minutes:
            out.append(Violation("min_minutes", f"{agent.id}: {minutes:g} minutes"))
        out += _check_runs(
            r,
            agent.id,
            agent.min_consecutive_days,
            agent.max_consecutive_days,
            agent.min_consecutive_days_off,
            agent.history.days_worked_in_a_row,
        )
        weekends = {d.isocalendar()[:2] for d in (a.date for a in mine) if d.weekday() >= 5}
        if agent.max_weekends is not None and len(weekends) > agent.max_weekends:
            out.append(Violation("max_weekends", f"{agent.id}: {len(weekends)} weekends"))
        for a in mine:
            after = r.works.get((agent.id, a.date + ONE_DAY))
            if after is not None and after.shift in r.shifts[a.shift].forbidden_next:
                out.append(
                    Violation(
                        "forbidden_next", f"{agent.id}: {a.shift} then {after.shift} on {a.date}"
                    )
                )
    return out


def _check_runs(
    r: _Roster,
    agent: str,
    min_work: int | None,
    max_work: int | None,
    min_off: int | None,
    before: int,
) -> list[Violation]:
    """Runs of working days and days off; outside days are off; edge runs of days off pass.

    Edge runs of working days pass `min_work` too unless `rules.min_consecutive_days_at_edges`.
    """
    pattern = [(agent, d) in r.works for d in r.dates]
    runs: list[tuple[bool, int, int]] = []
    start = 0
    for i in range(1, len(pattern) + 1):
        if i == len(pattern) or pattern[i] != pattern[start]:
            runs.append((pattern[start], start, i))
            start = i
    out = []
    for working, begin, end in runs:
        length = end - begin + (before if working and begin == 0 else 0)
        if working and max_work is not None and length > max_work:
            out.append(
                Violation("max_consecutive_days", f"{agent}: {length} days from day {begin}")
            )
        inner = begin > 0 and end < len(pattern)
        edges_count = r.problem.rules.min_consecutive_days_at_edges
        if working and min_work is not None and length < min_work and (inner or edges_count):
            out.append(
                Violation("min_consecutive_days", f"{agent}: {length} days from day {begin}")
            )
        if not working and inner and min_off is not None and length < min_off:
            out.append(
                Violation("min_consecutive_days_off", f"{agent}: {length} off from day {begin}")
            )
    return out
