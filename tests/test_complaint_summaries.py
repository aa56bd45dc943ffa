"""投诉记录汇总表 and the quarterly analysis (guide ch.3 五): the month's complaints by
class × nature with each one's state, due from the 20th (late after the 28th) until
the department manager confirms it; the quarter's repeats (a unit complaining
again, the same class again); both printable.  And a complaint re-classified to 重大
is reported to the general manager again: the earlier acknowledgement is reset."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from i18n import local_today, utc_to_local
from models.base import db
from models.complaints import Complaint, ComplaintSummary
from models.staff import Staff
from rules import complaint_summaries as summary_rules

from .complaint_helpers import complaint_form, fmt, log_complaint, one, rows
from .conftest import text_of
from .helpers import entries_for, staff_id
from .order_helpers import unit_id

URL = "/admin/complaint_summary/"
GM_DUE = "总经理尚未阅知的重大投诉"


def user(username: str) -> Staff:
    return db.session.execute(select(Staff).where(Staff.username == username)).scalar_one()


def edit(b, app, c: Complaint, **over):
    return b.post_form(f"/admin/complaint/edit/?id={c.id}", complaint_form(
        app, received_at=fmt(utc_to_local(c.received_at)), content=c.content, **over))


def test_reclassifying_to_major_resets_the_general_managers_acknowledgement(app, browser):
    clerk, sup, gm = browser("clerk"), browser("supervisor"), browser("general_manager")
    c = log_complaint(clerk, app, severity="major")
    assert gm.post_form(f"/admin/complaint/acknowledge/?id={c.id}", {}).status_code == 302
    assert one(app, Complaint, c.id).gm_acknowledged_at is not None
    assert edit(sup, app, c, severity="major", handling="已联系工程部").status_code == 302
    assert one(app, Complaint, c.id).gm_acknowledged_at is not None     # same nature: kept
    assert edit(sup, app, c, severity="important").status_code == 302
    resp = edit(sup, app, c, severity="major")
    assert resp.status_code == 302, text_of(resp)[-1500:]
    again = one(app, Complaint, c.id)
    assert again.gm_acknowledged_at is None and again.gm_acknowledged_by_id is None
    assert again.reported_to_gm_at > c.reported_to_gm_at
    assert GM_DUE in text_of(gm.get("/admin/"))
    assert gm.post_form(f"/admin/complaint/acknowledge/?id={c.id}", {}).status_code == 302
    assert one(app, Complaint, c.id).gm_acknowledged_at is not None


def summary_form(kind: str = "month", first: date | None = None, **over) -> dict:
    data = {"kind": kind, "period_start": f"{first or local_today():%Y-%m-%d}",
            "conclusion": "本月工程维修类投诉偏多"}
    data.update(over)
    return data


def summaries(app) -> list[ComplaintSummary]:
    return rows(app, ComplaintSummary)


def test_the_months_summary_counts_class_by_nature_and_the_manager_confirms(app, browser):
    clerk, sup, dm = browser("clerk"), browser("supervisor"), browser("dept_manager")
    log_complaint(clerk, app, category="environment", severity="important")
    assert clerk.get(URL + "new/").status_code == 403
    resp = sup.post_form(URL + "new/", summary_form())
    assert resp.status_code == 302, text_of(resp)[-1500:]
    s = summaries(app)[-1]
    assert s.period_start == local_today().replace(day=1) and s.kind == "month"
    with app.app_context():
        month = summary_rules.complaints_of(s.property_id, "month", s.period_start)
        n = sum(1 for c in month if (c.category, c.severity) == ("environment", "important"))
        assert entries_for("complaint_summary", s.id)[0].action == "insert"
    html = sup.get(URL + f"details/?id={s.id}").get_data(as_text=True)
    row = html[html.index('data-class="environment"'):]
    row = row[:row.index("</tr>")]
    assert f'data-severity="important">{n}<' in row
    assert html.count('class="summary-complaint"') == len(month)
    page = text_of(sup.get(URL + f"print/?id={s.id}"))
    assert "月度投诉记录汇总表" in page and "环境类" in page and "本月工程维修类投诉偏多" in page
    # a second summary of the month, a month not begun: refused
    resp = sup.post_form(URL + "new/", summary_form())
    assert resp.status_code == 200 and "该统计期已有汇总表" in text_of(resp)
    resp = sup.post_form(URL + "new/", summary_form(first=local_today() + timedelta(days=40)))
    assert resp.status_code == 200 and "统计期尚未开始" in text_of(resp)
    # only the department manager confirms
    assert sup.post(URL + f"confirm/?id={s.id}", {}).status_code == 403
    assert dm.post_form(URL + f"confirm/?id={s.id}", {}).status_code == 302
    done = summaries(app)[-1]
    with app.app_context():
        assert done.confirmed_by_id == staff_id("dept_manager")
        assert [e.action for e in entries_for("complaint_summary", s.id)][-1] == "confirm"
    assert "已确认" in text_of(dm.get(URL))


def test_the_months_summary_is_due_from_the_20th_until_confirmed(app, browser):
    this = local_today().replace(day=1)
    last = (this - timedelta(days=1)).replace(day=1)
    assert "待确认的月度投诉记录汇总表" in text_of(browser("supervisor").get("/admin/"))
    assert "待确认的月度投诉记录汇总表" not in text_of(browser("clerk").get("/admin/"))
    with app.app_context():
        sup = user("supervisor")
        assert summary_rules.months_due(sup, this.replace(day=19)) == [(last, True)]
        assert summary_rules.months_due(sup, this.replace(day=20)) == [(last, True),
                                                                        (this, False)]
        assert summary_rules.months_due(sup, this.replace(day=28))[-1] == (this, False)
    for first in (last, this):
        assert browser("supervisor").post_form(URL + "new/", summary_form(
            first=first)).status_code == 302
        s = summaries(app)[-1]
        with app.app_context():
            assert summary_rules.months_due(user("supervisor"), this.replace(day=20)) != []
        assert browser("dept_manager").post_form(URL + f"confirm/?id={s.id}",
                                                 {}).status_code == 302
    with app.app_context():
        assert summary_rules.months_due(user("supervisor"), this.replace(day=20)) == []


def test_the_quarterly_analysis_lists_the_repeats(app, browser):
    clerk = browser("clerk")
    room = unit_id(app, "2-1201")
    first = log_complaint(clerk, app, unit=room, category="environment", content="垃圾桶异味")
    second = log_complaint(clerk, app, unit=room, category="environment", content="垃圾桶又有异味")
    resp = browser("supervisor").post_form(URL + "new/", summary_form(kind="quarter"))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    s = summaries(app)[-1]
    assert s.period_start == summary_rules.quarter_first(local_today())
    html = browser("supervisor").get(URL + f"details/?id={s.id}").get_data(as_text=True)
    repeats = html[html.index('id="summary-repeats"'):]
    repeats = repeats[:repeats.index("</table>")]
    assert first.number in repeats and second.number in repeats
    assert repeats.count(f'data-unit="{room}"') >= 2 and "同类再次投诉" in repeats
    assert "本季度重复投诉" in text_of(browser("supervisor").get(URL + f"print/?id={s.id}"))
    with app.app_context():
        assert summary_rules.quarter_due(user("supervisor"),
                                         s.period_start + timedelta(days=95)) == s.period_start
