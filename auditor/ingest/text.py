"""Text normalisation shared by header matching, value parsing and topic matching.

Hand-typed Vietnamese arrives in NFC or NFD, with or without diacritics, in any case and
with stray spaces and line breaks; every comparison in the auditor goes through ``fold``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")


def clean_text(value: object) -> str | None:
    """NFC, trimmed, whitespace collapsed; ``None`` for blank (spaces only)."""
    if value is None:
        return None
    return _clean(value if isinstance(value, str) else str(value))


@lru_cache(maxsize=65536)
def _clean(text: str) -> str | None:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip() or None


@lru_cache(maxsize=65536)
def strip_accents(text: str) -> str:
    """Remove Vietnamese diacritics (đ→d) keeping the base letters."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case-, accent- and whitespace-insensitive key for comparing labels."""
    folded = strip_accents(unicodedata.normalize("NFC", text)).casefold()
    return _SPACES.sub(" ", folded).strip()


def vi_number(number: float) -> str:
    """A whole number as Vietnamese writes it: 4.184.573.581."""
    return f"{number:,.0f}".replace(",", ".")
