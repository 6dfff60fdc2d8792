"""Slot coverage (R-2, S-2, R-7): agents on duty per slot and skill, aggregated by slot shape."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from scheduler import problem as p
from scheduler.objectives import PenaltyTerm
from scheduler.timeline import Slots, break_offset, history_duty_slots, requirements, shift_interval
from scheduler.variables import Expr, Profile, Variables

ShiftDay = tuple[int, str]
BreakOption = tuple[int, str, int]


@dataclass(frozen=True)
class SlotShape:
    """What decides on-duty counts in a slot: covering shifts, touching breaks, history."""

    shifts: frozenset[ShiftDay]
    breaks: frozenset[BreakOption]
    history: tuple[tuple[Profile, int], ...]


def slot_shapes(problem: p.Problem, v: Variables, slots: Slots) -> list[SlotShape]:
    """The shape of every slot of the horizon."""
    shifts: list[set[ShiftDay]] = [set() for _ in range(slots.count)]
    breaks: list[set[BreakOption]] = [set() for _ in range(slots.count)]
    for d in range(-1, problem.horizon.days):
        for shift in problem.shift_types:
            start, end = shift_interval(shift, d)
            for slot in slots.inside((start, end)):
                shifts[slot].add((d, shift.code))
            rule = problem.break_rule(shift.code)
            if rule is None:
                continue
            for o, option in enumerate(rule.start_options):
                at = start + break_offset(shift, option)
                for slot in slots.touching((at, at + rule.minutes)):
                    if (d, shift.code) in shifts[slot]:
                        breaks[slot].add((d, shift.code, o))
    history: list[dict[Profile, int]] = [defaultdict(int) for _ in range(slots.count)]
    for a, agent in enumerate(problem.agents):
        for slot in history_duty_slots(problem, agent, slots):
            history[slot][v.profile_of[a]] += 1
    return [
        SlotShape(
            frozenset(s for s in shifts[t] if s[0] >= 0),
            frozenset(b for b in breaks[t] if b[0] >= 0),
            tuple(sorted(history[t].items(), key=lambda kv: sorted(kv[0]))),
        )
        for t in range(slots.count)
    ]


@dataclass(frozen=True)
class CoverageGroup:
    """Slots of one shape, skill and requirement: one coverage constraint stands for them."""

    shape: SlotShape
    skill: str | None
    need: int
    slots: int


def coverage_groups(problem: p.Problem, v: Variables) -> list[CoverageGroup]:
    """Every coverage constraint of the model, in a stable order (S-2, R-7)."""
    slots = Slots(problem.horizon, problem.slot_minutes)
    shapes = slot_shapes(problem, v, slots)
    groups: dict[tuple[SlotShape, str | None, int], int] = defaultdict(int)
    for (slot, skill), need in requirements(problem, slots).items():
        groups[shapes[slot], skill, need] += 1
    return [
        CoverageGroup(shape, skill, need, count)
        for (shape, skill, need), count in sorted(groups.items(), key=_group_order)
    ]


def add_coverage(v: Variables, weight: int) -> list[PenaltyTerm]:
    """R-2/S-2: agents on duty (with the skill) per slot ≥ requirement; shortfall is penalised.

    Slots with the same shape and requirement share one constraint whose shortfall is
    weighted by the number of slots it stands for.
    """
    terms = []
    for group in coverage_groups(v.problem, v):
        on_duty = rostered_on_duty(v, group) + history_on_duty(v, group)
        shortfall = v.model.new_int_var(0, group.need, "shortfall")
        v.model.add(shortfall + on_duty >= group.need)
        label = f"{group.slots} slot(s) needing {group.need}"
        label += f" with {group.skill}" if group.skill else ""
        terms.append(PenaltyTerm("coverage_shortfall", weight * group.slots, shortfall, label))
    return terms


def rostered_on_duty(v: Variables, group: CoverageGroup) -> Expr:
    """Agents of the model on duty (not on break) in the group's slots, with its skill."""
    chosen = [pr for pr in v.profiles() if group.skill is None or group.skill in pr]
    shifts, breaks = sorted(group.shape.shifts), sorted(group.shape.breaks)
    working = sum(v.count.get((pr, d, s), 0) for pr in chosen for d, s in shifts)
    resting = sum(v.on_break.get((pr, d, s, o), 0) for pr in chosen for d, s, o in breaks)
    return working - resting


def history_on_duty(v: Variables, group: CoverageGroup) -> int:
    """Agents still on duty from the previous roster in the group's slots, with its skill."""
    return sum(n for pr, n in group.shape.history if group.skill is None or group.skill in pr)


def _group_order(item: tuple[tuple[SlotShape, str | None, int], int]) -> tuple[object, ...]:
    (shape, skill, need), _ = item
    return (sorted(shape.shifts), sorted(shape.breaks), skill or "", need)
