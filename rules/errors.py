"""Rule violations are form errors, not 500s: views turn these into messages."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _


class RuleViolation(Exception):
    """A business rule refused the change; the message is shown to the user."""


class StaleEdit(RuleViolation):
    """The record changed since the user opened it; nothing was overwritten."""

    def __init__(self, model: Any = None):
        super().__init__(self.default_message())
        self.model = model

    @staticmethod
    def default_message() -> str:
        return _("Someone else changed this record after you opened it. Your changes "
                 "were NOT saved; reopen the record to see the current version.")
