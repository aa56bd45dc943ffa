"""贵重物品寄存工作流程 as small functions.

- never stored: flammable, explosive or toxic goods, cash, food (seeds/002) —
  refused by kind and by the words of the description;
- small items go in a sealed envelope or archive bag (the owner's file); large
  items need a seal number, at least one photo and the departments notified;
- a deposited key carries the reason and the owner's instructions;
- released once: to the owner (the deposit's owner by name, whatever is typed),
  or to another person with their ID, a phone
  confirmation with the owner (who called, when, result) and a second staff
  member's co-sign; a released deposit is read-only except for voiding.
"""
from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from audit import mark_action
from ops import blobs
from models.base import db, utcnow
from models.keys import Key
from models.staff import Staff
from models.valuables import PROHIBITED_KINDS, DepositPhoto, ValuablesDeposit

from .due import due_filter, provides_due
from .errors import RuleViolation
from .scope import CLOCK_SKEW, scoped
from .two_person import check_cosigner, declare, record_cosign

VALUABLES_RELEASE = declare("valuables_release",
                            _l("Release of a deposit to someone other than the owner"),
                            "valuables_deposit")

# Words that give a prohibited item away whatever kind was chosen.
PROHIBITED_WORDS = ("现金", "钞票", "人民币", "食品", "食物", "生鲜", "易燃", "易爆", "爆炸",
                    "剧毒", "有毒", "毒品", "汽油", "柴油", "煤气罐", "液化气", "烟花", "鞭炮",
                    "炸药", "农药", "cash", "food")
IMAGE_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


def prohibited_reason(kind: str | None, description: str | None) -> str | None:
    text = (description or "").lower()
    if kind in PROHIBITED_KINDS or any(w in text for w in PROHIBITED_WORDS):
        return _("This item cannot be deposited: flammable, explosive or toxic goods, cash "
                 "and food are never stored.")
    return None


def check_deposit(d: ValuablesDeposit, new_photos: int = 0) -> None:
    if d.released_at is not None and d.id is not None:
        raise RuleViolation(_("A released deposit cannot be changed."))
    why = prohibited_reason(d.item_kind, d.description)
    if why:
        raise RuleViolation(why)
    if d.owner is not None and d.owner.unit_id != (d.unit.id if d.unit else d.unit_id):
        raise RuleViolation(_("The owner must be an owner or occupant of this unit."))
    if d.butler is not None and not d.butler.has_role("butler", "supervisor"):
        raise RuleViolation(_("The responsible person must be an area butler."))
    if d.size_class == "small":
        if not d.container:
            raise RuleViolation(_("A small item goes in a sealed envelope or an archive bag: "
                                  "say which."))
    elif d.size_class == "large":
        if not (d.seal_number or "").strip():
            raise RuleViolation(_("A large item needs its seal number."))
        if len(d.photos or []) + new_photos < 1:
            raise RuleViolation(_("A large item needs at least one photo."))
        if not (d.departments_notified or "").strip():
            raise RuleViolation(_("A large item: say which departments were notified."))
    else:
        raise RuleViolation(_("Choose small or large."))
    if d.item_kind == "key" and not ((d.key_reason or "").strip()
                                     and (d.owner_instructions or "").strip()):
        raise RuleViolation(_("A deposited key needs the reason and the owner's instructions."))
    if not d.owner_confirmed:
        raise RuleViolation(_("The owner must confirm the deposit."))


def _sniff(head: bytes) -> tuple[str, str] | None:
    for magic, ctype, ext in IMAGE_SIGNATURES:
        if head.startswith(magic):
            return ctype, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    return None


