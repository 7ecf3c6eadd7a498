"""Set aside the files of other years, so one folder can hold several years' logs.

Boards keep each year's workbooks side by side (``CB-001_2024.xlsx`` next to
``CB-001_2026.xlsx``). An audit of 2026 must not read the 2024 files as part of 2026:
their meetings would all be "outside the audited year" and their cells tables would
describe cells as they were two years ago. A file is of another year when it holds dated
rows (meetings, plan rows with an issue date, member attendance, study and quiz rows) and
none of them belongs to the audited year; it is then listed in ``inputs`` as ``skipped``
with the year it holds, and none of its records, rejected rows, notes or waivers count.
A file without any dated row (a cells list) is kept whatever its name says: the choice
rests on what the file holds, never on its name, since names are typed by hand.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from auditor.codes import FileCode
from auditor.ingest.dataset import Dataset
from auditor.ingest.file_result import TABLES
from auditor.models import InputFile, Note, RowCounts

__all__ = ["other_year_files", "set_aside_other_years"]

#: The tables whose rows carry the date they happened on, with that date's column.
DATED: dict[str, str] = {
    "sessions": "date",
    "attendance": "date",
    "study": "date",
    "quiz": "quiz_date",
}


def _pairs(files: pd.Series, years: pd.Series) -> dict[str, set[int]]:
    """File -> its years, from the distinct (file, year) pairs of the rows (a province's
    log repeats one file name 200,000 times)."""
    found: dict[str, set[int]] = {}
    pairs = pd.DataFrame({"file": files.to_numpy(), "year": years.to_numpy()})
    for file, year in pairs.drop_duplicates().itertuples(index=False):
        found.setdefault(str(file), set()).add(int(year))
    return found


def _files(dated: pd.DataFrame, rows: np.ndarray) -> set[str]:
    """The distinct files of the ``rows`` (a boolean mask) of ``dated``."""
    return {str(file) for file in pd.unique(dated["file"].to_numpy()[rows])}


def _years_by_file(
    frame: pd.DataFrame, column: str, year: int
) -> tuple[set[str], dict[str, set[int]]]:
    """The files with a row dated in ``year``, and file -> the years of its rows dated in
    another year."""
    if not len(frame):
        return set(), {}
    dated = frame[frame[column].notna()]
    years = dated[column].dt.year
    now = (years == year).to_numpy()
    return _files(dated, now), _pairs(dated["file"][~now], years[~now])


def _plan_years_by_file(plan: pd.DataFrame, year: int) -> tuple[set[str], dict[str, set[int]]]:
    """As :func:`_years_by_file`, for the years each plan row may be the plan of: its
    issue year, and the next year too when issued in the last quarter (as the facts read
    a plan issued in October to December for the year after, see
    ``auditor.facts._plan_in_year``)."""
    if not len(plan):
        return set(), {}
    dated = plan[plan["plan_issued"].notna()]
    issued = dated["plan_issued"]
    years = issued.dt.year
    late = (issued.dt.month >= 10).to_numpy()
    now = (years == year).to_numpy() | (late & (years + 1 == year).to_numpy())
    files, other = dated["file"][~now], years[~now]
    later = late[~now]  # also the plan of the year after
    both = _pairs(pd.concat([files, files[later]]), pd.concat([other, other[later] + 1]))
    return _files(dated, now), both


def other_year_files(dataset: Dataset, year: int) -> dict[str, list[int]]:
    """File → the years its dated rows hold, for every file none of whose dated rows
    belongs to ``year``."""
    within, plan_years = _plan_years_by_file(dataset.plan, year)
    held: dict[str, set[int]] = {}
    for table, column in DATED.items():
        now, other = _years_by_file(getattr(dataset, table), column, year)
        within |= now
        for file, years in other.items():
            held.setdefault(file, set()).update(years)
    shown: dict[str, list[int]] = {}
    for file in sorted((set(held) | set(plan_years)) - within):
        # the years a person would name: the meetings' years, or else the plans' years
        # (none of them is ``year``: the file would be within it)
        years = held.get(file) or plan_years[file]
        shown[file] = sorted(years)
    return shown


def _reason(years: Iterable[int], year: int) -> tuple[str, str]:
    text = ", ".join(str(y) for y in years)
    return (
        f"Tệp của năm {text}, không thuộc năm kiểm tra {year}; bỏ qua",
        f"File holds year {text}, not the audited year {year}; skipped",
    )


def set_aside_other_years(dataset: Dataset, year: int) -> Dataset:
    """``dataset`` without the files of other years: each such file is ``skipped`` in
    ``inputs`` with why (and a note saying the same), and its rows, rejected rows, notes
    and waivers are dropped, so nothing of it counts in the audit of ``year``."""
    aside = other_year_files(dataset, year)
    if not aside:
        return dataset
    inputs: list[InputFile] = []
    notes: list[Note] = [n for n in dataset.notes if n.file not in aside]
    for item in dataset.inputs:
        if item.file in aside and item.status == "ok":
            vi, en = _reason(aside[item.file], year)
            item = item.model_copy(
                update={
                    "status": "skipped",
                    "rows": RowCounts(),
                    "error": vi,
                    "error_en": en,
                    "code": FileCode.other_year.value,
                }
            )
            notes.append(Note(file=item.file, code="file_skipped", message_vi=vi, message_en=en))
        inputs.append(item)
    kept = Dataset(
        inputs=inputs,
        rejected=[r for r in dataset.rejected if r.file not in aside],
        notes=notes,
        waivers=[w for w in dataset.waivers if w.file not in aside],
        stats=dataset.stats,
    )
    for table in TABLES:
        frame: pd.DataFrame = getattr(dataset, table)
        if len(frame):
            frame = frame[~frame["file"].isin(list(aside))].reset_index(drop=True)
        setattr(kept, table, frame)
    return kept
