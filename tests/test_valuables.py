"""贵重物品寄存: prohibited items, small/large rules, photos (type, size, access,
kept when voided), release once to the owner or to another person with ID, phone
confirmation and a co-signer; items in custody."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from models.base import db
from models.staff import LoginState
from models.ops import StoredBlob
from models.valuables import DepositPhoto

from .conftest import text_of
from .helpers import entries_for, staff_id
from .valuables_helpers import deposits, large_deposit, release, third_party
from .valuables_helpers import deposit_form, png_bytes, post_deposit


# -- deposits ------------------------------------------------------------------------

def test_small_deposit(app, browser):
    before = len(deposits(app))
    resp = post_deposit(browser("clerk"), deposit_form(app))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    assert len(deposits(app)) == before + 1


@pytest.mark.parametrize("over", [
    {"item_kind": "cash"}, {"item_kind": "food"}, {"item_kind": "hazardous"},
    {"description": "现金 5000 元"}, {"description": "一箱鞭炮"}, {"description": "生日蛋糕等食品"},
])
def test_prohibited_items_are_refused(app, browser, over):
    before = len(deposits(app))
    resp = post_deposit(browser("clerk"), deposit_form(app, **over))
    assert resp.status_code == 200 and "一律不予寄存" in text_of(resp)
    assert len(deposits(app)) == before


def test_kinds_always_refused_are_not_offered(app, browser):
    """现金, 食品, 易燃易爆剧毒 are not choices (the rule above still refuses them)."""
    page = browser("clerk").get("/admin/valuables_deposit/new/").get_data(as_text=True)
    select = page.split('name="item_kind"', 1)[1].split("</select>", 1)[0]
    offered = set(re.findall(r'<option[^>]*value="([^"]*)"', select))
    assert {"jewellery", "document", "key", "other"} <= offered
    assert not offered & {"cash", "food", "hazardous"}


def test_large_item_needs_seal_and_photo(app, browser):
    clerk = browser("clerk")
    before = len(deposits(app))
    large = dict(size_class="large", container="", departments_notified="保安部")
    resp = post_deposit(clerk, deposit_form(app, **large), photos=[(png_bytes(), "a.png")])
    assert "大件物品须填写封条编号" in text_of(resp)
    resp = post_deposit(clerk, deposit_form(app, seal_number="F-1", **large))
    assert "大件物品须至少上传一张照片" in text_of(resp)
    assert len(deposits(app)) == before
    d = large_deposit(app, browser)
    assert len(d.photos) == 1 and d.photos[0].content_type == "image/png"


def test_small_item_needs_envelope_or_bag_and_key_needs_instructions(app, browser):
    clerk = browser("clerk")
    before = len(deposits(app))
    resp = post_deposit(clerk, deposit_form(app, container=""))
    assert "密封信封或档案袋" in text_of(resp)
    resp = post_deposit(clerk, deposit_form(app, item_kind="key", description="入户门钥匙"))
    assert "寄存钥匙须填写原因和业主交代事项" in text_of(resp)
    resp = post_deposit(clerk, deposit_form(app, owner_confirmed=None))
    assert "寄存须经业主确认" in text_of(resp)
    assert len(deposits(app)) == before
    resp = post_deposit(clerk, deposit_form(app, item_kind="key", description="入户门钥匙",
                                            key_reason="装修期间给装修队",
                                            owner_instructions="只交给王师傅"))
    assert resp.status_code == 302


@pytest.mark.parametrize("data,name,message", [
    (b"GIF89a" + b"\x00" * 50, "x.gif", "只能上传 JPEG、PNG 或 WebP"),
    (b"<html><script>alert(1)</script>", "x.png", "只能上传 JPEG、PNG 或 WebP"),
    (png_bytes(extra=5 * 1024 * 1024), "big.png", "照片超过 5 MB"),
])
def test_bad_uploads_are_refused(app, browser, data, name, message):
    before = len(deposits(app))
    resp = post_deposit(browser("clerk"), deposit_form(
        app, size_class="large", container="", seal_number="F-9",
        departments_notified="保安部"), photos=[(data, name)])
    assert resp.status_code == 200 and message in text_of(resp)
    assert len(deposits(app)) == before


def test_photos_are_served_only_to_roles_that_see_the_deposit(app, browser):
    d = large_deposit(app, browser)
    pid = d.photos[0].id
    url = f"/admin/valuables_deposit/photo/?id={pid}"
    ok = browser("clerk").get(url)
    assert ok.status_code == 200 and ok.data == png_bytes()
    assert ok.headers["Content-Type"] == "image/png" and "no-store" in ok.headers["Cache-Control"]
    assert browser("auditor").get(url).status_code == 200
    for who in ("courier", "security", "finance"):
        assert browser(who).get(url).status_code == 403, who
    assert browser("clerk").get("/admin/valuables_deposit/photo/?id=99999").status_code == 404
    # stored in the database (every app instance serves it), not on this one's disk
    with app.app_context():
        stored = db.session.get(DepositPhoto, pid).stored_name
        blob = db.session.get(StoredBlob, stored)
        folder = Path(app.config["KEFU_UPLOAD_DIR"])
    assert blob is not None and blob.data == png_bytes()
    assert not (folder / "deposits" / stored).exists()
    assert browser("clerk").get(f"/static/{stored}").status_code == 404


def test_voiding_keeps_the_photos(app, browser):
    d = large_deposit(app, browser)
    pid = d.photos[0].id
    resp = browser("dept_manager").post_form(f"/admin/valuables_deposit/void/?id={d.id}",
                                             {"reason": "录错业主"})
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(DepositPhoto, pid) is not None
    got = browser("dept_manager").get(f"/admin/valuables_deposit/photo/?id={pid}")
    assert got.status_code == 200 and got.data == png_bytes()


# -- release ---------------------------------------------------------------------------

def test_release_to_the_owner_once(app, browser):
    d = deposits(app)[0]                         # the demo's small deposit
    page = release(browser("clerk"), d.id, release_to="owner")
    assert "已交" in text_of(page)
    after = deposits(app)[0]
    assert after.released_at is not None and after.release_to == "owner"
    assert after.recipient_name == d.owner.name          # the deposit's owner, by name
    page = release(browser("clerk2"), d.id, release_to="owner")
    assert "该物品已被领取" in text_of(page)
    with app.app_context():
        assert [e.action for e in entries_for("valuables_deposit", d.id)][-1] == "release"


@pytest.mark.parametrize("name", ["陌生人 王五", "王五"])
def test_release_to_the_owner_is_to_the_deposits_owner_only(app, browser, name):
    """"To the owner" with another name and no ID is the third-party path in
    disguise: refused, nothing released; the form names the owner."""
    d = deposits(app)[0]
    clerk = browser("clerk")
    form = text_of(clerk.get(f"/admin/valuables_deposit/release/?id={d.id}"))
    assert f'id="owner-name">{d.owner.name}<' in form
    page = text_of(release(clerk, d.id, release_to="owner", recipient_name=name))
    assert f"此寄存物品的业主是 {d.owner.name}。如交给 {name}，请选择“他人代领”" in page
    after = deposits(app)[0]
    assert after.released_at is None and after.recipient_name is None
    # the owner's own name (as prefilled, spaces aside) is the owner path
    page = text_of(release(clerk, d.id, release_to="owner",
                           recipient_name=" ".join(d.owner.name)))
    after = deposits(app)[0]
    assert after.released_at is not None and after.recipient_name == d.owner.name


@pytest.mark.parametrize("missing,message", [
    ({"id_number": ""}, "证件类型和号码"),
    ({"id_type": ""}, "证件类型和号码"),
    ({"called_at": ""}, "请先与业主电话确认"),
    ({"confirm_result": ""}, "请先与业主电话确认"),
    ({"called_by_id": ""}, "请先与业主电话确认"),
    ({"cosigner_username": "", "cosigner_secret": ""}, "须由第二名员工复核"),
    ({"cosigner_username": "clerk"}, "复核人必须是另一名员工"),
    ({"recipient_name": ""}, "请填写领取人姓名"),
])
def test_release_to_a_third_party_needs_id_phone_and_cosign(app, browser, missing, message):
    d = large_deposit(app, browser)
    page = release(browser("clerk"), d.id, **third_party(app, **missing))
    assert message in text_of(page)
    assert deposits(app)[-1].released_at is None


def test_release_with_a_wrong_cosigner_pin_counts_towards_lockout(app, browser):
    d = large_deposit(app, browser)
    page = release(browser("clerk"), d.id, **third_party(app, cosigner_secret="0000"))
    assert "复核人" in text_of(page)
    assert deposits(app)[-1].released_at is None
    with app.app_context():
        assert db.session.get(LoginState, staff_id("clerk2")).cosign_failures == 1


def test_release_to_a_relative_with_everything_is_recorded_and_read_only(app, browser):
    d = large_deposit(app, browser)
    page = release(browser("clerk"), d.id, **third_party(app))
    assert "已交 张小明 领取" in text_of(page)
    done = deposits(app)[-1]
    with app.app_context():
        assert done.cosigned_by_id == staff_id("clerk2")
        assert done.recipient_id_number == "440301199001011234"
        assert done.confirm_called_by_id == staff_id("clerk")
    # a released deposit is read-only except for voiding
    resp = browser("clerk").post_form(f"/admin/valuables_deposit/edit/?id={d.id}",
                                      deposit_form(app, description="改一下"),
                                      follow_redirects=True)
    assert "已领取的寄存记录不能修改" in text_of(resp)
    assert deposits(app)[-1].description == "笔记本电脑一台"
    page = release(browser("clerk"), d.id, **third_party(app))
    assert "该物品已被领取" in text_of(page)


def test_items_in_custody_now(app, browser):
    page = text_of(browser("clerk").get("/admin/in_custody/"))
    assert "房产证复印件" in page and "1-302寄存" in page
    assert 'id="deposits-count">1<' in page
    d = deposits(app)[0]
    release(browser("clerk"), d.id, release_to="owner")
    page = text_of(browser("clerk").get("/admin/in_custody/"))
    assert 'id="deposits-count">0<' in page and "1-302寄存" in page
    assert browser("courier").get("/admin/in_custody/").status_code == 403


def test_rules_speak_english_after_switching(app, browser):
    clerk = browser("clerk")
    clerk.post("/lang", {"lang": "en"})
    resp = post_deposit(clerk, deposit_form(app, item_kind="cash"))
    assert "cash and food are never stored" in text_of(resp)
    page = text_of(clerk.get("/admin/in_custody/"))
    assert "Deposits in custody" in page and "Deposited keys" in page
    page = text_of(browser("butler").get("/admin/inspections_due/"))
    assert "巡查" in page                      # the butler kept Chinese
    butler = browser("butler")
    butler.post("/lang", {"lang": "en"})
    page = text_of(butler.get("/admin/inspections_due/"))
    assert "Routine inspection due" in page and "Vacant homes" in page
