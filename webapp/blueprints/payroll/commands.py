"""The payroll area's commands: `paiban import-incidents` (FORMATS §4), `paiban payroll` (§5)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from webapp.blueprints.payroll import bp
from webapp.extensions import db
from webapp.files import write_atomically

LINES_FILE = "payroll-lines.csv"


@bp.cli.command("import-incidents")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_incidents_command(path: Path) -> None:
    """Create or update incidents D-3…D-12 from a CSV (FORMATS §4); all rows or none."""
    from attendance.errors import ImportRejected
    from webapp.services import incidents
    from webapp.services.errors import ServiceError

    try:
        report = incidents.import_incidents(db.session, None, path.read_bytes())
    except ImportRejected as rejected:
        db.session.rollback()
        click.echo(f"{path}: nothing imported; {len(rejected.issues)} problem(s):", err=True)
        for line, column, message in rejected.issues:
            click.echo(f"  line {line}, column {column}: {message}", err=True)
        sys.exit(2)
    except ServiceError as error:
        db.session.rollback()
        click.echo(f"{path}: nothing imported; {error.message}", err=True)
        sys.exit(2)
    db.session.commit()
    click.echo(report.summary())


@bp.cli.command("payroll")
@click.option("--month", required=True, help="Pay period YYYY-MM (P-1).")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="payroll.csv, or a .xlsx workbook; payroll-lines.csv is written beside it.",
)
@click.option("--site", help="Export and lock only this site's employees (default: every site).")
def payroll_command(month: str, out: Path, site: str | None) -> None:
    """Export a pay period (FORMATS §5) and lock it; a locked period gives the same bytes."""
    from webapp.services import org, payroll
    from webapp.services.errors import ServiceError

    try:
        period = payroll.parse_period(month)
        site_id = org.site_id_by_name(db.session, site) if site is not None else None
        lock = payroll.export_period(db.session, None, period, site_id)
    except ServiceError as error:
        db.session.rollback()
        click.echo(f"--{error.message}", err=True)
        sys.exit(2)
    data = payroll.xlsx_of(lock) if out.suffix.lower() == ".xlsx" else lock.payroll_csv
    db.session.commit()
    # The locked period's bytes live in the database; the files appear whole or not at all.
    write_atomically(out, data)
    write_atomically(out.parent / LINES_FILE, lock.lines_csv)
    click.echo(f"{period}: {out} and {out.parent / LINES_FILE} (sha256 {lock.payroll_sha256})")
