"""Foundation guarantees: audit log, production secret, demo site, roles (issue 2)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp import create_app
from webapp.config import DEV_SECRET, ProductionConfig
from webapp.models import AuditEntry, CoverageRequirement, Employee, EmployeeRole, Site, Team
from webapp.models.audit import AuditLogIsAppendOnly
from webapp.permissions import may_decide_for
from webapp.services import demo


def test_production_refuses_to_start_without_a_real_secret() -> None:
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig, SECRET_KEY=DEV_SECRET)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig, SECRET_KEY="")
    app = create_app(
        ProductionConfig,
        SECRET_KEY="a-real-secret-of-some-length",
        SQLALCHEMY_DATABASE_URI="sqlite://",
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_audit_log_is_append_only(session: Session, make_site: Callable[..., Site]) -> None:
    make_site()
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry is not None and entry.action == "site.create"
    entry.action = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()
    session.rollback()
    session.delete(session.get(AuditEntry, entry.id))
    with pytest.raises(AuditLogIsAppendOnly):
        session.flush()


def test_nobody_decides_their_own_request(make_employee: Callable[..., Employee]) -> None:
    lead = make_employee(roles=("lead",))
    agent = make_employee()
    assert may_decide_for(lead, agent) and not may_decide_for(lead, lead)


def test_demo_site_is_shaped_like_the_seeds(session: Session) -> None:
    demo.load_demo(session)
    site = session.scalar(select(Site).where(Site.name == demo.DEMO_SITE))
    assert site is not None and site.timezone == "Asia/Shanghai"
    assert {s.code for s in site.shift_types} == {"E", "M", "D", "N"}
    teams = list(session.scalars(select(Team).where(Team.site_id == site.id)))
    assert [t.name for t in teams] == ["T1", "T2", "T3"]
    for team in teams:
        roles = [m.roles for m in team.members]
        assert sum(1 for r in roles if r == {"agent"}) == 7
        assert sum(1 for r in roles if r == {"lead"}) == 1
    for role in ("director", "hr", "admin"):
        holders = session.scalar(
            select(func.count())
            .select_from(EmployeeRole)
            .join(Employee)
            .where(Employee.site_id == site.id, EmployeeRole.role == role)
        )
        assert holders == 1, role
    windows = list(
        session.scalars(select(CoverageRequirement).where(CoverageRequirement.site_id == site.id))
    )
    all_day = [w for w in windows if (w.from_minute, w.to_minute) == (0, 1440)]
    assert all_day and all_day[0].weekdays == "0123456" and all_day[0].minimum >= 1
    peak = max(w.minimum for w in windows if w.skill is None)
    assert peak > 1
    assert [lg.login for lg in demo.load_demo(session)] == ["dr01", "hr01", "ad01", "l01", "a01"]


def test_dashboard_shows_a_lead_their_team(
    make_team: Callable[..., Team],
    make_employee: Callable[..., Employee],
    sign_in: Callable[[Employee], FlaskClient],
) -> None:
    team = make_team()
    lead = make_employee(roles=("lead",), team=team)
    make_employee(team=team, name="组员甲")
    page = sign_in(lead).get("/").get_data(as_text=True)
    assert "My team" in page and "组员甲" in page
