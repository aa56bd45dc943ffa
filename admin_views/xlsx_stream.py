"""A streamed XLSX: the workbook's zip is written as rows arrive, so a million-row
export starts at once and never sits in memory or on disk (openpyxl's write-only
mode still builds the whole file before the first byte can go out).

The file is the smallest one Excel, LibreOffice and openpyxl open: one worksheet,
text cells as inline strings (formula-neutralised by the caller), numbers as
numbers (``Decimal`` amounts in a yuan currency format), dates and local times as
dates a spreadsheet can sort and sum, a bold header row.  ``zipfile`` writes to an unseekable stream with
data descriptors, so each finished chunk of compressed bytes is yielded as it comes.
"""
from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable, Iterator
from xml.sax.saxutils import escape

# Characters XML 1.0 does not allow (control characters other than tab, LF, CR).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '</Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    '</Relationships>')
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="3"><numFmt numFmtId="164" formatCode="&quot;¥&quot;#,##0.00"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/>'
    '<numFmt numFmtId="166" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_SHEET_TAIL = '</sheetData></worksheet>'


def _workbook(sheet_name: str) -> str:
    name = escape(_ILLEGAL.sub("", sheet_name)[:31] or "Sheet1", {'"': "&quot;"})
    for ch in '[]:*?/\\':
        name = name.replace(ch, " ")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>')


def column_letter(i: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


# cell styles of _STYLES: currency, date-time, date
_MONEY, _MOMENT, _DAY = ' s="2"', ' s="3"', ' s="4"'
_EPOCH = datetime(1899, 12, 30)


def _cell(ref: str, value: Any, style: str) -> str:
    """One cell: a number, a date (a serial day number in a date format) or text."""
    if isinstance(value, bool) or value is None:
        value = "" if value is None else str(value)
    if isinstance(value, (int, float, Decimal)):
        return f'<c r="{ref}"{_MONEY if isinstance(value, Decimal) else style}><v>{value}</v></c>'
    if isinstance(value, datetime):
        serial = (value.replace(tzinfo=None, microsecond=0) - _EPOCH).total_seconds() / 86400
        return f'<c r="{ref}"{_MOMENT}><v>{serial:.8f}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}"{_DAY}><v>{(value - _EPOCH.date()).days}</v></c>'
    text = _ILLEGAL.sub("", str(value))
    if not text:
        return ""
    return (f'<c r="{ref}" t="inlineStr"{style}><is>'
            f'<t xml:space="preserve">{escape(text)}</t></is></c>')


def _row_xml(n: int, values: list, letters: list[str], style: str) -> str:
    cells = "".join(_cell(f"{letter}{n}", value, style) for letter, value in zip(letters, values))
    return f'<row r="{n}">{cells}</row>'


class _Pipe:
    """A write-only, unseekable file whose written bytes are taken out in chunks."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def take(self) -> bytes:
        out, self.chunks = b"".join(self.chunks), []
        return out


def stream_xlsx(rows: Iterable[list], sheet_name: str, flush_every: int = 500) -> Iterator[bytes]:
    """The XLSX bytes of ``rows`` (the first is the header), yielded as they are made."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, body in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS),
                           ("xl/workbook.xml", _workbook(sheet_name)),
                           ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
                           ("xl/styles.xml", _STYLES)):
            zf.writestr(name, body)
        yield pipe.take()
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_HEAD.encode())
            letters: list[str] = []
            for n, row in enumerate(rows, start=1):
                if len(letters) < len(row):
                    letters = [column_letter(i) for i in range(len(row))]
                style = ' s="1"' if n == 1 else ""
                sheet.write(_row_xml(n, row, letters, style).encode("utf-8"))
                if n % flush_every == 0:
                    chunk = pipe.take()
                    if chunk:
                        yield chunk
            sheet.write(_SHEET_TAIL.encode())
    yield pipe.take()
