"""The roster area's commands: `paiban import-roster` (FORMATS §4) and `paiban worker`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from webapp.blueprints.roster import bp
from webapp.extensions import db


@bp.cli.command("import-roster")
@click.option("--site", "site_name", required=True, help="Site name (or id).")
@click.option("--force", is_flag=True, help="Publish even with hard-rule violations (listed).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_roster_command(site_name: str, force: bool, path: Path) -> None:
    """Publish a roster file (FORMATS §2) for a site after checking the hard rules."""
    from webapp.services import roster_import

    try:
        site = roster_import.find_site(db.session, site_name)
        report = roster_import.import_roster(db.session, None, site, path.read_bytes(), force)
    except roster_import.ImportRejected as rejected:
        db.session.rollback()
        click.echo(f"{path}: nothing imported; {len(rejected.problems)} problem(s):", err=True)
        for problem in rejected.problems:
            click.echo(f"  {problem}", err=True)
        if not force and any(p[:2] in ("R-", "S-") for p in rejected.problems):
            click.echo("  (--force publishes with these violations listed)", err=True)
        sys.exit(2)
    db.session.commit()
    click.echo(report.summary())
    for line in report.forced:
        click.echo(f"  violation: {line}")


@bp.cli.command("worker")
@click.option("--concurrency", type=click.IntRange(min=1), default=1, show_default=True)
def worker_command(concurrency: int) -> None:
    """Start a Celery worker that solves roster jobs (needs CELERY_BROKER_URL)."""
    from flask import current_app

    from webapp.services import roster_runner

    if not current_app.config.get("CELERY_BROKER_URL"):
        click.echo("CELERY_BROKER_URL is not set: jobs run in local worker processes.", err=True)
        sys.exit(2)
    celery = roster_runner.celery_for(current_app._get_current_object())  # type: ignore[attr-defined]
    celery.worker_main(["worker", "--loglevel=INFO", f"--concurrency={concurrency}"])
