"""Row-by-row search for large Curtois & Qu instances: build a valid roster, then improve it.

There is no hard constraint between employees (cover is soft), so each employee's row can be
solved alone with cover priced at the exact marginal cost given the other rows. A first pass
builds a valid roster employee by employee (the dynamic programme of `curtois_construct`, in
milliseconds even for 364-day rows; CP-SAT only where it finds none); later passes re-solve
one row at a time with CP-SAT (a large neighbourhood search whose neighbourhoods are rows),
keeping the current row as a hint.
"""

from __future__ import annotations

import time
from collections import Counter

from ortools.sat.python import cp_model

from scheduler.benchmarks.curtois import Instance, Roster
from scheduler.benchmarks.curtois_check import objective
from scheduler.benchmarks.curtois_construct import Row, construct_row, row_cost
from scheduler.benchmarks.curtois_engine import Improvement
from scheduler.settings import new_solver


def marginal_costs(
    instance: Instance, counts: Counter[tuple[int, str]]
) -> dict[tuple[int, str], int]:
    """Cost of one more employee on each (day, shift) given `counts` of the others."""
    return {
        (c.day, c.shift): -c.under_weight
        if counts[c.day, c.shift] < c.requirement
        else c.over_weight
        for c in instance.cover
    }


def solve_row(
    instance: Instance,
    e: int,
    counts: Counter[tuple[int, str]],
    hint: Row | None,
    time_limit: float,
    workers: int,
) -> Row | None:
    """The best row of employee `e` with the other rows fixed (None when none was found)."""
    from scheduler.benchmarks.curtois_model import build

    m = build(instance, [e], marginal_costs(instance, counts))
    if hint is not None:
        for (_, d, s), var in m.x.items():
            m.model.add_hint(var, hint[d] == s)
    solver = new_solver()
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    solver.parameters.num_workers = workers
    status = solver.solve(m.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    cells: list[str | None] = [None] * instance.horizon
    for (_, d, s), var in m.x.items():
        if solver.boolean_value(var):
            cells[d] = s
    return tuple(cells)


def improve_rows(
    instance: Instance,
    deadline: float,
    workers: int,
    start: Roster | None = None,
    on_improve: Improvement | None = None,
    started: float | None = None,
) -> Roster | None:
    """Build (unless `start` is given) and improve a roster row by row until `deadline`.

    Improvement passes first rebuild rows with the dynamic programme (cheap, while that
    gains), then re-solve them with CP-SAT until the deadline (a row solve cut short by its
    share of the time may gain on a later pass); a row is replaced only when it lowers the
    objective, which is tracked exactly from the marginal costs (one employee more or less
    on a (day, shift)).
    """
    started = time.monotonic() if started is None else started
    rows: dict[str, Row] = {k: tuple(v) for k, v in (start or {}).items()}
    counts: Counter[tuple[int, str]] = Counter(
        (d, s) for row in rows.values() for d, s in enumerate(row) if s is not None
    )
    for e, staff in enumerate(instance.staff):
        if staff.id not in rows:
            costs = marginal_costs(instance, counts)
            row = construct_row(instance, e, costs)
            row = row or solve_row(instance, e, counts, None, 5.0, workers)
            if row is None:
                return None
            rows[staff.id] = row
            counts.update((d, s) for d, s in enumerate(row) if s is not None)
    best = objective(instance, rows)
    if on_improve is not None:
        on_improve(time.monotonic() - started, best)
    for use_cp_sat in (False, True):
        gained = True
        while (gained or use_cp_sat) and time.monotonic() < deadline:
            gained = False
            for e, staff in enumerate(instance.staff):
                if time.monotonic() >= deadline:
                    break
                old = rows[staff.id]
                counts.subtract((d, s) for d, s in enumerate(old) if s is not None)
                costs = marginal_costs(instance, counts)
                if use_cp_sat:
                    left = (deadline - time.monotonic()) / (len(instance.staff) - e)
                    new = solve_row(instance, e, counts, old, min(max(left, 0.2), 5.0), workers)
                else:
                    new = construct_row(instance, e, costs)
                change = (
                    0
                    if new is None
                    else row_cost(instance, e, new, costs) - row_cost(instance, e, old, costs)
                )
                if new is not None and change < 0:
                    rows[staff.id], best, gained = new, best + change, True
                    if on_improve is not None:
                        on_improve(time.monotonic() - started, best)
                row = rows[staff.id]
                counts.update((d, s) for d, s in enumerate(row) if s is not None)
    return rows
