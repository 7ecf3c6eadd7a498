"""Scoring parameters of a rule pack (``scoring:`` in ``rules/<pack>/pack.yaml``).

Kept apart from the rule model so that scoring depends only on numbers, not on how rules
are written; every number of rules.md's "Scoring" section is one of these fields.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from auditor.models import Band

#: The scorings shipped with the auditor (one YAML file each).
SCORINGS_DIR = Path(__file__).resolve().parent / "scorings"


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


class Condition(_Params):
    """A cell whose ``field`` (from the cells table) is at least ``at_least`` is at most
    ``max_band`` (Quy định 366: a cell with a disciplined member is at most HTTNV)."""

    field: Literal["disciplined"]
    at_least: int = Field(default=1, ge=1)
    max_band: Band
    source: str = ""
    label_vi: str
    label_en: str


class Quota(_Params):
    """Cells in ``band`` may not exceed ``share`` of those the ``base`` counts within each
    group; the lowest-scoring ones move down to ``of_band``. Ties are broken by fewer
    points lost to rules whose id starts with ``tiebreak_prefix``, then by cell id.

    ``base``: ``HTTNV`` counts the cells in ``of_band``; ``HTTNV_or_better`` counts those
    in ``of_band`` or better (``band`` included). ``level``: ``parent`` groups cells by
    their đảng bộ, ``run`` takes the whole run as one group, ``none`` applies no quota
    (as does ``enabled: false``)."""

    enabled: bool = True
    band: Band = "HTXSNV"
    of_band: Band = "HTTNV"
    share: float = Field(default=0.2, ge=0, le=1)
    base: Literal["HTTNV", "HTTNV_or_better"] = "HTTNV"
    level: Literal["parent", "run", "none"] = "parent"
    tiebreak_prefix: str = "CD"
    #: The text the quota comes from, named in the report's words about each move.
    source: str = "Quy định 124-QĐ/TW"

    @property
    def active(self) -> bool:
        return self.enabled and self.level != "none"


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
    conditions: list[Condition] = Field(default_factory=list)
    quota: Quota = Field(default_factory=Quota)


class Scoring(ScoringParams):
    """A named scoring (``auditor/scorings/<name>.yaml``) and the audit years it ranks."""

    name: str
    title_vi: str
    title_en: str = ""
    source: str = ""
    years: tuple[int, int] = (2018, 2099)


class ScoringError(ValueError):
    """A scoring file that cannot be used, with the file named."""


def load_scoring(path: Path | str) -> Scoring:
    """A scoring from its YAML file (validated: an unknown key is refused)."""
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        return Scoring.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise ScoringError(
            f"{file}: không dùng được cách chấm điểm này / unusable scoring: {exc}"
        ) from exc


@lru_cache(maxsize=8)
def shipped_scorings() -> tuple[Scoring, ...]:
    """The shipped scorings, by first audit year."""
    found = [load_scoring(p) for p in sorted(SCORINGS_DIR.glob("*.yaml"))]
    return tuple(sorted(found, key=lambda s: s.years))


def scoring_named(name: str) -> Scoring:
    """A shipped scoring by name (``qd124``, ``qd366``), or a scoring file's path."""
    for scoring in shipped_scorings():
        if scoring.name == name:
            return scoring
    if name.endswith((".yaml", ".yml")) or Path(name).is_file():
        return load_scoring(name)
    known = ", ".join(s.name for s in shipped_scorings())
    raise ScoringError(
        f"Không có cách chấm điểm {name!r} / no scoring {name!r} (có / known: {known})"
    )


def scoring_for_year(year: int) -> Scoring:
    """The scoring that ranks ``year``: ``qd124`` up to 2024, ``qd366`` from 2025."""
    for scoring in shipped_scorings():
        if scoring.years[0] <= year <= scoring.years[1]:
            return scoring
    raise ScoringError(f"Không có cách chấm điểm cho năm {year} / no scoring ranks the year {year}")
