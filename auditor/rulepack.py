"""Rule packs: the rules as data, loaded from ``auditor/rules/<pack>/`` and validated.

A pack is a folder with ``pack.yaml`` (name, version, the audit years it applies to,
scoring parameters, optionally ``include:`` another pack) and one YAML file per rule.
Every number a board may want to change (days, quorum, points, thresholds) is a
parameter in those files; ``--overrides FILE`` and ``--set RULE.key=value`` change them
without touching code. Loading collects every problem of every file before it fails, so
a board fixes a broken pack in one pass.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
import string
from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from auditor.codes import NoteCode
from auditor.models import Effective
from auditor.scoring_params import ScoringError, ScoringParams, scoring_named
from auditor.vocabulary import ROW_TABLES, UNITS, Unit, fields, placeholders

#: The packs shipped inside the package (package data), so a wheel audits from anywhere.
PACKS_DIR = Path(__file__).resolve().parent / "rules"
DEFAULT_PACK = PACKS_DIR / "hd12"

Period = Literal["year", "quarter", "month", "session", "member", "member_study"]
Op = Literal["eq", "neq", "lt", "lte", "gt", "gte"]
Scalar = bool | int | float | str


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Test(_Strict):
    """``field op value``; a value ``"$name"`` is the rule parameter ``name``."""

    field: str
    op: Op
    value: Scalar


class AllOf(_Strict):
    all: list[Condition] = Field(min_length=1)


class AnyOf(_Strict):
    any: list[Condition] = Field(min_length=1)


Condition = Annotated[Test | AllOf | AnyOf, Field(union_mode="left_to_right")]
AllOf.model_rebuild()
AnyOf.model_rebuild()


class InputRows(_Strict):
    """One cell's year as a user types it: rows of the cells, plan and sessions sheets
    and of the member sheets (members, attendance as one row per member and meeting,
    resolution study), each a mapping of the sheet's Vietnamese header to the cell's text.

    ``tests/test_rule_examples.py`` writes them into a workbook and audits it (reading,
    validation, facts, engine), so an example also shows a board's staff what to type.
    """

    year: int = 2024
    cells: list[dict[str, Scalar | None]] = Field(default_factory=list)
    plan: list[dict[str, Scalar | None]] = Field(default_factory=list)
    sessions: list[dict[str, Scalar | None]] = Field(default_factory=list)
    members: list[dict[str, Scalar | None]] = Field(default_factory=list)
    attendance: list[dict[str, Scalar | None]] = Field(default_factory=list)
    study: list[dict[str, Scalar | None]] = Field(default_factory=list)


class Examples(_Strict):
    """Facts that must pass (no violation) and must fail (a violation), and input rows
    whose audit must (``fail_rows``) or must not (``pass_rows``) find this rule broken;
    all run as tests."""

    passing: list[dict[str, Any]] = Field(default_factory=list, alias="pass")
    failing: list[dict[str, Any]] = Field(default_factory=list, alias="fail")
    pass_rows: InputRows | None = None
    fail_rows: InputRows | None = None


class RuleNote(_Strict):
    """A data-quality note a rule leaves on a fact it cannot judge, instead of a violation.

    TG01 cannot judge a session whose log records no length (2025 logs were designed
    before Hướng dẫn 42): the board should know, but the cell loses no points. The note
    rides with the rule, so it appears exactly where the rule is in force and enabled.
    ``code`` is one of the report's note codes (``auditor/codes.py``).
    """

    code: str
    when: Condition
    message_vi: str
    message_en: str


class Rule(_Strict):
    id: str = Field(pattern=r"^[A-Z]{2}\d{2}$")
    title_vi: str
    title_en: str
    source: str
    rationale_vi: str
    rationale_en: str = ""
    about: str
    period: Period
    points: int = Field(ge=0, le=100)
    enabled: bool = True
    params: dict[str, Scalar] = Field(default_factory=dict)
    when: Condition
    message_vi: str
    message_en: str
    remedy_vi: str
    remedy_en: str = ""
    examples: Examples = Field(default_factory=Examples)
    note: RuleNote | None = None

    @field_validator("params")
    @classmethod
    def _params_are_named(cls, params: dict[str, Scalar]) -> dict[str, Scalar]:
        for name in params:
            if not name.isidentifier():
                raise ValueError(f"parameter name {name!r} is not an identifier")
        return params

    def param_refs(self) -> set[str]:
        refs: set[str] = set()

        def walk(node: Test | AllOf | AnyOf) -> None:
            if isinstance(node, Test):
                if isinstance(node.value, str) and node.value.startswith("$"):
                    refs.add(node.value[1:])
            else:
                for child in node.all if isinstance(node, AllOf) else node.any:
                    walk(child)

        walk(self.when)
        if self.note is not None:
            walk(self.note.when)
        return refs


class PackFile(_Strict):
    name: str
    version: str
    title_vi: str
    title_en: str = ""
    years: tuple[int, int] = (2018, 2099)
    #: When the pack is in force (auditor/rulebook.py); none: every day.
    effective: Effective | None = None
    include: str | None = None
    #: Changes to the included pack's rules, as an ``--overrides`` file's ``rules:`` map
    #: (hd42 keeps hd12's rules and only sets ``CD02.draft_min_days`` to 1).
    overrides: dict[str, dict[str, Any]] = Field(default_factory=dict)
    #: The scoring parameters, or the name of a shipped scoring (``qd366``).
    scoring: ScoringParams | str = Field(default_factory=ScoringParams)
    #: The monthly quiz's time per question (members.md): an attempt longer than the
    #: number of questions times this cannot win. Unset: the included pack's, else 30.
    seconds_per_question: int | None = Field(default=None, ge=1, le=3600)


#: members.md: "~30 seconds a question".
SECONDS_PER_QUESTION = 30

#: Settings of a pack rather than of one rule, changed by ``--set KEY=value`` (no rule id)
#: or a top-level key of an ``--overrides`` file: a board whose quiz allows 45 seconds a
#: question writes ``--set seconds_per_question=45`` instead of copying the pack.
PACK_SETTINGS = ("seconds_per_question",)


class _PackSettings(_Strict):
    seconds_per_question: int = Field(default=SECONDS_PER_QUESTION, ge=1, le=3600)


class RulePack(_Strict):
    name: str
    version: str
    title_vi: str
    title_en: str
    years: tuple[int, int]
    scoring: ScoringParams
    rules: list[Rule]
    path: str
    sha256: str
    effective: Effective | None = None
    seconds_per_question: int = SECONDS_PER_QUESTION

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id.upper():
                return rule
        raise KeyError(rule_id)

    @property
    def enabled_rules(self) -> list[Rule]:
        return [rule for rule in self.rules if rule.enabled]

    def covers(self, year: int) -> bool:
        """Whether the pack applies to audits of ``year`` (its ``years`` in pack.yaml)."""
        return self.years[0] <= year <= self.years[1]

    def in_force(self, day: dt.date) -> bool:
        """Whether the pack is in force on ``day`` (its ``effective``; none: always)."""
        return self.effective is None or self.effective.contains(day)


class RulePackError(Exception):
    """Every problem found in a pack: (file, key, reason) each."""

    def __init__(self, problems: Sequence[tuple[str, str, str]]) -> None:
        self.problems = list(problems)
        super().__init__(
            "\n".join(f"{file}: {key}: {reason}" for file, key, reason in self.problems)
        )


#: libyaml's parser when PyYAML was built with it (as ``safe_load``, with the same
#: constructor and resolver: the same values); pure Python otherwise.
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """``yaml.safe_load(text)``, parsed by libyaml: a run reads some fifty rule files
    before anything else, 0.11 s of pure-Python parsing against 0.015 s (measured here).
    A text libyaml refuses is parsed again by ``safe_load``, so a broken file is
    reported as before, with the line shown and the place marked."""
    try:
        return yaml.load(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return yaml.safe_load(text)


def _read_yaml(path: Path, problems: list[tuple[str, str, str]]) -> Any:
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append((str(path), "", f"không đọc được YAML / unreadable YAML: {exc}"))
        return None


def _validation_problems(path: Path, exc: ValidationError) -> list[tuple[str, str, str]]:
    return [
        (str(path), ".".join(str(p) for p in err["loc"]) or "(file)", err["msg"])
        for err in exc.errors()
    ]


def _hash_files(paths: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.resolve().as_posix()):
        try:
            name = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            name = path.resolve().as_posix().rsplit("/rules/", 1)[-1]
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _load_rules(
    folder: Path, problems: list[tuple[str, str, str]], seen: set[Path]
) -> tuple[PackFile | None, dict[str, Rule], list[Path]]:
    folder = folder.resolve()
    if folder in seen:
        problems.append((str(folder), "include", "gói quy tắc tự bao gồm / include cycle"))
        return None, {}, []
    seen.add(folder)
    pack_path = folder / "pack.yaml"
    if not pack_path.is_file():
        problems.append((str(folder), "pack.yaml", "thiếu tệp pack.yaml / missing pack.yaml"))
        return None, {}, []
    files = [pack_path]
    raw = _read_yaml(pack_path, problems)
    pack: PackFile | None = None
    if raw is not None:
        try:
            pack = PackFile.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_validation_problems(pack_path, exc))
    rules: dict[str, Rule] = {}
    if pack is not None and pack.include:
        base, included, included_files = _load_rules(folder / pack.include, problems, seen)
        rules.update(included)
        files += included_files
        if pack.seconds_per_question is None and base is not None:
            pack = pack.model_copy(update={"seconds_per_question": base.seconds_per_question})
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "pack.yaml":
            continue
        files.append(path)
        data = _read_yaml(path, problems)
        if data is None:
            continue
        try:
            rule = Rule.model_validate(data)
        except ValidationError as exc:
            problems.extend(_validation_problems(path, exc))
            continue
        if rule.id != path.stem.upper():
            problems.append((str(path), "id", f"mã {rule.id} khác tên tệp / id differs from file"))
        missing = rule.param_refs() - set(rule.params)
        if missing:
            problems.append(
                (str(path), "when", f"tham số chưa khai báo / undeclared params: {sorted(missing)}")
            )
        else:
            problems += [(str(path), key, reason) for key, reason in rule_problems(rule)]
        rules[rule.id] = rule
    if pack is not None:
        for rule_id, change in pack.overrides.items():
            key = f"overrides.{rule_id}"
            if rule_id.upper() not in rules:
                problems.append((str(pack_path), key, "không có quy tắc này / no such rule"))
                continue
            changed, errors = _apply(rules[rule_id.upper()], change, str(pack_path))
            problems += [(str(pack_path), key, error) for error in errors]
            if not errors:
                rules[changed.id] = changed
                problems += [(str(pack_path), f"{key}.{k}", r) for k, r in rule_problems(changed)]
        scoring = _pack_scoring(pack.scoring, pack_path, problems)
        pack = pack.model_copy(update={"scoring": scoring})
        problems += [
            (str(pack_path), key, reason) for key, reason in scoring_problems(scoring, rules)
        ]
    return pack, rules, files


def _pack_scoring(
    scoring: ScoringParams | str, pack_path: Path, problems: list[tuple[str, str, str]]
) -> ScoringParams:
    """The pack's scoring: its own parameters, or a shipped scoring named in pack.yaml."""
    if isinstance(scoring, ScoringParams):
        return scoring
    try:
        return scoring_named(scoring)
    except ScoringError as exc:
        problems.append((str(pack_path), "scoring", str(exc)))
        return ScoringParams()


