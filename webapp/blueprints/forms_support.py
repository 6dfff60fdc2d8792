"""Showing a service's rule error on the form field it names."""

from __future__ import annotations

from typing import Any

from flask import flash, render_template
from flask_wtf import FlaskForm

from webapp.services.errors import ServiceError


def show_service_error(
    form: FlaskForm, error: ServiceError, template: str, **context: Any
) -> tuple[str, int]:
    """Re-render the form with the message on its field; 422 rolls the request back."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*list(field.errors), error.message]
    else:
        flash(error.message, "error")
    return render_template(template, form=form, **context), 422
