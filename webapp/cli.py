"""The `paiban` command: Flask's CLI group of the app plus paiban's own commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from webapp.extensions import db


def register_commands(app: Flask) -> None:
    """Attach paiban's commands to the app's CLI group."""
    app.cli.add_command(demo_command)
    app.cli.add_command(import_employees_command)
    app.cli.add_command(import_clock_command)
    app.cli.add_command(create_device_command)
    app.cli.add_command(solve_file_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only when the database has no site yet.")
def demo_command(if_empty: bool) -> None:
    """Load the demo call center (示范呼叫中心) and print its logins."""
    from webapp.services import demo

    if if_empty and not demo.database_is_empty(db.session):
        logins = demo.demo_logins(db.session)
    else:
        logins = demo.load_demo(db.session)
        db.session.commit()
    if logins:
        click.echo(f"Demo logins (password: {demo.DEMO_PASSWORD}):")
    for login in logins:
        click.echo(f"  {login.login:<8} {login.role:<10} {login.name}")


@click.command("import-employees")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_employees_command(path: Path) -> None:
    """Create or update employees from a CSV (FORMATS §4); all rows or none."""
    from webapp.services import employee_import

    try:
        report = employee_import.import_employees(db.session, None, path.read_bytes())
    except employee_import.ImportRejected as rejected:
        db.session.rollback()
        click.echo(f"{path}: nothing imported; {len(rejected.problems)} problem(s):", err=True)
        for problem in rejected.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(2)
    db.session.commit()
    click.echo(report.summary())


@click.command("solve-file")
@click.argument("problem", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the roster (FORMATS §2).",
)
@click.option("--time-limit", type=click.FloatRange(min=0.1), default=60.0, show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
def solve_file_command(
    problem: Path, out: Path, time_limit: float, workers: int, seed: int
) -> None:
    """Solve a roster problem file (FORMATS §1); exit 0 solved, 2 bad input, 3 infeasible,
    4 unknown."""
    from scheduler.cli import solve_file_command as solve_file

    sys.exit(solve_file(problem, out, time_limit=time_limit, workers=workers, seed=seed))


@click.command("import-clock")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_clock_command(path: Path) -> None:
    """Store clock events from a terminal CSV (FORMATS §3); all rows or none."""
    from attendance.errors import ImportRejected
    from webapp.services import clock_import

    try:
        report = clock_import.import_clock_file(db.session, str(path))
    except ImportRejected as rejected:
        db.session.rollback()
        click.echo(f"{path}: nothing imported; {len(rejected.issues)} problem(s):", err=True)
        for line, column, message in rejected.issues:
            click.echo(f"  line {line}, column {column}: {message}", err=True)
        sys.exit(2)
    db.session.commit()
    click.echo(report.summary())


@click.command("create-device")
@with_appcontext
@click.option("--site", "site_name", required=True, help="Name of the site.")
@click.argument("name")
def create_device_command(site_name: str, name: str) -> None:
    """Register a clock device and print its API token once (A-1)."""
    from webapp.services import devices, org
    from webapp.services.errors import ServiceError

    try:
        site_id = org.site_id_by_name(db.session, site_name)
        device, token = devices.create_device(db.session, None, site_id, name)
    except ServiceError as error:
        db.session.rollback()
        click.echo(error.message, err=True)
        sys.exit(2)
    db.session.commit()
    click.echo(f"device {device.name}: token {token}")


@click.command("backup")
@with_appcontext
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(target: Path) -> None:
    """Copy the whole database to TARGET (SQLite backup API, or pg_dump custom format)."""
    from webapp.services import backup

    try:
        written = backup.backup(db.engine, target)
    except backup.BackupError as error:
        click.echo(f"backup failed: {error}", err=True)
        sys.exit(2)
    click.echo(f"backup written to {written} ({written.stat().st_size} bytes)")


@click.command("restore")
@with_appcontext
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
def restore_command(source: Path, yes: bool) -> None:
    """Replace the database's contents with a backup made by `paiban backup`."""
    from webapp.services import backup

    if not yes:
        click.confirm(f"Replace every row of {db.engine.url.database} with {source}?", abort=True)
    try:
        backup.restore(db.engine, source)
    except backup.BackupError as error:
        click.echo(f"restore failed: {error}", err=True)
        sys.exit(2)
    click.echo(f"restored from {source}")


def _create_app() -> Flask:
    from webapp import create_app

    return create_app()


def main() -> None:
    """Entry point of the `paiban` console script."""
    cli = FlaskGroup(create_app=_create_app, help="paiban — 排班 scheduling and attendance.")
    cli.main(prog_name="paiban")
