"""Small named predicates, composable with ``&``, ``|`` and ``~``.

A predicate is called as ``pred(user, obj=None)``; ``obj`` is the record when the
check is about one record (its applicant, its property, …), else ``None``.
"""
from __future__ import annotations

from typing import Any, Callable


class Predicate:
    def __init__(self, fn: Callable[[Any, Any], bool], name: str):
        self.fn = fn
        self.name = name

    def __call__(self, user: Any, obj: Any = None) -> bool:
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        return bool(self.fn(user, obj))

    def __and__(self, other: "Predicate") -> "Predicate":
        return Predicate(lambda u, o: self(u, o) and other(u, o), f"({self.name} & {other.name})")

    def __or__(self, other: "Predicate") -> "Predicate":
        return Predicate(lambda u, o: self(u, o) or other(u, o), f"({self.name} | {other.name})")

    def __invert__(self) -> "Predicate":
        return Predicate(lambda u, o: not self(u, o), f"~{self.name}")

    def __repr__(self) -> str:
        return f"<Predicate {self.name}>"


def predicate(fn: Callable[[Any, Any], bool]) -> Predicate:
    """Decorator: ``@predicate def is_creator(user, obj): …``."""
    return Predicate(fn, fn.__name__)


def has_role(*roles: str) -> Predicate:
    from .roles import ROLES

    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    return Predicate(lambda u, o: u.has_role(*roles), f"has_role({', '.join(roles)})")


always = Predicate(lambda u, o: True, "any_staff")
never = Predicate(lambda u, o: False, "nobody")


@predicate
def is_creator(user, obj) -> bool:
    return obj is not None and getattr(obj, "created_by_id", None) == user.id


@predicate
def is_self(user, obj) -> bool:
    return obj is not None and getattr(obj, "id", None) == user.id


@predicate
def is_applicant(user, obj) -> bool:
    """The staff member who filed the request (approval requests)."""
    return obj is not None and getattr(obj, "applicant_id", None) == user.id
