"""Conflicts among hard rules proven by counting, before any search (explanations in words)."""

from __future__ import annotations

import datetime as dt

from scheduler import problem as p
from scheduler.timeline import minutes_between, shift_interval


def fixed_conflicts(problem: p.Problem) -> list[str]:
    """Fixed assignments against leave (R-6), skills (R-7), `max_shifts` 0, each other (R-1,
    R-3, R-5)."""
    out = []
    agents = {a.id: a for a in problem.agents}
    leave = {(u.agent, u.date): u.reason for u in problem.unavailable}
    by_agent: dict[str, dict[dt.date, p.Assignment]] = {}
    for fixed in problem.fixed:
        agent, shift = agents[fixed.agent], problem.shift(fixed.shift)
        what = f"{fixed.agent}: fixed {fixed.shift} on {fixed.date}"
        if (fixed.agent, fixed.date) in leave:
            out.append(f"{what} but unavailable that day ({leave[fixed.agent, fixed.date]}, R-6)")
        if shift.skill is not None and shift.skill not in agent.skills:
            out.append(f"{what} needs skill {shift.skill} the agent lacks (R-7)")
        if agent.max_shifts.get(shift.code) == 0:
            out.append(f"{what} but max_shifts allows no {shift.code}")
        day = by_agent.setdefault(fixed.agent, {})
        if fixed.date in day and day[fixed.date].shift != fixed.shift:
            out.append(f"{what} and {day[fixed.date].shift} the same day (R-1)")
        day[fixed.date] = fixed
    for agent_id, days in by_agent.items():
        out += _fixed_rest(problem, agents[agent_id], days)
        out += _fixed_runs(problem, agents[agent_id], days)
    return out


def _fixed_rest(problem: p.Problem, agent: p.Agent, days: dict[dt.date, p.Assignment]) -> list[str]:
    hours = problem.rules.min_rest_hours or 0
    out = []
    previous_end = (
        minutes_between(problem.horizon, agent.history.last_shift_end)
        if agent.history.last_shift_end
        else None
    )
    previous = "the previous roster's last shift"
    for date in sorted(days):
        fixed = days[date]
        start, end = shift_interval(problem.shift(fixed.shift), problem.horizon.index(date))
        if previous_end is not None and start - previous_end < hours * 60:
            out.append(
                f"{agent.id}: fixed {fixed.shift} on {date} starts "
                f"{(start - previous_end) / 60:g} h after {previous}; "
                f"rest between shifts needs {hours:g} h (R-5)"
            )
        previous_end, previous = end, f"fixed {fixed.shift} on {date}"
    return out


def _fixed_runs(problem: p.Problem, agent: p.Agent, days: dict[dt.date, p.Assignment]) -> list[str]:
    limit = problem.rules.max_days_in_a_row
    if limit is None:
        return []
    run = agent.history.days_worked_in_a_row
    first = problem.horizon.start - dt.timedelta(days=run)
    for date in problem.horizon.dates():
        if date in days:
            run += 1
            if run > limit:
                return [
                    f"{agent.id}: fixed shifts make {run} working days in a row "
                    f"({first}…{date}), at most {limit} allowed (R-3)"
                ]
        else:
            run, first = 0, date + dt.timedelta(days=1)
    return []


def team_rest_conflicts(problem: p.Problem) -> list[str]:
    """R-3 rests a team needs in a window against the R-4 cap on rests per day."""
    limit = problem.rules.max_days_in_a_row
    cap = problem.rules.max_rest_days_per_team_per_day
    if limit is None or cap is None:
        return []
    leave = {(u.agent, problem.horizon.index(u.date)) for u in problem.unavailable}
    dates = problem.horizon.dates()
    out = []
    for team, members in problem.teams().items():
        windows = [(0, length) for length in range(1, limit + 1)]
        windows += [(i, limit + 1) for i in range(problem.horizon.days - limit)]
        for start, length in windows:
            days = range(start, start + length)
            if days.stop > problem.horizon.days:
                continue
            needing = [
                a.id
                for a in members
                if (
                    length > limit
                    or (start == 0 and a.history.days_worked_in_a_row + length > limit)
                )
                and not any((a.id, d) in leave for d in days)
            ]
            if len(needing) <= cap * length:
                continue
            span = (
                f"in {span_in_words(dates[start], dates[days[-1]])}"
                if length > 1
                else f"on {dates[start]}"
            )
            why = (
                f"each need a rest day {span} (R-3)"
                if length > limit
                else f"must rest {span} after their days worked in a row before the horizon (R-3)"
            )
            who = f"{len(needing)} agents ({names_in_words(needing)})"
            out.append(
                f"team {team}: {who} {why}, at most {cap} may rest per day (R-4): "
                f"{cap * length} < {len(needing)}"
            )
            break
    return out


def names_in_words(ids: list[str], most: int = 12) -> str:
    """Agent IDs for a sentence; long lists are cut after `most`."""
    if not ids:
        return "nobody"
    if len(ids) <= most:
        return ", ".join(ids)
    return f"{', '.join(ids[:most])} and {len(ids) - most} more"


def span_in_words(first: dt.date, last: dt.date) -> str:
    """A date range: 2026-11-23…29 within a month, 2026-11-30…2026-12-06 across months."""
    if first == last:
        return str(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first}…{last.day:02d}"
    return f"{first}…{last}"
