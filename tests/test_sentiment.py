"""Sentiment stage: labels, explanations, odd input, override, batch scoring, evaluation."""

from __future__ import annotations

import json
import math
import pickle
import sys
import threading
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

import analysis.sentiment as sentiment
from analysis import schema
from analysis.errors import EvaluationError, InputError
from analysis.sentiment import (
    VADER_VERSION,
    SentimentAnalyzer,
    add_sentiment,
    evaluate_sentiment,
)
from analysis.sentiment.analyzer import _pool_context


@pytest.fixture(scope="module")
def analyzer() -> SentimentAnalyzer:
    return SentimentAnalyzer()


@pytest.fixture(scope="module")
def vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def _word(explanation: sentiment.Explanation, word: str) -> sentiment.WordEvidence:
    matches = [w for w in explanation.words if w.word == word]
    assert matches, f"{word!r} not among {[w.word for w in explanation.words]}"
    return matches[0]


def test_exports_match_all() -> None:
    public = {name for name in dir(sentiment) if not name.startswith("_")}
    assert set(sentiment.__all__) <= public
    assert {"SentimentAnalyzer", "add_sentiment", "evaluate_sentiment"} <= set(sentiment.__all__)


@pytest.mark.parametrize(
    "compound, expected",
    [
        (0.05, "positive"),
        (0.0499, "neutral"),
        (-0.05, "negative"),
        (-0.0499, "neutral"),
        (0.0, "neutral"),
        (0.9, "positive"),
    ],
)
def test_label_default_thresholds(
    analyzer: SentimentAnalyzer, compound: float, expected: str
) -> None:
    assert analyzer.label(compound) == expected


def test_label_configured_thresholds() -> None:
    strict = SentimentAnalyzer(positive=0.5, negative=-0.5)
    assert [strict.label(c) for c in (0.49, 0.5, -0.49, -0.5)] == [
        "neutral",
        "positive",
        "neutral",
        "negative",
    ]
    assert strict.manifest()["thresholds"] == {"positive": 0.5, "negative": -0.5}


@pytest.mark.parametrize("positive, negative", [(0.0, 0.0), (-0.1, 0.1), (math.nan, -0.05)])
def test_analyzer_rejects_bad_thresholds(positive: float, negative: float) -> None:
    with pytest.raises(InputError, match="thresholds"):
        SentimentAnalyzer(positive=positive, negative=negative)


def test_vader_release_is_pinned() -> None:
    assert (
        VADER_VERSION
        == f"vaderSentiment=={metadata.version('vaderSentiment')}"
        == ("vaderSentiment==3.3.2")
    )


# Golden outputs of vaderSentiment 3.3.2 (PyPI; the GitHub HEAD differs): a release change shows here.
GOLDEN = [
    ("The new library is wonderful and the staff are so helpful!", (0.0, 0.542, 0.458, 0.8229)),
    ("The council is not doing a good job, but the mayor is great", (0.093, 0.599, 0.308, 0.7138)),
    ("This is the kiss of death for the downtown shops", (0.385, 0.615, 0.0, -0.6124)),
    ("I am NOT happy about the road closures", (0.3, 0.7, 0.0, -0.4585)),
    ("The park reopens at nine on Monday.", (0.0, 1.0, 0.0, 0.0)),
    ("Thank you officers \U0001f64f\U0001f44f", (0.0, 0.706, 0.294, 0.3612)),
]


@pytest.mark.parametrize("text, expected", GOLDEN)
def test_polarity_scores_golden(
    analyzer: SentimentAnalyzer, text: str, expected: tuple[float, float, float, float]
) -> None:
    assert tuple(analyzer.polarity_scores(text).values()) == expected


