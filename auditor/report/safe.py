"""Escaping for text that came from a workbook and goes into a report.

- Spreadsheets: text starting with ``=``, ``+``, ``-``, ``@``, tab or CR is what a
  spreadsheet program (or a CSV export of the sheet) may read as a formula. The workbook
  writers always store text as a string cell (never a formula) and give such text the
  cell's *quote prefix* flag, so Excel and LibreOffice keep it text even when a person
  edits the cell, without an apostrophe inside the value itself.
  Text shaped like ``<r>…</r>`` is written as plain rich-text runs (:func:`write_text`):
  XlsxWriter would copy it into the sheet's XML as it is.
- HTML: Jinja2 autoescapes every template value; :func:`script_json` makes JSON safe to
  embed in a ``<script>`` element (no ``</script>``, ``<!--`` or line separators).
- File names: :func:`safe_filename` turns a cell id or parent name into a portable name.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

__all__ = [
    "FORMULA_TRIGGERS",
    "is_formula_like",
    "is_plain",
    "safe_filename",
    "script_json",
    "write_text",
]

#: First characters that make a spreadsheet program treat text as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def is_formula_like(text: str) -> bool:
    """True when ``text`` would be read as a formula (or a DDE payload) if typed in a cell."""
    return text.startswith(FORMULA_TRIGGERS) or text.lstrip(" ").startswith(FORMULA_TRIGGERS)


def is_markup_like(text: str) -> bool:
    """True when XlsxWriter would take ``text`` for rich-text markup of its own."""
    return text.startswith("<r>") and text.endswith("</r>")


#: First characters of text that may be formula-like (a trigger, or spaces before one)
#: or markup-like (``<``); text starting with any other character is neither.
_WORTH_A_LOOK = frozenset(FORMULA_TRIGGERS) | {" ", "<"}


def is_plain(text: str) -> bool:
    """True when ``text`` can go to ``write_string`` as it is: neither formula-like nor
    markup-like. Most report text starts with a letter or digit and is decided by its
    first character (the Excel writers' fast path: hundreds of thousands of cells)."""
    if text[:1] not in _WORTH_A_LOOK:
        return True
    return not is_formula_like(text) and not is_markup_like(text)


def write_text(sheet: Any, row: int, col: int, text: str, cell_format: Any = None) -> None:
    """Write ``text`` into a cell as a string that reads exactly as ``text``.

    XlsxWriter copies text shaped like ``<r>…</r>`` into the sheet's XML unescaped (it
    takes it for rich-text markup it made itself), so a workbook's
    ``<r>…</r></is><f>…</f><is><r>…</r>`` would end the cell's text and give the cell a
    formula. Such text is written as three plain runs instead, which XlsxWriter escapes.
    """
    if not is_markup_like(text):
        sheet.write_string(row, col, text, cell_format)
        return
    pieces = (text[:1], text[1:-1], text[-1:])  # "<r></r>" is the shortest: none is empty
    if cell_format is None:
        sheet.write_rich_string(row, col, *pieces)
        return
    runs = [token for piece in pieces for token in (cell_format, piece)]
    sheet.write_rich_string(row, col, *runs, cell_format)


_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(value: Any) -> str:
    """JSON for a ``<script type="application/json">`` element: ``<``, ``>``, ``&`` and the
    line separators are written as ``\\uXXXX`` escapes, so ``</script>`` cannot occur."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _SCRIPT_ESCAPES[m.group()], text)


_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')


def safe_filename(name: str, *, fallback: str = "_", max_length: int = 80) -> str:
    """A file or folder name made of ``name`` that is valid on Windows, macOS and Linux.

    Vietnamese letters are kept (NFC); path separators, reserved characters and control
    characters become ``_``; leading dots and trailing dots/spaces are removed; reserved
    device names get a ``_`` suffix.
    """
    text = unicodedata.normalize("NFC", name)
    text = _UNSAFE.sub("_", text)
    text = re.sub(r"\s+", " ", text).strip().lstrip(".").rstrip(". ")
    if len(text) > max_length:
        text = text[:max_length].rstrip(". ")
    if not text or set(text) <= {"_", " "}:
        text = fallback
    if text.split(".")[0].upper() in _WINDOWS_RESERVED:
        text += "_"
    return text
