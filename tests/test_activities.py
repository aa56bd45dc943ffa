"""社区文化活动: the year's plan holds 儿童节, 中秋节 and 圣诞节 and goes to the general
manager, due in December while next year's is missing; a proposal 30 days ahead, approved
by the general manager, the owners told a week before (due); the record with numbered
photos (stored like deposits' photos) and 10 % of participants visited within 15 days."""
from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from i18n import local_now, local_to_utc, local_today, utc_to_local
from models.activities import ActivityPhoto, ActivityPlan, ActivityProposal, ActivityRecord
from models.followups import FollowUpVisit
from models.notices import ImportantNotice, NoticeDispatch
from models.base import db, utcnow
from models.staff import Staff
from rules import activities as activity_rules

from .conftest import text_of
from .custody_helpers import fmt
from .helpers import entries_for, staff_id
from .key_helpers import decide
from .valuables_helpers import png_bytes

NEXT = local_today().year + 1


def plan_form(themes=("儿童节亲子游园", "中秋节游园会", "圣诞节联欢会"), year: int = NEXT) -> dict:
    data = {"year": str(year), "notes": ""}
    for i, (theme, month) in enumerate(zip(themes, (6, 9, 12, 3))):
        data.update({f"lines-{i}-planned_on": f"{year}-{month:02d}-15",
                     f"lines-{i}-theme": theme, f"lines-{i}-budget": "3000"})
    return data


def rows(app, model) -> list:
    with app.app_context():
        out = list(db.session.execute(select(model).order_by(model.id)).scalars())
        db.session.expunge_all()
        return out


def user(username: str) -> Staff:
    return db.session.get(Staff, staff_id(username))


def test_the_plan_needs_the_three_festivals_and_the_general_managers_review(app, browser):
    mgr = browser("dept_manager")
    before = len(rows(app, ActivityPlan))
    resp = mgr.post_form("/admin/activity_plan/new/", plan_form(("儿童节亲子游园", "中秋节游园会")))
    assert resp.status_code == 200 and "缺少：圣诞节" in text_of(resp)
    assert len(rows(app, ActivityPlan)) == before
    resp = mgr.post_form("/admin/activity_plan/new/", plan_form())
    assert resp.status_code == 302, text_of(resp)[-1500:]
    plan = rows(app, ActivityPlan)[-1]
    assert (plan.year, plan.status, len(plan.lines)) == (NEXT, "pending", 3)
    # a second plan for the same year is refused
    resp = mgr.post_form("/admin/activity_plan/new/", plan_form())
    assert "已有计划" in text_of(resp) and len(rows(app, ActivityPlan)) == before + 1
    # only the general manager decides
    decide(browser("property_manager"), "activity_plan", plan.id)
    assert rows(app, ActivityPlan)[-1].status == "pending"
    assert browser("butler").get("/admin/activity_plan/new/").status_code == 403
    page = decide(browser("general_manager"), "activity_plan", plan.id, comment="同意")
    assert page.status_code == 200
    assert rows(app, ActivityPlan)[-1].status == "approved"
    with app.app_context():
        assert [e.action for e in entries_for("activity_plan", plan.id)][-1] == "approve"


def test_next_years_plan_is_due_in_december(app, browser):
    with app.app_context():
        mgr = user("dept_manager")
        dec = date(NEXT - 1, 12, 5)
        assert [r.kind for r in activity_rules.plan_missing(mgr, dec)] == ["plan"]
        assert activity_rules.plan_missing(mgr, date(NEXT - 1, 11, 30)) == []
    assert browser("dept_manager").post_form("/admin/activity_plan/new/",
                                             plan_form()).status_code == 302
    with app.app_context():
        assert activity_rules.plan_missing(user("dept_manager"), dec) == []


def proposal_form(days: int = 40, **over) -> dict:
    data = {"theme": "重阳节敬老茶话会", "planned_on": str(local_today() + timedelta(days=days)),
            "content": "会所茶话会、义诊", "costs_materials": "茶点、礼品",
            "staffing": "客服部 3 人", "budget": "1500"}
    data.update(over)
    return data


