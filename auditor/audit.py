"""One audit run: ingest → facts → engine → scoring → reports.

The CLI and the tests call :func:`run_audit`; it keeps each stage's wall time so the
benchmarks can say where the time goes.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.codes import FileCode
from auditor.engine import evaluate, violation_order
from auditor.facts import FileError
from auditor.ingest import Dataset, load
from auditor.ingest.guard import Limits
from auditor.ingest.load import Progress
from auditor.ingest.parts import DEFAULT_LIMITS
from auditor.members.judge import evaluate_members
from auditor.models import InputFile, Note, RejectedRow, Report, RulesInfo, ScoringInfo
from auditor.report import (
    RuleSummary,
    cell_files,
    write_excel,
    write_html,
    write_json,
    write_per_cell,
)
from auditor.report.documents import DEFAULT_LETTERHEAD, Letterhead, write_documents
from auditor.report.documents.content import document_date
from auditor.report.excel import shared_sheets, sheet_share
from auditor.report.xlsx import Elsewhere, Part, Shape, Share
from auditor.rulebook import Judges, Rulebook, load_rulebook
from auditor.rulepack import Rule, RulePack
from auditor.runtime import (
    PIPELINE_MODULES,
    default_workers,
    fewer_collections,
    tune,
    worker_context,
)
from auditor.scoring import score_cells
from auditor.scoring_params import Scoring, scoring_for_year
from auditor.waivers import apply_waivers, load_waiver_file


@dataclass
class AuditResult:
    report: Report
    dataset: Dataset
    written: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    stats: dict[str, float] = field(default_factory=dict)


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start

    def split(self, name: str, known: dict[str, float], shares: dict[str, float]) -> None:
        """Replace stage ``name`` by parts: the ``known`` walls first, then the rest of its
        wall in proportion to ``shares`` (time summed over worker processes, whose parts
        overlap and so cannot be timed on the wall clock one by one)."""
        wall = self.timings.pop(name)
        rest = max(0.0, wall - sum(known.values()))
        total = sum(shares.values())
        self.timings.update(known)
        for part, share in shares.items():
            self.timings[part] = rest * share / total if total else rest / len(shares)


#: From this many cells the reports are written on two cores (JSON and HTML in a second
#: process, Excel here).
PARALLEL_REPORT_CELLS = 400


def _write_json_and_html(
    report: Report, rules: list[RuleSummary], json_path: Path, html_path: Path
) -> None:
    write_json(report, json_path)
    write_html(report, rules, html_path)


#: The report process's work: (report, rules, json path, html path), set by its
#: initializer. Only that process ever sets it.
_HELD: tuple[Report, list[RuleSummary], Path, Path] | None = None


def _hold(report: Report, rules: list[RuleSummary], json_path: Path, html_path: Path) -> None:
    """Initializer of the report process. Its arguments are what a forked process
    inherits instead of receiving them pickled."""
    global _HELD
    tune()
    _HELD = (report, rules, json_path, html_path)


#: The report process's shares of the workbook's shared sheets, between each one's shape
#: and its part.
_SHARES: dict[str, Share] = {}


def _held_shape(name: str) -> Shape:
    if _HELD is None:
        raise RuntimeError("the report process was started without its report")
    share = _SHARES[name] = sheet_share(_HELD[0], _HELD[1], name)
    return share.shape()


def _held_part(name: str) -> Part | None:
    share = _SHARES.pop(name, None)  # its rows are not needed after the part
    return share.part() if share is not None else None


def _drop_parts(parts: list[Future[Part | None]]) -> None:
    """Remove the files of rows the workbook did not take (it failed before them, or
    wrote a sheet whole); the workbook removes each one it takes. Waits for each part."""
    for future in parts:
        if future.exception() is None:
            part = future.result()
            if part is not None:
                Path(part.path).unlink(missing_ok=True)


def _write_held() -> None:
    if _HELD is None:
        raise RuntimeError("the report process was started without its report")
    _write_json_and_html(*_HELD)


def _write_reports(
    report: Report, rules: list[RuleSummary], out: Path, *, parallel: bool
) -> list[Path]:
    """report.json, report.xlsx and report.html; JSON and HTML on the other core.

    The Excel workbook is the slowest of the three and stays here; the other process
    first lays out the workbook's longest sheets and writes a share of their rows
    (:func:`~auditor.report.excel.shared_sheets`), then writes JSON and HTML, together
    faster, in the meantime. Forked, it starts with the report; from the fork server, it
    receives it pickled (0.2 s at 10,627 cells, on the Excel writer's interpreter lock).
    """
    paths = [out / "report.json", out / "report.xlsx", out / "report.html"]
    if parallel:
        work = (report, rules, paths[0], paths[2])
        with ProcessPoolExecutor(
            max_workers=1, mp_context=worker_context(), initializer=_hold, initargs=work
        ) as pool:
            # first what the workbook waits for of its shared sheets, in the order it
            # writes them, then the rest
            elsewhere: dict[str, Elsewhere] = {}
            parts: list[Future[Part | None]] = []
            for name in shared_sheets(report):
                shape = pool.submit(_held_shape, name)
                parts.append(pool.submit(_held_part, name))
                elsewhere[name] = Elsewhere(shape.result, parts[-1].result)
            others = pool.submit(_write_held)
            try:
                write_excel(report, rules, paths[1], elsewhere=elsewhere)
            finally:
                _drop_parts(parts)
            others.result()
    else:
        write_json(report, paths[0])
        write_excel(report, rules, paths[1])
        write_html(report, rules, paths[2])
    return paths


def rule_summaries(pack: RulePack | Judges) -> list[RuleSummary]:
    """What the reports show of each rule applied, in id order.

    With several packs (a 2025 audit: hd12 then hd42) a rule is shown as the last pack
    that has it words it; a parameter the packs set differently shows each value with
    its pack (``draft_min_days``: ``3 (hd12), 1 (hd42)``), since both judged the year.
    """
    packs = pack.packs if isinstance(pack, Judges) else (pack,)
    latest: dict[str, Rule] = {}
    values: dict[str, dict[str, list[tuple[str, Any]]]] = {}
    for each in packs:
        for rule in each.rules:
            if not rule.enabled:
                continue
            latest[rule.id] = rule
            for name, value in rule.params.items():
                values.setdefault(rule.id, {}).setdefault(name, []).append((each.name, value))
    summaries = []
    for rule_id in sorted(latest):
        rule = latest[rule_id]
        params: dict[str, Any] = {}
        for name, given in values.get(rule_id, {}).items():
            distinct = list(dict.fromkeys(value for _, value in given))
            params[name] = (
                distinct[0]
                if len(distinct) == 1
                else ", ".join(f"{value} ({where})" for where, value in given)
            )
        summaries.append(
            RuleSummary(
                id=rule.id,
                title_vi=rule.title_vi,
                title_en=rule.title_en,
                points=rule.points,
                period=rule.period,
                remedy_vi=rule.remedy_vi,
                remedy_en=rule.remedy_en,
                params=params,
            )
        )
    return summaries


def scoring_info(scoring: Scoring) -> ScoringInfo:
    """What report.json says of the scoring that ranked the year."""
    return ScoringInfo(
        name=scoring.name,
        title_vi=scoring.title_vi,
        source=scoring.source,
        quota_share=scoring.quota.share,
        quota_base=scoring.quota.base,
        quota_level=scoring.quota.level if scoring.quota.enabled else "none",
    )


def _with_file_errors(inputs: Sequence[InputFile], errors: dict[str, FileError]) -> list[InputFile]:
    """Files that were read but whose tables contradict themselves (a merge cycle) become
    errors of their own, with why: a file-level error is what a board fixes first. Their
    rows still count (``rows`` says how many), since only the contradiction is ignored."""
    marked: list[InputFile] = []
    for item in inputs:
        found = errors.get(item.file)
        if found is not None and item.status == "ok":
            item = item.model_copy(
                update={
                    "status": "error",
                    "error": "; ".join(found.vi),
                    "error_en": "; ".join(found.en),
                    "code": FileCode.merge_cycle.value,
                }
            )
        marked.append(item)
    return marked


def run_audit(
    inputs: Sequence[Path | str],
    *,
    year: int,
    out: Path | None,
    as_of: dt.date | None = None,
    pack: RulePack | None = None,
    rulebook: Rulebook | None = None,
    scoring: Scoring | None = None,
    waivers: Path | None = None,
    per_cell: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    workers: int | None = None,
    progress: Progress | None = None,
    rule_progress: Callable[[int, int], None] | None = None,
    generated_at: str | None = None,
    documents: bool = False,
    letterhead: Letterhead | None = None,
) -> AuditResult:
    """Audit the workbooks under ``inputs`` for ``year`` and write the reports to ``out``.

    Each session is judged by the pack of ``rulebook`` (by default the shipped one) in
    force on its date, each quarter, month and the year by the pack in force on its last
    day (cut at ``as_of``); ``pack`` forces one pack on every fact instead. A window no
    pack covers, or a forced pack not in force in it, raises
    :class:`~auditor.rulebook.SelectionError`. Files are read in bounded worker
    processes unless ``workers=0``. The year is scored by ``scoring``, by default the
    scoring of the audit year (``qd124`` up to 2024, ``qd366`` from 2025). ``documents``
    also writes the printable notices, report and ranking list (``out/van_ban``).
    """
    with fewer_collections():
        clock = _Clock()
        as_of = as_of or dt.date(year, 12, 31)
        if pack is not None:
            rulebook = Rulebook.force(pack)
        judges = (rulebook or load_rulebook()).judges(year, as_of)
        scoring = scoring or scoring_for_year(year)
        processes = default_workers() if workers is None else workers
        with clock.stage("read"):
            dataset = load(
                inputs,
                limits=limits,
                workers=processes,
                progress=progress,
                preload=PIPELINE_MODULES,
                year=year,  # other years' files set aside before members are resolved
            )
        imported = dataset.stats
        clock.split(
            "read",
            {"discover": imported.get("discover_seconds", 0.0)},
            {
                "read": imported.get("read_seconds", 0.0),
                "validate": imported.get("validate_seconds", 0.0),
            },
        )
        with clock.stage("rules"):
            evaluation = evaluate(
                dataset, judges, year=year, as_of=as_of, progress=rule_progress, workers=processes
            )
        clock.split("rules", {"facts": evaluation.stats["facts_wall_seconds"]}, {"rules": 1.0})
        with clock.stage("score"):
            audited = {cell_id for cell_id, _, _ in evaluation.audited_cells}
            members = evaluate_members(
                dataset,
                judges.latest(),
                audited,
                year=year,
                as_of=as_of,
                merged={m.cell_id: m.merged_into for m in evaluation.merged},
                workers=processes,
            )
            found = evaluation.violations
            if members.scored:
                # one copy (the evaluation's own stays as it was), not one per cell: a copy
                # of every cell's entry per cell with members' findings is quadratic
                found = dict(found)
                for cell_id, paid in members.scored.items():
                    found[cell_id] = sorted([*found[cell_id], *paid], key=violation_order)
            waiver_notes: list[Note] = []
            refused: list[RejectedRow] = []
            given = list(dataset.waivers)  # from the workbooks' "Miễn trừ" sheets
            if waivers is not None:
                from_file, refused = load_waiver_file(waivers)
                given += from_file
            if given:
                found, waiver_notes = apply_waivers(found, given, year=year)
            results, moves = score_cells(
                evaluation.audited_cells, found, scoring, evaluation.extras
            )
        report = Report(
            year=year,
            as_of=as_of,
            rules=RulesInfo(
                pack=judges.name,
                version=judges.version,
                sha256=judges.sha256,
                scoring=scoring_info(scoring),
                packs=judges.info(),
            ),
            inputs=sorted(
                _with_file_errors(dataset.inputs, evaluation.file_errors), key=lambda i: i.file
            ),
            cells=results,
            rejected_rows=sorted(
                [*dataset.rejected, *refused], key=lambda r: (r.file, r.sheet, r.row)
            ),
            notes=sorted(
                [*dataset.notes, *evaluation.notes, *waiver_notes],
                key=lambda n: (n.file or "", n.sheet or "", n.row or 0, n.code, n.message_en),
            ),
            quota_moves=moves,
            merged_cells=evaluation.merged,
            members=members.members,
            quiz=members.quiz,
            generated_at=generated_at,
        )
        written: list[Path] = []
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            rules = rule_summaries(judges)
            with clock.stage("reports"):
                written += _write_reports(
                    report,
                    rules,
                    out,
                    parallel=processes > 1 and len(report.cells) >= PARALLEL_REPORT_CELLS,
                )
                tables = [dataset.cells, dataset.plan, dataset.sessions]
                if per_cell or documents:
                    files_by_cell = cell_files(report, tables)
                if per_cell:
                    heading = letterhead or DEFAULT_LETTERHEAD
                    written += write_per_cell(
                        report,
                        rules,
                        out / "chi_bo",
                        files_by_cell=files_by_cell,
                        sender=heading.body_name(),
                        day=document_date(report, heading),
                    )
            if documents:
                with clock.stage("documents"):
                    held = (
                        set(dataset.sessions["cell_id"]) if "cell_id" in dataset.sessions else set()
                    )
                    written += write_documents(
                        report,
                        rules,
                        out,
                        letterhead=letterhead or DEFAULT_LETTERHEAD,
                        files_by_cell=files_by_cell,
                        cells_without_sessions=sorted(
                            c.cell_id for c in report.cells if c.cell_id not in held
                        ),
                    )
        stats = {**dataset.stats, **evaluation.stats}
        return AuditResult(report, dataset, written, clock.timings, stats)
