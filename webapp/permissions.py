"""Who may do what (SPEC §1): the one module every view asks."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort
from flask_login import current_user, login_required

from webapp.extensions import db, login_manager
from webapp.models import Employee, UserAccount

F = TypeVar("F", bound=Callable[..., Any])

MANAGERS = ("lead", "director", "admin")


def init_app(app: Flask) -> None:
    """Tell Flask-Login how to load a user and where the login page is."""
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str) -> UserAccount | None:
        return db.session.get(UserAccount, int(user_id))

    @app.context_processor
    def inject_permissions() -> dict[str, Any]:
        return {"has_role": has_role}


def has_role(*roles: str) -> bool:
    """True when the signed-in user holds any of the roles."""
    return bool(current_user.is_authenticated and current_user.roles.intersection(roles))


def roles_required(*roles: str) -> Callable[[F], F]:
    """Anonymous users go to the login page; signed-in users without a role get 403."""

    def decorate(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def may_decide_for(actor: Employee, subject: Employee) -> bool:
    """Nobody decides their own request or appeal (SPEC §1)."""
    return actor.id != subject.id


def manages_team(actor: Employee, team_id: int | None) -> bool:
    """Leads manage their own team; directors and admins every team of their site."""
    roles = actor.roles
    if roles.intersection({"director", "admin"}):
        return True
    return "lead" in roles and team_id is not None and actor.team_id == team_id
