"""Who is acting, from where, and why — per request, via contextvars."""
from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    id: int | None
    name: str
    roles: str = ""
    addr: str | None = None


_actor: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)
_reason: ContextVar[str | None] = ContextVar("audit_reason", default=None)


def set_actor(actor: Actor | None):
    return _actor.set(actor)


def current_actor() -> Actor | None:
    return _actor.get()


def current_reason() -> str | None:
    return _reason.get()


@contextlib.contextmanager
def audit_reason(reason: str | None):
    """Attach a reason to every entry written inside the block."""
    token = _reason.set(reason)
    try:
        yield
    finally:
        _reason.reset(token)


@contextlib.contextmanager
def system_actor(name: str = "system"):
    """Act as a named command-line/system actor (demo data, create-user, …)."""
    token = _actor.set(Actor(id=None, name=name, roles="system", addr="cli"))
    try:
        yield
    finally:
        _actor.reset(token)