# text, word, lexicon value, expected final valence (None: not checked), rule fragment
EXPLAIN_CASES = [
    ("There's no room for fear", "fear", -2.2, -2.2, None),
    ("There's no room for fear", "no", -1.2, -1.2, None),
    ("The coffee was not good", "good", 1.9, 1.9 * -0.74, "negated by 'not'"),
    ("The staff isn't helpful at all", "helpful", 1.8, 1.8 * -0.74, "negated by 'isn't'"),
    ("The new park is very nice", "nice", 1.8, 1.8 + 0.293, "modifier 'very' +0.293"),
    ("The new park is slightly nice", "nice", 1.8, 1.8 - 0.293, "modifier 'slightly' -0.293"),
    ("The mayor gave a GREAT speech today", "GREAT", 3.1, 3.1 + 0.733, "ALL CAPS +0.733"),
    ("The plan is good but the rollout was awful", "good", 1.9, 0.95, "'but' shift x0.5"),
    ("The plan is good but the rollout was awful", "awful", -2.0, -3.0, "'but' shift x1.5"),
    ("That merger was the kiss of death", "death", -2.9, -1.5, "idiom 'kiss of death'"),
    ("She was kind of happy with it", "happy", 2.7, 2.7 - 0.293, "modifier 'kind of'"),
    ("This is the least helpful answer", "helpful", 1.8, 1.8 * -0.74, "'least' x-0.74"),
    ("It has never been so good", "good", 1.9, None, "'never' before it x1.25"),
    ("It was without doubt excellent", "excellent", 2.7, 2.7, "'without doubt'"),
    ("No good deed goes unpunished", "No", -1.2, 0.0, "'no' before lexicon word 'good': 0"),
    ("No good deed goes unpunished", "good", 1.9, 1.9 * -0.74, "negated by 'no'"),
]


@pytest.mark.parametrize("text, word, lexicon, final, rule", EXPLAIN_CASES)
def test_explain_words_and_rules(
    analyzer: SentimentAnalyzer,
    text: str,
    word: str,
    lexicon: float,
    final: float | None,
    rule: str | None,
) -> None:
    evidence = _word(analyzer.explain(text), word)
    assert evidence.lexicon == lexicon
    if final is not None:
        assert evidence.valence == pytest.approx(final, abs=1e-9)
    if rule is not None:
        assert any(rule in r for r in evidence.rules), evidence.rules
    else:
        assert evidence.rules == ()


def test_explain_shows_why_no_room_for_fear_is_negative(analyzer: SentimentAnalyzer) -> None:
    explanation = analyzer.explain("There's no room for fear in our community")
    assert explanation.label == "negative"
    assert [(w.word, w.valence) for w in explanation.words] == [("no", -1.2), ("fear", -2.2)]
    assert "fear -2.20" in explanation.summary()


@pytest.mark.parametrize(
    "text, exclamations, questions, amplifier",
    [
        ("What a great result!!!", 3, 0, 0.876),
        ("What a great result!!!!!!", 6, 0, 1.168),
        ("Is this really good??", 0, 2, 0.36),
        ("Is this really good????", 0, 4, 0.96),
        ("Is this good?", 0, 1, 0.0),
    ],
)
def test_explain_punctuation_emphasis(
    analyzer: SentimentAnalyzer, text: str, exclamations: int, questions: int, amplifier: float
) -> None:
    explanation = analyzer.explain(text)
    assert explanation.punctuation == pytest.approx(amplifier)
    data = json.loads(explanation.to_json())
    if amplifier:
        assert data["punctuation"] == {"!": exclamations, "?": questions, "amplifier": amplifier}
    else:
        assert "punctuation" not in data


def test_explain_emoji_descriptions(analyzer: SentimentAnalyzer) -> None:
    explanation = analyzer.explain("Finally some progress 😁 well done")
    assert ("😁", "beaming face with smiling eyes") in explanation.emoji
    assert _word(explanation, "smiling").valence > 0


def test_explain_caps_emphasis_flag(analyzer: SentimentAnalyzer) -> None:
    assert json.loads(analyzer.explain("This is TERRIBLE news").to_json())["caps_emphasis"]
    assert "caps_emphasis" not in json.loads(analyzer.explain("THIS IS TERRIBLE").to_json())


def test_explain_per_sentence_scores(analyzer: SentimentAnalyzer) -> None:
    text = "The council meeting was calm. Then the vote was a disaster. People are angry."
    explanation = analyzer.explain(text)
    spans = [(s.start, s.end) for s in explanation.sentences]
    assert [text[a:b] for a, b in spans] == [
        "The council meeting was calm.",
        "Then the vote was a disaster.",
        "People are angry.",
    ]
    assert [s.compound for s in explanation.sentences] == [
        analyzer.polarity_scores(text[a:b])["compound"] for a, b in spans
    ]
    assert analyzer.explain("Just one sentence here.").sentences == ()


_THREE = "The council meeting was calm. Then the vote was a disaster. People are angry."


