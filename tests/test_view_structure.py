"""Every view's URL set, the matrix action of each endpoint, its methods and its
method resolution order, against a committed snapshot.

Why: the base view is composed of small mixins (admin_views/base.py); moving code
between them must not add, drop or re-map an endpoint, nor change which methods a
view has.  A deliberate change regenerates the snapshot
(``KEFU_UPDATE_SNAPSHOTS=1 pytest tests/test_view_structure.py``) and the diff shows
exactly what moved."""
from __future__ import annotations

import json
import os
from pathlib import Path

from flask_admin import Admin

SNAPSHOT = Path(__file__).parent / "snapshots" / "view_structure.json"


def _defined_by(cls: type, name: str) -> str:
    owner = next(c for c in cls.__mro__ if name in vars(c))
    return owner.__module__


def structure(app) -> dict:
    admin: Admin = app.extensions["admin"][0]
    by_view: dict[str, dict] = {}
    rules = list(app.url_map.iter_rules())
    for view in sorted(admin._views, key=lambda v: v.endpoint):
        prefix = view.endpoint + "."
        urls = sorted(f"{r.rule} {r.endpoint[len(prefix):]} {','.join(sorted(r.methods - {'HEAD', 'OPTIONS'}))}"
                      for r in rules if r.endpoint.startswith(prefix))
        actions = {}
        if hasattr(view, "endpoint_action"):
            actions = {name: view.endpoint_action(name)
                       for name in sorted({r.split(" ")[1] for r in urls})}
        cls = type(view)
        # the methods the project itself defines (not Flask-Admin's): a method lost
        # in a move falls back to Flask-Admin's silently, and shows here
        methods = sorted(n for n in dir(cls) if not n.startswith("__")
                         and callable(getattr(cls, n, None)) and not isinstance(getattr(cls, n), type)
                         and not _defined_by(cls, n).startswith(("flask_admin", "builtins")))
        by_view[view.endpoint] = {
            "class": f"{cls.__module__}.{cls.__qualname__}",
            "urls": urls, "actions": actions, "methods": methods,
            "mro": [f"{c.__module__}.{c.__qualname__}" for c in cls.__mro__],
        }
    return by_view


def test_views_match_the_snapshot(shared_app):
    now = structure(shared_app)
    if os.environ.get("KEFU_UPDATE_SNAPSHOTS") == "1" or not SNAPSHOT.exists():
        SNAPSHOT.write_text(json.dumps(now, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                            encoding="utf-8")
    saved = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert sorted(now) == sorted(saved), "views added or removed: regenerate the snapshot"
    for endpoint, got in now.items():
        for part in ("class", "urls", "actions", "methods", "mro"):
            assert got[part] == saved[endpoint][part], (endpoint, part)
