"""Header and sheet-name matching (input-format.md, "Logical tables" and "Columns").

A header is matched after NFC, case folding, removal of diacritics (đ→d), collapsing of
whitespace and line breaks, and dropping of a trailing ``(*)``, ``:`` or unit in brackets.
The alias lists below are the contract's, plus a few spellings seen in real logs.
"""

from __future__ import annotations

import re
from functools import lru_cache

from auditor.ingest.text import fold

_CELL_ID = ("Mã chi bộ", "Mã CB", "Ma chi bo", "Mã số", "Mã số chi bộ")

#: table -> field -> (canonical header, *aliases)
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "cells": {
        "cell_id": _CELL_ID,
        "cell_name": ("Tên chi bộ", "Chi bộ", "Tên CB"),
        "parent": ("Đảng bộ", "Đảng bộ cấp trên", "Trực thuộc", "Đảng bộ trực thuộc"),
        "cell_type": ("Loại hình chi bộ", "Loại hình"),
        "members": ("Số đảng viên", "Tổng số đảng viên", "Số ĐV"),
        "secretary": ("Bí thư", "Bí thư chi bộ"),
        "active_from": ("Ngày thành lập", "Thành lập"),
        "active_to": ("Ngày giải thể", "Giải thể", "Sáp nhập", "Ngày sáp nhập"),
        "disciplined": ("Số đảng viên bị kỷ luật", "Bị kỷ luật", "Kỷ luật"),
        "merged_from": ("Sáp nhập từ", "Hợp nhất từ", "Chi bộ cũ"),
        "merged_into": ("Sáp nhập vào", "Hợp nhất vào"),
        "previous_parent": ("Đảng bộ cũ", "Trực thuộc cũ"),
        "parent_since": ("Trực thuộc từ ngày", "Từ ngày"),
        "previous_name": ("Tên cũ", "Tên trước đây"),
    },
    "plan": {
        "cell_id": _CELL_ID,
        "quarter": ("Quý", "Quý thực hiện"),
        "planned_topic": ("Chủ đề dự kiến", "Chủ đề", "Tên chuyên đề", "Nội dung chuyên đề"),
        "topic_group": ("Nhóm chủ đề", "Nhóm"),
        "preparer": ("Người chuẩn bị", "Người được phân công", "Phân công"),
        "plan_issued": ("Ngày ban hành kế hoạch", "Ngày ban hành", "Ngày xây dựng kế hoạch"),
        "plan_reported": ("Ngày báo cáo cấp trên", "Báo cáo cấp ủy cấp trên"),
    },
    "sessions": {
        "cell_id": _CELL_ID,
        "date": ("Ngày sinh hoạt", "Ngày", "Thời gian", "Ngày họp"),
        "kind": ("Loại sinh hoạt", "Hình thức", "Loại", "Hình thức sinh hoạt"),
        "topic": ("Chủ đề", "Nội dung", "Tên chuyên đề", "Nội dung sinh hoạt"),
        "topic_group": ("Nhóm chủ đề", "Nhóm"),
        "preparer": ("Người chuẩn bị", "Người chuẩn bị dự thảo", "Người trình bày"),
        "draft_approved": ("Ngày duyệt dự thảo", "Bí thư duyệt", "Ngày thông qua dự thảo"),
        "draft_sent": ("Ngày gửi dự thảo", "Gửi dự thảo", "Ngày gửi tài liệu"),
        "members_total": ("Tổng số đảng viên", "Số đảng viên", "Tổng số"),
        "exempted": ("Số đảng viên miễn sinh hoạt", "Miễn sinh hoạt", "Được miễn"),
        "present": ("Số có mặt", "Có mặt", "Dự họp", "Số đảng viên có mặt"),
        "absent_excused": ("Vắng có lý do", "Vắng có LD"),
        "conclusion": ("Kết luận", "Có kết luận", "Thông báo kết luận"),
        "conclusion_date": ("Ngày ban hành kết luận", "Ngày kết luận"),
        "reported": ("Ngày báo cáo cấp trên", "Báo cáo cấp trên"),
        "minutes": ("Biên bản", "Có biên bản"),
        "notes": ("Ghi chú",),
        "start_time": ("Giờ bắt đầu", "Bắt đầu", "Từ giờ"),
        "end_time": ("Giờ kết thúc", "Kết thúc", "Đến giờ"),
        "minutes_long": ("Thời lượng (phút)", "Thời lượng", "Số phút"),
        "prep_meeting": ("Ngày họp chi ủy", "Họp chi ủy", "Ngày chuẩn bị"),
        "notice_sent": ("Ngày thông báo", "Thông báo", "Ngày gửi thông báo"),
        "posted": ("Ngày đăng Sổ tay", "Đăng Sổ tay", "Sổ tay đảng viên"),
        "quality": ("Xếp loại buổi sinh hoạt", "Đánh giá chất lượng", "Xếp loại"),
    },
    # A board's waivers (rulebook-2025.md, section 6): read by auditor.ingest.waivers.
    "waivers": {
        "cell_id": _CELL_ID,
        "rule": ("Quy tắc", "Mã quy tắc", "Quy tắc được miễn", "Rule"),
        "period": ("Kỳ", "Kỳ miễn trừ", "Kỳ được miễn", "Thời kỳ", "Period"),
        "date": ("Ngày", "Ngày được miễn", "Ngày sinh hoạt", "Date"),
        "reason": ("Lý do", "Lý do miễn trừ", "Reason"),
        "approved_by": ("Người duyệt", "Người phê duyệt", "Cấp duyệt", "Approved by"),
        "approved_on": ("Ngày duyệt", "Ngày phê duyệt", "Approved on"),
        "expires": ("Hết hạn", "Ngày hết hạn", "Hiệu lực đến", "Expires"),
    },
}
# The member tables (members.md): a row names its member by code, by name, or both.
_MEMBER = {
    "member_id": ("Mã đảng viên", "Số thẻ đảng viên", "Số thẻ", "Mã ĐV"),
    "member_name": ("Họ và tên", "Họ tên", "Đảng viên", "Họ và tên đảng viên", "Tên đảng viên"),
    "cell_id": _CELL_ID,
}
_MARK = ("Có mặt", "Điểm danh", "Tham dự", "Dự họp", "Dự học", "Tình hình tham dự")
_MONTH = ("Tháng", "Tháng thi", "Tháng phân loại")
FIELDS.update(
    {
        "members": {
            **_MEMBER,
            "status": ("Loại đảng viên", "Chính thức/Dự bị", "Chính thức / Dự bị"),
            "exempt_from": ("Miễn sinh hoạt từ ngày", "Miễn sinh hoạt", "Được miễn sinh hoạt"),
            "joined": ("Ngày chuyển đến", "Ngày vào Đảng", "Chuyển đến"),
            "left": ("Ngày chuyển đi", "Ra khỏi Đảng", "Chuyển đi", "Ngày ra khỏi Đảng"),
        },
        "attendance": {
            **_MEMBER,
            "date": ("Ngày sinh hoạt", "Ngày họp", "Ngày"),
            "mark": _MARK,
            "reason": ("Lý do", "Lý do vắng"),
        },
        "attendance_grid": {
            **_MEMBER,
            **{
                f"m{month:02d}": (
                    f"T{month}",
                    f"Tháng {month}",
                    f"T{month:02d}",
                    f"Tháng {month:02d}",
                )
                for month in range(1, 13)
            },
        },
        "study": {
            **_MEMBER,
            "resolution": ("Tên nghị quyết", "Nội dung học tập", "Nghị quyết", "Nội dung"),
            "date": ("Ngày học", "Ngày học tập", "Ngày quán triệt"),
            "study_format": ("Hình thức", "Hình thức học tập"),
            "mark": _MARK,
            "reason": ("Lý do", "Lý do vắng"),
            "makeup": ("Ngày học bù", "Học bù"),
            "reflection": ("Ngày nộp bài thu hoạch", "Nộp bài thu hoạch", "Bài thu hoạch"),
            "reflection_passed": ("Kết quả bài thu hoạch", "Kết quả thu hoạch"),
            "quiz_score": ("Điểm trắc nghiệm", "Điểm thi trắc nghiệm"),
        },
        "quiz": {
            **_MEMBER,
            "month": _MONTH,
            "quiz_date": ("Ngày thi", "Ngày làm bài"),
            "score": ("Điểm", "Điểm thi", "Kết quả"),
            "questions": ("Số câu", "Số câu hỏi"),
            "seconds": ("Thời gian làm bài", "Thời gian", "Thời gian (giây)"),
            "submitted": ("Giờ nộp bài", "Thời điểm nộp bài", "Nộp bài lúc"),
        },
        "six_good": {
            **_MEMBER,
            "month": _MONTH,
            **{f"c{n}": (f"Tiêu chí {n}", f"TC{n}", f"TC {n}") for n in range(1, 7)},
            "criteria_met": ("Số tiêu chí đạt", "Số tiêu chí"),
            "classification": ("Xếp loại", "Phân loại", "Kết quả phân loại"),
        },
    }
)
#: Personal columns a members sheet may carry: never read, never written (members.md);
#: a note says they were left out.
PERSONAL_HEADERS: tuple[str, ...] = (
    "Ngày sinh",
    "Ngày tháng năm sinh",
    "Năm sinh",
    "Số điện thoại",
    "Điện thoại",
    "SĐT",
    "Email",
    "Địa chỉ",
    "Nơi ở",
    "Nơi ở hiện nay",
    "Quê quán",
    "Số CCCD",
    "CCCD",
    "Căn cước công dân",
    "Số căn cước",
    "CMND",
    "Số CMND",
    "Giới tính",
    "Dân tộc",
    "Tôn giáo",
)

