"""Field labels and value words shared by every view (a view's own win), so no
column name, ``True``/``None`` or Flask-Admin default reaches a page."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, TypeVar

from flask_admin.model import typefmt
from flask import g, has_app_context
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from i18n import local_tz, utc_to_local

T = TypeVar("T")

COMMON_LABELS = {
    "id": _l("No."),
    "property": _l("Property"),
    "property_id": _l("Property"),
    "created_at": _l("Created at"),
    "created_by_id": _l("Created by"),
    "voided_at": _l("Void"),
    "void_reason": _l("Reason for voiding"),
    "voided_by": _l("Voided by"),
    "voided_by_id": _l("Voided by"),
    "notes": _l("Notes"),
    "name": _l("Name"),
    "phone": _l("Phone"),
    "unit": _l("Unit"),
    "building": _l("Building"),
    # requests moving through an approval chain, and same-form co-signs
    # (labels set here, not after Flask-Admin built the filters from them)
    "status": _l("State"),
    "applicant": _l("Applicant"),
    "current_step": _l("Current step"),
    "decided_at": _l("Decided at"),
    "cosigned_at": _l("Co-signed at"),
    "cosigned_by": _l("Co-signed by"),
    "cosign_method": _l("Confirms with"),
    "locale": _l("Language"),
}

# Stored words of columns many registers share, as people read them.
COMMON_CHOICES = {
    "cosign_method": [("pin", _l("PIN")), ("password", _l("Password"))],
    "locale": [("zh_Hans_CN", "中文"), ("en", "English")],
}

# Who wrote a history entry besides staff roles: a command or a job.
OTHER_ROLE_LABELS = {"system": _l("System task")}


def role_label(role: str) -> str:
    """A role as people say it (history and the audit log store role names)."""
    from rules.roles import ROLE_LABELS

    return str(ROLE_LABELS.get(role) or OTHER_ROLE_LABELS.get(role, role))


# History actions (``audit_log.action``) as people say them: declared with the history.
from audit.actions import ACTION_LABELS  # noqa: E402,F401


def words_of_request(name: str, translate: Callable[[], T]) -> T:
    """``translate()`` — value words of a column, translated — once per request and
    language, not once per cell (a list page has twenty rows; a translation lookup
    is ~15 µs)."""
    if not has_app_context():
        return translate()
    kept = g.setdefault("_kefu_words", {})
    key = (name, get_locale())
    words = kept.get(key)
    if words is None:
        words = kept[key] = translate()
    return words


def yes_no(view: Any, value: bool, name: str) -> str:
    """是 / 否 (Flask-Admin's list shows an icon titled "name: true", details and
    exports ``True``/``False``)."""
    return words_of_request("yes_no", lambda: (gettext("No"), gettext("Yes")))[bool(value)]


def _blank(view: Any, value: None, name: str) -> str:
    return ""


def list_datetime(view: Any, value: datetime, name: str) -> str:
    """List cells show stored UTC times as the property's local time, to the minute
    (the zone is looked up once per view: a page has forty such cells)."""
    tz = view.__dict__.get("_local_tz")
    if tz is None:
        tz = view._local_tz = local_tz()
    return f"{utc_to_local(value, tz):%Y-%m-%d %H:%M}"


def detail_datetime(view: Any, value: datetime, name: str) -> str:
    """Details and exports show local time to the second."""
    return f"{utc_to_local(value):%Y-%m-%d %H:%M:%S}"


# 是/否 for booleans, blank for None, local time for datetimes
LIST_TYPE_FORMATTERS = {**typefmt.BASE_FORMATTERS, bool: yes_no, type(None): _blank,
                        datetime: list_datetime}
DETAIL_TYPE_FORMATTERS = {**typefmt.DETAIL_FORMATTERS, bool: yes_no, type(None): _blank,
                          datetime: detail_datetime}
EXPORT_TYPE_FORMATTERS = {**typefmt.EXPORT_FORMATTERS, bool: yes_no, type(None): _blank,
                          datetime: detail_datetime}


def with_dotted_labels(labels: dict, *names: Any) -> dict:
    """``labels`` plus one for each related column a view filters or searches on
    ("building.name" → the label of "building"): Flask-Admin otherwise names such a
    filter "property / Property / Building", from raw names."""
    found = dict(labels)
    for name in (n for group in names for n in (group or ()) if isinstance(n, str)):
        head = name.split(".")[0]
        if "." in name and name not in found and head in found:
            found[name] = found[head]
    return found


def label_blank_choices(form: Any) -> Any:
    """A select's empty choice reads "（无）": WTForms shows an empty label as the
    option's value, Flask-Admin's internal "__None".  Inline rows are drawn later
    from their form class (the "add a line" template), so that class is labelled too."""
    from wtforms.fields import FieldList, FormField
    from wtforms.fields.core import UnboundField

    for field in form:
        if isinstance(field, FieldList):
            for arg in getattr(field.unbound_field, "args", ()):
                for unbound in vars(arg).values() if isinstance(arg, type) else ():
                    if isinstance(unbound, UnboundField) and unbound.kwargs.get("allow_blank"):
                        unbound.kwargs.setdefault("blank_text", _l("(none)"))
        if isinstance(field, (FieldList, FormField)):
            label_blank_choices(field)
        elif getattr(field, "allow_blank", False) and not getattr(field, "blank_text", None):
            field.blank_text = gettext("(none)")
    return form


def search_placeholder(view: Any) -> str | None:
    """The search box's hint from the searchable columns' labels: Flask-Admin joins
    the raw names of related columns ("unit.room").  Kept per view and language."""
    locale = str(get_locale())
    kept = view.__dict__.setdefault("_kefu_search_hints", {})
    if locale not in kept:
        kept[locale] = _search_placeholder(view)
    return kept[locale]


def _search_placeholder(view: Any) -> str | None:
    names = []
    for column in view.column_searchable_list or ():
        key = getattr(column, "key", None) or str(column)
        label = view.column_labels.get(key) or view.column_labels.get(key.split(".")[0])
        names.append(str(label) if label else key)
    return " / ".join(dict.fromkeys(names)) or None


def label_ajax_fields(admin: Any) -> None:
    """Our own hint in every look-up field (Flask-Admin's "Please select model")."""
    for view in admin._views:
        for loader in (getattr(view, "_form_ajax_refs", None) or {}).values():
            loader.options.setdefault("placeholder", _l("Type to search"))

