"""Every note and field-error code the auditor emits is in the catalogue, and reads as
its template."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from auditor.audit import AuditResult, run_audit
from auditor.codes import ErrorCode, FileCode, NoteCode, render_codes_md
from auditor.ingest.headers import REQUIRED, canonical_header
from auditor.ingest.records import validate_row
from auditor.ingest.waivers import parse_waivers
from auditor.rulepack import load_pack, shipped_packs

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"


def _constants(tree: ast.Module) -> dict[str, str]:
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _emitted_codes() -> dict[str, str]:
    """Code → where, for every ``Note(code=…)`` and ``…_note(x, "code", …)`` in auditor/."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "auditor").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _constants(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            candidates: list[ast.expr] = [k.value for k in node.keywords if k.arg == "code"]
            if name.endswith("_note") and len(node.args) >= 2:
                candidates.append(node.args[1])
            if name != "Note" and not name.endswith("_note"):
                continue
            for value in candidates:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    code = value.value
                elif isinstance(value, ast.Name) and value.id in constants:
                    code = constants[value.id]
                else:
                    continue  # a helper's parameter: its callers are found themselves
                found[code] = f"{path.relative_to(ROOT)}:{node.lineno}"
    # a rule's `note:` in a shipped pack emits its code too (auditor/engine/findings.py)
    for name in shipped_packs():
        for rule in load_pack(name).rules:
            if rule.note is not None:
                found[rule.note.code] = f"auditor/rules/{name}/{rule.id}.yaml"
    return found


def test_every_code_written_in_the_source_is_in_the_catalogue() -> None:
    emitted = _emitted_codes()
    # the scan itself works: it sees codes of each stage
    assert {"date_order", "file_skipped", "cell_from_file_name", "waiver_unused"} <= set(emitted)
    missing = {code: where for code, where in emitted.items() if code not in set(NoteCode)}
    assert not missing, f"add these to auditor/codes.py: {missing}"


