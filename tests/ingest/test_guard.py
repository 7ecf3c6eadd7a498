"""The pre-parse checks of auditor.ingest.guard, one hostile shape each."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.ingest import guard
from auditor.ingest.guard import Limits, _reference_patterns, check_file, inspect_file
from auditor.ingest.read import (
    ReadError,
    formulas_without_value,
    ole_stream_names,
    read_sheets,
)
from tests import hostile

ROOT = Path(__file__).resolve().parents[2]


def refused(path: Path, limits: Limits | None = None) -> ReadError:
    with pytest.raises(ReadError) as caught:
        check_file(path, limits or Limits())
    assert caught.value.reason_vi and caught.value.reason_en
    return caught.value


def test_a_normal_workbook_passes(tmp_path: Path) -> None:
    path = hostile.simple_xlsx(tmp_path / "ok.xlsx", [["Mã chi bộ", "CB-001"]])
    assert check_file(path, Limits()) == "zip"


def test_compression_bomb_is_refused_from_the_zip_directory(tmp_path: Path) -> None:
    path = hostile.bomb_xlsx(tmp_path / "bomb.xlsx", megabytes=120)
    assert path.stat().st_size < 1024 * 1024
    problem = refused(path)
    assert "nén" in problem.reason_vi and "compress" in problem.reason_en


def test_declared_unpacked_size_is_capped(tmp_path: Path) -> None:
    path = hostile.bomb_xlsx(tmp_path / "big.xlsx", megabytes=20)
    problem = refused(path, Limits(max_unpacked_mb=10, max_ratio=1e9))
    assert "giải nén ra" in problem.reason_vi


def test_too_many_members(tmp_path: Path) -> None:
    path = hostile.many_members_xlsx(tmp_path / "many.xlsx", count=300)
    assert "thành phần" in refused(path, Limits(max_members=200)).reason_vi


def test_file_size_is_capped(tmp_path: Path) -> None:
    path = hostile.simple_xlsx(tmp_path / "ok.xlsx", [["a"]])
    assert "quá lớn" in refused(path, Limits(max_file_mb=0.0001)).reason_vi


@pytest.mark.parametrize("declare", [True, False])
def test_million_by_million_range_is_refused_before_parsing(tmp_path: Path, declare: bool) -> None:
    # calamine would ask for 512 GB for this sheet and abort the process.
    path = hostile.huge_range_xlsx(tmp_path / "huge.xlsx", declare=declare)
    problem = refused(path)
    assert "16.384 cột" in problem.reason_vi and "1,048,576" in problem.reason_en


@pytest.mark.parametrize(
    ("far", "limits", "ok"),
    [
        ("P1048576", Limits(), True),  # a full-height 16-column log is fine
        ("SR10", Limits(), True),  # 512 columns
        ("SS10", Limits(), False),  # 513 columns
        ("A1100001", Limits(), False),
        ("SR3000", Limits(max_cells=1_000_000), False),  # a wide reference counts cells
        ("Z20", Limits(max_cols=20, max_rows=9), False),
    ],
)
def test_cell_references_are_compared_exactly(
    tmp_path: Path, far: str, limits: Limits, ok: bool
) -> None:
    path = hostile.huge_range_xlsx(tmp_path / "x.xlsx", declare=False, far=far)
    if ok:
        assert check_file(path, limits) == "zip"
    else:
        refused(path, limits)


def test_shared_string_count_must_fit_the_part(tmp_path: Path) -> None:
    # calamine reserves uniqueCount strings up front: 96 GB for this one
    path = hostile.inflated_shared_strings_xlsx(tmp_path / "sst.xlsx")
    assert "corrupt" in refused(path).reason_en
    fine = hostile.inflated_shared_strings_xlsx(tmp_path / "ok.xlsx", unique=1)
    assert check_file(fine, Limits()) == "zip"
    assert read_sheets(fine)[0].rows == [["x"]]


def test_xls_dimensions_are_checked(tmp_path: Path) -> None:
    # calamine reserves rows x columns cells from this record: ~200 GB here
    path = hostile.huge_dimensions_xls(tmp_path / "huge.xls")
    assert "4.294.967.280 dòng" in refused(path).reason_vi
    fine = hostile.huge_dimensions_xls(tmp_path / "fine.xls", rows=65536, cols=256)
    assert check_file(fine, Limits()) == "ole"
    assert read_sheets(fine)[0].rows[0] == ["Mã chi bộ", "CB-001"]


@pytest.mark.parametrize("how", ["cut", "swallowed"])
def test_ods_table_that_never_closes_is_refused(tmp_path: Path, how: str) -> None:
    # calamine would loop forever on it (only a worker's time limit could stop it)
    path = hostile.unclosed_table_ods(tmp_path / "loop.ods", how)
    assert "corrupt" in refused(path).reason_en


def test_broken_ole_is_corrupt(tmp_path: Path) -> None:
    path = hostile.truncated_copy(
        hostile.huge_dimensions_xls(tmp_path / "a.xls", rows=2, cols=2), tmp_path / "b.xls", 0.5
    )
    check_file(path, Limits())  # too broken for the guard to tell; the reader says why
    with pytest.raises(ReadError) as caught:
        read_sheets(path)
    assert "corrupt" in caught.value.reason_en


@pytest.mark.parametrize("where", ["sheet", "sst"])
def test_dtd_is_refused(tmp_path: Path, where: str) -> None:
    for path in (
        hostile.billion_laughs_xlsx(tmp_path / "laughs.xlsx", where),
        hostile.external_entity_xlsx(tmp_path / "xxe.xlsx", where=where),
    ):
        assert "DTD" in refused(path).reason_en


@pytest.mark.parametrize("where", ["sheet", "sst"])
def test_calamine_itself_expands_no_entity(tmp_path: Path, where: str) -> None:
    """Past the guard, calamine refuses unknown entities instead of expanding them."""
    for path in (
        hostile.billion_laughs_xlsx(tmp_path / "laughs.xlsx", where),
        hostile.external_entity_xlsx(tmp_path / "xxe.xlsx", where=where),
    ):
        with pytest.raises(ReadError) as caught:
            read_sheets(path)
        assert "root:" not in str(caught.value)


def test_encrypted_ooxml_is_password_protected(tmp_path: Path) -> None:
    path = hostile.encrypted_ooxml(tmp_path / "secret.xlsx")
    assert {"EncryptionInfo", "EncryptedPackage"} <= ole_stream_names(path)
    assert check_file(path, Limits()) == "ole"
    with pytest.raises(ReadError) as caught:
        read_sheets(path)
    assert caught.value.reason_vi.startswith("Tệp có mật khẩu")


def test_encrypted_ods_is_password_protected(tmp_path: Path) -> None:
    path = tmp_path / "secret.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
            'manifest:1.0"><manifest:file-entry manifest:full-path="content.xml">'
            "<manifest:encryption-data/></manifest:file-entry></manifest:manifest>",
        )
        archive.writestr("content.xml", b"\x8f\x01 encrypted bytes")
    assert refused(path).reason_en == "The file is password-protected"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "The file is empty"),
        (hostile.PNG_BYTES, "Not a spreadsheet"),
        (hostile.PDF_BYTES, "Not a spreadsheet"),
        (b"PK\x03\x04" + b"\x00" * 40, "corrupt"),
    ],
)
def test_misnamed_and_empty(tmp_path: Path, content: bytes, expected: str) -> None:
    for suffix in (".xlsx", ".xls"):
        path = tmp_path / f"f{suffix}"
        path.write_bytes(content)
        assert expected in refused(path).reason_en


def test_zip_that_is_no_workbook(tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.png", hostile.PNG_BYTES)
    assert "Not a spreadsheet" in refused(path).reason_en


def test_truncated(tmp_path: Path) -> None:
    source = hostile.simple_xlsx(tmp_path / "ok.xlsx", [["Mã chi bộ", "CB-001"]] * 50)
    for keep in (0.3, 0.9, 0.99):
        path = hostile.truncated_copy(source, tmp_path / "cut.xlsx", keep)
        assert "corrupt" in refused(path).reason_en


def test_corrupt_member_data(tmp_path: Path) -> None:
    path = hostile.simple_xlsx(tmp_path / "ok.xlsx", [["Mã chi bộ", "CB-001"]] * 50)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for offset in range(start + 2, start + info.compress_size - 2, 7):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(ReadError):
        check_file(path, Limits())


def test_the_guard_finds_the_sheets_with_formulas_the_reader_would(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A3"] = "=A2+1"  # no cached value
    workbook.create_sheet("Trống")["B2"] = "text"
    workbook.save(tmp_path / "o.xlsx")
    paths = [
        tmp_path / "o.xlsx",
        hostile.formula_xlsx(tmp_path / "f.xlsx"),
        *sorted((ROOT / "sample_data").rglob("*.xlsx")),
        *sorted((ROOT / "tests" / "data").rglob("*.xlsx")),
    ]
    paths = [path for path in paths if not path.name.startswith("password")]  # OLE inside
    with_formulas = 0
    for path in paths:
        hint = inspect_file(path, Limits()).formula_members
        assert hint is not None
        assert formulas_without_value(path, hint) == formulas_without_value(path), path
        with_formulas += bool(hint)
    assert with_formulas >= 2  # the two workbooks with formulas were seen as such
    assert inspect_file(tmp_path / "o.xlsx", Limits()).formula_members == {
        "xl/worksheets/sheet1.xml"
    }


@given(
    dollar=st.sampled_from(["", "$"]),
    letters=st.text("ABCXYZ", max_size=4),
    digits=st.text("0123456789", min_size=1, max_size=9),
    limits=st.sampled_from([Limits(), Limits(max_rows=5_000, max_cols=30)]),
)
def test_reference_patterns_find_what_backtracking_ones_find(
    dollar: str, letters: str, digits: str, limits: Limits
) -> None:
    """The guard's possessive patterns (fast) match exactly the references that the same
    patterns with backtracking match, so no far cell slips past them."""
    text = f'<c r="{dollar}{letters}{dollar}{digits}" t="n">'.encode()
    for fast in _reference_patterns(limits):
        slow = re.compile(
            fast.pattern.replace(b"++", b"+").replace(b"}+", b"}").replace(b"?+", b"?")
        )
        assert [m.groups() for m in fast.finditer(text)] == [
            m.groups() for m in slow.finditer(text)
        ]


# ------------------------------------------------------------------ what real programs write


def test_only_an_r_attribute_is_a_reference(tmp_path: Path) -> None:
    """A page setup's ``firstPageNumber="4294967293"`` (LibreOffice writes it) ends in
    ``r="`` but is no cell reference."""
    body = hostile.rows_xml([["Mã chi bộ", "CB-001"]])
    xml = hostile.sheet_xml(body).replace(
        b"</worksheet>", b'<pageSetup firstPageNumber="4294967293" paperSize="9"/></worksheet>'
    )
    path = hostile.raw_xlsx(tmp_path / "page.xlsx", [("Thông tin", xml)])
    assert check_file(path, Limits()) == "zip"
    assert read_sheets(path)[0].rows == [["Mã chi bộ", "CB-001"]]


