"""`paiban import-roster` (FORMATS §4): checked against the hard rules, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler import io
from tests.roster_factories import MONDAY, solved
from webapp.models import AuditEntry, Roster, Site
from webapp.services import roster, roster_problem


def _file(tmp_path: Path, session: Session, site: Site, change: Any = None) -> Path:
    bundle = roster_problem.build_problem(session, site, MONDAY, 7)
    data = io.result_to_dict(solved(bundle))
    if change:
        change(data)
    path = tmp_path / "roster.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _rosters(session: Session) -> int:
    return session.scalar(select(func.count(Roster.id))) or 0


def test_import_roster_publishes_a_roster_that_keeps_the_hard_rules(
    app: Flask, session: Session, roster_site: Site, tmp_path: Path
) -> None:
    path = _file(tmp_path, session, roster_site)
    out = app.test_cli_runner().invoke(
        args=["import-roster", "--site", roster_site.name, str(path)]
    )
    assert out.exit_code == 0, out.output
    assert "published roster" in out.output and "49 cells" in out.output
    shifts = roster.published_assignments(session, roster_site.id, MONDAY, MONDAY)
    assert shifts and all(s.date == MONDAY for s in shifts)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "roster.publish")).one()
    assert entry.before == {"cells": {k: "none" for k in entry.after["cells"]}}
    assert len(entry.after["cells"]) == 49


def _everyone_works_every_day(data: dict[str, Any]) -> None:
    rest = data.pop("rest_days")
    data["rest_days"] = []
    data["assignments"] += [{"agent": r["agent"], "date": r["date"], "shift": "M"} for r in rest]


def test_import_roster_refuses_a_roster_breaking_R3_and_changes_nothing(
    app: Flask, session: Session, roster_site: Site, tmp_path: Path
) -> None:
    path = _file(tmp_path, session, roster_site, _everyone_works_every_day)
    out = app.test_cli_runner().invoke(
        args=["import-roster", "--site", roster_site.name, str(path)]
    )
    assert out.exit_code == 2
    assert "nothing imported" in out.output
    assert "R-3: A01 works 7 days in a row" in out.output
    assert "--force" in out.output
    assert _rosters(session) == 0


def test_import_roster_with_force_publishes_and_lists_the_violations(
    app: Flask, session: Session, roster_site: Site, tmp_path: Path
) -> None:
    path = _file(tmp_path, session, roster_site, _everyone_works_every_day)
    out = app.test_cli_runner().invoke(
        args=["import-roster", "--site", roster_site.name, "--force", str(path)]
    )
    assert out.exit_code == 0, out.output
    assert "violation: R-3" in out.output
    published = session.scalars(select(Roster)).one()
    assert published.status == "published"
    assert any(v.startswith("R-3") for v in published.forced_violations)


def test_import_roster_names_the_field_of_each_bad_entry(
    app: Flask, session: Session, roster_site: Site, tmp_path: Path
) -> None:
    def spoil(data: dict[str, Any]) -> None:
        data["assignments"][0]["agent"] = "NOBODY"
        data["assignments"][1]["shift"] = "X"
        data["assignments"][2]["date"] = "2026-13-01"

    path = _file(tmp_path, session, roster_site, spoil)
    out = app.test_cli_runner().invoke(
        args=["import-roster", "--site", roster_site.name, str(path)]
    )
    assert out.exit_code == 2
    assert "assignments[2].date" in out.output
    assert _rosters(session) == 0


def test_import_roster_names_unknown_agents_and_shifts(
    app: Flask, session: Session, roster_site: Site, tmp_path: Path
) -> None:
    def spoil(data: dict[str, Any]) -> None:
        data["assignments"][0]["agent"] = "NOBODY"
        data["assignments"][1]["shift"] = "X"

    path = _file(tmp_path, session, roster_site, spoil)
    out = app.test_cli_runner().invoke(
        args=["import-roster", "--site", roster_site.name, str(path)]
    )
    assert out.exit_code == 2
    assert "assignments[0].agent: 'NOBODY' is not a rostered agent" in out.output
    assert "assignments[1].shift: unknown shift 'X'" in out.output


def test_import_roster_rejects_a_file_that_is_not_json_or_an_unknown_site(
    app: Flask, session: Session, roster_site: Site, tmp_path: Path
) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    runner = app.test_cli_runner()
    out = runner.invoke(args=["import-roster", "--site", roster_site.name, str(path)])
    assert out.exit_code == 2 and "$: not JSON (line 1" in out.output
    out = runner.invoke(args=["import-roster", "--site", "Nowhere", str(path)])
    assert out.exit_code == 2 and "--site: no site named 'Nowhere'" in out.output
