"""paiban web application: the app factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from jinja2 import StrictUndefined

from webapp.config import DEV_SECRET, Config, config_from_env


def create_app(config: type[Config] | None = None, **overrides: object) -> Flask:
    """Build the app with one config class; production refuses the development secret."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object(config or config_from_env())
    app.config.update(overrides)
    if app.config["ENV_NAME"] == "production" and app.config["SECRET_KEY"] in ("", DEV_SECRET):
        raise RuntimeError("SECRET_KEY must be set to a real secret in production")

    from webapp import db as db_setup
    from webapp import i18n, permissions, security, templating
    from webapp.blueprints import register_blueprints
    from webapp.cli import register_commands
    from webapp.extensions import csrf, db, login_manager, migrate
    from webapp.services import leave_sources

    db.init_app(app)
    db_setup.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    permissions.init_app(app)
    security.init_app(app)
    register_blueprints(app)
    register_commands(app)
    templating.init_app(app)
    leave_sources.register()
    if app.testing:
        app.jinja_env.undefined = StrictUndefined
    return app


def _migrations_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "migrations"
