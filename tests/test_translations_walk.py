"""Every page of every view, as every role: Chinese pages carry no English or
internal words, English pages no Chinese labels.

The URL set comes from the admin's views and the URL map: each view's GET pages
(list, create form, details/edit/history/as-of of the view's first record,
register as-of, due lists, custom pages), requested by each role; what a role may
not open (403, 404, 400 for a page that needs more parameters) is skipped.  The
text checked is what a person sees: text outside tags, scripts and styles, plus
the attributes a browser shows (placeholder, title, alt, button values).
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from models.base import db
from rules.roles import ROLES

from .conftest import Browser
from .helpers import first_ids

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
    parser = Visible()
    parser.feed(html)
    return parser


def page_urls(app) -> list[str]:
    """One URL per GET page of every admin view, with the view's first record."""
    views = {v.endpoint: v for v in app.extensions["admin"][0]._views}
    ids = first_ids(app)
    urls = []
    for rule in app.url_map.iter_rules():
        prefix, _, name = rule.endpoint.rpartition(".")
        if "GET" not in rule.methods or rule.arguments or name in SKIP_ENDPOINTS \
                or prefix not in views:
            continue
        url = rule.rule
        if prefix in ids and name != "index_view":
            url += f"?id={ids[prefix]}"
        urls.append(url)
    return sorted(set(urls))


@pytest.fixture(scope="module")
def urls(shared_app):
    return page_urls(shared_app)


@pytest.fixture(scope="module")
def data_words(shared_app) -> set[str]:
    """Chinese runs in the demo data (names, rooms, reasons): an English page shows
    data as typed; the language switch names Chinese in Chinese."""
    from sqlalchemy import String

    found = {"中文"}
    with shared_app.app_context():
        for model in db.Model.__subclasses__() + [m for c in db.Model.__subclasses__()
                                                  for m in c.__subclasses__()]:
            table = getattr(model, "__table__", None)
            for column in getattr(table, "columns", ()):
                if isinstance(column.type, String):
                    for value in db.session.execute(select(column).distinct().limit(500)).scalars():
                        found.update(CJK_RUN_RE.findall(value or ""))
        db.session.remove()
    return found


def client_for(app, role: str, lang: str) -> Browser:
    """The role's logged-in client, in ``lang`` (a user's language is saved on the
    user, so one client per role switches back and forth)."""
    key = (id(app), role)
    if key not in _clients:
        b = Browser(app)
        assert b.login(role).status_code == 302
        _clients[key] = b
    _clients[key].post("/lang", {"lang": lang})
    return _clients[key]


def pages(app, urls, role: str, lang: str):
    b = client_for(app, role, lang)
    for url in urls:
        resp = b.get(url)
        assert resp.status_code < 500, f"{role} GET {url} → {resp.status_code}"
        if resp.status_code == 200 and resp.mimetype == "text/html":
            yield url, resp.get_data(as_text=True)


COMMAND_RE = re.compile(r"flask --app app [a-z -]+")     # a command to type, quoted in a hint


def english_in(text: str) -> list[str]:
    text = COMMAND_RE.sub("", text)
    found = [m for m in MARKERS if re.search(rf"(?<![A-Za-z_]){re.escape(m)}(?![A-Za-z_])", text)]
    found += [w for w in WORD_RE.findall(text) if w not in ALLOWED_WORDS]
    return found


@pytest.mark.parametrize("role", ROLES)
def test_chinese_pages_show_no_english(shared_app, urls, role):
    problems = {}
    for url, html in pages(shared_app, urls, role, "zh_Hans_CN"):
        words = english_in("\n".join(visible(html).text))
        if words:
            problems[url] = sorted(set(words))
    assert not problems, "\n".join(f"{u}: {w}" for u, w in sorted(problems.items()))


@pytest.mark.parametrize("role", ("clerk", "supervisor", "auditor", "admin"))
def test_english_pages_show_no_chinese_labels(shared_app, urls, data_words, role):
    problems = {}
    try:
        for url, html in pages(shared_app, urls, role, "en"):
            labels = [t.strip() for t in visible(html).labels
                      if any(run not in data_words for run in CJK_RUN_RE.findall(t))]
            if labels:
                problems[url] = sorted(set(labels))
    finally:
        client_for(shared_app, role, "zh_Hans_CN")
    assert not problems, "\n".join(f"{u}: {w}" for u, w in sorted(problems.items()))


def test_every_message_has_a_chinese_translation():
    """The catalogue check (``scripts/translations.py check``) runs with the tests."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "scripts/translations.py", "check"], cwd=root, check=False,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_select2_messages_follow_the_page_language(shared_app):
    """Select2's own messages ("No matches found", "Please enter 1 or more
    character") come from static JS: a Chinese page loads the Chinese ones after
    select2 (a file, as the Content-Security-Policy allows), an English page not."""
    b = client_for(shared_app, "clerk", "zh_Hans_CN")
    page = b.get("/admin/occupant/new/").get_data(as_text=True)
    script = re.search(r'src="([^"]*select2_locale_zh-CN\.js[^"]*)"', page)
    assert script and page.index("select2.min.js") < script.start()
    js = b.get(script.group(1)).get_data(as_text=True)
    assert "没有找到匹配项" in js and "formatInputTooShort" in js
    try:
        english = client_for(shared_app, "clerk", "en").get("/admin/occupant/new/")
        assert "select2_locale_zh-CN" not in english.get_data(as_text=True)
    finally:
        client_for(shared_app, "clerk", "zh_Hans_CN")


def test_exports_read_yes_no_and_blank(shared_app):
    """Booleans in a file read 是/否 and an empty cell stays empty, as on screen."""
    import csv
    import io

    b = client_for(shared_app, "auditor", "zh_Hans_CN")
    resp = b.get("/admin/unit/export/csv/")
    assert resp.status_code == 200
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    cells = {c for row in rows[1:] for c in row}
    assert cells & {"是", "否"} and not cells & {"True", "False", "None"}, rows[:3]


def test_service_order_lines_are_added_as_service_items(shared_app):
    """The inline "add" button names what a line is (服务项目), not 品名."""
    page = client_for(shared_app, "clerk", "zh_Hans_CN").get("/admin/service_order/new/")
    text = "\n".join(visible(page.get_data(as_text=True)).labels)
    assert "添加 服务项目" in text and "品名" not in text
