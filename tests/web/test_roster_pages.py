"""Roster pages: list, job progress, grid with SVG coverage, edit with violations, publish."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.roster_factories import MONDAY
from webapp.models import AuditEntry, Employee, Roster, RosterJob


def test_agents_may_not_open_the_roster_planner(
    roster_site: Any, make_employee: Callable[..., Employee], sign_in: Callable[..., FlaskClient]
) -> None:
    client = sign_in(make_employee(roles=("agent",), site=roster_site))
    assert client.get("/roster/").status_code == 403


def test_generate_queues_a_job_and_the_job_page_shows_progress(
    session: Session, director: Employee, sign_in: Callable[..., FlaskClient], monkeypatch: Any
) -> None:
    from webapp.services import roster_runner

    monkeypatch.setattr(roster_runner, "dispatch", lambda app, job_id: "local")
    client = sign_in(director)
    page = client.get("/roster/")
    assert page.status_code == 200 and "Generate a roster" in page.get_data(as_text=True)
    response = client.post(
        "/roster/generate", data={"first_date": MONDAY.isoformat(), "weeks": "1", "time_limit": "5"}
    )
    assert response.status_code == 302
    job = session.scalars(select(RosterJob)).one()
    assert response.headers["Location"].endswith(f"/roster/jobs/{job.id}")
    html = client.get(f"/roster/jobs/{job.id}").get_data(as_text=True)
    assert "Stop and keep the best roster" in html
    status = client.get(f"/roster/jobs/{job.id}.json").get_json()
    assert status["status"] == "queued" and status["time_limit"] == 5.0


def test_the_grid_shows_cells_coverage_svg_and_filters_by_team(
    draft_roster: Roster, director: Employee, sign_in: Callable[..., FlaskClient]
) -> None:
    client = sign_in(director)
    html = client.get(f"/roster/{draft_roster.id}").get_data(as_text=True)
    assert html.count('class="coverage-chart"') == 7
    assert html.count('<td class="cell') == 49
    assert "Every hard rule holds." in html
    assert (
        client.get(f"/roster/{draft_roster.id}?team=T9")
        .get_data(as_text=True)
        .count('<td class="cell')
        == 0
    )


def test_editing_a_cell_shows_every_violation_by_rule_R3(
    session: Session, draft_roster: Roster, director: Employee, sign_in: Callable[..., FlaskClient]
) -> None:
    client = sign_in(director)
    rest = next(c for c in draft_roster.assignments if c.kind == "rest")
    response = client.post(
        f"/roster/{draft_roster.id}/cell",
        data={"employee_id": rest.employee_id, "date": rest.date.isoformat(), "value": "M"},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "hard-rule violation" in html
    assert "<strong>R-3</strong>" in html or "<strong>R-4</strong>" in html
    assert "days in a row" in html
    session.refresh(rest)
    assert rest.kind == "shift" and rest.pinned
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "roster.edit")).one()


def test_publish_refuses_violations_unless_forced_then_is_read_only(
    session: Session, draft_roster: Roster, director: Employee, sign_in: Callable[..., FlaskClient]
) -> None:
    client = sign_in(director)
    rest = next(c for c in draft_roster.assignments if c.kind == "rest")
    form = {"employee_id": rest.employee_id, "date": rest.date.isoformat(), "value": "M"}
    client.post(f"/roster/{draft_roster.id}/cell", data=form)
    page = client.post(f"/roster/{draft_roster.id}/publish", data={}, follow_redirects=True)
    assert "hard-rule violation(s), first" in page.get_data(as_text=True)
    assert draft_roster.status == "draft"
    client.post(f"/roster/{draft_roster.id}/publish", data={"force": "y"})
    session.refresh(draft_roster)
    assert draft_roster.status == "published" and draft_roster.forced_violations
    again = client.post(f"/roster/{draft_roster.id}/cell", data=form, follow_redirects=True)
    assert "read-only" in again.get_data(as_text=True)


def test_exports_are_csv_with_bom_and_xlsx(
    draft_roster: Roster, director: Employee, sign_in: Callable[..., FlaskClient]
) -> None:
    client = sign_in(director)
    csv = client.get(f"/roster/{draft_roster.id}/export.csv")
    assert csv.status_code == 200 and csv.data.startswith(b"\xef\xbb\xbfemployee_code,name,team")
    assert csv.data.count(b"\n") == 50
    xlsx = client.get(f"/roster/{draft_roster.id}/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get(f"/roster/{draft_roster.id}/export.pdf").status_code == 404


def test_print_view_hides_the_controls(
    draft_roster: Roster, director: Employee, sign_in: Callable[..., FlaskClient]
) -> None:
    html = sign_in(director).get(f"/roster/{draft_roster.id}?print=1").get_data(as_text=True)
    assert "print-view" in html
    _ = dt


def test_L5_a_draft_over_a_published_week_lists_who_moves_where(
    session, published_roster, director, sign_in
) -> None:
    from tests.roster_factories import MONDAY, solved
    from webapp.services import roster_edit, roster_problem

    bundle = roster_problem.build_problem(session, published_roster.site, MONDAY, 7)
    draft = roster_edit.store_solution(session, published_roster.site, bundle, solved(bundle),
                                       None)  # fmt: skip
    cell = next(c for c in draft.assignments if c.kind == "shift")
    cell.kind, cell.shift_type_id = "rest", None
    session.commit()
    page = sign_in(director).get(f"/roster/{draft.id}").get_data(as_text=True)
    assert "What publishing changes" in page
    assert f"{cell.employee.code} {cell.date.isoformat()}" in page
