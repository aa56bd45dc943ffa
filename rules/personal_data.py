"""Personal data (a model's ``__personal__`` columns: phones, ID numbers) shown masked.

Who reads it unmasked is in ``rules.matrix`` (on screen: ``reads_personal_data``; in
exports: ``unmasked_exports``); this module says what masked looks like and which
columns a user sees masked, so lists, details, history and exports agree.
"""
from __future__ import annotations

from typing import Any

from .matrix import reads_personal_data, unmasked_exports


def mask_personal(value: Any) -> str:
    """138****0001: the first 3 and last 4 characters stay, the middle is starred."""
    text = "" if value is None else str(value)
    if len(text) <= 7:
        return "*" * max(0, len(text) - 2) + text[-2:]
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def masked_on_screen(user: Any, register: str, model_cls: type) -> frozenset[str]:
    """The personal columns of ``model_cls`` that ``user`` sees masked on screen."""
    personal = getattr(model_cls, "__personal__", frozenset())
    if not personal or reads_personal_data(user, register):
        return frozenset()
    return frozenset(personal)


def masked_in_exports(user: Any, model_cls: type) -> frozenset[str]:
    """The personal columns of ``model_cls`` that ``user``'s exports carry masked."""
    personal = getattr(model_cls, "__personal__", frozenset())
    return frozenset() if unmasked_exports(user) else frozenset(personal)
