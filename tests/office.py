"""LibreOffice and poppler as the tests use them: convert a file as a user's office suite
would, and read back the pages and text a printer would get.

One place for the command lines, so every test converts with a private LibreOffice profile
(a second soffice on the same profile waits for the first) and the same time bound.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

LIBREOFFICE = shutil.which("soffice") is not None
POPPLER = all(shutil.which(tool) for tool in ("pdfinfo", "pdftotext"))


def _has_serif() -> bool:
    from auditor.report.documents.fonts import FontMissing, serif_files

    try:
        serif_files()
    except FontMissing:
        return False
    return True


#: Whether the printed documents can be written here: their PDF embeds Liberation Serif
#: (or Times New Roman), which ``.ci/run`` installs (fonts-liberation2).
SERIF = _has_serif()
NO_SERIF = "Liberation Serif not installed (apt-get install fonts-liberation2)"


def convert(
    files: Sequence[Path], fmt: str, out_dir: Path, *, profile: Path, timeout: float = 300
) -> list[Path]:
    """``files`` converted by headless LibreOffice to ``fmt`` (``pdf``, ``ods``, ``xls``…)
    in ``out_dir``; the converted paths, in the order given."""
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(out_dir),
            *(str(f) for f in files),
        ],
        check=True,
        capture_output=True,
        timeout=timeout,
    )
    converted = [out_dir / f"{Path(f).stem}.{fmt}" for f in files]
    missing = [str(p) for p in converted if not p.is_file()]
    assert not missing, f"LibreOffice wrote nothing for {missing}"
    return converted


def pdf_info(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    pages = ["-f", str(first), "-l", str(last)] if first and last else []
    return subprocess.run(
        ["pdfinfo", *pages, str(pdf)], capture_output=True, text=True, check=True
    ).stdout


def pdf_pages(pdf: Path) -> int:
    found = re.search(r"^Pages:\s+(\d+)", pdf_info(pdf), re.M)
    assert found, f"pdfinfo gives no page count for {pdf}"
    return int(found.group(1))


def pdf_text(pdf: Path, page: int | None = None, *, layout: bool = True) -> str:
    """The text of ``pdf`` (one page of it if ``page``), as pdftotext lays it out."""
    options = ["-layout"] if layout else []
    if page is not None:
        options += ["-f", str(page), "-l", str(page)]
    return subprocess.run(
        ["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
