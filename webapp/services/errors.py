"""Errors that services raise for the views to show next to the field they name."""

from __future__ import annotations


class ServiceError(Exception):
    """A request that breaks a rule; `field` names the form field, `rule` the SPEC ID."""

    def __init__(self, message: str, field: str | None = None, rule: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule


class NotFound(ServiceError):
    """The object named in the request does not exist."""


class Forbidden(ServiceError):
    """The actor may not do this to this object (SPEC §1)."""
