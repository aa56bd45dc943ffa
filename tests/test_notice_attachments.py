"""A notice carries files (重要信息文件 "内容 + 附件"): PDF or images only (checked by
their first bytes), within the size limit, added by the drafters while the notice
awaits approval, stored in the blob store with their SHA-256 (a file whose bytes
changed is not served), listed on the notice's details, served only to those who may
read the notice at its property."""
from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select, text

from i18n import local_today
from models.base import db
from models.notices import NoticeAttachment

from .conftest import owner_engine, text_of
from .helpers import entries_for
from .key_helpers import add_staff, decide
from .mail_helpers import notices
from .valuables_helpers import png_bytes

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def draft(app, browser):
    data = {"title": "停水通知附图", "category": "outage", "content": "5号楼周六停水。",
            "channels": ["written"], "valid_from": str(local_today()),
            "valid_until": str(local_today() + timedelta(3))}
    assert browser("clerk").post_form("/admin/important_notice/new/", data).status_code == 302
    return notices(app)[-1]


def attach(browser, who: str, notice_id: int, data: bytes, name: str = "通知.pdf"):
    return browser(who).post(f"/admin/important_notice/attach/?id={notice_id}",
                             {"file": (io.BytesIO(data), name)},
                             content_type="multipart/form-data", follow_redirects=True,
                             token_from=f"/admin/important_notice/details/?id={notice_id}")


def attachments(app) -> list[NoticeAttachment]:
    with app.app_context():
        return list(db.session.execute(select(NoticeAttachment)
                                       .order_by(NoticeAttachment.id)).scalars())


def test_a_pdf_and_a_photo_are_attached_listed_and_served(app, browser):
    n = draft(app, browser)
    assert "已添加附件" in text_of(attach(browser, "clerk", n.id, PDF))
    assert "已添加附件" in text_of(attach(browser, "clerk", n.id, png_bytes(), "map.png"))
    pdf, png = attachments(app)[-2:]
    assert (pdf.content_type, png.content_type) == ("application/pdf", "image/png")
    assert pdf.notice_id == n.id and pdf.original_name == "通知.pdf"
    with app.app_context():
        assert entries_for("notice_attachment", pdf.id)[0].action == "insert"
    page = text_of(browser("courier").get(f"/admin/important_notice/details/?id={n.id}"))
    assert "通知.pdf" in page and f"/admin/important_notice/attachment/?id={pdf.id}" in page
    resp = browser("courier").get(f"/admin/important_notice/attachment/?id={pdf.id}")
    assert resp.status_code == 200 and resp.data == PDF
    assert resp.headers["Content-Type"].startswith("application/pdf")
    assert "no-store" in resp.headers["Cache-Control"]


def test_only_pdf_or_images_within_the_size_limit(app, browser):
    n = draft(app, browser)
    before = len(attachments(app))
    page = text_of(attach(browser, "clerk", n.id, b"<html><script>x</script>", "a.pdf"))
    assert "只能上传 PDF、JPEG、PNG 或 WebP 文件" in page
    app.config["KEFU_ATTACHMENT_MAX_BYTES"] = 1024
    try:
        page = text_of(attach(browser, "clerk", n.id, PDF + b"0" * 2000))
    finally:
        app.config.pop("KEFU_ATTACHMENT_MAX_BYTES")
    assert "文件超过" in page
    page = text_of(attach(browser, "clerk", n.id, b""))
    assert "请选择要附加的文件" in page
    assert len(attachments(app)) == before


def test_files_are_added_by_the_drafters_before_approval(app, browser):
    n = draft(app, browser)
    before = len(attachments(app))
    assert attach(browser, "courier", n.id, PDF).status_code == 403
    assert len(attachments(app)) == before
    decide(browser("dept_manager"), "important_notice", n.id)
    page = text_of(attach(browser, "clerk", n.id, PDF))
    assert "审批前附加" in page and len(attachments(app)) == before


def test_a_changed_file_and_another_property_get_nothing(app, browser):
    n = draft(app, browser)
    attach(browser, "clerk", n.id, PDF)
    a = attachments(app)[-1]
    url = f"/admin/important_notice/attachment/?id={a.id}"
    add_staff(app, "north_clerk", {"clerk"}, code="NORTH")
    assert browser("north_clerk").get(url).status_code == 404
    assert browser("security").get(url).status_code == 403
    with owner_engine(app).begin() as conn:
        conn.execute(text("UPDATE stored_blob SET data = :d WHERE key = :k"),
                     {"d": PDF + b"x", "k": a.stored_name})
    assert browser("clerk").get(url).status_code == 404
