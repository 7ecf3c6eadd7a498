"""CD05's topic matching: the same topic however typed matches, different subjects do not."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.ingest.text import strip_accents
from auditor.rulepack import load_pack
from auditor.topics import best_match, normalise_topic, similarity
from benchmarks.sample import TOPICS, UNRELATED_TOPIC

THRESHOLD = float(load_pack().rule("CD05").params["threshold"])


@st.composite
def retyped(draw: st.DrawFn) -> tuple[str, str]:
    topic = draw(st.sampled_from(TOPICS))
    text = draw(st.sampled_from([str.upper, str.lower, str.title, lambda s: s]))(topic)
    if draw(st.booleans()):
        text = strip_accents(text)
    text = unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), text)
    text = text.replace(",", draw(st.sampled_from([",", "", " ,", ";"])))
    prefix = draw(st.sampled_from(["", "Chuyên đề: ", "CHUYÊN ĐỀ - ", "Chuyen de "]))
    quote = draw(st.sampled_from(["", '"', "“"]))
    closing = {"": "", '"': '"', "“": "”"}[quote]
    return topic, f"{prefix}{quote}{text}{closing}{draw(st.sampled_from(['', '.', ' ']))}"


@given(retyped())
def test_the_same_topic_typed_differently_matches(case: tuple[str, str]) -> None:
    planned, held = case
    assert similarity(planned, held) >= THRESHOLD


@pytest.mark.parametrize("planned", TOPICS)
def test_different_subjects_do_not_match(planned: str) -> None:
    others = [t for t in TOPICS if t != planned]
    score, _ = best_match(planned, [*others, UNRELATED_TOPIC])
    assert score < THRESHOLD


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Xây dựng chi bộ trong sạch vững mạnh", "Xây dựng Đảng bộ trong sạch vững mạnh"),
        ("Nâng cao chất lượng sinh hoạt chi bộ", "Nâng cao chất lượng đảng viên"),
        ("Phòng chống dịch bệnh", "Phòng chống thiên tai"),
    ],
)
def test_topics_sharing_common_words_stay_apart(a: str, b: str) -> None:
    assert similarity(a, b) < THRESHOLD


def test_normalisation_drops_prefix_quotes_punctuation_case_and_accents() -> None:
    assert normalise_topic('Chuyên đề: "Học tập, làm theo Bác!"') == "hoc tap lam theo bac"
    assert best_match("", ["x"]) == (0.0, None)
