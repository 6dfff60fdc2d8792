"""Sign in, sign out, choose a language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from webapp.blueprints.auth import bp
from webapp.blueprints.auth.forms import LocaleForm, LoginForm
from webapp.extensions import db
from webapp.security import FAILED_LOGINS, limiter
from webapp.services import employees


def _safe_next(target: str | None) -> str:
    """Only follow local paths after login, never another host."""
    if target and urlsplit(target).netloc == "" and target.startswith("/"):
        return target
    return url_for("main.show_dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    FAILED_LOGINS,
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 401,
    error_message="Too many failed sign-ins; wait 15 minutes.",
)
def login() -> Response | tuple[str, int] | str:
    """Show the form; sign the user in when login and password match."""
    if current_user.is_authenticated:
        return redirect(url_for("main.show_dashboard"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        account = employees.find_account(db.session, form.login.data or "")
        if account and account.is_active and account.check_password(form.password.data or ""):
            login_user(account)
            return redirect(_safe_next(form.next.data))
        flash(_("Login or password is wrong."), "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Sign out (POST, so a link cannot sign anyone out)."""
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/locale", methods=["POST"])
def set_locale() -> Response:
    """Remember the chosen language for this user (or this browser session)."""
    form = LocaleForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            employees.set_locale(db.session, current_user, form.locale.data)
    return redirect(_safe_next(form.next.data))