#: Fields a row cannot do without (``cell_id`` may come from the workbook instead).
REQUIRED: dict[str, tuple[str, ...]] = {
    "cells": ("cell_id", "cell_name"),
    "plan": ("quarter", "planned_topic"),
    "sessions": ("date", "kind"),
    # A waiver row missing a reason or an approver is still a row: refused, not skipped.
    "waivers": ("rule",),
    "members": ("member_id", "member_name"),
    "attendance": ("date",),
    "attendance_grid": (),
    "study": ("date",),
    "quiz": ("score",),
    "six_good": ("month",),
}
#: Tables whose rows may leave the cell out: the member they name gives it.
CELL_OPTIONAL = frozenset({"attendance", "attendance_grid", "study", "quiz", "six_good"})

SHEET_ALIASES: dict[str, tuple[str, ...]] = {
    "cells": ("Thông tin", "Thông tin chi bộ", "Chi bộ", "Danh sách chi bộ"),
    "plan": ("Kế hoạch", "Kế hoạch chuyên đề", "Kế hoạch SHCĐ"),
    "sessions": ("Sinh hoạt", "Sổ sinh hoạt", "Nhật ký", "Nhật ký sinh hoạt", "Theo dõi"),
    "waivers": ("Miễn trừ", "Danh sách miễn trừ", "Miễn trừ quy tắc"),
    "members": ("Đảng viên", "Danh sách đảng viên"),
    "attendance": ("Điểm danh", "Theo dõi dự sinh hoạt"),
    "study": ("Học tập nghị quyết", "Quán triệt", "Học tập, quán triệt nghị quyết"),
    "quiz": ("Thi trắc nghiệm", "Kết quả thi", "Kết quả thi trắc nghiệm"),
    "six_good": ("6 tốt", "Phân loại 6 tốt", "Sáu tốt"),
}

