"""The codes of the report's notes: one catalogue, each code with what its message says.

A note (``report.json`` ``notes[].code``) tells a board's staff something that is neither
a finding nor a rejected row. Programs reading the report key on the code, so codes are
a contract like the report's fields: this Enum lists every code the auditor emits, with
the Vietnamese and English form of its message (``{name}`` marks what varies), and
``docs/codes.md`` is generated from it (``python -m auditor.codes``; a test fails while
it is stale). ``tests/test_codes.py`` finds every code written in the source and fails
on one missing here, and checks that notes emitted on test data read as their templates.

To add a code: one member below (``name = "name"``) and its line in ``_TEMPLATES``; then
regenerate the page.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple


class NoteCode(StrEnum):
    """Every code a note of the report may carry."""

    # reading the files (auditor/ingest)
    file_skipped = "file_skipped"
    sheet_duplicate_name = "sheet_duplicate_name"
    formula_without_value = "formula_without_value"
    sheet_ignored = "sheet_ignored"
    unknown_columns = "unknown_columns"
    cell_field_ignored = "cell_field_ignored"
    cell_from_file_name = "cell_from_file_name"
    # the tables as a whole (auditor/facts)
    cell_not_listed = "cell_not_listed"
    cell_without_sessions = "cell_without_sessions"
    session_outside_year = "session_outside_year"
    duplicate_session = "duplicate_session"
    plan_other_year = "plan_other_year"
    date_order = "date_order"
    # reorganised cells (auditor/facts)
    merge_predecessor_missing = "merge_predecessor_missing"
    merge_successor_missing = "merge_successor_missing"
    merge_disagreement = "merge_disagreement"
    merge_cycle = "merge_cycle"
    merged_records = "merged_records"
    inherited_row = "inherited_row"
    # judging and waivers
    cell_not_judged = "cell_not_judged"
    waiver_expired = "waiver_expired"
    waiver_unused = "waiver_unused"
    # Hướng dẫn 42 session columns (auditor/facts)
    length_disagrees = "length_disagrees"
    # a rule's ``note:`` (auditor/rules/*/XX00.yaml) on a fact it cannot judge
    session_length_missing = "session_length_missing"
    # the member tables (auditor/ingest, members.md)
    personal_columns_dropped = "personal_columns_dropped"
    # an .xlsm's Excel 4 macro sheet (auditor/ingest/read.py)
    macro_sheet_ignored = "macro_sheet_ignored"

    @property
    def templates(self) -> tuple[Template, ...]:
        """The forms its message takes (a few codes have more than one)."""
        return _TEMPLATES[self]

    @property
    def where(self) -> str:
        """Where it comes from: the stage that emits it."""
        return _STAGE[self]

    def matches(self, message_vi: str, message_en: str) -> bool:
        """Whether a note's two messages read as one of this code's templates."""
        return any(
            _pattern(t.vi).fullmatch(message_vi) and _pattern(t.en).fullmatch(message_en)
            for t in self.templates
        )


class Template(NamedTuple):
    vi: str
    en: str


_STAGE: dict[NoteCode, str] = {
    **dict.fromkeys(list(NoteCode)[:7], "đọc tệp / reading the files"),
    **dict.fromkeys(list(NoteCode)[7:13], "các bảng / the tables"),
    **dict.fromkeys(list(NoteCode)[13:19], "sáp nhập / merged cells"),
    NoteCode.cell_not_judged: "xét quy tắc / judging",
    NoteCode.waiver_expired: "miễn trừ / waivers",
    NoteCode.waiver_unused: "miễn trừ / waivers",
    NoteCode.length_disagrees: "các bảng / the tables",
    NoteCode.session_length_missing: "xét quy tắc / judging",
    NoteCode.personal_columns_dropped: "đọc tệp / reading the files",
    NoteCode.macro_sheet_ignored: "đọc tệp / reading the files",
}

_T = Template
_TEMPLATES: dict[NoteCode, tuple[Template, ...]] = {
    NoteCode.file_skipped: (
        _T("Tệp khóa của chương trình bảng tính, bỏ qua", "Lock file, skipped"),
        _T("Tệp ẩn, bỏ qua", "Hidden file, skipped"),
    ),
    NoteCode.sheet_duplicate_name: (
        _T(
            "Tệp có hai trang tính cùng tên “{sheet}”; trang sau không đọc được — đổi tên một "
            "trang rồi kiểm tra lại",
            "The workbook has two sheets named “{sheet}”; the later one cannot be read — "
            "rename one and audit again",
        ),
    ),
    NoteCode.formula_without_value: (
        _T(
            "Ô {cell} có công thức nhưng không có giá trị đã lưu; coi là ô trống (công thức "
            "không được tính)",
            "Cell {cell} has a formula but no saved value; treated as blank (formulas are "
            "never computed)",
        ),
    ),
    NoteCode.sheet_ignored: (
        _T(
            "Không nhận ra bảng nào trong trang tính này, bỏ qua",
            "No known table found in this sheet, ignored",
        ),
    ),
    NoteCode.unknown_columns: (
        _T("Cột không nhận ra, bỏ qua: {columns}", "Unknown columns, ignored: {columns}"),
    ),
    NoteCode.macro_sheet_ignored: (
        _T(
            "Trang macro Excel 4, không đọc và không chạy; các trang tính khác của tệp vẫn "
            "được đọc",
            "An Excel 4 macro sheet, neither read nor run; the workbook's other sheets are read",
        ),
    ),
    NoteCode.personal_columns_dropped: (
        _T(
            "Cột thông tin cá nhân không được đọc và không ghi vào báo cáo: {columns}",
            "Personal columns are neither read nor written to any report: {columns}",
        ),
    ),
    NoteCode.cell_field_ignored: (
        _T(
            "{column}{value}: {reason}; {instead}, mã chi bộ {cell_id} vẫn dùng cho các dòng "
            "của tệp",
            "{column}{value}: {reason}; {instead}, cell code {cell_id} still holds for the "
            "file's rows",
        ),
    ),
    NoteCode.cell_from_file_name: (
        _T(
            "Tệp không ghi mã chi bộ (trang Thông tin); các dòng không ghi mã được tính cho "
            "chi bộ {cell_id} theo tên tệp",
            "The workbook gives no cell code (Thông tin sheet); rows without one are taken "
            "as cell {cell_id}'s, from the file name",
        ),
    ),
    NoteCode.cell_not_listed: (
        _T(
            "Chi bộ {cell_id} không có trong bảng danh sách chi bộ nào",
            "Cell {cell_id} appears in no cells table",
        ),
    ),
    NoteCode.cell_without_sessions: (
        _T(
            "Chi bộ {cell_id} có trong danh sách nhưng không có buổi sinh hoạt nào",
            "Cell {cell_id} is listed but has no meeting at all",
        ),
    ),
    NoteCode.session_outside_year: (
        _T(
            "Buổi sinh hoạt ngày {date} nằm ngoài năm kiểm tra {year}",
            "Meeting on {date} is outside the audited year {year}",
        ),
    ),
    NoteCode.duplicate_session: (
        _T(
            "Buổi sinh hoạt trùng lặp (cùng chi bộ, ngày {date} và loại): chỉ tính một lần",
            "Duplicate meeting (same cell, date {date} and kind): counted once",
        ),
    ),
    NoteCode.plan_other_year: (
        _T(
            "Dòng kế hoạch ban hành ngày {date} thuộc năm khác",
            "Plan row issued on {date} belongs to another year",
        ),
    ),
    NoteCode.date_order: (
        _T(
            "Ngày gửi dự thảo ({draft_sent}) sau ngày sinh hoạt ({date})",
            "Draft sent ({draft_sent}) after the meeting ({date})",
        ),
        _T(
            "Ngày kết luận ({conclusion_date}) trước ngày sinh hoạt ({date})",
            "Conclusion dated ({conclusion_date}) before the meeting ({date})",
        ),
    ),
    NoteCode.merge_predecessor_missing: (
        _T(
            "Chi bộ {cell_id} ghi sáp nhập từ {named}, nhưng không có dữ liệu nào của {named} "
            "trong các tệp đầu vào",
            "Cell {cell_id} was merged from {named}, but no input has any record of {named}",
        ),
    ),
    NoteCode.merge_successor_missing: (
        _T(
            "Chi bộ {cell_id} ghi sáp nhập vào {named}, nhưng không có dữ liệu nào của "
            "{named}: {cell_id} được kiểm tra riêng",
            "Cell {cell_id} was merged into {named}, which no input has: {cell_id} is "
            "audited on its own",
        ),
    ),
    NoteCode.merge_disagreement: (
        _T(
            "Chi bộ {cell_id} ghi sáp nhập vào {target}, nhưng chi bộ {other} ghi sáp nhập từ "
            "{cell_id}: theo {other}",
            "Cell {cell_id} says it was merged into {target}, but cell {other} lists it as "
            "merged from: {other} is taken",
        ),
    ),
    NoteCode.merge_cycle: (
        _T(
            "Lỗi bảng chi bộ: sáp nhập vòng tròn {ring}; các sáp nhập này bị bỏ qua",
            "Cells table error: merges form a cycle {ring}; they are ignored",
        ),
    ),
    NoteCode.merged_records: (
        _T(
            "Chi bộ {cell_id} đã sáp nhập vào {successor}{on}: {sessions} buổi sinh hoạt và "
            "{plan_rows} dòng kế hoạch của {cell_id} được tính cho {owner}",
            "Cell {cell_id} was merged into {successor}{on}: its {sessions} meetings and "
            "{plan_rows} plan rows count for {owner}",
        ),
    ),
    NoteCode.inherited_row: (
        _T(
            "{what} của chi bộ {cell_id} (đã sáp nhập vào {successor}{on}) được tính cho {owner}",
            "{what} of cell {cell_id} (merged into {successor}{on}) counts for {owner}",
        ),
    ),
    NoteCode.length_disagrees: (
        _T(
            "Thời lượng ghi {minutes} phút nhưng giờ bắt đầu–kết thúc ({start}–{end}) là "
            "{span} phút: lấy Thời lượng",
            "Length written as {minutes} minutes but the start–end times ({start}–{end}) "
            "give {span}: the length column is taken",
        ),
    ),
    NoteCode.session_length_missing: (
        _T(
            "Buổi sinh hoạt ngày {date} không ghi thời lượng (Thời lượng, hoặc giờ bắt đầu và "
            "giờ kết thúc): chưa xét được TG01",
            "The session of {date} records no length (a length, or start and end times): "
            "TG01 cannot be judged",
        ),
    ),
    NoteCode.cell_not_judged: (
        _T(
            "Chi bộ {cell_id}: bộ máy quy tắc không xét được (hai dữ kiện trùng mã băm); cần "
            "kiểm tra bằng tay, kết quả của chi bộ này không có vi phạm nào được ghi.",
            "Cell {cell_id}: the rules engine could not judge it (two facts with the same "
            "hash); check it by hand, no violation was recorded for this cell.",
        ),
    ),
    NoteCode.waiver_expired: (
        _T(
            "Miễn trừ {rule} cho chi bộ {cell_id} ({period}) đã hết hạn ngày {expires}, trước "
            "kỳ được miễn: không áp dụng",
            "Waiver of {rule} for cell {cell_id} ({period}) expired on {expires} before its "
            "period: not applied",
        ),
    ),
    NoteCode.waiver_unused: (
        _T(
            "Miễn trừ {rule} cho chi bộ {cell_id} ({period}) không khớp vi phạm nào",
            "Waiver of {rule} for cell {cell_id} ({period}) matches no violation",
        ),
    ),
}

_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _pattern(template: str) -> re.Pattern[str]:
    """The template as a regular expression: each ``{name}`` stands for any text."""
    parts = _PLACEHOLDER.split(template)
    return re.compile("(?s:.*?)".join(re.escape(part) for part in parts))


def render_codes_md() -> str:
    """The Markdown page ``docs/codes.md``."""
    out = [
        "# Mã ghi chú / note codes",
        "",
        "<!-- Sinh tự động từ auditor/codes.py bằng `python -m auditor.codes`; đừng sửa tay. -->",
        "<!-- Generated from auditor/codes.py by `python -m auditor.codes`; do not edit. -->",
        "",
        "Mỗi ghi chú trong `report.json` (`notes[].code`) có một mã dưới đây; `{tên}` là phần "
        "thay đổi theo từng ghi chú. Mã là một "
        "phần của hợp đồng báo cáo: chương trình khác dựa vào mã, không dựa vào câu chữ.",
        "",
        "*Every note of the report carries one of these codes; `{name}` marks what varies. "
        "Codes are part of the report's contract: programs key on the code, not the words.*",
        "",
        "| Mã / code | Giai đoạn / stage | Lời nhắn | Message |",
        "|---|---|---|---|",
    ]
    for code in NoteCode:
        for template in code.templates:
            out.append(f"| `{code.value}` | {code.where} | {template.vi} | {template.en} |")
    return "\n".join(out) + "\n"


DOCS = Path(__file__).resolve().parent.parent / "docs"

if __name__ == "__main__":
    (DOCS / "codes.md").write_text(render_codes_md(), encoding="utf-8")
    print(f"wrote {DOCS / 'codes.md'}")
