"""Employees and their login accounts: create, change, reset passwords (admin, SPEC §1)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.models import ROLES, Employee, Site, Team, UserAccount
from webapp.models.base import utcnow
from webapp.models.user import UNUSABLE_PASSWORD
from webapp.services import audit
from webapp.services.errors import NotFound, ServiceError

EMPLOYEE_FIELDS = (
    "code",
    "name",
    "email",
    "site_id",
    "team_id",
    "monthly_base_pay",
    "active",
    "roles",
    "skills",
)
MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class EmployeeValues:
    """What an admin form or an import row says about one employee."""

    code: str
    name: str
    site_id: int
    team_id: int | None
    roles: frozenset[str]
    monthly_base_pay: Decimal
    skills: frozenset[str] = frozenset()
    email: str | None = None
    active: bool = True


def get_employee(session: Session, employee_id: int) -> Employee:
    """The employee or NotFound."""
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise NotFound(f"employee {employee_id} does not exist", field="employee")
    return employee


def find_by_code(session: Session, code: str) -> Employee | None:
    """Employee codes are unique and compared as typed."""
    return session.scalar(select(Employee).where(Employee.code == code))


def save_employee(
    session: Session,
    actor: Employee | None,
    values: EmployeeValues,
    employee_id: int | None = None,
) -> Employee:
    """Create or change an employee; a new one gets a login named after its code."""
    _check_values(session, values, employee_id)
    employee = get_employee(session, employee_id) if employee_id else Employee()
    before = audit.snapshot(employee, EMPLOYEE_FIELDS) if employee_id else None
    employee.code = values.code
    employee.name = values.name
    employee.email = values.email
    employee.site_id = values.site_id
    employee.team_id = values.team_id
    employee.monthly_base_pay = values.monthly_base_pay
    employee.active = values.active
    employee.roles = values.roles
    employee.skills = values.skills
    session.add(employee)
    session.flush()
    if not employee_id:
        # No password yet: an admin sets one (reset) before the person can sign in.
        account = UserAccount(
            login=values.code.lower(), employee_id=employee.id, password_hash=UNUSABLE_PASSWORD
        )
        session.add(account)
    action = "employee.update" if employee_id else "employee.create"
    audit.record(
        session, actor, action, employee, before, audit.snapshot(employee, EMPLOYEE_FIELDS)
    )
    return employee


def _check_values(session: Session, values: EmployeeValues, employee_id: int | None) -> None:
    if not values.code.strip():
        raise ServiceError("code is required", field="code")
    if not values.name.strip():
        raise ServiceError("name is required", field="name")
    clash = session.scalar(
        select(Employee).where(Employee.code == values.code, Employee.id != (employee_id or 0))
    )
    if clash:
        raise ServiceError(f"code {values.code!r} belongs to {clash.name}", field="code")
    unknown = values.roles - set(ROLES)
    if unknown:
        raise ServiceError(
            f"unknown role {sorted(unknown)[0]!r}; roles are {', '.join(ROLES)}", field="roles"
        )
    if not values.roles:
        raise ServiceError("an employee needs at least one role (SPEC §1)", field="roles")
    if values.monthly_base_pay < 0:
        raise ServiceError("monthly base pay cannot be negative", field="monthly_base_pay")
    if session.get(Site, values.site_id) is None:
        raise ServiceError(f"site {values.site_id} does not exist", field="site_id")
    if values.team_id is not None:
        team = session.get(Team, values.team_id)
        if team is None or team.site_id != values.site_id:
            raise ServiceError("the team must belong to the employee's site", field="team_id")


def account_for(session: Session, employee_id: int) -> UserAccount:
    """The login of an employee."""
    account = session.scalar(select(UserAccount).where(UserAccount.employee_id == employee_id))
    if account is None:
        raise NotFound(f"employee {employee_id} has no login", field="employee")
    return account


def find_account(session: Session, login: str) -> UserAccount | None:
    """Logins are case-insensitive."""
    return session.scalar(
        select(UserAccount).where(func.lower(UserAccount.login) == login.strip().lower())
    )


def check_password_policy(password: str) -> None:
    """At least 8 characters, not all of one kind."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            f"a password needs at least {MIN_PASSWORD_LENGTH} characters", field="password"
        )
    if password.isdigit() or password.isalpha():
        raise ServiceError("a password needs letters and digits or symbols", field="password")


def reset_password(session: Session, actor: Employee, employee_id: int, password: str) -> None:
    """An admin sets a new password; the audit log records that it changed, not the value."""
    check_password_policy(password)
    account = account_for(session, employee_id)
    account.set_password(password)
    account.password_changed_at = utcnow()
    audit.record(session, actor, "employee.password_reset", get_employee(session, employee_id))


def set_locale(session: Session, account: UserAccount, locale: str | None) -> None:
    """Remember a user's language choice."""
    account.locale = locale


def list_employees(
    session: Session, site_id: int | None = None, team_id: int | None = None
) -> list[Employee]:
    """Employees by code, optionally of one site or team."""
    query = select(Employee).order_by(Employee.code)
    if site_id is not None:
        query = query.where(Employee.site_id == site_id)
    if team_id is not None:
        query = query.where(Employee.team_id == team_id)
    return list(session.scalars(query))