def parse_scalar(text: str) -> Scalar:
    """A value typed on the command line: true/false, an integer, a number, or text."""
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "on"):
        return True
    if lowered in ("false", "no", "off"):
        return False
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _apply(rule: Rule, changes: dict[str, Any], where: str) -> tuple[Rule, list[str]]:
    errors: list[str] = []
    update: dict[str, Any] = {}
    params = dict(rule.params)
    for key, value in changes.items():
        if key == "params" and isinstance(value, dict):
            for name, param in value.items():
                if name not in params:
                    errors.append(f"{rule.id}.{name}: không có tham số này / no such parameter")
                else:
                    params[name] = param
        elif key in ("points", "enabled", "examples"):
            # new parameters may need new examples (hd42's CD02 in its pack.yaml)
            update[key] = value
        elif key in params:
            params[key] = value
        else:
            errors.append(f"{rule.id}.{key}: không đổi được / cannot be changed ({where})")
    update["params"] = params
    try:
        changed = Rule.model_validate({**rule.model_dump(by_alias=True), **update})
    except ValidationError as exc:
        errors += [f"{rule.id}: {e['msg']}" for e in exc.errors()]
        return rule, errors
    return changed, errors


def shipped_packs() -> list[str]:
    """Names of the packs shipped with the package (``hd12``, ``quan-doi``...)."""
    return sorted(p.parent.name for p in PACKS_DIR.glob("*/pack.yaml"))


