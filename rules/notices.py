"""重要信息的发布 (the guide, Part 6) as small functions:

- nothing is carried out before the notice is approved (chain ``important_notice``:
  the department manager or the general manager);
- a notice-board posting is made by the property manager, with the company seal;
- a phone notice records who was called and when (电话通知的需在记录表中记录): the
  call is also a line of the 公共信息记录表, linked both ways (``record_call``);
- a key notice (重点信息) is done only when every dispatch is confirmed;
- notices not carried out are due (and go on the next handover as 未落实);
- board notices past their validity are taken down by the desk (到期由前台负责回收).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from audit import mark_action
from i18n import local_today
from models.base import db, utcnow
from models.notices import CHANNELS, NOTICE_CATEGORIES, ImportantNotice, NoticeDispatch
from models.public_info import PublicInfoEntry

from .due import due_filter, provides_due
from .errors import RuleViolation
from .handover_sections import section
from .scope import CLOCK_SKEW, scoped
from .sequence import next_number


def check_notice(notice: ImportantNotice) -> None:
    if not (notice.title or "").strip() or not (notice.content or "").strip():
        raise RuleViolation(_("Give the notice's title and content."))
    if notice.category not in NOTICE_CATEGORIES:
        raise RuleViolation(_("Choose the kind of notice."))
    chosen = notice.channel_list
    if not chosen or any(c not in CHANNELS for c in chosen):
        raise RuleViolation(_("Choose at least one channel: phone, written notice or notice "
                              "board."))
    if notice.valid_from is None:
        raise RuleViolation(_("Give the date the notice is valid from."))
    if notice.valid_until is not None and notice.valid_until < notice.valid_from:
        raise RuleViolation(_("A notice cannot expire before it is valid."))
    if "board" in chosen and notice.valid_until is None:
        raise RuleViolation(_("A notice-board posting needs its expiry date (it is taken "
                              "down then)."))


def number(notice: ImportantNotice) -> None:
    notice.serial_no = next_number("important_notice", notice.property_id, ImportantNotice.serial_no)


def check_dispatch(d: NoticeDispatch, user, now: datetime | None = None) -> None:
    """Refuse a 发文记录 line the guide would not accept."""
    now = now or utcnow()
    notice = d.notice
    if notice is None or notice.voided_at is not None:
        raise RuleViolation(_("Choose the notice being sent."))
    if notice.property_id != d.property_id:
        raise RuleViolation(_("You may only record data for your own property."))
    if notice.status != "approved":
        raise RuleViolation(_("Notice No.%(n)s is not approved yet: nothing may be sent "
                              "before the department or general manager approves it.",
                              n=notice.serial_no))
    if notice.taken_down_at is not None:
        raise RuleViolation(_("This notice has been taken down."))
    if d.channel not in notice.channel_list:
        raise RuleViolation(_("This notice is not to be sent that way."))
    if d.sent_at is None or d.sent_at > now + CLOCK_SKEW:
        raise RuleViolation(_("Give the time it was sent (not in the future)."))
    if d.channel == "board":
        if not user.has_role("property_manager"):
            raise RuleViolation(_("Only the property manager posts notices on the notice "
                                  "board."))
        if not notice.sealed:
            raise RuleViolation(_("A notice-board posting carries the company seal: the "
                                  "notice is not sealed."))
    if d.channel == "phone" and not (d.called_party or "").strip():
        raise RuleViolation(_("A phone notice records who was called and when."))
    if d.channel == "written" and (d.copies is None or d.copies < 1 or
                                   not (d.scope or "").strip()):
        raise RuleViolation(_("A written notice records its scope (units or buildings) and "
                              "the number of copies."))
    if d.confirmed_at is not None and not (d.confirmed_by or "").strip():
        raise RuleViolation(_("Give who confirmed receipt."))
    if (d.confirmed_by or "").strip() and d.confirmed_at is None:
        d.confirmed_at = now


def record_call(d: NoticeDispatch) -> PublicInfoEntry | None:
    """A phone notice's call as its 公共信息记录表 line (category D, completed by the
    call): made with the dispatch, kept in step when the dispatch is corrected."""
    if d.channel != "phone" or d.voided_at is not None:
        return None
    entry = d.public_info
    if entry is None:
        entry = PublicInfoEntry(property_id=d.property_id, category="D",
                                receiver_id=d.sender_id, created_by_id=d.sender_id)
        db.session.add(entry)
        d.public_info = entry
    notice = d.notice
    entry.received_at = d.sent_at
    entry.caller_name = (d.called_party or "").strip()[:60] or None
    entry.caller_phone = d.called_phone
    entry.reason = _("Phone notice No.%(n)s: %(title)s", n=notice.serial_no, title=notice.title)
    entry.completed_at = d.sent_at
    entry.completion = _("Told by phone (notice dispatch record)")
    return entry


def dispatch_of_call(entry: PublicInfoEntry) -> NoticeDispatch | None:
    """The phone notice a 公共信息 line records, if it is one."""
    return db.session.execute(select(NoticeDispatch).where(
        NoticeDispatch.public_info_id == entry.id).limit(1)).scalar()


def refresh_completion(notice: ImportantNotice, extra: NoticeDispatch | None = None) -> None:
    """已完成 once every channel has a dispatch (and, for a key notice, each is
    confirmed); back to 发布中 otherwise."""
    live = [d for d in notice.dispatches if d.voided_at is None]
    if extra is not None and extra not in live and extra.voided_at is None:
        live.append(extra)
    done = all(any(d.channel == c for d in live) for c in notice.channel_list) and (
        not notice.key_notice or all(d.confirmed_at is not None for d in live))
    if done and notice.completed_at is None:
        notice.completed_at = utcnow()
    elif not done:
        notice.completed_at = None


def take_down(notice: ImportantNotice, user) -> None:
    """前台回收: the board posting comes down."""
    if notice.status != "approved" or notice.taken_down_at is not None:
        raise RuleViolation(_("Only an approved notice still up can be taken down."))
    notice.taken_down_at = utcnow()
    notice.taken_down_by_id = user.id
    mark_action(notice, "take_down")


def _live():
    return select(ImportantNotice).where(ImportantNotice.voided_at.is_(None),
                                         ImportantNotice.status == "approved",
                                         ImportantNotice.taken_down_at.is_(None))


def undispatched(property_id: int) -> list[ImportantNotice]:
    """Approved notices not yet fully carried out (未落实), oldest first — for the
    shift handover register."""
    q = _live().where(ImportantNotice.property_id == property_id,
                      ImportantNotice.completed_at.is_(None))
    return list(db.session.execute(q.order_by(ImportantNotice.id)).scalars())


def board_overdue(user, today: date | None = None) -> list[ImportantNotice]:
    """Board notices past their expiry still up (前台回收)."""
    today = today or local_today()
    q = scoped(_live().where(ImportantNotice.valid_until < today,
                             ImportantNotice.channels.contains("board")),
               ImportantNotice, user)
    return [n for n in db.session.execute(q.order_by(ImportantNotice.id)).scalars()
            if any(d.channel == "board" and d.voided_at is None for d in n.dispatches)]


@due_filter("notice_not_sent", "important_notice")
def not_carried_out(user) -> list[ImportantNotice]:
    """Approved notices of the user's property not yet fully sent."""
    q = scoped(_live().where(ImportantNotice.completed_at.is_(None)), ImportantNotice, user)
    return list(db.session.execute(q).scalars())


due_filter("notice_board_expired", "important_notice")(board_overdue)


@provides_due("important_notice")
def due_items(user) -> list[tuple]:
    out = []
    pending = len(not_carried_out(user))
    if pending:
        out.append((_("Approved notices not fully sent"), pending,
                    "important_notice", "notice_not_sent"))
    overdue = board_overdue(user)
    if overdue:
        out.append((_("Board notices past their expiry to take down"), len(overdue),
                    "important_notice", "notice_board_expired"))
    return out


@section("notices", _l("Important information not yet carried out"))
def unfulfilled_notices(handover: Any, user: Any) -> dict:
    """未落实重要信息: every approved notice not yet fully carried out is on each shift
    handover until it is (guide Part 6; the incoming shift follows it up)."""
    rows = [_("No.%(n)s %(title)s", n=n.serial_no, title=n.title)
            for n in undispatched(handover.property_id)]
    return {"rows": rows, "count": len(rows)}
