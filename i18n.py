"""Locale selection: the user's saved choice, else the session's, else Chinese."""
from __future__ import annotations

import os
import threading
from pathlib import Path

from flask import current_app, session
from flask_login import current_user


def select_locale() -> str:
    supported = current_app.config["SUPPORTED_LOCALES"]
    try:
        if current_user and current_user.is_authenticated and current_user.locale in supported:
            return current_user.locale
    except Exception:  # noqa: BLE001 — outside a request (CLI), fall through
        pass
    lang = session.get("lang") if session else None
    if lang in supported:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def html_lang(locale: str) -> str:
    """BCP 47 tag for <html lang>: zh_Hans_CN → zh-Hans-CN."""
    return str(locale).replace("_", "-")


def compile_catalogs(source_dir: Path, target_dir: Path) -> Path:
    """Compile our ``messages.po`` and Flask-Admin's own ``admin.po`` into ``target_dir``.

    Done at start-up when a source is newer than its .mo, so no compiled files
    live in git and none can go stale.  Flask-Admin's shipped zh .mo lacks strings
    its .po has ("Failed to create record.", …); compiling the .po fixes that."""
    import flask_admin
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    sources: list[tuple[Path, str, str]] = []
    for po in source_dir.glob("*/LC_MESSAGES/messages.po"):
        sources.append((po, po.parent.parent.name, "messages"))
    fa_dir = Path(flask_admin.__file__).parent / "translations"
    for po in fa_dir.glob("*/LC_MESSAGES/admin.po"):
        locale = po.parent.parent.name
        if locale in ("zh_Hans_CN",):
            sources.append((po, locale, "admin"))
    for po, locale, domain in sources:
        mo = target_dir / locale / "LC_MESSAGES" / f"{domain}.mo"
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        # a name of this process and thread: gunicorn's workers all compile at start,
        # and with one shared name the first rename left the others nothing to
        # rename (a worker failed to boot after every change to a .po)
        tmp = mo.with_suffix(f".mo.{os.getpid()}-{threading.get_ident()}.tmp")
        with tmp.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        tmp.replace(mo)
    return target_dir


def local_tz():
    """The properties' time zone (``BABEL_DEFAULT_TIMEZONE``, Asia/Shanghai)."""
    from zoneinfo import ZoneInfo

    from flask import current_app, has_app_context

    name = "Asia/Shanghai"
    if has_app_context():
        name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", name)
    return ZoneInfo(name)           # ZoneInfo keeps one instance per name


def local_today():
    """Today's date at the properties (the machine may run on UTC)."""
    from datetime import datetime

    return datetime.now(local_tz()).date()


def local_day_end_utc(day):
    """The end of ``day`` at the properties, as a naive UTC datetime (history's clock)."""
    from datetime import datetime, time, timedelta, timezone

    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=local_tz())
    return end.astimezone(timezone.utc).replace(tzinfo=None)


def local_to_utc(value):
    """A naive local (property) datetime typed into a form → naive UTC for storage."""
    from datetime import timezone

    if value is None:
        return None
    return value.replace(tzinfo=local_tz()).astimezone(timezone.utc).replace(tzinfo=None)


def utc_to_local(value, tz=None):
    """Stored naive UTC → naive local time (``tz``: the zone, when the caller keeps it)."""
    from datetime import timezone

    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc).astimezone(tz or local_tz()).replace(tzinfo=None)


def local_now():
    """Now at the properties, naive, to the second (form defaults)."""
    from datetime import datetime

    return datetime.now(local_tz()).replace(tzinfo=None, microsecond=0)


_cell_texts: dict[tuple[str, str], str] = {}


def cell_text(context, msgid: str) -> str:
    """``gettext(msgid)`` for a list cell, translated once per language: a formatter
    that translated its labels per row was a third of a list page's row time.
    ``context`` is the Jinja context the cell is drawn in (it knows the page's
    language); without one (an export) this is plain gettext."""
    from flask_babel import gettext

    locale = context.get("current_locale") if context is not None else None
    if not locale:
        return gettext(msgid)
    key = (locale, msgid)
    text = _cell_texts.get(key)
    if text is None:
        text = _cell_texts[key] = gettext(msgid)
    return text
