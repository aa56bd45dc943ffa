"""Real-browser journey of custodial homes and valuables: the butler records an
agreement and a two-person inspection; the clerk records a large deposit with a
photo and releases it to a relative with phone confirmation and a co-signer; the
auditor sees the history."""
from __future__ import annotations

import base64

from tests.browser_support import chromium, live_server, login, logout, new_page  # noqa: F401
from tests.browser_support import pick_ajax, saved

# 1×1 PNG
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")


def fill_date(page, selector: str, value: str) -> None:
    """Set a Flask-Admin date(time) field.  Its daterangepicker popup rewrites the
    value on focus/blur races, so the value is set as typed text would be, without
    opening the picker."""
    page.eval_on_selector(selector, "(el, v) => { el.value = v; }", value)


def test_custodial_home_and_valuables_journey(new_page, tmp_path):
    page = new_page()
    # -- the butler records an agreement for 2-301 …
    login(page, "butler")
    page.goto("/admin/custody_agreement/new/")
    pick_ajax(page, "unit", "2-301")
    pick_ajax(page, "owner", "杨帆")
    page.select_option("#butler", label="李建国 (butler)", force=True)
    page.fill("#purpose", "业主外出探亲两个月")
    fill_date(page, "#starts_on", "2026-11-01")
    fill_date(page, "#ends_on", "2027-01-31")
    page.check("#power_gas_reminded")
    page.check("#owner_confirmed")
    saved(page)
    # … and an interior inspection with clerk2 co-signing by PIN
    page.goto("/admin/custody_agreement/?search=业主外出探亲")
    page.click("a[title='查看记录']")
    with page.expect_navigation():
        page.click("text=登记巡查")
    page.wait_for_load_state("networkidle")   # its scripts have run before anything is typed
    fill_date(page, "#owner_contacted_at", "2026-11-20 09:00:00")
    fill_date(page, "#inspected_at", "2026-11-20 10:00:00")
    page.select_option("#owner_contact_method", "phone", force=True)
    page.fill("#findings", "室内正常，水电气已关闭")
    page.fill("#cosigner_username", "clerk2")
    page.fill("#cosigner_secret", "2468")
    assert page.input_value("#cosigner_username") == "clerk2"
    saved(page)
    assert page.locator(".inspection-state[data-state=done]").count() >= 1
    logout(page)

    # -- the clerk records a large deposit with a photo …
    photo = tmp_path / "box.png"
    photo.write_bytes(PNG)
    login(page, "clerk")
    page.goto("/admin/valuables_deposit/new/")
    pick_ajax(page, "unit", "2-801")
    pick_ajax(page, "owner", "赵敏")
    page.select_option("#item_kind", "electronics", force=True)
    page.fill("#description", "笔记本电脑一台（原包装）")
    page.select_option("#size_class", "large", force=True)
    page.fill("#seal_number", "F-2026-001")
    page.fill("#departments_notified", "保安部")
    page.fill("#storage_place", "前台保险柜")
    page.select_option("#butler", label="李建国 (butler)", force=True)
    page.check("#owner_confirmed")
    page.set_input_files("#new_photos", str(photo))
    saved(page)
    page.goto("/admin/valuables_deposit/?search=笔记本电脑")
    page.click("a[title='查看记录']")
    page.wait_for_selector("img.deposit-photo")
    # present is not loaded: under load the photo request can still be in flight
    page.wait_for_function("() => document.querySelector('img.deposit-photo').complete")
    assert page.eval_on_selector("img.deposit-photo", "img => img.naturalWidth") == 1
    # … and releases it to the owner's son, phone-confirmed, co-signed by clerk2
    page.click("#release-link")
    page.check("#release-to-other")
    page.fill("#recipient_name", "赵小军")
    page.select_option("#id_type", "id_card")
    page.fill("#id_number", "440301199001011234")
    page.select_option("#called_by_id", label="王晓燕")
    page.fill("#called_at", "2026-11-21T09:30")
    page.fill("#confirm_result", "业主同意由儿子代领")
    page.fill("#cosigner_username", "clerk2")
    page.fill("#cosigner_secret", "2468")
    page.click("#release-submit")
    page.wait_for_selector("#release-banner")
    deposit_url = page.url
    logout(page)

    # -- the auditor sees the history
    login(page, "auditor")
    page.goto(deposit_url)
    page.click("#history-link")
    page.wait_for_selector("#history-table")
    actions = [r.get_attribute("data-action") for r in page.locator("tr.history-entry").all()]
    assert actions[0] == "insert" and actions[-1] == "release"
    assert "赵小军" in page.inner_text("#history-table")
