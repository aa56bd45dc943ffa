"""Malformed input never gives a 5xx: generated from the URL map.

Every rule of ``app.url_map`` is requested (GET, and POST with a valid CSRF token)
with a family of malformed values — ids past the 32- and 64-bit ranges, dates out
of range, control characters, a 10,000-character string with LIKE wildcards, odd
paging — in every parameter any endpoint of the app reads, plus, for a POST, the
field names of its own form.  A new endpoint is covered without touching this file.

To stay fast (well under a minute per database), the whole family is sent by one
role, the first of ``ROLES`` the permission matrix lets in, to every list page
(each has its own search and filters) and to the first endpoint of every view
function (the thirty registers' details pages all run one ``details_view``).
Every other endpoint, and every other role let in (their scoping and masking
branches), gets the short family: the malformed ids in every parameter and one
rotated request, its rotation differing from endpoint to endpoint.  A role the
matrix refuses is refused before any parameter is read, so it is not repeated;
endpoints no role may use get the short family from the first role.
"""
from __future__ import annotations

import inspect
import re
from itertools import cycle, islice
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from models.base import db
from tests.conftest import Browser, csrf_from
from tests.helpers import endpoints_for, first_ids

ROLES = ["clerk", "supervisor", "security", "finance", "auditor", "admin"]

BAD_IDS = ["2147483648", "9223372036854775808"]
# Rotated over the parameters: each parameter gets each value once, with a real id.
VALUES = ["2147483648", "9223372036854775808", "-1", "1e3,2", "9999-12-31",
          "0001-01-01T00:00", "2026-13-45", "a\x00b\x01\x1f", "%_" + "x" * 10_000]

# Every query/form parameter name an endpoint of the app reads (Flask-Admin's list
# arguments and ajax lookups, the custom pages' arguments, the custom POST forms).
PARAMS = ["id", "url", "page", "page_size", "sort", "desc", "search", "exact", "flt0_0",
          "flt1_3", "flt2_9", "flt3_25", "as_of", "at", "entry", "format", "day", "month",
          "from", "to", "property", "agreement", "next", "name", "query", "offset",
          "limit", "table", "decision", "comment", "label", "reason", "borrower_id",
          "cosigner_username", "cosigner_secret", "cosign_method", "later", "called_at",
          "called_by_id", "delivered_at", "delivered_by", "empties_returned", "version",
          "action", "rowid", "lang", "username", "password", "release_to"]
PARAMS += ["q", "borrower_kind", "occupant_id",            # key borrowers
           "view",                                         # saved filters
           "kind", "festival", "batch", "unit", "activity_record", "service_order"]  # visits
PARAMS += ["building", "result"]   # fee prints, arrears visits
PARAMS += ["patrol_problem"]   # patrol problem → memo
PARAMS += ["repair_class", "flt0_18", "flt1_19"]   # service order: repair class, its filters

SKIP_POST = {"auth.logout"}             # would end the session the scan is using
NAME_RE = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')


def _admin_views(app) -> dict:
    admin = app.extensions["admin"][0]
    return {v.endpoint: v for v in admin._views}


@pytest.fixture(scope="module")
def plan(shared_app):
    """{role: (endpoints it sends the whole family, endpoints it sends the short
    family)}; a real id per view."""
    owned: set[str] = set()
    per_role = {}
    for username in ROLES:
        reach = endpoints_for(shared_app, username)
        mine = reach - owned
        owned |= mine
        per_role[username] = (mine, reach - mine)
    ids = first_ids(shared_app)
    # endpoints no role may use: the first role checks that the refusal holds
    nobody = {r.endpoint for r in shared_app.url_map.iter_rules()} - owned
    first_owned, first_shared = per_role[ROLES[0]]
    per_role[ROLES[0]] = (first_owned, first_shared | nobody)
    # the whole family once per view function (every register's details page runs
    # Flask-Admin's one details_view) and for every list (its own search, filters)
    seen: set = set()
    for username in ROLES:
        mine, others = per_role[username]
        full = set()
        for endpoint in sorted(mine):
            code = inspect.unwrap(getattr(shared_app.view_functions[endpoint], "__func__",
                                          shared_app.view_functions[endpoint]))
            if endpoint.endswith(".index_view") or code not in seen:
                full.add(endpoint)
                seen.add(code)
        per_role[username] = (full, others | (mine - full))
    return per_role, ids


