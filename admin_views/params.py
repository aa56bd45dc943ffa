"""Reading ids, numbers and dates out of a request: one parser for each, used by
every view.  A value a column or a date calculation cannot hold is treated as
"no such record" (ids) or refused with a 400 (dates, counters), never passed on to
the database or to ``datetime`` arithmetic where it would end in a 500.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Callable, Mapping

from flask import abort
from flask_babel import lazy_gettext as _l

# Every id column of the app is a 32-bit INTEGER (PostgreSQL ``integer``); the
# history's entry ids are 64-bit (``bigint``).
MAX_ID = 2**31 - 1
MAX_BIG_ID = 2**63 - 1
# Dates people may type or ask for: wide enough for any register, narrow enough
# that a day's end in UTC, a month's end or a year's range never overflows.
MIN_YEAR, MAX_YEAR = 1900, 2200
_DIGITS = re.compile(r"\d{1,19}")


class BadParam(ValueError):
    """A request value that cannot be what its parameter means."""


def parse_id(value: Any, maximum: int = MAX_ID) -> int | None:
    """A positive id that fits its column, else ``None`` (shown as "not found")."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= maximum else None
    text = str(value if value is not None else "").strip()
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= maximum else None


def parse_count(value: Any) -> int | None:
    """A quantity typed into a form: a whole number from 0 that fits a column."""
    text = str(value if value is not None else "").strip()
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def bounded_int(value: Any, default: int, low: int = 0, high: int = MAX_ID) -> int:
    """An integer argument (paging, a number range) kept within ``low``–``high``;
    anything that is not an integer gives ``default``."""
    text = str(value if value is not None else "").strip()
    if not re.fullmatch(r"-?\d{1,30}", text):
        return default
    return max(low, min(int(text), high))


def _in_range(value):
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise BadParam(value)
    return value


def parse_day(text: str) -> date:
    """``YYYY-MM-DD`` between the years 1900 and 2200."""
    try:
        return _in_range(date.fromisoformat(text.strip()))
    except (TypeError, ValueError) as exc:
        raise BadParam(text) from exc


def parse_month(text: str) -> date:
    """``YYYY-MM`` → the first day of that month (1900–2200)."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return _in_range(date(year, month, 1))
    except (TypeError, ValueError) as exc:
        raise BadParam(text) from exc


def parse_moment(text: str) -> datetime:
    """A local date and time (ISO, ``T`` or space) between 1900 and 2200."""
    try:
        value = datetime.fromisoformat(text.strip())
    except (TypeError, ValueError) as exc:
        raise BadParam(text) from exc
    if value.tzinfo is not None:
        raise BadParam(text)
    return _in_range(value)


def _big_id(text: str) -> int:
    number = parse_id(text, MAX_BIG_ID)
    if number is None:
        raise BadParam(text)
    return number


# Query arguments with one meaning everywhere in the app, checked before any view
# runs (some views are Flask-Admin's or the shared base's).
QUERY_PARAMS: dict[str, tuple[Callable[[str], Any], Any]] = {
    "as_of": (parse_day, _l("The date must be a day between 1900 and 2200 (YYYY-MM-DD).")),
    "day": (parse_day, _l("The date must be a day between 1900 and 2200 (YYYY-MM-DD).")),
    "month": (parse_month, _l("The month must be between 1900 and 2200 (YYYY-MM).")),
    "at": (parse_moment, _l("The moment must be a date and time between 1900 and 2200.")),
    "entry": (_big_id, _l("There is no such history entry.")),
}


def query_problem(args: Mapping[str, str]) -> str | None:
    """The message for the first well-known argument that cannot be what it means
    (an empty value means "not given"), else ``None``."""
    for name, (parse, message) in QUERY_PARAMS.items():
        value = args.get(name)
        if value:
            try:
                parse(value)
            except BadParam:
                return str(message)
    return None


def id_or_404(value: Any) -> int:
    """An id for a page that has nothing to show without its record."""
    number = parse_id(value)
    if number is None:
        abort(404)
    return number
