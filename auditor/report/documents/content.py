"""What each document says, built from the finished report (no layout here).

- :func:`notice`: one cell's "Thông báo kết quả kiểm tra sinh hoạt chi bộ": score, band,
  rank, each violation in plain words with where it was found and what to do, the rows
  the cell must correct, the waivers granted.
- :func:`board_report`: the board's summary of the year for its committee.
- :func:`ranking_list`: the proposed ranking, the annex of the report.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from auditor.models import BANDS, CellResult, MemberResult, RejectedRow, Report, Violation
from auditor.report.common import (
    BAND_NAMES_VI,
    NO_PARENT_VI,
    RuleSummary,
    format_date,
    format_period,
    remedy_text,
)
from auditor.report.documents.chart import bands_chart
from auditor.report.documents.letterhead import BLANK, Letterhead
from auditor.report.documents.model import (
    Block,
    Document,
    Heading,
    Image,
    Para,
    Run,
    Signature,
    Table,
)

__all__ = ["board_report", "document_date", "notice", "ranking_list"]

#: How many rejected rows a notice lists; the rest are counted (the per-cell workbook
#: lists them all).
NOTICE_REJECTED_ROWS = 15
#: How many member findings a notice lists; the rest are counted (the per-cell workbook
#: lists them all).
NOTICE_MEMBER_FINDINGS = 40
#: How many rules the report's "most frequent violations" table shows.
TOP_RULES = 10
#: How many broken files the report lists by name.
REPORT_BROKEN_FILES = 20


def document_date(report: Report, letterhead: Letterhead) -> dt.date:
    """The letterhead's date, else the day the report was generated, else ``as_of``."""
    if letterhead.date is not None:
        return letterhead.date
    if report.generated_at:
        try:
            return dt.date.fromisoformat(report.generated_at[:10])
        except ValueError:
            pass
    return report.as_of


def _place_date(letterhead: Letterhead, day: dt.date) -> str:
    return f"{letterhead.place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def _number(kind: str, letterhead: Letterhead, number: int | None) -> str:
    shown = str(number) if number is not None else "      "
    return f"Số {shown}-{kind}/{letterhead.number_prefix}"


def _heading(letterhead: Letterhead, kind: str, number: int | None, day: dt.date) -> Heading:
    return Heading(
        superior=letterhead.superior.upper(),
        committee=letterhead.committee.upper(),
        number=_number(kind, letterhead, number),
        place_date=_place_date(letterhead, day),
    )


def _signature(letterhead: Letterhead) -> Signature:
    return Signature(
        on_behalf=letterhead.on_behalf.upper(),
        title=letterhead.signer_title.upper(),
        name=letterhead.signer_name,
    )


def _body(letterhead: Letterhead) -> str:
    """The issuing body as a sentence names it ("Ban Tổ chức Huyện ủy")."""
    return letterhead.body_name()


def _points(n: int) -> str:
    return f"{n} điểm"


def _band(band: str) -> str:
    return f"{BAND_NAMES_VI.get(band, band)} ({band})"


def _where(v: Violation, year: int) -> str:
    """Where a violation was found, as a reader looks it up: sheet, row, file, date."""
    parts: list[str] = []
    if v.date is not None:
        if format_date(v.date) not in v.message_vi:
            parts.append(f"buổi ngày {format_date(v.date)}")
    elif v.period and format_period(v.period) not in v.message_vi:
        parts.append(format_period(v.period, year))
    places = [f"trang “{e.sheet}”, dòng {e.row} (tệp {e.file})" for e in v.evidence[:3]]
    if len(v.evidence) > 3:
        places.append(f"và {len(v.evidence) - 3} dòng khác")
    if places:
        parts.append("; ".join(places))
    return "; ".join(parts)


def _waiver(v: Violation) -> Any:
    """The waiver of a violation, when the report carries waivers (newer rule packs)."""
    return getattr(v, "waiver", None) or getattr(v, "waived", None)


