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


def add_coverage(v: Variables, weight: int) -> list[PenaltyTerm]:
    """R-2/S-2: agents on duty (with the skill) per slot ≥ requirement; shortfall is penalised.

    Slots with the same shape and requirement share one constraint whose shortfall is
    weighted by the number of slots it stands for.
    """
    problem = v.problem
    slots = Slots(problem.horizon, problem.slot_minutes)
    shapes = slot_shapes(problem, v, slots)
    groups: dict[tuple[SlotShape, str | None, int], int] = defaultdict(int)
    for (slot, skill), need in requirements(problem, slots).items():
        groups[shapes[slot], skill, need] += 1
    profiles = v.profiles()
    terms = []
    for (shape, skill, need), slot_count in sorted(groups.items(), key=_group_order):
        chosen = [pr for pr in profiles if skill is None or skill in pr]
        on_duty = _on_duty(v, shape, chosen)
        shortfall = v.model.new_int_var(0, need, "shortfall")
        v.model.add(shortfall + on_duty >= need)
        label = f"{slot_count} slot(s) needing {need}" + (f" with {skill}" if skill else "")
        terms.append(PenaltyTerm("coverage_shortfall", weight * slot_count, shortfall, label))
    return terms


def _on_duty(v: Variables, shape: SlotShape, chosen: list[Profile]) -> Expr:
    shifts, breaks = sorted(shape.shifts), sorted(shape.breaks)
    working = sum(v.count.get((pr, d, s), 0) for pr in chosen for d, s in shifts)
    resting = sum(v.on_break.get((pr, d, s, o), 0) for pr in chosen for d, s, o in breaks)
    before = sum(n for pr, n in shape.history if pr in chosen)
    return working - resting + before


def _group_order(item: tuple[tuple[SlotShape, str | None, int], int]) -> tuple[object, ...]:
    (shape, skill, need), _ = item
    return (sorted(shape.shifts), sorted(shape.breaks), skill or "", need)