#: Headers that are layout, not data: recognised so they are not reported as unknown.
IGNORED_HEADERS = frozenset({"stt", "tt", "so tt", "so thu tu"})

_TRAILING = re.compile(r"(?:\s*(?:\(\s*\*\s*\)|\*|:|\([^()]*\)|\[[^\[\]]*\]))+$")
_PUNCT = re.compile(r"[.\u2026]+$")


@lru_cache(maxsize=8192)
def normalise_header(text: str) -> str:
    """The comparison key of a header or sheet name."""
    return _without_trailing(fold(text))


#: The last characters of a key that a trailing mark, unit or dot may end with.
_TRAILING_ENDS = frozenset(")*:].\u2026")


def _without_trailing(key: str) -> str:
    """``key`` (folded: no space at either end) without its trailing marks and units.

    Most texts (every data value met while looking for a header) end with none of the
    characters a mark ends with: they are returned as they are, without running the
    patterns, which scan the whole text.
    """
    if not key or key[-1] not in _TRAILING_ENDS:
        return key
    previous = None
    while previous != key:
        previous = key
        key = _PUNCT.sub("", _TRAILING.sub("", key)).strip()
    return key


def joined_key(first: str, second: str) -> str:
    """``normalise_header(f"{first} {second}")``, from the two texts' folded forms.

    A two-row header is matched by joining each lower label with the label above it;
    under a one-row header the "lower label" is the first data row, whose values are new
    in every workbook: folding the joined text again was most of the cost of finding a
    header. Folding works character by character and a space joins no character to its
    neighbours, so folding the two parts (each remembered) and joining them gives the
    same key (a hypothesis property holds the two equal).
    """
    return _without_trailing(" ".join(part for part in (fold(first), fold(second)) if part))


def match_joined(table: str, first: str, second: str) -> str | None:
    """The field ``f"{first} {second}"`` names in ``table``, or ``None``."""
    return HEADER_INDEX[table].get(joined_key(first, second))


def _index(table_aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for field, aliases in table_aliases.items():
        for alias in aliases:
            index.setdefault(normalise_header(alias), field)
    return index


HEADER_INDEX: dict[str, dict[str, str]] = {table: _index(f) for table, f in FIELDS.items()}
PERSONAL_INDEX = frozenset(normalise_header(header) for header in PERSONAL_HEADERS)
SHEET_INDEX: dict[str, str] = {
    normalise_header(alias): table for table, aliases in SHEET_ALIASES.items() for alias in aliases
}


def match_header(table: str, text: str) -> str | None:
    """The field a header names in ``table``, or ``None``."""
    return HEADER_INDEX[table].get(normalise_header(text))


def is_personal(text: str) -> bool:
    """Whether a header names a personal column no output may hold (members.md)."""
    return normalise_header(text) in PERSONAL_INDEX


def table_for_sheet(name: str) -> str | None:
    """The logical table a sheet's name announces, or ``None``."""
    return SHEET_INDEX.get(normalise_header(name))


def data_columns(table: str) -> list[str]:
    """A table's fields in the contract's order, without the cell code (what a per-cell
    workbook writes; a consolidated one adds ``cell_id`` in front)."""
    return [field for field in FIELDS[table] if field != "cell_id"]


def canonical_header(table: str, field: str) -> str:
    return FIELDS[table][field][0]
