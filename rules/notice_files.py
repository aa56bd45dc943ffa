"""Files a notice carries (重要信息文件 "内容 + 附件"): PDF or images, checked by size
and by their first bytes (not by the name a browser sends), stored like activity
photos in the blob store (ops/blobs.py) with their SHA-256, which is checked when
the file is served."""
from __future__ import annotations

import hashlib
import uuid

from flask import current_app
from flask_babel import gettext as _

from models.base import db
from models.notices import ImportantNotice, NoticeAttachment
from ops import blobs

from .errors import RuleViolation
from .valuables import _sniff

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 10


def _kind(head: bytes) -> tuple[str, str] | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf", ".pdf"
    return _sniff(head)


def read_attachment(upload) -> tuple[bytes, str, str]:
    """(data, content type, extension) of an uploaded file, or a refusal."""
    limit = current_app.config.get("KEFU_ATTACHMENT_MAX_BYTES", MAX_BYTES)
    data = upload.stream.read(limit + 1) if upload is not None and hasattr(upload, "stream") \
        else b""
    if not data:
        raise RuleViolation(_("Choose a file to attach (it is empty or missing)."))
    if len(data) > limit:
        raise RuleViolation(_("The file is larger than %(mb)s MB.", mb=limit // (1024 * 1024)))
    kind = _kind(data[:16])
    if kind is None:
        raise RuleViolation(_("Only PDF, JPEG, PNG or WebP files can be attached."))
    return data, kind[0], kind[1]


def attach(notice: ImportantNotice, upload, user) -> NoticeAttachment:
    """A file added while the notice is a draft awaiting approval: what is approved
    is what is sent."""
    if notice.voided_at is not None or notice.status != "pending":
        raise RuleViolation(_("Files are attached while the notice awaits approval; an "
                              "approved notice is sent as it was approved."))
    live = [a for a in notice.attachments if a.voided_at is None]
    if len(live) >= MAX_FILES:
        raise RuleViolation(_("At most %(n)s files per notice.", n=MAX_FILES))
    data, ctype, ext = read_attachment(upload)
    name = f"{uuid.uuid4().hex}{ext}"
    blobs.store().put(name, data, ctype)          # every instance sees it (ops/blobs.py)
    row = NoticeAttachment(property_id=notice.property_id, notice_id=notice.id,
                           stored_name=name,
                           original_name=(getattr(upload, "filename", "") or "")[:200] or None,
                           content_type=ctype, size_bytes=len(data),
                           sha256=hashlib.sha256(data).hexdigest(), created_by_id=user.id)
    db.session.add(row)
    return row
