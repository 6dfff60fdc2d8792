"""Row-by-row search for large Curtois & Qu instances: build a valid roster, then improve it.

There is no hard constraint between employees (cover is soft), so each employee's row can be
solved alone with cover priced at the exact marginal cost given the other rows. A first pass
builds a valid roster employee by employee; later passes re-solve one row at a time (a large
neighbourhood search whose neighbourhoods are rows), keeping the current row as a hint.
"""

from __future__ import annotations

import time
from collections import Counter

from ortools.sat.python import cp_model

from scheduler.benchmarks.curtois import Instance, Roster
from scheduler.benchmarks.curtois_check import objective
from scheduler.benchmarks.curtois_engine import Improvement

Row = tuple[str | None, ...]


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
    solver = cp_model.CpSolver()
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
    """Build (unless `start` is given) and improve a roster row by row until `deadline`."""
    started = time.monotonic() if started is None else started
    ids = [s.id for s in instance.staff]
    rows: dict[str, Row] = {k: tuple(v) for k, v in (start or {}).items()}
    counts: Counter[tuple[int, str]] = Counter(
        (d, s) for row in rows.values() for d, s in enumerate(row) if s is not None
    )
    best = objective(instance, rows) if len(rows) == len(ids) else None
    passes = 0
    while time.monotonic() < deadline or len(rows) < len(ids):
        changed = False
        for e, who in enumerate(ids):
            old = rows.get(who)
            for d, s in enumerate(old or ()):
                if s is not None:
                    counts[d, s] -= 1
            left = max(0.2, (deadline - time.monotonic()) / max(1, len(ids) - e))
            new = solve_row(instance, e, counts, old, min(left, 5.0), workers)
            row = new if new is not None else old
            if row is None:
                return None
            rows[who] = row
            for d, s in enumerate(row):
                if s is not None:
                    counts[d, s] += 1
            if len(rows) == len(ids):
                value = objective(instance, rows)
                if best is None or value < best:
                    changed = changed or (best is not None)
                    best = value
                    if on_improve is not None:
                        on_improve(time.monotonic() - started, value)
            if time.monotonic() >= deadline and len(rows) == len(ids):
                break
        passes += 1
        if not changed and passes > 1:
            break
    return rows
