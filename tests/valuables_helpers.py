"""Valuables deposits: the rows, a large deposit, its release, a third party (valuables, two-person and write-path tests)."""
from __future__ import annotations

import io
import struct
import zlib
from datetime import timedelta

from sqlalchemy import select

from i18n import local_now
from models.base import db
from models.valuables import ValuablesDeposit

from .conftest import DEMO_PIN, text_of
from .custody_helpers import fmt, unit_and_owner
from .helpers import staff_id


def deposits(app) -> list[ValuablesDeposit]:
    with app.app_context():
        rows = list(db.session.execute(select(ValuablesDeposit).order_by(
            ValuablesDeposit.id)).scalars())
        for r in rows:
            _ = r.photos
            db.session.expunge(r)
        return rows


def large_deposit(app, browser) -> ValuablesDeposit:
    resp = post_deposit(browser("clerk"), deposit_form(
        app, size_class="large", container="", seal_number="F-0001", item_kind="electronics",
        description="笔记本电脑一台", departments_notified="保安部、工程部"),
        photos=[(png_bytes(), "laptop.png")])
    assert resp.status_code == 302, text_of(resp)[-1500:]
    return deposits(app)[-1]


def release(b, did: int, **values):
    return b.post(f"/admin/valuables_deposit/release/?id={did}", values,
                  token_from=f"/admin/valuables_deposit/release/?id={did}",
                  follow_redirects=True)


def third_party(app, **over) -> dict:
    with app.app_context():
        caller = staff_id("clerk")
    data = {"release_to": "other", "recipient_name": "张小明", "id_type": "id_card",
            "id_number": "440301199001011234", "called_by_id": caller,
            "called_at": (local_now() - timedelta(minutes=5)).isoformat(timespec="minutes"),
            "confirm_result": "业主同意由儿子代领", "cosigner_username": "clerk2",
            "cosign_method": "pin", "cosigner_secret": DEMO_PIN}
    data.update(over)
    return data


def png_bytes(extra: int = 0) -> bytes:
    """A real 1×1 PNG (plus optional padding inside a tEXt chunk)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
    if extra:
        body += chunk(b"tEXt", b"x\x00" + b"a" * extra)
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IEND", b"")


def deposit_form(app, **over) -> dict:
    unit, owner = unit_and_owner(app, "2-801")
    with app.app_context():
        butler = staff_id("butler")
    data = {"unit": unit, "owner": owner, "item_kind": "jewellery", "description": "金手镯一对",
            "size_class": "small", "container": "envelope", "storage_place": "保险柜 A",
            "butler": butler, "deposited_at": fmt(local_now()), "owner_confirmed": "y"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def post_deposit(b, data: dict, photos: list[tuple[bytes, str]] = ()):
    hidden = b.open_form("/admin/valuables_deposit/new/")
    payload = {**hidden, **data}
    if photos:
        payload["new_photos"] = [(io.BytesIO(d), name) for d, name in photos]
    return b.client.post("/admin/valuables_deposit/new/", data=payload,
                         content_type="multipart/form-data")
