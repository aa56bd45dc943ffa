"""桶装饮用水 record checks (rules/water.py) as plain functions, no request."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from models.service_orders import ServiceOrder
from models.water import WaterCount, WaterStock
from rules import water as water_rules
from rules.errors import RuleViolation


@pytest.mark.parametrize("price, threshold, message", [
    (None, 5, "price cannot be negative"), (Decimal("-1"), 5, "price cannot be negative"),
    (Decimal("15"), None, "threshold cannot be negative"),
    (Decimal("15"), -1, "threshold cannot be negative"),
    (Decimal("0"), 0, None), (Decimal("15"), 10, None)])
def test_a_brand_has_a_price_and_threshold_from_zero(price, threshold, message):
    s = WaterStock(brand="农夫山泉", price_per_bucket=price, low_threshold=threshold)
    if message:
        with pytest.raises(RuleViolation, match=message):
            water_rules.check_stock(s)
    else:
        water_rules.check_stock(s)


@pytest.mark.parametrize("is_created, refused", [(False, True), (True, False)])
def test_a_receipt_is_never_edited(is_created, refused):
    if refused:
        with pytest.raises(RuleViolation, match="A receipt is not edited"):
            water_rules.check_receipt_unchanged(is_created)
    else:
        water_rules.check_receipt_unchanged(is_created)


@pytest.mark.parametrize("is_created, counted, expiry, message", [
    (False, 3, date(2027, 1, 1), "A count is not edited"),
    (True, 3, None, "Confirm the earliest expiry date"),
    (True, 0, None, None), (True, 3, date(2027, 1, 1), None)])
def test_a_count_is_new_and_names_the_earliest_expiry(is_created, counted, expiry, message):
    c = WaterCount(counted=counted, earliest_expiry=expiry)
    if message:
        with pytest.raises(RuleViolation, match=message):
            water_rules.check_count_entry(c, is_created)
    else:
        water_rules.check_count_entry(c, is_created)


@pytest.mark.parametrize("is_created, delivered, refused", [
    (False, datetime(2026, 11, 30, 8), True), (False, None, False),
    (True, datetime(2026, 11, 30, 8), False)])
def test_a_delivered_water_order_is_not_changed(is_created, delivered, refused):
    order = ServiceOrder(kind="water", delivered_at=delivered)
    if refused:
        with pytest.raises(RuleViolation, match="delivered water order cannot be changed"):
            water_rules.check_order_unchanged(order, is_created)
    else:
        water_rules.check_order_unchanged(order, is_created)


@pytest.mark.parametrize("stock, qty, refused", [
    (None, 2, True), (WaterStock(brand="怡宝"), None, True), (WaterStock(brand="怡宝"), 0, True),
    (WaterStock(brand="怡宝"), -1, True), (WaterStock(brand="怡宝"), 2, False)])
def test_a_water_order_names_brand_and_buckets(stock, qty, refused):
    order = ServiceOrder(kind="water", water_stock=stock, water_qty=qty)
    if refused:
        with pytest.raises(RuleViolation, match="needs the brand and the number of buckets"):
            water_rules.check_order_water(order)
    else:
        water_rules.check_order_water(order)


def test_a_delivery_time_that_could_not_be_read_is_refused():
    with pytest.raises(RuleViolation, match="Give the time of delivery"):
        water_rules.delivery_time(None)
    at = datetime(2026, 11, 30, 1, 30)
    assert water_rules.delivery_time(at) is at