def test_a_proposal_is_submitted_30_days_ahead_approved_and_announced(app, browser):
    mgr = browser("dept_manager")
    before = len(rows(app, ActivityProposal))
    resp = mgr.post_form("/admin/activity_proposal/new/", proposal_form(days=29))
    assert resp.status_code == 200 and "至少 30 天" in text_of(resp)
    assert len(rows(app, ActivityProposal)) == before
    resp = mgr.post_form("/admin/activity_proposal/new/", proposal_form(days=30))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    p = rows(app, ActivityProposal)[-1]
    assert p.status == "pending" and utcnow() - p.submitted_at < timedelta(minutes=1)
    # no notice before approval
    for action in ("owners_notified", "raise_notice"):
        resp = mgr.post(f"/admin/activity_proposal/{action}/?id={p.id}", {},
                        token_from="/admin/", follow_redirects=True)
        assert "只有已批准的活动方案才能通知业主" in text_of(resp)
    decide(browser("general_manager"), "activity_proposal", p.id)
    with app.app_context():
        mgr_user = user("dept_manager")
        due = {d: [(r.obj.id, r.overdue) for r in activity_rules.notices_due(
            mgr_user, p.planned_on - timedelta(days=d))] for d in (6, 10, 15)}
    assert (p.id, True) in due[6] and (p.id, False) in due[10]
    assert p.id not in [i for i, _ in due[15]]


def test_the_owners_are_told_by_the_proposals_notice_sent_a_week_ahead(app, browser):
    mgr = browser("dept_manager")
    assert mgr.post_form("/admin/activity_proposal/new/", proposal_form(days=40)).status_code == 302
    p = rows(app, ActivityProposal)[-1]
    decide(browser("general_manager"), "activity_proposal", p.id)
    told = f"/admin/activity_proposal/owners_notified/?id={p.id}"
    resp = mgr.post(told, {}, token_from="/admin/", follow_redirects=True)
    assert "请先由活动方案拟制通知" in text_of(resp)
    # one action drafts the 重要信息, linked to the proposal, pending its own approval
    raise_url = f"/admin/activity_proposal/raise_notice/?id={p.id}"
    assert browser("courier").post(raise_url, {}, token_from="/admin/").status_code == 403
    resp = mgr.post(raise_url, {}, token_from="/admin/", follow_redirects=True)
    assert "活动通知已拟制" in text_of(resp)
    p = rows(app, ActivityProposal)[-1]
    n = rows(app, ImportantNotice)[-1]
    assert p.notice_id == n.id and n.status == "pending" and n.category == "community"
    assert n.valid_until == p.planned_on and p.theme in n.title and n.serial_no >= 1
    with app.app_context():
        assert [e.action for e in entries_for("important_notice", n.id)][0] == "insert"
    resp = mgr.post(raise_url, {}, token_from="/admin/", follow_redirects=True)
    assert "本活动的通知已是" in text_of(resp) and len(rows(app, ImportantNotice)) == n.id
    assert "请先由活动方案拟制通知" in text_of(mgr.post(told, {}, token_from="/admin/",
                                                   follow_redirects=True))   # not approved
    decide(browser("general_manager"), "important_notice", n.id)
    assert "请先由活动方案拟制通知" in text_of(mgr.post(told, {}, token_from="/admin/",
                                                   follow_redirects=True))   # not sent
    resp = browser("clerk").post_form("/admin/notice_dispatch/new/", {
        "notice": n.id, "channel": "written", "scope": "全体住户", "copies": "300",
        "sent_at": fmt(local_now() - timedelta(minutes=5))})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    # sent less than a week before the activity: refused
    did = rows(app, NoticeDispatch)[-1].id
    with app.app_context():
        d = db.session.get(NoticeDispatch, did)
        real, d.sent_at = d.sent_at, local_to_utc(datetime.combine(
            p.planned_on - timedelta(days=3), time(9)))
        db.session.commit()
    resp = mgr.post(told, {}, token_from="/admin/", follow_redirects=True)
    assert "距活动不足 7 天" in text_of(resp)
    assert rows(app, ActivityProposal)[-1].owners_notified_on is None
    with app.app_context():
        db.session.get(NoticeDispatch, did).sent_at = real
        db.session.commit()
    resp = mgr.post(told, {}, token_from="/admin/", follow_redirects=True)
    assert "业主已于" in text_of(resp)
    assert rows(app, ActivityProposal)[-1].owners_notified_on == local_today()
    with app.app_context():
        assert p.id not in [r.obj.id for r in activity_rules.notices_due(
            user("dept_manager"), p.planned_on - timedelta(days=6))]
    page = text_of(mgr.get(f"/admin/activity_proposal/details/?id={p.id}"))
    assert f"No.{n.serial_no}" in page and "owners-notified" in page