def _waiver_text(waiver: Any) -> str:
    if isinstance(waiver, Mapping):
        get = waiver.get
    else:

        def get(key: str, default: Any = None) -> Any:
            return getattr(waiver, key, default)

    parts = [str(get("reason") or "")]
    if get("approved_by"):
        parts.append(f"người duyệt: {get('approved_by')}")
    if get("approved_on"):
        on = get("approved_on")
        parts.append(f"ngày duyệt: {format_date(on) if isinstance(on, dt.date) else on}")
    return "; ".join(p for p in parts if p)


def _violation_blocks(cell: CellResult, rules: Mapping[str, RuleSummary], year: int) -> list[Block]:
    blocks: list[Block] = []
    counted = [v for v in cell.violations if not _waiver(v)]
    if not counted:
        blocks.append(
            Para.of("Qua kiểm tra, không phát hiện thiếu sót trong việc sinh hoạt chi bộ.")
        )
        return blocks
    blocks.append(
        Para.of(
            f"Qua kiểm tra, chi bộ có {len(counted)} thiếu sót, bị trừ tổng cộng "
            f"{sum(v.points for v in counted)} điểm, cụ thể:"
        )
    )
    order: list[str] = []
    by_rule: dict[str, list[Violation]] = {}
    for v in counted:
        if v.rule not in by_rule:
            order.append(v.rule)
        by_rule.setdefault(v.rule, []).append(v)
    n = 0
    for letter, rule_id in zip("abcdefghiklmnopqrstuvxy", order, strict=False):
        found = by_rule[rule_id]
        rule = rules.get(rule_id)
        title = rule.title_vi if rule else rule_id
        lost = sum(v.points for v in found)
        blocks.append(
            Para(
                (
                    Run(f"{letter}) {title} ", "b"),
                    Run(f"({rule_id}; {len(found)} lần, trừ {_points(lost)})"),
                ),
                "body",
            )
        )
        for v in found:
            n += 1
            where = _where(v, year)
            runs = [Run(f"- {v.message_vi}")]
            if where:
                runs.append(Run(f" — {where}", "i"))
            runs.append(Run(f" (trừ {_points(v.points)})."))
            blocks.append(Para(tuple(runs), "item"))
        if rule and rule.remedy_vi:
            blocks.append(Para((Run("Cách khắc phục: ", "i"), Run(remedy_text(rule))), "item"))
    if len(order) > 23:  # more rules than letters: list the rest plainly
        for rule_id in order[23:]:
            for v in by_rule[rule_id]:
                blocks.append(Para.of(f"- {rule_id}: {v.message_vi} — {_where(v, year)}", "item"))
    return blocks


def _member_where(v: Violation) -> str:
    """Where a member finding was found: the study's date unless the message says it,
    then the rows."""
    parts: list[str] = []
    if v.date is not None and format_date(v.date) not in v.message_vi:
        parts.append(f"ngày {format_date(v.date)}")
    # one row stands for several months of a grid: name it once
    rows = list(dict.fromkeys((e.sheet, e.row, e.file) for e in v.evidence))
    places = [f"trang “{sheet}”, dòng {row} (tệp {file})" for sheet, row, file in rows[:3]]
    if len(rows) > 3:
        places.append(f"và {len(rows) - 3} dòng khác")
    return "; ".join([*parts, *places])


