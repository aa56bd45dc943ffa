"""Security headers on every response; the CSP nonce on every inline script.

The policy: scripts from our origin or carrying the response's nonce only, nothing
framed (``frame-ancestors 'none'``), no plugins, forms posted only to us.  Inline
``style=`` attributes stay allowed ('unsafe-inline' for styles only: Flask-Admin's
markup and select2/daterangepicker use them; a style cannot run code).
"""
from __future__ import annotations

import re

import pytest

from app import create_app
from tests.conftest import text_of

PAGES = ["/admin/", "/admin/key/", "/admin/public_info/new/", "/admin/key/details/?id=1",
         "/admin/key/history/?id=1", "/admin/key/print/", "/admin/key_desk/"]
SCRIPT_RE = re.compile(r"<script\b([^>]*)>", re.I)
HANDLER_RE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def _nonce(resp) -> str:
    policy = resp.headers["Content-Security-Policy"]
    m = re.search(r"script-src 'self' 'nonce-([A-Za-z0-9_-]+)'", policy)
    assert m, policy
    return m.group(1)


def test_headers_on_pages_and_errors(app, browser):
    anonymous = browser()
    for resp in (anonymous.get("/login"), anonymous.get("/admin/no-such-page/"),
                 browser("clerk").get("/admin/")):
        policy = resp.headers.get("Content-Security-Policy", "")
        for part in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'",
                     "base-uri 'self'", "form-action 'self'"):
            assert part in policy, (resp.request.path, policy)
        assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0]
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Referrer-Policy"] == "same-origin"
        assert resp.headers["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" not in resp.headers    # testing runs on HTTP


@pytest.mark.parametrize("who", ["clerk", "auditor"])
def test_every_inline_script_carries_this_responses_nonce(app, browser, who):
    b = browser(who)
    nonces = set()
    for url in PAGES:
        resp = b.get(url)
        if resp.status_code != 200:
            continue
        nonce, html = _nonce(resp), text_of(resp)
        nonces.add(nonce)
        for attrs in SCRIPT_RE.findall(html):
            if "src=" not in attrs:
                assert f'nonce="{nonce}"' in attrs, (url, attrs)
        assert not HANDLER_RE.search(html), (url, HANDLER_RE.search(html).group(0))
    assert len(nonces) > 3                     # a fresh nonce per response


def test_hsts_only_in_production(app):
    prod = create_app("production", {"SQLALCHEMY_DATABASE_URI":
                                     app.config["SQLALCHEMY_DATABASE_URI"]})
    resp = prod.test_client().get("/login", base_url="https://localhost")
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
