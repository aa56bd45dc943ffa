"""空置房巡查 record check (rules/custody.py) as a plain function, no request."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from models.custody import VACANT_CHECKLIST, VacantHomeInspection
from models.reference import Unit
from rules import custody as custody_rules
from rules.errors import RuleViolation

NOW = datetime(2026, 11, 30, 2, 0)


def _visit(**over) -> VacantHomeInspection:
    values = {"unit": Unit(room="1-302", vacant=True), "inspected_at": NOW,
              "findings": None, **{c: True for c in VACANT_CHECKLIST}}
    values.update(over)
    return VacantHomeInspection(**values)


@pytest.mark.parametrize("over, message", [
    ({"unit": Unit(room="1-302", vacant=False)}, "not vacant"),
    ({"inspected_at": NOW + timedelta(hours=1)}, "cannot be in the future"),
    ({VACANT_CHECKLIST[0]: False}, "Describe what is wrong with"),
    ({VACANT_CHECKLIST[1]: False, "findings": "  "}, "Describe what is wrong with"),
    ({}, None),
    ({"unit": None}, None),
    ({"inspected_at": NOW + timedelta(seconds=30)}, None),
    ({VACANT_CHECKLIST[0]: False, "findings": "入户门锁松动"}, None),
])
def test_a_vacant_home_inspection(over, message):
    visit = _visit(**over)
    if message:
        with pytest.raises(RuleViolation, match=message):
            custody_rules.check_vacant_inspection(visit, now=NOW)
    else:
        custody_rules.check_vacant_inspection(visit, now=NOW)
