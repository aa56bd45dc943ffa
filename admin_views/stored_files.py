"""Serving an uploaded file (deposit photo, activity photo, notice attachment): only
while its bytes are the ones its record names (SHA-256, ``ops/blobs.py``), never
cached, never run as a page."""
from __future__ import annotations

import io
from typing import Any

from flask import Response, abort, send_file

from ops import blobs


def stored_file_response(row: Any) -> Response:
    """The file ``row`` (a ``StoredFileMixin`` record) names; 404 when its bytes are
    missing or not the recorded ones.  The caller has checked who may see it."""
    data = blobs.read_checked(row.stored_name, row.sha256)
    if data is None:
        abort(404)
    resp = send_file(io.BytesIO(data), mimetype=row.content_type, max_age=0,
                     download_name=row.stored_name)
    resp.headers["Cache-Control"] = "private, no-store"
    resp.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
