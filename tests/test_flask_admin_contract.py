"""The private names of Flask-Admin (and two of SQLAlchemy and Werkzeug) the project
relies on.  An upgrade that renames one fails here, loudly, instead of in a clerk's
list page; a new reliance must be added here (the source scan checks that)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask_admin import Admin, BaseView
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader

ROOT = Path(__file__).resolve().parent.parent

# Flask-Admin 2.2.1 methods the base view overrides or calls
MODEL_VIEW_METHODS = (
    "_apply_filters", "_apply_pagination", "_apply_search", "_apply_sorting",
    "_create_ajax_loader", "_export_csv", "_export_tablib", "_get_column_by_idx",
    "_get_filter_groups", "_get_filters", "_get_list_extra_args", "_get_list_url",
    "_get_list_value", "_handle_view",
)
# attributes Flask-Admin sets on each view when it is added (``_refresh_cache``)
MODEL_VIEW_ATTRIBUTES = ("_auto_joins", "_column_choices_map", "_export_columns", "_filters",
                         "_search_fields", "_search_supported")
OTHERS = {"_views": "Admin", "_cached_fields": "QueryAjaxModelLoader",
          "_template_args": "BaseView (a page's extra template arguments)",
          "_form_ajax_refs": "ModelView",
          "_order_by_clauses": "SQLAlchemy Select", "_get_current_object": "Werkzeug proxy"}


def test_model_view_methods_exist():
    missing = [n for n in MODEL_VIEW_METHODS if not callable(getattr(ModelView, n, None))]
    assert not missing, missing


def test_view_attributes_exist_on_every_register_view(shared_app):
    admin: Admin = shared_app.extensions["admin"][0]
    views = [v for v in admin._views if isinstance(v, ModelView)]
    assert views
    for view in views:
        missing = [n for n in MODEL_VIEW_ATTRIBUTES if not hasattr(view, n)]
        assert not missing, (view.endpoint, missing)
    loaders = [loader for v in views for loader in (v._form_ajax_refs or {}).values()]
    assert loaders and all(isinstance(x, QueryAjaxModelLoader) for x in loaders)
    assert all(hasattr(x, "_cached_fields") for x in loaders)


def test_other_private_names_exist():
    from sqlalchemy import select
    from werkzeug.local import LocalProxy

    from models import Building

    assert isinstance(Admin()._views, list)
    assert isinstance(getattr(BaseView, "_template_args", None), property)
    assert hasattr(select(Building).order_by(Building.id), "_order_by_clauses")
    assert hasattr(LocalProxy, "_get_current_object")


def test_every_private_name_used_is_in_this_contract():
    """Private names the views use that they do not define themselves."""
    used, own = set(), set()
    for path in (ROOT / "admin_views").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\.(_[a-z][a-z0-9_]+)\b", text))
        own |= set(re.findall(r"def (_[a-z][a-z0-9_]+)", text))
        own |= set(re.findall(r"(?:self|request|g)\.(_[a-z][a-z0-9_]+)\s*=", text))
        own |= set(re.findall(r"^\s+(_[a-z][a-z0-9_]+)\s*[:=]", text, re.M))
        own |= set(re.findall(r"[\"'](_[a-z][a-z0-9_]+)[\"']", text))
    known = set(MODEL_VIEW_METHODS) | set(MODEL_VIEW_ATTRIBUTES) | set(OTHERS)
    unknown = sorted(used - own - known)
    if unknown:
        pytest.fail(f"private names without a contract entry: {unknown}")
