"""Problem → FORMATS §1 JSON object (optional fields written only when they are set)."""

from __future__ import annotations

from typing import Any

from scheduler import problem as p
from scheduler.fields import format_time


def problem_dict(problem: p.Problem) -> dict[str, Any]:
    """The FORMATS §1 JSON object of a problem."""
    rules = problem.rules
    out: dict[str, Any] = {
        "horizon": {"start": problem.horizon.start.isoformat(), "days": problem.horizon.days},
        "slot_minutes": problem.slot_minutes,
        "shift_types": [_shift(s) for s in problem.shift_types],
        "agents": [_agent(a) for a in problem.agents],
        "coverage": [_coverage(c) for c in problem.coverage],
        "breaks": [_break(b) for b in problem.breaks],
        "unavailable": [
            {"agent": u.agent, "date": u.date.isoformat(), "reason": u.reason}
            for u in problem.unavailable
        ],
        "preferences": [_preference(x) for x in problem.preferences],
        "fixed": [_assignment(a) for a in problem.fixed],
        "current": [_assignment(a) for a in problem.current],
        "rules": {
            "max_days_in_a_row": rules.max_days_in_a_row,
            "max_rest_days_per_team_per_day": rules.max_rest_days_per_team_per_day,
            "min_rest_hours": rules.min_rest_hours,
            "require_cover": rules.require_cover,
            "weights": dict(rules.weights),
        },
    }
    if not rules.min_consecutive_days_at_edges:
        out["rules"]["min_consecutive_days_at_edges"] = False
    if problem.shift_cover:
        out["shift_cover"] = [
            {
                "date": c.date.isoformat(),
                "shift": c.shift,
                "requirement": c.requirement,
                "under_weight": c.under_weight,
                "over_weight": c.over_weight,
            }
            for c in problem.shift_cover
        ]
    return out


def _shift(shift: p.ShiftType) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": shift.code,
        "name": shift.name,
        "start": format_time(shift.start),
        "end": format_time(shift.end),
    }
    if shift.skill is not None:
        out["skill"] = shift.skill
    if shift.forbidden_next:
        out["forbidden_next"] = list(shift.forbidden_next)
    return out


_AGENT_LIMITS = (
    "min_minutes",
    "max_minutes",
    "min_consecutive_days",
    "max_consecutive_days",
    "min_consecutive_days_off",
    "max_weekends",
)


def _agent(agent: p.Agent) -> dict[str, Any]:
    history: dict[str, Any] = {"days_worked_in_a_row": agent.history.days_worked_in_a_row}
    if agent.history.last_shift_end is not None:
        history["last_shift_end"] = agent.history.last_shift_end.isoformat(timespec="minutes")
    out: dict[str, Any] = {
        "id": agent.id,
        "team": agent.team,
        "skills": sorted(agent.skills),
        "target_hours_week": agent.target_hours_week,
        "max_hours_week": agent.max_hours_week,
        "history": history,
    }
    if agent.max_shifts:
        out["max_shifts"] = dict(agent.max_shifts)
    for name in _AGENT_LIMITS:
        value = getattr(agent, name)
        if value is not None:
            out[name] = value
    return out


def _coverage(window: p.CoverageWindow) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if window.dates is not None:
        out["dates"] = sorted(d.isoformat() for d in window.dates)
    elif window.weekdays is not None:
        out["weekdays"] = sorted(window.weekdays)
    out["from"] = format_time(window.start)
    out["to"] = format_time(window.end, end=True)
    out["min"] = window.min
    if window.skill is not None:
        out["skill"] = window.skill
    return out


def _break(rule: p.BreakRule) -> dict[str, Any]:
    return {
        "shift": rule.shift,
        "minutes": rule.minutes,
        "start_options": [format_time(t) for t in rule.start_options],
        "min_on_duty": [
            {"from": format_time(w.start), "to": format_time(w.end, end=True), "min": w.min}
            for w in rule.min_on_duty
        ],
    }


def _preference(pref: p.Preference) -> dict[str, Any]:
    out: dict[str, Any] = {"agent": pref.agent, "date": pref.date.isoformat()}
    if pref.off:
        out["off"] = True
    if pref.shift is not None:
        out["shift"] = pref.shift
        out["want"] = pref.want
    out["weight"] = pref.weight
    return out


def _assignment(a: p.Assignment) -> dict[str, Any]:
    out: dict[str, Any] = {"agent": a.agent, "date": a.date.isoformat(), "shift": a.shift}
    if a.break_start is not None:
        out["break_start"] = format_time(a.break_start)
    return out
