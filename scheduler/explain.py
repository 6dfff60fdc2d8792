"""Explain in words why a roster is infeasible or understaffed: pre-checks, then an unsat core."""

from __future__ import annotations

import datetime as dt

from ortools.sat.python import cp_model

from scheduler import problem as p
from scheduler.build import build_model
from scheduler.guards import RuleInstance
from scheduler.prechecks import (
    fixed_conflicts,
    names_in_words,
    span_in_words,
    team_rest_conflicts,
)
from scheduler.settings import new_solver

RULE_NAMES = {
    "R-3": "weekly rest (R-3)",
    "R-4": "rest days per team per day (R-4)",
    "R-5": "rest between shifts (R-5)",
    "R-8": "cover person (R-8)",
    "R-12": "maximum weekly hours (R-12)",
    "S-3": "lunch cover (S-3)",
    "fixed": "fixed assignment",
    "max_consecutive_days": "maximum consecutive working days",
    "min_consecutive_days": "minimum consecutive working days",
    "min_consecutive_days_off": "minimum consecutive days off",
    "max_weekends": "maximum weekends worked",
    "max_shifts": "maximum shifts per type",
    "max_minutes": "maximum total minutes",
    "min_minutes": "minimum total minutes",
    "forbidden_next": "forbidden shift succession",
}
_CORE_TIME_LIMIT = 20.0
_SHRINK_TIME_LIMIT = 2.0
_MINIMISE_UP_TO = 12


def precheck(problem: p.Problem) -> list[str]:
    """Conflicts among hard rules that counting alone proves, each as a sentence."""
    return fixed_conflicts(problem) + team_rest_conflicts(problem)


def understaffing(problem: p.Problem) -> list[str]:
    """Why coverage cannot be met where leave leaves too few qualified agents (R-2, R-6, R-7)."""
    on_leave = {(u.agent, u.date) for u in problem.unavailable}
    out = []
    for date in problem.horizon.dates():
        for window in problem.coverage:
            if not window.applies_on(date) or window.min == 0:
                continue
            able = [a for a in problem.agents if window.skill is None or window.skill in a.skills]
            present = [a.id for a in able if (a.id, date) not in on_leave]
            if len(present) >= window.min:
                continue
            absent = [a.id for a in able if (a.id, date) in on_leave]
            what = f"agents with skill {window.skill}" if window.skill else "agents"
            out.append(
                f"{date}: {window.start:%H:%M}–{window.end:%H:%M} needs {window.min} {what} "
                f"(R-2/R-7), only {len(present)} not on leave ({names_in_words(present)}); "
                f"on leave (R-6): {names_in_words(absent)}"
            )
    return out


def explain_infeasible(problem: p.Problem) -> list[str]:
    """Words naming the conflicting rules, people and dates (pre-checks, else an unsat core)."""
    found = precheck(problem)
    if found:
        return found
    core = unsat_core(problem)
    if core is None:
        return ["the hard rules conflict, but no smaller explanation was found in time"]
    parts = [describe(first, problem, dates, who) for first, who, dates in _grouped(core)]
    return ["these hard rules cannot all hold together: " + "; ".join(parts)]


def unsat_core(problem: p.Problem) -> list[RuleInstance] | None:
    """A small set of rule instances that cannot all hold, from CP-SAT assumptions."""
    built = build_model(problem, explain=True)
    by_index = {lit.index: inst for inst, lit in built.guards.literals.items()}
    core = _core(built.model, list(built.guards.literals.values()), _CORE_TIME_LIMIT)
    if core is None:
        return None
    if len(core) <= _MINIMISE_UP_TO:
        for lit in list(core):
            rest = [c for c in core if c is not lit]
            if _core(built.model, rest, _SHRINK_TIME_LIMIT) is not None:
                core = rest
    return sorted((by_index[lit.index] for lit in core), key=_order)


def _core(
    model: cp_model.CpModel, assumptions: list[cp_model.IntVar], seconds: float
) -> list[cp_model.IntVar] | None:
    """The assumptions CP-SAT needs for infeasibility, or None when not proven in time."""
    model.clear_assumptions()
    model.add_assumptions(assumptions)
    solver = new_solver()
    # Cores are reliable only with one worker and without presolve (or-tools #3102, #5141).
    solver.parameters.num_workers = 1
    solver.parameters.cp_model_presolve = False
    solver.parameters.max_time_in_seconds = seconds
    if solver.solve(model) != cp_model.INFEASIBLE:
        return None
    needed = set(solver.sufficient_assumptions_for_infeasibility())
    return [lit for lit in assumptions if lit.index in needed]


def _order(instance: RuleInstance) -> tuple[str, str, dt.date]:
    return instance.rule, instance.subject, instance.date or dt.date.min


def _grouped(core: list[RuleInstance]) -> list[tuple[RuleInstance, list[str], list[dt.date]]]:
    """Instances merged: one rule and subject over its dates, then subjects with equal dates."""
    dates: dict[tuple[str, str, str], list[dt.date]] = {}
    for instance in core:
        key = (instance.rule, instance.subject, instance.detail)
        dates.setdefault(key, [])
        if instance.date is not None:
            dates[key].append(instance.date)
    subjects: dict[tuple[str, str, tuple[dt.date, ...]], list[str]] = {}
    for (rule, subject, detail), when in dates.items():
        subjects.setdefault((rule, detail, tuple(sorted(when))), []).append(subject)
    return [
        (RuleInstance(rule, who[0], None, detail), who, list(when))
        for (rule, detail, when), who in subjects.items()
    ]


def _dates_in_words(dates: list[dt.date]) -> str:
    """Dates as runs: 2026-11-23…25, 2026-11-27."""
    runs: list[list[dt.date]] = []
    for date in dates:
        if runs and (date - runs[-1][-1]).days == 1:
            runs[-1].append(date)
        else:
            runs.append([date])
    return ", ".join(span_in_words(r[0], r[-1]) for r in runs)


def describe(
    instance: RuleInstance, problem: p.Problem, dates: list[dt.date], subjects: list[str]
) -> str:
    """A rule instance (for some subjects, over some dates) in words: rule, whom, when."""
    name = RULE_NAMES.get(instance.rule, instance.rule)
    who = names_in_words(subjects)
    if instance.rule in ("R-4", "R-8"):
        who = f"team {who}"
    elif instance.rule == "S-3":
        who = f"shift {who}"
    when = f" on {_dates_in_words(dates)}" if dates else f" in {_span(problem)}"
    detail = f" ({instance.detail})" if instance.detail else ""
    return f"{name} for {who}{when}{detail}"


def _span(problem: p.Problem) -> str:
    dates = problem.horizon.dates()
    return span_in_words(dates[0], dates[-1])
