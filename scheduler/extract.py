"""Turn solver values into a roster: assignments with breaks, rest days with covers, gaps."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler import problem as p
from scheduler.build import BuiltModel
from scheduler.result import RestDay, Uncovered
from scheduler.timeline import (
    Slots,
    assignment_duty_slots,
    history_duty_slots,
    moment_at,
    requirements,
)


def assignments(built: BuiltModel, solver: cp_model.CpSolver) -> list[p.Assignment]:
    """Assignments in agent, date order; break starts dealt out from the per-option counts.

    Fixed assignments with a break start get theirs first (the model reserved them).
    """
    v = built.variables
    problem = v.problem
    dates = problem.horizon.dates()
    chosen = sorted((a, d, s) for (a, d, s), var in v.x.items() if solver.boolean_value(var))
    options_left: dict[tuple[frozenset[str], int, str], list[int]] = {}
    for (profile, d, code, o), var in sorted(v.on_break.items(), key=lambda kv: kv[0][1:]):
        key = (profile, d, code)
        options_left.setdefault(key, []).extend([o] * int(solver.value(var)))
    wanted = {(f.agent, f.date): f.break_start for f in problem.fixed if f.break_start is not None}
    starts: dict[tuple[int, int], int] = {}
    for a, d, code in sorted(
        chosen, key=lambda k: (problem.agents[k[0]].id, dates[k[1]]) not in wanted
    ):
        rule = problem.break_rule(code)
        if rule is None:
            continue
        pool = options_left[v.profile_of[a], d, code]
        start = wanted.get((problem.agents[a].id, dates[d]))
        option = rule.start_options.index(start) if start in rule.start_options else pool[0]
        pool.remove(option)
        starts[a, d] = option
    return [
        p.Assignment(
            problem.agents[a].id,
            dates[d],
            code,
            rule.start_options[starts[a, d]] if (rule := problem.break_rule(code)) else None,
        )
        for a, d, code in chosen
    ]


def rest_days(problem: p.Problem, roster: list[p.Assignment]) -> list[RestDay]:
    """Rest days (R-8) with a working team colleague as cover, spreading the cover duty."""
    working = {(x.agent, x.date) for x in roster}
    unavailable = {(u.agent, u.date) for u in problem.unavailable}
    covered: dict[str, int] = defaultdict(int)
    out = []
    for date in problem.horizon.dates():
        for agent in problem.agents:
            if (agent.id, date) in working or (agent.id, date) in unavailable:
                continue
            colleagues = [
                b.id
                for b in problem.agents
                if b.team == agent.team and b.id != agent.id and (b.id, date) in working
            ]
            cover = min(colleagues, key=lambda c: covered[c], default=None)
            if cover is not None:
                covered[cover] += 1
            out.append(RestDay(agent.id, date, cover))
    return out


def uncovered(problem: p.Problem, roster: list[p.Assignment]) -> list[Uncovered]:
    """Coverage shortfalls of a roster merged into windows per date, skill and missing count."""
    slots = Slots(problem.horizon, problem.slot_minutes)
    need = requirements(problem, slots)
    skills_of = {a.id: a.skills for a in problem.agents}
    on_duty: dict[int, list[str]] = defaultdict(list)
    for agent in problem.agents:
        for slot in history_duty_slots(problem, agent, slots):
            on_duty[slot].append(agent.id)
    for x in roster:
        for slot in assignment_duty_slots(problem, x, slots):
            on_duty[slot].append(x.agent)
    missing: dict[tuple[int, str | None], int] = {}
    for (slot, skill), required in need.items():
        have = sum(1 for a in on_duty[slot] if skill is None or skill in skills_of[a])
        if have < required:
            missing[slot, skill] = required - have
    return _merge(problem, slots, missing)


def _merge(
    problem: p.Problem, slots: Slots, missing: dict[tuple[int, str | None], int]
) -> list[Uncovered]:
    per_day = 24 * 60 // slots.size
    out: list[Uncovered] = []
    runs: dict[str | None, tuple[int, int, int]] = {}
    for slot, skill in sorted(missing, key=lambda k: (k[1] or "", k[0])):
        count = missing[slot, skill]
        run = runs.get(skill)
        if run and run[1] == slot and run[2] == count and slot % per_day:
            runs[skill] = (run[0], slot + 1, count)
            continue
        if run:
            out.append(_window(problem, slots, run, skill))
        runs[skill] = (slot, slot + 1, count)
    out += [_window(problem, slots, run, skill) for skill, run in runs.items()]
    return sorted(out, key=lambda u: (u.date, u.start, u.skill or ""))


def _window(
    problem: p.Problem, slots: Slots, run: tuple[int, int, int], skill: str | None
) -> Uncovered:
    date, start = moment_at(problem.horizon, run[0] * slots.size)
    end_minute = run[1] * slots.size
    end = (
        dt.time(0, 0) if end_minute % (24 * 60) == 0 else moment_at(problem.horizon, end_minute)[1]
    )
    return Uncovered(date, start, end, skill, run[2])