@pytest.mark.parametrize(
    "text, min_chars, listed",
    [
        (_THREE, 1_000, False),  # a short comment: explain() has them, the column does not
        (_THREE, len(_THREE), True),  # long enough
        (" ".join([_THREE] * 15), 1_000, True),  # an article statement with the default
        ("Just one sentence here, and a good one.", 0, False),  # one sentence: nothing to split
    ],
)
def test_evidence_lists_sentences_for_long_texts_only(
    text: str, min_chars: int, listed: bool
) -> None:
    analyzer = SentimentAnalyzer(sentences_min_chars=min_chars)
    scores, evidence = analyzer.evidence(text)
    data = json.loads(evidence)
    assert ("sentences" in data) == listed
    full = analyzer.explain(text)
    assert scores == (full.neg, full.neu, full.pos, full.compound)
    assert data["words"] == [w.to_row() for w in full.words]
    if listed:
        assert data["sentences"] == [s.to_dict() for s in full.sentences]


def test_evidence_json_keeps_non_ascii_and_rounds_changed_valences(
    analyzer: SentimentAnalyzer,
) -> None:
    _, evidence = analyzer.evidence("Café staff were not friendly 😡")
    assert "😡" in evidence and "\\u" not in evidence
    # [word, valence, at, lexicon, rules]: 2.2 x -0.74 = -1.6280000000000001, shown to 4 places
    assert json.loads(evidence)["words"] == [
        ["friendly", -1.628, 4, 2.2, ["negated by 'not' x-0.74"]]
    ]


def test_explain_json_is_compact(analyzer: SentimentAnalyzer) -> None:
    data = json.loads(analyzer.explain("A calm and good day").to_json())
    assert set(data) == {"words"}
    assert data["words"] == [["calm", 1.3, 1, 1.3], ["good", 1.9, 3, 1.9]]
    explanation = analyzer.explain("A calm and good day")
    assert explanation.words[0].to_dict() == {
        "word": "calm",
        "at": 1,
        "lexicon": 1.3,
        "valence": 1.3,
    }


@pytest.mark.parametrize(
    "value, reason",
    [
        (None, "missing text (None)"),
        (float("nan"), "missing text (NaN)"),
        (np.float64("nan"), "missing text (NaN)"),
        (pd.NA, "missing text (NA)"),
        (42, "not text (int)"),
        (["a", "list"], "not text (list)"),
        ("", "empty text"),
        ("   \n", "empty text"),
    ],
)
def test_non_text_is_neutral_with_reason(
    analyzer: SentimentAnalyzer, value: object, reason: str
) -> None:
    assert analyzer.polarity_scores(value) == {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}
    explanation = analyzer.explain(value)
    assert (explanation.label, explanation.compound) == ("neutral", 0.0)
    assert explanation.reason is not None and explanation.reason.startswith(reason)
    assert json.loads(explanation.to_json())["reason"] == explanation.reason


@pytest.mark.parametrize(
    "raw, text, replaced",
    [
        (b"What a wonderful day", "What a wonderful day", 0),
        (bytearray(b"Terrible service"), "Terrible service", 0),
        ("Caf\u00e9 was lovely".encode(), "Caf\u00e9 was lovely", 0),
        (b"Great \xff\xfe news", "Great \ufffd\ufffd news", 2),
    ],
)
def test_bytes_decode_as_utf8(
    analyzer: SentimentAnalyzer,
    vader: SentimentIntensityAnalyzer,
    raw: bytes,
    text: str,
    replaced: int,
) -> None:
    assert analyzer.polarity_scores(raw) == vader.polarity_scores(text)
    reason = analyzer.explain(raw).reason
    assert reason is not None and reason.startswith("bytes decoded as UTF-8")
    assert (f"{replaced} invalid" in reason) == bool(replaced)


def test_score_mixed_input_never_raises(analyzer: SentimentAnalyzer) -> None:
    rows = ["Good job", None, float("nan"), b"bad idea", 7, "", "Good job"]
    scores = analyzer.score(rows)
    assert len(scores) == len(rows)
    assert scores.label.tolist() == [
        "positive",
        "neutral",
        "neutral",
        "negative",
        "neutral",
        "neutral",
        "positive",
    ]
    assert scores.compound[0] == analyzer.polarity_scores("Good job")["compound"]


OVERRIDE = {"Defund": -2.0, "good": 0.5, "sanctuary": 1.5}


