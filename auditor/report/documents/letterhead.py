"""The board's letterhead: who issues the documents, where, and who signs them.

A board fills a small YAML file once (``--letterhead bo_phan.yaml``); every field has a
generic default, so documents are written even without one, with dotted blanks where the
board's own words go (staff complete them in the ``.docx`` before signing).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["DEFAULT_LETTERHEAD", "Letterhead", "LetterheadError", "load_letterhead"]

#: What a blank of the form looks like when the board has not given its own words.
BLANK = "……………"


class LetterheadError(ValueError):
    """A letterhead file that cannot be used; the message is Vietnamese, then English."""


class Letterhead(BaseModel):
    """The fields of Hướng dẫn 36-HD/VPTW's heading and signature blocks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: The superior committee, first line of the issuing-body block ("HUYỆN ỦY AN PHÚ").
    superior: str = Field(default="ĐẢNG BỘ " + BLANK, max_length=120)
    #: The issuing body itself, in bold under it ("BAN TỔ CHỨC").
    committee: str = Field(default="BAN TỔ CHỨC", max_length=120)
    #: The issuing body as the text names it ("Ban Tổ chức Huyện ủy"); none: the
    #: committee's line in sentence case.
    name_in_text: str | None = Field(default=None, max_length=120)
    #: Place in the date line ("An Phú, ngày 15 tháng 01 năm 2025").
    place: str = Field(default=BLANK, max_length=80)
    #: Abbreviation after the document kind in the number ("BTCHU" -> "Số 12-TB/BTCHU").
    number_prefix: str = Field(default="BTC", max_length=40)
    #: First number of the notices; none leaves the number blank for the office to fill in.
    first_number: int | None = Field(default=None, ge=1)
    #: Date of the documents; none takes the report's date.
    date: dt.date | None = None
    #: "T/M ..." line of the signature block.
    on_behalf: str = Field(default="T/M BAN TỔ CHỨC", max_length=120)
    signer_title: str = Field(default="TRƯỞNG BAN", max_length=120)
    signer_name: str = Field(default="", max_length=120)
    #: Who else receives every notice, after the cell itself ("Nơi nhận").
    recipients: list[str] = Field(default_factory=lambda: ["Lưu văn phòng"], max_length=20)
    #: Who receives the board's report.
    report_recipients: list[str] = Field(
        default_factory=lambda: ["Ban Thường vụ (để báo cáo)", "Lưu văn phòng"], max_length=20
    )

    def body_name(self) -> str:
        """The issuing body as a sentence names it ("Ban Tổ chức Huyện ủy")."""
        if self.name_in_text:
            return self.name_in_text
        text = " ".join(self.committee.split())
        if not text:
            return "Ban Tổ chức"
        if text.upper().startswith("BAN TỔ CHỨC"):
            rest = text[len("BAN TỔ CHỨC") :].strip().lower()
            return "Ban Tổ chức" + (f" {rest[:1].upper()}{rest[1:]}" if rest else "")
        return text[:1] + text[1:].lower()


DEFAULT_LETTERHEAD = Letterhead()


def load_letterhead(path: Path) -> Letterhead:
    """Read a letterhead file (YAML mapping of the :class:`Letterhead` fields)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as problem:
        raise LetterheadError(
            f"Không đọc được tệp tiêu đề {path}: {problem}\nCannot read letterhead file {path}."
        ) from None
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as problem:
        raise LetterheadError(
            f"Tệp tiêu đề {path} không phải YAML hợp lệ: {problem}\n"
            f"Letterhead file {path} is not valid YAML."
        ) from None
    if not isinstance(data, dict):
        raise LetterheadError(
            f"Tệp tiêu đề {path} phải là các dòng 'khóa: giá trị'.\n"
            f"Letterhead file {path} must be a mapping of 'key: value' lines."
        )
    try:
        return Letterhead.model_validate(data)
    except ValidationError as problem:
        lines = [
            f"- {'.'.join(str(p) for p in e['loc']) or '(tệp)'}: {e['msg']}"
            for e in problem.errors()
        ]
        raise LetterheadError(
            f"Tệp tiêu đề {path} có trường không hợp lệ / invalid fields:\n" + "\n".join(lines)
        ) from None
