"""The sample year as LibreOffice, Gnumeric, WPS-style and phone-style saves write it.

Each file under ``tests/data/gnumeric/`` and the ``CB-…``/``Tong_hop…`` files under
``tests/data/libreoffice/`` is a workbook of ``sample_data/`` converted by the program
(the READMEs there give the version and command). A user who saves a log in another
program expects the same audit: the whole report.json (cells, scores, violations with
their evidence, rejected rows, notes) is compared with the plain save's, the file's name
and checksum aside. The WPS-style and phone-style files are made here from LibreOffice's
save, by the edits those programs are known for (docstrings below).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import defusedxml.ElementTree as DefusedET
import orjson
import pytest

import auditor
from auditor.ingest import load
from auditor.ingest.ods_whitespace import without_indentation
from auditor.rulebook import Rulebook, load_rulebook

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

#: saved file -> the sample workbook it was converted from
SAVES = {
    "gnumeric/CB-002_2024.ods": "Dang_bo_phuong_Hoa_Binh/CB-002_2024.xls",
    "gnumeric/CB-002_2024.xlsx": "Dang_bo_phuong_Hoa_Binh/CB-002_2024.xls",
    "gnumeric/CB-002_2024.xls": "Dang_bo_phuong_Hoa_Binh/CB-002_2024.xls",
    "gnumeric/CB-006_2024.xlsx": "Dang_bo_phuong_Hoa_Binh/CB-006_2024.ods",
    "gnumeric/Tong_hop_2024.ods": "Tong_hop_2024.xlsx",
    "libreoffice/CB-002_2024.ods": "Dang_bo_phuong_Hoa_Binh/CB-002_2024.xls",
    "libreoffice/CB-002_2024.xlsx": "Dang_bo_phuong_Hoa_Binh/CB-002_2024.xls",
    "libreoffice/CB-006_2024.xls": "Dang_bo_phuong_Hoa_Binh/CB-006_2024.ods",
    "libreoffice/Tong_hop_2024.ods": "Tong_hop_2024.xlsx",
}


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook()


def _report(path: Path, book: Rulebook) -> str:
    """The audit of ``path`` alone as report.json text, with the file's own name and
    checksum taken out (they differ between saves by design)."""
    result = auditor.run_audit(
        [path], year=2024, out=None, workers=0, generated_at="-", rulebook=book
    )
    report = result.report.model_dump(mode="json", by_alias=True)
    for entry in report["inputs"]:
        entry.pop("sha256")
    return orjson.dumps(report, option=orjson.OPT_SORT_KEYS).decode().replace(path.name, "FILE")


def _loaded(path: Path) -> tuple[object, ...]:
    data = load([path], workers=0)
    (entry,) = data.inputs
    tables = tuple(
        getattr(data, table).drop(columns=["file"]).to_dict("records")
        for table in ("cells", "plan", "sessions")
    )
    rejected = [(r.sheet, r.row, r.column, r.value, r.code) for r in data.rejected]
    return entry.status, entry.rows, tables, rejected


def test_every_kept_save_is_listed() -> None:
    kept = {
        f"{folder}/{p.name}"
        for folder in ("gnumeric", "libreoffice")
        for p in (DATA / folder).iterdir()
        if p.suffix != ".md" and not p.name.startswith("so_sinh_hoat_")
    }
    assert kept == set(SAVES)


@pytest.mark.parametrize("saved", sorted(SAVES))
def test_a_program_save_audits_exactly_like_the_plain_save(saved: str, book: Rulebook) -> None:
    plain, copy = SAMPLE / SAVES[saved], DATA / saved
    assert _loaded(copy)[:2] == _loaded(plain)[:2]  # status and row counts first: clearer
    assert _loaded(copy) == _loaded(plain)
    assert _report(copy, book) == _report(plain, book)


def test_the_saves_carry_rejected_rows_and_violations_to_compare(book: Rulebook) -> None:
    """The comparison above means something: the sources hold both."""
    reports = [orjson.loads(_report(SAMPLE / source, book)) for source in set(SAVES.values())]
    assert sum(len(report["rejected_rows"]) for report in reports) == 2
    assert sum(len(cell["violations"]) for r in reports for cell in r["cells"]) >= 20


def test_gnumeric_indents_content_xml_which_calamine_alone_refuses() -> None:
    """The case the reader's second try exists for, so it cannot pass by accident."""
    import python_calamine as pc

    path = DATA / "gnumeric" / "CB-002_2024.ods"
    with zipfile.ZipFile(path) as archive:
        content = archive.read("content.xml")
    assert re.search(rb"<table:table-row[^>]*>\s+<table:table-cell", content)
    with pytest.raises(pc.CalamineError):
        pc.CalamineWorkbook.from_path(str(path))
    assert load([path]).inputs[0].status == "ok"


def _rezip(path: Path, out: Path, change: dict[str, bytes | None]) -> Path:
    """``path`` copied to ``out`` with the members of ``change`` replaced (None drops)."""
    with zipfile.ZipFile(path) as archive, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in archive.infolist():
            data = change.get(info.filename, archive.read(info))
            if data is not None:
                copy.writestr(info, data)
    return out


