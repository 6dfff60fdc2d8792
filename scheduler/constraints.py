"""Hard rules of the call-center roster: one `add_<rule>()` per rule family (SPEC §3)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scheduler import problem as p
from scheduler.guards import Guards, RuleInstance
from scheduler.timeline import DAY, break_offset, minute_of, shift_interval, week_blocks
from scheduler.variables import Expr, Profile, Variables, history_blocks


def add_all(v: Variables, guards: Guards) -> None:
    """Add every hard rule except coverage (minimised first, see coverage.py and solve.py)."""
    rules = v.problem.rules
    for a in range(len(v.problem.agents)):
        if rules.max_days_in_a_row is not None:
            add_max_days_in_a_row(v, guards, a, rules.max_days_in_a_row, "R-3")
        add_min_rest(v, guards, a)
        add_max_hours(v, guards, a)
    if rules.max_rest_days_per_team_per_day is not None:
        add_rest_days_per_team(v, guards, rules.max_rest_days_per_team_per_day)
    if rules.require_cover:
        add_cover_person(v, guards)
    add_fixed(v, guards)
    add_breaks(v, guards)


def add_max_days_in_a_row(v: Variables, guards: Guards, a: int, limit: int, rule: str) -> None:
    """R-3: at most `limit` working days in any run, continuing the history's run."""
    agent = v.problem.agents[a]
    before = agent.history.days_worked_in_a_row
    enforce = guards.of(RuleInstance(rule, agent.id, detail=f"at most {limit} days in a row"))
    for end in range(v.days):
        worked_before = max(0, min(limit - end, before))
        if end < limit and worked_before == 0:
            continue
        days = range(max(0, end - limit), end + 1)
        v.model.add(sum(v.works(a, d) for d in days) <= limit - worked_before).only_enforce_if(
            enforce
        )


def add_rest_days_per_team(v: Variables, guards: Guards, cap: int) -> None:
    """R-4: at most `cap` agents of a team have a rest day on the same date (leave excluded)."""
    dates = v.problem.horizon.dates()
    for team, members in v.teams().items():
        for d in range(v.days):
            present = [v.work[a, d] for a in members if (a, d) in v.work]
            if len(present) <= cap:
                continue
            enforce = guards.of(RuleInstance("R-4", team, dates[d]))
            v.model.add(len(present) - sum(present) <= cap).only_enforce_if(enforce)


def add_min_rest(v: Variables, guards: Guards, a: int) -> None:
    """R-5: at least `min_rest_hours` between shifts, also after the history's last shift."""
    problem = v.problem
    agent = problem.agents[a]
    hours = problem.rules.min_rest_hours
    dates = problem.horizon.dates()
    for d in range(v.days):
        for shift in problem.shift_types:
            var = v.x.get((a, d, shift.code))
            if var is not None and history_blocks(problem, agent, shift, d):
                rule = RuleInstance("R-5", agent.id, dates[d], "rest after the previous roster")
                v.model.add(var == 0).only_enforce_if(guards.of(rule))
    if not hours:
        return
    enforce = guards.of(RuleInstance("R-5", agent.id, detail=f"{hours:g} h rest"))
    for first, second, gap_days in _too_close_pairs(problem, hours * 60):
        for d in range(v.days - gap_days):
            left, right = v.x.get((a, d, first)), v.x.get((a, d + gap_days, second))
            if left is not None and right is not None:
                v.model.add(left + right <= 1).only_enforce_if(enforce)


def _too_close_pairs(problem: p.Problem, rest_minutes: float) -> list[tuple[str, str, int]]:
    """(shift, next shift, days later) whose gap is shorter than the rest (R-5)."""
    pairs = []
    for first in problem.shift_types:
        end = shift_interval(first, 0)[1]
        for second in problem.shift_types:
            for gap_days in range(1, 3):
                if shift_interval(second, gap_days)[0] - end < rest_minutes:
                    pairs.append((first.code, second.code, gap_days))
    return pairs


def add_cover_person(v: Variables, guards: Guards) -> None:
    """R-8: an agent may rest only when a colleague of the same team works that day.

    Whoever rests is present, so "every rest has a working colleague" is the same as "a
    team with anyone present that day has someone working": one constraint per team-day.
    """
    dates = v.problem.horizon.dates()
    away = {(u.agent, v.problem.horizon.index(u.date)) for u in v.problem.unavailable}
    for team, members in v.teams().items():
        for d in range(v.days):
            if all((v.problem.agents[a].id, d) in away for a in members):
                continue
            enforce = guards.of(RuleInstance("R-8", team, dates[d]))
            working = [v.work[a, d] for a in members if (a, d) in v.work]
            v.model.add_bool_or(working).only_enforce_if(enforce)