def read_photo(upload) -> tuple[bytes, str, str]:
    """Check an uploaded file; return (data, content type, extension)."""
    limit = current_app.config["KEFU_PHOTO_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if not data:
        raise RuleViolation(_("The photo file is empty."))
    if len(data) > limit:
        raise RuleViolation(_("The photo is larger than %(mb)s MB.", mb=limit // (1024 * 1024)))
    sniffed = _sniff(data[:16])
    if sniffed is None:
        raise RuleViolation(_("Only JPEG, PNG or WebP photos can be uploaded."))
    return data, sniffed[0], sniffed[1]


def add_photo(d: ValuablesDeposit, upload, user: Staff) -> DepositPhoto:
    data, ctype, ext = read_photo(upload)
    name = f"{uuid.uuid4().hex}{ext}"
    # where every instance sees it (ops/blobs.py; the database by default, in the
    # same transaction as the row)
    blobs.store().put(name, data, ctype)
    photo = DepositPhoto(property_id=d.property_id, stored_name=name,
                         original_name=(upload.filename or "")[:200],
                         content_type=ctype, size_bytes=len(data),
                         sha256=hashlib.sha256(data).hexdigest(), created_by_id=user.id)
    d.photos.append(photo)
    return photo


def check_photos_addable(d: ValuablesDeposit, files: list) -> None:
    """Photos are added to a deposit still in custody, and at least one is chosen."""
    if d.released_at is not None or d.voided_at is not None:
        raise RuleViolation(_("A released deposit cannot be changed."))
    if not files:
        raise RuleViolation(_("Choose a photo to upload."))


def call_time(typed: str, moment: datetime | None) -> datetime | None:
    """The phone confirmation's time: none typed, or one that could be read (``moment``)."""
    if typed and moment is None:
        raise RuleViolation(_("Give the time of the call as date and time."))
    return moment


def owner_recipient(d: ValuablesDeposit, recipient_name: str = "") -> str:
    """The collector of a release "to the owner": the deposit's owner, by the name on
    the deposit.  A different name is someone else, who needs the third-party path
    (ID, phone confirmation, co-signer) — never a free-typed "owner"."""
    owner = d.owner.name.strip()           # owner_id is required: every deposit has one
    given = (recipient_name or "").strip()
    if given and "".join(given.split()) != "".join(owner.split()):
        raise RuleViolation(_("The owner of this deposit is %(owner)s. To hand it to %(name)s, "
                              "choose \"To another person\": their ID, a phone confirmation "
                              "with the owner and a second staff member are needed.",
                              owner=owner, name=given))
    return owner


def release(d: ValuablesDeposit, clerk: Staff, *, release_to: str, recipient_name: str = "",
            id_type: str = "", id_number: str = "", called_by: Staff | None = None,
            called_at: datetime | None = None, result: str = "",
            cosigner: Staff | None = None, method: str = "pin") -> None:
    """Hand the item over, once.  The caller verified ``cosigner``'s credentials."""
    now = utcnow()
    if d.voided_at is not None:
        raise RuleViolation(_("This record is void."))
    if d.released_at is not None:
        raise RuleViolation(_("This item was already released."))
    if release_to == "owner":
        d.recipient_name = owner_recipient(d, recipient_name)
        d.recipient_id_type = id_type or None
        d.recipient_id_number = (id_number or "").strip() or None
    elif release_to == "other":
        if not (recipient_name or "").strip():
            raise RuleViolation(_("Record the name of the person who collects the item."))
        if not id_type or not (id_number or "").strip():
            raise RuleViolation(_("Check and record the collector's ID type and number."))
        if called_by is None or called_at is None or not (result or "").strip():
            raise RuleViolation(_("Confirm with the owner by phone first: who called, when, "
                                  "and the result."))
        if called_at > now + CLOCK_SKEW:
            raise RuleViolation(_("The phone confirmation cannot be in the future."))
        if cosigner is None:
            raise RuleViolation(_("A release to someone other than the owner needs a second "
                                  "staff member to co-sign."))
        check_cosigner(VALUABLES_RELEASE, cosigner, clerk.id, d.property_id)
        d.recipient_name = recipient_name.strip()
        d.recipient_id_type = id_type
        d.recipient_id_number = id_number.strip()
        d.confirm_called_by_id = called_by.id
        d.confirm_called_at = called_at
        d.confirm_result = result.strip()
        record_cosign(d, cosigner, method)
    else:
        raise RuleViolation(_("Say who collects the item."))
    d.release_to = release_to
    d.released_at = now
    d.released_by_id = clerk.id
    mark_action(d, "release")


def in_custody(user) -> tuple[list[ValuablesDeposit], list[Key]]:
    """Deposits not released and deposited keys, for the shift handover."""
    dq = select(ValuablesDeposit).where(ValuablesDeposit.released_at.is_(None),
                                        ValuablesDeposit.voided_at.is_(None))
    kq = select(Key).where(Key.category == "deposited", Key.voided_at.is_(None))
    dq, kq = scoped(dq, ValuablesDeposit, user), scoped(kq, Key, user)
    return (list(db.session.execute(dq.order_by(ValuablesDeposit.deposited_at)).scalars()),
            list(db.session.execute(kq.order_by(Key.label)).scalars()))


@provides_due("valuables_deposit")
def due_items(user) -> list[tuple[str, int, str]]:
    deposits, keys = in_custody(user)
    out: list[tuple] = []
    if deposits:
        out.append((_("Items in custody now"), len(deposits), "in_custody", "in_custody"))
    if keys:
        out.append((_("Deposited keys in custody now"), len(keys), "in_custody",
                    "deposited_keys"))
    return out


@due_filter("in_custody", "valuables_deposit")
def deposits_in_custody(user) -> list[ValuablesDeposit]:
    return in_custody(user)[0]


@due_filter("deposited_keys", "key")
def keys_in_custody(user) -> list[Key]:
    return in_custody(user)[1]
