"""Locale selection: the user's saved choice, else the session's, else Chinese."""
from __future__ import annotations

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
