"""Real-browser journey of a community activity: the supervisor (the guide's helper of
the department manager, who alone with them drafts proposals) drafts the proposal 40
days ahead, the general manager approves it from 待我审批, the owners' notice is raised
from the proposal in one click, approved and sent, and the proposal is marked as
announced; after the activity the record is saved with a numbered photo, and a visit of
kind 活动 is logged from the record."""
from __future__ import annotations

from datetime import timedelta

from tests.browser_support import (chromium, choose_option, live_server, login,  # noqa: F401
                                   logout, new_page, saved)
from tests.valuables_helpers import png_bytes

THEME = "重阳节敬老茶话会"


def approve(page, table: str, text: str) -> None:
    page.goto("/admin/approvals/")
    row = page.locator(f"tr.waiting-request[data-table='{table}']:has-text('{text}')")
    assert row.count() == 1, table
    # the decision's own page, not an earlier page's message: under load the next step
    # could leave before the decision was saved
    with page.expect_navigation():
        row.locator(".approve-button").click()
    success(page)


def success(page) -> None:
    """The page after a POST says it was done (else: what it said instead)."""
    page.wait_for_load_state()
    assert page.locator(".alert-success").count() >= 1, page.inner_text("body")[:800]


def test_activity_journey(new_page, live_server):
    from sqlalchemy import select

    from i18n import local_today
    from models.activities import ActivityProposal, ActivityRecord
    from models.base import db
    from models.followups import FollowUpVisit

    page = new_page()
    # the first dashboard compiles its templates: slow on a busy shared machine
    page.context.set_default_timeout(120_000)
    # -- the proposal, 40 days ahead
    login(page, "supervisor")
    page.goto("/admin/activity_proposal/new/")
    page.fill("#theme", THEME)
    page.fill("#planned_on", str(local_today() + timedelta(days=40)))
    page.fill("#content", "会所茶话会、义诊、文艺表演")
    page.click("#theme")                       # closes the date picker
    page.fill("#budget", "1500")
    saved(page)
    logout(page)
    login(page, "general_manager")
    approve(page, "activity_proposal", THEME)
    logout(page)

    # -- the owners' notice, raised from the proposal, approved and sent
    login(page, "supervisor")
    page.goto(f"/admin/activity_proposal/?search={THEME}")
    with page.expect_navigation():
        page.click(f"tr:has-text('{THEME}') a[title='查看记录']")
    with page.expect_navigation():
        page.click("#raise-notice-form button")
    success(page)
    assert THEME in page.inner_text("#notice-link")
    logout(page)
    login(page, "dept_manager")
    approve(page, "important_notice", THEME)
    logout(page)
    login(page, "clerk")
    page.goto("/admin/notice_dispatch/new/")
    choose_option(page, "#notice", THEME)
    page.select_option("#channel", "written")
    page.fill("#scope", "全体住户")
    page.fill("#copies", "300")
    saved(page)
    logout(page)
    login(page, "supervisor")
    page.goto(f"/admin/activity_proposal/?search={THEME}")
    page.click(f"tr:has-text('{THEME}') a[title='查看记录']")
    page.click("#owners-notified-form button")
    page.wait_for_selector("#owners-notified")
    assert str(local_today()) in page.inner_text("#owners-notified")
    logout(page)

    # -- after the activity: the record with a photo
    login(page, "dept_manager")
    page.goto("/admin/activity_record/new/")
    choose_option(page, "#proposal", THEME)
    page.fill("#theme", THEME)
    page.fill("#place", "会所大厅")
    page.fill("#participants", "20")
    choose_option(page, "#leader", "郑海涛")
    page.fill("#summary", "老人 20 位参加，义诊 12 人次")
    saved(page)
    page.goto("/admin/activity_record/?search=义诊 12 人次")
    page.click(f"tr:has-text('{THEME}') a[title='查看记录']")
    page.click("#add-photo-link")
    page.set_input_files("#photo", files=[{"name": "p1.png", "mimeType": "image/png",
                                           "buffer": png_bytes()}])
    page.fill("#subject", "王奶奶")
    page.fill("#photographer", "吴敏")
    page.click("#photo-form-submit")
    page.wait_for_selector(".activity-photo")
    assert "No.1" in page.inner_text("#activity-photos")
    logout(page)

    # -- a visit of kind 活动 logged from the record
    login(page, "clerk")
    page.goto("/admin/activity_record/?search=义诊 12 人次")
    page.click(f"tr:has-text('{THEME}') a[title='查看记录']")
    assert "(0 / 2)" in page.inner_text("#activity-visits")
    page.click("#log-visit-link")
    page.select_option("#method", "phone")
    page.select_option("#satisfaction", "satisfied")
    page.fill("#suggestions", "希望多办义诊")
    saved(page)
    with live_server.app.app_context():
        p = db.session.execute(select(ActivityProposal).where(
            ActivityProposal.theme == THEME)).scalar_one()
        rec = db.session.execute(select(ActivityRecord).where(
            ActivityRecord.theme == THEME)).scalar_one()
        v = db.session.execute(select(FollowUpVisit).order_by(FollowUpVisit.id.desc())
                               ).scalars().first()
        assert p.notice is not None and p.owners_notified_on == local_today()
        assert (v.kind, v.activity_record_id) == ("activity", rec.id)
        assert [ph.seq_no for ph in rec.photos] == [1]
    page.goto(f"/admin/activity_record/details/?id={rec.id}")
    assert "(1 / 2)" in page.inner_text("#activity-visits")
