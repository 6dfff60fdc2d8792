"""The demo call center: one site shaped like the seeds, loaded into an empty database."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from webapp.models import Employee, Site
from webapp.services import employees, org

DEMO_SITE = "示范呼叫中心"
DEMO_PASSWORD = "paiban2026"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓"
GIVEN = ("静", "伟", "芳", "敏", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "霞")

# S-2 demo curve: (weekdays, from, to, minimum, skill); weekday 0 = Monday. At least one
# agent all day and night, a morning peak, a lunch dip and an early-evening peak.
WEEKDAYS, WEEKEND = "01234", "56"
DEMO_COVERAGE = (
    ("0123456", "00:00", "24:00", 1, None),
    (WEEKDAYS, "07:30", "08:00", 2, None),
    (WEEKDAYS, "08:00", "12:00", 6, None),
    (WEEKDAYS, "12:00", "13:00", 5, None),
    (WEEKDAYS, "13:00", "17:00", 6, None),
    (WEEKDAYS, "17:00", "21:00", 4, None),
    (WEEKDAYS, "21:00", "24:00", 2, None),
    (WEEKEND, "08:00", "17:00", 4, None),
    (WEEKEND, "17:00", "21:00", 3, None),
    (WEEKDAYS, "09:00", "12:00", 1, "en"),
)


@dataclass(frozen=True)
class DemoLogin:
    """A demo user to print for whoever starts the app."""

    login: str
    role: str
    name: str


def demo_name(index: int) -> str:
    """A deterministic Chinese name for demo person number `index`."""
    return SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)]


def database_is_empty(session: Session) -> bool:
    """True before any site exists: the first start of a new installation."""
    return session.scalar(select(Site.id).limit(1)) is None


def load_demo(session: Session) -> list[DemoLogin]:
    """Create the demo site unless it exists; returns the demo logins."""
    if session.scalar(select(Site).where(Site.name == DEMO_SITE)):
        return demo_logins(session)
    site = org.create_site(session, None, DEMO_SITE, "Asia/Shanghai")
    for weekdays, start, end, minimum, skill in DEMO_COVERAGE:
        org.add_coverage(
            session,
            None,
            site.id,
            weekdays=weekdays,
            on_date=None,
            from_minute=org.minutes_of_day(start),
            to_minute=org.minutes_of_day(end),
            minimum=minimum,
            skill=skill,
        )
    person = 0
    password_hash = generate_password_hash(DEMO_PASSWORD)  # one hash: every demo login shares it

    def add(code: str, roles: set[str], pay: str, team_id: int | None, skills: set[str]) -> None:
        nonlocal person
        values = employees.EmployeeValues(
            code=code,
            name=demo_name(person),
            site_id=site.id,
            team_id=team_id,
            roles=frozenset(roles),
            monthly_base_pay=Decimal(pay),
            skills=frozenset(skills),
            email=f"{code.lower()}@demo.paiban.local",
        )
        employee = employees.save_employee(session, None, values)
        employees.account_for(session, employee.id).password_hash = password_hash
        person += 1

    add("DR01", {"director"}, "12000", None, {"zh", "en"})
    add("HR01", {"hr"}, "8000", None, {"zh"})
    add("AD01", {"admin"}, "8000", None, {"zh", "en"})
    for team_number in (1, 2, 3):
        team = org.save_team(session, None, site.id, f"T{team_number}")
        add(f"L{team_number:02d}", {"lead"}, "7000", team.id, {"zh", "en"})
        for member in range(7):
            number = (team_number - 1) * 7 + member + 1
            skills = {"zh", "en"} if member in (0, 3) else {"zh"}
            add(f"A{number:02d}", {"agent"}, str(5000 + 100 * (member % 4)), team.id, skills)
    return demo_logins(session)


def demo_logins(session: Session) -> list[DemoLogin]:
    """One login per role to show on start-up, agents last."""
    wanted = ("DR01", "HR01", "AD01", "L01", "A01")
    logins = []
    for code in wanted:
        employee = session.scalar(select(Employee).where(Employee.code == code))
        if employee is not None:
            account = employees.account_for(session, employee.id)
            logins.append(
                DemoLogin(account.login, ", ".join(sorted(employee.roles)), employee.name)
            )
    return logins
