"""Data for tests on a committed database (threads, subprocesses): plain service calls."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from webapp.models import Employee, Site
from webapp.services import employees, org


def site_with_team(
    session: Session, name: str, people: dict[str, set[str]]
) -> tuple[Site, dict[str, Employee]]:
    """A site with one team T1 holding `people` (code → roles); not committed."""
    site = org.create_site(session, None, name, "Asia/Shanghai")
    team = org.save_team(session, None, site.id, "T1")
    made = {}
    for code, roles in people.items():
        values = employees.EmployeeValues(code, code, site.id, team.id, frozenset(roles),
                                          Decimal("5000"))  # fmt: skip
        made[code] = employees.save_employee(session, None, values)
    return site, made


def agents_lead_director(count: int = 7) -> dict[str, set[str]]:
    """A01…A0n agents, a lead L01 and a director DR01."""
    return {**{f"A{n:02d}": {"agent"} for n in range(1, count + 1)},
            "L01": {"lead"}, "DR01": {"director"}}  # fmt: skip
