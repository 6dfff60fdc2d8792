"""Clock devices: API terminals and kiosks, each with a revocable token kept as sha256 (A-1)."""

from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from webapp.models import Device, Employee, Site
from webapp.models.base import utcnow
from webapp.services import audit
from webapp.services.errors import NotFound, ServiceError

NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
DEVICE_FIELDS = ("name", "site_id", "revoked_at")


def hash_token(token: str) -> str:
    """The sha256 hex digest under which a token is stored; the token itself never is."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_device(
    session: Session, actor: Employee | None, site_id: int, name: str
) -> tuple[Device, str]:
    """Register a device; returns it with its token, shown once and stored only hashed."""
    name = (name or "").strip()
    if not NAME.match(name):
        raise ServiceError("name: 1–64 letters, digits or ._- (A-1)", "name", "A-1")
    if session.get(Site, site_id) is None:
        raise NotFound(f"site {site_id} does not exist", "site_id")
    if session.scalar(select(Device.id).where(Device.name == name)) is not None:
        raise ServiceError(f"name: a device called {name} exists already (A-1)", "name", "A-1")
    token = secrets.token_urlsafe(32)
    device = Device(site_id=site_id, name=name, token_hash=hash_token(token))
    session.add(device)
    audit.record(session, actor, "attendance.create_device", device, None,
                 audit.snapshot(device, DEVICE_FIELDS))  # fmt: skip
    return device, token


def revoke_device(session: Session, actor: Employee | None, device_id: int) -> Device:
    """Revoke a device: its token stops working at once (A-1)."""
    device = session.get(Device, device_id)
    if device is None:
        raise NotFound(f"device {device_id} does not exist", "device")
    if device.revoked_at is None:
        before = audit.snapshot(device, DEVICE_FIELDS)
        device.revoked_at = utcnow()
        audit.record(session, actor, "attendance.revoke_device", device, before,
                     audit.snapshot(device, DEVICE_FIELDS))  # fmt: skip
    return device


def device_for_token(session: Session, token: str | None) -> Device | None:
    """The live device a token belongs to, or None (unknown, empty or revoked)."""
    if not token:
        return None
    # One indexed query per request; the site comes along for its settings (A-1 hot path).
    device = session.scalar(
        select(Device)
        .join(Device.site)
        .options(contains_eager(Device.site))
        .where(Device.token_hash == hash_token(token))
    )
    return device if device is not None and device.revoked_at is None else None


def list_devices(session: Session, site_id: int | None = None) -> list[Device]:
    """Devices, newest first, optionally of one site."""
    query = select(Device).order_by(Device.created_at.desc(), Device.id.desc())
    if site_id is not None:
        query = query.where(Device.site_id == site_id)
    return list(session.scalars(query))
