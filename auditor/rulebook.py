"""The rulebook: rule packs in force by date (rulebook-2025.md, section 1).

As Drools has date-effective rules, a pack declares when it is in force
(``effective: {from: 2025-10-28, to: null}`` in its ``pack.yaml``). The shipped rulebook
is every shipped pack that declares it (``hd12`` until 27/10/2025, ``hd42`` from
28/10/2025). A session is judged by the pack in force on its date; a quarter, month or
the year by the pack in force on its last day, cut at the as-of date. ``--rules PACK``
forces one pack on every fact instead, refused when the pack is not in force on any day
of the audited year.

Choices written down here:

- A pack without ``effective`` is in force on every day (``quan-doi``, a board's own
  copy); it is not part of the shipped rulebook and is used only when forced.
- Two packs of one rulebook in force on the same day are refused at load, naming the
  later pack's file: which of them judges a session would otherwise be a guess.
- A day of the audited window (1 January to 31 December, cut at the as-of date) on which
  no pack is in force is a usage error naming the days, not a silent fallback.
- ``--overrides`` and ``--set`` change a rule in every pack of the rulebook that has it
  (``CD02.draft_min_days=5`` reaches hd12 and hd42 alike); a rule no pack has is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from auditor.models import Effective, PackInfo
from auditor.rulepack import (
    PACK_SETTINGS,
    PACKS_DIR,
    Rule,
    RulePack,
    RulePackError,
    find_pack,
    load_pack,
    load_yaml,
)

__all__ = [
    "Judges",
    "Rulebook",
    "SelectionError",
    "default_pack_folders",
    "load_rulebook",
]


class SelectionError(ValueError):
    """No pack, or a pack that cannot judge, for the audited window (a usage error).

    ``message_vi`` and ``message_en`` say it to the user; ``str()`` holds both.
    """

    def __init__(self, message_vi: str, message_en: str) -> None:
        self.message_vi = message_vi
        self.message_en = message_en
        super().__init__(f"{message_vi} / {message_en}")


def _vi(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def describe_effective(effective: Effective | None) -> tuple[str, str]:
    """When a pack is in force, in Vietnamese and in English (``từ 28/10/2025``)."""
    if effective is None or (effective.from_ is None and effective.to is None):
        return "mọi ngày", "every day"
    if effective.from_ is not None and effective.to is not None:
        return (
            f"từ {_vi(effective.from_)} đến {_vi(effective.to)}",
            f"from {effective.from_} to {effective.to}",
        )
    if effective.from_ is not None:
        return f"từ {_vi(effective.from_)}", f"from {effective.from_}"
    assert effective.to is not None
    return f"đến {_vi(effective.to)}", f"until {effective.to}"


def window(year: int, as_of: dt.date | None) -> tuple[dt.date, dt.date]:
    """The days of ``year`` an audit judges: 1 January to 31 December, cut at ``as_of``."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if as_of is not None and as_of < end:
        end = max(start, as_of)
    return start, end


@dataclass(frozen=True)
class Judges:
    """The packs that judge one audit: each with the days it judges (None: every day).

    What the engine needs, and what ``report.json`` names in ``rules``.
    """

    packs: tuple[RulePack, ...]
    #: One pack forced with ``--rules``: it judges every fact, whatever its date.
    forced: bool = False

    def __post_init__(self) -> None:
        if not self.packs:
            raise ValueError("no pack judges")

    @property
    def name(self) -> str:
        """``hd12``, or ``hd12+hd42`` when two packs judge the year."""
        return "+".join(p.name for p in self.packs)

    @property
    def version(self) -> str:
        return "+".join(p.version for p in self.packs)

    @property
    def sha256(self) -> str:
        """The pack's hash, or for several one hash of their names and hashes in order."""
        if len(self.packs) == 1:
            return self.packs[0].sha256
        digest = hashlib.sha256()
        for pack in self.packs:
            digest.update(f"{pack.name}\0{pack.sha256}\0".encode())
        return digest.hexdigest()

    def panels(self) -> list[tuple[str, dt.date | None, dt.date | None, list[Rule]]]:
        """(pack name, first day, last day, enabled rules) per pack, for the engine; a
        forced pack judges from no first to no last day."""
        out: list[tuple[str, dt.date | None, dt.date | None, list[Rule]]] = []
        for pack in self.packs:
            effective = None if self.forced else pack.effective
            start = effective.from_ if effective else None
            end = effective.to if effective else None
            out.append((pack.name, start, end, pack.enabled_rules))
        return out

    def info(self) -> list[PackInfo]:
        """``rules.packs`` of report.json."""
        return [
            PackInfo(
                name=p.name,
                version=p.version,
                sha256=p.sha256,
                effective=p.effective or Effective(),
            )
            for p in self.packs
        ]

    def latest(self) -> RulePack:
        """The pack in force at the end of the window (what a template or page shows)."""
        return self.packs[-1]


