"""Soft rules: one `penalize_<rule>()` per rule, each returning labelled, weighted terms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.timeline import week_blocks
from scheduler.variables import Expr, Variables

WEIGHT_DEFAULTS: dict[str, int] = {
    "coverage_shortfall": 1000,
    "fairness_nights": 10,
    "fairness_weekends": 10,
    "fairness_hours": 2,
    "rest_weekday_repeat": 5,
    "preferences": 1,
    "stability": 20,
    "target_hours": 1,
    "shift_cover": 1,
}


@dataclass(frozen=True)
class PenaltyTerm:
    """`weight * expr` of the weight `name`, with a label a user can read; `team` names the
    team a team's or an agent's term belongs to (scheduler.floors bounds them per team)."""

    name: str
    weight: int
    expr: Expr
    label: str
    team: str | None = None


def weights_of(overrides: Mapping[str, int]) -> dict[str, int]:
    """Defaults overridden by the problem's `rules.weights`."""
    return {**WEIGHT_DEFAULTS, **overrides}


def penalize_all(v: Variables, weights: Mapping[str, int]) -> list[PenaltyTerm]:
    """Every soft rule whose weight is not zero (a zero weight builds nothing)."""
    makers = {
        "fairness_nights": penalize_fairness_nights,
        "fairness_weekends": penalize_fairness_weekends,
        "fairness_hours": penalize_fairness_hours,
        "rest_weekday_repeat": penalize_rest_weekday_repeat,
        "preferences": penalize_preferences,
        "stability": penalize_changes,
        "target_hours": penalize_target_hours,
        "shift_cover": penalize_shift_cover,
    }
    terms: list[PenaltyTerm] = []
    for name, make in makers.items():
        if weights[name]:
            terms += make(v, weights[name])
    return terms


def spread(model: cp_model.CpModel, values: Sequence[Expr], top: int) -> cp_model.IntVar:
    """max − min of some values (0 for fewer than two)."""
    high = model.new_int_var(0, top, "high")
    low = model.new_int_var(0, top, "low")
    for value in values:
        model.add(high >= value)
        model.add(low <= value)
    difference = model.new_int_var(0, top, "spread")
    model.add(difference == high - low)
    return difference


def block_target(v: Variables, a: int, weekly: float, block: range) -> int:
    """R-12: an agent's target minutes in a 7-day block from its `weekly` hours, pro rata
    for its days of leave."""
    present = sum(1 for d in block if (a, d) in v.work)
    return round(weekly * 60 * present / 7)


def _team_spread_terms(
    v: Variables, name: str, weight: int, what: str, count: dict[int, Expr]
) -> list[PenaltyTerm]:
    terms = []
    for team, members in v.teams().items():
        values = [count[a] for a in members if a in count]
        if len(values) > 1:
            label = f"team {team}: spread of {what}"
            terms.append(PenaltyTerm(name, weight, spread(v.model, values, v.days), label, team))
    return terms


def penalize_fairness_nights(v: Variables, weight: int) -> list[PenaltyTerm]:
    """R-9: spread (max − min) of night shifts among a team's agents who may work nights."""
    nights = [s.code for s in v.problem.shift_types if s.crosses_midnight]
    count: dict[int, Expr] = {}
    for a in range(len(v.problem.agents)):
        vars_ = [v.x[a, d, n] for d in range(v.days) for n in nights if (a, d, n) in v.x]
        if vars_:
            count[a] = sum(vars_)
    return _team_spread_terms(v, "fairness_nights", weight, "night shifts", count)


def penalize_fairness_weekends(v: Variables, weight: int) -> list[PenaltyTerm]:
    """R-9: spread of Saturdays and Sundays worked within a team."""
    weekend = [d for d, date in enumerate(v.problem.horizon.dates()) if date.weekday() >= 5]
    if not weekend:
        return []
    count = {a: sum(v.works(a, d) for d in weekend) for a in range(len(v.problem.agents))}
    return _team_spread_terms(v, "fairness_weekends", weight, "weekend days worked", count)


def penalize_fairness_hours(v: Variables, weight: int) -> list[PenaltyTerm]:
    """R-9: spread of paid hours within a team, in whole hours (rounded up)."""
    terms = []
    top = v.days * 24
    for team, members in v.teams().items():
        if len(members) < 2:
            continue
        minutes = [v.paid_minutes(a, range(v.days)) for a in members]
        difference = spread(v.model, minutes, top * 60)
        hours = v.model.new_int_var(0, top, "hours_spread")
        v.model.add(60 * hours >= difference)
        terms.append(PenaltyTerm("fairness_hours", weight, hours, f"team {team}: hours spread"))
    return terms


