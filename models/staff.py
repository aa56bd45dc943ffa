"""Staff members: login, roles, home property, lockout counters, co-sign PIN."""
from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import CreatedMixin, VersionedMixin, db

_hasher = PasswordHasher()
# A real hash to verify against when the username is unknown, so response time
# does not tell whether a username exists.
DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def verify_secret(stored: str | None, secret: str) -> bool:
    try:
        return bool(stored) and _hasher.verify(stored, secret)
    except (VerificationError, InvalidHashError):
        return False


class Staff(UserMixin, VersionedMixin, CreatedMixin, db.Model):
    """A staff member.  ``property_id`` NULL means head office: every property."""

    __tablename__ = "staff"
    # Secrets are recorded in history only as a digest.
    __audit_mask__ = frozenset({"password_hash", "pin_hash"})
    __personal__ = frozenset({"phone"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True, nullable=False)
    full_name: Mapped[str] = mapped_column(String(60), nullable=False)
    roles: Mapped[str] = mapped_column(Text, nullable=False, default="")
    property_id: Mapped[int | None] = mapped_column(ForeignKey("property.id"), index=True)
    home_property = relationship("Property", lazy="joined", foreign_keys=[property_id])
    phone: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    locale: Mapped[str | None] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    # Bumped when the password changes: old sessions then stop loading.
    session_epoch: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    # -- roles -------------------------------------------------------------
    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r for r in (self.roles or "").split() if r)

    @role_set.setter
    def role_set(self, roles) -> None:
        self.roles = " ".join(sorted(set(roles)))

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def is_head_office(self) -> bool:
        return self.property_id is None

    def can_see_property(self, property_id: int | None) -> bool:
        return self.is_head_office or property_id == self.property_id

    # -- secrets -----------------------------------------------------------
    def set_password(self, password: str) -> None:
        self.password_hash = hash_secret(password)
        self.session_epoch = (self.session_epoch or 0) + 1

    def check_password(self, password: str) -> bool:
        return verify_secret(self.password_hash, password)

    def set_pin(self, pin: str) -> None:
        self.pin_hash = hash_secret(pin)

    def check_pin(self, pin: str) -> bool:
        return verify_secret(self.pin_hash, pin)

    # -- flask-login -------------------------------------------------------
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return bool(self.active)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})"


class LoginState(db.Model):
    """Failed-login counter and lock per staff member.

    Kept apart from ``staff`` so a login attempt neither bumps the staff row's
    optimistic-lock version nor writes history; it is security state, not a register.
    """

    __tablename__ = "login_state"
    __audited__ = False
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_failure_addr: Mapped[str | None] = mapped_column(String(64))
