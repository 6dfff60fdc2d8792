"""Login accounts: one per employee who may sign in."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.models.base import Base, UTCDateTime
from webapp.models.org import Employee

UNUSABLE_PASSWORD = "!"  # no hash starts with it: the account cannot sign in until a reset


class UserAccount(UserMixin, Base):
    """A login bound to one employee; roles are the employee's."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), unique=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    employee: Mapped[Employee] = relationship(lazy="joined")

    def set_password(self, password: str) -> None:
        """Store a salted hash, never the password."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """True when the password matches the stored hash; never for an unusable one."""
        if self.password_hash.startswith(UNUSABLE_PASSWORD):
            return False
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.enabled and self.employee.active

    @property
    def roles(self) -> frozenset[str]:
        """The roles of the employee behind this login."""
        return self.employee.roles