@dataclass(frozen=True)
class Rulebook:
    """Packs in force by date, or one pack forced on every day."""

    packs: tuple[RulePack, ...]
    forced: bool = False

    @classmethod
    def force(cls, pack: RulePack) -> Rulebook:
        return cls((pack,), forced=True)

    def pack_on(self, day: dt.date) -> RulePack | None:
        """The pack in force on ``day`` (a forced pack: always that pack)."""
        if self.forced:
            return self.packs[0]
        for pack in self.packs:
            if pack.in_force(day):
                return pack
        return None

    def pack_of_year(self, year: int) -> RulePack:
        """The pack in force at the end of ``year`` (the last pack when none is): what a
        template for that year lists, so a cell reads the rules it will be judged by."""
        return self.pack_on(dt.date(year, 12, 31)) or self.packs[-1]

    def judges(self, year: int, as_of: dt.date | None = None) -> Judges:
        """The packs that judge ``year`` (cut at ``as_of``), or why none can.

        A forced pack must cover the year (its ``years``) and be in force on at least one
        day of the window. Otherwise every day of the window must have a pack in force
        whose ``years`` cover the year.
        """
        start, end = window(year, as_of)
        if not any(pack.covers(year) for pack in self.packs):
            names = ", ".join(f"{p.name} {p.years[0]}–{p.years[1]}" for p in self.packs)
            raise SelectionError(
                f"Bộ quy tắc ({names}) chỉ áp dụng cho các năm đó, không cho năm {year}: "
                "chọn bộ khác bằng --rules hoặc sửa 'years' trong pack.yaml.",
                f"The rule packs ({names}) apply to those years, not to {year}: choose "
                "another with --rules, or change 'years' in its pack.yaml.",
            )
        if self.forced:
            pack = self.packs[0]
            when_vi, when_en = describe_effective(pack.effective)
            if pack.effective is not None and not pack.effective.overlaps(start, end):
                raise SelectionError(
                    f"Bộ quy tắc {pack.name} có hiệu lực {when_vi}, không có ngày nào từ "
                    f"{_vi(start)} đến {_vi(end)}: không dùng được cho năm {year}. Bỏ --rules "
                    "để mỗi buổi được xét theo bộ có hiệu lực vào ngày của nó.",
                    f"Rule pack {pack.name} is in force {when_en}, on no day from {start} to "
                    f"{end}: it cannot judge {year}. Leave out --rules to judge each session "
                    "by the pack in force on its date.",
                )
            return Judges((pack,), forced=True)
        used = [
            p
            for p in self.packs
            if p.covers(year) and (p.effective is None or p.effective.overlaps(start, end))
        ]
        cursor: dt.date | None = start
        for pack in used:
            begins = pack.effective.from_ if pack.effective else None
            if cursor is not None and begins is not None and begins > cursor:
                break
            ends = pack.effective.to if pack.effective else None
            cursor = None if ends is None or ends >= end else ends + dt.timedelta(days=1)
            if cursor is None:
                break
        if cursor is not None:
            later = [
                p.effective.from_
                for p in used
                if p.effective and p.effective.from_ and p.effective.from_ > cursor
            ]
            gap_end = min([end, *[d - dt.timedelta(days=1) for d in later]])
            names = ", ".join(
                f"{p.name} ({describe_effective(p.effective)[0]})" for p in self.packs
            )
            names_en = ", ".join(
                f"{p.name} ({describe_effective(p.effective)[1]})" for p in self.packs
            )
            raise SelectionError(
                f"Không có bộ quy tắc nào có hiệu lực từ {_vi(cursor)} đến {_vi(gap_end)} của "
                f"năm {year} (có: {names or 'không có'}). Thêm một bộ có 'effective' cho những "
                "ngày đó, hoặc chọn một bộ bằng --rules.",
                f"No rule pack is in force from {cursor} to {gap_end} of {year} (known: "
                f"{names_en or 'none'}). Add a pack whose 'effective' covers those days, or "
                "choose one with --rules.",
            )
        return Judges(tuple(used))


