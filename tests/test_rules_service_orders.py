"""Service order and price-list checks (rules/service_orders.py, rules/service_prices.py)
as plain functions, no request."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from models.base import db
from models.service_orders import ServiceOrder, ServicePrice
from rules import service_orders as order_rules
from rules import service_prices
from rules.errors import RuleViolation

AT = datetime(2026, 11, 30, 2, 0)


@pytest.mark.parametrize("settled, method, received, refused", [
    (AT, "cash", AT, True), (AT, "cash", None, False), (AT, "sign_bill", AT, False),
    (None, "cash", AT, False), (None, None, None, False)])
def test_cash_finance_received_is_not_voided(settled, method, received, refused):
    order = ServiceOrder(settled_at=settled, payment_method=method, finance_received_at=received)
    if refused:
        with pytest.raises(RuleViolation, match="Finance has received the cash"):
            order_rules.check_void(order)
    else:
        order_rules.check_void(order)


@pytest.mark.parametrize("unit_price, refused", [
    (None, True), (Decimal("-0.01"), True), (Decimal("0"), False), (Decimal("35"), False)])
def test_a_new_price_is_not_negative(unit_price, refused):
    price = ServicePrice(item="疏通下水道", unit_price=unit_price)
    if refused:
        with pytest.raises(RuleViolation, match="price cannot be negative"):
            service_prices.check_price(price, is_created=True)
    else:
        service_prices.check_price(price, is_created=True)


def test_a_price_is_revised_by_a_new_line_not_an_edit(app):
    with app.app_context():
        price = db.session.execute(select(ServicePrice)).scalars().first()
        price.notes = "只改备注"
        service_prices.check_price(price, is_created=False)
        price.unit_price = Decimal(price.unit_price) + 1
        with pytest.raises(RuleViolation, match="调整价格请新增一行"):
            service_prices.check_price(price, is_created=False)
        db.session.rollback()
