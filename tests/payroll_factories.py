"""Factory fixtures of the payroll area: ledger lines, incidents, a team with lead, agent, HR."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from attendance.deductions import build_line
from attendance.model import SourceKind
from webapp.models import Employee, MoneyLine
from webapp.services import ledger

NOV_16 = date(2026, 11, 16)


@dataclass
class Crew:
    """A team with its lead and two agents, and an HR person of the same site."""

    lead: Employee
    agent: Employee
    other: Employee
    hr: Employee


@pytest.fixture
def crew(make_team: Callable[..., object], make_employee: Callable[..., Employee]) -> Crew:
    """crew.lead leads crew.agent and crew.other; crew.hr has the hr role."""
    team = make_team()
    return Crew(
        lead=make_employee(("lead",), team=team),
        agent=make_employee(team=team, monthly_base_pay=Decimal("5000")),
        other=make_employee(team=team),
        hr=make_employee(("hr",), site=team.site),  # type: ignore[attr-defined]
    )


@pytest.fixture
def make_line(session: Session) -> Callable[..., MoneyLine]:
    """make_line(employee, on=…, rule="D-7", amount=-10, ref=…) → one stored clock line."""
    numbers = iter(range(1, 100_000))

    def make(
        employee: Employee,
        on: date = NOV_16,
        rule: str = "D-1",
        amount: str = "-20",
        ref: str | None = None,
        source: SourceKind = SourceKind.CLOCK,
    ) -> MoneyLine:
        key = ref or f"test/{next(numbers)}"
        line = build_line(rule, str(employee.id), on, f"test {rule}", Decimal(amount), source, key)
        report = ledger.sync_lines_for_source(
            session, source, ledger.SourceRef("test", key), [line]
        )
        row = session.get(MoneyLine, report.inserted_ids[0])
        assert row is not None
        return row

    return make
