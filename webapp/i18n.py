"""Language choice: the user's setting, else the browser's, else the site default.

The Simplified Chinese catalogue lives in translations/zh_Hans_CN, the name Babel gives zh_CN.
"""

from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_babel import get_locale
from flask_login import current_user

from webapp.extensions import babel


def select_locale() -> str:
    """zh_CN or en, in the order the user asked for them."""
    languages = current_app.config["LANGUAGES"]
    if current_user.is_authenticated and current_user.locale in languages:
        return str(current_user.locale)
    if session.get("locale") in languages:
        return str(session["locale"])
    best = request.accept_languages.best_match(["zh_CN", "zh", "en"])
    if best in ("zh_CN", "zh"):
        return "zh_CN"
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with our locale selector."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["locale_code"] = locale_code


def locale_code() -> str:
    """'zh_CN' or 'en' for the current request (Babel itself says zh_Hans_CN)."""
    return "zh_CN" if get_locale().language == "zh" else "en"
