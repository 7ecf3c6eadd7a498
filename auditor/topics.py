"""Topic matching for CD05: is the thematic session about a topic the plan announced?

People retype the planned topic by hand, so equality is useless: case, accents,
punctuation, quotation marks and a leading "Chuyên đề:" differ. After normalising those
away, rapidfuzz gives a 0-100 similarity; the rule's ``threshold`` parameter decides.
Character-level similarity (not token-set overlap) is used so that two different topics
sharing common words ("nâng cao chất lượng …") do not match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz

from auditor.ingest.text import fold

_PREFIX = re.compile(r"^(?:sinh hoat\s+)?chuyen de(?:\s+so\s+\d+)?\s*[:.\-–]?\s*")
_PUNCT = re.compile(r"[^\w\s]|_", re.UNICODE)


@lru_cache(maxsize=65536)
def normalise_topic(text: str) -> str:
    key = fold(text)
    key = _PUNCT.sub(" ", _PREFIX.sub("", key.strip(" \"'“”‘’«»")))
    key = _PREFIX.sub("", " ".join(key.split()))
    return " ".join(key.split())


def similarity(a: str, b: str) -> float:
    """0-100 after normalisation; 100 for the same topic typed differently."""
    left, right = normalise_topic(a), normalise_topic(b)
    if not left or not right:
        return 0.0
    if left == right:
        return 100.0
    return float(max(fuzz.ratio(left, right), fuzz.token_sort_ratio(left, right)))


def best_match(topic: str, planned: Iterable[str]) -> tuple[float, str | None]:
    """The best similarity of ``topic`` to any planned topic, and that topic."""
    best, which = 0.0, None
    for candidate in planned:
        score = similarity(topic, candidate)
        if score > best:
            best, which = score, candidate
    return best, which
