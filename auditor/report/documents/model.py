"""A document as the renderers see it: the Party heading, a title, blocks, the signature.

The notice, the board's report and the ranking list are built once as this structure and
drawn twice, as ``.docx`` (:mod:`.word`) and PDF (:mod:`.pdf`), so the two never say
different things.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Block", "Document", "Heading", "Image", "Para", "Run", "Signature", "Table"]

#: ``""`` plain, ``"b"`` bold, ``"i"`` italic, ``"bi"`` both.
Emphasis = Literal["", "b", "i", "bi"]


@dataclass(frozen=True)
class Run:
    text: str
    emphasis: Emphasis = ""


@dataclass(frozen=True)
class Para:
    """A paragraph; ``kind``: ``body`` (justified, first line indented), ``section``
    (a bold heading line), ``item`` (an indented line of a list), ``center``."""

    runs: tuple[Run, ...]
    kind: Literal["body", "section", "item", "center"] = "body"

    @classmethod
    def of(cls, text: str, kind: Literal["body", "section", "item", "center"] = "body") -> Para:
        return cls((Run(text),), kind)


@dataclass(frozen=True)
class Table:
    """A ruled table; ``widths`` are fractions of the text width, ``align`` per column
    (``l``, ``c``, ``r``)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    align: str = ""
    font_size: float = 11


@dataclass(frozen=True)
class Image:
    """A PNG picture (the report's chart), ``width_mm`` wide, centred."""

    png: bytes
    width_mm: float
    caption: str = ""


Block = Para | Table | Image


@dataclass(frozen=True)
class Heading:
    """The two blocks at the top of a Party document (Hướng dẫn 36-HD/VPTW)."""

    superior: str
    committee: str
    number: str
    place_date: str


@dataclass(frozen=True)
class Signature:
    on_behalf: str
    title: str
    name: str


@dataclass
class Document:
    heading: Heading
    title: str
    subtitle: str
    blocks: list[Block] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signature: Signature | None = None
    #: Metadata: the document's title in the file's properties, and its date (ISO).
    subject: str = ""
    date: str = ""