def _path(rule, value: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?[^>]+>", lambda _m: quote(value, safe="") or "x", rule.rule)


def _requests(rule, view, real_id, full: bool, extra=(), offset: int = 0):
    """(path, params): the malformed ids in every parameter, then the rotated
    family with a real id (the whole rotation for the owner, one request else)."""
    names = list(dict.fromkeys(PARAMS + list(extra)))
    for value in BAD_IDS if full else BAD_IDS[:1]:
        yield _path(rule, value), dict.fromkeys(names, value)
    ajax = None
    if rule.endpoint.endswith(".ajax_lookup"):
        ajax = next(iter(getattr(view, "_form_ajax_refs", None) or {}), None)
    for k in range(len(VALUES)) if full else [offset % len(VALUES)]:
        params = dict(zip(names, islice(cycle(VALUES), k, k + len(names))))
        params.update({"id": str(real_id)} if real_id is not None else {})
        params.update({"name": ajax} if ajax else {})
        yield _path(rule, "csv"), params


def _scan(app, username: str, owned: set[str], shared: set[str], ids: dict) -> list[str]:
    b = Browser(app)
    assert b.login(username).status_code == 302
    token = csrf_from(b.get("/admin/").data)
    views = _admin_views(app)
    failures: list[str] = []

    def check(method: str, path: str, params: dict) -> None:
        try:
            if method == "GET":
                status = b.client.get(path, query_string=params).status_code
            else:
                status = b.client.post(path, data={**params, "csrf_token": token}).status_code
        except Exception as exc:  # noqa: BLE001 — TESTING lets errors through
            status = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
        if not isinstance(status, int) or status >= 500:
            failures.append(f"{method} {path} {status}")

    for n, rule in enumerate(sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint)):
        if rule.endpoint not in owned and rule.endpoint not in shared:
            continue
        full = rule.endpoint in owned
        prefix = rule.endpoint.rpartition(".")[0]
        view, real_id = views.get(prefix), ids.get(prefix)
        if "GET" in rule.methods:
            for path, params in _requests(rule, view, real_id, full, offset=n):
                check("GET", path, params)
        if "POST" in rule.methods and rule.endpoint not in SKIP_POST:
            fields = ()
            if full and "GET" in rule.methods and not rule.arguments:
                page = b.client.get(rule.rule, query_string={"id": real_id or ""})
                fields = NAME_RE.findall(page.get_data(as_text=True))
            for path, params in _requests(rule, view, real_id, full, fields, offset=n + 1):
                check("POST", path, params)
    return sorted(set(failures))


@pytest.mark.parametrize("username", ROLES)
def test_no_server_error_for_malformed_input(shared_app, plan, username):
    per_role, ids = plan
    owned, shared = per_role[username]
    failures = _scan(shared_app, username, owned, shared, ids)
    assert not failures, f"{len(failures)} requests gave 5xx:\n" + "\n".join(failures)


def test_every_endpoint_is_planned(shared_app, plan):
    """The plan covers the whole URL map, each endpoint owned or checked by a role."""
    per_role, _ = plan
    planned = set().union(*(owned | shared for owned, shared in per_role.values()))
    assert planned == {r.endpoint for r in shared_app.url_map.iter_rules()}


@pytest.mark.parametrize("typed", ["0001-01-01 00:00:00", "9999-12-31 23:59:59",
                                   "1899-12-31 23:00:00"])
def test_date_out_of_range_in_a_form_is_a_message(app, browser, typed):
    """Flask-Admin's date fields take any year; converting year 1 to UTC overflowed."""
    from models.public_info import PublicInfoEntry

    with app.app_context():
        before = db.session.execute(select(func.count()).select_from(PublicInfoEntry)).scalar()
    resp = browser("clerk").post_form("/admin/public_info/new/", {
        "received_at": typed, "caller_name": "王先生", "reason": "咨询", "category": "B"})
    assert resp.status_code == 200
    assert "请填写 1900 至 2200 年之间的日期" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(PublicInfoEntry)).scalar() \
            == before


def test_malformed_query_gets_a_clear_400(app, browser):
    clerk = browser("clerk")
    resp = clerk.get("/admin/key/register_as_of/?as_of=9999-12-31")
    assert resp.status_code == 400 and "1900 至 2200" in resp.get_data(as_text=True)
    resp = clerk.get("/admin/key/?search=%E9%85%8D%00")
    assert resp.status_code == 400 and "控制字符" in resp.get_data(as_text=True)
    assert clerk.get("/admin/key/details/?id=2147483648").status_code == 302   # not found
