"""The fewest agents at work per day (and per skill) that coverage needs (R-2, S-2).

Counts of agents per (day, shift type) meeting every slot's requirement, with breaks
taken out of the count, are a relaxation of any covered roster: who works which shift,
rest between shifts and the on-duty minimums during breaks are left out. Its least number
of shifts starting on a day is therefore a floor on the agents at work that day in every
covered roster. scheduler.rest_patterns keeps that many at work when it chooses rest days
before shifts: on a 42 × 28 week, rest days chosen team by team left one slot short on a
day with four agents on leave (33 needed at work, 32 left). Its least number of each shift
type over the horizon links the teams in scheduler.count_bound.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.coverage import coverage_groups
from scheduler.settings import new_solver
from scheduler.variables import Variables

Key = tuple[str | None, int]
"""(skill or None for any agent, day index)."""


def least_at_work(v: Variables) -> dict[Key, int]:
    """Per (skill, day): the fewest agents (with the skill) whose shift starts that day in
    any roster that meets every coverage window."""
    problem = v.problem
    model, count = count_model(v)
    skills = sorted({skill for skill, _, _ in count if skill is not None})
    least: dict[Key, int] = {}
    for skill in [None, *skills]:
        for d in range(v.days):
            fewest = _fewest(model, sum(count[skill, d, s.code] for s in problem.shift_types))
            if fewest is None:
                return {}  # coverage no roster can meet: nothing to keep at work
            least[skill, d] = fewest
    return least


def least_of_each_shift(v: Variables) -> dict[str, int]:
    """Per shift type: the fewest shifts of it over the horizon in any roster that meets
    every coverage window (empty when none can)."""
    model, count = count_model(v)
    least: dict[str, int] = {}
    for shift in v.problem.shift_types:
        fewest = _fewest(model, sum(count[None, d, shift.code] for d in range(v.days)))
        if fewest is None:
            return {}
        least[shift.code] = fewest
    return least


def _fewest(model: cp_model.CpModel, total: cp_model.LinearExprT) -> int | None:
    """The least value of `total` in the count model, proved on one worker (None when no
    counts meet the coverage)."""
    model.minimize(total)
    solver = new_solver()
    solver.parameters.num_workers = 1
    if solver.solve(model) != cp_model.OPTIMAL:
        return None
    return round(solver.objective_value)


Count = dict[tuple[str | None, int, str], cp_model.IntVar]
"""(skill or None for any agent, day index, shift code) → agents on that shift that day."""


def count_model(v: Variables) -> tuple[cp_model.CpModel, Count]:
    """Counts of agents per (skill, day, shift type) that meet every coverage window, breaks
    taken out of the count (no objective): a relaxation of every covered roster."""
    problem = v.problem
    groups = coverage_groups(problem, v)
    skills = sorted({g.skill for g in groups if g.skill is not None})
    model = cp_model.CpModel()
    top = len(problem.agents)
    count: Count = {}
    on_break: dict[tuple[str | None, int, str, int], cp_model.IntVar] = {}
    for skill in [None, *skills]:
        for d in range(v.days):
            for shift in problem.shift_types:
                n = model.new_int_var(0, top, f"n[{skill},{d},{shift.code}]")
                count[skill, d, shift.code] = n
                if skill is not None:
                    model.add(n <= count[None, d, shift.code])
                rule = problem.break_rule(shift.code)
                if rule is None:
                    continue
                options = [model.new_int_var(0, top, "b") for _ in rule.start_options]
                on_break.update({(skill, d, shift.code, o): b for o, b in enumerate(options)})
                model.add(sum(options) == n)
    for group in groups:
        skill = group.skill
        before = sum(c for profile, c in group.shape.history if skill is None or skill in profile)
        duty = sum(count[skill, d, s] for d, s in group.shape.shifts)
        resting = sum(on_break[skill, d, s, o] for d, s, o in group.shape.breaks)
        model.add(duty - resting + before >= group.need)
    return model, count
