"""A corpus of hostile and broken workbooks: each one fails alone, with a reason, and
nothing is run, expanded, fetched or lost."""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.ingest import load
from auditor.ingest.dataset import Dataset
from auditor.ingest.guard import Limits
from auditor.ingest.read import formulas_without_value, read_sheets
from auditor.ingest.text import clean_text
from tests import hostile
from tests.conftest import SESSION_HEADER, info_sheet, session_row, write_workbook

D = dt.date


def good_workbook(path: Path, cell: str = "CB-001") -> Path:
    rows = [session_row(1, D(2024, 1, 5)), session_row(2, D(2024, 2, 6), "CĐ", "Học tập")]
    return write_workbook(path, [info_sheet(cell), ("Sinh hoạt", [SESSION_HEADER, *rows])])


def assert_nothing_lost(data: Dataset, files: set[str]) -> None:
    """Every file has exactly one entry, a reason when it failed, and rows that add up."""
    assert sorted(i.file for i in data.inputs) == sorted(files)
    for entry in data.inputs:
        assert entry.status in ("ok", "error", "skipped")
        if entry.status != "ok":
            assert entry.error and entry.error_en, entry
        counts = entry.rows
        assert counts.read == counts.accepted + counts.rejected
        kept = sum(
            int((frame["file"] == entry.file).sum()) if len(frame) else 0
            for frame in (data.cells, data.plan, data.sessions)
        )
        assert kept == counts.accepted
        rejected = {(r.sheet, r.row) for r in data.rejected if r.file == entry.file}
        assert len(rejected) == counts.rejected


