"""专项服务项目及收费标准: a price is an amount, and a revision is a new line with its
effective date, so the orders issued before keep the price they were issued with."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import inspect as sa_inspect

from models.service_orders import ServicePrice

from .errors import RuleViolation


def check_price(price: ServicePrice, is_created: bool) -> None:
    if price.unit_price is None or price.unit_price < 0:
        raise RuleViolation(_("The price cannot be negative."))
    if not is_created and sa_inspect(price).attrs.unit_price.history.has_changes():
        raise RuleViolation(_("A price is revised by adding a new line with its effective "
                              "date, so earlier orders keep theirs."))
