"""Staff members: login, roles, home property, lockout counters, co-sign PIN."""
from __future__ import annotations

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import CreatedMixin, VersionedMixin, db

_hasher = PasswordHasher()
_dummy: dict[PasswordHasher, str] = {}

# Tests hash a few hundred secrets; the same algorithm with the smallest cost keeps
# them fast.  Never used outside TESTING (see ``auth.use_cheap_hashing``).
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def use_hasher(hasher: PasswordHasher) -> None:
    """Select the argon2 parameters for new hashes (verification reads them from
    each stored hash, so old hashes keep working)."""
    global _hasher
    _hasher = hasher


def dummy_hash() -> str:
    """A real hash to verify against when the username is unknown or the account
    is locked, so the response time does not tell which it is."""
    if _hasher not in _dummy:
        _dummy[_hasher] = _hasher.hash("not-a-real-password")
    return _dummy[_hasher]


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
    # Bumped on logout, password or PIN change/reset and deactivation: every
    # session cookie issued before then stops loading (``auth.load_user``).
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
    def end_sessions(self) -> None:
        """Every session cookie issued so far stops working at its next request."""
        self.session_epoch = (self.session_epoch or 0) + 1

    def set_password(self, password: str) -> None:
        self.password_hash = hash_secret(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return verify_secret(self.password_hash, password)

    def set_pin(self, pin: str) -> None:
        self.pin_hash = hash_secret(pin)
        self.end_sessions()

    def check_pin(self, pin: str) -> bool:
        return verify_secret(self.pin_hash, pin)

    # -- flask-login -------------------------------------------------------
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return bool(self.active)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    # what __str__ reads: a list showing this row by its name loads only these
    __str_columns__ = ("full_name", "username")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})"


class LoginState(db.Model):
    """Attempt counters and locks per staff member: one pair for logging in, one for
    co-signing (a colleague typing wrong PINs must not lock the victim's login).

    Kept apart from ``staff`` so an attempt neither bumps the staff row's
    optimistic-lock version nor writes history; it is security state, not a register.
    ``credentials`` counts an attempt before checking the secret.  The
    ``must_change_*`` flags mark a password/PIN the admin gave (new staff, reset):
    the person chooses their own at the next login before doing anything else.
    """

    __tablename__ = "login_state"
    __audited__ = False
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_failure_addr: Mapped[str | None] = mapped_column(String(64))
    cosign_failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0,
                                                 server_default="0")
    cosign_locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    must_change_password: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                       server_default=false())
    must_change_pin: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                  server_default=false())