@pytest.mark.parametrize(
    "extra",
    [
        "",  # Gnumeric: <dimension ref="A1:XFD1048576"/> over a small sheet
        '<row r="1048576" s="1" customFormat="1" ht="12.8"></row>',  # LibreOffice's styled rows
        '<row r="3"><c r="XFD3" s="2"/></row>',  # a whole row formatted in Excel
        '<row r="1048576"><c r="XFD1048576" s="2"></c></row>',
    ],
)
def test_a_sheet_is_sized_by_its_values_not_its_formatting(tmp_path: Path, extra: str) -> None:
    body = hostile.rows_xml([["Mã chi bộ", "CB-001"], ["Tên chi bộ", "Thôn 1"]]) + extra
    xml = hostile.sheet_xml(body, dimension="A1:XFD1048576")
    path = hostile.raw_xlsx(tmp_path / "styled.xlsx", [("Thông tin", xml)])
    assert check_file(path, Limits()) == "zip"
    assert read_sheets(path)[0].rows == [["Mã chi bộ", "CB-001"], ["Tên chi bộ", "Thôn 1"]]


def test_a_size_refusal_names_the_sheet_and_the_remedy(tmp_path: Path) -> None:
    body = hostile.rows_xml([["a"]]) + '<row r="2000000"><c r="B2000000"><v>1</v></c></row>'
    path = hostile.raw_xlsx(
        tmp_path / "far.xlsx",
        [
            ("Thông tin", hostile.sheet_xml(hostile.rows_xml([["a"]]))),
            ("Sổ", hostile.sheet_xml(body)),
        ],
    )
    problem = refused(path)
    assert "trang tính “Sổ” có giá trị tới 2.000.000 dòng × 2 cột" in problem.reason_vi
    assert "xóa định dạng các dòng trống" in problem.reason_vi
    assert "--max-cols" in problem.reason_vi and "--max-rows" in problem.reason_en
    assert "sheet “Sổ” holds values to 2,000,000 rows" in problem.reason_en