def default_pack_folders() -> list[Path]:
    """The shipped packs that declare ``effective``: the rulebook used with no --rules."""
    folders = []
    for path in sorted(PACKS_DIR.glob("*/pack.yaml")):
        try:
            raw = load_yaml(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            raw = None  # load_pack says what is wrong when the pack is used
        if isinstance(raw, dict) and "effective" in raw:
            folders.append(path.parent)
    return folders


def _changed_ids(overrides: Path | None, sets: Sequence[str]) -> set[str]:
    """The rule ids ``--overrides`` and ``--set`` name (their form is checked by load_pack)."""
    ids = set()
    for setting in sets:
        target = setting.partition("=")[0]
        if target.strip() not in PACK_SETTINGS:
            ids.add(target.partition(".")[0].strip().upper())
    if overrides is not None:
        try:
            raw = yaml.safe_load(Path(overrides).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            raw = None
        if isinstance(raw, dict) and isinstance(raw.get("rules"), dict):
            ids |= {str(k).upper() for k in raw["rules"]}
    return ids


def _overlap_problems(packs: Sequence[RulePack]) -> list[tuple[str, str, str]]:
    problems: list[tuple[str, str, str]] = []
    ordered = sorted(packs, key=lambda p: p.effective.start_key if p.effective else dt.date.min)
    for index, later in enumerate(ordered):
        for earlier in ordered[:index]:
            a, b = earlier.effective or Effective(), later.effective or Effective()
            if a.overlaps_range(b):
                when_vi, when_en = describe_effective(earlier.effective)
                problems.append(
                    (
                        str(Path(later.path) / "pack.yaml"),
                        "effective",
                        f"hiệu lực chồng lên bộ {earlier.name} ({when_vi}) / overlaps pack "
                        f"{earlier.name} ({when_en}): mỗi ngày chỉ một bộ có hiệu lực / one "
                        "pack in force per day",
                    )
                )
    return problems


def load_rulebook(
    specs: Sequence[Path | str] | None = None,
    overrides: Path | None = None,
    sets: Sequence[str] = (),
) -> Rulebook:
    """Packs in force by date: ``specs`` (names or folders), by default the shipped ones
    that declare ``effective``. Every problem of every pack is reported at once."""
    folders = [find_pack(s) for s in specs] if specs else default_pack_folders()
    if not folders:
        raise RulePackError(
            [(str(PACKS_DIR), "effective", "không bộ nào khai báo hiệu lực / no pack declares it")]
        )
    problems: list[tuple[str, str, str]] = []
    packs: list[RulePack] = []
    for folder in folders:
        try:
            packs.append(load_pack(folder, overrides=overrides, sets=sets, skip_unknown=True))
        except RulePackError as error:
            problems += error.problems
    known = {rule.id for pack in packs for rule in pack.rules}
    if packs:
        problems += [
            ("--set/--overrides", rule_id, "không có quy tắc này / no such rule")
            for rule_id in sorted(_changed_ids(overrides, sets) - known)
        ]
    problems += _overlap_problems(packs)
    if problems:
        raise RulePackError(list(dict.fromkeys(problems)))
    ordered = sorted(packs, key=lambda p: p.effective.start_key if p.effective else dt.date.min)
    return Rulebook(tuple(ordered))
