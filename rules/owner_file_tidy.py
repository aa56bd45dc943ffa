"""客户档案定期整理 (guide ch.5; spec F "the supervisor's periodic tidy, quarterly"): once
a quarter the supervisor (or the department manager) checks the owner files and records
how many were checked and updated, which, who and when; due in the quarter's last
month until recorded."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from i18n import local_today, utc_to_local
from models.base import db, utcnow
from models.fee_areas import OwnerFileTidy

from .due import provides_due
from .errors import RuleViolation
from .scope import CLOCK_SKEW, scoped

TIDIERS = ("supervisor", "dept_manager")


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def check_tidy(t: OwnerFileTidy, user: Any) -> None:
    """Who, when (its quarter follows), how many checked and updated, once a quarter."""
    if t.id is None:
        if not user.has_role(*TIDIERS):
            raise RuleViolation(_("The supervisor or the department manager tidies the "
                                  "owner files."))
        t.done_by_id = user.id
    if t.done_at is None or t.done_at > utcnow() + CLOCK_SKEW:
        raise RuleViolation(_("Give the time of the check (not in the future)."))
    if t.files_checked is None or t.files_checked < 1:
        raise RuleViolation(_("Give how many files were checked."))
    if t.files_updated is None or not 0 <= t.files_updated <= t.files_checked:
        raise RuleViolation(_("The files updated are some of the files checked."))
    t.quarter = quarter_of(utc_to_local(t.done_at).date())
    if t.voided_at is None:
        other = db.session.execute(select(OwnerFileTidy.id).where(
            OwnerFileTidy.property_id == t.property_id, OwnerFileTidy.quarter == t.quarter,
            OwnerFileTidy.voided_at.is_(None), OwnerFileTidy.id != (t.id or 0))).first()
        if other is not None:
            raise RuleViolation(_("The owner files of %(q)s were already tidied.", q=t.quarter))


@provides_due("owner_file_tidy")
def due_items(user: Any, today: date | None = None) -> list[tuple[str, int, str]]:
    today = today or local_today()
    if today.month % 3 != 0:
        return []
    done = db.session.execute(scoped(select(func.count()).select_from(OwnerFileTidy).where(
        OwnerFileTidy.quarter == quarter_of(today), OwnerFileTidy.voided_at.is_(None)),
        OwnerFileTidy, user)).scalar()
    if done:
        return []
    return [(_("Owner files: the quarter's tidy is not recorded yet"), 1, "owner_file_tidy")]