def test_a_password_protected_xls_is_named_as_such(tmp_path: Path) -> None:
    """An encrypted .xls starts its globals with FILEPASS; what follows is noise (its
    DIMENSIONS once read as 4,184,573,581 rows)."""
    path = hostile.huge_dimensions_xls(tmp_path / "secret.xls")
    data = bytearray(path.read_bytes())
    at = data.find(b"\x42\x00\x02\x00")  # CODEPAGE, 2 bytes: becomes a FILEPASS record
    assert at > 0
    data[at : at + 2] = b"\x2f\x00"
    path.write_bytes(bytes(data))
    problem = refused(path)
    assert problem.reason_vi == "Tệp có mật khẩu, không đọc được"


def _outcome(path: Path) -> object:
    """What the guard says of a file: its findings, or the reason it refuses it."""
    try:
        checked = inspect_file(path, Limits())
    except ReadError as problem:
        return ("refused", problem.code, problem.reason_vi, problem.reason_en)
    return ("ok", checked.kind, checked.formula_members, checked.zip_format)


def _workbooks() -> list[Path]:
    found = sorted((ROOT / "tests" / "data").rglob("*.xls[xm]"))
    found += sorted((ROOT / "sample_data").rglob("*.xlsx"))[:3]
    return [path for path in found if zipfile.is_zipfile(path)]


