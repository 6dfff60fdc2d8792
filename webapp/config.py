"""Configuration classes: every environment variable the app reads lives here."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

INSTANCE_DIR = Path(os.environ.get("PAIBAN_INSTANCE", Path.cwd() / "instance")).resolve()
DEV_SECRET = "dev-only-not-secret"


def _sqlite_default() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'paiban.sqlite3'}"


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common short forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Settings for development and production, read from the environment."""

    ENV_NAME = os.environ.get("PAIBAN_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET)
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL", "") or _sqlite_default()
    )
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, object]] = {"pool_pre_ping": True}
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
    CELERY_QUEUE = os.environ.get("PAIBAN_CELERY_QUEUE", "paiban")
    REDIS_URL = os.environ.get("REDIS_URL", "")
    REROSTER_TIME_LIMIT = float(os.environ.get("PAIBAN_REROSTER_SECONDS", "30"))
    CLOCK_BATCH_SIZE = int(os.environ.get("PAIBAN_CLOCK_BATCH", "64"))
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "paiban@localhost")
    UPLOAD_DIR = Path(os.environ.get("PAIBAN_UPLOAD_DIR", INSTANCE_DIR / "uploads"))
    BABEL_DEFAULT_LOCALE = os.environ.get("PAIBAN_DEFAULT_LOCALE", "zh_CN")
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("zh_CN", "en")
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "") == "1"
    WTF_CSRF_ENABLED = True
    TESTING = False


class ProductionConfig(Config):
    """Production refuses the development secret (checked in create_app)."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True


class TestConfig(Config):
    """Tests: a database given by TEST_DATABASE_URL, else a temporary SQLite file."""

    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("TEST_DATABASE_URL", "") or "sqlite://"
    )
    WTF_CSRF_ENABLED = False
    CELERY_BROKER_URL = ""
    CLOCK_BATCH_SIZE = 0  # requests share the test's transaction; batching tests opt in


def config_from_env() -> type[Config]:
    """Pick the config class named by PAIBAN_ENV."""
    return ProductionConfig if os.environ.get("PAIBAN_ENV") == "production" else Config
