"""Backup and restore of the whole database: SQLite's online backup API, pg_dump/pg_restore."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy.engine import Engine, make_url


class BackupError(Exception):
    """The backup or restore could not be made; the message says why."""


def _pg_url(engine: Engine) -> str:
    """A libpq URL (pg_dump does not know SQLAlchemy's driver suffix)."""
    url = engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return path


def backup(engine: Engine, target: Path) -> Path:
    """Write a consistent copy of the live database to `target` (atomically: a partial file
    is never left under the target's name)."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".backup-", delete=False) as tmp:
        partial = Path(tmp.name)
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_copy(_sqlite_path(engine), partial)
        elif engine.dialect.name == "postgresql":
            _run(
                [
                    _tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    f"--file={partial}",
                    _pg_url(engine),
                ]
            )
        else:
            raise BackupError(f"no backup for {engine.dialect.name}")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's contents with a backup made by `backup`."""
    if not source.is_file():
        raise BackupError(f"{source}: no such backup file")
    engine.dispose()  # no pooled connection may hold the old database open
    if engine.dialect.name == "sqlite":
        _check_sqlite_file(source)
        _sqlite_copy(source, _sqlite_path(engine))
    elif engine.dialect.name == "postgresql":
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={_pg_url(engine)}",
                str(source),
            ]
        )
    else:
        raise BackupError(f"no restore for {engine.dialect.name}")


def _check_sqlite_file(source: Path) -> None:
    """Refuse anything but an intact SQLite database before touching the live one."""
    check = sqlite3.connect(source)
    try:
        intact = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError:
        intact = False
    finally:
        check.close()
    if not intact:
        raise BackupError(f"{source}: not an intact SQLite backup")


def _sqlite_path(engine: Engine) -> Path:
    database = make_url(str(engine.url)).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup API: consistent even while the app writes."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(done.stderr.strip() or f"{command[0]} failed ({done.returncode})")