def _member_blocks(
    members: Sequence[MemberResult], rules: Mapping[str, RuleSummary], section: int
) -> list[Block]:
    """The cell's members over the year and each member finding (members.md): counts in
    a table, findings by rule with what to do; member findings cost no points unless the
    pack gives them some."""
    found = sum(len(m.violations) for m in members)
    blocks: list[Block] = [
        Para.of(f"{section}. Đảng viên của chi bộ", "section"),
        Para.of(
            f"Theo các bảng đảng viên của chi bộ ({len(members)} đảng viên), "
            + (
                f"có {found} thiếu sót của đảng viên."
                if found
                else "không phát hiện thiếu sót của đảng viên."
            )
        ),
        Table(
            headers=("Đảng viên", "Có mặt", "Vắng P", "Vắng K", "Miễn", "Học NQ", "Thi", "6 tốt"),
            rows=tuple(
                (
                    f"{m.member_name} ({m.member_id})",
                    str(m.months.present),
                    str(m.months.excused),
                    str(m.months.unexcused),
                    str(m.months.exempt),
                    f"{m.studies.attended} + {m.studies.made_up} bù",
                    f"{m.quiz.wins}/{m.quiz.months}",
                    str(m.six_good_months),
                )
                for m in members
            ),
            widths=(0.34, 0.09, 0.08, 0.08, 0.07, 0.14, 0.1, 0.1),
            align="lrrrrccr",
            font_size=10,
        ),
        Para.of(
            "Số tháng có mặt, vắng có lý do (P), vắng không lý do (K), được miễn sinh hoạt; "
            "học tập nghị quyết: số buổi dự + số buổi học bù; thi trắc nghiệm: số tháng "
            "thắng/số tháng dự thi; số tháng đạt “6 tốt”.",
            "item",
        ),
    ]
    by_rule: dict[str, list[tuple[MemberResult, Violation]]] = {}
    for m in members:
        for v in m.violations:
            by_rule.setdefault(v.rule, []).append((m, v))
    room = NOTICE_MEMBER_FINDINGS
    for rule_id in sorted(by_rule):
        rule = rules.get(rule_id)
        listed = by_rule[rule_id]
        blocks.append(
            Para(
                (
                    Run(f"{rule.title_vi if rule else rule_id} ", "b"),
                    Run(f"({rule_id}; {len(listed)} trường hợp)"),
                ),
                "body",
            )
        )
        for _member, v in listed[:room]:
            runs = [Run(f"- {v.message_vi}")]
            where = _member_where(v)
            if where:
                runs.append(Run(f" — {where}", "i"))
            runs.append(Run("."))
            blocks.append(Para(tuple(runs), "item"))
        if len(listed) > room:
            blocks.append(
                Para.of(
                    f"… và {len(listed) - room} trường hợp khác (xem tệp kết quả của chi bộ).",
                    "item",
                )
            )
        room = max(0, room - len(listed))
        if rule and rule.remedy_vi:
            blocks.append(Para((Run("Cách khắc phục: ", "i"), Run(remedy_text(rule))), "item"))
    return blocks


