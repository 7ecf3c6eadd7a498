"""Scoring parameters of a rule pack (``scoring:`` in ``rules/<pack>/pack.yaml``).

Kept apart from the rule model so that scoring depends only on numbers, not on how rules
are written; every number of rules.md's "Scoring" section is one of these fields.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from auditor.models import Band


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BandThreshold(_Params):
    band: Band
    min_score: int = Field(ge=0, le=100)


class Cap(_Params):
    """``count`` or more violations of ``rule`` cap the band at ``max_band``."""

    rule: str
    count: int = Field(default=1, ge=1)
    max_band: Band


class Quota(_Params):
    """Quy định 124-QĐ/TW: cells in ``band`` may not exceed ``share`` of those in ``of_band``
    within each group; the lowest-scoring ones move down to ``of_band``. Ties are broken by
    fewer points lost to rules whose id starts with ``tiebreak_prefix``, then by cell id."""

    enabled: bool = True
    band: Band = "HTXSNV"
    of_band: Band = "HTTNV"
    share: float = Field(default=0.2, ge=0, le=1)
    tiebreak_prefix: str = "CD"


class ScoringParams(_Params):
    start: int = 100
    bands: list[BandThreshold] = Field(
        default_factory=lambda: [
            BandThreshold(band="HTXSNV", min_score=90),
            BandThreshold(band="HTTNV", min_score=70),
            BandThreshold(band="HTNV", min_score=50),
            BandThreshold(band="KHTNV", min_score=0),
        ]
    )
    caps: list[Cap] = Field(
        default_factory=lambda: [
            Cap(rule="CD01", count=2, max_band="HTNV"),
            Cap(rule="KH01", count=1, max_band="HTTNV"),
        ]
    )
    quota: Quota = Field(default_factory=Quota)
