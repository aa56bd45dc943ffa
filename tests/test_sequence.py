"""Gapless register numbers (``rules.sequence.next_number``)."""
from __future__ import annotations

from audit import system_actor
from models.base import db, utcnow
from models.memos import InternalMemo
from models.reference import Property
from rules.sequence import next_number


def test_the_first_number_of_a_property_does_not_flush_the_record_it_numbers(app):
    """A form's new record is pending without its number when the property's first
    number is issued; flushing it then failed on its NOT NULL number (a database
    error shown to the clerk)."""
    with app.app_context(), system_actor("test"):
        prop = Property(code="NEWP", name="新盘", address="-", phone="-")
        db.session.add(prop)
        db.session.flush()
        memo = InternalMemo(property_id=prop.id, from_department="客服部", sender_id=1,
                            to_department="工程部", sent_at=utcnow(), content="测试")
        db.session.add(memo)                     # pending, memo_no still None
        memo.memo_no = next_number("internal_memo", prop.id, InternalMemo.memo_no)
        assert memo.memo_no == 1
        assert next_number("internal_memo", prop.id, InternalMemo.memo_no) == 2
        db.session.rollback()