def test_override_applied_to_score_and_explanation(vader: SentimentIntensityAnalyzer) -> None:
    custom = SentimentAnalyzer(lexicon_override=OVERRIDE)
    text = "They want to defund the sanctuary program, good riddance"
    reference = custom.reference()
    assert custom.polarity_scores(text) == reference.polarity_scores(text)
    assert custom.polarity_scores(text) != vader.polarity_scores(text)
    explanation = custom.explain(text)
    defund = _word(explanation, "defund")
    assert (defund.lexicon, defund.override) == (-2.0, True)
    assert (_word(explanation, "good").lexicon, _word(explanation, "good").override) == (0.5, True)
    rows = json.loads(explanation.to_json())["words"]
    assert rows == [
        ["want", 0.3, 1, 0.3],  # VADER's own value: no override flag
        ["defund", -2.0, 3, -2.0, [], True],  # [] = no rule changed it, True = override
        ["sanctuary", 1.5, 5, 1.5, [], True],
        ["good", 0.5, 7, 0.5, [], True],
    ]


def test_override_recorded_in_manifest() -> None:
    manifest = SentimentAnalyzer(lexicon_override=OVERRIDE).manifest()
    assert manifest["model"] == VADER_VERSION
    assert manifest["evidence"] == {"format": "sentiment_evidence.v2", "sentences_min_chars": 1000}
    recorded = manifest["lexicon_override"]
    assert isinstance(recorded, dict)
    assert recorded["size"] == 3
    assert recorded["entries"] == {"defund": -2.0, "good": 0.5, "sanctuary": 1.5}
    other = SentimentAnalyzer(lexicon_override={"good": 0.6}).manifest()["lexicon_override"]
    assert isinstance(other, dict) and other["sha256"] != recorded["sha256"]