def everything_said(data: Dataset) -> str:
    """All text the dataset carries, for checking what must never appear in it."""
    parts = [entry.model_dump_json() for entry in data.inputs]
    parts += [note.model_dump_json() for note in data.notes]
    parts += [row.model_dump_json() for row in data.rejected]
    for frame in (data.cells, data.plan, data.sessions):
        parts.append(frame.to_json(orient="records", force_ascii=False, date_format="iso"))
    return "\n".join(parts)


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A directory of hostile files next to two good ones, with the reason each gets."""
    root = tmp_path / "in"
    root.mkdir()
    expected = {
        "bomb.xlsx": "compress",
        "huge_range.xlsx": "16,384 columns",
        "huge_range_undeclared.xlsx": "16,384 columns",
        "laughs_sheet.xlsx": "DTD",
        "laughs_sst.xlsx": "DTD",
        "xxe_sheet.xlsx": "DTD",
        "xxe_sst.xlsx": "DTD",
        "encrypted.xlsx": "password-protected",
        "truncated.xlsx": "corrupt",
        "photo.xlsx": "Not a spreadsheet",
        "photo.xls": "Not a spreadsheet",
        "scan.xlsx": "Not a spreadsheet",
        "empty.xlsx": "The file is empty",
        "empty.ods": "The file is empty",
        "many_members.xlsx": "members",
        "huge_dimensions.xls": "4,294,967,280 rows",
        "inflated_sst.xlsx": "corrupt",
    }
    hostile.bomb_xlsx(root / "bomb.xlsx", megabytes=256)
    hostile.huge_range_xlsx(root / "huge_range.xlsx")
    hostile.huge_range_xlsx(root / "huge_range_undeclared.xlsx", declare=False)
    hostile.billion_laughs_xlsx(root / "laughs_sheet.xlsx", "sheet")
    hostile.billion_laughs_xlsx(root / "laughs_sst.xlsx", "sst")
    hostile.external_entity_xlsx(root / "xxe_sheet.xlsx", where="sheet")
    hostile.external_entity_xlsx(root / "xxe_sst.xlsx", where="sst")
    hostile.encrypted_ooxml(root / "encrypted.xlsx")
    good = good_workbook(tmp_path / "source.xlsx")
    hostile.truncated_copy(good, root / "truncated.xlsx", 0.6)
    (root / "photo.xlsx").write_bytes(hostile.PNG_BYTES)
    (root / "photo.xls").write_bytes(hostile.PNG_BYTES)
    (root / "scan.xlsx").write_bytes(hostile.PDF_BYTES)
    (root / "empty.xlsx").write_bytes(b"")
    (root / "empty.ods").write_bytes(b"")
    hostile.many_members_xlsx(root / "many_members.xlsx", count=10_001)
    hostile.huge_dimensions_xls(root / "huge_dimensions.xls")
    hostile.inflated_shared_strings_xlsx(root / "inflated_sst.xlsx")
    good_workbook(root / "good.xlsx", "CB-001")
    # an .xlsx saved under an .xls name reads by its content
    (root / "renamed.xls").write_bytes(good_workbook(tmp_path / "r.xlsx", "CB-002").read_bytes())
    return root, expected


@pytest.mark.parametrize("workers", [0, 2])
def test_every_hostile_file_fails_alone_with_a_reason(
    corpus: tuple[Path, dict[str, str]], workers: int
) -> None:
    root, expected = corpus
    data = load([root], workers=workers)
    assert_nothing_lost(data, {p.name for p in root.iterdir()})
    by_file = {entry.file: entry for entry in data.inputs}
    for name, reason in expected.items():
        entry = by_file[name]
        assert entry.status == "error", name
        assert entry.error_en is not None and reason in entry.error_en, (name, entry.error_en)
    assert by_file["good.xlsx"].status == "ok"
    assert by_file["renamed.xls"].status == "ok"
    assert set(data.sessions["cell_id"]) == {"CB-001", "CB-002"}
    said = everything_said(data)
    assert "root:" not in said and "/bin/" not in said and "lollol" not in said


def test_password_reason_is_vietnamese_first(tmp_path: Path) -> None:
    (entry,) = load([hostile.encrypted_ooxml(tmp_path / "khoa.xlsx")]).inputs
    assert entry.error == "Tệp có mật khẩu, không đọc được"
    assert entry.error_en == "The file is password-protected"


def test_bounded_worker_catches_what_the_guard_lets_through(tmp_path: Path) -> None:
    """With the reference limits lifted, calamine's 512 GB request kills only its worker."""
    hostile.huge_range_xlsx(tmp_path / "huge.xlsx")
    good_workbook(tmp_path / "good.xlsx")
    limits = Limits(max_rows=10**9, max_cols=10**9, max_cells=10**18, memory_mb=1024)
    data = load([tmp_path], limits=limits, workers=2)
    by_file = {entry.file: entry for entry in data.inputs}
    assert by_file["huge.xlsx"].status == "error"
    assert by_file["huge.xlsx"].error_en is not None
    assert by_file["good.xlsx"].status == "ok"


def test_time_limit_makes_an_error(tmp_path: Path) -> None:
    good_workbook(tmp_path / "good.xlsx")
    data = load([tmp_path], limits=Limits(timeout_s=0.000001), workers=1)
    (entry,) = data.inputs
    # A worker cannot answer within a microsecond: the file fails with the time limit.
    assert entry.status == "error" and "time limit" in (entry.error_en or "")


def test_macro_enabled_workbook_is_read_and_nothing_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    rows = [["Mã chi bộ", "CB-009"], ["Tên chi bộ", f'=CALL("{marker}")']]
    path = hostile.macro_xlsm(tmp_path / "macro.xlsm", rows, name="Thông tin")
    with zipfile.ZipFile(path) as archive:
        assert "xl/vbaProject.bin" in archive.namelist()
    data = load([path], workers=0)
    assert data.inputs[0].status == "ok"
    assert list(data.cells["cell_id"]) == ["CB-009"]
    assert not marker.exists()


