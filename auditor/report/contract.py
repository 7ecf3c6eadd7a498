"""``docs/report-json.md``: the report contract written for the programs and people that
read ``report.json``, generated from the report's models (:mod:`auditor.models`).

Every key of every model reachable from :class:`~auditor.models.Report` needs its
meaning in :data:`MEANINGS`, Vietnamese then English; its type comes from the JSON Schema
(``docs/report.schema.json``), so a key added, renamed or retyped in the models changes
the page, and ``tests/report/test_contract.py`` fails until the page is regenerated with
``python -m auditor.report.contract`` (and until a new key is described here).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from auditor.models import SCHEMA_ID
from auditor.report.json_report import report_schema

DOCS = Path(__file__).resolve().parent.parent.parent / "docs"

_FILE_VI = "tệp, tính từ đối số INPUT nơi tìm thấy nó (chỉ tên tệp khi INPUT là tệp)"
_FILE_EN = (
    "the file, relative to the INPUT argument it was found under (its name when INPUT is a file)"
)
_SHEET = ("tên trang tính", "the sheet's name")
_ROW = (
    "số dòng như chương trình bảng tính hiển thị (từ 1)",
    "the row number a spreadsheet program shows (from 1)",
)
_MSG_VI = ("lời nhắn bằng tiếng Việt", "the message in Vietnamese")
_MSG_EN = ("lời nhắn bằng tiếng Anh", "the message in English")
_CELL_ID = ("mã chi bộ", "the cell's code")
_CELL_NAME = ("tên chi bộ", "the cell's name")
_PARENT = ("đảng bộ cấp trên trực tiếp", "the superior party committee")

#: (model, key) -> (meaning in Vietnamese, in English).
MEANINGS: dict[tuple[str, str], tuple[str, str]] = {
    ("Report", "schema"): (
        f"phiên bản hợp đồng, luôn `{SCHEMA_ID}`; đổi tên hay bỏ khóa thì đổi phiên bản",
        f"the contract's version, always `{SCHEMA_ID}`; renaming or dropping a key changes it",
    ),
    ("Report", "year"): ("năm kiểm tra", "the audited year"),
    ("Report", "as_of"): (
        "ngày chốt số liệu (mặc định 31/12 của năm); tháng, quý chưa hết đến ngày này không xét",
        "the as-of date (31 December by default); months and quarters not ended by it are not "
        "judged",
    ),
    ("Report", "rules"): ("bộ quy tắc và cách xếp loại đã dùng", "the rule packs and scoring used"),
    ("Report", "inputs"): (
        "mỗi tệp tìm thấy dưới INPUT đúng một dòng, theo thứ tự đường dẫn",
        "exactly one entry per file found under INPUT, by path",
    ),
    ("Report", "cells"): (
        "kết quả từng chi bộ được kiểm tra, theo thứ hạng",
        "each audited cell's result, in rank order",
    ),
    ("Report", "rejected_rows"): (
        "dòng dữ liệu không thành bản ghi, kèm chỗ và lý do",
        "data rows that could not become records, with where and why",
    ),
    ("Report", "notes"): (
        "điều cần biết không phải bản ghi hay dòng bị loại (tệp bỏ qua, cột lạ…)",
        "what a person should know that is neither a record nor a rejected row",
    ),
    ("Report", "quota_moves"): (
        "chi bộ bị hạ từ HTXSNV xuống HTTNV do chỉ tiêu tỷ lệ",
        "cells moved from HTXSNV to HTTNV by the quota",
    ),
    ("Report", "merged_cells"): (
        "chi bộ đã sáp nhập vào chi bộ khác trong năm (không chấm điểm)",
        "cells merged into another during the year (not scored)",
    ),
    ("Report", "members"): (
        "đảng viên của các chi bộ được kiểm tra (rỗng khi không có bảng đảng viên)",
        "members of the audited cells (empty without member tables)",
    ),
    ("Report", "quiz"): (
        "thi trắc nghiệm hằng tháng, theo chi bộ rồi tháng",
        "the monthly quizzes, by cell then month",
    ),
    ("Report", "generated_at"): (
        "thời điểm chạy, chỉ ở mức trên cùng (bỏ qua khi so sánh hai báo cáo)",
        "when the run was made, only at the top level (ignore it when comparing reports)",
    ),
    ("RulesInfo", "pack"): (
        "bộ quy tắc đã xét năm, hoặc các bộ nối bằng `+` (`hd12+hd42`)",
        "the pack that judged the year, or the packs joined with `+` (`hd12+hd42`)",
    ),
    ("RulesInfo", "version"): (
        "phiên bản của bộ (hoặc các bộ nối bằng `+`)",
        "the pack's version (or the packs', joined)",
    ),
    ("RulesInfo", "sha256"): (
        "mã băm SHA-256 các tệp quy tắc (nhiều bộ: băm của các mã băm)",
        "SHA-256 of the rule files (several packs: a hash of their hashes)",
    ),
    ("RulesInfo", "scoring"): ("cách xếp loại năm", "the year's scoring"),
    ("RulesInfo", "packs"): (
        "từng bộ đã xét một phần năm, với thời gian hiệu lực",
        "each pack that judged part of the year, with when it is in force",
    ),
    ("PackInfo", "name"): ("tên bộ quy tắc", "the pack's name"),
    ("PackInfo", "version"): ("phiên bản", "its version"),
    ("PackInfo", "sha256"): ("mã băm SHA-256 các tệp của bộ", "SHA-256 of its files"),
    ("PackInfo", "effective"): ("thời gian hiệu lực", "when it is in force"),
    ("Effective", "from"): (
        "ngày bắt đầu hiệu lực (null: không giới hạn)",
        "first day in force (null: open)",
    ),
    ("Effective", "to"): (
        "ngày hết hiệu lực, tính cả ngày đó (null: không giới hạn)",
        "last day in force, included (null: open)",
    ),
    ("ScoringInfo", "name"): (
        "tên cách xếp loại (`qd124`, `qd366`)",
        "the scoring's name (`qd124`, `qd366`)",
    ),
    ("ScoringInfo", "title_vi"): ("tên đầy đủ", "its full title (Vietnamese)"),
    ("ScoringInfo", "source"): ("văn bản quy định", "the regulation it follows"),
    ("ScoringInfo", "quota_share"): (
        "tỷ lệ tối đa của loại cao nhất (0–1)",
        "the top band's largest share (0–1)",
    ),
    ("ScoringInfo", "quota_base"): ("tỷ lệ tính trên số nào", "what the share is of"),
    ("ScoringInfo", "quota_level"): ("cấp áp dụng chỉ tiêu", "the level the quota applies at"),
    ("InputFile", "file"): (_FILE_VI, _FILE_EN),
    ("InputFile", "sha256"): (
        "mã băm SHA-256 của tệp (null khi không đọc được)",
        "the file's SHA-256 (null when unreadable)",
    ),
    ("InputFile", "status"): (
        "`ok`, `error` (không đọc được; `error` nói vì sao) hoặc `skipped` (tệp khóa, tệp ẩn…)",
        "`ok`, `error` (unreadable; `error` says why) or `skipped` (lock or hidden file…)",
    ),
    ("InputFile", "rows"): (
        "số dòng dữ liệu: `read == accepted + rejected`; tiêu đề, dòng trống, dòng cộng, chữ ký "
        "không tính",
        "data rows: `read == accepted + rejected`; titles, headers, blanks, totals, signatures "
        "count in none",
    ),
    ("InputFile", "error"): (
        "lý do lỗi hoặc bỏ qua, tiếng Việt (null khi `ok`)",
        "why it failed or was skipped, in Vietnamese (null when `ok`)",
    ),
    ("InputFile", "error_en"): ("lý do, tiếng Anh", "the same reason in English"),
    ("InputFile", "code"): (
        "mã của lý do lỗi hoặc bỏ qua (docs/codes.md, mã lỗi của tệp); null khi `ok`",
        "the code of the error or skip reason (docs/codes.md, file error codes); null when `ok`",
    ),
    ("RowCounts", "read"): ("dòng dữ liệu đọc được", "data rows read"),
    ("RowCounts", "accepted"): ("dòng thành bản ghi", "rows that became records"),
    ("RowCounts", "rejected"): (
        "dòng bị loại (có trong `rejected_rows`)",
        "rows refused (listed in `rejected_rows`)",
    ),
    ("CellResult", "cell_id"): _CELL_ID,
    ("CellResult", "cell_name"): _CELL_NAME,
    ("CellResult", "parent"): _PARENT,
    ("CellResult", "score"): (
        "điểm (100 trừ điểm các vi phạm không được miễn)",
        "the score (100 less the points of unwaived violations)",
    ),
    ("CellResult", "band"): (
        "xếp loại: `HTXSNV`, `HTTNV`, `HTNV` hoặc `KHTNV`",
        "the band: `HTXSNV`, `HTTNV`, `HTNV` or `KHTNV`",
    ),
    ("CellResult", "band_before_quota"): (
        "xếp loại trước khi áp chỉ tiêu tỷ lệ",
        "the band before the quota",
    ),
    ("CellResult", "rank"): ("thứ hạng (1 là cao nhất)", "the rank (1 is the best)"),
    ("CellResult", "points_lost"): ("tổng điểm bị trừ", "the points lost"),
    ("CellResult", "moved_by_quota"): (
        "bị hạ loại do chỉ tiêu tỷ lệ",
        "whether the quota lowered the band",
    ),
    ("CellResult", "violations"): (
        "các vi phạm, theo mã quy tắc rồi kỳ, ngày",
        "the violations, by rule then period and date",
    ),
    ("CellResult", "band_changes"): (
        "từng quy định đã hạ loại, theo thứ tự áp dụng",
        "each scoring rule that lowered the band, in order",
    ),
    ("CellResult", "previous_name"): ("tên cũ của chi bộ", "the cell's former name"),
    ("CellResult", "previous_parent"): ("đảng bộ cấp trên cũ", "its former superior committee"),
    ("CellResult", "parent_since"): (
        "ngày chuyển về đảng bộ hiện nay",
        "since when it belongs to its current superior",
    ),
    ("CellResult", "disciplined"): (
        "số đảng viên bị kỷ luật trong năm",
        "members disciplined in the year",
    ),
    ("CellResult", "merged_from"): (
        "các chi bộ đã sáp nhập vào chi bộ này",
        "the cells merged into this one",
    ),
    ("Violation", "rule"): ("mã quy tắc (docs/rules.md)", "the rule's id (docs/rules.md)"),
    ("Violation", "points"): ("điểm bị trừ", "points lost"),
    ("Violation", "period"): (
        "kỳ của vi phạm: `Q1`..`Q4`, `M01`..`M12`; null với vi phạm về một buổi hoặc cả năm",
        "its period: `Q1`..`Q4`, `M01`..`M12`; null for one meeting or the whole year",
    ),
    ("Violation", "date"): (
        "ngày của buổi sinh hoạt vi phạm (ISO), null nếu không về một buổi",
        "the meeting's date (ISO), null when not about one meeting",
    ),
    ("Violation", "message_vi"): _MSG_VI,
    ("Violation", "message_en"): _MSG_EN,
    ("Violation", "evidence"): ("các dòng trong sổ làm căn cứ", "the workbook rows it rests on"),
    ("Violation", "details"): (
        "giá trị đã xét (khóa theo thứ tự chữ cái); nội dung tùy quy tắc",
        "the values judged (keys sorted); what they are depends on the rule",
    ),
    ("Violation", "waived"): (
        "được miễn: vẫn hiện, không trừ điểm, không tính giới hạn",
        "waived: still shown, costs no points, counts for no cap",
    ),
    ("Violation", "waiver"): ("quyết định miễn trừ đã áp dụng", "the waiver that excused it"),
    ("Violation", "pack"): (
        "bộ quy tắc đã xét (có hiệu lực vào ngày buổi sinh hoạt hoặc ngày cuối kỳ)",
        "the pack that judged it (in force on the meeting's day or the period's last day)",
    ),
    ("Evidence", "file"): (_FILE_VI, _FILE_EN),
    ("Evidence", "sheet"): _SHEET,
    ("Evidence", "row"): _ROW,
    ("Waiver", "cell_id"): _CELL_ID,
    ("Waiver", "rule"): ("mã quy tắc được miễn", "the rule waived"),
    ("Waiver", "period"): (
        "kỳ được miễn (`Q2`, `M05`, năm)",
        "the period waived (`Q2`, `M05`, the year)",
    ),
    ("Waiver", "date"): ("ngày được miễn", "the day waived"),
    ("Waiver", "reason"): ("lý do", "the reason"),
    ("Waiver", "approved_by"): ("người hoặc cấp duyệt", "who approved it"),
    ("Waiver", "approved_on"): ("ngày duyệt", "when it was approved"),
    ("Waiver", "expires"): ("ngày hết hạn", "when it expires"),
    ("Waiver", "file"): (_FILE_VI, _FILE_EN),
    ("Waiver", "sheet"): _SHEET,
    ("Waiver", "row"): _ROW,
    ("BandChange", "rule"): (
        "quy tắc được đếm (giới hạn), trường của bảng chi bộ (điều kiện) hoặc `quota`",
        "the rule counted (a cap), the cells-table field (a condition) or `quota`",
    ),
    ("BandChange", "kind"): ("`cap`, `condition` hoặc `quota`", "`cap`, `condition` or `quota`"),
    ("BandChange", "band_from"): ("loại trước", "the band before"),
    ("BandChange", "band_to"): ("loại sau", "the band after"),
    ("BandChange", "message_vi"): _MSG_VI,
    ("BandChange", "message_en"): _MSG_EN,
    ("Inherited", "cell_id"): ("mã chi bộ cũ", "the predecessor's code"),
    ("Inherited", "cell_name"): ("tên chi bộ cũ", "its name"),
    ("Inherited", "merged_on"): ("ngày sáp nhập", "when it was merged"),
    ("Inherited", "sessions"): ("số buổi sinh hoạt được kế thừa", "sessions taken over"),
    ("Inherited", "plan_rows"): ("số dòng kế hoạch được kế thừa", "plan rows taken over"),
    ("RejectedRow", "file"): (_FILE_VI, _FILE_EN),
    ("RejectedRow", "sheet"): _SHEET,
    ("RejectedRow", "row"): _ROW,
    ("RejectedRow", "table"): (
        "bảng của dòng (`sessions`, `plan`, `cells`, bảng đảng viên…)",
        "the row's table (`sessions`, `plan`, `cells`, a member table…)",
    ),
    ("RejectedRow", "column"): (
        "tiêu đề cột của lỗi đầu tiên",
        "the header of the first problem's column",
    ),
    ("RejectedRow", "value"): ("giá trị trong ô, như đã gõ", "the cell's value as typed"),
    ("RejectedRow", "code"): ("mã lý do (docs/codes.md)", "the reason's code (docs/codes.md)"),
    ("RejectedRow", "reason_vi"): (
        "lý do và cách sửa, tiếng Việt",
        "why and how to fix it, in Vietnamese",
    ),
    ("RejectedRow", "reason_en"): ("lý do, tiếng Anh", "the same in English"),
    ("RejectedRow", "errors"): (
        "mọi lỗi của dòng, để sửa một lần",
        "every problem of the row, to fix them in one pass",
    ),
    ("FieldError", "column"): ("tiêu đề cột", "the column's header"),
    ("FieldError", "value"): ("giá trị trong ô", "the cell's value"),
    ("FieldError", "code"): ("mã lý do (docs/codes.md)", "the reason's code (docs/codes.md)"),
    ("FieldError", "reason_vi"): ("lý do, tiếng Việt", "the reason in Vietnamese"),
    ("FieldError", "reason_en"): ("lý do, tiếng Anh", "the reason in English"),
    ("Note", "file"): (
        "tệp liên quan (null: cả lần chạy)",
        "the file concerned (null: the whole run)",
    ),
    ("Note", "sheet"): ("trang tính liên quan", "the sheet concerned"),
    ("Note", "row"): _ROW,
    ("Note", "code"): ("mã ghi chú (docs/codes.md)", "the note's code (docs/codes.md)"),
    ("Note", "message_vi"): _MSG_VI,
    ("Note", "message_en"): _MSG_EN,
    ("QuotaMove", "parent"): _PARENT,
    ("QuotaMove", "cell_id"): _CELL_ID,
    ("QuotaMove", "score"): ("điểm của chi bộ", "the cell's score"),
    ("QuotaMove", "message_vi"): _MSG_VI,
    ("QuotaMove", "message_en"): _MSG_EN,
    ("MergedCell", "cell_id"): _CELL_ID,
    ("MergedCell", "cell_name"): _CELL_NAME,
    ("MergedCell", "parent"): _PARENT,
    ("MergedCell", "merged_into"): (
        "mã chi bộ nhận sáp nhập",
        "the code of the cell it was merged into",
    ),
    ("MergedCell", "merged_on"): ("ngày sáp nhập", "when it was merged"),
    ("MergedCell", "message_vi"): _MSG_VI,
    ("MergedCell", "message_en"): _MSG_EN,
    ("MemberResult", "member_id"): ("mã đảng viên", "the member's code"),
    ("MemberResult", "member_name"): ("họ và tên", "the member's name"),
    ("MemberResult", "cell_id"): _CELL_ID,
    ("MemberResult", "months"): (
        "số tháng theo tình hình dự sinh hoạt",
        "months of the year by attendance",
    ),
    ("MemberResult", "studies"): ("học tập nghị quyết trong năm", "resolution studies of the year"),
    ("MemberResult", "quiz"): ("thi trắc nghiệm trong năm", "the year's quizzes"),
    ("MemberResult", "six_good_months"): (
        'số tháng được phân loại "6 tốt"',
        'months classified under "6 tốt"',
    ),
    ("MemberResult", "violations"): (
        "vi phạm của đảng viên (không trừ điểm chi bộ trừ khi bộ quy tắc cho điểm)",
        "the member's violations (cost the cell nothing unless the pack gives points)",
    ),
    ("MemberMonths", "present"): ("tháng có mặt", "months present"),
    ("MemberMonths", "excused"): ("tháng vắng có lý do", "months absent with a reason"),
    ("MemberMonths", "unexcused"): ("tháng vắng không lý do", "months absent without a reason"),
    ("MemberMonths", "exempt"): ("tháng được miễn sinh hoạt", "months exempt"),
    ("MemberStudies", "attended"): ("buổi học có mặt", "studies attended"),
    ("MemberStudies", "made_up"): ("buổi đã học bù", "studies made up"),
    ("MemberStudies", "reflections"): ("bài thu hoạch đã nộp", "reflections handed in"),
    ("MemberQuizYear", "months"): ("số tháng có dự thi", "months with an attempt"),
    ("MemberQuizYear", "wins"): (
        "số tháng đứng đầu (đồng hạng tính cả)",
        "months won (ties share)",
    ),
    ("MemberQuizYear", "average"): (
        "điểm trung bình các tháng (lấy lần cao nhất mỗi tháng)",
        "mean score over the months (best attempt of each)",
    ),
    ("QuizWinners", "cell_id"): _CELL_ID,
    ("QuizWinners", "month"): ("tháng (`M03`)", "the month (`M03`)"),
    ("QuizWinners", "winners"): ("mã các đảng viên đứng đầu", "the codes of the winners"),
    ("QuizWinners", "attempts"): ("số lượt dự thi", "attempts"),
}


def _type_of(prop: dict[str, Any]) -> str:
    """A property's JSON type in a few words (``text or null``, ``list of Violation``);
    never a ``|``, which would split the Markdown table's cell."""
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in prop:
        return " or ".join(_type_of(option) for option in prop["anyOf"])
    if "enum" in prop:
        return " or ".join(f"`{value}`" for value in prop["enum"])
    if "const" in prop:
        return f"`{prop['const']}`"
    kind = prop.get("type")
    if kind == "array":
        return f"list of {_type_of(prop.get('items', {}))}"
    if kind == "string" and prop.get("format") == "date":
        return "date (YYYY-MM-DD)"
    names = {
        "string": "text",
        "integer": "integer",
        "number": "number",
        "boolean": "true/false",
        "null": "null",
        "object": "object",
    }
    return names.get(str(kind), str(kind))


