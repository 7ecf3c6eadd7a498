"""Next year's collection templates: logs that are hard to fill in wrongly.

Most rejected rows come from how logs are typed. A template that already knows the cell,
the months, the quarters and the allowed values (dropdowns, date validation limited to
the year, input messages, locked headers) gives clean data next year, and its "Hướng dẫn"
sheet shows the cell the rules it is judged by, generated from the rule files.

The templates use exactly the canonical headers of ``input-format.md`` (taken from
:mod:`auditor.ingest.headers`, never retyped), so the importer reads them back with no
rejected row; an untouched line (only its STT label or its pre-filled cell code) is an
unused line of the form, not data.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from auditor.catalogue import PERIODS_VI
from auditor.ingest.headers import FIELDS, data_columns
from auditor.report.safe import write_text
from auditor.report.xlsx import print_setup, wrapped_height
from auditor.rulepack import RulePack

KINDS_VI = ["Thường kỳ", "Chuyên đề", "Thường kỳ + chuyên đề", "Diễn đàn", "Bất thường"]
QUARTERS = ["I", "II", "III", "IV"]
YES_NO = ["Có", "Không"]
GROUPS = [
    "1 - Chính trị, tư tưởng, đạo đức",
    "2 - Kinh tế",
    "3 - Văn hóa, xã hội",
    "4 - Quốc phòng, an ninh",
    "5 - Xây dựng Đảng, tổ chức",
    "6 - Chuyên môn, nhiệm vụ chính trị",
]
PLAN_COLUMNS = data_columns("plan")
SESSION_COLUMNS = data_columns("sessions")
HELP: dict[str, str] = {
    "quarter": "Quý thực hiện chuyên đề (I-IV).",
    "planned_topic": "Tên chuyên đề dự kiến của quý.",
    "topic_group": "Nhóm chủ đề 1-6 (chọn trong danh sách).",
    "preparer": "Đảng viên được phân công chuẩn bị dự thảo.",
    "plan_issued": "Ngày chi bộ ban hành kế hoạch (hạn: tháng 1).",
    "plan_reported": "Ngày gửi kế hoạch lên cấp ủy cấp trên.",
    "date": "Ngày họp (dd/mm/yyyy), trong năm kiểm tra.",
    "kind": "Thường kỳ, Chuyên đề, Thường kỳ + chuyên đề, Diễn đàn hoặc Bất thường.",
    "topic": "Bắt buộc với sinh hoạt chuyên đề; ghi đúng chủ đề trong kế hoạch.",
    "draft_approved": "Ngày bí thư duyệt dự thảo (trước ngày gửi).",
    "draft_sent": "Ngày gửi dự thảo đến đảng viên (trước buổi họp vài ngày).",
    "members_total": "Tổng số đảng viên của chi bộ tại buổi họp.",
    "exempted": "Số đảng viên được miễn sinh hoạt (không tính vào tỉ lệ dự họp).",
    "present": "Số đảng viên có mặt (không lớn hơn tổng số).",
    "absent_excused": "Số đảng viên vắng có lý do.",
    "conclusion": "Có kết luận của bí thư hay không (Có/Không) hoặc ghi nội dung kết luận.",
    "conclusion_date": "Ngày ban hành thông báo kết luận.",
    "reported": "Ngày báo cáo cấp ủy cấp trên.",
    "minutes": "Có biên bản hay không (Có/Không).",
    "notes": "Ghi chú thêm.",
    # Hướng dẫn 42-HD/BTCTW (rulebook-2025.md, 3): the rules are on the "Hướng dẫn" sheet
    "start_time": "Giờ bắt đầu buổi họp, ví dụ 14:00 (thời lượng tối thiểu: quy tắc TG01).",
    "end_time": "Giờ kết thúc buổi họp, ví dụ 16:00 (không trước giờ bắt đầu).",
    "minutes_long": "Số phút của buổi họp; ghi khi không ghi giờ bắt đầu và kết thúc.",
    "prep_meeting": "Ngày chi ủy (hoặc bí thư, phó bí thư) họp chuẩn bị (quy tắc CU01).",
    "notice_sent": "Ngày thông báo cho đảng viên và cấp ủy cấp trên (quy tắc TB01).",
    "posted": "Ngày đăng tài liệu lên Sổ tay đảng viên điện tử, trước buổi họp (ST01).",
    "quality": "Chi bộ tự xếp loại buổi sinh hoạt: Tốt, Khá, Trung bình, Kém (hoặc 0-100).",
}
#: Explanations of the cells table's columns (key-value "Thông tin" or "Danh sách chi bộ").
CELL_HELP: dict[str, str] = {
    "cell_id": "Mã chi bộ do Ban Tổ chức cấp; giữ nguyên khi đổi tên.",
    "cell_name": "Tên chi bộ hiện nay.",
    "parent": "Đảng bộ mà chi bộ trực thuộc ở cuối năm.",
    "cell_type": "Loại hình chi bộ (nông thôn, đô thị, cơ quan, doanh nghiệp...).",
    "members": "Số đảng viên của chi bộ.",
    "secretary": "Họ tên bí thư chi bộ.",
    "active_from": "Ngày thành lập, nếu chi bộ được thành lập (hoặc sáp nhập thành) trong năm.",
    "active_to": "Ngày giải thể, hoặc ngày sáp nhập vào chi bộ khác.",
    "disciplined": "Số đảng viên bị kỷ luật trong năm (Quy định 366: tối đa Hoàn thành tốt).",
    "merged_from": "Mã các chi bộ cũ sáp nhập vào chi bộ này, cách nhau bằng dấu phẩy.",
    "merged_into": "Mã chi bộ mà chi bộ này sáp nhập vào (ghi cả Ngày giải thể).",
    "previous_parent": "Đảng bộ cũ, nếu trong năm chi bộ chuyển sang đảng bộ khác.",
    "parent_since": "Ngày bắt đầu trực thuộc đảng bộ hiện nay (khi chuyển đảng bộ).",
    "previous_name": "Tên cũ, nếu chi bộ đổi tên trong năm (mã chi bộ giữ nguyên).",
}
WAIVER_HELP: dict[str, str] = {
    "cell_id": "Mã chi bộ được miễn trừ.",
    "rule": "Mã quy tắc được miễn (xem trang Hướng dẫn).",
    "period": "Kỳ được miễn: cả năm, một quý (Q1-Q4) hoặc một tháng (M01-M12).",
    "date": "Hoặc ngày của buổi sinh hoạt được miễn (thay cho Kỳ).",
    "reason": "Lý do miễn trừ (thiên tai, dịch bệnh, sáp nhập...). Bắt buộc.",
    "approved_by": "Người hoặc cấp ủy duyệt miễn trừ. Bắt buộc.",
    "approved_on": "Ngày duyệt miễn trừ.",
    "expires": "Ngày hết hiệu lực của miễn trừ (nếu có).",
}
#: Explanations of the member tables' columns (members.md), shared where a field recurs.
MEMBER_HELP: dict[str, str] = {
    "cell_id": "Mã chi bộ của đảng viên (chọn trong danh sách).",
    "member_id": "Số thẻ đảng viên (hoặc mã do chi bộ đặt); mỗi người một mã, không trùng.",
    "member_name": "Họ và tên đảng viên, ghi đúng như trang Đảng viên.",
    "status": "Chính thức hoặc Dự bị.",
    "exempt_from": "Ngày bắt đầu được miễn sinh hoạt (dd/mm/yyyy), hoặc Có nếu miễn cả năm.",
    "joined": "Ngày chuyển sinh hoạt đến chi bộ (bỏ trống nếu ở chi bộ cả năm).",
    "left": "Ngày chuyển sinh hoạt đi (bỏ trống nếu ở chi bộ cả năm).",
    **{
        f"m{month:02d}": f"Sinh hoạt thường kỳ tháng {month}: x có mặt, P vắng có lý do, "
        "K vắng không lý do, Miễn được miễn; bỏ trống nếu tháng đó không họp."
        for month in range(1, 13)
    },
    "resolution": "Tên nghị quyết, chỉ thị được học tập, quán triệt.",
    "date": "Ngày học tập, quán triệt (dd/mm/yyyy), trong năm kiểm tra.",
    "study_format": "Hội trường, Trực tuyến, Truyền hình hoặc Tự nghiên cứu.",
    "mark": "x có mặt, P vắng có lý do (ghi Lý do, học bù), K vắng không lý do, Miễn.",
    "reason": "Lý do vắng (bắt buộc khi vắng có lý do).",
    "makeup": "Ngày học bù (trong 30 ngày sau buổi học, quy tắc DV03).",
    "reflection": "Ngày nộp bài thu hoạch (trong 15 ngày sau buổi học hoặc học bù, DV04).",
    "reflection_passed": "Đạt hoặc Không đạt (hoặc điểm bài thu hoạch).",
    "quiz_score": "Điểm trắc nghiệm sau buổi học (0-10).",
    "month": "Tháng thi (T1-T12).",
    "score": "Điểm bài thi (0-10).",
    "questions": "Số câu hỏi của đề thi (5-10); mỗi câu 30 giây.",
    "seconds": "Thời gian làm bài: số giây (200) hoặc phút:giây (3:20).",
    "submitted": "Giờ nộp bài (hh:mm:ss), khi không ghi thời gian làm bài.",
}
#: The member sheets of a template (members.md), each with its table and columns; the
#: attendance is the grid form, one line per member and a column per month.
MEMBER_SHEETS: tuple[tuple[str, str, list[str]], ...] = (
    (
        "Đảng viên",
        "members",
        ["member_id", "member_name", "status", "exempt_from", "joined", "left"],
    ),
    ("Điểm danh", "attendance_grid", ["member_name", *(f"m{m:02d}" for m in range(1, 13))]),
    (
        "Học tập nghị quyết",
        "study",
        [
            "resolution",
            "date",
            "study_format",
            "member_name",
            "mark",
            "reason",
            "makeup",
            "reflection",
            "reflection_passed",
            "quiz_score",
        ],
    ),
    (
        "Thi trắc nghiệm",
        "quiz",
        ["month", "member_name", "score", "questions", "seconds", "submitted"],
    ),
)
MARKS = ["x", "P", "K", "Miễn"]
MEMBER_STATUS = ["Chính thức", "Dự bị"]
STUDY_FORMATS = ["Hội trường", "Trực tuyến", "Truyền hình", "Tự nghiên cứu"]
PASSED = ["Đạt", "Không đạt"]
#: Lines of a cell's member sheets when its number of members is not known, and how
#: many study and quiz lines each member gets (a few resolutions, twelve quizzes).
MEMBER_ROWS = 30
STUDY_ROWS_PER_MEMBER = 4
QUIZ_ROWS_PER_MEMBER = 12
#: Numbers with bounds: (kind, least, most, whether another value only warns).
BOUNDED: dict[str, tuple[str, float, float, bool]] = {
    "score": ("decimal", 0, 10, False),
    "quiz_score": ("decimal", 0, 10, False),
    "questions": ("integer", 5, 10, True),
}
#: The cells table's columns a template carries, in the contract's order.
CELL_COLUMNS = list(FIELDS["cells"])
#: The waivers' columns (rulebook-2025.md, 6), without the cell code on a cell's own book.
WAIVER_COLUMNS = [field for field in FIELDS["waivers"] if field != "cell_id"]
QUALITY = ["Tốt", "Khá", "Trung bình", "Kém"]
DATE_FIELDS = {
    "plan_issued",
    "plan_reported",
    "date",
    "draft_approved",
    "draft_sent",
    "conclusion_date",
    "reported",
    "prep_meeting",
    "notice_sent",
    "posted",
    "active_from",
    "active_to",
    "parent_since",
    "approved_on",
    "expires",
    "joined",
    "left",
    "makeup",
    "reflection",
}
#: Dates that may fall before the year: preparing a January meeting, issuing next year's
#: plan, a cell founded or moved earlier, a waiver approved in advance.
EARLY_DATES = {
    "plan_issued": 92,
    "prep_meeting": 31,
    "notice_sent": 31,
    "posted": 31,
    "draft_approved": 31,
    "draft_sent": 31,
    "approved_on": 92,
}
#: Dates with no bound: when a cell was founded or joined its đảng bộ.
OPEN_DATES = {"active_from", "parent_since", "joined"}
TIME_FIELDS = {"start_time", "end_time", "submitted"}
COUNT_FIELDS = {"members_total", "exempted", "present", "absent_excused", "members", "disciplined"}
EXTRA_SESSION_ROWS = 16
EXTRA_PLAN_ROWS = 4
WAIVER_ROWS = 10


@dataclass(frozen=True)
class TemplateCell:
    cell_id: str
    cell_name: str
    parent: str | None = None
    cell_type: str | None = None
    members: int | None = None
    secretary: str | None = None


def _opt(value: Any) -> Any:
    """None for a missing value (None, NaN, NA, NaT, blank text), else the value."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def cells_from_frame(frame: pd.DataFrame) -> list[TemplateCell]:
    """Cells from a cells table as the importer returns it (``Dataset.cells``), by cell id."""
    cells: dict[str, TemplateCell] = {}
    dissolved: set[str] = set()
    for row in frame.to_dict("records"):
        if _opt(row.get("cell_id")) is None:
            continue
        if _opt(row.get("active_to")) is not None or _opt(row.get("merged_into")) is not None:
            # dissolved or merged into another: no log of its own next year
            dissolved.add(str(row["cell_id"]))
            continue
        cell_id = str(row["cell_id"])
        members = _opt(row.get("members"))
        name = _opt(row.get("cell_name"))
        parent, cell_type, secretary = (
            _opt(row.get(f)) for f in ("parent", "cell_type", "secretary")
        )
        cells.setdefault(
            cell_id,
            TemplateCell(
                cell_id=cell_id,
                cell_name=str(name) if name is not None else cell_id,
                parent=str(parent) if parent is not None else None,
                cell_type=str(cell_type) if cell_type is not None else None,
                members=int(members) if members is not None else None,
                secretary=str(secretary) if secretary is not None else None,
            ),
        )
    return [cells[k] for k in sorted(cells) if k not in dissolved]


