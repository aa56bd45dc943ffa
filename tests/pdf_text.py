"""The text of a PDF Chromium printed, enough to check a print's words in a test (no
PDF library in the environment): the content streams' strings decoded through the
ToUnicode map of the font each is shown in (Chromium writes two-byte glyph codes)."""
from __future__ import annotations

import re
import zlib

_OBJ = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")
_FONT_REFS = re.compile(rb"/Font\s*<<(.*?)>>", re.S)
_REF = re.compile(rb"/([\w.+-]+)\s+(\d+) 0 R")
_SHOW = re.compile(rb"/([\w.+-]+)\s+[-\d.]+\s+Tf|<([0-9A-Fa-f]*)>")


def _unicode(hexstr: bytes) -> str:
    return bytes.fromhex(hexstr.decode()).decode("utf-16-be", errors="replace")


def _cmap(stream: bytes) -> dict[int, str]:
    table: dict[int, str] = {}
    for block in _BFCHAR.findall(stream):
        pairs = _HEX.findall(block)
        for src, dst in zip(pairs[::2], pairs[1::2]):
            table[int(src, 16)] = _unicode(dst)
    for block in _BFRANGE.findall(stream):
        for line in block.splitlines():
            parts = _HEX.findall(line)
            if len(parts) == 3:
                lo, hi, base = int(parts[0], 16), int(parts[1], 16), _unicode(parts[2])
                for k, code in enumerate(range(lo, hi + 1)):
                    table[code] = base[:-1] + chr(ord(base[-1]) + k) if base else ""
    return table


def _body_and_stream(raw: bytes) -> tuple[bytes, bytes | None]:
    found = _STREAM.search(raw)
    if found is None:
        return raw, None
    data = found.group(1)
    try:
        data = zlib.decompress(data)
    except zlib.error:
        pass
    return raw[:found.start()], data


def pdf_text(pdf: bytes) -> str:
    """Every string the pages show, in order, decoded through its font's map."""
    objects = {int(n): _body_and_stream(raw) for n, raw in _OBJ.findall(pdf)}
    to_unicode = {}
    for n, (body, _s) in objects.items():
        ref = re.search(rb"/ToUnicode\s+(\d+) 0 R", body)
        if ref and int(ref.group(1)) in objects:
            to_unicode[n] = _cmap(objects[int(ref.group(1))][1] or b"")
    names: dict[bytes, dict[int, str]] = {}
    for body, _s in objects.values():
        for block in _FONT_REFS.findall(body):
            for name, n in _REF.findall(block):
                if int(n) in to_unicode:
                    names[name] = to_unicode[int(n)]
    out: list[str] = []
    for _body, stream in objects.values():
        if not stream or b"Tf" not in stream:
            continue
        table: dict[int, str] = {}
        for font, shown in _SHOW.findall(stream):
            if font:
                table = names.get(font, {})
                continue
            data = bytes.fromhex(shown.decode()) if len(shown) % 2 == 0 else b""
            out.append("".join(table.get(int.from_bytes(data[i:i + 2], "big"), "")
                               for i in range(0, len(data) - 1, 2)))
    return "".join(out)


def has_words(pdf: bytes, words: str) -> bool:
    """Whether the PDF shows ``words`` (spaces ignored: a PDF places words, it need
    not print the space between them)."""
    return words.replace(" ", "") in pdf_text(pdf).replace(" ", "")
