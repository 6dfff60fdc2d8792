"""A dedicated, tuned CP-SAT model of the Curtois & Qu instances (compared with the engine)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.benchmarks.curtois import Instance, Roster, Staff
from scheduler.benchmarks.curtois_engine import Improvement, Outcome
from scheduler.settings import new_solver


@dataclass(frozen=True)
class DedicatedSettings:
    """Search settings of the dedicated model, copied onto `solver.parameters`."""

    time_limit: float = 60.0
    workers: int = 2
    seed: int = 0
    log: bool = False
    linearization_level: int = 2
    subsolvers: tuple[str, ...] = ("max_lp",)
    rows_above: int = 20_000
    hint_share: float = 0.0  # share of the time spent on a row-by-row roster to hint from
    strict_edges: bool = False  # README rule 6 instead of the benchmark's (full model only)

    def apply(self, solver: cp_model.CpSolver) -> None:
        """Copy the settings onto a solver's parameters."""
        params = solver.parameters
        params.max_time_in_seconds = self.time_limit
        params.num_workers = self.workers
        params.random_seed = self.seed
        params.log_search_progress = self.log
        params.linearization_level = self.linearization_level
        if self.subsolvers:
            params.subsolvers.extend(self.subsolvers)


@dataclass
class CurtoisModel:
    """The model with its decision literals x[e, d, s] and work[e, d], and its objective."""

    instance: Instance
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[tuple[int, int, str], cp_model.IntVar] = field(default_factory=dict)
    work: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    employees: set[int] = field(default_factory=set)
    strict_edges: bool = False
    cost: cp_model.LinearExprT = 0

    def works(self, e: int, d: int) -> cp_model.IntVar | int:
        """Work literal of an employee on a day; 0 on days off and outside the horizon."""
        return self.work.get((e, d), 0)


CoverCosts = Mapping[tuple[int, str], int]
"""(day, shift) → cost of one more employee on it, given everyone else's roster."""


def build(
    instance: Instance,
    employees: Sequence[int] | None = None,
    costs: CoverCosts | None = None,
    strict_edges: bool = False,
) -> CurtoisModel:
    """Variables, every hard constraint and the benchmark objective.

    With `employees` only their rows are built; with `costs` cover is priced linearly per
    assignment (the exact change of the objective when the other rows stay fixed);
    `strict_edges` holds edge runs of work to MinConsecutiveShifts (README rule 6).
    """
    m = CurtoisModel(instance, strict_edges=strict_edges)
    for e in range(len(instance.staff)) if employees is None else employees:
        staff = instance.staff[e]
        m.employees.add(e)
        off = instance.days_off.get(staff.id, frozenset())
        allowed = [s for s in instance.shifts if staff.max_shifts.get(s.id, 1) > 0]
        for d in range(instance.horizon):
            if d in off or not allowed:
                continue
            day = [m.model.new_bool_var(f"x{e}_{d}_{s.id}") for s in allowed]
            for shift, var in zip(allowed, day, strict=True):
                m.x[e, d, shift.id] = var
            m.work[e, d] = m.model.new_bool_var(f"w{e}_{d}")
            m.model.add_exactly_one([*day, m.work[e, d].Not()])
        add_limits(m, e, staff)
        add_runs(m, e, staff)
        add_weekends(m, e, staff)
        add_rotation(m, e)
    m.cost = objective(m, costs)
    m.model.minimize(m.cost)
    return m


def add_limits(m: CurtoisModel, e: int, staff: Staff) -> None:
    """Max shifts per type and min/max total minutes (rules 3–4)."""
    days = range(m.instance.horizon)
    for shift_id, most in staff.max_shifts.items():
        terms = [m.x[e, d, shift_id] for d in days if (e, d, shift_id) in m.x]
        if len(terms) > most:
            m.model.add(sum(terms) <= most)
    minutes = sum(
        s.minutes * m.x[e, d, s.id] for d in days for s in m.instance.shifts if (e, d, s.id) in m.x
    )
    m.model.add_linear_constraint(minutes, staff.min_total_minutes, staff.max_total_minutes)


