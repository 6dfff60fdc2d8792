"""`paiban backup` / `paiban restore` round trip (issue 8), on SQLite or PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Site
from webapp.services import org


def site_names(app: Flask) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(Site.name)))


def test_backup_then_restore_brings_back_exactly_what_was_saved(
    committed_app: Flask, tmp_path: Path
) -> None:
    with committed_app.app_context():
        org.create_site(db.session, None, "备份前", "Asia/Shanghai")
        db.session.commit()
    runner = committed_app.test_cli_runner()
    target = tmp_path / "paiban.backup"
    made = runner.invoke(args=["backup", str(target)])
    assert made.exit_code == 0, made.output
    assert target.stat().st_size > 0 and not list(tmp_path.glob(".backup-*"))
    with committed_app.app_context():
        org.create_site(db.session, None, "备份后", "Asia/Shanghai")
        db.session.commit()
    assert site_names(committed_app) == ["备份前", "备份后"]
    restored = runner.invoke(args=["restore", "--yes", str(target)])
    assert restored.exit_code == 0, restored.output
    assert site_names(committed_app) == ["备份前"]


def test_restore_of_a_missing_or_broken_file_changes_nothing(
    committed_app: Flask, tmp_path: Path
) -> None:
    with committed_app.app_context():
        org.create_site(db.session, None, "原样", "Asia/Shanghai")
        db.session.commit()
    runner = committed_app.test_cli_runner()
    missing = runner.invoke(args=["restore", "--yes", str(tmp_path / "none.backup")])
    assert missing.exit_code == 2 and "no such backup file" in missing.output
    broken = tmp_path / "broken.backup"
    broken.write_bytes(b"not a backup at all" * 100)
    failed = runner.invoke(args=["restore", "--yes", str(broken)])
    assert failed.exit_code == 2 and "restore failed" in failed.output
    assert site_names(committed_app) == ["原样"]
