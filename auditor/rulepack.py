"""Rule packs: the rules as data, loaded from ``auditor/rules/<pack>/`` and validated.

A pack is a folder with ``pack.yaml`` (name, version, the audit years it applies to,
scoring parameters, optionally ``include:`` another pack) and one YAML file per rule.
Every number a board may want to change (days, quorum, points, thresholds) is a
parameter in those files; ``--overrides FILE`` and ``--set RULE.key=value`` change them
without touching code. Loading collects every problem of every file before it fails, so
a board fixes a broken pack in one pass.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from auditor.scoring_params import ScoringParams

#: The packs shipped inside the package (package data), so a wheel audits from anywhere.
PACKS_DIR = Path(__file__).resolve().parent / "rules"
DEFAULT_PACK = PACKS_DIR / "hd12"

Period = Literal["year", "quarter", "month", "session"]
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


class Examples(_Strict):
    """Facts that must pass (no violation) and must fail (a violation), run as tests."""

    passing: list[dict[str, Any]] = Field(default_factory=list, alias="pass")
    failing: list[dict[str, Any]] = Field(default_factory=list, alias="fail")


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
        return refs


class PackFile(_Strict):
    name: str
    version: str
    title_vi: str
    title_en: str = ""
    years: tuple[int, int] = (2018, 2099)
    include: str | None = None
    scoring: ScoringParams = Field(default_factory=ScoringParams)


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

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id.upper():
                return rule
        raise KeyError(rule_id)

    @property
    def enabled_rules(self) -> list[Rule]:
        return [rule for rule in self.rules if rule.enabled]


class RulePackError(Exception):
    """Every problem found in a pack: (file, key, reason) each."""

    def __init__(self, problems: Sequence[tuple[str, str, str]]) -> None:
        self.problems = list(problems)
        super().__init__(
            "\n".join(f"{file}: {key}: {reason}" for file, key, reason in self.problems)
        )


def _read_yaml(path: Path, problems: list[tuple[str, str, str]]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
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
        _, included, included_files = _load_rules(folder / pack.include, problems, seen)
        rules.update(included)
        files += included_files
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
        rules[rule.id] = rule
    return pack, rules, files


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
        elif key in ("points", "enabled"):
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
) -> RulePack:
    """Load and validate a pack, apply an override file and ``RULE.key=value`` settings."""
    folder = find_pack(path)
    problems: list[tuple[str, str, str]] = []
    pack, rules, files = _load_rules(folder, problems, set())
    override_data: dict[str, Any] = {}
    if overrides is not None:
        raw = _read_yaml(Path(overrides), problems)
        files.append(Path(overrides))
        if raw is not None and not (isinstance(raw, dict) and isinstance(raw.get("rules"), dict)):
            problems.append(
                (str(overrides), "rules", "cần khóa 'rules:' / expected a 'rules:' map")
            )
        elif raw is not None:
            override_data = raw["rules"]
    changes: dict[str, dict[str, Any]] = {}
    for rule_id, change in override_data.items():
        if not isinstance(change, dict):
            problems.append((str(overrides), str(rule_id), "cần một bảng khóa / expected a map"))
            continue
        changes.setdefault(str(rule_id).upper(), {}).update(change)
    for setting in sets:
        target, sep, value = setting.partition("=")
        rule_id, dot, key = target.partition(".")
        if not sep or not dot or not key:
            problems.append(("--set", setting, "dạng đúng / expected RULE.key=value"))
            continue
        changes.setdefault(rule_id.strip().upper(), {})[key.strip()] = parse_scalar(value)
    for rule_id, change in changes.items():
        where = "--set/--overrides"
        if rule_id not in rules:
            problems.append((where, rule_id, "không có quy tắc này / no such rule"))
            continue
        rules[rule_id], errors = _apply(rules[rule_id], change, where)
        problems += [(where, rule_id, error) for error in errors]
    if problems or pack is None:
        raise RulePackError(problems or [(str(folder), "", "gói quy tắc rỗng / empty pack")])
    extra = ";".join(f"{k}={v}" for k, v in sorted(changes.items()))
    digest = _hash_files(files, folder.parent)
    if extra:
        digest = hashlib.sha256((digest + extra).encode()).hexdigest()
    return RulePack(
        name=pack.name,
        version=pack.version,
        title_vi=pack.title_vi,
        title_en=pack.title_en,
        years=pack.years,
        scoring=pack.scoring,
        rules=[rules[k] for k in sorted(rules)],
        path=str(folder),
        sha256=digest,
    )


def resolve_param(value: Scalar) -> Scalar:
    """Parameters that read better as text: ``"2/3"`` → parts per million, ``"01-31"`` → 131."""
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
