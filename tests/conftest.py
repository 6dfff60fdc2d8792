"""Fixtures: one migrated database per run, a savepoint per test, clients and factories."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from webapp import create_app
from webapp.config import TestConfig, normalise_database_url
from webapp.extensions import db

pytest_plugins = [
    "tests.factories",
    "tests.attendance_factories",
    "tests.roster_factories",
    "tests.payroll_factories",
]


def fresh_database_url(tmp_dir: Path, suffix: str) -> str:
    """A new empty database for tests whose data must really commit: a SQLite file, or a
    PostgreSQL database named after TEST_DATABASE_URL's with `_<suffix>` appended."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_dir / f'{suffix}.sqlite3'}"
    url = make_url(normalise_database_url(base))
    name = f"{url.database}_{suffix}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def committed_app(tmp_path: Path) -> Iterator[Flask]:
    """An app on its own migrated database where commits are real (concurrency tests)."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=fresh_database_url(tmp_path, "commit"))
    with app.app_context():
        upgrade()
        engine = db.engine
    yield app
    engine.dispose()


def _database_url(tmp_dir: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app on a fresh database made by the migrations, as in production."""
    tmp_dir = tmp_path_factory.mktemp("db")
    url = _database_url(tmp_dir)
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=tmp_dir / "uploads")
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        engine = db.engine
    # No app context stays pushed: each request gets its own, as in production.
    yield app
    engine.dispose()


@pytest.fixture
def cli_app(tmp_path: Path) -> Iterator[Flask]:
    """An app on its own new SQLite file, for commands that commit for real."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    with app.app_context():
        upgrade()
        engine = db.engine
    yield app
    engine.dispose()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session whose every commit is a savepoint, rolled back after the test."""
    with app.app_context():
        connection = db.engine.connect()
    outer = connection.begin()
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    scoped = _TestScopedSession(factory, scopefunc=lambda: "test")
    original = db.session
    db.session = scoped
    try:
        yield scoped()
    finally:
        scoped.close_for_good()
        db.session = original
        outer.rollback()
        connection.close()


class _TestScopedSession(scoped_session[Session]):
    """One session for the test and its requests: the app's per-request remove() keeps it."""

    def remove(self) -> None:
        self().expire_all()

    def close_for_good(self) -> None:
        super().remove()


@pytest.fixture
def client(app: Flask, session: Session) -> FlaskClient:
    """A test client (English pages) whose requests share the test's rolled-back transaction."""
    test_client = app.test_client()
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return test_client
