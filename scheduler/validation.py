"""Cross-field checks of a parsed problem: references, duplicates, break placement."""

from __future__ import annotations

from collections.abc import Iterable

from scheduler import problem as p
from scheduler.timeline import break_offset


def check_references(problem: p.Problem, horizon_known: bool = True) -> list[str]:
    """Every `path: message` error that needs more than one field to see."""
    errors: list[str] = []
    codes = {s.code for s in problem.shift_types}
    agents = {a.id for a in problem.agents}
    errors += _duplicates("shift_types", "code", [s.code for s in problem.shift_types])
    errors += _duplicates("agents", "id", [a.id for a in problem.agents])
    for i, shift in enumerate(problem.shift_types):
        errors += _unknown_shifts(f"shift_types[{i}].forbidden_next", shift.forbidden_next, codes)
    for i, agent in enumerate(problem.agents):
        errors += _unknown_shifts(f"agents[{i}].max_shifts", agent.max_shifts, codes)
        low, high = agent.min_minutes, agent.max_minutes
        if low is not None and high is not None and low > high:
            errors.append(f"agents[{i}].min_minutes: greater than max_minutes")
    for i, window in enumerate(problem.coverage):
        if window.weekdays is not None and window.dates is not None:
            errors.append(f"coverage[{i}]: give weekdays or dates, not both")
    for i, rule in enumerate(problem.breaks):
        errors += _break_errors(f"breaks[{i}]", rule, problem, codes)
    refs: list[tuple[str, int, str, str | None]] = [
        *(("unavailable", i, u.agent, None) for i, u in enumerate(problem.unavailable)),
        *(("preferences", i, x.agent, x.shift) for i, x in enumerate(problem.preferences)),
        *(("fixed", i, x.agent, x.shift) for i, x in enumerate(problem.fixed)),
        *(("current", i, x.agent, x.shift) for i, x in enumerate(problem.current)),
    ]
    for name, i, who, code in refs:
        if who not in agents:
            errors.append(f'{name}[{i}].agent: unknown agent "{who}"')
        if code is not None and code not in codes:
            errors.append(f'{name}[{i}].shift: unknown shift type "{code}"')
    for i, fixed in enumerate(problem.fixed if horizon_known else ()):
        if not 0 <= problem.horizon.index(fixed.date) < problem.horizon.days:
            errors.append(f"fixed[{i}].date: outside the horizon")
    for i, fixed in enumerate(problem.fixed):
        pause = problem.break_rule(fixed.shift) if fixed.shift in codes else None
        if fixed.break_start is not None and (
            pause is None or fixed.break_start not in pause.start_options
        ):
            errors.append(f"fixed[{i}].break_start: not a start option of the shift's break")
    for i, cover in enumerate(problem.shift_cover):
        if cover.shift not in codes:
            errors.append(f'shift_cover[{i}].shift: unknown shift type "{cover.shift}"')
    return errors


def _duplicates(list_name: str, key: str, values: list[str]) -> list[str]:
    seen: set[str] = set()
    errors = []
    for i, value in enumerate(values):
        if value in seen:
            errors.append(f'{list_name}[{i}].{key}: duplicate "{value}"')
        seen.add(value)
    return errors


def _unknown_shifts(path: str, used: Iterable[str], codes: set[str]) -> list[str]:
    return [f'{path}: unknown shift type "{code}"' for code in used if code not in codes]


def _break_errors(path: str, rule: p.BreakRule, problem: p.Problem, codes: set[str]) -> list[str]:
    if rule.shift not in codes:
        return [f'{path}.shift: unknown shift type "{rule.shift}"']
    shift = problem.shift(rule.shift)
    errors = []
    for j, option in enumerate(rule.start_options):
        if break_offset(shift, option) + rule.minutes > shift.length_minutes:
            errors.append(f"{path}.start_options[{j}]: break does not fit inside the shift")
    return errors
