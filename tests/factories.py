"""Factory fixtures with defaults: a site, teams, employees with logins, signing in.

Factories commit: in the test session a commit only releases a savepoint, and it keeps what
they made when a request under test rolls its own work back (a 4xx response)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from webapp.models import Employee, Site, Team
from webapp.services import employees, org

PASSWORD = "correct-horse-1"
PASSWORD_HASH = generate_password_hash(PASSWORD)  # hashing is slow on purpose: do it once
_numbers = itertools.count(1)


@pytest.fixture
def make_site(session: Session) -> Callable[..., Site]:
    """make_site(name=…, timezone=…) → a site with the S-1 shift types."""

    def make(name: str | None = None, timezone: str = "Asia/Shanghai") -> Site:
        site = org.create_site(session, None, name or f"Site {next(_numbers)}", timezone)
        session.commit()
        return site

    return make


@pytest.fixture
def make_team(session: Session, make_site: Callable[..., Site]) -> Callable[..., Team]:
    """make_team(site=…, name=…) → a team."""

    def make(site: Site | None = None, name: str | None = None) -> Team:
        site = site or make_site()
        team = org.save_team(session, None, site.id, name or f"T{next(_numbers)}")
        session.commit()
        return team

    return make


@pytest.fixture
def make_employee(session: Session, make_site: Callable[..., Site]) -> Callable[..., Employee]:
    """make_employee(roles=…, team=…, site=…, **fields) → an employee who can sign in."""

    def make(
        roles: tuple[str, ...] = ("agent",),
        team: Team | None = None,
        site: Site | None = None,
        **fields: Any,
    ) -> Employee:
        site = site or (team.site if team else make_site())
        number = next(_numbers)
        values = employees.EmployeeValues(
            code=fields.pop("code", f"E{number:04d}"),
            name=fields.pop("name", f"Person {number}"),
            site_id=site.id,
            team_id=team.id if team else None,
            roles=frozenset(roles),
            monthly_base_pay=fields.pop("monthly_base_pay", Decimal("5000")),
            skills=frozenset(fields.pop("skills", {"zh"})),
            email=fields.pop("email", None),
        )
        assert not fields, f"unknown fields {fields}"
        employee = employees.save_employee(session, None, values)
        employees.account_for(session, employee.id).password_hash = PASSWORD_HASH
        session.commit()
        return employee

    return make


@pytest.fixture
def sign_in(client: FlaskClient, session: Session) -> Callable[[Employee], FlaskClient]:
    """sign_in(employee) → the test client, signed in as that employee."""

    def sign(employee: Employee) -> FlaskClient:
        login = employees.account_for(session, employee.id).login
        client.post("/auth/logout")
        response = client.post("/auth/login", data={"login": login, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return sign