def find_pack(spec: Path | str) -> Path:
    """The folder of a pack given as a folder or as the name of a shipped pack.

    A folder holding ``pack.yaml`` wins; otherwise a shipped pack of that name (or of the
    folder's last part, so ``rules/quan-doi`` written before the packs moved into the
    package still finds it from any directory). Anything else is returned as given and
    refused by :func:`load_pack` with "missing pack.yaml".
    """
    folder = Path(spec)
    if (folder / "pack.yaml").is_file():
        return folder
    for name in (str(spec), folder.name):
        shipped = PACKS_DIR / name
        if name and "/" not in name and (shipped / "pack.yaml").is_file():
            return shipped
    return folder


def load_pack(
    path: Path | str = DEFAULT_PACK,
    overrides: Path | None = None,
    sets: Sequence[str] = (),
    *,
    skip_unknown: bool = False,
) -> RulePack:
    """Load and validate a pack, apply an override file and ``RULE.key=value`` settings.

    ``skip_unknown`` leaves out changes to rules the pack does not have (a rulebook applies
    one ``--set`` to every pack that has the rule, and refuses a rule none has)."""
    folder = find_pack(path)
    problems: list[tuple[str, str, str]] = []
    pack, rules, files = _load_rules(folder, problems, set())
    override_data: dict[str, Any] = {}
    pack_changes: dict[str, Any] = {}  # settings of the pack itself, not of a rule
    if overrides is not None:
        raw = _read_yaml(Path(overrides), problems)
        files.append(Path(overrides))
        if raw is not None and not (
            isinstance(raw, dict)
            and isinstance(raw.get("rules", {}), dict)
            and ("rules" in raw or set(raw) & set(PACK_SETTINGS))
        ):
            problems.append(
                (str(overrides), "rules", "cần khóa 'rules:' / expected a 'rules:' map")
            )
        elif raw is not None:
            override_data = raw.get("rules", {})
            pack_changes.update({k: v for k, v in raw.items() if k in PACK_SETTINGS})
    changes: dict[str, dict[str, Any]] = {}
    for rule_id, change in override_data.items():
        if not isinstance(change, dict):
            problems.append((str(overrides), str(rule_id), "cần một bảng khóa / expected a map"))
            continue
        changes.setdefault(str(rule_id).upper(), {}).update(change)
    for setting in sets:
        target, sep, value = setting.partition("=")
        rule_id, dot, key = target.partition(".")
        if sep and target.strip() in PACK_SETTINGS:
            pack_changes[target.strip()] = parse_scalar(value)
            continue
        if not sep or not dot or not key:
            problems.append(("--set", setting, "dạng đúng / expected RULE.key=value"))
            continue
        changes.setdefault(rule_id.strip().upper(), {})[key.strip()] = parse_scalar(value)
    for rule_id, change in changes.items():
        where = "--set/--overrides"
        if rule_id not in rules:
            if not skip_unknown:
                problems.append((where, rule_id, "không có quy tắc này / no such rule"))
            continue
        rules[rule_id], errors = _apply(rules[rule_id], change, where)
        problems += [(where, rule_id, error) for error in errors]
        if not errors:
            # what the file passed may not pass with the new values ("--set X.quorum=abc")
            problems += [
                (where, f"{rule_id}.{key}", reason) for key, reason in rule_problems(rules[rule_id])
            ]
    if pack is not None and pack_changes:
        try:
            settings = _PackSettings.model_validate(pack_changes)
        except ValidationError as exc:
            problems += [
                ("--set/--overrides", str(error["loc"][0]), error["msg"]) for error in exc.errors()
            ]
        else:
            pack = pack.model_copy(update=settings.model_dump(exclude_unset=True))
    if problems or pack is None:
        raise RulePackError(problems or [(str(folder), "", "gói quy tắc rỗng / empty pack")])
    extra = ";".join(f"{k}={v}" for k, v in sorted(changes.items()) if k in rules)
    extra += "".join(f";{k}={v}" for k, v in sorted(pack_changes.items()))
    digest = _hash_files(files, folder.parent)
    if extra:
        digest = hashlib.sha256((digest + extra).encode()).hexdigest()
    return RulePack(
        name=pack.name,
        version=pack.version,
        title_vi=pack.title_vi,
        title_en=pack.title_en,
        years=pack.years,
        # a scoring named in pack.yaml was resolved by _load_rules (or refused)
        scoring=pack.scoring if isinstance(pack.scoring, ScoringParams) else ScoringParams(),
        rules=[rules[k] for k in sorted(rules)],
        path=str(folder),
        sha256=digest,
        effective=pack.effective,
        seconds_per_question=pack.seconds_per_question or SECONDS_PER_QUESTION,
    )