def test_members_unpacked_in_memory_are_what_zipfile_reads() -> None:
    """A small zip's members are unpacked straight from its bytes: each comes out as
    zipfile reads it, whole or (a member of 4 KB at most) its first 2 KB."""
    compared = 0
    for path in _workbooks():
        data = path.read_bytes()
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                whole = guard._unpacked(data, info)
                assert whole is not None, (path, info.filename)
                assert whole == archive.read(info)
                head = guard._head(data, info, 2048)
                assert head is not None or info.file_size > 4096 or info.compress_size > 4096
                with archive.open(info) as handle:
                    assert head in (None, handle.read(2048))
                compared += 1
    assert compared > 50


@settings(max_examples=60, deadline=None)
@given(
    source=st.sampled_from(_workbooks()[:6]),
    flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), max_size=6),
)
def test_a_damaged_zip_gets_the_same_verdict_in_memory_as_through_zipfile(
    tmp_path_factory: pytest.TempPathFactory,
    source: Path,
    flips: list[tuple[float, int]],
) -> None:
    """Flipped bytes anywhere (directory, local headers, compressed data, checksums):
    the guard reading members from memory refuses, or passes, exactly as it does reading
    them through zipfile."""
    data = bytearray(source.read_bytes())
    for where, mask in flips:
        data[int(where * len(data))] ^= mask
    path = tmp_path_factory.mktemp("flip") / source.name
    path.write_bytes(bytes(data))
    in_memory = _outcome(path)
    with mock.patch.object(guard, "IN_MEMORY_BYTES", -1):
        assert in_memory == _outcome(path)


def test_the_guard_gives_the_digest_of_a_small_zip(tmp_path: Path) -> None:
    path = hostile.simple_xlsx(tmp_path / "ok.xlsx", [["Mã chi bộ", "CB-001"]])
    assert inspect_file(path, Limits()).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