def test_spaces_typed_between_words_in_a_cell_survive_the_rewrite(tmp_path: Path) -> None:
    source = DATA / "gnumeric" / "CB-002_2024.ods"
    with zipfile.ZipFile(source) as archive:
        content = archive.read("content.xml")
    spanned = b"<text:p><text:span>Chi</text:span> <text:span>b\xe1\xbb\x99</text:span></text:p>"
    assert b"<text:p>CB-002</text:p>" in content
    edited = content.replace(b"<text:p>CB-002</text:p>", spanned, 1)
    rewritten = without_indentation(
        str(_rezip(source, tmp_path / "x.ods", {"content.xml": edited}))
    )
    assert rewritten is not None
    with zipfile.ZipFile(io.BytesIO(rewritten)) as archive:
        text = archive.read("content.xml")
    assert spanned in text
    assert re.search(rb">\s+<table:", text) is None


def test_an_ods_that_is_broken_otherwise_keeps_its_first_reason(tmp_path: Path) -> None:
    source = DATA / "gnumeric" / "CB-002_2024.ods"
    with zipfile.ZipFile(source) as archive:
        content = archive.read("content.xml")
    # an undeclared entity in a cell: calamine refuses the rewritten file too (for that,
    # which alone would read as unsafe XML), so the first reason, Gnumeric's
    # indentation seen as a corrupt file, is the one the user gets
    assert b"<text:p>CB-002</text:p>" in content
    broken = content.replace(b"<text:p>CB-002</text:p>", b"<text:p>&bomb;</text:p>", 1)
    entry = load([_rezip(source, tmp_path / "CB-002_2024.ods", {"content.xml": broken})]).inputs[0]
    assert entry.status == "error"
    assert entry.error_en is not None and entry.error_en.startswith("The file is corrupt")


# ------------------------------------------------------------ WPS-style and phone-style

_SHARED_CELL = re.compile(rb'<c ([^>]*?)t="s"([^>]*)><v>(\d+)</v></c>')


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    root = DefusedET.fromstring(archive.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(f"{_MAIN}t")) for si in root]


def _wps_style(source: Path, out: Path) -> Path:
    """What WPS Office and several mobile writers save: every text inline in its cell
    (``t="inlineStr"``, no sharedStrings part) and a ``<dimension>`` that says ``A1``
    whatever the sheet holds."""
    with zipfile.ZipFile(source) as archive:
        strings = _shared_strings(archive)
        change: dict[str, bytes | None] = {"xl/sharedStrings.xml": None}
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = _SHARED_CELL.sub(
                    lambda m: (
                        b'<c %st="inlineStr"%s><is><t xml:space="preserve">%s</t></is></c>'
                        % (m[1], m[2], escape(strings[int(m[3])]).encode())
                    ),
                    archive.read(name),
                )
                change[name] = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', xml)
        change["xl/_rels/workbook.xml.rels"] = re.sub(
            rb"<Relationship [^>]*sharedStrings[^>]*/>",
            b"",
            archive.read("xl/_rels/workbook.xml.rels"),
        )
        change["[Content_Types].xml"] = re.sub(
            rb"<Override [^>]*sharedStrings[^>]*/>", b"", archive.read("[Content_Types].xml")
        )
    return _rezip(source, out, change)


def _phone_style(source: Path, out: Path) -> Path:
    """What a phone's spreadsheet app or an online export may save: no ``<dimension>``,
    no styles part (so no cell style, and a date is a bare serial number)."""
    with zipfile.ZipFile(source) as archive:
        change: dict[str, bytes | None] = {"xl/styles.xml": None}
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = archive.read(name)
                xml = re.sub(rb"<dimension [^>]*/>", b"", xml)
                xml = re.sub(rb'(<c [^>]*?) s="\d+"', rb"\1", xml)
                change[name] = xml
        change["xl/_rels/workbook.xml.rels"] = re.sub(
            rb"<Relationship [^>]*/styles\"[^>]*/>", b"", archive.read("xl/_rels/workbook.xml.rels")
        )
        change["[Content_Types].xml"] = re.sub(
            rb"<Override [^>]*styles\+xml\"/>", b"", archive.read("[Content_Types].xml")
        )
    return _rezip(source, out, change)


@pytest.mark.parametrize("make", [_wps_style, _phone_style], ids=["wps", "phone"])
def test_wps_and_phone_style_saves_audit_like_the_plain_save(
    make: Callable[[Path, Path], Path], tmp_path: Path, book: Rulebook
) -> None:
    plain = SAMPLE / "Dang_bo_phuong_Hoa_Binh/CB-002_2024.xls"
    copy = make(DATA / "libreoffice" / "CB-002_2024.xlsx", tmp_path / "CB-002_2024.xlsx")
    with zipfile.ZipFile(copy) as archive:
        names = set(archive.namelist())
    assert ("xl/sharedStrings.xml" in names) == (make is _phone_style)
    assert ("xl/styles.xml" in names) == (make is _wps_style)
    assert _loaded(copy) == _loaded(plain)
    assert _report(copy, book) == _report(plain, book)