def notice(
    report: Report,
    cell: CellResult,
    rules: Sequence[RuleSummary],
    letterhead: Letterhead,
    *,
    rejected: Sequence[RejectedRow] = (),
    number: int | None = None,
    members: Sequence[MemberResult] | None = None,
) -> Document:
    """The notice of one cell's result (Thông báo). ``members`` are the cell's members
    (by default those of ``report.members`` in the cell): when it has any, a section lists
    them and their findings; without, the notice is as before member tables existed."""
    by_id = {r.id: r for r in rules}
    if members is None:
        members = [m for m in report.members if m.cell_id == cell.cell_id]
    day = document_date(report, letterhead)
    name = cell.cell_name or cell.cell_id
    parent = cell.parent or NO_PARENT_VI
    blocks: list[Block] = [
        Para.of(
            f"Căn cứ kết quả kiểm tra sổ theo dõi sinh hoạt chi bộ năm {report.year} "
            f"(tính đến ngày {format_date(report.as_of)}, theo bộ quy tắc "
            f"{report.rules.pack} phiên bản {report.rules.version}), "
            f"{_body(letterhead)} thông báo kết quả kiểm tra đối với "
            f"{name} (mã {cell.cell_id}), trực thuộc {parent}, như sau:"
        ),
        Para.of("1. Kết quả chấm điểm", "section"),
        Para(
            (
                Run("Điểm: "),
                Run(f"{cell.score}/100", "b"),
                Run(f" (bị trừ {cell.points_lost} điểm). Xếp loại: "),
                Run(_band(cell.band), "b"),
                Run(f". Thứ hạng: {cell.rank}/{len(report.cells)} chi bộ được kiểm tra."),
            ),
            "item",
        ),
    ]
    if cell.moved_by_quota:
        reasons = [m.message_vi for m in report.quota_moves if m.cell_id == cell.cell_id]
        blocks.append(
            Para.of(
                f"Theo điểm, chi bộ đạt mức {_band(cell.band_before_quota)}; do chỉ tiêu "
                f"xếp loại của Quy định 124-QĐ/TW, chi bộ được đề nghị ở mức {_band(cell.band)}. "
                + " ".join(reasons),
                "item",
            )
        )
    blocks.append(Para.of("2. Các thiếu sót và yêu cầu khắc phục", "section"))
    blocks += _violation_blocks(cell, by_id, report.year)
    section = 3
    if members:
        blocks += _member_blocks(members, by_id, section)
        section += 1
    if rejected:
        blocks.append(Para.of(f"{section}. Các dòng trong sổ cần sửa lại", "section"))
        section += 1
        blocks.append(
            Para.of(
                f"Có {len(rejected)} dòng trong sổ của chi bộ không đọc được, chưa được tính "
                "khi chấm điểm. Đề nghị sửa lại theo bảng sau:"
            )
        )
        shown = rejected[:NOTICE_REJECTED_ROWS]
        blocks.append(
            Table(
                headers=("Tệp", "Trang", "Dòng", "Cột", "Giá trị", "Lý do"),
                rows=tuple(
                    (r.file, r.sheet, str(r.row), r.column, r.value, r.reason_vi) for r in shown
                ),
                widths=(0.26, 0.14, 0.07, 0.17, 0.14, 0.22),
                align="llrlll",
                font_size=10,
            )
        )
        if len(rejected) > len(shown):
            blocks.append(
                Para.of(
                    f"… và {len(rejected) - len(shown)} dòng khác (xem tệp kết quả của chi bộ).",
                    "item",
                )
            )
    waived = [v for v in cell.violations if _waiver(v)]
    if waived:
        blocks.append(Para.of(f"{section}. Các trường hợp được miễn trừ", "section"))
        section += 1
        for v in waived:
            blocks.append(
                Para.of(f"- {v.rule}: {v.message_vi} — {_waiver_text(_waiver(v))}.", "item")
            )
    blocks.append(Para.of(f"{section}. Đề nghị", "section"))
    if cell.violations or rejected or any(m.violations for m in members):
        blocks.append(
            Para.of(
                f"Đề nghị {name} tổ chức rút kinh nghiệm, khắc phục các thiếu sót nêu trên và "
                f"báo cáo kết quả về {_body(letterhead)} trong thời "
                "hạn 30 ngày kể từ ngày nhận được thông báo này."
            )
        )
    else:
        blocks.append(
            Para.of(
                f"Đề nghị {name} tiếp tục duy trì nền nếp, nâng cao chất lượng sinh hoạt chi bộ."
            )
        )
    return Document(
        heading=_heading(letterhead, "TB", number, day),
        title="THÔNG BÁO",
        subtitle=f"Kết quả kiểm tra sinh hoạt chi bộ năm {report.year}",
        blocks=blocks,
        recipients=[name, *letterhead.recipients],
        signature=_signature(letterhead),
        subject=f"Thông báo kết quả kiểm tra sinh hoạt chi bộ năm {report.year} – {cell.cell_id}",
        date=day.isoformat(),
    )


def _bands_by_parent(cells: Iterable[CellResult]) -> dict[str, Counter[str]]:
    table: dict[str, Counter[str]] = {}
    for c in cells:
        table.setdefault(c.parent or NO_PARENT_VI, Counter())[c.band] += 1
    return dict(sorted(table.items()))