def test_old_proposals_keep_their_typed_notification_date(app, browser):
    mgr = browser("dept_manager")
    assert mgr.post_form("/admin/activity_proposal/new/", proposal_form(days=35)).status_code == 302
    p = rows(app, ActivityProposal)[-1]
    with app.app_context():
        row = db.session.get(ActivityProposal, p.id)
        row.status, row.owners_notified_on = "approved", local_today()
        db.session.commit()
        assert p.id not in [r.obj.id for r in activity_rules.notices_due(
            user("dept_manager"), p.planned_on - timedelta(days=6))]
    page = text_of(mgr.get(f"/admin/activity_proposal/details/?id={p.id}"))
    assert "已通知业主日期" in page and str(local_today()) in page


def record_form(app, **over) -> dict:
    data = {"theme": "重阳节敬老茶话会", "held_at": fmt(local_now() - timedelta(hours=3)),
            "place": "会所大厅", "participants": "50", "leader": staff_id_of(app, "dept_manager"),
            "summary": "老人 50 位参加", "album_no": "A-07"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def activity_visit(b, record_id: int | None, **over):
    data = {"kind": "activity", "activity_record": record_id, "method": "phone",
            "visited_at": fmt(local_now() - timedelta(minutes=5)), "satisfaction": "satisfied"}
    data.update(over)
    return b.post_form("/admin/followup_visit/new/", {k: v for k, v in data.items()
                                                      if v is not None})


def staff_id_of(app, username: str) -> int:
    with app.app_context():
        return staff_id(username)


def test_record_rules_photos_and_follow_ups(app, browser):
    mgr = browser("dept_manager")
    before = len(rows(app, ActivityRecord))
    for data, message in ((record_form(app, held_at=fmt(local_now() + timedelta(hours=2))),
                           "举办时间（不能是将来时间）"),):
        resp = mgr.post_form("/admin/activity_record/new/", data)
        assert resp.status_code == 200 and message in text_of(resp), message
    assert len(rows(app, ActivityRecord)) == before
    resp = mgr.post_form("/admin/activity_record/new/", record_form(app))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    rec = rows(app, ActivityRecord)[-1]
    # 10 % of 50 participants: 5 visits due; late after 15 days
    with app.app_context():
        due = activity_rules.follow_ups_due(user("dept_manager"))
        assert [(r.obj.id, r.overdue) for r in due] == [(rec.id, False)]
        later = activity_rules.follow_ups_due(user("dept_manager"),
                                              utcnow() + timedelta(days=16))
        assert [r.overdue for r in later] == [True]
    # photos: numbered in order, with what the back of the photo says
    for subject in ("王奶奶", "李爷爷"):
        hidden = mgr.open_form(f"/admin/activity_record/add_photo/?id={rec.id}")
        resp = mgr.client.post(f"/admin/activity_record/add_photo/?id={rec.id}", data={
            **hidden, "photo": (io.BytesIO(png_bytes()), "p.png"), "subject": subject,
            "photographer": "吴敏", "taken_at": fmt(local_now()), "theme": "重阳节",
            "description": "合影"}, content_type="multipart/form-data")
        assert resp.status_code == 302, text_of(resp)[-1500:]
    photos = rows(app, ActivityPhoto)
    assert [(p.seq_no, p.subject) for p in photos[-2:]] == [(1, "王奶奶"), (2, "李爷爷")]
    assert browser("courier").get(f"/admin/activity_record/photo/?id={photos[-1].id}"
                                  ).status_code == 200
    # not an image: refused, nothing stored
    hidden = mgr.open_form(f"/admin/activity_record/add_photo/?id={rec.id}")
    resp = mgr.client.post(f"/admin/activity_record/add_photo/?id={rec.id}", data={
        **hidden, "photo": (io.BytesIO(b"not an image"), "x.png")},
        content_type="multipart/form-data")
    assert "JPEG" in text_of(resp) and len(rows(app, ActivityPhoto)) == len(photos)
    # the visits are 客户回访记录表 rows of kind 活动 linked to the record
    clerk = browser("clerk")
    before_visits = len(rows(app, FollowUpVisit))
    for data, message in ((dict(activity_record=None), "活动回访须关联所回访的社区文化活动记录"),
                          (dict(visited_at=fmt(utc_to_local(rec.held_at) - timedelta(hours=1))),
                           "回访时间不能早于所回访的事项")):
        resp = activity_visit(clerk, rec.id, **data)
        assert resp.status_code == 200 and message in text_of(resp), message
    assert len(rows(app, FollowUpVisit)) == before_visits
    assert clerk.get(f"/admin/followup_visit/new/?kind=activity&activity_record={rec.id}"
                     ).status_code == 200
    for _i in range(4):
        assert activity_visit(clerk, rec.id).status_code == 302
    with app.app_context():
        assert [r.obj.id for r in activity_rules.follow_ups_due(user("dept_manager"))] == [rec.id]
    assert activity_visit(clerk, rec.id).status_code == 302
    v = rows(app, FollowUpVisit)[-1]
    assert v.activity_record_id == rec.id and v.due_on == utc_to_local(rec.held_at).date() \
        + timedelta(days=15)
    with app.app_context():
        assert activity_rules.follow_ups_due(user("dept_manager")) == []
    page = text_of(mgr.get(f"/admin/activity_record/details/?id={rec.id}"))
    assert "activity-visits" in page and "(5 / 5)" in page
    # voiding a visit makes it due again
    assert browser("supervisor").post_form(f"/admin/followup_visit/void/?id={v.id}",
                                           {"reason": "重复登记"}).status_code == 302
    with app.app_context():
        assert [r.obj.id for r in activity_rules.follow_ups_due(user("dept_manager"))] == [rec.id]


def test_old_records_keep_their_typed_visit_count(app, browser):
    mgr = browser("dept_manager")
    assert mgr.post_form("/admin/activity_record/new/", record_form(app)).status_code == 302
    rec = rows(app, ActivityRecord)[-1]
    with app.app_context():
        assert [r.obj.id for r in activity_rules.follow_ups_due(user("dept_manager"))] == [rec.id]
        db.session.get(ActivityRecord, rec.id).visited_count = 5       # typed before linking
        db.session.commit()
        assert activity_rules.follow_ups_due(user("dept_manager")) == []
    # the count is no longer typed on the record
    form = record_form(app, visited_count="0", held_at=fmt(utc_to_local(rec.held_at)))
    assert mgr.post_form(f"/admin/activity_record/edit/?id={rec.id}", form).status_code == 302
    assert rows(app, ActivityRecord)[-1].visited_count == 5


def test_a_record_names_an_approved_proposal_only(app, browser):
    mgr = browser("dept_manager")
    assert mgr.post_form("/admin/activity_proposal/new/", proposal_form()).status_code == 302
    pending = rows(app, ActivityProposal)[-1]
    resp = mgr.post_form("/admin/activity_record/new/", record_form(app, proposal=pending.id))
    assert resp.status_code == 200 and "活动方案须经总经理批准" in text_of(resp)


def test_who_plans_approves_and_reads(app, browser):
    for who in ("courier", "security", "finance", "clerk"):
        assert browser(who).get("/admin/activity_record/").status_code == 200
        assert browser(who).get("/admin/activity_record/new/").status_code == 403
    assert browser("supervisor").get("/admin/activity_proposal/new/").status_code == 200
    assert browser("general_manager").get("/admin/activity_proposal/new/").status_code == 403