def add_runs(m: CurtoisModel, e: int, staff: Staff) -> None:
    """Max/min consecutive working days and min consecutive days off (rules 5–7)."""
    horizon = m.instance.horizon
    w = [m.works(e, d) for d in range(horizon)]
    most = staff.max_consecutive_shifts
    for d in range(horizon - most):
        m.model.add(sum(w[d : d + most + 1]) <= most)
    for d in range(0 if m.strict_edges else 1, horizon):
        # A run of work starting on d lasts at least MinConsecutiveShifts; runs touching an
        # edge are exempt (the benchmark's reading) unless strict_edges (README rule 6).
        before = w[d - 1] if d > 0 else 0
        for j in range(1, staff.min_consecutive_shifts):
            if d + j < horizon or m.strict_edges:
                after = w[d + j] if d + j < horizon else 0
                _clause(m, [(before, True), (w[d], False), (after, True)])
        # An inner run of days off starting on d lasts at least min_consecutive_days_off.
        for j in range(1, staff.min_consecutive_days_off if d > 0 else 0):
            if d + j < horizon:
                _clause(m, [(w[d - 1], False), (w[d], True), (w[d + j], False)])


def _clause(m: CurtoisModel, literals: list[tuple[cp_model.IntVar | int, bool]]) -> None:
    """Add the clause OR(term == value); constants satisfy or drop their literal."""
    clause = []
    for term, value in literals:
        if isinstance(term, int):
            if bool(term) == value:
                return
            continue
        clause.append(term if value else term.Not())
    m.model.add_bool_or(clause)


def add_weekends(m: CurtoisModel, e: int, staff: Staff) -> None:
    """At most max_weekends weekends with a shift on Saturday or Sunday (rule 8)."""
    worked = []
    for sat in range(5, m.instance.horizon, 7):
        days = [v for v in (m.works(e, sat), m.works(e, sat + 1)) if not isinstance(v, int)]
        if not days:
            continue
        weekend = m.model.new_bool_var(f"wk{e}_{sat}")
        for day in days:
            m.model.add_implication(day, weekend)
        m.model.add_bool_or(days).only_enforce_if(weekend)
        worked.append(weekend)
    if len(worked) > staff.max_weekends:
        m.model.add(sum(worked) <= staff.max_weekends)


def add_rotation(m: CurtoisModel, e: int) -> None:
    """A shift forbids its cannot-follow shifts on the next day (rule 2)."""
    for shift in m.instance.shifts:
        for nxt in shift.cannot_follow:
            for d in range(m.instance.horizon - 1):
                left, right = m.x.get((e, d, shift.id)), m.x.get((e, d + 1, nxt))
                if left is not None and right is not None:
                    m.model.add_bool_or([left.Not(), right.Not()])


def objective(m: CurtoisModel, costs: CoverCosts | None = None) -> cp_model.LinearExprT:
    """Unmet on-requests, met off-requests, weighted under- and over-cover."""
    index = {s.id: e for e, s in enumerate(m.instance.staff)}
    terms: list[cp_model.LinearExprT] = []
    constant = 0
    for req in m.instance.on_requests:
        var = m.x.get((index[req.employee], req.day, req.shift))
        if var is None:
            constant += req.weight if index[req.employee] in m.employees else 0
        else:
            terms.append(req.weight * var.Not())
    for req in m.instance.off_requests:
        var = m.x.get((index[req.employee], req.day, req.shift))
        if var is not None:
            terms.append(req.weight * var)
    if costs is not None:
        terms += [costs.get((d, s), 0) * var for (_, d, s), var in m.x.items()]
        return sum(terms) + constant
    for c in m.instance.cover:
        staff = [m.x[e, c.day, c.shift] for e in range(len(index)) if (e, c.day, c.shift) in m.x]
        under = m.model.new_int_var(0, c.requirement, f"u{c.day}_{c.shift}")
        over = m.model.new_int_var(0, max(0, len(staff) - c.requirement), f"o{c.day}_{c.shift}")
        # under = max(0, requirement − staffed) exactly, so every solution reports its true cost.
        m.model.add_max_equality(under, [0, c.requirement - sum(staff)])
        m.model.add(sum(staff) + under - over == c.requirement)
        terms += [c.under_weight * under, c.over_weight * over]
    return sum(terms) + constant