def board_report(
    report: Report,
    rules: Sequence[RuleSummary],
    letterhead: Letterhead,
    *,
    cells_without_sessions: Sequence[str] = (),
) -> Document:
    """The board's report of the year to its committee (Báo cáo)."""
    by_id = {r.id: r for r in rules}
    day = document_date(report, letterhead)
    inputs = report.inputs
    ok = sum(i.status == "ok" for i in inputs)
    broken = [i for i in inputs if i.status == "error"]
    skipped = sum(i.status == "skipped" for i in inputs)
    bands: Counter[str] = Counter(c.band for c in report.cells)
    cells = len(report.cells)
    body = _body(letterhead)
    blocks: list[Block] = [
        Para.of(
            f"Thực hiện nhiệm vụ kiểm tra việc thực hiện sinh hoạt chi bộ năm {report.year}, "
            f"{body} đã kiểm tra sổ theo dõi sinh hoạt của các chi bộ (số liệu tính đến ngày "
            f"{format_date(report.as_of)}, bộ quy tắc {report.rules.pack} phiên bản "
            f"{report.rules.version}). Kết quả như sau:"
        ),
        Para.of("I. TÌNH HÌNH SỔ SÁCH", "section"),
        Para.of(
            f"- Số chi bộ được kiểm tra: {cells}; số tệp nhận được: {len(inputs)}, trong đó "
            f"đọc được {ok}, lỗi không đọc được {len(broken)}, bỏ qua {skipped}.",
            "item",
        ),
        Para.of(
            f"- Số dòng không hợp lệ phải sửa: {len(report.rejected_rows)}; số ghi chú: "
            f"{len(report.notes)}.",
            "item",
        ),
    ]
    if cells_without_sessions:
        blocks.append(
            Para.of(
                f"- Chi bộ không có buổi sinh hoạt nào trong sổ ({len(cells_without_sessions)}): "
                + ", ".join(cells_without_sessions)
                + ".",
                "item",
            )
        )
    if broken:
        blocks.append(Para.of("- Các tệp lỗi, cần gửi lại:", "item"))
        shown = broken[:REPORT_BROKEN_FILES]
        blocks.append(
            Table(
                headers=("Tệp", "Lý do"),
                rows=tuple((i.file, i.error or "") for i in shown),
                widths=(0.45, 0.55),
                align="ll",
                font_size=10,
            )
        )
        if len(broken) > len(shown):
            blocks.append(Para.of(f"… và {len(broken) - len(shown)} tệp lỗi khác.", "item"))
    blocks.append(Para.of("II. KẾT QUẢ XẾP LOẠI THEO ĐẢNG BỘ", "section"))
    blocks.append(
        Para.of(
            "- Toàn bộ: "
            + "; ".join(f"{BAND_NAMES_VI[b]} {bands.get(b, 0)}" for b in BANDS)
            + f" (tổng {cells} chi bộ).",
            "item",
        )
    )
    per_parent = _bands_by_parent(report.cells)
    blocks.append(
        Table(
            headers=("Đảng bộ", *BANDS, "Tổng"),
            rows=(
                *(
                    (parent, *(str(counts.get(b, 0)) for b in BANDS), str(sum(counts.values())))
                    for parent, counts in per_parent.items()
                ),
                ("Cộng", *(str(bands.get(b, 0)) for b in BANDS), str(cells)),
            ),
            widths=(0.4, 0.12, 0.12, 0.12, 0.12, 0.12),
            align="lrrrrr",
            font_size=11,
        )
    )
    blocks.append(
        Image(
            bands_chart(per_parent),
            width_mm=150,
            caption="Biểu đồ: số chi bộ theo mức xếp loại, từng đảng bộ",
        )
    )
    blocks.append(Para.of("III. CÁC THIẾU SÓT THƯỜNG GẶP", "section"))
    count: Counter[str] = Counter()
    cells_of: dict[str, set[str]] = {}
    for c in report.cells:
        for v in c.violations:
            count[v.rule] += 1
            cells_of.setdefault(v.rule, set()).add(c.cell_id)
    if count:
        top = sorted(count.items(), key=lambda item: (-item[1], item[0]))[:TOP_RULES]
        blocks.append(
            Table(
                headers=("Mã", "Thiếu sót", "Số lần", "Số chi bộ"),
                rows=tuple(
                    (
                        rule_id,
                        by_id[rule_id].title_vi if rule_id in by_id else rule_id,
                        str(n),
                        str(len(cells_of[rule_id])),
                    )
                    for rule_id, n in top
                ),
                widths=(0.1, 0.6, 0.14, 0.16),
                align="llrr",
                font_size=10,
            )
        )
    else:
        blocks.append(Para.of("Không phát hiện thiếu sót nào.", "item"))
    blocks.append(Para.of("IV. ĐIỀU CHỈNH THEO CHỈ TIÊU XẾP LOẠI", "section"))
    if report.quota_moves:
        blocks.append(
            Para.of(
                f"Theo chỉ tiêu của Quy định 124-QĐ/TW, {len(report.quota_moves)} chi bộ đạt "
                "điểm mức Hoàn thành xuất sắc nhiệm vụ được đề nghị ở mức Hoàn thành tốt nhiệm vụ:"
            )
        )
        names = {c.cell_id: c.cell_name or c.cell_id for c in report.cells}
        blocks.append(
            Table(
                headers=("Đảng bộ", "Chi bộ", "Điểm", "Lý do"),
                rows=tuple(
                    (
                        m.parent or NO_PARENT_VI,
                        f"{names.get(m.cell_id, m.cell_id)} ({m.cell_id})",
                        str(m.score),
                        m.message_vi,
                    )
                    for m in report.quota_moves
                ),
                widths=(0.2, 0.22, 0.08, 0.5),
                align="llrl",
                font_size=9.5,
            )
        )
    else:
        blocks.append(Para.of("Không có chi bộ nào phải điều chỉnh theo chỉ tiêu.", "item"))
    blocks.append(Para.of("V. ĐỀ XUẤT", "section"))
    blocks.append(
        Para.of(
            f"{body} đề nghị xem xét, quyết định xếp loại chất lượng chi bộ năm {report.year} "
            "theo danh sách kèm theo; chỉ đạo các chi bộ có thiếu sót khắc phục theo thông báo "
            "đã gửi từng chi bộ và gửi lại các tệp lỗi nêu trên."
        )
    )
    return Document(
        heading=_heading(letterhead, "BC", None, day),
        title="BÁO CÁO",
        subtitle=f"Kết quả kiểm tra sinh hoạt chi bộ năm {report.year}",
        blocks=blocks,
        recipients=list(letterhead.report_recipients),
        signature=_signature(letterhead),
        subject=f"Báo cáo kết quả kiểm tra sinh hoạt chi bộ năm {report.year}",
        date=day.isoformat(),
    )


