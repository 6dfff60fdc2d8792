"""Blueprints, one package per area."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Mount every area of the app."""
    from webapp.blueprints.admin import bp as admin_bp
    from webapp.blueprints.api import bp as api_bp
    from webapp.blueprints.attendance import bp as attendance_bp
    from webapp.blueprints.auth import bp as auth_bp
    from webapp.blueprints.errors import bp as errors_bp
    from webapp.blueprints.leave import bp as leave_bp
    from webapp.blueprints.main import bp as main_bp
    from webapp.blueprints.payroll import bp as payroll_bp
    from webapp.blueprints.roster import bp as roster_bp
    from webapp.extensions import csrf

    app.register_blueprint(errors_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(main_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(leave_bp, url_prefix="/leave")
    app.register_blueprint(roster_bp, url_prefix="/roster")
    app.register_blueprint(attendance_bp, url_prefix="/attendance")
    app.register_blueprint(payroll_bp, url_prefix="/payroll")
    csrf.exempt(api_bp)  # device tokens, no cookies: CSRF does not apply
    app.register_blueprint(api_bp, url_prefix="/api")
