"""The navbar's sections (issue 17 item 7): seventeen menu categories gathered into a
few dropdowns so the bar is one line at 1366 px — and no register lost on the way:
every list a role may open is still one click inside its menu."""
from __future__ import annotations

import re

import pytest

from tests.helpers import endpoints_for

from rules.roles import ROLES


def _top_level(html: str) -> list[str]:
    menu = html.split('id="main-menu">', 1)[1].split('<ul class="nav navbar-nav navbar-right', 1)[0]
    depth, tops = 0, []
    for tag in re.finditer(r"<(/?)(ul|li)\b[^>]*>", menu):
        closing, name = tag.group(1), tag.group(2)
        if name == "ul":
            depth += -1 if closing else 1
        elif not closing and depth == 0:
            tops.append(tag.group(0))
    return tops


@pytest.mark.parametrize("role", ROLES)
def test_every_view_of_the_role_is_in_its_menu_and_the_top_level_is_short(app, browser, role):
    page = browser(role).get("/admin/").get_data(as_text=True)
    menu = page.split('id="main-menu">', 1)[1].split("</nav>", 1)[0]
    assert len(_top_level(page)) <= 9, _top_level(page)
    allowed = endpoints_for(app, role)
    admin = app.extensions["admin"][0]
    for view in admin._views:
        if view.endpoint == "admin" or not view.is_visible():
            continue
        if f"{view.endpoint}.index" in allowed:
            assert f'href="{view.url}/"' in menu or f'href="{view.url}"' in menu, (role, view.endpoint)
        else:
            assert f'href="{view.url}/"' not in menu, (role, view.endpoint)


def test_a_section_names_its_categories_as_headers(browser):
    menu = browser("general_manager").get("/admin/").get_data(as_text=True)
    menu = menu.split('id="main-menu">', 1)[1].split("</nav>", 1)[0]
    assert "前台值班" in menu and "钥匙与寄存" in menu
    for header in ("前台", "辖区巡查", "钥匙管理", "托管房", "服务单", "药箱", "业主档案"):
        assert f'<h6 class="dropdown-header">{header}</h6>' in menu, header
