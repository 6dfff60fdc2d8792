"""`import-employees` (FORMATS §4): the shared parser checks every row, then all or none."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import importers
from attendance.errors import ImportRejected as ParseRejected
from attendance.model import Employee as EmployeeRow
from webapp.models import Employee, Site, Team
from webapp.services import employees, org
from webapp.services.errors import ServiceError

DEFAULT_TIMEZONE = "Asia/Shanghai"
CSV_COLUMN_OF_FIELD = {"site_id": "site", "team_id": "team"}


class ImportRejected(Exception):
    """The file had problems; nothing was imported. `problems` names line and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class ImportReport:
    """What the import did."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    sites_created: list[str] = field(default_factory=list)
    teams_created: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the terminal or the page."""
        return (
            f"created {len(self.created)}, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)} employee(s); new sites: {len(self.sites_created)}, "
            f"new teams: {len(self.teams_created)}; rejected 0"
        )


def parse_rows(content: bytes) -> tuple[EmployeeRow, ...]:
    """Every row checked by the FORMATS §4 parser; problems name line and column."""
    try:
        return importers.import_employees(io.BytesIO(content))
    except ParseRejected as rejected:
        raise ImportRejected(
            [f"line {line}, column {column}: {text}" for line, column, text in rejected.issues]
        ) from None


def import_employees(session: Session, actor: Employee | None, content: bytes) -> ImportReport:
    """Create missing sites and teams and upsert employees by code; the caller commits."""
    report = ImportReport()
    problems: list[str] = []
    for line, row in enumerate(parse_rows(content), start=2):
        site = session.scalar(select(Site).where(Site.name == row.site))
        if site is None:
            site = org.create_site(session, actor, row.site, DEFAULT_TIMEZONE)
            report.sites_created.append(row.site)
        team_id = None
        if row.team:
            team = session.scalar(
                select(Team).where(Team.site_id == site.id, Team.name == row.team)
            )
            if team is None:
                team = org.save_team(session, actor, site.id, row.team)
                report.teams_created.append(f"{row.site}/{row.team}")
            team_id = team.id
        values = employees.EmployeeValues(
            code=row.code,
            name=row.name,
            site_id=site.id,
            team_id=team_id,
            roles=frozenset(role.value for role in row.roles),
            monthly_base_pay=row.monthly_base_pay,
            skills=row.skills,
            email=row.email or None,
        )
        existing = employees.find_by_code(session, row.code)
        if existing is not None and _same(existing, values):
            report.unchanged.append(row.code)
            continue
        try:
            employees.save_employee(session, actor, values, existing.id if existing else None)
        except ServiceError as error:
            column = CSV_COLUMN_OF_FIELD.get(error.field or "code", error.field)
            problems.append(f"line {line}, column {column}: {error.message}")
            continue
        (report.updated if existing else report.created).append(row.code)
    if problems:
        raise ImportRejected(problems)
    return report


def _same(employee: Employee, values: employees.EmployeeValues) -> bool:
    return (
        employee.name == values.name
        and employee.site_id == values.site_id
        and employee.team_id == values.team_id
        and employee.roles == values.roles
        and employee.monthly_base_pay == values.monthly_base_pay
        and employee.skills == values.skills
        and employee.email == values.email
        and employee.active
    )
