"""report.html's members tables, now built in Python, are the bytes the Jinja2 loop they
replaced wrote (kept here verbatim as the reference), whatever the names, messages and
evidence hold: markup, quotes, ampersands, Vietnamese text, no findings, no evidence."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.models import (
    Evidence,
    MemberMonths,
    MemberQuizYear,
    MemberResult,
    MemberStudies,
    Report,
    Violation,
)
from auditor.report.html import environment, render_html
from tests.report_factories import XSS_NAME, cell, report, rules

#: The members part of each cell's section in report.html.j2 before it was built in
#: Python (commit 09d29d6), and what followed it.
_LOOP = """{{ head }}{% set members = members_by_cell.get(c.cell_id, []) %}
{% if members %}
<h4>Đảng viên ({{ members | length }})</h4>
<table>
<thead><tr><th>Mã</th><th>Họ và tên</th><th>Có mặt</th><th>Vắng có lý do</th><th>Vắng không lý do</th><th>Miễn</th><th>Thi: tháng / thắng</th><th>Vi phạm</th></tr></thead>
<tbody>
{% for m in members %}
<tr>
<td>{{ m.member_id }}</td><td>{{ m.member_name }}</td>
<td class="num">{{ m.months.present }}</td><td class="num">{{ m.months.excused }}</td><td class="num">{{ m.months.unexcused }}</td><td class="num">{{ m.months.exempt }}</td>
<td class="num">{{ m.quiz.months }} / {{ m.quiz.wins }}</td>
<td>{% for v in m.violations %}<b>{{ v.rule }}</b> {{ v.message_vi }}{% if v.evidence %} <span class="evidence">({% for e in v.evidence %}{{ e.file }} › {{ e.sheet }} › dòng {{ e.row }}{% if not loop.last %}; {% endif %}{% endfor %})</span>{% endif %}{% if not loop.last %}<br>{% endif %}{% endfor %}</td>
</tr>
{% endfor %}
</tbody>
</table>
{% endif %}
</details>
"""  # noqa: E501

_TEXT = st.one_of(
    st.sampled_from(["Nguyễn Văn An", XSS_NAME, "A & B", "'x'", 'say "hi"', "<b>", ""]),
    st.text(max_size=12),
)
_COUNT = st.integers(0, 12)


@st.composite
def _members(draw: st.DrawFn, cell_ids: list[str]) -> list[MemberResult]:
    out = []
    for n in range(draw(st.integers(0, 6))):
        violations = [
            Violation(
                rule=draw(st.sampled_from(["DV01", "DV02", "DV04"])),
                points=0,
                message_vi=draw(_TEXT),
                message_en="x",
                evidence=[
                    Evidence(file=draw(_TEXT), sheet=draw(_TEXT), row=draw(st.integers(1, 99)))
                    for _ in range(draw(st.integers(0, 3)))
                ],
            )
            for _ in range(draw(st.integers(0, 3)))
        ]
        out.append(
            MemberResult(
                member_id=f"DV-{n}{draw(_TEXT)}",
                member_name=draw(_TEXT),
                cell_id=draw(st.sampled_from(cell_ids)),
                months=MemberMonths(
                    present=draw(_COUNT), excused=draw(_COUNT), unexcused=draw(_COUNT)
                ),
                studies=MemberStudies(),
                quiz=MemberQuizYear(months=draw(_COUNT), wins=draw(_COUNT)),
                violations=violations,
            )
        )
    return out


def _reference_page(run: Report) -> str:
    """The page the Jinja2 loop wrote: each cell's section, then its members."""
    env = environment()
    loop = env.from_string(_LOOP)
    page = render_html(run.model_copy(update={"members": []}), rules())
    by_cell: dict[str, list[MemberResult]] = {}
    for m in run.members:
        by_cell.setdefault(m.cell_id, []).append(m)
    for c in run.cells:
        # a cell's section without members ends with its head and </details>
        end = page.index(f"{c.cell_id} – ")
        close = page.index("</details>\n", end)
        head = page[:close]
        rest = page[close + len("</details>\n") :]
        section = loop.render(head="", c=c, members_by_cell=by_cell)
        page = head + section + rest
    return page


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_members_tables_are_the_bytes_the_jinja_loop_wrote(data: st.DataObject) -> None:
    cells = [cell("CB001", rank=1), cell("CB002", name="Chi bộ <2>", rank=2)]
    members = data.draw(_members(["CB001", "CB002", "CB999"]))
    run = report(cells).model_copy(update={"members": members})
    assert render_html(run, rules()) == _reference_page(run)


def test_a_member_and_his_findings_are_in_his_cells_section() -> None:
    member = MemberResult(
        member_id="DV-01",
        member_name=XSS_NAME,
        cell_id="CB002",
        violations=[
            Violation(
                rule="DV01",
                points=0,
                message_vi="Vắng 3 tháng",
                message_en="x",
                evidence=[Evidence(file="a.xlsx", sheet="Điểm danh", row=4)],
            )
        ],
    )
    run = report([cell("CB001", rank=1), cell("CB002", rank=2)]).model_copy(
        update={"members": [member]}
    )
    page = render_html(run, rules())
    second = page[page.index("CB002 – ") :]
    assert "<h4>Đảng viên (1)</h4>" in second and "<script>alert" not in page
    assert "<b>DV01</b> Vắng 3 tháng" in second and "a.xlsx › Điểm danh › dòng 4" in second
    assert "<h4>Đảng viên" not in page[page.index("CB001 – ") : page.index("CB002 – ")]