def test_formula_without_cached_value_is_listed_never_computed(tmp_path: Path) -> None:
    sheets = {s.name: s for s in read_sheets(hostile.formula_xlsx(tmp_path / "f.xlsx"))}
    sheet = sheets["Sheet1"]
    assert sheet.rows[1] == [2.0, "xy"]  # cached values, as saved
    assert sheet.formula_without_value == [(3, 1), (3, 2)]
    assert sheets["Trống"].formula_without_value == []


def test_workbook_without_formulas_lists_none(tmp_path: Path) -> None:
    for sheet in read_sheets(good_workbook(tmp_path / "g.xlsx")):
        assert sheet.formula_without_value == []


def test_openpyxl_formulas_without_cache_are_found(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sinh hoạt"
    sheet["A1"] = "STT"
    sheet["A2"] = 1
    sheet["A3"] = "=A2+1"  # openpyxl saves a formula with no cached value
    sheet["C7"] = "=SUM(A2:A3)"
    workbook.save(tmp_path / "o.xlsx")
    (read,) = read_sheets(tmp_path / "o.xlsx")
    assert read.formula_without_value == [(3, 1), (7, 3)]


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".ods"])
def test_formula_and_markup_injection_arrive_as_exact_text(tmp_path: Path, suffix: str) -> None:
    texts = hostile.INJECTIONS
    rows = [session_row(n, D(2024, 1, n), "CĐ", text) for n, text in enumerate(texts, start=1)]
    sheets = [
        info_sheet("CB-001", name=texts[0], parent=texts[4]),
        ("Sinh hoạt", [SESSION_HEADER, *rows]),
    ]
    path = tmp_path / f"inject{suffix}"
    if suffix == ".xlsx":
        hostile.injection_xlsx(path, sheets)
    else:
        write_workbook(path, sheets)
    data = load([path])
    assert data.inputs[0].status == "ok", data.inputs[0]
    assert list(data.sessions["topic"]) == [clean_text(t) for t in texts]
    assert data.cells.iloc[0]["cell_name"] == texts[0]
    assert data.cells.iloc[0]["parent"] == texts[4]


def test_symlink_out_of_the_input_tree_is_not_followed(tmp_path: Path) -> None:
    outside = good_workbook(tmp_path / "secret.xlsx", "CB-SECRET")
    root = tmp_path / "in"
    root.mkdir()
    good_workbook(root / "good.xlsx")
    good_workbook(root / "inner.xlsx", "CB-INNER")
    try:
        (root / "link.xlsx").symlink_to(outside)
        (root / "inner_link.xlsx").symlink_to(root / "inner.xlsx")
        (root / "dir_link").symlink_to(tmp_path, target_is_directory=True)
    except OSError:
        pytest.skip("symbolic links not available")
    data = load([root])
    by_file = {entry.file: entry for entry in data.inputs}
    assert by_file["link.xlsx"].status == "skipped"
    assert "outside" in (by_file["link.xlsx"].error_en or "") or "out of" in (
        by_file["link.xlsx"].error_en or ""
    )
    assert by_file["inner_link.xlsx"].status == "ok"
    assert not any(entry.file.startswith("dir_link") for entry in data.inputs)
    assert "CB-SECRET" not in set(data.sessions["cell_id"])


# ------------------------------------------------------------------ mutation fuzzing

_SNIPPETS = [
    b'<c r="XFD1048576"><v>1</v></c>',
    b'<row r="1048577"><c r="A1048577"><v>1</v></c></row>',
    b'<!DOCTYPE x [<!ENTITY a "b">]>',
    b"&a;",
    b"<f>1+1</f>",
    b"</row>",
    b"</sheetData>",
    b'<dimension ref="A1:XFD1048576"/>',
    b"\x00\xff\xfe",
    b'<c r="B2" t="s"><v>999999</v></c>',
    b'<c r="A1" t="d"><v>not a date</v></c>',
]

_BASES: dict[str, bytes] = {}