def ranking_list(report: Report, letterhead: Letterhead) -> Document:
    """The proposed ranking of the cells, best first (Danh sách, annex of the report)."""
    day = document_date(report, letterhead)
    cells = sorted(report.cells, key=lambda c: (c.rank, c.cell_id))
    rows = tuple(
        (
            str(i),
            c.cell_name or c.cell_id,
            c.cell_id,
            c.parent or NO_PARENT_VI,
            str(c.score),
            str(c.rank),
            c.band,
            "Điều chỉnh theo chỉ tiêu" if c.moved_by_quota else "",
        )
        for i, c in enumerate(cells, start=1)
    )
    legend = "; ".join(f"{b}: {BAND_NAMES_VI[b]}" for b in BANDS)
    return Document(
        heading=_heading(letterhead, "DS", None, day),
        title="DANH SÁCH",
        subtitle=f"Đề nghị xếp loại chất lượng chi bộ năm {report.year}",
        blocks=[
            Para.of(f"(Kèm theo Báo cáo số {BLANK}-BC/{letterhead.number_prefix})", "center"),
            Table(
                headers=(
                    "STT",
                    "Tên chi bộ",
                    "Mã",
                    "Đảng bộ",
                    "Điểm",
                    "Hạng",
                    "Xếp loại",
                    "Ghi chú",
                ),
                rows=rows,
                widths=(0.06, 0.24, 0.1, 0.22, 0.07, 0.07, 0.1, 0.14),
                align="clllrrcl",
                font_size=10,
            ),
            Para.of(f"Ghi chú: {legend}.", "item"),
        ],
        recipients=list(letterhead.report_recipients),
        signature=_signature(letterhead),
        subject=f"Danh sách đề nghị xếp loại chất lượng chi bộ năm {report.year}",
        date=day.isoformat(),
    )
