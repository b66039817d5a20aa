"""The shortcuts that keep stance fast give exactly what the long way gives.

Each shortcut is checked against the straightforward form it replaces: a look-behind or ``\\b``
pattern run with ``finditer``, the full negation check, one ``score_stance`` per row.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.schema import from_records
from analysis.stance import Target, add_stance, attach, score_stance
from analysis.stance import parts as P
from analysis.stance import score as S
from analysis.stance.target import word_spans

# Our own invented target and pieces of text (no text from ../shared).
PLAN = Target.parse(
    "the harbour ferry timetable",
    aliases=["ferry board", "Captain Ruiz"],
    opponents=["Harbour Watch"],
)
_PIECES = [
    *" ,.;!?'’#/-\n",
    "not",
    "no",
    "don't",
    "isn’t",
    "piano",
    "cannot",
    "never",
    "think",
    "support",
    "unsupported",
    "great",
    "shame on",
    "thank you",
    "ferry",
    "ferries",
    "aferry",
    "ferry board",
    "Harbour Watch",
    "disgrace",
    "x",
    "very",
    "pointless",
    "really",
    "😡",
    ":)",
]
texts = st.lists(st.sampled_from(_PIECES), max_size=40).map("".join)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(texts)
def test_signed_negator_shortcut_matches_the_full_check(text: str) -> None:
    low = P.lower(text)
    negators = P.negator_ends(low, P.TOKEN.findall(low))
    for start in range(len(low) + 1):
        if start and low[start - 1] in "abcdefghijklmnopqrstuvwxyz":
            continue  # parts start after a non-letter (a cue may follow an apostrophe)
        full = P.signed("valence", start, start, 1.0, low)
        assert P.signed("valence", start, start, 1.0, low, negators) == full


@settings(max_examples=300, deadline=None, derandomize=True)
@given(texts)
def test_word_spans_same_as_a_leading_word_boundary(text: str) -> None:
    low = P.lower(text)
    for patterns in S._patterns(PLAN):
        assert patterns is not None
        bounded = re.compile(rf"\b{patterns.words.pattern}")
        assert word_spans(patterns, low) == [m.span() for m in bounded.finditer(low)]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(texts)
def test_cue_matches_same_as_a_look_behind(text: str) -> None:
    low = P.lower(text)
    everything = set(range(len(P._CUES)))
    found = []
    for _, pattern, weight in P._CUES:
        for m in re.finditer(rf"(?<![\w#/])(?:{pattern})(?!\w)", low):
            found.append((m.start(), m.start() - m.end(), m.end(), weight))
    kept: list[tuple[int, int, float]] = []
    for start, _, end, weight in sorted(found):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end, weight))
    assert P._cue_matches(low, everything) == kept


def _rows(*rows: dict[str, object]) -> pd.DataFrame:
    base = {"source": "ferry-thread", "source_kind": "comment"}
    return from_records({**base, "statement_id": f"f{i}", **row} for i, row in enumerate(rows))


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Texts add_stance reads, in order (score_stance still does the reading)."""
    seen: list[str | None] = []

    def counting(text: str | None, *args: object, **kwargs: object) -> S.StanceResult:
        seen.append(text)
        return score_stance(text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(attach, "score_stance", counting)
    return seen


def test_add_stance_reads_a_repeated_text_once(calls: list[str | None]) -> None:
    text = "The ferry board did a great job with the new timetable."
    frame = _rows(
        {"text": text, "speaker": "deckhand_7", "speaker_role": "public"},
        {"text": text, "speaker": "islander", "speaker_role": "public"},
        {"text": text},
        {"text": text, "speaker": "Captain Ruiz", "speaker_role": "official"},
    )
    out = add_stance(frame, PLAN)
    assert calls == [text, text]  # the public copies once, the target's own official apart
    assert out["stance_evidence"].nunique() == 2
    assert '"kind": "speaker"' in out["stance_evidence"].iloc[3]
    expected = [score_stance(text, PLAN).score] * 3
    assert out["stance_score"].tolist()[:3] == expected


def test_add_stance_same_reply_follows_each_parent(calls: list[str | None]) -> None:
    frame = _rows(
        {"text": "Shame on the ferry board for this timetable."},
        {"text": "Thank you, ferry board, the timetable works."},
        {"text": "Agreed.", "parent_id": "f0"},
        {"text": "Agreed.", "parent_id": "f1"},
        {"text": "Agreed.", "parent_id": "f1"},
    )
    out = add_stance(frame, PLAN)
    assert out["stance_label"].tolist() == ["against", "favor", "against", "favor", "favor"]
    assert calls.count("Agreed.") == 3  # read alone once, then once in each thread
    for i in (2, 3):
        assert '"kind": "reply"' in out["stance_evidence"].iloc[i]


def test_add_stance_reply_in_an_off_topic_thread_is_read_alone(calls: list[str | None]) -> None:
    frame = _rows(
        {"text": "Lovely sunset over the water tonight."},
        {"text": "Agreed, so pretty.", "parent_id": "f0"},
    )
    out = add_stance(frame, PLAN)
    assert out["stance_label"].tolist() == ["neutral", "neutral"]
    alone = score_stance("Agreed, so pretty.", PLAN)
    assert json.loads(out["stance_evidence"].iloc[1]) == alone.evidence
    assert calls == ["Lovely sunset over the water tonight.", "Agreed, so pretty."]


@pytest.mark.parametrize(
    "text",
    [
        "Ferry board: “no” to the 6am boat?! Disgrace 😡",
        'Captain Ruiz said "thank you"\n\tand left — Harbour Watch \\ not happy',
    ],
)
def test_add_stance_evidence_is_the_json_of_the_reading(text: str) -> None:
    out = add_stance(_rows({"text": text}), PLAN)
    expected = json.dumps(score_stance(text, PLAN).evidence, ensure_ascii=False)
    assert out["stance_evidence"].iloc[0] == expected


_strings = st.text(st.characters(codec="utf-8"), max_size=30) | st.sampled_from(
    ['"', "\\", "\n", "\t", "{\n    }", '", "', '":', "[\n  {", "\x00\x1f\x7f", "é😡"]
)
_items = st.builds(
    S._ev,
    st.sampled_from(["target", "cue", "valence", "reason", "reply"]),
    _strings,
    st.integers(-1, 10_000),
    st.integers(-1, 10_000),
    st.floats(-12, 12) | st.sampled_from([0.0, -0.0, 0.0001, -0.00005, 1e-9]),
    _strings,
)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(_items, max_size=8))
def test_to_json_same_text_as_json_dumps(evidence: list[dict[str, object]]) -> None:
    assert attach._to_json(evidence) == json.dumps(evidence, ensure_ascii=False)


def test_to_json_lone_surrogate_goes_through_json() -> None:
    evidence = [S._ev("target", "ferry\ud800", 0, 6, 0.0)]
    assert attach._to_json(evidence) == json.dumps(evidence, ensure_ascii=False)
