"""The Hướng dẫn 42-HD/BTCTW session facts (rulebook-2025.md, 2-3): length, preparation,
notice, Sổ tay posting and the session's rating, as the rules see them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.codes import NoteCode
from auditor.facts import cell_facts, prepare
from auditor.ingest.dataset import Dataset, frame_from_rows
from auditor.models import Note
from auditor.vocabulary import validate_fact

DAY = dt.date(2026, 3, 12)


def _session(**more: Any) -> dict[str, Any]:
    return {
        "cell_id": "CB-1",
        "date": DAY,
        "kind": "regular",
        "file": "so.xlsx",
        "sheet": "Sinh hoạt",
        "row": 2,
        **more,
    }


def _facts(*sessions: dict[str, Any]) -> tuple[list[dict[str, Any]], list[Note]]:
    cells = [{"cell_id": "CB-1", "file": "ds.xlsx", "sheet": "Chi bộ", "row": 2}]
    data = Dataset(
        cells=frame_from_rows("cells", cells), sessions=frame_from_rows("sessions", list(sessions))
    )
    prepared = prepare(data, year=2026, as_of=dt.date(2026, 12, 31))
    [batch] = prepared.batches(10)
    [item] = batch.inputs()
    facts, notes = cell_facts(item, year=2026, as_of=dt.date(2026, 12, 31))
    for fact in facts.facts:
        validate_fact(fact)
    return [f for f in facts.facts if f["type"] == "session"], notes


def test_a_log_without_the_new_columns_reads_as_nothing_recorded() -> None:
    [fact], notes = _facts(_session())
    assert fact["length_known"] == 0 and fact["minutes"] == 0
    assert (fact["prep_missing"], fact["notice_missing"], fact["posted_missing"]) == (1, 1, 1)
    assert fact["quality_level"] == 0 and fact["combined"] == 0
    assert not [n for n in notes if n.code == "length_disagrees"]


def test_a_log_without_the_new_columns_gives_facts_laid_out_as_a_filled_in_one() -> None:
    """The engine and the vocabulary check see a fact's keys in order: an empty log's
    session (built by a shortcut) must carry the same keys as a filled-in one's."""
    combined = {"kind": "regular+thematic", "topic": "Học tập Nghị quyết"}
    [empty], _ = _facts(_session(**combined))
    [filled], _ = _facts(_session(**combined, quality="Tốt", posted=dt.date(2026, 3, 1)))
    assert list(empty) == list(filled)
    assert (empty["combined"], filled["combined"]) == (1, 1)
    assert (filled["quality_level"], filled["posted_missing"]) == (1, 0)


def test_length_is_end_minus_start_and_dates_count_days_before() -> None:
    [fact], notes = _facts(
        _session(
            kind="regular+thematic",
            topic="Học tập Nghị quyết",
            start_time=14 * 60,
            end_time=15 * 60 + 45,
            prep_meeting=dt.date(2026, 3, 2),
            notice_sent=dt.date(2026, 3, 9),
            posted=dt.date(2026, 3, 12),
            quality="Trung bình",
        )
    )
    assert (fact["length_known"], fact["minutes"], fact["combined"]) == (1, 105, 1)
    assert (fact["prep_missing"], fact["prep_days_before"]) == (0, 10)
    assert (fact["notice_missing"], fact["notice_days_before"]) == (0, 3)
    assert (fact["posted_missing"], fact["posted_days_before"]) == (0, 0)
    assert fact["quality_level"] == 3
    assert not notes


def test_the_length_column_wins_and_a_disagreement_is_a_note() -> None:
    [fact], notes = _facts(_session(start_time=14 * 60, end_time=15 * 60, minutes_long=95))
    assert fact["minutes"] == 95
    [note] = [n for n in notes if n.code == "length_disagrees"]
    assert (note.file, note.sheet, note.row) == ("so.xlsx", "Sinh hoạt", 2)
    assert "95 phút" in note.message_vi and "60 phút" in note.message_vi
    assert "14:00–15:00" in note.message_vi


def test_five_minutes_apart_is_no_disagreement() -> None:
    [fact], notes = _facts(_session(start_time=14 * 60, end_time=15 * 60 + 30, minutes_long=95))
    assert fact["minutes"] == 95
    assert not [n for n in notes if n.code == "length_disagrees"]


@settings(deadline=None, max_examples=40)
@given(
    start=st.integers(0, 1439),
    span=st.integers(0, 600),
    recorded=st.one_of(st.none(), st.integers(0, 1440)),
)
def test_length_property(start: int, span: int, recorded: int | None) -> None:
    end = min(start + span, 1439)
    [fact], notes = _facts(_session(start_time=start, end_time=end, minutes_long=recorded))
    assert fact["minutes"] == (recorded if recorded is not None else end - start)
    disagrees = recorded is not None and abs(recorded - (end - start)) > 5
    assert bool([n for n in notes if n.code == "length_disagrees"]) is disagrees


def test_the_length_note_reads_as_its_catalogued_template() -> None:
    _, notes = _facts(_session(start_time=8 * 60, end_time=9 * 60, minutes_long=120))
    [note] = notes
    assert NoteCode(note.code).matches(note.message_vi, note.message_en)