def read_cells_list(path: Path) -> list[TemplateCell]:
    """Cells from a cells table (a workbook in any accepted format, or a folder of them,
    read with the importer) or from last year's ``report.json`` (its ``cells[]``)."""
    if path.suffix.lower() == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        return [
            TemplateCell(
                str(c["cell_id"]), str(c.get("cell_name") or c["cell_id"]), c.get("parent")
            )
            for c in data.get("cells", [])
        ]
    from auditor.ingest import load

    return cells_from_frame(load([path]).cells)


def safe_name(text: str) -> str:
    """A file or folder name that works on Windows, macOS and Linux."""
    cleaned = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', "_", text).strip(" .")
    return cleaned[:80] or "_"


class _Book:
    """One template workbook with its shared formats."""

    def __init__(self, path: Path, year: int, pack: RulePack, who: str = "") -> None:
        self.year = year
        self.who = who
        self.workbook = xlsxwriter.Workbook(
            str(path),
            {
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self.workbook.set_properties(
            {
                "created": dt.datetime(year - 1, 12, 1),
                "title": f"Sổ theo dõi sinh hoạt chi bộ năm {year}",
            }
        )
        wb = self.workbook
        self.header = wb.add_format(
            {
                "bold": True,
                "bg_color": "#1F4E79",
                "font_color": "white",
                "text_wrap": True,
                "valign": "vcenter",
                "border": 1,
            }
        )
        self.label = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.locked_text = wb.add_format({"border": 1})
        self.open_text = wb.add_format({"locked": False, "border": 1})
        self.open_date = wb.add_format({"locked": False, "border": 1, "num_format": "dd/mm/yyyy"})
        self.open_count = wb.add_format({"locked": False, "border": 1, "num_format": "0"})
        self.open_time = wb.add_format({"locked": False, "border": 1, "num_format": "hh:mm"})
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        lists = wb.add_worksheet("_danh_muc")
        lists.hide()
        self.lists = lists
        self.list_refs: dict[str, str] = {}
        #: The members sheet's names, the drop-down of every other member sheet.
        self.list_refs["member_name"] = "=_danh_muc!$A$1:$A$1"
        periods = [str(year), *(f"Q{q}" for q in range(1, 5))]
        periods += [f"M{m:02d}" for m in range(1, 13)]
        for col, (name, values) in (
            (0, ("kind", KINDS_VI)),
            (1, ("quarter", QUARTERS)),
            (2, ("yes_no", YES_NO)),
            (3, ("group", GROUPS)),
            (6, ("quality", QUALITY)),
            (7, ("rule", [rule.id for rule in pack.enabled_rules] or [""])),
            (8, ("period", periods)),
            (9, ("mark", MARKS)),
            (10, ("status", MEMBER_STATUS)),
            (11, ("study_format", STUDY_FORMATS)),
            (12, ("passed", PASSED)),
            (13, ("month", [f"T{m}" for m in range(1, 13)])),
        ):
            for row, value in enumerate(values):
                lists.write_string(row, col, value)
            letter = chr(65 + col)
            self.list_refs[name] = f"=_danh_muc!${letter}$1:${letter}${len(values)}"

    def cell_list(self, ids: Sequence[str]) -> str:
        for row, value in enumerate(ids):
            write_text(self.lists, row, 5, value)
        return f"=_danh_muc!$F$1:$F${max(1, len(ids))}"

    def printed(self, ws: Worksheet, header_row: int) -> None:
        """Print setup shared with report.xlsx, the page header naming the book and sheet,
        so a printed page of a template is never anonymous."""
        title = f"Sổ theo dõi sinh hoạt chi bộ năm {self.year}{self.who} — {ws.get_name()}"
        print_setup(ws, title, header_row)

    def close(self) -> None:
        self.workbook.close()


#: Help texts per table; plan and sessions share :data:`HELP`.
_HELP = {
    "plan": HELP,
    "sessions": HELP,
    "cells": CELL_HELP,
    "waivers": WAIVER_HELP,
    **{table: MEMBER_HELP for _, table, _ in MEMBER_SHEETS},
}
#: Columns chosen from a list: the list's name on the hidden sheet, and whether another
#: value is still allowed (a warning, not a stop: a conclusion's text, a 0-100 rating,
#: "Quý 3" for a period, a successor not in this year's list).
_LISTS: dict[str, tuple[str, bool]] = {
    "kind": ("kind", False),
    "quarter": ("quarter", False),
    "topic_group": ("group", False),
    "conclusion": ("yes_no", True),
    "minutes": ("yes_no", False),
    "quality": ("quality", True),
    "rule": ("rule", False),
    "period": ("period", True),
    # members.md: the marks drop-down; "Có", "Vắng có lý do"... are still read
    "mark": ("mark", True),
    **{f"m{month:02d}": ("mark", True) for month in range(1, 13)},
    "status": ("status", True),
    "study_format": ("study_format", True),
    "reflection_passed": ("passed", True),
    "month": ("month", True),
    # a member not yet on the members sheet is written in and added there
    "member_name": ("member_name", True),
}


def _validation(
    book: _Book,
    ws: Worksheet,
    field: str,
    first: int,
    last: int,
    col: int,
    cell_ids: str | None = None,
    table: str = "sessions",
) -> None:
    """A column's explanation (shown when a cell of it is selected) and what it accepts."""
    message = {
        "input_title": FIELDS[table][field][0][:32],
        "input_message": _HELP[table].get(field, "")[:255],
    }
    start, end = dt.date(book.year, 1, 1), dt.date(book.year, 12, 31)
    start -= dt.timedelta(days=EARLY_DATES.get(field, 0))
    if field in OPEN_DATES:
        start = dt.date(1930, 2, 3)  # the Party's founding: any real date
    if field in DATE_FIELDS:
        late = end + dt.timedelta(days=60) if field not in ("date", "plan_issued") else end
        if field == "expires":
            late = end + dt.timedelta(days=366)
        ws.data_validation(
            first,
            col,
            last,
            col,
            {
                "validate": "date",
                "criteria": "between",
                "minimum": dt.datetime(*start.timetuple()[:3]),
                "maximum": dt.datetime(*late.timetuple()[:3]),
                "error_title": "Ngày không hợp lệ",
                "error_message": f"Nhập ngày dạng dd/mm/yyyy, từ {start:%d/%m/%Y} đến "
                f"{late:%d/%m/%Y}.",
                **message,
            },
        )
    elif field in TIME_FIELDS:
        ws.data_validation(
            first,
            col,
            last,
            col,
            {
                "validate": "time",
                "criteria": "between",
                "minimum": dt.time(0, 0),
                "maximum": dt.time(23, 59),
                "error_title": "Giờ không hợp lệ",
                "error_message": "Nhập giờ dạng giờ:phút, ví dụ 14:00.",
                **message,
            },
        )
    elif field == "minutes_long":
        ws.data_validation(
            first,
            col,
            last,
            col,
            {
                "validate": "integer",
                "criteria": "between",
                "minimum": 0,
                "maximum": 1440,
                "error_title": "Số phút không hợp lệ",
                "error_message": "Nhập số phút của buổi họp (0-1440).",
                **message,
            },
        )
    elif field in BOUNDED:
        kind, least, most, warn = BOUNDED[field]
        ws.data_validation(
            first,
            col,
            last,
            col,
            {
                "validate": kind,
                "criteria": "between",
                "minimum": least,
                "maximum": most,
                "error_type": "warning" if warn else "stop",
                "error_title": "Số không hợp lệ",
                "error_message": f"Nhập một số từ {least:g} đến {most:g}.",
                **message,
            },
        )
    elif field in COUNT_FIELDS:
        ws.data_validation(
            first,
            col,
            last,
            col,
            {
                "validate": "integer",
                "criteria": ">=",
                "value": 0,
                "error_title": "Số không hợp lệ",
                "error_message": "Nhập số nguyên không âm.",
                **message,
            },
        )
    elif field in _LISTS or (field in ("cell_id", "merged_into") and cell_ids):
        source, other_allowed = _LISTS.get(field, ("", field == "merged_into"))
        ref = cell_ids if field in ("cell_id", "merged_into") else book.list_refs[source]
        ws.data_validation(
            first,
            col,
            last,
            col,
            {
                "validate": "list",
                "source": ref,
                "error_type": "warning" if other_allowed else "stop",
                "error_title": "Giá trị không có trong danh sách",
                "error_message": "Chọn một giá trị trong danh sách.",
                **message,
            },
        )
    elif message["input_message"]:
        ws.data_validation(first, col, last, col, {"validate": "any", **message})


def _open_format(book: _Book, field: str) -> Any:
    if field in DATE_FIELDS:
        return book.open_date
    if field in TIME_FIELDS:
        return book.open_time
    if field in COUNT_FIELDS or field == "minutes_long":
        return book.open_count
    return book.open_text


def _table(
    book: _Book,
    ws: Worksheet,
    table: str,
    columns: list[str],
    labels: list[str],
    prefill: list[dict[str, str]],
    cell_ids: str | None = None,
) -> None:
    """Header in row 1 (locked), one open line per label, validations on every column."""
    headers = ["STT", *(FIELDS[table][c][0] for c in columns)]
    ws.set_row(0, 32)
    for col, text in enumerate(headers):
        ws.write_string(0, col, text, book.header)
        ws.set_column(col, col, 12 if col == 0 else max(14, min(40, len(text) + 4)))
    last = len(labels)
    for row, label in enumerate(labels, start=1):
        ws.write_string(row, 0, label, book.locked_text)
        for col, field in enumerate(columns, start=1):
            value = prefill[row - 1].get(field) if row - 1 < len(prefill) else None
            if value is None:
                ws.write_blank(row, col, None, _open_format(book, field))
            else:
                write_text(ws, row, col, value, book.open_text)
    for col, field in enumerate(columns, start=1):
        _validation(book, ws, field, 1, last, col, cell_ids, table)
    ws.freeze_panes(1, 1)
    book.printed(ws, 0)
    ws.protect(
        "",
        {
            "format_columns": True,
            "format_rows": True,
            "sort": False,
            "autofilter": True,
            "insert_rows": True,
        },
    )


def _info(book: _Book, cell: TemplateCell) -> None:
    """The cell's key-value sheet: every column of the cells table, a rename, a move or a
    merge included, each with its explanation and what it accepts."""
    ws = book.workbook.add_worksheet("Thông tin")
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 44)
    for row, field in enumerate(CELL_COLUMNS):
        value = getattr(cell, field, None)
        ws.write_string(row, 0, FIELDS["cells"][field][0], book.label)
        if value is None:
            ws.write_blank(row, 1, None, _open_format(book, field))
        elif isinstance(value, int):
            ws.write_number(row, 1, value, book.open_count)
        else:
            write_text(ws, row, 1, str(value), book.locked_text if row < 3 else book.open_text)
        if row >= 3 or value is None:
            _validation(book, ws, field, row, row, 1, table="cells")
    book.printed(ws, 0)
    ws.protect("", {"format_columns": True})


def _waivers(book: _Book, cell_ids: str | None, rows: int) -> None:
    """The board's "Miễn trừ" sheet (rulebook-2025.md, 6): on a cell's own book a row
    without a cell code is that cell's."""
    ws = book.workbook.add_worksheet("Miễn trừ")
    columns = WAIVER_COLUMNS if cell_ids is None else ["cell_id", *WAIVER_COLUMNS]
    _table(book, ws, "waivers", columns, [str(n) for n in range(1, rows + 1)], [], cell_ids)


def _member_sheets(
    book: _Book, counts: Sequence[tuple[str | None, int]], cell_ids: str | None
) -> None:
    """The member sheets (members.md): "Đảng viên", the "Điểm danh" grid, "Học tập nghị
    quyết" and "Thi trắc nghiệm", each explained and validated like the log's sheets.

    ``counts`` is one (cell code, number of lines) per cell: the members sheet and the
    grid get that many lines (pre-filled with the code on the board's consolidated book,
    ``cell_ids`` its cells drop-down), the study and quiz sheets a few per member. Every
    sheet's member column is a drop-down of the names on the members sheet."""
    lines = sum(n for _, n in counts)
    for name, table, fields in MEMBER_SHEETS:
        columns = fields if cell_ids is None else ["cell_id", *fields]
        if table in ("members", "attendance_grid"):
            rows = lines
            prefill = [{"cell_id": c} if c else {} for c, n in counts for _ in range(n)]
        else:
            per = STUDY_ROWS_PER_MEMBER if table == "study" else QUIZ_ROWS_PER_MEMBER
            rows, prefill = lines * per, []
        ws = book.workbook.add_worksheet(name)
        labels = [str(n) for n in range(1, rows + 1)]
        _table(book, ws, table, columns, labels, prefill, cell_ids)
        if table == "members":
            letter = chr(65 + 1 + columns.index("member_name"))  # after STT
            book.list_refs["member_name"] = f"='{name}'!${letter}$2:${letter}${rows + 1}"
        if table == "attendance_grid":
            first = 1 + columns.index("m01")
            ws.set_column(first, first + 11, 6)  # T1..T12: one mark each
            ws.set_column(first - 1, first - 1, 28)


def _instructions(book: _Book, pack: RulePack, cell: TemplateCell | None) -> None:
    ws = book.workbook.add_worksheet("Hướng dẫn")
    for col, width in enumerate((8, 60, 8, 16, 60)):
        ws.set_column(col, col, width)
    who = f" — {cell.cell_name} ({cell.cell_id})" if cell else ""
    ws.write_string(0, 0, f"SỔ THEO DÕI SINH HOẠT CHI BỘ NĂM {book.year}{who}", book.title)
    lines = [
        'Ghi mỗi buổi sinh hoạt vào trang "Sinh hoạt" (mỗi tháng có sẵn một dòng cho buổi '
        "thường kỳ; các dòng trống phía dưới dành cho chuyên đề, diễn đàn, bất thường).",
        'Ghi kế hoạch chuyên đề vào trang "Kế hoạch" (mỗi quý một dòng; ban hành trong '
        "tháng 1 và báo cáo cấp trên).",
        "Theo Hướng dẫn 42-HD/BTCTW, mỗi buổi ghi giờ bắt đầu, giờ kết thúc (hoặc số phút), "
        "ngày chi ủy họp chuẩn bị, ngày thông báo, ngày đăng tài liệu lên Sổ tay đảng viên "
        "điện tử và xếp loại buổi sinh hoạt.",
        'Đảng viên: ghi danh sách ở trang "Đảng viên" (mã, họ và tên, miễn sinh hoạt, ngày '
        'chuyển đến, chuyển đi), rồi chọn tên ở các trang "Điểm danh" (mỗi tháng: x có mặt, '
        'P vắng có lý do, K vắng không lý do, Miễn), "Học tập nghị quyết" (học bù, bài thu '
        'hoạch) và "Thi trắc nghiệm" (điểm, số câu, thời gian làm bài). Vắng sinh hoạt '
        "không lý do 3 tháng trong năm phải được chi bộ xem xét (Điều lệ Đảng, Điều 8).",
        'Đổi tên, chuyển đảng bộ, sáp nhập, đảng viên bị kỷ luật: ghi ở trang "Thông tin" '
        '(hoặc "Danh sách chi bộ"). Trang "Miễn trừ" do Ban Tổ chức ghi khi cho chi bộ miễn '
        "một quy tắc trong một kỳ (bắt buộc ghi lý do và người duyệt).",
        "Ngày ghi dạng ngày/tháng/năm; chọn loại sinh hoạt, quý, nhóm chủ đề, Có/Không trong "
        "danh sách. Chọn một ô trong bảng để xem giải thích của cột đó.",
        f"Chi bộ được chấm theo bộ quy tắc {pack.name} {pack.version}: điểm = "
        f"{pack.scoring.start} trừ tổng điểm các vi phạm dưới đây.",
    ]
    widths = (8, 60, 8, 16, 60)
    for row, line in enumerate(lines, start=2):
        ws.merge_range(row, 0, row, 4, line, book.wrap)
        ws.set_row(row, max(30.0, wrapped_height([(line, sum(widths))]) or 0.0))
    top = len(lines) + 3
    for col, text in enumerate(["Mã", "Yêu cầu", "Điểm trừ", "Xét theo", "Cách làm đúng"]):
        ws.write_string(top, col, text, book.header)
    for row, rule in enumerate(pack.enabled_rules, start=top + 1):
        remedy = rule.remedy_vi.format_map(dict(rule.params))
        height = wrapped_height([(rule.title_vi, widths[1]), (remedy, widths[4])])
        if height is not None:
            ws.set_row(row, height)  # XlsxWriter cannot autofit: wrapped text would overlap
        ws.write_string(row, 0, rule.id)
        ws.write_string(row, 1, rule.title_vi, book.wrap)
        ws.write_number(row, 2, rule.points)
        ws.write_string(row, 3, PERIODS_VI[rule.period])
        ws.write_string(row, 4, remedy, book.wrap)
    book.printed(ws, top)
    ws.protect("")
    ws.activate()


def _member_lines(cell: TemplateCell) -> int:
    """Lines for a cell's members: its number of members and a few spare, else
    :data:`MEMBER_ROWS`."""
    return cell.members + 5 if cell.members else MEMBER_ROWS


def _session_labels() -> list[str]:
    return [f"Tháng {m}" for m in range(1, 13)] + [
        str(n) for n in range(13, 13 + EXTRA_SESSION_ROWS)
    ]


def write_cell_template(path: Path, cell: TemplateCell, *, year: int, pack: RulePack) -> Path:
    book = _Book(path, year, pack, f" — {cell.cell_name} ({cell.cell_id})")
    _instructions(book, pack, cell)
    _info(book, cell)
    plan_ws = book.workbook.add_worksheet("Kế hoạch")
    _table(
        book,
        plan_ws,
        "plan",
        PLAN_COLUMNS,
        [f"Quý {q}" for q in QUARTERS] + [str(n) for n in range(5, 5 + EXTRA_PLAN_ROWS)],
        [],
    )
    sessions_ws = book.workbook.add_worksheet("Sinh hoạt")
    _table(book, sessions_ws, "sessions", SESSION_COLUMNS, _session_labels(), [])
    _member_sheets(book, [(None, _member_lines(cell))], None)
    _waivers(book, None, WAIVER_ROWS)
    book.close()
    return path


def write_consolidated_template(
    path: Path, cells: Sequence[TemplateCell], *, year: int, pack: RulePack
) -> Path:
    book = _Book(path, year, pack)
    _instructions(book, pack, None)
    ws = book.workbook.add_worksheet("Danh sách chi bộ")
    ids = book.cell_list([c.cell_id for c in cells])
    ws.set_row(0, 32)
    for col, field in enumerate(CELL_COLUMNS):
        header = FIELDS["cells"][field][0]
        ws.write_string(0, col, header, book.header)
        ws.set_column(col, col, 24 if col < 3 else max(12, min(24, len(header) + 2)))
    for row, cell in enumerate(cells, start=1):
        for col, field in enumerate(CELL_COLUMNS):
            value = getattr(cell, field, None)
            if value is None:
                ws.write_blank(row, col, None, _open_format(book, field))
            elif isinstance(value, int):
                ws.write_number(row, col, value, book.open_count)
            else:
                write_text(ws, row, col, str(value), book.locked_text)
    if cells:
        for col, field in enumerate(CELL_COLUMNS):
            if col >= 3:
                _validation(book, ws, field, 1, len(cells), col, ids, "cells")
    ws.freeze_panes(1, 1)
    book.printed(ws, 0)
    ws.protect("", {"format_columns": True})
    plan_ws = book.workbook.add_worksheet("Kế hoạch")
    plan_prefill = [{"cell_id": c.cell_id} for c in cells for _ in QUARTERS]
    _table(
        book,
        plan_ws,
        "plan",
        ["cell_id", *PLAN_COLUMNS],
        [str(n) for n in range(1, len(plan_prefill) + 1)],
        plan_prefill,
        ids,
    )
    sessions_ws = book.workbook.add_worksheet("Sinh hoạt")
    session_prefill = [{"cell_id": c.cell_id} for c in cells for _ in range(14)]
    _table(
        book,
        sessions_ws,
        "sessions",
        ["cell_id", *SESSION_COLUMNS],
        [str(n) for n in range(1, len(session_prefill) + 1)],
        session_prefill,
        ids,
    )
    _member_sheets(book, [(c.cell_id, _member_lines(c)) for c in cells], ids)
    _waivers(book, ids, max(WAIVER_ROWS, 2 * len(cells)))
    book.close()
    return path


def write_templates(
    cells: Sequence[TemplateCell] | pd.DataFrame,
    *,
    year: int,
    out_dir: Path,
    pack: RulePack | None = None,
) -> list[Path]:
    """One workbook per cell in a folder per parent, plus one consolidated workbook (last).

    ``cells`` is a list of :class:`TemplateCell` or a cells table as the importer returns
    it (``load([path]).cells``); ``pack`` defaults to the shipped pack in force at the end
    of ``year`` (a 2027 template lists hd42's rules, a 2024 one hd12's), as the CLI does."""
    if isinstance(cells, pd.DataFrame):
        cells = cells_from_frame(cells)
    if pack is None:
        from auditor.rulebook import load_rulebook

        pack = load_rulebook().pack_of_year(year)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    used: set[Path] = set()
    for cell in cells:
        folder = out_dir / safe_name(cell.parent or "Chua_ghi_dang_bo")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{safe_name(cell.cell_id)}_{year}.xlsx"
        number = 2
        while path in used:
            path = folder / f"{safe_name(cell.cell_id)}_{year}_{number}.xlsx"
            number += 1
        used.add(path)
        written.append(write_cell_template(path, cell, year=year, pack=pack))
    written.append(
        write_consolidated_template(out_dir / f"Tong_hop_{year}.xlsx", cells, year=year, pack=pack)
    )
    return written
