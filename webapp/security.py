"""Hardening: security headers with a strict Content-Security-Policy, login throttling."""

from __future__ import annotations

from flask import Flask, Response, jsonify, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

# Scripts only from our own files (no inline script anywhere); inline style attributes
# are allowed for the colour swatches of shift types.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
FAILED_LOGINS = "5 per 15 minutes"


def login_key() -> str:
    """Failed sign-ins are counted per address and login name, so one user's typos do not
    lock out a whole call center behind one NAT address."""
    login = (request.form.get("login") or "").strip().lower()
    return f"{get_remote_address()}|{login}"


def kiosk_key() -> str:
    """Wrong kiosk PINs are counted per address and employee code (A-1)."""
    code = (request.form.get("code") or "").strip().upper()
    return f"kiosk|{get_remote_address()}|{code}"


limiter = Limiter(key_func=login_key, default_limits=[])
FAILED_PINS = "5 per 15 minutes"


def nul_field() -> str | None:
    """The name of the first form field, query argument or JSON string with a NUL."""
    for source in (request.args, request.form):
        for key, value in source.items(multi=True):
            if "\x00" in key or "\x00" in value:
                return key.replace("\x00", "")
    if request.is_json:
        return _nul_in_json(request.get_json(silent=True), "body")
    return None


def _nul_in_json(value: object, path: str) -> str | None:
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _nul_in_json(key, path) or _nul_in_json(item, str(key))
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_in_json(item, f"{path}[{index}]")
            if found:
                return found
    return None


def init_app(app: Flask) -> None:
    """Headers on every response; the limiter stores in Redis when REDIS_URL is set."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)

    @app.before_request
    def refuse_nul_characters() -> tuple[Response, int] | None:
        """No text field may carry a NUL character: PostgreSQL cannot store one, and no
        person types one; the request is refused before anything reads it (SPEC §7)."""
        field = nul_field()
        if field is None:
            return None
        message = f"{field}: NUL characters are not allowed"
        if request.is_json or request.path.startswith("/api/"):
            body = {"error": {"message": message, "field": field, "rule": "SPEC §7"}}
            return jsonify(body), 400
        return Response(message, status=400, mimetype="text/plain")

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