def _sections(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(model, path in report.json, its schema) for the report and every model under it,
    in the order a reader meets them, each model once, at its first place."""
    defs = schema.get("$defs", {})
    found: list[tuple[str, str, dict[str, Any]]] = [("Report", "", schema)]
    seen = {"Report"}
    index = 0
    while index < len(found):
        _, path, model = found[index]
        index += 1
        for key, prop in model.get("properties", {}).items():
            for ref, suffix in _refs(prop):
                name = ref.rsplit("/", 1)[-1]
                if name not in seen:
                    seen.add(name)
                    found.append((name, f"{path}.{key}{suffix}".lstrip("."), defs[name]))
    return found


def _refs(prop: dict[str, Any], suffix: str = "") -> list[tuple[str, str]]:
    if "$ref" in prop:
        return [(prop["$ref"], suffix)]
    if prop.get("type") == "array":
        return _refs(prop.get("items", {}), suffix + "[]")
    return [ref for option in prop.get("anyOf", []) for ref in _refs(option, suffix)]


def keys() -> set[tuple[str, str]]:
    """Every (model, key) of report.json."""
    return {
        (name, key)
        for name, _, model in _sections(report_schema())
        for key in model.get("properties", {})
    }


def render_contract_md() -> str:
    """The text of ``docs/report-json.md``."""
    schema = report_schema()
    lines = [
        "# Hợp đồng `report.json` / the `report.json` contract",
        "",
        "<!-- Sinh tự động từ auditor/models.py bằng `python -m auditor.report.contract`; "
        "đừng sửa tay. -->",
        "<!-- Generated from auditor/models.py by `python -m auditor.report.contract`; "
        "do not edit. -->",
        "",
        "`auditor audit INPUT... --year NĂM --out THƯ_MỤC` ghi `THƯ_MỤC/report.json` (cùng báo "
        "cáo Excel và HTML). Các chương trình khác đọc tệp này (xếp hạng năm, bảng theo dõi, so "
        "sánh giữa các năm), nên đây là giao diện công khai: có thể thêm khóa, nhưng đổi tên hay "
        f"bỏ khóa thì phải đổi phiên bản `schema` (hiện là `{SCHEMA_ID}`). Lược đồ JSON đầy đủ: "
        "`docs/report.schema.json`; các mã `code`: `docs/codes.md`.",
        "",
        "*`auditor audit` writes `report.json` beside the Excel and HTML reports. Other programs "
        "read it, so it is a public interface: keys may be added, but renaming or dropping one "
        "changes the `schema` version. The full JSON Schema is `docs/report.schema.json`; the "
        "`code` values are in `docs/codes.md`.*",
        "",
        "Cùng dữ liệu vào và cùng quy tắc cho cùng một tệp, từng byte (khóa theo thứ tự dưới "
        "đây; chỉ `generated_at` ở mức trên cùng mang thời điểm chạy). Ngày ghi theo ISO "
        "(`2024-05-14`); `row` là số dòng như chương trình bảng tính hiển thị.",
        "",
        "*The same inputs and rules give the same file byte for byte (keys in the order below; "
        "only the top-level `generated_at` carries the run's time). Dates are ISO; `row` is "
        "the row number a spreadsheet program shows.*",
    ]
    for name, path, model in _sections(schema):
        where = f"`{path}`" if path else "gốc / top level"
        lines += ["", f"## {where} — {name}", ""]
        lines += ["| Khóa / key | Kiểu / type | Nghĩa | Meaning |", "|---|---|---|---|"]
        for key, prop in model.get("properties", {}).items():
            vi, en = MEANINGS[(name, key)]
            lines.append(f"| `{key}` | {_type_of(prop)} | {vi} | {en} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    (DOCS / "report-json.md").write_text(render_contract_md(), encoding="utf-8")
    print(f"wrote {DOCS / 'report-json.md'}")
