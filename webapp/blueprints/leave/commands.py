"""The leave area's commands: `paiban import-leave` (FORMATS §4), `paiban leave-reminders`."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from webapp.blueprints.leave import bp
from webapp.extensions import db


@bp.cli.command("import-leave")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_leave_command(path: Path) -> None:
    """Load historical leave (FORMATS §4); approvals by someone without the right are refused."""
    from webapp.services import leave_import
    from webapp.services.employee_import import ImportRejected

    try:
        report = leave_import.import_leave(db.session, None, path.read_bytes())
    except ImportRejected as rejected:
        db.session.rollback()
        click.echo(f"{path}: nothing imported; {len(rejected.problems)} problem(s):", err=True)
        for problem in rejected.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(2)
    db.session.commit()
    click.echo(report.summary())


@bp.cli.command("leave-reminders")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The date to check (default: today, UTC).",
)
def leave_reminders_command(today: dt.datetime | None) -> None:
    """Remind agents of sick proofs still due and list the ones now missing (L-4, D-3)."""
    from webapp.services import sick_proofs

    day = today.date() if today else dt.datetime.now(dt.UTC).date()
    reminded = sick_proofs.send_reminders(db.session, day)
    missing = sick_proofs.missing_proofs(db.session, day)
    db.session.commit()
    click.echo(f"reminded {reminded}; missing proofs (D-3): {len(missing)}")
    for request in missing:
        click.echo(f"  {request.employee.code} leave #{request.id} ended {request.end_at:%Y-%m-%d}")
