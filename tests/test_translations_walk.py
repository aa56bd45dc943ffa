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

import re

import pytest
from sqlalchemy import select

from models.base import db
from rules.roles import ROLES

from .conftest import Browser
from .helpers import first_ids
from .page_text import CJK_RUN_RE, SKIP_ENDPOINTS, english_in, visible

_clients: dict = {}

def page_urls(app, outside_matrix: bool = False) -> list[str]:
    """One URL per GET page of every admin view, with the view's first record;
    ``outside_matrix``: only those of views without a register (``test_matrix``
    reads every register view's Chinese pages as every role)."""
    views = {v.endpoint: v for v in app.extensions["admin"][0]._views}
    ids = first_ids(app)
    urls = []
    for rule in app.url_map.iter_rules():
        prefix, _, name = rule.endpoint.rpartition(".")
        if "GET" not in rule.methods or rule.arguments or name in SKIP_ENDPOINTS \
                or prefix not in views:
            continue
        if outside_matrix and _in_matrix(views[prefix]):
            continue
        url = rule.rule
        if prefix in ids and name != "index_view":
            url += f"?id={ids[prefix]}"
        urls.append(url)
    return sorted(set(urls))


def _in_matrix(view) -> bool:
    """Whether ``test_matrix`` requests this view's endpoints as every role."""
    from admin_views.base import SecureViewMixin

    return isinstance(view, SecureViewMixin) and bool(getattr(view, "register", ""))


@pytest.fixture(scope="module")
def urls(shared_app):
    return page_urls(shared_app)


@pytest.fixture(scope="module")
def urls_outside_matrix(shared_app):
    return page_urls(shared_app, outside_matrix=True)


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


@pytest.mark.parametrize("role", ROLES)
def test_chinese_pages_show_no_english(shared_app, urls_outside_matrix, role):
    """The pages of views outside the matrix (the dashboard, …): the register views'
    Chinese pages are read by ``test_matrix`` as it requests them, as every role."""
    problems = {}
    for url, html in pages(shared_app, urls_outside_matrix, role, "zh_Hans_CN"):
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
