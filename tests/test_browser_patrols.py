"""Real-browser journey of a patrol: a butler records a patrol of 1栋及中心花园 with
the corridor lights not working and its problem (added with the inline "添加" button),
then the department manager reviews it from the patrols-due page with an opinion."""
from __future__ import annotations

from tests.browser_support import chromium, live_server, login, logout, new_page  # noqa: F401
from tests.browser_support import choose_option, saved


def test_butler_records_a_patrol_with_a_problem_and_the_manager_reviews_it(new_page):
    page = new_page()
    # -- the butler: one item not in order, so a problem row naming it
    login(page, "butler")
    page.goto("/admin/patrol/new/")
    choose_option(page, "#area", "1栋及中心花园")
    page.uncheck("#corridor_lights_ok")
    page.fill("#corridor_lights_ok_note", "1栋5楼声控灯失灵")
    page.fill("#renovation", "1-801 装修中，无违规")
    # saving without the problem is refused, and says which item needs one
    page.click("form.admin-form input[type=submit]:not([name])")
    page.wait_for_selector(".alert-danger")
    assert "楼道灯开启正常" in page.inner_text(".alert-danger")
    page.wait_for_load_state("load")           # the add-line button's script is bound
    page.click("#problems-button")
    page.wait_for_selector("#problems-0-problem")
    choose_option(page, "#problems-0-item", "楼道灯开启正常")
    page.fill("#problems-0-problem", "5楼楼道声控灯不亮")
    page.fill("#problems-0-location", "1栋5楼")
    choose_option(page, "#problems-0-forwarded_to", "工程")
    saved(page)
    assert "1栋及中心花园" in page.inner_text("table.model-list")
    logout(page)

    # -- the dept manager: the patrol waits for review; review it with an opinion
    login(page, "dept_manager")
    page.goto("/admin/patrols_due/")
    page.click("#due-review a:has-text('1栋及中心花园')")
    page.wait_for_selector("#patrol-problems")
    assert "5楼楼道声控灯不亮" in page.inner_text("#patrol-problems")
    page.click("#review-link")
    page.fill("#opinion", "请工程部今日更换声控开关，管家跟踪")
    page.click("#review-form-submit")
    page.wait_for_selector("#patrol-reviewed")
    assert "郑海涛" in page.inner_text("#patrol-reviewed")
    assert "请工程部今日更换声控开关" in page.inner_text("#patrol-reviewed")
