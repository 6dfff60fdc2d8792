"""General hard-rule families (optional fields; Curtois & Qu benchmark): day-level patterns."""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.constraints import add_max_days_in_a_row
from scheduler.guards import Guards, RuleInstance
from scheduler.variables import Expr, Variables


def add_all(v: Variables, guards: Guards) -> None:
    """Every optional per-agent and per-shift family present in the problem."""
    for a, agent in enumerate(v.problem.agents):
        if agent.max_consecutive_days is not None:
            add_max_days_in_a_row(v, guards, a, agent.max_consecutive_days, "max_consecutive_days")
        if agent.min_consecutive_days is not None:
            add_min_consecutive_days(v, guards, a, agent.min_consecutive_days)
        if agent.min_consecutive_days_off is not None:
            add_min_consecutive_days_off(v, guards, a, agent.min_consecutive_days_off)
        if agent.max_weekends is not None:
            add_max_weekends(v, guards, a, agent.max_weekends)
        add_max_shifts_per_type(v, guards, a)
        add_total_minutes(v, guards, a)
    add_forbidden_successions(v, guards)


def _forbid(v: Variables, pattern: list[tuple[Expr, bool]], enforce: list[cp_model.IntVar]) -> None:
    """Forbid that every (literal or constant, value) of a pattern holds at once."""
    clause = []
    for term, value in pattern:
        if isinstance(term, int):
            if bool(term) != value:
                return
            continue
        assert isinstance(term, cp_model.IntVar)
        clause.append(term.Not() if value else term)
    v.model.add_bool_or(clause).only_enforce_if(enforce)


def _worked(v: Variables, a: int, d: int) -> Expr:
    """Work on day d; days before the horizon follow the history, days after are off."""
    if d < 0:
        return 1 if -d <= v.problem.agents[a].history.days_worked_in_a_row else 0
    return v.works(a, d) if d < v.days else 0


def add_min_consecutive_days(v: Variables, guards: Guards, a: int, least: int) -> None:
    """Every run of working days has at least `least` days (days outside count as off).

    With `rules.min_consecutive_days_at_edges` false, runs touching the first or the last
    day of the horizon are exempt.
    """
    agent = v.problem.agents[a]
    enforce = guards.of(RuleInstance("min_consecutive_days", agent.id, detail=f"{least}"))
    at_edges = v.problem.rules.min_consecutive_days_at_edges
    for length in range(1, least):
        starts = range(-length, v.days) if at_edges else range(1, v.days - length)
        for start in starts:
            run = [(_worked(v, a, d), True) for d in range(start, start + length)]
            edges = [(_worked(v, a, start - 1), False), (_worked(v, a, start + length), False)]
            if any(not isinstance(t, int) for t, _ in run):
                _forbid(v, [*edges, *run], enforce)


def add_min_consecutive_days_off(v: Variables, guards: Guards, a: int, least: int) -> None:
    """Every run of days off inside the horizon has at least `least` days (edge runs exempt)."""
    agent = v.problem.agents[a]
    enforce = guards.of(RuleInstance("min_consecutive_days_off", agent.id, detail=f"{least}"))
    for length in range(1, least):
        for start in range(1, v.days - length):
            run = [(v.works(a, d), False) for d in range(start, start + length)]
            edges = [(v.works(a, start - 1), True), (v.works(a, start + length), True)]
            _forbid(v, [*edges, *run], enforce)


def add_max_weekends(v: Variables, guards: Guards, a: int, most: int) -> None:
    """At most `most` weekends (Saturday or Sunday of one week) with any work."""
    weeks: dict[tuple[int, int], list[Expr]] = {}
    for d, date in enumerate(v.problem.horizon.dates()):
        if date.weekday() >= 5 and (a, d) in v.work:
            weeks.setdefault(date.isocalendar()[:2], []).append(v.work[a, d])
    worked = []
    for days in weeks.values():
        weekend = v.model.new_bool_var("weekend")
        v.model.add_max_equality(weekend, days)
        worked.append(weekend)
    if len(worked) > most:
        agent = v.problem.agents[a]
        enforce = guards.of(RuleInstance("max_weekends", agent.id, detail=f"{most}"))
        v.model.add(sum(worked) <= most).only_enforce_if(enforce)


def add_max_shifts_per_type(v: Variables, guards: Guards, a: int) -> None:
    """At most `max_shifts[code]` shifts of each type over the horizon."""
    agent = v.problem.agents[a]
    for code, most in agent.max_shifts.items():
        shifts = [v.x[a, d, code] for d in range(v.days) if (a, d, code) in v.x]
        if len(shifts) <= most:
            continue  # holds whatever the roster (a 0 creates no variables, see variables.py)
        enforce = guards.of(RuleInstance("max_shifts", agent.id, detail=f"{code} ≤ {most}"))
        v.model.add(sum(shifts) <= most).only_enforce_if(enforce)


def add_total_minutes(v: Variables, guards: Guards, a: int) -> None:
    """Paid minutes over the horizon within [min_minutes, max_minutes]."""
    agent = v.problem.agents[a]
    if agent.max_minutes is None and agent.min_minutes is None:
        return
    total = v.paid_minutes(a, range(v.days))
    if agent.max_minutes is not None:
        enforce = guards.of(RuleInstance("max_minutes", agent.id, detail=f"{agent.max_minutes}"))
        v.model.add(total <= agent.max_minutes).only_enforce_if(enforce)
    if agent.min_minutes is not None:
        enforce = guards.of(RuleInstance("min_minutes", agent.id, detail=f"{agent.min_minutes}"))
        v.model.add(total >= agent.min_minutes).only_enforce_if(enforce)


def add_forbidden_successions(v: Variables, guards: Guards) -> None:
    """Shift s on day d forbids each of its `forbidden_next` shifts on day d + 1."""
    for a, agent in enumerate(v.problem.agents):
        enforce = guards.of(RuleInstance("forbidden_next", agent.id))
        for shift in v.problem.shift_types:
            for nxt in shift.forbidden_next:
                for d in range(v.days - 1):
                    left, right = v.x.get((a, d, shift.code)), v.x.get((a, d + 1, nxt))
                    if left is not None and right is not None:
                        v.model.add(left + right <= 1).only_enforce_if(enforce)
