"""Session lifecycle: one commit per request, SQLite made transactional and strict."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response
from sqlalchemy import event
from sqlalchemy.engine import Engine

from webapp.extensions import db


def init_app(app: Flask) -> None:
    """Commit after a successful request, roll back after an error response."""

    @app.after_request
    def commit_or_roll_back(response: Response) -> Response:
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)


def configure_sqlite(engine: Engine) -> None:
    """Real BEGIN/SAVEPOINT support, foreign keys on, and WAL for the background worker."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: a transaction that reads and then writes
        # while the roster worker commits waits (busy_timeout) instead of failing "locked".
        connection.exec_driver_sql("BEGIN IMMEDIATE")