@pytest.mark.parametrize(
    "override, message",
    [
        ({"two words": 1.0}, "without spaces"),
        ({"": 1.0}, "without spaces"),
        ({"word": 9.0}, "-4"),
        ({"word": "high"}, "not a valence"),
        ({"word": math.inf}, "not a valence"),
        ({"Word": 1.0, "word": 2.0}, "twice"),
    ],
)
def test_override_rejects_invalid_entries(override: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        SentimentAnalyzer(lexicon_override=override)  # type: ignore[arg-type]


def test_score_progress_counts_rows_and_skips(analyzer: SentimentAnalyzer) -> None:
    calls: list[tuple[str, int, int, int]] = []
    analyzer.score(["Nice", None, "Nice", float("nan"), b"ok"], progress=lambda *a: calls.append(a))
    assert calls[-1] == ("sentiment", 5, 5, 2)
    assert all(0 <= done <= total for _, done, total, _ in calls)


def test_score_deduplicates_without_changing_rows(analyzer: SentimentAnalyzer) -> None:
    texts = ["Awful", "Lovely", "Awful", "Meh", "Lovely", "Awful"]
    scores = analyzer.score(texts)
    expected = [analyzer.polarity_scores(t)["compound"] for t in texts]
    assert scores.compound.tolist() == expected


def test_score_workers_identical_to_one_process() -> None:
    texts = [
        f"Comment {k}: the plan is {'good' if k % 3 else 'NOT good'}, but {'wow!!' * (k % 4)}"
        for k in range(300)
    ] + [None, b"fine \xff"]
    pooled = SentimentAnalyzer(parallel_min_chars=0)
    one, evidence_one = pooled._score_table(texts, workers=1, progress=None, explain=True)
    two, evidence_two = pooled._score_table(texts, workers=2, progress=None, explain=True)
    for field in ("compound", "pos", "neu", "neg", "label"):
        assert getattr(one, field).tolist() == getattr(two, field).tolist()
    assert evidence_one == evidence_two


def test_add_sentiment_fills_columns_without_mutating(analyzer: SentimentAnalyzer) -> None:
    frame = schema.from_records(
        [
            schema.Statement("a1", "s.csv", "comment", text="Thank you officers, great call!"),
            schema.Statement("a2", "s.csv", "comment", text="This decision is a disgrace."),
            schema.Statement("a3", "s.csv", "comment", text="The meeting is at noon."),
        ]
    )
    before = frame.copy()
    calls: list[tuple[str, int, int, int]] = []
    out = add_sentiment(frame, analyzer=analyzer, progress=lambda *a: calls.append(a))
    pd.testing.assert_frame_equal(frame, before)
    schema.validate(out)
    assert out["sentiment_label"].tolist() == ["positive", "negative", "neutral"]
    assert out["sentiment_compound"].tolist() == [
        analyzer.polarity_scores(t)["compound"] for t in frame["text"]
    ]
    evidence = [json.loads(e) for e in out["sentiment_evidence"]]
    assert [w[0] for w in evidence[1]["words"]] == ["disgrace"]
    assert calls[-1] == ("sentiment", 3, 3, 0)


def test_add_sentiment_without_explanations_leaves_evidence_na(
    analyzer: SentimentAnalyzer,
) -> None:
    frame = schema.from_records([schema.Statement("b1", "s.csv", "comment", text="Good")])
    out = add_sentiment(frame, analyzer=analyzer, explain=False)
    assert out["sentiment_evidence"].isna().all()
    assert out["sentiment_label"].tolist() == ["positive"]


def test_add_sentiment_empty_table(analyzer: SentimentAnalyzer) -> None:
    out = add_sentiment(schema.empty(), analyzer=analyzer)
    assert len(out) == 0
    schema.validate(out)


def test_score_rejects_zero_workers(analyzer: SentimentAnalyzer) -> None:
    with pytest.raises(InputError, match="workers=0"):
        analyzer.score(["fine"], workers=0)


def _write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def test_evaluate_ratings_layout(tmp_path: Path) -> None:
    records = [
        {"text": "I love this park, it is wonderful", "mean_rating": 3.1},
        {"text": "The bus was late again, terrible", "mean_rating": -2.4},
        {"text": "The library opens at nine", "mean_rating": 0.1},
        {"text": "Pretty good coffee", "mean_rating": 1.5},
        {"text": "Awful, just awful", "mean_rating": -3.0},
    ]
    result = evaluate_sentiment(_write_jsonl(tmp_path / "r.jsonl", records))
    assert result["n"] == 5
    assert result["agreement_3class"] == 1.0
    assert isinstance(result["pearson_r"], float) and result["pearson_r"] > 0.9
    assert result["identical_to_vaderSentiment"] == "5/5"
    assert result["majority_floor"] == 0.4


def test_evaluate_labels_layout(tmp_path: Path) -> None:
    records = [
        {"text": "Brilliant work by the team", "label": "positive"},
        {"text": "A sad and painful day", "label": "negative"},
        {"text": "The office is on Elm Street", "label": "neutral"},
        {"text": "Not bad at all", "label": "negative"},
    ]
    result = evaluate_sentiment(_write_jsonl(tmp_path / "l.jsonl", records))
    assert result["accuracy"] == 0.75
    assert result["f1"] == {
        "negative": pytest.approx(2 / 3, abs=1e-4),
        "neutral": 1.0,
        "positive": 0.6667,
    }
    assert result["macro_f1_over"] == ["negative", "neutral", "positive"]


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"text": "ok", "mean_rating": 1}\nnot json\n', r"l\.jsonl, line 2"),
        ('{"text": "ok", "label": "happy"}\n', "valid"),
        ('{"text": "ok"}\n', "mean_rating"),
        ('{"comment": "ok"}\n', "'text'"),
        ("\n", "no records"),
    ],
)
def test_evaluate_rejects_bad_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "l.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EvaluationError, match=message):
        evaluate_sentiment(path)


@pytest.mark.eval
def test_evaluate_vader_tweets_matches_published_correlation(shared_dir: Path) -> None:
    result = evaluate_sentiment(shared_dir / "eval" / "vader_gt" / "tweets.jsonl")
    assert result["n"] == 4200
    assert result["pearson_r"] == pytest.approx(0.872, abs=0.001)
    assert result["identical_to_vaderSentiment"] == "4200/4200"


def test_analyzer_pickles_settings_not_cache() -> None:
    custom = SentimentAnalyzer(lexicon_override={"raid": -2.0}, positive=0.2, negative=-0.3)
    custom.score(["word " * 50])
    copy = pickle.loads(pickle.dumps(custom))
    assert (copy.override, copy.positive, copy.negative) == ({"raid": -2.0}, 0.2, -0.3)
    assert (
        pickle.loads(pickle.dumps(SentimentAnalyzer(sentences_min_chars=7))).sentences_min_chars
        == 7
    )
    assert copy.polarity_scores("the raid") == custom.polarity_scores("the raid")
    assert len(pickle.dumps(custom)) < 2000


@pytest.mark.skipif(sys.platform != "linux", reason="start-method choice is Linux-specific")
def test_pool_avoids_fork_in_threaded_parent() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert _pool_context().get_start_method() == "forkserver"
    finally:
        stop.set()
        thread.join()
