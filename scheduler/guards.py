"""Enforcement literals per rule instance, so an unsat core can name rules, people and dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ortools.sat.python import cp_model


@dataclass(frozen=True)
class RuleInstance:
    """One group of hard constraints: a rule ID, who it binds, and optionally a date."""

    rule: str
    subject: str
    date: dt.date | None = None
    detail: str = ""


@dataclass
class Guards:
    """Hands out enforcement literals; when off (normal solving) every rule is unconditional."""

    model: cp_model.CpModel
    active: bool = False
    literals: dict[RuleInstance, cp_model.IntVar] = field(default_factory=dict)

    def of(self, instance: RuleInstance) -> list[cp_model.IntVar]:
        """Enforcement literals for constraints of this rule instance (empty when off)."""
        if not self.active:
            return []
        if instance not in self.literals:
            self.literals[instance] = self.model.new_bool_var(f"{instance}")
        return [self.literals[instance]]