def share_ppm(value: Scalar) -> int | None:
    """A share as parts per million, rounded up: ``"2/3"``, ``"66%"`` or a number 0..1.

    None when ``value`` is not a share (a number above 1 is refused rather than read as
    ppm: ``quorum=66`` meant 66 %, and 66 ppm would switch the rule off without a word).
    """
    if isinstance(value, bool):
        return None
    share: Fraction
    if isinstance(value, str):
        text = value.strip()
        try:
            if text.endswith("%"):
                share = Fraction(text[:-1].strip()) / 100
            elif "/" in text:
                share = Fraction(text)
            else:
                return None
        except (ValueError, ZeroDivisionError):
            return None
    else:
        # via its decimal text: 0.66 is 66/100, not the binary float just below it
        share = Fraction(str(value))
    if not 0 <= share <= 1:
        return None
    return -(-share.numerator * 1_000_000 // share.denominator)


def resolve_param(value: Scalar, unit: Unit | None = None) -> Scalar:
    """A parameter in the unit of the field it is compared with.

    Compared with a parts-per-million field, a share (``"2/3"``, ``"66%"``, ``0.66``)
    becomes ppm. Text that reads better than its number: ``"2/3"`` → ppm, ``"01-31"`` →
    131 (month×100+day). Anything else is returned as given (and refused by
    :func:`rule_problems` when it is not a number).
    """
    if unit is Unit.PPM:
        ppm = share_ppm(value)
        return value if ppm is None else ppm
    if isinstance(value, str):
        text = value.strip()
        if "/" in text:
            try:
                share = Fraction(text)
            except (ValueError, ZeroDivisionError):
                return value
            return -(-share.numerator * 1_000_000 // share.denominator)
        if (
            len(text) == 5
            and text[2] == "-"
            and text.replace("-", "").isascii()
            and text.replace("-", "").isdigit()
        ):
            return int(text[:2]) * 100 + int(text[3:])
    return value


def field_unit(period: str, name: str) -> Unit | None:
    """The unit of fact field ``name`` of ``period`` (None: no such field)."""
    info = fields(period).get(name)
    if info is None or not isinstance(info.json_schema_extra, dict):
        return None
    return Unit(str(info.json_schema_extra["unit"]))


def compared_value(rule: Rule, test: Test) -> Scalar:
    """The value ``test`` compares with: a literal, or the parameter ``$name`` resolved in
    the unit of the tested field (the engine compiles this; validation checks it)."""
    value = test.value
    if isinstance(value, str) and value.startswith("$"):
        return resolve_param(rule.params[value[1:]], field_unit(rule.period, test.field))
    return value


def _tests(node: Test | AllOf | AnyOf, key: str) -> Iterable[tuple[str, Test]]:
    """Every ``field op value`` of a condition, with its key in the file (``when.all.1``)."""
    if isinstance(node, Test):
        yield key, node
    elif isinstance(node, AllOf):
        for index, child in enumerate(node.all):
            yield from _tests(child, f"{key}.all.{index}")
    else:
        for index, child in enumerate(node.any):
            yield from _tests(child, f"{key}.any.{index}")


def _unknown(name: str, known: Iterable[str]) -> str:
    """ "known: …", led by the closest known names when ``name`` looks like a typo."""
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=2)
    hint = f"; có phải / did you mean {' hay / or '.join(close)}?" if close else ""
    return f"(có / known: {', '.join(known)}){hint}"


def _value_problem(rule: Rule, test: Test, unit: Unit) -> str | None:
    """Why the value ``test`` compares with cannot work, or None."""
    value = compared_value(rule, test)
    given = test.value
    if unit is Unit.PPM and isinstance(given, str) and given.startswith("$"):
        if share_ppm(rule.params[given[1:]]) is None:
            return (
                f"{given[1:]}={rule.params[given[1:]]!r} không phải một tỉ lệ từ 0 đến 1 (viết "
                f'"2/3", 0.66 hoặc "66%") / is not a share from 0 to 1 (write "2/3", 0.66 or "66%")'
            )
        return None
    if isinstance(value, str) or (
        isinstance(value, float) and not (value == value and abs(value) != float("inf"))
    ):
        return (
            f"giá trị {value!r} phải là một số ({UNITS[unit].vi}) / "
            f"value {value!r} must be a number ({UNITS[unit].en})"
        )
    info = UNITS[unit]
    number = int(value) if isinstance(value, bool) else value
    if (info.ge is not None and number < info.ge) or (info.le is not None and number > info.le):
        bounds = (
            f"{info.ge if info.ge is not None else '…'}–{info.le if info.le is not None else '…'}"
        )
        return (
            f"giá trị {value!r} ngoài khoảng {bounds} của {test.field} ({info.vi}): điều kiện "
            f"không bao giờ đúng như ý / value {value!r} is outside {test.field}'s {bounds} "
            f"({info.en})"
        )
    return None


_FORMATTER = string.Formatter()


def _placeholder_problems(text: str, key: str, allowed: set[str]) -> Iterable[tuple[str, str]]:
    try:
        parsed = list(_FORMATTER.parse(text))
    except ValueError as exc:
        yield key, f"dấu ngoặc {{}} sai / unbalanced braces: {exc}"
        return
    for _, name, _, _ in parsed:
        if name is None:
            continue
        base = re.split(r"[.\[]", name, maxsplit=1)[0]
        if base not in allowed:
            yield (
                key,
                (
                    f"không có giá trị {{{name}}} để điền / no value for placeholder {{{name}}} "
                    + _unknown(base, allowed)
                ),
            )


def rule_problems(rule: Rule) -> list[tuple[str, str]]:
    """(key, reason) of everything in ``rule`` that cannot mean what its author meant.

    A field its period's facts do not have (``thematic_cont``), a value that is not a
    number of the field's unit (``quorum: 66``, ``value: "1"``), a message placeholder
    nothing fills, an example naming a field that does not exist: each would otherwise
    load silently and switch the rule off or print as written (docs/facts.md).
    """
    problems: list[tuple[str, str]] = []
    known = fields(rule.period)
    for key, test in _tests(rule.when, "when"):
        unit = field_unit(rule.period, test.field)
        if unit is None:
            problems.append(
                (
                    f"{key}.field",
                    f"dữ kiện {rule.period} không có trường {test.field!r} / {rule.period} "
                    f"facts have no field {test.field!r} " + _unknown(test.field, known),
                )
            )
            continue
        reason = _value_problem(rule, test, unit)
        if reason is not None:
            given = test.value
            where = (
                f"params.{given[1:]}"
                if isinstance(given, str) and given.startswith("$")
                else f"{key}.value"
            )
            problems.append((where, reason))
    message_names = placeholders(rule.period) | set(rule.params)
    for name in ("message_vi", "message_en"):
        problems += _placeholder_problems(getattr(rule, name), name, message_names)
    if rule.note is not None:
        problems += _note_problems(rule, rule.note, message_names)
    # remedies are filled with the parameters only (catalogue, report sheets)
    for name in ("remedy_vi", "remedy_en"):
        problems += _placeholder_problems(getattr(rule, name), name, set(rule.params))
    for label, examples in (("pass", rule.examples.passing), ("fail", rule.examples.failing)):
        for index, example in enumerate(examples):
            key = f"examples.{label}.{index}"
            kind = example.get("type", rule.period)
            if kind != rule.period:
                problems.append(
                    (f"{key}.type", f"loại {kind!r} khác period {rule.period!r} / type differs")
                )
            for name in sorted(set(example) - set(known) - {"type"}):
                problems.append(
                    (
                        f"{key}.{name}",
                        f"dữ kiện {rule.period} không có trường {name!r} / no such field "
                        + _unknown(name, known),
                    )
                )
    problems += _row_example_problems(rule)
    return list(dict.fromkeys(problems))  # a parameter tested twice is one problem


def _note_problems(rule: Rule, note: RuleNote, names: set[str]) -> list[tuple[str, str]]:
    """What cannot work in a rule's ``note``: its fields, values, placeholders and code."""
    problems: list[tuple[str, str]] = []
    if note.code not in set(NoteCode):
        problems.append(
            (
                "note.code",
                f"mã ghi chú {note.code!r} không có trong auditor/codes.py / unknown note code "
                + _unknown(note.code, list(NoteCode)),
            )
        )
    for key, test in _tests(note.when, "note.when"):
        unit = field_unit(rule.period, test.field)
        if unit is None:
            problems.append(
                (
                    f"{key}.field",
                    f"dữ kiện {rule.period} không có trường {test.field!r} / no such field "
                    + _unknown(test.field, fields(rule.period)),
                )
            )
            continue
        reason = _value_problem(rule, test, unit)
        if reason is not None:
            problems.append((f"{key}.value", reason))
    for name in ("message_vi", "message_en"):
        problems += _placeholder_problems(getattr(note, name), f"note.{name}", names)
    return problems


def _row_example_problems(rule: Rule) -> list[tuple[str, str]]:
    """(key, reason) of input-row examples with a header no sheet of their table knows."""
    from auditor.ingest.headers import match_header

    problems: list[tuple[str, str]] = []
    for label in ("pass_rows", "fail_rows"):
        rows = getattr(rule.examples, label)
        for table in ROW_TABLES if rows is not None else ():
            for index, row in enumerate(getattr(rows, table)):
                for header in row:
                    if match_header(table, header) is None:
                        problems.append(
                            (
                                f"examples.{label}.{table}.{index}",
                                f"cột {header!r} không có trong bảng {table} / no such "
                                "column in that table",
                            )
                        )
    return problems


def scoring_problems(scoring: ScoringParams, rules: dict[str, Rule]) -> list[tuple[str, str]]:
    """(key, reason) of caps naming a rule the pack lacks and bands the scoring lacks."""
    problems: list[tuple[str, str]] = []
    bands = {threshold.band for threshold in scoring.bands}
    for index, cap in enumerate(scoring.caps):
        if cap.rule.upper() not in rules:
            problems.append(
                (
                    f"scoring.caps.{index}.rule",
                    f"không có quy tắc {cap.rule} trong bộ / no rule {cap.rule} in the pack "
                    + _unknown(cap.rule, rules),
                )
            )
        if cap.max_band not in bands:
            problems.append(
                (f"scoring.caps.{index}.max_band", f"loại {cap.max_band} không có trong bands")
            )
    quota = scoring.quota
    if quota.active:
        for name in ("band", "of_band"):
            band = getattr(quota, name)
            if band not in bands:
                problems.append(
                    (
                        f"scoring.quota.{name}",
                        f"loại {band} không có trong bands / band {band} is not in bands",
                    )
                )
    for index, condition in enumerate(scoring.conditions):
        if condition.max_band not in bands:
            problems.append(
                (
                    f"scoring.conditions.{index}.max_band",
                    f"loại {condition.max_band} không có trong bands / not in bands",
                )
            )
    return problems