def add_max_hours(v: Variables, guards: Guards, a: int) -> None:
    """R-12: paid hours in each 7-day block from the horizon start at most the maximum."""
    agent = v.problem.agents[a]
    if agent.max_hours_week is None:
        return
    enforce = guards.of(RuleInstance("R-12", agent.id, detail=f"max {agent.max_hours_week:g} h"))
    for block in week_blocks(v.days):
        v.model.add(v.paid_minutes(a, block) <= int(agent.max_hours_week * 60)).only_enforce_if(
            enforce
        )


def add_fixed(v: Variables, guards: Guards) -> None:
    """Fixed assignments must appear in the roster."""
    index = {agent.id: a for a, agent in enumerate(v.problem.agents)}
    for fixed in v.problem.fixed:
        d = v.problem.horizon.index(fixed.date)
        enforce = guards.of(RuleInstance("fixed", fixed.agent, fixed.date, fixed.shift))
        var = v.x.get((index[fixed.agent], d, fixed.shift))
        if var is None:
            v.model.add_bool_or([]).only_enforce_if(enforce)
        else:
            v.model.add(var == 1).only_enforce_if(enforce)
    for (profile, d, code, o), count in break_counts(v, v.problem.fixed).items():
        v.model.add(v.on_break[profile, d, code, o] >= count)


def break_counts(
    v: Variables, roster: Iterable[p.Assignment]
) -> dict[tuple[Profile, int, str, int], int]:
    """Assignments with a break start, counted per profile, day, shift and option (the keys
    of the model's `on_break`)."""
    index = {agent.id: a for a, agent in enumerate(v.problem.agents)}
    counts: dict[tuple[Profile, int, str, int], int] = {}
    for x in roster:
        rule = v.problem.break_rule(x.shift)
        if rule is None or x.break_start not in rule.start_options:
            continue
        key = (
            v.profile_of[index[x.agent]],
            v.problem.horizon.index(x.date),
            x.shift,
            rule.start_options.index(x.break_start),
        )
        counts[key] = counts.get(key, 0) + 1
    return counts


@dataclass(frozen=True)
class DutyRow:
    """On one day, at least `least` agents of `shift` are not on a break starting at one of
    `options` (one slot-sized piece of a `min_on_duty` window, S-3)."""

    shift: str
    day: int
    options: frozenset[int]
    least: int


def duty_rows(problem: p.Problem) -> list[DutyRow]:
    """Every on-duty constraint of the breaks, in a stable order (S-3)."""
    rows = []
    for rule in problem.breaks:
        shift = problem.shift(rule.shift)
        for options, least in sorted(_duty_pieces(problem, rule, shift), key=_piece_order):
            rows += [DutyRow(shift.code, d, options, least) for d in range(problem.horizon.days)]
    return rows


def not_on_break(v: Variables, row: DutyRow) -> Expr:
    """Agents of the model working the row's shift that day who are not on one of its breaks."""
    profiles = v.profiles()
    d, code, options = row.day, row.shift, sorted(row.options)
    working = sum(v.count.get((pr, d, code), 0) for pr in profiles)
    resting = sum(v.on_break.get((pr, d, code, o), 0) for pr in profiles for o in options)
    return working - resting


def add_breaks(v: Variables, guards: Guards) -> None:
    """S-3: breaks are placed so that each `min_on_duty` window keeps enough agents on duty."""
    dates = v.problem.horizon.dates()
    for row in duty_rows(v.problem):
        detail = f"at least {row.least} not on break"
        enforce = guards.of(RuleInstance("S-3", row.shift, dates[row.day], detail))
        v.model.add(not_on_break(v, row) >= row.least).only_enforce_if(enforce)


def _duty_pieces(
    problem: p.Problem, rule: p.BreakRule, shift: p.ShiftType
) -> set[tuple[frozenset[int], int]]:
    """Distinct (break options overlapping a slot-sized piece, min) of the duty windows."""
    pieces = set()
    step = problem.slot_minutes
    for window in rule.min_on_duty:
        begin = (minute_of(window.start) - shift.start_minute) % DAY
        length = (minute_of(window.end) - minute_of(window.start)) % DAY or DAY
        for start in range(begin, min(begin + length, shift.length_minutes), step):
            end = min(start + step, begin + length)
            options = frozenset(
                o
                for o, option in enumerate(rule.start_options)
                if break_offset(shift, option) < end
                and start < break_offset(shift, option) + rule.minutes
            )
            pieces.add((options, window.min))
    return pieces


def _piece_order(piece: tuple[frozenset[int], int]) -> tuple[list[int], int]:
    return sorted(piece[0]), piece[1]
