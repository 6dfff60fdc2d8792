"""Roster factory fixtures: a small rostered site, solved rosters, published rosters."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from functools import cache

import pytest
from sqlalchemy.orm import Session

from scheduler import io
from scheduler.result import Result
from scheduler.settings import SolverSettings
from scheduler.solve import solve
from webapp.models import Employee, Roster, Site
from webapp.services import roster_edit, roster_problem

MONDAY = dt.date(2026, 11, 23)


@cache
def _solved(problem_json: str) -> str:
    """Solve once per distinct problem in a test run (deterministic: one worker, seed 0)."""
    problem = io.parse_problem(json.loads(problem_json))
    result = solve(problem, SolverSettings(time_limit=5, workers=1, seed=0))
    return json.dumps(io.result_to_dict(result))


def solved(bundle: roster_problem.Bundle) -> Result:
    """The solver's roster for a bundle's problem (cached across tests)."""
    text = json.dumps(io.problem_to_dict(bundle.problem), sort_keys=True)
    return io.parse_result(json.loads(_solved(text)))


@pytest.fixture
def roster_site(
    make_site: Callable[..., Site],
    make_team: Callable[..., object],
    make_employee: Callable[..., Employee],
) -> Site:
    """A site with one team T1 of seven agents A01..A07 (A01 and A04 speak English), a lead
    L01 and a director DR01; coverage is the default one agent around the clock."""
    site = make_site(name="Roster test site")
    team = make_team(site=site, name="T1")
    for n in range(1, 8):
        skills = {"zh", "en"} if n in (1, 4) else {"zh"}
        make_employee(roles=("agent",), team=team, code=f"A{n:02d}", skills=skills)
    make_employee(roles=("lead",), team=team, code="L01")
    make_employee(roles=("director",), site=site, code="DR01")
    return site


@pytest.fixture
def draft_roster(session: Session, roster_site: Site) -> Roster:
    """A solved draft roster of the roster site for the week of MONDAY."""
    bundle = roster_problem.build_problem(session, roster_site, MONDAY, 7)
    return roster_edit.store_solution(session, roster_site, bundle, solved(bundle), None)


@pytest.fixture
def director(session: Session, roster_site: Site) -> Employee:
    """DR01 of the roster site."""
    from sqlalchemy import select

    return session.scalars(select(Employee).where(Employee.code == "DR01")).one()


@pytest.fixture
def published_roster(session: Session, draft_roster: Roster, director: Employee) -> Roster:
    """The draft roster, published by the director."""
    roster, _ = roster_edit.publish_roster(session, director, draft_roster.id, force=True)
    return roster