def _base(suffix: str) -> bytes:
    if suffix not in _BASES:
        buffer = Path(os.environ.get("TMPDIR", "/tmp")) / f"hostile-base-{os.getpid()}{suffix}"
        _BASES[suffix] = good_workbook(buffer).read_bytes()
        buffer.unlink()
    return _BASES[suffix]


def _mutate_xml(data: bytes, rng: random.Random) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("xl/worksheets/") or info.filename.endswith(
                ("sharedStrings.xml", "content.xml")
            ):
                for _ in range(rng.randint(1, 3)):
                    at = rng.randrange(len(content))
                    choice = rng.randrange(4)
                    if choice == 0:
                        content = content[:at] + rng.choice(_SNIPPETS) + content[at:]
                    elif choice == 1:
                        content = content[:at] + content[at + rng.randint(1, 40) :]
                    elif choice == 2:
                        span = content[at : at + rng.randint(1, 200)]
                        content = content[:at] + span * rng.randint(2, 5) + content[at:]
                    else:
                        content = content.replace(b'r="', b'r="' + b"9" * rng.randint(1, 7), 1)
            target.writestr(info.filename, content)
    return out.getvalue()


def _mutate(data: bytes, kind: str, rng: random.Random) -> bytes:
    if kind == "truncate":
        return data[: rng.randrange(len(data))]
    if kind == "xml" and data.startswith(b"PK"):
        return _mutate_xml(data, rng)
    mutated = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        mutated[rng.randrange(len(mutated))] ^= rng.randint(1, 255)
    return bytes(mutated)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([".xlsx", ".xls", ".ods"]),
            st.sampled_from(["flip", "truncate", "xml", "xml"]),
            st.integers(0, 2**32 - 1),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_mutated_workbooks_always_end_with_a_status(
    tmp_path_factory: pytest.TempPathFactory, plan: list[tuple[str, str, int]]
) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    good_workbook(root / "good.xlsx")
    for number, (suffix, kind, seed) in enumerate(plan):
        data = _mutate(_base(suffix), kind, random.Random(seed))
        (root / f"m{number}{suffix}").write_bytes(data)
    data = load([root], workers=2, limits=Limits(timeout_s=20, memory_mb=1024))
    assert_nothing_lost(data, {p.name for p in root.iterdir()})
    assert {e.file: e.status for e in data.inputs}["good.xlsx"] == "ok"


def test_formula_scan_fallback_and_chunk_edges(tmp_path: Path) -> None:
    """Prefixed tags and cells without ``r`` take the full parse; a cell cut by the 1 MB
    read boundary is still found."""
    prefixed = (
        f'<x:worksheet xmlns:x="{hostile.MAIN_NS}"><x:sheetData>'
        '<x:row r="2"><x:c r="B2"><x:f>1+1</x:f></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    ).encode()
    no_refs = hostile.sheet_xml(
        "<row><c><v>1</v></c><c><f>A1</f></c></row><row><c><f>1</f></c></row>"
    )
    tail = '<row r="9"><c r="C9" s="1"><f>SUM(A1:A2)</f></c><c r="D9"><f>1</f><v>1</v></c></row>'
    head = '<row r="1"><c r="A1"><v>1</v></c></row>'
    where = hostile.sheet_xml(head + tail).index(b"<f>SUM")
    for offset in range(-48, 49, 6):  # where <f> starts, relative to the 1 MB boundary
        body = head + " " * ((1 << 20) - where + offset) + tail
        xml = hostile.sheet_xml(body)
        assert xml.index(b"<f>SUM") == (1 << 20) + offset
        path = hostile.raw_xlsx(tmp_path / "edge.xlsx", [("Sheet1", xml)])
        assert formulas_without_value(path) == {"Sheet1": [(9, 3)]}, offset
    path = hostile.raw_xlsx(tmp_path / "x.xlsx", [("P", prefixed), ("N", no_refs)])
    assert formulas_without_value(path) == {"P": [(2, 2)], "N": [(1, 2), (2, 1)]}
