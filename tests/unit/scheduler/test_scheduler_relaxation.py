"""The LP relaxation of a CP-SAT model (scheduler.relaxation)."""

from __future__ import annotations

import pytest
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from scheduler import relaxation


def solved(model: cp_model.CpModel, objective: cp_model.LinearExprT) -> float:
    """The optimum of the model's LP relaxation for an objective over its variables."""
    lp = relaxation.new_program()
    relaxed = relaxation.Relaxed(lp, model)
    lp.Minimize(relaxed.linear(objective))
    assert lp.Solve() == pywraplp.Solver.OPTIMAL
    return float(lp.Objective().Value())


def test_relaxation_drops_integrality_only() -> None:
    """min x + y with 2x + 3y ≥ 7: integers give 3, the LP 7/3 (y = 7/3)."""
    model = cp_model.CpModel()
    x, y = model.new_int_var(0, 3, "x"), model.new_int_var(0, 3, "y")
    model.add(2 * x + 3 * y >= 7)
    assert solved(model, x + y) == pytest.approx(7 / 3)


def test_relaxation_keeps_clauses_and_choices() -> None:
    """Exactly one of a, b, c; a or d; at most one of b, c, d. Integers must take a (cost 5);
    the LP takes a = d = 1/2: a + d ≥ 1 and d ≤ 1 − b − c = a force a ≥ 1/2, cost 4 + a."""
    model = cp_model.CpModel()
    a, b, c, d = (model.new_bool_var(n) for n in "abcd")
    model.add_exactly_one([a, b, c])
    model.add_bool_or([a, d])
    model.add_at_most_one([b, c, d])
    assert solved(model, 5 * a + b + c + 3 * d) == pytest.approx(4.5)


def test_an_enforced_constraint_relaxes_by_its_range() -> None:
    """b ⇒ x ≥ 2 becomes x ≥ 2b: minimising x − 3b gives −1 at b = 1, x = 2."""
    model = cp_model.CpModel()
    x, b = model.new_int_var(0, 3, "x"), model.new_bool_var("b")
    model.add(x >= 2).only_enforce_if(b)
    assert solved(model, x - 3 * b) == pytest.approx(-1.0)
    model.add(x <= 1)  # now b = 1 is impossible: the relaxation keeps b ≤ 1/2
    assert solved(model, x - 3 * b) == pytest.approx(-0.5)


def test_a_constraint_kind_without_relaxation_is_refused() -> None:
    model = cp_model.CpModel()
    x, y = model.new_int_var(0, 3, "x"), model.new_int_var(0, 3, "y")
    model.add_multiplication_equality(x, [y, y])
    with pytest.raises(ValueError, match="no LP relaxation"):
        relaxation.Relaxed(relaxation.new_program(), model)