def _literal(node: ast.expr, constants: dict[str, str]) -> str | None:
    """A message argument as text, each ``{…}`` of an f-string as ``{}``; None if the
    argument is not written out at the call (a variable: its values are checked where
    they are written, or by the tests on data below)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            else:
                parts.append("{}")
        return "".join(parts)
    return None


def _error_code_sites() -> list[tuple[str, ErrorCode, str | None, str | None]]:
    """(where, code, vi, en) for every ``ErrorCode.x`` in auditor/ outside the catalogue,
    with the two messages that follow it in the same call or tuple."""
    sites = []
    for path in sorted((ROOT / "auditor").rglob("*.py")):
        if path.name == "codes.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _constants(tree)
        for node in ast.walk(tree):
            items = node.args if isinstance(node, ast.Call) else getattr(node, "elts", None)
            if not isinstance(items, list):
                continue
            for i, item in enumerate(items):
                if (
                    isinstance(item, ast.Attribute)
                    and isinstance(item.value, ast.Name)
                    and item.value.id == "ErrorCode"
                ):
                    vi, en = (
                        (_literal(items[i + 1], constants), _literal(items[i + 2], constants))
                        if len(items) > i + 2
                        else (None, None)
                    )
                    where = f"{path.relative_to(ROOT)}:{item.lineno}"
                    sites.append((where, ErrorCode(item.attr), vi, en))
    return sites


def test_every_error_code_is_used_and_its_messages_are_its_template() -> None:
    sites = _error_code_sites()
    assert {code for _, code, _, _ in sites} == set(ErrorCode), "a code no call site uses"
    written = [(w, c, vi, en) for w, c, vi, en in sites if vi is not None and en is not None]
    assert len(written) > 20  # the scan itself reads the messages written at the calls
    wrong = [
        (where, code.value, vi)
        for where, code, vi, en in written
        if not code.matches(vi, en)  # type: ignore[arg-type]
    ]
    assert not wrong, f"message unlike its code's template in auditor/codes.py: {wrong}"


def test_every_catalogued_code_is_emitted_somewhere() -> None:
    unused = set(NoteCode) - set(_emitted_codes())
    assert not unused, f"codes no code emits: {sorted(unused)}"


@pytest.fixture(scope="module")
def audited() -> AuditResult:
    return run_audit([SAMPLE], year=2024, out=None)


def test_notes_on_the_sample_read_as_their_templates(audited: AuditResult) -> None:
    notes = audited.report.notes
    assert notes
    for note in notes:
        code = NoteCode(note.code)
        assert code.matches(note.message_vi, note.message_en), note


def test_rejected_rows_on_the_sample_read_as_their_templates(audited: AuditResult) -> None:
    rows = audited.report.rejected_rows
    assert rows
    for row in rows:
        assert row.code == row.errors[0].code
        for error in row.errors:
            assert ErrorCode(error.code).matches(error.reason_vi, error.reason_en), error


_DAY = dt.date(2024, 3, 5)
_S = {"date": _DAY, "kind": "Thường kỳ"}
_CELL = {"cell_id": "CB-1", "cell_name": "Chi bộ 1"}
E = ErrorCode
#: (table, the row as a user types it, the field at fault, the code its error carries)
_BAD_ROWS: list[tuple[str, dict[str, Any], str, ErrorCode]] = [
    ("sessions", {"kind": "Thường kỳ"}, "date", E.missing_value),
    ("sessions", {**_S, "date": "05/03/2024", "cell_id": ""}, "cell_id", E.no_cell),
    ("sessions", {**_S, "date": "hôm qua"}, "date", E.date_unreadable),
    ("sessions", {**_S, "date": "31/02/2024"}, "date", E.date_impossible),
    ("sessions", {**_S, "date": "05/03/1890"}, "date", E.year_out_of_range),
    ("sessions", {**_S, "date": 3.0}, "date", E.serial_not_date),
    ("sessions", {**_S, "members_total": "hai mươi"}, "members_total", E.not_a_number),
    ("sessions", {**_S, "members_total": -1}, "members_total", E.negative_number),
    ("sessions", {**_S, "members_total": 10**9}, "members_total", E.number_too_large),
    ("sessions", {**_S, "members_total": 2.5}, "members_total", E.count_not_whole),
    ("sessions", {**_S, "minutes": 7}, "minutes", E.yes_no_invalid),
    ("cells", {**_CELL, "disciplined": "vài người"}, "disciplined", E.yes_no_invalid),
    ("sessions", {**_S, "kind": "họp mặt"}, "kind", E.kind_unknown),
    ("plan", {"quarter": "Quý năm", "planned_topic": "Nghị quyết"}, "quarter", E.quarter_invalid),
    ("plan", {"quarter": 5, "planned_topic": "Nghị quyết"}, "quarter", E.quarter_invalid),
    ("sessions", {**_S, "topic_group": 9}, "topic_group", E.topic_group_invalid),
    ("sessions", {**_S, "start_time": "sáng sớm"}, "start_time", E.time_unreadable),
    ("sessions", {**_S, "start_time": "25:10"}, "start_time", E.time_impossible),
    ("sessions", {**_S, "minutes_long": "khá lâu"}, "minutes_long", E.length_unreadable),
    ("sessions", {**_S, "minutes_long": 2000}, "minutes_long", E.length_out_of_range),
    ("sessions", {**_S, "quality": "Xuất sắc nhất"}, "quality", E.rating_invalid),
    ("sessions", {**_S, "members_total": 10, "present": 12}, "present", E.present_over_total),
    ("sessions", {**_S, "members_total": 10, "exempted": 11}, "exempted", E.exempted_over_total),
    ("sessions", {**_S, "kind": "Chuyên đề"}, "topic", E.thematic_without_topic),
    (
        "sessions",
        {**_S, "start_time": "14:00", "end_time": "8:00"},
        "end_time",
        E.ends_before_start,
    ),
    (
        "cells",
        {**_CELL, "active_from": "01/06/2024", "active_to": "01/01/2024"},
        "active_to",
        E.dissolved_before_founded,
    ),
]


@pytest.mark.parametrize(("table", "row", "field", "code"), _BAD_ROWS, ids=lambda v: str(v)[:30])
def test_a_bad_value_is_rejected_with_its_code(
    table: str, row: dict[str, Any], field: str, code: ErrorCode
) -> None:
    cells = {name: (value, canonical_header(table, name)) for name, value in row.items()}
    default = None if "cell_id" in row else "CB-1"
    record, errors = validate_row(table, cells, default_cell=default, required=REQUIRED[table])
    assert record is None
    [error] = [e for e in errors if e.column == canonical_header(table, field)]
    assert error.code == code
    assert code.matches(error.reason_vi, error.reason_en), error


def test_bad_waivers_are_rejected_with_their_codes() -> None:
    good = {"cell_id": "CB-1", "rule": "CD01", "reason": "Bão", "approved_by": "Ban Tổ chức"}
    rows: list[Any] = [
        "không phải một dòng",
        {**good, "reason": None, "period": "2024"},
        {**good, "period": "mùa mưa"},
        good,
        {**good, "period": "2024", "expires": "31/02/2024"},
    ]
    waivers, rejected = parse_waivers(rows, file="mien_tru.yaml")
    assert not waivers
    codes = [[e.code for e in r.errors] for r in rejected]
    assert codes == [
        [ErrorCode.waiver_malformed],
        [ErrorCode.waiver_field_missing],
        [ErrorCode.waiver_period_invalid],
        [ErrorCode.waiver_without_period],
        [ErrorCode.date_impossible],
    ]
    for r in rejected:
        assert r.code == r.errors[0].code
        assert ErrorCode(r.code).matches(r.reason_vi, r.reason_en), r


def test_every_error_code_but_the_models_own_is_shown_by_a_bad_row() -> None:
    shown = {code for *_, code in _BAD_ROWS} | {
        ErrorCode.waiver_malformed,
        ErrorCode.waiver_field_missing,
        ErrorCode.waiver_period_invalid,
        ErrorCode.waiver_without_period,
    }
    # the members' codes are shown by tests/members; their messages are checked above
    members = {c for where, c, _, _ in _error_code_sites() if where.startswith("auditor/members")}
    assert len(members) >= 10
    # invalid_value: a constraint of the record models that no parser checks first; the
    # parsers reject every such value today, so no typed row reaches it.
    assert set(ErrorCode) - shown - members == {ErrorCode.invalid_value}


def test_a_message_unlike_its_template_does_not_match() -> None:
    assert NoteCode.duplicate_session.matches(
        "Buổi sinh hoạt trùng lặp (cùng chi bộ, ngày 01/02/2024 và loại): chỉ tính một lần",
        "Duplicate meeting (same cell, date 2024-02-01 and kind): counted once",
    )
    assert not NoteCode.duplicate_session.matches("Buổi sinh hoạt trùng lặp", "Duplicate")


def test_docs_codes_page_is_not_stale() -> None:
    assert (ROOT / "docs" / "codes.md").read_text(encoding="utf-8") == render_codes_md(), (
        "docs/codes.md is stale: run `python -m auditor.codes`"
    )


def _file_code_sites() -> set[FileCode]:
    """Every ``FileCode.x`` written in auditor/ outside the catalogue."""
    found: set[FileCode] = set()
    for path in sorted((ROOT / "auditor").rglob("*.py")):
        if path.name == "codes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "FileCode"
            ):
                found.add(FileCode(node.attr))
    return found


def test_every_file_code_is_used() -> None:
    assert _file_code_sites() == set(FileCode)


def test_each_files_error_or_skip_carries_its_code_read_as_its_template(tmp_path: Path) -> None:
    """A folder of what a board's share holds beside its logs: each file's entry in
    report.json says why it was not read, with the code a program keys on."""
    import xlsxwriter

    (tmp_path / "~$CB-01.xlsx").write_bytes(b"lock")
    (tmp_path / ".an.xlsx").write_bytes(b"hidden")
    (tmp_path / "ghi_chu.txt").write_text("không phải sổ", encoding="utf-8")
    (tmp_path / "rong.xlsx").write_bytes(b"")
    (tmp_path / "hong.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    book = xlsxwriter.Workbook(str(tmp_path / "trang.xlsx"))
    book.add_worksheet("Ghi chép").write_row(0, 0, ["Một dòng", "không phải bảng"])
    book.close()
    book = xlsxwriter.Workbook(str(tmp_path / "CB-01.xlsx"))
    sheet = book.add_worksheet("Sinh hoạt")
    sheet.write_row(0, 0, ["Ngày sinh hoạt", "Loại sinh hoạt"])
    sheet.write_row(1, 0, ["05/01/2024", "Thường kỳ"])
    book.close()
    report = run_audit([tmp_path], year=2024, out=None, workers=0).report
    codes = {entry.file: entry.code for entry in report.inputs}
    assert codes == {
        "~$CB-01.xlsx": FileCode.lock_file,
        ".an.xlsx": FileCode.hidden_file,
        "ghi_chu.txt": FileCode.not_a_spreadsheet,
        "rong.xlsx": FileCode.file_empty,
        "hong.xlsx": FileCode.file_corrupt,
        "trang.xlsx": FileCode.no_table,
        "CB-01.xlsx": None,
    }
    for entry in report.inputs:
        if entry.code is not None:
            assert entry.status in ("error", "skipped") and entry.error and entry.error_en
            assert FileCode(entry.code).matches(entry.error, entry.error_en), entry


def test_the_readers_refusals_read_as_their_codes_templates() -> None:
    from auditor.ingest import read
    from auditor.ingest.guard import SheetTooLarge

    refusals = [
        read.not_a_spreadsheet(),
        read.corrupt(),
        read.corrupt("index out of bounds"),
        read.password_protected(),
        read.empty_file(),
        read.too_large("200 MB", "200 MB"),
        read.unsafe_xml(),
        SheetTooLarge(2_000_000, 20, declared=True, sheet="Sinh hoạt"),
        SheetTooLarge(2_000_000, 20, declared=False),
    ]
    assert [r.code for r in refusals][-2:] == [FileCode.sheet_too_large] * 2
    for refusal in refusals:
        assert refusal.code.matches(refusal.reason_vi, refusal.reason_en), refusal
