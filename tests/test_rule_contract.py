"""A board's typo in a rule file is refused at load, never a rule silently switched off.

Each test copies the default pack, makes one typo of issue 14 (or a like one), and checks
the refusal names the file and the key, in Vietnamese and English.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from auditor.audit import run_audit
from auditor.cli import app
from auditor.rulepack import DEFAULT_PACK, RulePackError, load_pack, share_ppm

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


def _pack(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the default pack with ``old`` replaced by ``new`` once in ``file``."""
    folder = tmp_path / "rules" / "hd12"
    if not folder.exists():  # the shipped packs together: hd12 includes ../dang-vien
        shutil.copytree(DEFAULT_PACK.parent, folder.parent)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def _refusal(folder: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(RulePackError) as caught:
        load_pack(folder)
    return caught.value.problems


def test_a_misspelt_field_is_refused_with_file_key_and_a_suggestion(tmp_path: Path) -> None:
    folder = _pack(tmp_path, "CD01.yaml", "field: thematic_count", "field: thematic_cont")
    [(file, key, reason)] = _refusal(folder)
    assert file.endswith("CD01.yaml") and key == "when.field"
    assert "không có trường 'thematic_cont'" in reason and "no field" in reason
    assert "did you mean thematic_count" in reason


def test_a_field_of_another_period_is_refused(tmp_path: Path) -> None:
    # attendance is a session fact; KH01 judges the year
    folder = _pack(tmp_path, "KH01.yaml", "field: plan_rows", "field: attendance_ppm")
    [(file, key, _)] = _refusal(folder)
    assert file.endswith("KH01.yaml") and key == "when.field"


def test_a_placeholder_typo_is_refused(tmp_path: Path) -> None:
    folder = _pack(tmp_path, "CD01.yaml", "Quarter {quarter}", "Quarter {quater}")
    [(file, key, reason)] = _refusal(folder)
    assert file.endswith("CD01.yaml") and key == "message_en"
    assert "{quater}" in reason and "did you mean quarter" in reason


def test_a_remedy_may_use_parameters_only(tmp_path: Path) -> None:
    folder = _pack(tmp_path, "CD02.yaml", "ít nhất {draft_min_days}", "ít nhất {draft_days_before}")
    [(_, key, _)] = _refusal(folder)
    assert key == "remedy_vi"


def test_a_cap_on_a_rule_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    folder = _pack(tmp_path, "pack.yaml", "{rule: CD01,", "{rule: CD99,")
    [(file, key, reason)] = _refusal(folder)
    assert file.endswith("pack.yaml") and key == "scoring.caps.0.rule"
    assert "không có quy tắc CD99" in reason and "no rule CD99" in reason


def test_a_quota_band_missing_from_the_bands_is_refused(tmp_path: Path) -> None:
    folder = _pack(tmp_path, "pack.yaml", "    - {band: HTXSNV, min_score: 90}\n", "")
    keys = {key for _, key, _ in _refusal(folder)}
    assert keys == {"scoring.quota.band"}


def test_an_example_naming_no_field_is_refused(tmp_path: Path) -> None:
    folder = _pack(
        tmp_path, "CD01.yaml", "{type: quarter, thematic_count: 1}", "{type: quarter, thematic: 1}"
    )
    [(file, key, _)] = _refusal(folder)
    assert file.endswith("CD01.yaml") and key == "examples.pass.0.thematic"


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    _pack(tmp_path, "CD01.yaml", "field: thematic_count", "field: thematic_cont")
    _pack(tmp_path, "CD01.yaml", "Quarter {quarter}", "Quarter {quater}")
    folder = _pack(tmp_path, "pack.yaml", "{rule: CD01,", "{rule: CD99,")
    problems = _refusal(folder)
    assert {key for _, key, _ in problems} == {"when.field", "message_en", "scoring.caps.0.rule"}


@pytest.mark.parametrize(
    ("setting", "key"),
    [
        ("TK02.quorum=66", "TK02.params.quorum"),  # meant 66 %: 66 ppm would never fire
        ("TK02.quorum=abc", "TK02.params.quorum"),
        ("CD02.draft_min_days=abc", "CD02.params.draft_min_days"),
        ("KH02.plan_deadline=31 January", "KH02.params.plan_deadline"),
    ],
)
def test_a_parameter_of_the_wrong_type_is_refused(setting: str, key: str) -> None:
    with pytest.raises(RulePackError) as caught:
        load_pack(sets=[setting])
    [(where, found, reason)] = caught.value.problems
    assert where == "--set/--overrides" and found == key
    assert "/" in reason  # Vietnamese / English


def test_a_literal_value_outside_its_unit_is_refused(tmp_path: Path) -> None:
    folder = _pack(
        tmp_path,
        "TK02.yaml",
        "{field: regular, op: eq, value: 1}",
        "{field: regular, op: eq, value: 2}",
    )
    [(_, key, reason)] = _refusal(folder)
    assert key == "when.all.0.value" and "0–1" in reason


@settings(max_examples=100, deadline=None)
@given(st.fractions(min_value=0, max_value=1, max_denominator=10_000))
def test_a_share_is_the_same_threshold_as_a_number_a_fraction_or_a_percentage(
    share: object,
) -> None:
    from fractions import Fraction

    assert isinstance(share, Fraction)
    ppm = share_ppm(f"{share.numerator}/{share.denominator}")
    assert ppm is not None and ppm == -(-share.numerator * 1_000_000 // share.denominator)
    decimal = round(float(share), 4)
    assert share_ppm(decimal) == share_ppm(f"{Fraction(str(decimal)) * 100}%")


def test_a_numeric_quorum_works_like_the_same_fraction_on_the_sample() -> None:
    def tk02(quorum: str) -> set[tuple[str, object]]:
        result = run_audit(
            [SAMPLE], year=2024, out=None, pack=load_pack(sets=[f"TK02.quorum={quorum}"])
        )
        return {
            (cell.cell_id, v.date)
            for cell in result.report.cells
            for v in cell.violations
            if v.rule == "TK02"
        }

    numeric, fraction, default = tk02("0.66"), tk02("33/50"), tk02("2/3")
    assert numeric == fraction
    assert numeric  # the sample has meetings below 66 %: the rule still finds them
    assert numeric <= default


def test_an_audit_year_outside_the_pack_years_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["audit", str(SAMPLE), "--year", "2010", "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 2
    assert "2018–2099" in result.output and "không cho năm 2010" in result.output
    assert "not to 2010" in result.output
    assert not (tmp_path / "r").exists()


def test_an_input_row_example_with_an_unknown_header_is_refused(tmp_path: Path) -> None:
    folder = _pack(tmp_path, "TK02.yaml", "Số có mặt: 15", "Số có mặtt: 15")
    [(file, key, reason)] = _refusal(folder)
    assert file.endswith("TK02.yaml") and key == "examples.fail_rows.sessions.0"
    assert "Số có mặtt" in reason
