"""Shared by the mail, newspaper and notice tests."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from i18n import local_now
from models.base import db
from models.mail import MailItem
from models.notices import ImportantNotice, NoticeDispatch

from .custody_helpers import fmt

__all__ = ["fmt", "last_weekday", "last_saturday", "mail_items", "notices", "dispatches"]


def last_weekday(at: time = time(10, 0)) -> datetime:
    """The latest weekday (local) at ``at`` that is more than an hour ago."""
    moment = datetime.combine(local_now().date(), at)
    while moment.weekday() >= 5 or moment > local_now() - timedelta(hours=1):
        moment -= timedelta(days=1)
    return moment


def last_saturday(weeks_back: int = 1) -> datetime:
    """A Saturday 10:00 (local) at least ``weeks_back`` weeks ago: its Monday has passed."""
    today = local_now().date()
    sat = today - timedelta(days=(today.weekday() - 5) % 7) - timedelta(weeks=weeks_back)
    return datetime.combine(sat, time(10, 0))


def mail_items(app) -> list[MailItem]:
    with app.app_context():
        return list(db.session.execute(select(MailItem).order_by(MailItem.id)).scalars())


def notices(app) -> list[ImportantNotice]:
    with app.app_context():
        return list(db.session.execute(select(ImportantNotice).order_by(ImportantNotice.id))
                    .unique().scalars())


def dispatches(app) -> list[NoticeDispatch]:
    with app.app_context():
        return list(db.session.execute(select(NoticeDispatch).order_by(NoticeDispatch.id))
                    .scalars())
