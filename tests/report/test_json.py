"""report.json follows docs/report-json.md, validates against the shipped schema, and is
byte-for-byte the same for the same report."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.models import Note, Report
from auditor.report import report_json_bytes, write_json
from auditor.report.json_report import (
    _SMALL_FLOAT,
    _small_float,
    json_bytes,
    report_dict,
    schema_json_text,
)
from tests import report_factories as f

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "report.schema.json"


@pytest.fixture
def report() -> Report:
    cells, moves = f.scored_run()
    return f.report(
        cells,
        quota_moves=moves,
        rejected=[f.rejected_row("A/CB002.xlsx")],
        notes=[
            Note(
                file="A/CB002.xlsx",
                sheet="Sinh hoạt",
                row=3,
                code="duplicate",
                message_vi="Buổi sinh hoạt trùng",
                message_en="Duplicate session",
            )
        ],
    )


def test_same_report_same_bytes(report: Report, tmp_path: Path) -> None:
    write_json(report, tmp_path / "a.json")
    write_json(Report.model_validate(report.model_dump()), tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert (tmp_path / "a.json").read_bytes() == report_json_bytes(report)
    assert not (tmp_path / "a.json.tmp").exists()


def test_format_indent_utf8_trailing_newline_schema_first(report: Report) -> None:
    raw = report_json_bytes(report)
    text = raw.decode("utf-8")
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text.startswith('{\n  "schema": "chibo-auditor/report/v1",\n')
    assert "Chi bộ thôn 1" in text  # not \u-escaped
    data = json.loads(text)
    assert list(data)[:4] == ["schema", "year", "as_of", "rules"]


def test_contract_keys(report: Report) -> None:
    data = json.loads(report_json_bytes(report))
    assert data["year"] == 2024 and data["as_of"] == "2024-12-31"
    assert set(data["rules"]) >= {"pack", "version", "sha256"}
    for key in ("inputs", "cells", "rejected_rows", "notes"):
        assert isinstance(data[key], list)
    entry = data["inputs"][0]
    assert set(entry) >= {"file", "sha256", "status", "rows", "error"}
    assert set(entry["rows"]) == {"read", "accepted", "rejected"}
    cell = next(c for c in data["cells"] if c["cell_id"] == "CB002")
    for key in ("cell_id", "cell_name", "parent", "score", "band", "band_before_quota", "rank"):
        assert key in cell
    v = cell["violations"][0]
    for key in ("rule", "points", "period", "date", "message_vi", "message_en", "evidence"):
        assert key in v
    assert v["date"] == "2024-05-14"
    assert v["evidence"] == [{"file": "A/CB002.xlsx", "sheet": "Sinh hoạt", "row": 12}]
    assert set(data["rejected_rows"][0]) >= {
        "file",
        "sheet",
        "row",
        "column",
        "value",
        "reason_vi",
        "reason_en",
    }
    assert set(data["notes"][0]) >= {"file", "sheet", "row", "message_vi", "message_en"}


def test_generated_at_only_at_top_level(report: Report) -> None:
    stamped = report.model_copy(update={"generated_at": "2025-01-02T03:04:05Z"})
    data = json.loads(report_json_bytes(stamped))
    assert data["generated_at"] == "2025-01-02T03:04:05Z"
    assert "generated_at" not in json.dumps(data["cells"])
    assert json.loads(report_json_bytes(report))["generated_at"] is None


def test_report_validates_against_the_shipped_schema(report: Report) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(json.loads(report_json_bytes(report)))
    broken = json.loads(report_json_bytes(report))
    broken["cells"][0]["band"] = "GOOD"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(broken)


def test_shipped_schema_is_up_to_date() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_json_text(), (
        'docs/report.schema.json is stale; regenerate it: python -c "import '
        "auditor.report.json_report as j; print(j.schema_json_text(), end='')\" "
        "> docs/report.schema.json"
    )


def test_json_round_trips_to_the_same_report(report: Report) -> None:
    assert Report.model_validate_json(report_json_bytes(report)) == report


def test_details_are_canonical(tmp_path: Path) -> None:
    details_a = {"b": 1, "a": {"z": 1, "y": float("nan")}, "when": dt.date(2024, 1, 2)}
    details_b = {"when": dt.date(2024, 1, 2), "a": {"y": float("nan"), "z": 1}, "b": 1}
    one = f.report([f.cell(violations=[f.violation(details=details_a)])])
    two = f.report([f.cell(violations=[f.violation(details=details_b)])])
    assert report_json_bytes(one) == report_json_bytes(two)
    details = report_dict(one)["cells"][0]["violations"][0]["details"]
    assert details == {"a": {"y": None, "z": 1}, "b": 1, "when": "2024-01-02"}
    assert list(details) == ["a", "b", "when"]


def test_details_with_numpy_and_sets_are_plain_json() -> None:
    np = pytest.importorskip("numpy")
    v = f.violation(details={"n": np.int64(5), "x": np.float64("nan"), "s": {"b", "a"}})
    data = report_dict(f.report([f.cell(violations=[v])]))
    assert data["cells"][0]["violations"][0]["details"] == {"n": 5, "s": ["a", "b"], "x": None}


_JSON = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from([1e-05, 1.5e-07, 0.0001, 1e16, 1e15, -0.0, 5e-324, 97.5]),
        st.text(),
        st.sampled_from(["0.00001", "2e-3", "\x00\x1f\x7f\u2028\u2029", 'a"b\\c', "Đảng bộ"]),
    ),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_JSON)
def test_json_bytes_are_the_standard_librarys(data: object) -> None:
    """Written by orjson or not, the bytes are json.dumps's (indent 2, UTF-8, newline)."""
    expected = (json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode()
    assert json_bytes(data) == expected


def test_a_run_report_is_written_by_orjson_as_by_json(report: Report) -> None:
    data = report_dict(report)
    expected = (json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode()
    assert report_json_bytes(report) == expected
    assert json_bytes(data) == orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"e-", b"0.0000", b"0.000", b"7", b"e", b"-", b"a", b"\n"])))
def test_the_small_float_check_finds_what_its_pattern_finds(parts: list[bytes]) -> None:
    """Whether a report is written by json rather than orjson: the substring search
    answers as the regular expression it stands for, wherever the text has ``e-``."""
    text = b"".join(parts)
    assert _small_float(text) == bool(_SMALL_FLOAT.search(text))
