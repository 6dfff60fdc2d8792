"""Every CP-SAT variable of the roster model, built in one place."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler import problem as p
from scheduler.timeline import minutes_between, shift_interval

Profile = frozenset[str]
Expr = cp_model.LinearExpr | int


@dataclass
class Variables:
    """Decision variables: x[agent, day, shift], work[agent, day], per-profile counts."""

    model: cp_model.CpModel
    problem: p.Problem
    x: dict[tuple[int, int, str], cp_model.IntVar] = field(default_factory=dict)
    work: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    profile_of: list[Profile] = field(default_factory=list)
    count: dict[tuple[Profile, int, str], cp_model.IntVar] = field(default_factory=dict)
    on_break: dict[tuple[Profile, int, str, int], cp_model.IntVar] = field(default_factory=dict)
    paid: dict[str, int] = field(default_factory=dict)

    @property
    def days(self) -> int:
        """Number of days in the horizon."""
        return self.problem.horizon.days

    def teams(self) -> dict[str, list[int]]:
        """Agent indexes per team, in input order."""
        teams: dict[str, list[int]] = {}
        for a, agent in enumerate(self.problem.agents):
            teams.setdefault(agent.team, []).append(a)
        return teams

    def profiles(self) -> list[Profile]:
        """The distinct coverage profiles in a stable order."""
        return sorted(set(self.profile_of), key=sorted)

    def works(self, agent: int, day: int) -> Expr:
        """1 when the agent works on the day (0 on leave days and outside the horizon)."""
        return self.work.get((agent, day), 0)

    def paid_minutes(self, agent: int, days: range) -> Expr:
        """Paid minutes of an agent over some days (shift length minus break)."""
        terms = [
            (self.x[agent, d, code], minutes)
            for d in days
            for code, minutes in self.paid.items()
            if (agent, d, code) in self.x
        ]
        if not terms:
            return 0
        return cp_model.LinearExpr.weighted_sum([x for x, _ in terms], [m for _, m in terms])

    def shift(self, agent: int, day: int, code: str) -> Expr:
        """1 when the agent works that shift on that day (0 when impossible)."""
        return self.x.get((agent, day, code), 0)


def may_work(agent: p.Agent, shift: p.ShiftType) -> bool:
    """False when the agent lacks the shift's skill (R-7) or may work none of it (max_shifts 0)."""
    if shift.skill is not None and shift.skill not in agent.skills:
        return False
    return agent.max_shifts.get(shift.code) != 0


def coverage_profile(problem: p.Problem, agent: p.Agent) -> Profile:
    """The skills of an agent that coverage asks for: agents alike here are interchangeable."""
    wanted = {w.skill for w in problem.coverage if w.skill is not None}
    return frozenset(agent.skills & wanted)


def build_variables(model: cp_model.CpModel, problem: p.Problem) -> Variables:
    """Create the variables; leave (R-6), missing qualifications (R-7) and shift types an agent
    may work none of (`max_shifts` 0) create none."""
    v = Variables(model, problem)
    v.paid = {s.code: problem.paid_minutes(s.code) for s in problem.shift_types}
    unavailable = {(u.agent, problem.horizon.index(u.date)) for u in problem.unavailable}
    for a, agent in enumerate(problem.agents):
        v.profile_of.append(coverage_profile(problem, agent))
        for d in range(v.days):
            if (agent.id, d) in unavailable:
                continue
            day_shifts = []
            for shift in problem.shift_types:
                if not may_work(agent, shift):
                    continue
                var = model.new_bool_var(f"x[{agent.id},{d},{shift.code}]")
                v.x[a, d, shift.code] = var
                day_shifts.append(var)
            # Also without any allowed shift: the day is then a rest day that counts.
            work = model.new_bool_var(f"work[{agent.id},{d}]")
            model.add(work == sum(day_shifts))  # at most one shift a day
            v.work[a, d] = work
    _build_counts(v)
    return v


def _build_counts(v: Variables) -> None:
    """Agents per (profile, day, shift) and per break start option (S-2, S-3)."""
    members: dict[Profile, list[int]] = {}
    for a, profile in enumerate(v.profile_of):
        members.setdefault(profile, []).append(a)
    for profile, agents in members.items():
        for d in range(v.days):
            for shift in v.problem.shift_types:
                terms = [v.x[a, d, shift.code] for a in agents if (a, d, shift.code) in v.x]
                if not terms:
                    continue
                count = v.model.new_int_var(0, len(terms), f"n[{sorted(profile)},{d},{shift.code}]")
                v.model.add(count == sum(terms))
                v.count[profile, d, shift.code] = count
                rule = v.problem.break_rule(shift.code)
                if rule is None:
                    continue
                options = []
                for o in range(len(rule.start_options)):
                    var = v.model.new_int_var(0, len(terms), f"b[{d},{shift.code},{o}]")
                    v.on_break[profile, d, shift.code, o] = var
                    options.append(var)
                v.model.add(sum(options) == count)


def history_blocks(problem: p.Problem, agent: p.Agent, shift: p.ShiftType, day: int) -> bool:
    """True when the previous roster's last shift leaves too little rest before this one (R-5)."""
    end = agent.history.last_shift_end
    if end is None:
        return False
    gap = shift_interval(shift, day)[0] - minutes_between(problem.horizon, end)
    rest = problem.rules.min_rest_hours
    return gap < (0 if rest is None else rest * 60)
