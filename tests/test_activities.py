"""社区文化活动: the year's plan holds 儿童节, 中秋节 and 圣诞节 and goes to the general
manager, due in December while next year's is missing; a proposal 30 days ahead, approved
by the general manager, the owners told a week before (due); the record with numbered
photos (stored like deposits' photos) and 10 % of participants visited within 15 days."""
from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import select

from i18n import local_now, local_today, utc_to_local
from models.activities import ActivityPhoto, ActivityPlan, ActivityProposal, ActivityRecord
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
    resp = mgr.post(f"/admin/activity_proposal/owners_notified/?id={p.id}", {},
                    token_from="/admin/", follow_redirects=True)
    assert "只有已批准的活动方案才能通知业主" in text_of(resp)
    decide(browser("general_manager"), "activity_proposal", p.id)
    with app.app_context():
        mgr_user = user("dept_manager")
        week_before = p.planned_on - timedelta(days=6)
        assert p.id in [r.obj.id for r in activity_rules.notices_due(mgr_user, week_before)]
        assert p.id not in [r.obj.id for r in activity_rules.notices_due(
            mgr_user, p.planned_on - timedelta(days=8))]
    resp = mgr.post(f"/admin/activity_proposal/owners_notified/?id={p.id}", {},
                    token_from="/admin/", follow_redirects=True)
    assert "今日已通知业主" in text_of(resp)
    assert rows(app, ActivityProposal)[-1].owners_notified_on == local_today()
    with app.app_context():
        assert p.id not in [r.obj.id for r in activity_rules.notices_due(
            user("dept_manager"), week_before)]


def record_form(app, **over) -> dict:
    data = {"theme": "重阳节敬老茶话会", "held_at": fmt(local_now() - timedelta(hours=3)),
            "place": "会所大厅", "participants": "50", "leader": staff_id_of(app, "dept_manager"),
            "summary": "老人 50 位参加", "album_no": "A-07", "visited_count": "0"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def staff_id_of(app, username: str) -> int:
    with app.app_context():
        return staff_id(username)


def test_record_rules_photos_and_follow_ups(app, browser):
    mgr = browser("dept_manager")
    before = len(rows(app, ActivityRecord))
    for data, message in ((record_form(app, held_at=fmt(local_now() + timedelta(hours=2))),
                           "举办时间（不能是将来时间）"),
                          (record_form(app, visited_count="60"), "回访人数不能多于参与人数")):
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
    # five visits recorded clear the due item
    form = record_form(app, visited_count="5", held_at=fmt(utc_to_local(rec.held_at)))
    resp = mgr.post_form(f"/admin/activity_record/edit/?id={rec.id}", form)
    assert resp.status_code == 302, text_of(resp)[-1500:]
    with app.app_context():
        assert activity_rules.follow_ups_due(user("dept_manager")) == []


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
