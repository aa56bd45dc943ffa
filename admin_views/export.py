"""Exports: streamed CSV (BOM for Excel) and XLSX, personal data masked, formula
cells neutralised; one CSV writer shared by list exports and the as-of register."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable, Iterator
from urllib.parse import quote

from flask import abort
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from i18n import local_now, utc_to_local
from rules.personal_data import mask_personal


def neutralise_cell(value: Any) -> str:
    """Spreadsheet formula injection: prefix cells starting with = + - @ (or tab/CR)."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def csv_chunks(rows: Iterable[list]) -> Iterator[str]:
    """CSV text with a BOM, yielded every 200 rows (one writer for list exports and
    the register as of a day)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    yield "\ufeff"
    for i, row in enumerate(rows):
        writer.writerow(row)
        if i % 200 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


class ExportMixin:
    """Flask-Admin's export endpoint, streamed."""

    def get_export_columns(self):
        cols = list(super().get_export_columns())
        if hasattr(self.model, "voided_at") and all(c[0] != "voided_at" for c in cols):
            cols.append(("voided_at", _l("Void")))
        return cols


    def get_export_name(self, export_type: str = "csv") -> str:
        return f"{self.name}_{local_now():%Y%m%d_%H%M%S}.{export_type}"

    def _content_disposition(self, filename: str) -> str:
        ascii_name = f"{self.endpoint}.{filename.rsplit('.', 1)[-1]}"
        return f"attachment; filename={ascii_name}; filename*=UTF-8''{quote(filename)}"

    def _export_rows(self, typed: bool = False) -> Iterable[list]:
        """The header, then every row of the list as it is filtered and ordered, with
        personal columns masked.  ``typed`` (XLSX): numbers, dates and local times
        stay values a spreadsheet can sum and sort; everything else is text."""
        view_args = self._get_list_extra_args()
        sort = self._get_column_by_idx(view_args.sort)
        _count, query = self.get_list(0, sort[0] if sort else None, view_args.sort_desc,
                              view_args.search, view_args.filters, execute=False,
                              page_size=0)
        yield [str(c[1]) for c in self._export_columns]
        masked = self.masked_columns(export=True)
        plain = {c[0] for c in self._export_columns if typed and c[0] not in masked
                 and c[0] not in self.column_formatters_export
                 and c[0] not in self._column_choices_map}
        for row in query.yield_per(1000):
            yield [self._typed_value(row, c[0]) if c[0] in plain
                   else neutralise_cell(mask_personal(self.get_export_value(row, c[0]))
                                        if c[0] in masked else self.get_export_value(row, c[0]))
                   for c in self._export_columns]

    def _typed_value(self, row: Any, name: str) -> Any:
        value = row
        for part in name.split("."):
            value = getattr(value, part, None) if value is not None else None
        if isinstance(value, datetime):
            return utc_to_local(value).replace(tzinfo=None, microsecond=0)
        if isinstance(value, (int, float, Decimal, date)) and not isinstance(value, bool):
            return value
        return neutralise_cell(self.get_export_value(row, name))

    def _export_csv(self, return_url):
        return self.csv_response(self._export_rows(), self.get_export_name("csv"))

    def csv_response(self, rows: Iterable[list], filename: str) -> Response:
        """Rows streamed as CSV with a BOM (Excel reads UTF-8), every 200 rows a chunk."""
        from flask import stream_with_context

        return Response(stream_with_context(csv_chunks(rows)), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": self._content_disposition(filename)})

    def _export_tablib(self, export_type, return_url):
        """XLSX streamed like the CSV (admin_views/xlsx_stream.py): the first bytes
        leave at once and a million rows never sit in memory or on disk."""
        if export_type != "xlsx":
            abort(404)
        from flask import stream_with_context

        from .xlsx_stream import stream_xlsx

        name = self.get_export_name("xlsx")
        return Response(stream_with_context(stream_xlsx(self._export_rows(typed=True), str(self.name))),
                        mimetype="application/vnd.openxmlformats-officedocument."
                                 "spreadsheetml.sheet",
                        headers={"Content-Disposition": self._content_disposition(name)})

