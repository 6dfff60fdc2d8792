"""The LP relaxation of a CP-SAT roster model in a GLOP linear program.

scheduler.team_columns starts its prices from the duals of the whole problem's LP, which is
every team model's relaxation plus the rows that link the teams; this module copies a
model's variables and constraints into such a program.
"""

from __future__ import annotations

from typing import Any

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model
from ortools.sat.python import cp_model_helper as helper

LpExpr = Any
"""A pywraplp linear expression (the module has no type information)."""

KINDS = ("linear", "bool_or", "bool_and", "exactly_one", "at_most_one")
"""The constraint kinds roster models use; any other is refused."""


def new_program() -> pywraplp.Solver:
    """An empty GLOP linear program."""
    return pywraplp.Solver.CreateSolver("GLOP")


class Relaxed:
    """One CP-SAT model's variables as continuous variables of a linear program."""

    def __init__(self, lp: pywraplp.Solver, model: cp_model.CpModel) -> None:
        proto = model.proto
        self.values = [list(var.domain) for var in proto.variables]
        self.vars = [lp.NumVar(d[0], d[-1], "") for d in self.values]
        for ct in proto.constraints:
            kind = next((k for k in KINDS if getattr(ct, f"has_{k}")()), None)
            if kind is None:
                raise ValueError(f"no LP relaxation for constraint {ct}")
            slack = sum(1 - self._literal(x) for x in ct.enforcement_literal)
            if kind == "linear":
                self._linear(lp, list(ct.linear.vars), list(ct.linear.coeffs), ct, slack)
            elif kind == "bool_or":
                lp.Add(sum(self._literal(x) for x in ct.bool_or.literals) + slack >= 1)
            elif kind == "bool_and":
                for x in ct.bool_and.literals:
                    lp.Add(self._literal(x) + slack >= 1)
            elif kind == "exactly_one":
                lp.Add(sum(self._literal(x) for x in ct.exactly_one.literals) == 1)
            else:
                lp.Add(sum(self._literal(x) for x in ct.at_most_one.literals) <= 1)

    def linear(self, expr: cp_model.LinearExprT) -> LpExpr:
        """A CP-SAT linear expression over this model's variables, in the program."""
        if not isinstance(expr, cp_model.LinearExpr):
            return int(expr)
        flat = helper.FlatIntExpr(expr)
        terms = zip(flat.vars, flat.coeffs, strict=True)
        return sum(c * self.vars[v.index] for v, c in terms) + flat.offset

    def _literal(self, ref: int) -> LpExpr:
        return self.vars[ref] if ref >= 0 else 1 - self.vars[-ref - 1]

    def _linear(
        self, lp: pywraplp.Solver, refs: list[int], coeffs: list[int], ct: Any, slack: LpExpr
    ) -> None:
        """lo ≤ Σ c·x ≤ hi (the hull of the domain); enforced ones relax by their range."""
        terms = list(zip(refs, coeffs, strict=True))
        expr = sum(c * self.vars[v] for v, c in terms)
        domain = list(ct.linear.domain)
        least = sum(min(c * self.values[v][0], c * self.values[v][-1]) for v, c in terms)
        most = sum(max(c * self.values[v][0], c * self.values[v][-1]) for v, c in terms)
        if domain[0] > least:
            lp.Add(expr >= domain[0] - (domain[0] - least) * slack)
        if domain[-1] < most:
            lp.Add(expr <= domain[-1] + (most - domain[-1]) * slack)
