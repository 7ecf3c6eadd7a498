"""An .ods whose content.xml is indented, rewritten without the indentation.

Gnumeric (1.12) writes content.xml pretty-printed: newlines and spaces between
``<table:table-row>`` and ``<table:table-cell>`` elements. python-calamine expects a cell
right after a row's start and refuses the whole workbook ("Expecting 'table-cell', found
'Text(...)'"), so a log saved by Gnumeric read as corrupt. The whitespace carries no data
(ODF keeps a cell's text inside ``<text:p>``, where it is left alone), so the workbook is
parsed again with defusedxml, the whitespace-only text between elements dropped, and the
zip rebuilt in memory for calamine to read.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax import SAXException
from xml.sax.handler import ContentHandler
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

import defusedxml.sax
from defusedxml import DefusedXmlException

#: The largest content.xml rewritten: the guard bounds a zip's unpacked size for a
#: province's consolidated log, but the rewritten copy is held in memory beside it.
MAX_CONTENT_BYTES = 256 * 1024 * 1024


class _DropIndentation(ContentHandler):
    """Copies the document, dropping whitespace-only text outside paragraph content.

    Inside any ``text:`` element (a paragraph, a span, a link) whitespace is a space a
    person typed between words, so it is kept there.
    """

    def __init__(self, out: io.BytesIO) -> None:
        super().__init__()
        self._out = XMLGenerator(out, "utf-8", short_empty_elements=True)
        self._pending: list[str] = []
        self._in_text = 0

    def _flush(self) -> None:
        if self._pending:
            text = "".join(self._pending)
            self._pending.clear()
            if self._in_text or text.strip():
                self._out.characters(text)

    def startDocument(self) -> None:  # SAX names its callbacks
        self._out.startDocument()

    def endDocument(self) -> None:
        self._out.endDocument()

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        self._flush()
        if name.startswith("text:"):
            self._in_text += 1
        self._out.startElement(name, attrs)

    def endElement(self, name: str) -> None:
        self._flush()
        self._out.endElement(name)
        if name.startswith("text:"):
            self._in_text -= 1

    def characters(self, content: str) -> None:
        self._pending.append(content)

    def ignorableWhitespace(self, whitespace: str) -> None:
        self._pending.append(whitespace)

    def processingInstruction(self, target: str, data: str) -> None:
        self._flush()
        self._out.processingInstruction(target, data)


def without_indentation(path: str) -> bytes | None:
    """The .ods at ``path`` as a zip in memory with content.xml's indentation removed, or
    None when it cannot be rewritten (no content.xml, too large, not well-formed XML, or
    a DTD or entity declaration, which defusedxml refuses)."""
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("content.xml")
            if info.file_size > MAX_CONTENT_BYTES:
                return None
            content = io.BytesIO()
            with archive.open(info) as handle:
                defusedxml.sax.parse(handle, _DropIndentation(content), forbid_dtd=True)
            copy = io.BytesIO()
            with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as out:
                for member in archive.infolist():
                    if member.filename == "content.xml":
                        out.writestr(member.filename, content.getvalue())
                    else:
                        out.writestr(member.filename, archive.read(member))
    except (
        KeyError,
        zipfile.BadZipFile,
        OSError,
        EOFError,
        ValueError,
        SAXException,
        DefusedXmlException,
    ):
        return None
    return copy.getvalue()
