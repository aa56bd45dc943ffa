"""Helpers for the key tests: look up demo rows, drive the desk and the chains."""
from __future__ import annotations

from sqlalchemy import select

from audit import system_actor
from models.base import db
from models.keys import Key, KeyApplication, KeyApplicationItem, KeyCheckout
from models.staff import Staff

from .conftest import DEMO_PIN
from .helpers import property_id, staff_id


def key_id(app, label: str, code: str = "DEMO") -> int:
    with app.app_context():
        return db.session.execute(select(Key.id).where(
            Key.label == label, Key.property_id == property_id(code))).scalar_one()


def get_key(app, label: str, code: str = "DEMO") -> Key:
    with app.app_context():
        key = db.session.execute(select(Key).where(
            Key.label == label, Key.property_id == property_id(code))).scalar_one()
        db.session.expunge(key)
        return key


def open_checkouts(app, label: str) -> list[KeyCheckout]:
    kid = key_id(app, label)
    with app.app_context():
        rows = list(db.session.execute(select(KeyCheckout).where(
            KeyCheckout.key_id == kid, KeyCheckout.returned_at.is_(None),
            KeyCheckout.voided_at.is_(None))).scalars())
        for r in rows:
            db.session.expunge(r)
        return rows


def desk_issue(b, label: str, borrower: str = "security", reason: str = "设备巡检"):
    with b.app.app_context():
        bid = staff_id(borrower)
    return b.post("/admin/key_desk/issue/", {"label": label, "borrower_id": bid,
                                             "reason": reason}, token_from="/admin/key_desk/")


def desk_return(b, label: str):
    return b.post("/admin/key_desk/return/", {"label": label}, token_from="/admin/key_desk/")


def set_key(app, label: str, **values) -> None:
    with app.app_context(), system_actor("test"):
        key = db.session.execute(select(Key).where(Key.label == label,
                                                   Key.property_id == property_id("DEMO"))
                                 ).scalar_one()
        for k, v in values.items():
            setattr(key, k, v)
        db.session.commit()


def add_staff(app, username: str, roles: set[str], code: str | None = "DEMO",
              password: str = "demo-pass-2026") -> int:
    with app.app_context(), system_actor("test"):
        s = Staff(username=username, full_name=username,
                  property_id=property_id(code) if code else None)
        s.role_set = roles
        s.set_password(password)
        s.set_pin("2468")
        db.session.add(s)
        db.session.commit()
        return s.id


def file_application(app, applicant: str, labels: list[str], kind: str = "copy",
                     reason: str = "work_need", copies: int = 1) -> int:
    """An application filed directly (the create form has its own test)."""
    with app.app_context(), system_actor("test"):
        uid = staff_id(applicant)
        pid = property_id("DEMO")
        appl = KeyApplication(property_id=pid, kind=kind, reason=reason, copies=copies,
                              applicant_id=uid, created_by_id=uid)
        for label in labels:
            kid = db.session.execute(select(Key.id).where(
                Key.label == label, Key.property_id == pid)).scalar_one()
            appl.items.append(KeyApplicationItem(key_id=kid, property_id=pid,
                                                 created_by_id=uid))
        db.session.add(appl)
        db.session.commit()
        return appl.id


def decide(b, table: str, rid: int, decision: str = "approve", comment: str = ""):
    return b.post("/admin/approvals/decide/", {"table": table, "id": rid,
                                               "decision": decision, "comment": comment},
                  follow_redirects=True)


def application(app, aid: int) -> KeyApplication:
    with app.app_context():
        a = db.session.get(KeyApplication, aid)
        db.session.expunge(a)
        return a


def approved_application(app, browser, labels=("1栋天台门",), kind="copy", reason="work_need",
                         copies=1) -> int:
    aid = file_application(app, "butler", list(labels), kind=kind, reason=reason, copies=copies)
    decide(browser("dept_manager"), "key_application", aid)
    decide(browser("property_manager"), "key_application", aid)
    assert application(app, aid).status == "approved"
    return aid


def execute(b, aid: int, cosigner: str | None = "clerk2", secret: str = DEMO_PIN,
            method: str = "pin", later: bool = False):
    data = {"cosigner_username": cosigner or "", "cosigner_secret": secret,
            "cosign_method": method}
    if later:
        data["later"] = "1"
    return b.post(f"/admin/key_application/execute/?id={aid}", data,
                  token_from=f"/admin/key_application/details/?id={aid}",
                  follow_redirects=True)
