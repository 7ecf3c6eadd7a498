"""Every real file kept under ``tests/data/`` (saved by Excel, Excel Online, Excel for Mac,
Access, LibreOffice; from python-calamine's and Apache POI's test corpora, LibreOffice
saves of one cell's log, and the sample year converted by LibreOffice and Gnumeric)
audited together, through the bounded workers as the command line reads them: each file
is listed exactly once with the outcome its README names, a readable log loses no row,
and nothing a native reader prints reaches the terminal.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from auditor.ingest import load

DATA = Path(__file__).resolve().parents[1] / "data"
NO_TABLE = "No cells, plan or sessions table found in the workbook"
PASSWORD = "The file is password-protected"
NOT_A_SPREADSHEET = "Not a spreadsheet (xlsx, xlsm, xlsb, xls, ods)"
#: file -> (status, English error or None, rows read); what each README promises.
EXPECTED: dict[str, tuple[str, str | None, int]] = {
    "libreoffice/so_sinh_hoat_ods.ods": ("ok", None, 10),
    "libreoffice/so_sinh_hoat_xls.xls": ("ok", None, 10),
    "libreoffice/so_sinh_hoat_xlsx.xlsx": ("ok", None, 10),
    # the sample year converted by LibreOffice and Gnumeric (tests/ingest/test_program_saves.py)
    "libreoffice/CB-002_2024.ods": ("ok", None, 30),
    "libreoffice/CB-002_2024.xlsx": ("ok", None, 30),
    "libreoffice/CB-006_2024.xls": ("ok", None, 17),
    "libreoffice/Tong_hop_2024.ods": ("ok", None, 47),
    "gnumeric/CB-002_2024.ods": ("ok", None, 30),
    "gnumeric/CB-002_2024.xlsx": ("ok", None, 30),
    "gnumeric/CB-002_2024.xls": ("ok", None, 30),
    "gnumeric/CB-006_2024.xlsx": ("ok", None, 17),
    "gnumeric/Tong_hop_2024.ods": ("ok", None, 47),
    "python-calamine/base.ods": ("error", NO_TABLE, 0),
    "python-calamine/base.xlsb": ("error", NO_TABLE, 0),
    "python-calamine/base.xlsx": ("error", NO_TABLE, 0),
    "python-calamine/password.ods": ("error", PASSWORD, 0),
    "python-calamine/password.xls": ("error", PASSWORD, 0),
    "python-calamine/password.xlsb": ("error", PASSWORD, 0),
    "python-calamine/password.xlsx": ("error", PASSWORD, 0),
    "apache-poi/xlmmacro.xlsm": ("error", NO_TABLE, 0),
    "apache-poi/64420.xlsm": ("error", NO_TABLE, 0),
    "apache-poi/Simple.xlsb": (
        "error",
        "The file is corrupt or truncated (the reader said: no entry found for key)",
        0,
    ),
    "apache-poi/55640.xlsx": ("error", NO_TABLE, 0),
    "apache-poi/62272.xlsx": ("error", NO_TABLE, 0),
    "apache-poi/SampleSS.ods": ("error", NO_TABLE, 0),
    "apache-poi/github-321.xlsx": ("error", NO_TABLE, 0),
    "apache-poi/60289.xlsx": ("error", NO_TABLE, 0),
    "apache-poi/duplicate-filename.xlsx": ("error", NO_TABLE, 0),
    # the READMEs beside them: every file found is listed, a text file as what it is
    "libreoffice/README.md": ("error", NOT_A_SPREADSHEET, 0),
    "gnumeric/README.md": ("error", NOT_A_SPREADSHEET, 0),
    "python-calamine/README.md": ("error", NOT_A_SPREADSHEET, 0),
    "apache-poi/README.md": ("error", NOT_A_SPREADSHEET, 0),
}
DIRS = ["libreoffice", "gnumeric", "python-calamine", "apache-poi"]


def _kept_files() -> set[str]:
    return {f"{folder}/{path.name}" for folder in DIRS for path in (DATA / folder).iterdir()}


def test_every_kept_file_has_an_expected_outcome() -> None:
    assert _kept_files() == set(EXPECTED)


def test_the_corpora_audited_together_each_file_once_as_promised(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    for folder in DIRS:
        shutil.copytree(DATA / folder, tmp_path / folder)
    data = load([tmp_path], workers=2)
    out, err = capfd.readouterr()
    assert "panicked" not in out + err and "backtrace" not in out + err
    listed = [entry.file for entry in data.inputs]
    assert sorted(listed) == sorted(EXPECTED)  # each exactly once
    for entry in data.inputs:
        status, error, read = EXPECTED[entry.file]
        assert (entry.file, entry.status, entry.error_en) == (entry.file, status, error)
        assert entry.rows.read == read
        assert entry.rows.accepted + entry.rows.rejected == entry.rows.read
    # the logs saved by LibreOffice and Gnumeric: every row a record or a rejected row
    logs = [e.file for e in data.inputs if e.status == "ok"]
    kept = len(data.sessions) + len(data.plan) + len(data.cells) + len(data.rejected)
    assert kept == sum(EXPECTED[name][2] for name in logs)
    macro_notes = {(n.file, n.sheet) for n in data.notes if n.code == "macro_sheet_ignored"}
    assert macro_notes == {
        ("apache-poi/xlmmacro.xlsm", "Macro1"),
        ("apache-poi/64420.xlsm", "Macro Sheet"),
    }


def test_a_panic_inside_calamine_stays_off_the_terminal_when_read_in_process(
    capfd: pytest.CaptureFixture[str],
) -> None:
    data = load([DATA / "apache-poi" / "Simple.xlsb"], workers=0)
    _, err = capfd.readouterr()
    assert err == ""
    assert data.inputs[0].error == (
        "Tệp bị hỏng hoặc tải về chưa trọn vẹn (chương trình đọc báo: no entry found for key)"
    )


def _with_macro_sheet(plain: Path, macro_source: Path, out: Path) -> Path:
    """``plain`` with the Excel 4 macro sheet of ``macro_source`` added as its first
    sheet, the way Excel lists it (a sheet of relationship type ``xlMacrosheet``)."""
    with zipfile.ZipFile(macro_source) as source:
        macro = source.read("xl/macrosheets/sheet1.xml")
    with zipfile.ZipFile(plain) as archive, zipfile.ZipFile(out, "w") as copy:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename == "xl/workbook.xml":
                data = data.replace(
                    b"<sheets>", b'<sheets><sheet name="Macro1" sheetId="99" r:id="rIdXlm"/>', 1
                )
                assert b"rIdXlm" in data
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdXlm" Type="http://schemas.microsoft.com/office/'
                    b'2006/relationships/xlMacrosheet" Target="macrosheets/sheet1.xml"/>'
                    b"</Relationships>",
                )
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/macrosheets/sheet1.xml" ContentType='
                    b'"application/vnd.ms-excel.macrosheet+xml"/></Types>',
                )
            copy.writestr(info, data)
        copy.writestr("xl/macrosheets/sheet1.xml", macro)
    return out


def test_an_xlsm_with_a_macro_sheet_is_audited_like_the_same_log_saved_plainly(
    tmp_path: Path,
) -> None:
    plain = DATA / "libreoffice" / "so_sinh_hoat_xlsx.xlsx"
    xlsm = _with_macro_sheet(plain, DATA / "apache-poi" / "xlmmacro.xlsm", tmp_path / "so.xlsm")
    want, got = load([plain]), load([xlsm])
    (entry,) = got.inputs
    assert entry.status == "ok"
    assert entry.rows == want.inputs[0].rows
    for table in ("cells", "plan", "sessions"):
        left = getattr(want, table).drop(columns=["file"])
        right = getattr(got, table).drop(columns=["file"])
        assert left.equals(right), table
    assert [(r.sheet, r.row, r.column) for r in got.rejected] == [
        (r.sheet, r.row, r.column) for r in want.rejected
    ]
    (note,) = [n for n in got.notes if n.code == "macro_sheet_ignored"]
    assert note.sheet == "Macro1"
    assert note.message_vi.startswith("Trang macro Excel 4, không đọc và không chạy")