def penalize_rest_weekday_repeat(v: Variables, weight: int) -> list[PenaltyTerm]:
    """R-9: a rest day on the same weekday as the agent's rest a week earlier (轮番安排)."""
    terms = []
    dates = v.problem.horizon.dates()
    for a, agent in enumerate(v.problem.agents):
        for d in range(v.days - 7):
            if (a, d) not in v.work or (a, d + 7) not in v.work:
                continue
            repeat = v.model.new_bool_var("repeat")
            v.model.add(repeat >= 1 - v.work[a, d] - v.work[a, d + 7])
            label = f"{agent.id} rests on {dates[d]:%A} {dates[d]} and a week later"
            terms.append(PenaltyTerm("rest_weekday_repeat", weight, repeat, label, agent.team))
    return terms


def penalize_preferences(v: Variables, weight: int) -> list[PenaltyTerm]:
    """R-10: each unmet wish costs its own weight times this weight."""
    index = {agent.id: a for a, agent in enumerate(v.problem.agents)}
    team = {agent.id: agent.team for agent in v.problem.agents}
    terms = []
    for pref in v.problem.preferences:
        a, d = index[pref.agent], v.problem.horizon.index(pref.date)
        if not 0 <= d < v.days:
            continue
        if pref.off:
            expr, what = v.works(a, d), "day off"
        elif pref.want:
            expr, what = 1 - v.shift(a, d, pref.shift or ""), f"shift {pref.shift}"
        else:
            expr, what = v.shift(a, d, pref.shift or ""), f"no shift {pref.shift}"
        label = f"{pref.agent} wants {what} on {pref.date}"
        cost = weight * pref.weight
        terms.append(PenaltyTerm("preferences", cost, expr, label, team[pref.agent]))
    return terms


def penalize_changes(v: Variables, weight: int) -> list[PenaltyTerm]:
    """R-11: each agent-date that differs from the published (`current`) roster."""
    index = {agent.id: a for a, agent in enumerate(v.problem.agents)}
    published = {(index[c.agent], v.problem.horizon.index(c.date)): c for c in v.problem.current}
    days = {d for _, d in published if 0 <= d < v.days}
    terms = []
    for a, agent in enumerate(v.problem.agents):
        for d in sorted(days):
            was = published.get((a, d))
            expr = v.works(a, d) if was is None else 1 - v.shift(a, d, was.shift)
            label = f"{agent.id} changes on {v.problem.horizon.dates()[d]}"
            terms.append(PenaltyTerm("stability", weight, expr, label))
    return terms


def penalize_target_hours(v: Variables, weight: int) -> list[PenaltyTerm]:
    """R-12: hours away from the weekly target per 7-day block (pro rata for leave days)."""
    terms = []
    for a, agent in enumerate(v.problem.agents):
        if agent.target_hours_week is None:
            continue
        for block in week_blocks(v.days):
            target = block_target(v, a, agent.target_hours_week, block)
            deviation = v.model.new_int_var(0, 24 * 7, "deviation")
            worked = v.paid_minutes(a, block)
            v.model.add(60 * deviation >= worked - target)
            v.model.add(60 * deviation >= target - worked)
            label = f"{agent.id}: hours from target in week of day {block.start + 1}"
            terms.append(PenaltyTerm("target_hours", weight, deviation, label))
    return terms


def penalize_shift_cover(v: Variables, weight: int) -> list[PenaltyTerm]:
    """Soft cover per (date, shift): exact under- and over-staffing, each with its weight."""
    terms = []
    for cover in v.problem.shift_cover:
        d = v.problem.horizon.index(cover.date)
        if not 0 <= d < v.days:
            continue
        staff = [
            v.x[a, d, cover.shift]
            for a in range(len(v.problem.agents))
            if (a, d, cover.shift) in v.x
        ]
        under = v.model.new_int_var(0, cover.requirement, "under")
        over = v.model.new_int_var(0, len(staff), "over")
        v.model.add(sum(staff) - cover.requirement == over - under)
        if cover.requirement and staff:
            # At most one side positive, so under = max(0, req − staffed) and over =
            # max(0, staffed − req) exactly: every solution reports its true cost.
            short = v.model.new_bool_var("short")
            v.model.add(under == 0).only_enforce_if(short.Not())
            v.model.add(over == 0).only_enforce_if(short)
        where = f"{cover.shift} on {cover.date}"
        terms.append(
            PenaltyTerm("shift_cover", weight * cover.under_weight, under, f"under {where}")
        )
        terms.append(PenaltyTerm("shift_cover", weight * cover.over_weight, over, f"over {where}"))
    return terms
