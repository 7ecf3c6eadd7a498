"""The codes of the report's notes and field errors: one catalogue, each code with its words.

A note (``report.json`` ``notes[].code``) tells a board's staff something that is neither
a finding nor a rejected row; a field error (``rejected_rows[].code`` for the row's first
problem, ``rejected_rows[].errors[].code`` for each) says why one value kept a row from
becoming a record. Programs reading the report key on the code, so codes are a contract
like the report's fields: :class:`NoteCode` and :class:`ErrorCode` list every code the
auditor emits, with the Vietnamese and English form of its message (``{name}`` marks
what varies), and ``docs/codes.md`` is generated from them (``python -m auditor.codes``;
a test fails while it is stale). ``tests/test_codes.py`` finds every code written in the
source and fails on one missing here or on a message at its call site unlike the code's
template, and checks that notes and rejected rows emitted on test data read as their
templates.

To add a code: one member below (``name = "name"``) and its line in ``_TEMPLATES`` (or
``_ERROR_TEMPLATES``); then regenerate the page.
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
        return _matches(self.templates, message_vi, message_en)


class ErrorCode(StrEnum):
    """Every code a field error of a rejected row may carry (``FieldError.code``)."""

    # any table
    missing_value = "missing_value"
    no_cell = "no_cell"
    invalid_value = "invalid_value"
    # dates
    date_unreadable = "date_unreadable"
    date_impossible = "date_impossible"
    year_out_of_range = "year_out_of_range"
    serial_not_date = "serial_not_date"
    # numbers and marks
    not_a_number = "not_a_number"
    negative_number = "negative_number"
    number_too_large = "number_too_large"
    count_not_whole = "count_not_whole"
    yes_no_invalid = "yes_no_invalid"
    kind_unknown = "kind_unknown"
    quarter_invalid = "quarter_invalid"
    topic_group_invalid = "topic_group_invalid"
    # times (Hướng dẫn 42 session columns)
    time_unreadable = "time_unreadable"
    time_impossible = "time_impossible"
    length_unreadable = "length_unreadable"
    length_out_of_range = "length_out_of_range"
    rating_invalid = "rating_invalid"
    # a row's values together
    present_over_total = "present_over_total"
    exempted_over_total = "exempted_over_total"
    thematic_without_topic = "thematic_without_topic"
    ends_before_start = "ends_before_start"
    dissolved_before_founded = "dissolved_before_founded"
    # waivers (Miễn trừ sheet, --waivers file)
    waiver_malformed = "waiver_malformed"
    waiver_field_missing = "waiver_field_missing"
    waiver_period_invalid = "waiver_period_invalid"
    waiver_without_period = "waiver_without_period"
    # members and their rows (auditor/members)
    attendance_mark_invalid = "attendance_mark_invalid"
    exemption_invalid = "exemption_invalid"
    month_invalid = "month_invalid"
    score_not_a_number = "score_not_a_number"
    reflection_result_invalid = "reflection_result_invalid"
    time_taken_unreadable = "time_taken_unreadable"
    hand_in_time_unreadable = "hand_in_time_unreadable"
    done_date_invalid = "done_date_invalid"
    member_duplicate = "member_duplicate"
    member_unknown = "member_unknown"
    member_unnamed = "member_unnamed"
    member_name_unknown = "member_name_unknown"
    member_name_ambiguous = "member_name_ambiguous"

    @property
    def templates(self) -> tuple[Template, ...]:
        """The forms its reason takes (a few codes have more than one)."""
        return _ERROR_TEMPLATES[self]

    def matches(self, reason_vi: str, reason_en: str) -> bool:
        """Whether a field error's two reasons read as one of this code's templates."""
        return _matches(self.templates, reason_vi, reason_en)


class Template(NamedTuple):
    vi: str
    en: str


def _matches(templates: tuple[Template, ...], vi: str, en: str) -> bool:
    return any(_pattern(t.vi).fullmatch(vi) and _pattern(t.en).fullmatch(en) for t in templates)


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
        _T(
            "Tệp của năm {years}, không thuộc năm kiểm tra {year}; bỏ qua",
            "File holds year {years}, not the audited year {year}; skipped",
        ),
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

_ERROR_TEMPLATES: dict[ErrorCode, tuple[Template, ...]] = {
    ErrorCode.missing_value: (_T("Thiếu giá trị bắt buộc", "Required value is missing"),),
    ErrorCode.no_cell: (
        _T(
            "Không xác định được chi bộ (thiếu Mã chi bộ)",
            "The party cell cannot be determined (no cell code)",
        ),
    ),
    ErrorCode.invalid_value: (_T("Giá trị không hợp lệ", "Invalid value: {detail}"),),
    ErrorCode.date_unreadable: (
        _T(
            "Không đọc được ngày (ghi theo dạng ngày/tháng/năm)",
            "Unreadable date (write it as day/month/year)",
        ),
    ),
    ErrorCode.date_impossible: (_T("Ngày không tồn tại", "Impossible date"),),
    ErrorCode.year_out_of_range: (
        _T("Năm {year} nằm ngoài khoảng {first}-{last}", "Year {year} is outside {first}-{last}"),
    ),
    ErrorCode.serial_not_date: (
        _T("Số này không phải là một ngày hợp lệ", "This number is not a valid date"),
    ),
    ErrorCode.not_a_number: (_T("Không phải là số", "Not a number"),),
    ErrorCode.negative_number: (_T("Số âm không hợp lệ", "Negative number"),),
    ErrorCode.number_too_large: (
        _T("Số quá lớn (tối đa {max})", "Number too large (at most {max})"),
    ),
    ErrorCode.count_not_whole: (_T("Số người phải là số nguyên", "A head count must be whole"),),
    ErrorCode.yes_no_invalid: (
        _T("Giá trị có/không không hợp lệ", "Invalid yes/no value"),
        _T(
            "Giá trị có/không không hợp lệ (ghi Có hoặc Không)",
            "Invalid yes/no value (write Có or Không)",
        ),
    ),
    ErrorCode.kind_unknown: (
        _T(
            "Loại sinh hoạt không hợp lệ (thường kỳ, chuyên đề, thường kỳ + chuyên đề, "
            "diễn đàn, bất thường)",
            "Unknown kind of meeting (regular, thematic, regular + thematic, forum, extraordinary)",
        ),
    ),
    ErrorCode.quarter_invalid: (
        _T(
            "Quý không hợp lệ (ghi 1-4, I-IV, Quý II hoặc Q3)",
            "Invalid quarter (write 1-4, I-IV, Quý II or Q3)",
        ),
        _T("Quý phải từ 1 đến 4", "Quarter must be 1 to 4"),
    ),
    ErrorCode.topic_group_invalid: (
        _T("Nhóm chủ đề không hợp lệ (1-6)", "Invalid topic group (1-6)"),
        _T("Nhóm chủ đề phải từ 1 đến 6", "Topic group must be 1 to 6"),
    ),
    ErrorCode.time_unreadable: (
        _T(
            "Không đọc được giờ (ghi dạng 14:00, 14h30 hoặc 2:30 PM)",
            "Unreadable time (write it as 14:00, 14h30 or 2:30 PM)",
        ),
    ),
    ErrorCode.time_impossible: (_T("Giờ không tồn tại", "Impossible time of day"),),
    ErrorCode.length_unreadable: (
        _T("Không phải là số phút", "Not a number of minutes"),
        _T(
            "Không đọc được thời lượng (ghi số phút, ví dụ 120)",
            "Unreadable length (write the minutes, e.g. 120)",
        ),
    ),
    ErrorCode.length_out_of_range: (
        _T("Thời lượng phải từ 0 đến 1.440 phút", "A length must be 0 to 1,440 minutes"),
    ),
    ErrorCode.rating_invalid: (
        _T(
            "Xếp loại buổi sinh hoạt không hợp lệ (ghi Tốt, Khá, Trung bình, Kém hoặc điểm 0-100)",
            "Invalid session rating (write Tốt, Khá, Trung bình, Kém or a 0-100 score)",
        ),
    ),
    ErrorCode.present_over_total: (
        _T("Số có mặt lớn hơn tổng số đảng viên", "More members present than the cell has"),
    ),
    ErrorCode.exempted_over_total: (
        _T(
            "Số miễn sinh hoạt lớn hơn tổng số đảng viên",
            "More members exempted than the cell has",
        ),
    ),
    ErrorCode.thematic_without_topic: (
        _T("Sinh hoạt chuyên đề phải ghi chủ đề", "A thematic session needs its topic"),
    ),
    ErrorCode.ends_before_start: (
        _T("Giờ kết thúc trước giờ bắt đầu", "The session ends before it starts"),
    ),
    ErrorCode.dissolved_before_founded: (
        _T("Ngày giải thể trước ngày thành lập", "Dissolved before it was founded"),
    ),
    ErrorCode.waiver_malformed: (_T("Miễn trừ không đúng dạng", "Malformed waiver"),),
    ErrorCode.waiver_field_missing: (
        _T(
            "Miễn trừ thiếu “{column}” (cần mã chi bộ, quy tắc, lý do và người duyệt)",
            "Waiver without “{column}” (a cell, a rule, a reason and an approver are required)",
        ),
    ),
    ErrorCode.waiver_period_invalid: (
        _T(
            "Kỳ miễn trừ phải là năm (2026), quý (Q3, Quý 3) hoặc tháng (M08, Tháng 8)",
            "A waiver's period is a year (2026), a quarter (Q3) or a month (M08)",
        ),
    ),
    ErrorCode.waiver_without_period: (
        _T(
            "Miễn trừ cần kỳ (“{period}”) hoặc ngày (“{date}”)",
            "A waiver needs a period (“{period}”) or a date (“{date}”)",
        ),
    ),
    ErrorCode.attendance_mark_invalid: (
        _T(
            "Ký hiệu điểm danh không hợp lệ (ghi x: có mặt, P: vắng có lý do, K: vắng không lý "
            "do, hoặc Miễn)",
            "Unknown attendance mark (write x: present, P: excused, K: unexcused, or Miễn)",
        ),
    ),
    ErrorCode.exemption_invalid: (
        _T(
            "Miễn sinh hoạt: ghi ngày bắt đầu miễn, hoặc Có (cả năm)",
            "Exempt from meetings: write the day it starts, or Có (the whole year)",
        ),
    ),
    ErrorCode.done_date_invalid: (
        _T(
            "Ghi ngày (ngày/tháng/năm), hoặc x nếu đã làm mà không rõ ngày",
            "Write the date (day/month/year), or x when done on an unknown day",
        ),
    ),
    ErrorCode.month_invalid: (
        _T(
            "Tháng không hợp lệ (ghi 1-12, T3, Tháng 3 hoặc 3/2024)",
            "Invalid month (write 1-12, T3, Tháng 3 or 3/2024)",
        ),
    ),
    ErrorCode.score_not_a_number: (_T("Điểm không phải là số", "The score is not a number"),),
    ErrorCode.reflection_result_invalid: (
        _T(
            "Kết quả bài thu hoạch không hợp lệ (ghi Đạt, Không đạt hoặc điểm)",
            "Invalid reflection result (write Đạt, Không đạt or a score)",
        ),
    ),
    ErrorCode.time_taken_unreadable: (
        _T(
            "Không đọc được thời gian làm bài (ghi số giây, ví dụ 245, hoặc phút:giây, 4:05)",
            "Unreadable time taken (write the seconds, e.g. 245, or minutes:seconds, 4:05)",
        ),
    ),
    ErrorCode.hand_in_time_unreadable: (
        _T(
            "Không đọc được giờ nộp bài (ghi dạng 20:15:30)",
            "Unreadable hand-in time (write it as 20:15:30)",
        ),
    ),
    ErrorCode.member_duplicate: (
        _T(
            "Mã đảng viên trùng với {file}, trang {sheet}, dòng {row}",
            "Member code already given in {file}, sheet {sheet}, row {row}",
        ),
    ),
    ErrorCode.member_unknown: (
        _T(
            "Mã đảng viên không có trong danh sách đảng viên",
            "No member with this code in the members table",
        ),
    ),
    ErrorCode.member_unnamed: (
        _T("Thiếu mã đảng viên và họ tên", "Neither the member's code nor name is given"),
    ),
    ErrorCode.member_name_unknown: (
        _T("Không có đảng viên tên này {where}", "No member of this name {where}"),
    ),
    ErrorCode.member_name_ambiguous: (
        _T(
            "Có {count} đảng viên cùng tên {where}: ghi Mã đảng viên",
            "{count} members of this name {where}: give the member code",
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
    out += [
        "",
        "## Mã lỗi của dòng bị loại / field error codes",
        "",
        "Mỗi lỗi của một dòng bị loại (`rejected_rows[].errors[].code`; `rejected_rows[].code` "
        "là mã của lỗi đầu tiên) có một mã dưới đây, cùng cột và giá trị gây lỗi.",
        "",
        "*Every problem of a rejected row (`rejected_rows[].errors[].code`; "
        "`rejected_rows[].code` is its first problem's) carries one of these codes, beside "
        "the column and the value at fault.*",
        "",
        "| Mã / code | Lý do | Reason |",
        "|---|---|---|",
    ]
    for error in ErrorCode:
        for template in error.templates:
            out.append(f"| `{error.value}` | {template.vi} | {template.en} |")
    return "\n".join(out) + "\n"


DOCS = Path(__file__).resolve().parent.parent / "docs"

if __name__ == "__main__":
    (DOCS / "codes.md").write_text(render_codes_md(), encoding="utf-8")
    print(f"wrote {DOCS / 'codes.md'}")
