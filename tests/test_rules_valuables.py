"""贵重物品寄存 checks (rules/valuables.py) as plain functions, no request."""
from __future__ import annotations

from datetime import datetime

import pytest

from models.valuables import PROHIBITED_KINDS, ValuablesDeposit
from rules import valuables as valuables_rules
from rules.errors import RuleViolation

AT = datetime(2026, 11, 30, 2, 0)


@pytest.mark.parametrize("released, voided, files, message", [
    (AT, None, ["a.jpg"], "A released deposit cannot be changed"),
    (None, AT, ["a.jpg"], "A released deposit cannot be changed"),
    (None, None, [], "Choose a photo to upload"),
    (None, None, ["a.jpg"], None)])
def test_photos_are_added_to_a_deposit_in_custody(released, voided, files, message):
    d = ValuablesDeposit(released_at=released, voided_at=voided)
    if message:
        with pytest.raises(RuleViolation, match=message):
            valuables_rules.check_photos_addable(d, files)
    else:
        valuables_rules.check_photos_addable(d, files)


@pytest.mark.parametrize("typed, moment, refused", [
    ("", None, False), ("2026-11-30 10:00", AT, False), ("昨天下午", None, True),
    ("  ", None, True)])
def test_the_call_time_is_read_or_refused(typed, moment, refused):
    if refused:
        with pytest.raises(RuleViolation, match="time of the call as date and time"):
            valuables_rules.call_time(typed, moment)
    else:
        assert valuables_rules.call_time(typed, moment) is moment


@pytest.mark.parametrize("kind", sorted(PROHIBITED_KINDS))
def test_prohibited_kinds_are_refused_by_the_rule(kind):
    """The form no longer offers these kinds; the server still refuses them."""
    d = ValuablesDeposit(item_kind=kind, description="一件物品", size_class="small",
                         container="envelope")
    with pytest.raises(RuleViolation, match="never stored"):
        valuables_rules.check_deposit(d)


def test_a_released_deposit_cannot_be_changed():
    d = ValuablesDeposit(id=5, released_at=AT, item_kind="jewellery")
    with pytest.raises(RuleViolation, match="A released deposit cannot be changed"):
        valuables_rules.check_deposit(d)
