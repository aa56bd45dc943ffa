"""Staff record check (rules/staff.py) as a plain function, no request."""
from __future__ import annotations

import pytest

from rules.errors import RuleViolation
from rules.staff import check_initial_secrets


@pytest.mark.parametrize("password, pin, refused", [
    (None, None, True), ("Lang-2026-desk", None, True), (None, "482913", True),
    ("", "482913", True), ("Lang-2026-desk", "482913", False)])
def test_a_new_staff_member_needs_password_and_pin(password, pin, refused):
    if refused:
        with pytest.raises(RuleViolation, match="initial password and PIN"):
            check_initial_secrets(password, pin)
    else:
        check_initial_secrets(password, pin)
