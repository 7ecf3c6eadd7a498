"""The serif the documents are set in: Times New Roman's metric-compatible twin.

Party documents are set in Times New Roman (Hướng dẫn 36-HD/VPTW). Liberation Serif has
its metrics and every Vietnamese glyph (Debian ``fonts-liberation2`` /
``fonts-liberation``); the PDF embeds it. The ``.docx`` names Times New Roman, which Word
has and LibreOffice replaces by Liberation Serif with the same line breaks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["FontMissing", "SerifFiles", "serif_files"]

_DIRS = (
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/liberation",
    "/usr/local/share/fonts",
    "/Library/Fonts",
    "C:/Windows/Fonts",
)
_NAMES = {
    "regular": ("LiberationSerif-Regular.ttf", "times.ttf"),
    "bold": ("LiberationSerif-Bold.ttf", "timesbd.ttf"),
    "italic": ("LiberationSerif-Italic.ttf", "timesi.ttf"),
    "bold_italic": ("LiberationSerif-BoldItalic.ttf", "timesbi.ttf"),
}


class FontMissing(RuntimeError):
    """No serif with Vietnamese glyphs was found; the message says how to install one."""


@dataclass(frozen=True)
class SerifFiles:
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path


@cache
def serif_files() -> SerifFiles:
    """The four faces, from ``CHIBO_FONT_DIR`` if set, else the usual font folders."""
    dirs = [os.environ["CHIBO_FONT_DIR"]] if os.environ.get("CHIBO_FONT_DIR") else []
    dirs += _DIRS
    for folder in dirs:
        found: dict[str, Path] = {}
        for face, names in _NAMES.items():
            for name in names:
                path = Path(folder) / name
                if path.is_file():
                    found[face] = path
                    break
        if len(found) == len(_NAMES):
            return SerifFiles(**found)
    raise FontMissing(
        "Không tìm thấy phông Liberation Serif (hoặc Times New Roman) để ghi PDF: hãy cài "
        "gói fonts-liberation2 (apt-get install fonts-liberation2) hoặc đặt CHIBO_FONT_DIR.\n"
        "Liberation Serif (or Times New Roman) not found for the PDF documents: install "
        "fonts-liberation2 or set CHIBO_FONT_DIR."
    )
