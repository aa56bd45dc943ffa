"""Prints checked as the PDF Chromium makes of them (issue 17 item 11): the four
parts of a 服务单 come two to an A4 sheet with the customer's phone and signature
boxes large enough to sign."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from tests.browser_support import chromium, live_server, login, new_page  # noqa: F401


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_service_order_prints_four_parts_on_two_a4_sheets(new_page):
    page = new_page()
    login(page, "clerk")
    page.goto("/admin/service_order/")
    href = page.locator("table.model-list a[href*='/details/']").first.get_attribute("href")
    oid = parse_qs(urlparse(href).query)["id"][0]
    page.goto(f"/admin/service_order/print/?id={oid}")
    assert page.locator(".part").count() == 4
    assert page.locator(".customer-phone").count() == 4
    page.emulate_media(media="print")
    box = page.locator("td.sign").first.bounding_box()
    assert box and box["height"] >= 55                          # ≥ 15 mm at 96 dpi
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf[:4] == b"%PDF" and pdf_pages(pdf) == 2


def test_fee_notice_prints_on_one_a4_sheet_and_a_buildings_batch_one_each(new_page):
    """缴费通知单: one unit on one A4 sheet; the month's notices of a building, one sheet
    per notice."""
    page = new_page()
    login(page, "finance")
    page.goto("/admin/fee_notice/")
    page.locator("#generate-submit").click()
    page.goto("/admin/fee_notice/")
    href = page.locator("table.model-list a[href*='/details/']").first.get_attribute("href")
    nid = parse_qs(urlparse(href).query)["id"][0]
    page.goto(f"/admin/fee_notice/print/?id={nid}")
    assert page.locator(".notice .fee-line").count() == 4
    assert page.locator(".notice .property-name").inner_text().strip()
    assert page.locator(".notice .pay-by").inner_text().strip()
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf[:4] == b"%PDF" and pdf_pages(pdf) == 1
    page.emulate_media(media="screen")
    page.goto("/admin/fee_notice/")
    with page.expect_navigation():      # counted on the printed batch, not the list
        page.locator("#print-building-form button").click()
    count = page.locator(".notice").count()
    assert count >= 2
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf_pages(pdf) == count
