"""Assemble the CP-SAT model of a problem: variables, hard rules, coverage, objective."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler import constraints, coverage, families, objectives
from scheduler import problem as p
from scheduler.guards import Guards
from scheduler.objectives import PenaltyTerm
from scheduler.variables import Variables, build_variables

COVERAGE = "coverage_shortfall"


@dataclass
class BuiltModel:
    """A model ready to solve, with its variables, penalty terms and rule guards."""

    model: cp_model.CpModel
    variables: Variables
    terms: list[PenaltyTerm]
    guards: Guards

    def objective(self) -> cp_model.LinearExprT:
        """The weighted sum of every penalty term."""
        return sum(t.weight * t.expr for t in self.terms)

    def shortfall(self) -> cp_model.LinearExprT:
        """Missing agent-slots of coverage (R-2/S-2), the first thing to minimise."""
        return sum(t.weight * t.expr for t in self.terms if t.name == COVERAGE)


def build_model(
    problem: p.Problem, explain: bool = False, coverage_rows: bool = True
) -> BuiltModel:
    """Build the roster model; `explain` guards each rule instance and drops the objective.

    Without `coverage_rows` the coverage windows only shape the per-skill counts: a caller
    that prices coverage itself (scheduler.team_pricing) adds no constraint for them.
    """
    model = cp_model.CpModel()
    variables = build_variables(model, problem)
    guards = Guards(model, active=explain)
    constraints.add_all(variables, guards)
    families.add_all(variables, guards)
    weights = objectives.weights_of(problem.rules.weights)
    terms = coverage.add_coverage(variables, weights[COVERAGE]) if coverage_rows else []
    if not explain:
        terms += objectives.penalize_all(variables, weights)
    built = BuiltModel(model, variables, terms, guards)
    if not explain:
        model.minimize(built.objective())
    return built


def hint_all(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    """Hint every variable of a model with the values of its last solve (a complete hint)."""
    model.clear_hints()  # type: ignore[no-untyped-call]
    for index in range(len(model.proto.variables)):
        var = model.get_int_var_from_proto_index(index)
        model.add_hint(var, solver.value(var))
