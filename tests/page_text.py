"""What a person sees of a page, and the words that must not be on it: the
shared reader of ``test_translations_walk`` and ``test_matrix`` (which reads every
Chinese page it requests)."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

# Endpoints that are not pages to read (files, writes, session changes).
SKIP_ENDPOINTS = ("static", "export", "ajax_lookup", "ajax_update", "delete_view",
                  "logout", "set_lang", "photo", "action_view")
SHOWN_ATTRS = ("placeholder", "title", "alt", "data-placeholder", "aria-label")

# Words that must never reach a Chinese page (internal values, Flask-Admin and
# select2 defaults, labels that once were untranslated).
MARKERS = ("None", "__None", "True", "False", "Select model", "请选择模型",
           "In custody", "Follow-up due", "Applicant", "Current Step", "Decided At",
           "Cosign Method", "Please enter", "No matches found", "unit.room")
# ASCII words a Chinese page may show: abbreviations, file types, brand and
# demo-data names (usernames, key labels, addresses).
ALLOWED_WORDS = {
    "PDF", "CSV", "XLSX", "UTC", "No", "ID", "IP", "PIN", "English", "Chart", "GMT",
    "clerk", "clerk2", "butler", "courier", "security", "finance", "supervisor",
    "dept_manager", "property_manager", "general_manager", "auditor", "admin",
    "DEMO", "NORTH", "localhost", "testclient", "JPEG", "PNG", "WebP",
    # the history's machine actor as stored ("cli:demo-data", address "cli")
    "cli", "demo", "data",
}
WORD_RE = re.compile(r"(?<![A-Za-z0-9_.@-])[A-Za-z][A-Za-z_]{2,}(?![A-Za-z0-9_@])")
CJK_RUN_RE = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]+")

_clients: dict = {}


class Visible(HTMLParser):
    """Visible text of a page, and separately its labels (headers, buttons, menu
    items, form labels, titles) for the English check.  Data that scripts show
    later counts too: the filters' operations and choices (JSON in a hidden div)
    and the template of a new inline row (escaped HTML)."""

    LABEL_TAGS = frozenset({"th", "label", "button", "h1", "h2", "h3", "h4", "h5", "h6",
                            "legend", "dt", "title"})
    LABEL_CLASSES = ("nav-link", "dropdown-item", "btn", "navbar-brand", "control-label")
    VOID_TAGS = frozenset({"input", "br", "img", "meta", "link", "hr", "area", "base", "col",
                           "source"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.labels: list[str] = []
        self._stack: list[tuple[str, str]] = []     # (tag, "skip" | "label" | "json" | "html" | "")

    def _mode(self) -> str:
        for _tag, mode in reversed(self._stack):
            if mode:
                return mode
        return ""

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if self._mode() in ("skip", "json", "html"):
            if tag not in self.VOID_TAGS:
                self._stack.append((tag, ""))
            return
        for name in SHOWN_ATTRS:
            if a.get(name):
                self._add(a[name], label=True)
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self._add(a["value"], label=True)
        if tag in self.VOID_TAGS:
            return
        classes = a.get("class", "").split()
        mode = ""
        if tag in ("script", "style", "template", "code"):      # code: a command to type
            mode = "skip"
        elif "inline-field-template" in classes:
            mode = "html"
        elif a.get("id", "").endswith("-data") and "d-none" in classes:
            mode = "json"
        elif tag in self.LABEL_TAGS or any(c in self.LABEL_CLASSES for c in classes):
            mode = "label"
        self._stack.append((tag, mode))

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def _add(self, text: str, label: bool) -> None:
        self.text.append(text)
        if label:
            self.labels.append(text)

    def handle_data(self, data):
        mode = self._mode()
        if mode == "skip" or not data.strip():
            return
        if mode == "html":
            inner = visible(data)
            self.text += inner.text
            self.labels += inner.labels
        elif mode == "json":
            for text in json_texts(json.loads(data)):
                self._add(text, label=True)
        else:
            self._add(data, label=mode == "label")


def json_texts(value) -> list[str]:
    """The shown strings of the filters' JSON: operations and option labels (not
    the ``arg``/``index``/``type`` keys nor option values)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        found = [value["operation"]] if isinstance(value.get("operation"), str) else []
        for option in value.get("options") or ():
            if isinstance(option, (list, tuple)) and len(option) > 1:
                found.append(str(option[1]))
        if "operation" not in value:
            for item in value.values():
                found += json_texts(item)
        return found
    if isinstance(value, list):
        return [t for item in value for t in json_texts(item)]
    return []


def visible(html: str) -> Visible:
    """The page's visible text and labels.  The navbar (``<nav>…</nav>``, two thirds
    of a page's tags, the same on most pages a role opens) is read once per distinct
    navbar and its result reused: it stands at the top level of the body, so reading
    it apart gives the same text."""
    start = html.find("<nav")
    end = _matching_nav_end(html, start) if start >= 0 else -1
    if end < 0:
        parser = Visible()
        parser.feed(html)
        return parser
    # the language form's return address differs on every page and is never shown
    navbar = _NEXT_VALUE.sub(r"\1", html[start:end])
    if navbar not in _navbars:
        if len(_navbars) >= 256:
            _navbars.pop(next(iter(_navbars)))
        _navbars[navbar] = visible_part(navbar)
    head, tail = visible_part(html[:start]), visible_part(html[end:])
    nav_text, nav_labels = _navbars[navbar]
    result = Visible()
    result.text = head[0] + nav_text + tail[0]
    result.labels = head[1] + nav_labels + tail[1]
    return result


_navbars: dict[str, tuple[list[str], list[str]]] = {}
_NEXT_VALUE = re.compile(r'(<input type="hidden" name="next" value=")[^"]*')


def visible_part(html: str) -> tuple[list[str], list[str]]:
    parser = Visible()
    parser.feed(html)
    parser.close()
    return parser.text, parser.labels


def _matching_nav_end(html: str, start: int) -> int:
    """The index just after the ``</nav>`` closing the ``<nav`` at ``start``."""
    depth, at = 0, start
    while True:
        opening, closing = html.find("<nav", at), html.find("</nav>", at)
        if closing < 0:
            return -1
        if 0 <= opening < closing:
            depth, at = depth + 1, opening + 4
        else:
            depth, at = depth - 1, closing + 6
            if depth == 0:
                return at


COMMAND_RE = re.compile(r"flask --app app [a-z -]+")     # a command to type, quoted in a hint


def english_in(text: str) -> list[str]:
    text = COMMAND_RE.sub("", text)
    found = [m for m in MARKERS if re.search(rf"(?<![A-Za-z_]){re.escape(m)}(?![A-Za-z_])", text)]
    found += [w for w in WORD_RE.findall(text) if w not in ALLOWED_WORDS]
    return found
