"""Date-times people type and see: local (property) time on every form, UTC in the
database.  One field class does the whole round trip — the default is "now" at the
property, a stored value is shown in local time, a typed value is read in the usual
Chinese ways and saved as UTC — and every datetime column of every scaffolded form
gets it (``LocalTimeModelConverter``).  The year range (1900–2200) stays the one
``form_limits.YearRange`` validator that every date field already has.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.model.form import converts
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms.fields import Field
from wtforms.utils import unset_value
from wtforms.validators import InputRequired
from wtforms.widgets import TextInput

import i18n

BAD_MOMENT = _l("Type the date and time as year-month-day hour:minute, "
                "e.g. 2026-11-30 09:30 (2026/11/30 9:30 or 11-30 9:30 also work).")
FORMAT_HINT = _l("YYYY-MM-DD HH:MM")
PICK = _l("Pick")
PICK_TITLE = _l("Pick a date and time")

# After ``_normalise``: [year sep] month sep day, "T" or spaces, hour:minute[:second[.fraction]].
_MOMENT = re.compile(
    r"(?:(?P<year>\d{4})[-/.])?(?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?:T|\s+)"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,6}))?)?")
# Chinese date words and full-width punctuation (an IME's "：", "／") as separators.
_WORDS = str.maketrans({"年": "-", "月": "-", "日": " ", "号": " ", "时": ":", "点": ":",
                        "分": ":", "秒": " "})


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_WORDS).strip()
    return re.sub(r":\s*$", "", re.sub(r"\s*:\s*", ":", text))


def parse_local_datetime(text: str, this_year: int) -> datetime:
    """A typed local date and time: ``2026-11-30 9:30``, ``2026-11-30 09:30:00``,
    ``2026/11/30 09:30``, ``11-30 9:30`` (in ``this_year``), the browser's
    ``2026-11-30T09:30`` or ``2026年11月30日 9点30分``.  A date without a time is
    refused rather than guessed.  Raises ``ValueError`` with ``BAD_MOMENT``."""
    match = _MOMENT.fullmatch(_normalise(text or ""))
    if match is None:
        raise ValueError(str(BAD_MOMENT))
    part = match.groupdict()
    try:
        return datetime(int(part["year"] or this_year), int(part["month"]), int(part["day"]),
                        int(part["hour"]), int(part["minute"]), int(part["second"] or 0),
                        int((part["fraction"] or "0").ljust(6, "0")))
    except ValueError as exc:            # 2026-02-30, 25:00 …
        raise ValueError(str(BAD_MOMENT)) from exc


def format_local_datetime(value: datetime | None) -> str:
    """How a local moment is shown in a form: to the minute, seconds only when set
    (re-saving an unchanged form must not move the stored moment)."""
    if value is None:
        return ""
    if value.microsecond:
        return f"{value:%Y-%m-%d %H:%M:%S.%f}"
    return f"{value:%Y-%m-%d %H:%M:%S}" if value.second else f"{value:%Y-%m-%d %H:%M}"


def local_now_default() -> datetime:
    """A create form's "now": looked up at each call, so the one clock rules."""
    return i18n.local_now()


class LocalDateTimeInput(TextInput):
    """A plain text box (typing is never rewritten) with the format as placeholder,
    and a button opening the browser's own date-time picker (static/kefu.js)."""

    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        kwargs.setdefault("placeholder", str(FORMAT_HINT))
        kwargs.setdefault("autocomplete", "off")
        kwargs["class"] = f"{kwargs.get('class', '')} kefu-datetime".strip()
        kwargs["data-kefu-datetime"] = "1"
        box = super().__call__(field, **kwargs)
        return box + Markup(
            '<button type="button" class="btn btn-outline-secondary btn-sm kefu-datetime-pick"'
            ' title="{t}" aria-label="{t}">{p}</button>'
            '<input type="datetime-local" step="1" tabindex="-1" aria-hidden="true"'
            ' class="kefu-datetime-native">').format(t=escape(str(PICK_TITLE)),
                                                      p=escape(str(PICK)))


class LocalDateTimeField(Field):
    """Local time in the form, UTC on the model (``i18n.local_to_utc``/``utc_to_local``)."""

    widget = LocalDateTimeInput()

    def process(self, formdata, data=unset_value, extra_filters=None):
        # A value from the record (or passed as data) is stored UTC; the default is local.
        if isinstance(data, datetime):
            data = i18n.utc_to_local(data)
        super().process(formdata, data, extra_filters)

    def process_formdata(self, valuelist: list[str]) -> None:
        text = " ".join(valuelist).strip() if valuelist else ""
        self.data = None
        if text:
            self.data = parse_local_datetime(text, i18n.local_now().year)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return format_local_datetime(self.data)

    def populate_obj(self, obj: Any, name: str) -> None:
        setattr(obj, name, i18n.local_to_utc(self.data))


class LocalTimeModelConverter(AdminModelConverter):
    """Every DateTime column becomes a ``LocalDateTimeField``; a column default
    (``utcnow``) becomes "now at the property"; a NOT NULL column must be filled
    (an emptied box is not silently "now")."""

    @converts("DateTime")
    def convert_datetime(self, field_args: dict, **extra: Any) -> Field:
        if field_args.get("default") is not None:
            field_args["default"] = local_now_default
        column = extra.get("column")
        if column is not None and not column.nullable and not any(
                isinstance(v, InputRequired) for v in field_args.get("validators", ())):
            field_args["validators"] = [*field_args.get("validators", ()), InputRequired()]
        return LocalDateTimeField(**field_args)
