"""Issue 17 in a real browser: a phone (390×844) reads lists as cards and fills forms
in one column without scrolling sideways; saved filters are saved and applied in one
click; the dated 公共信息记录表 prints on A4 landscape with the guide's columns."""
from __future__ import annotations

import os
import re

from tests.browser_support import chromium, live_server, login, new_page  # noqa: F401
from tests.pdf_text import has_words
from tests.test_browser_prints import pdf_pages

PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("KEFU_SCREENSHOTS")        # a folder: keep screenshots to look at


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=False)


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_list_is_cards_on_a_phone(new_page):
    page = new_page()
    login(page, "clerk")
    page.set_viewport_size(PHONE)
    page.goto("/admin/public_info/")
    shot(page, "phone-list")
    assert scroll_width(page) <= 390 + 2
    # the navbar is collapsed behind its toggler
    assert page.locator(".navbar-toggler").is_visible()
    assert not page.locator("#main-menu").is_visible()
    row = page.locator("table.model-list tbody tr").first
    assert page.locator("table.model-list thead").is_hidden()
    cell = row.locator("td.col-unit")
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert "房号" in label
    box_row, box_cell = row.bounding_box(), cell.bounding_box()
    assert box_cell["y"] > box_row["y"] + 5          # one line per field, under the actions
    action = row.locator("td.list-buttons-column a").first
    assert action.is_visible()
    box = action.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.click(".navbar-toggler")
    page.wait_for_selector("#main-menu", state="visible")
    shot(page, "phone-menu")
    assert scroll_width(page) <= 390 + 2


def test_a_create_form_is_one_column_on_a_phone_with_save_in_reach(new_page):
    page = new_page()
    login(page, "clerk")
    page.set_viewport_size(PHONE)
    for url in ("/admin/public_info/new/", "/admin/service_order/new/"):
        page.goto(url)
        shot(page, "phone-form-" + url.split("/")[2])
        assert scroll_width(page) <= 390 + 2, url
        save = page.locator("form.admin-form input[type=submit]").first
        box = save.bounding_box()
        assert box and 0 <= box["y"] and box["y"] + box["height"] <= 844, url   # in sight
        assert box["x"] + box["width"] <= 390, url
        fields = page.locator("form.admin-form .form-group").all()[:3]
        xs = {round(f.bounding_box()["x"]) for f in fields}
        assert len(xs) == 1, url                         # one column


def test_a_saved_filter_is_saved_and_applied_in_one_click(new_page):
    page = new_page()
    login(page, "clerk")
    page.goto("/admin/public_info/?search=%E5%99%AA%E9%9F%B3")
    page.fill("#saved-filter-form input[name=name]", "噪音")
    with page.expect_navigation():
        page.click("#saved-filter-form button[type=submit]")
    assert "已保存筛选：噪音" in page.inner_text(".alert-success")
    page.goto("/admin/public_info/")
    assert page.input_value("form[role=search] input[name=search]") == ""
    with page.expect_navigation():
        page.click("#saved-filters a:has-text('噪音')")
    assert page.input_value("form[role=search] input[name=search]") == "噪音"
    with page.expect_navigation():
        page.click("#saved-filters .saved-filter-remove")
    assert page.locator("#saved-filters a:has-text('噪音')").count() == 0


GUIDE_COLUMNS = ("序号", "记录日期", "记录时间", "房间号", "来电号码", "来电缘由", "工单编号",
                 "接听人", "信息接受人", "完成情况", "信息类别", "备注")
ENGLISH_COLUMNS = ("Line No.", "Record date", "Record time", "Room No.", "Caller number",
                   "Reason for the call", "Work order No.", "Answered by",
                   "Information receiver", "Completion", "Information category", "Notes")


def print_day(page) -> bytes:
    page.goto("/admin/public_info/daily/")
    with page.expect_navigation():
        # the newest day with lines (today has none yet just after midnight)
        page.click("tr.summary-day:not([data-total='0']) a.day-print-link >> nth=-1")
    assert page.locator("#public-info-day-form tr.form-line").count() >= 1
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", landscape=True, prefer_css_page_size=True)
    page.emulate_media(media="screen")
    assert pdf[:4] == b"%PDF" and pdf_pages(pdf) == 1
    box = [float(v) for v in re.search(rb"/MediaBox\s*\[([^\]]+)\]", pdf).group(1).split()]
    assert box[2] - box[0] > box[3] - box[1]           # landscape
    return pdf


def test_the_dated_public_info_form_prints_on_a4_landscape(new_page):
    page = new_page()
    login(page, "clerk")
    pdf = print_day(page)
    shot(page, "day-print")
    if SHOTS:
        with open(os.path.join(SHOTS, "day-print.pdf"), "wb") as fh:
            fh.write(pdf)
    header = page.inner_text("#public-info-day-form thead")
    for words in GUIDE_COLUMNS:
        assert words in header, words
    assert "公共信息记录表" in page.inner_text("#public-info-day-form h2")
    # The Chinese words are read on the page above, not in the PDF: under load
    # Chromium printed the title (one run in six) or the footnote (one in eight)
    # without a text map for the Chinese font; the English PDF below is read.
    assert "注：信息类别A代表投诉" in page.inner_text("#public-info-day-form")
    # the PDF's own text (in English: the words every font here can print)
    page.click("#lang-switch button[data-lang=en]")
    page.wait_for_load_state()
    pdf = print_day(page)
    if SHOTS:
        with open(os.path.join(SHOTS, "day-print-en.pdf"), "wb") as fh:
            fh.write(pdf)
    for words in ENGLISH_COLUMNS + ("Public information log",):
        assert has_words(pdf, words), words