class _Recorder(cp_model.CpSolverSolutionCallback):
    """Records the time of each improving solution (progress only)."""

    def __init__(self, started: float, report: Improvement | None) -> None:
        super().__init__()
        self.started = started
        self.report = report
        self.trace: list[tuple[float, float]] = []

    def on_solution_callback(self) -> None:
        """Called by CP-SAT on every improving solution."""
        self.trace.append((time.monotonic() - self.started, self.objective_value))
        if self.report is not None:
            self.report(*self.trace[-1])


def size(instance: Instance) -> int:
    """Number of x[e, d, s] literals the full model would have."""
    total = 0
    for staff in instance.staff:
        shifts = sum(1 for s in instance.shifts if staff.max_shifts.get(s.id, 1) > 0)
        days = instance.horizon - len(instance.days_off.get(staff.id, frozenset()))
        total += shifts * days
    return total


def solve_dedicated(
    instance: Instance, settings: DedicatedSettings, on_improve: Improvement | None = None
) -> Outcome:
    """Solve with the full model, or row by row when it has more than `settings.rows_above`."""
    started = time.monotonic()
    if size(instance) > settings.rows_above:
        return _solve_by_rows(instance, settings, on_improve, started)
    m = build(instance, strict_edges=settings.strict_edges)
    recorder = _Recorder(started, on_improve)
    if settings.hint_share > 0:
        _hint_from_rows(m, settings, recorder, started)
    solver = new_solver()
    settings.apply(solver)
    solver.parameters.max_time_in_seconds = max(0.1, settings.time_limit - _since(started))
    status = solver.solve(m.model, recorder)
    wall = time.monotonic() - started
    trace = tuple(recorder.trace)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Outcome(solver.status_name(status), wall_seconds=wall, trace=trace)
    best = next((t for t, obj in trace if obj <= solver.objective_value), wall)
    return Outcome(
        status=solver.status_name(status),
        roster=roster_of(m, solver),
        objective=solver.objective_value,
        bound=solver.best_objective_bound,
        time_to_best=best,
        wall_seconds=wall,
        trace=trace,
    )


def _hint_from_rows(
    m: CurtoisModel, settings: DedicatedSettings, recorder: _Recorder, started: float
) -> None:
    """Hint the full model with a roster from the row-by-row search (a share of the time)."""
    from scheduler.benchmarks.curtois_rows import improve_rows

    deadline = started + settings.hint_share * settings.time_limit
    rows = improve_rows(m.instance, deadline, settings.workers, started=started)
    if rows is not None:
        hint_roster(m, rows)


def hint_roster(m: CurtoisModel, roster: Roster) -> None:
    """Hint every shift and work literal with a roster's cells."""
    for (e, d, shift_id), var in m.x.items():
        m.model.add_hint(var, roster[m.instance.staff[e].id][d] == shift_id)
    for (e, d), var in m.work.items():
        m.model.add_hint(var, roster[m.instance.staff[e].id][d] is not None)


def _since(started: float) -> float:
    return time.monotonic() - started


def _solve_by_rows(
    instance: Instance, settings: DedicatedSettings, report: Improvement | None, started: float
) -> Outcome:
    from scheduler.benchmarks.curtois_rows import improve_rows

    trace: list[tuple[float, float]] = []

    def record(at: float, value: float) -> None:
        trace.append((at, value))
        if report is not None:
            report(at, value)

    deadline = started + settings.time_limit
    roster = improve_rows(instance, deadline, settings.workers, on_improve=record, started=started)
    wall = time.monotonic() - started
    if roster is None:
        return Outcome("UNKNOWN", wall_seconds=wall, trace=tuple(trace))
    return Outcome(
        status="FEASIBLE (rows)",
        roster=roster,
        objective=trace[-1][1] if trace else None,
        time_to_best=trace[-1][0] if trace else None,
        wall_seconds=wall,
        trace=tuple(trace),
    )


def roster_of(m: CurtoisModel, solver: cp_model.CpSolver) -> Roster:
    """The roster of a solve's last solution."""
    cells: dict[str, list[str | None]] = {
        s.id: [None] * m.instance.horizon for s in m.instance.staff
    }
    for (e, d, shift_id), var in m.x.items():
        if solver.boolean_value(var):
            cells[m.instance.staff[e].id][d] = shift_id
    return {k: tuple(v) for k, v in cells.items()}
