"""药箱管理制度 record checks as plain functions: no request, no database."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.medicine import MedicineBatch, MedicineItem
from rules import medicine as medicine_rules
from rules.errors import RuleViolation

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize("min_stock, refused", [(None, True), (-1, True), (0, False), (5, False)])
def test_minimum_stock_is_never_negative(min_stock, refused):
    item = MedicineItem(name="纱布", min_stock=min_stock)
    if refused:
        with pytest.raises(RuleViolation, match="minimum stock cannot be negative"):
            medicine_rules.check_item(item)
    else:
        medicine_rules.check_item(item)


@pytest.mark.parametrize("quantity, refused", [(None, True), (-3, True), (0, False), (7, False)])
def test_a_counted_quantity_is_a_count(quantity, refused):
    if refused:
        with pytest.raises(RuleViolation, match="counted quantity cannot be negative"):
            medicine_rules.check_counted(quantity)
    else:
        assert medicine_rules.check_counted(quantity) == quantity


@pytest.mark.parametrize("quantity, expires_on, message", [
    (None, TODAY, "counted quantity cannot be negative"),
    (-1, TODAY, "counted quantity cannot be negative"),
    (5, TODAY - timedelta(days=1), "already expired"),
    (5, TODAY, None),
    (5, None, None),
])
def test_a_new_batch_has_a_quantity_and_is_in_date(quantity, expires_on, message):
    b = MedicineBatch(batch_no="B1", quantity=quantity, expires_on=expires_on)
    if message:
        with pytest.raises(RuleViolation, match=message):
            medicine_rules.check_new_batch(b, today=TODAY)
    else:
        medicine_rules.check_new_batch(b, today=TODAY)


@pytest.mark.parametrize("quantity, refused", [(3, True), (0, False)])
def test_a_batch_is_counted_out_before_it_is_voided(quantity, refused):
    b = MedicineBatch(batch_no="B1", quantity=quantity)
    if refused:
        with pytest.raises(RuleViolation, match="Count the batch out first"):
            medicine_rules.check_batch_void(b)
    else:
        medicine_rules.check_batch_void(b)


@pytest.mark.parametrize("is_created, refused", [(False, True), (True, False)])
def test_an_issue_is_never_edited(is_created, refused):
    if refused:
        with pytest.raises(RuleViolation, match="An issue is not edited"):
            medicine_rules.check_issue_unchanged(is_created)
    else:
        medicine_rules.check_issue_unchanged(is_created)


@pytest.mark.parametrize("days, refused", [(-1, True), (-400, True), (0, False), (30, False)])
def test_an_expired_batch_is_never_issued(days, refused):
    """The form offers in-date batches only (``choices.issuable_batches``); the rule
    still refuses an expired one, with the date it expired."""
    item = MedicineItem(name="医用纱布")
    b = MedicineBatch(batch_no="G-1", quantity=5, expires_on=TODAY + timedelta(days=days),
                      item=item)
    from models.medicine import MedicineUsage
    usage = MedicineUsage(batch=b, quantity=1, recipient_name="李娜", reason="头痛",
                          expiry_reconfirmed=True)
    if refused:
        with pytest.raises(RuleViolation, match="expired on .* cannot be issued"):
            medicine_rules.check_usage(usage, today=TODAY)
    else:
        medicine_rules.check_usage(usage, today=TODAY)
