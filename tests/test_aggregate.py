"""Aggregates on small hand-built tables whose answers are worked out by hand in the comments."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from analysis import aggregate, schema
from analysis.sentiment import SentimentAnalyzer


def _row(n: int, role: str, sentiment: float | None, stance: str | None, **extra: Any) -> dict:
    score = {"favor": 0.5, "against": -0.5, "neutral": 0.0}.get(stance or "", None)
    label = None
    if sentiment is not None:
        label = "positive" if sentiment >= 0.05 else "negative" if sentiment <= -0.05 else "neutral"
    return {
        "statement_id": f"s{n}",
        "source": extra.pop("source", "comments.jsonl"),
        "source_kind": extra.pop("source_kind", "comment"),
        "text": extra.pop("text", f"statement number {n}"),
        "speaker_role": role,
        "sentiment_compound": sentiment,
        "sentiment_label": label,
        "stance_label": stance,
        "stance_score": extra.pop("stance_score", score),
        **extra,
    }


@pytest.fixture
def small() -> pd.DataFrame:
    """Two officials, one organization, three public comments, one unknown without scores."""
    return schema.from_records(
        [
            _row(1, "official", 0.6, "favor", speaker="Mayor Ortiz", source="article.txt"),
            _row(2, "official", 0.2, "favor", speaker="Mayor Ortiz", source="article.txt"),
            _row(3, "organization", -0.4, "against", speaker="Alliance", source="article.txt"),
            _row(4, "public", -0.8, "against", speaker="elm_1", posted_at="2026-03-09T10:00Z"),
            _row(5, "public", 0.0, "neutral", speaker="elm_2", posted_at="2026-03-09T12:30Z"),
            _row(6, "public", 0.5, "favor", speaker="elm_1", posted_at="2026-03-11T08:00Z"),
            _row(7, "unknown", None, None, speaker=None),
        ]
    )


def test_summarize_by_role_counts_and_means(small: pd.DataFrame) -> None:
    out = aggregate.summarize(small, "speaker_role").set_index("speaker_role")
    # public: 3 rows, sentiment (-0.8 + 0 + 0.5)/3 = -0.1, stance (-0.5 + 0 + 0.5)/3 = 0
    assert out.loc["public", "statements"] == 3
    assert out.loc["public", "mean_sentiment"] == pytest.approx(-0.1)
    assert out.loc["public", "mean_stance"] == pytest.approx(0.0)
    assert out.loc["public", ["favor", "against", "neutral"]].tolist() == [1, 1, 1]
    # official: (0.6 + 0.2)/2 = 0.4 sentiment, both favor
    assert out.loc["official", "mean_sentiment"] == pytest.approx(0.4)
    assert out.loc["official", ["favor", "against", "neutral"]].tolist() == [2, 0, 0]
    # unknown has a row but no scores: mean is NaN, counts zero
    assert out.loc["unknown", "statements"] == 1
    assert math.isnan(out.loc["unknown", "mean_sentiment"])
    assert out.index.tolist() == ["public", "official", "organization", "unknown"]


def test_summarize_by_speaker_leaves_out_missing_speakers(small: pd.DataFrame) -> None:
    out = aggregate.summarize(small, "speaker")
    assert out["speaker"].tolist() == ["Mayor Ortiz", "elm_1", "Alliance", "elm_2"]
    assert out["statements"].tolist() == [2, 2, 1, 1]
    assert out["statements"].sum() == 6  # the speaker-less row 7 is not counted


def test_summarize_by_two_keys(small: pd.DataFrame) -> None:
    out = aggregate.summarize(small, ["source", "speaker_role"])
    keys = zip(out["source"], out["speaker_role"], strict=True)
    pairs = dict(zip(keys, out["statements"], strict=True))
    assert pairs == {
        ("comments.jsonl", "public"): 3,
        ("article.txt", "official"): 2,
        ("article.txt", "organization"): 1,
        ("comments.jsonl", "unknown"): 1,
    }


def test_summarize_empty_frame_has_columns() -> None:
    out = aggregate.summarize(schema.empty(), "speaker_role")
    assert list(out.columns) == [
        "speaker_role",
        "statements",
        "mean_sentiment",
        "mean_stance",
        "favor",
        "against",
        "neutral",
    ]
    assert out.empty


def test_by_time_fills_quiet_days(small: pd.DataFrame) -> None:
    out = aggregate.by_time(small, freq="D")
    assert [b.day for b in out["bucket"]] == [9, 10, 11]
    assert out["statements"].tolist() == [2, 0, 1]
    # 9 March: (-0.8 + 0.0) / 2
    assert out["mean_sentiment"].iloc[0] == pytest.approx(-0.4)
    assert math.isnan(out["mean_sentiment"].iloc[1])
    assert out["favor"].tolist() == [0, 0, 1]


def test_by_time_hourly_buckets(small: pd.DataFrame) -> None:
    out = aggregate.by_time(small, freq="h")
    assert out["statements"].sum() == 3
    assert len(out) == 24 + 24 - 10 + 8 + 1  # 10:00 on the 9th to 08:00 on the 11th inclusive


def test_by_time_without_dates_is_empty() -> None:
    frame = schema.from_records([_row(1, "public", 0.1, "favor")])
    out = aggregate.by_time(frame)
    assert out.empty and "bucket" in out.columns


def test_stance_share_sums_to_one_per_role(small: pd.DataFrame) -> None:
    out = aggregate.stance_share(small)
    assert out["speaker_role"].unique().tolist() == ["official", "organization", "public"]
    shares = out.set_index(["speaker_role", "stance_label"])["share"]
    assert shares[("official", "favor")] == 1.0
    assert shares[("official", "against")] == 0.0
    assert shares[("public", "against")] == pytest.approx(1 / 3)
    assert out.groupby("speaker_role")["share"].sum().tolist() == pytest.approx([1, 1, 1])


def test_gap_means_counts_and_interval(small: pd.DataFrame) -> None:
    out = aggregate.official_public_gap(small, n_boot=2000, seed=1).set_index("metric")
    stance = out.loc["stance_score"]
    # official+organization stance: (0.5 + 0.5 - 0.5)/3 = 1/6; public: 0; gap 1/6
    assert stance["official_mean"] == pytest.approx(1 / 6)
    assert stance["public_mean"] == pytest.approx(0.0)
    assert stance["gap"] == pytest.approx(1 / 6)
    assert (stance["n_official"], stance["n_public"]) == (3, 3)
    assert stance["low"] <= stance["gap"] <= stance["high"]
    # the widest possible gap: official all 0.5 (+0.5) minus public all -0.5 -> 1.0
    assert -1.0 <= stance["low"] and stance["high"] <= 1.0
    sentiment = out.loc["sentiment_compound"]
    # official (0.6 + 0.2 - 0.4)/3 = 0.1333; public -0.1
    assert sentiment["gap"] == pytest.approx(0.4 / 3 + 0.1)
    assert stance["method"] == "bootstrap"


def test_gap_is_deterministic_for_a_seed(small: pd.DataFrame) -> None:
    first = aggregate.official_public_gap(small, seed=7)
    again = aggregate.official_public_gap(small, seed=7)
    other = aggregate.official_public_gap(small, seed=8)
    pd.testing.assert_frame_equal(first, again)
    assert not first["low"].equals(other["low"])


def test_gap_interval_needs_two_per_side(small: pd.DataFrame) -> None:
    one_public = small[small["statement_id"] != "s5"]
    one_public = one_public[one_public["statement_id"] != "s6"]
    out = aggregate.official_public_gap(one_public).set_index("metric")
    assert out.loc["stance_score", "n_public"] == 1
    assert out.loc["stance_score", "gap"] == pytest.approx(1 / 6 + 0.5)
    assert math.isnan(out.loc["stance_score", "low"])


def test_gap_large_group_uses_normal_limit() -> None:
    records = [_row(i, "public", 0.1 if i % 2 else -0.1, "neutral") for i in range(60)]
    records += [_row(100 + i, "official", 0.3, "favor") for i in range(4)]
    out = aggregate.official_public_gap(schema.from_records(records), exact_limit=50)
    stance = out.set_index("metric").loc["sentiment_compound"]
    assert stance["method"] == "bootstrap+normal"
    # official constant 0.3, public mean 0 with sd ~0.1/sqrt(60): interval tight around 0.3
    assert stance["low"] == pytest.approx(0.3, abs=0.05)
    assert stance["high"] == pytest.approx(0.3, abs=0.05)


def test_gap_by_day_only_dated_rows() -> None:
    records = [
        _row(1, "official", 0.5, "favor", posted_at="2026-03-09T08:00Z"),
        _row(2, "public", -0.5, "against", posted_at="2026-03-09T09:00Z"),
        _row(3, "public", 0.5, "favor", posted_at="2026-03-10T09:00Z"),
    ]
    out = aggregate.gap_by_day(schema.from_records(records))
    stance = out[out["metric"] == "stance_score"].set_index("day")
    assert len(stance) == 2
    first, second = stance.iloc[0], stance.iloc[1]
    assert first["gap"] == pytest.approx(1.0)  # 0.5 - (-0.5)
    assert math.isnan(second["gap"])  # no official statement that day
    assert second["n_official"] == 0 and second["n_public"] == 1


def test_sentiment_stance_table(small: pd.DataFrame) -> None:
    table = aggregate.sentiment_stance_table(small)
    assert table.loc["positive", "favor"] == 3  # rows 1, 2, 6
    assert table.loc["negative", "against"] == 2  # rows 3, 4
    assert table.loc["neutral", "neutral"] == 1
    assert table.loc["negative", "favor"] == 0
    assert table.to_numpy().sum() == 6  # row 7 has no labels


def test_sentiment_histogram_bins() -> None:
    frame = schema.from_records(
        [_row(i, "public", v, None) for i, v in enumerate([-1.0, -0.95, 0.0, 0.02, 0.99, 1.0])]
    )
    out = aggregate.sentiment_histogram(frame, bins=4)  # edges -1, -0.5, 0, 0.5, 1
    assert out["left"].tolist() == [-1.0, -0.5, 0.0, 0.5]
    assert out["statements"].tolist() == [2, 0, 2, 2]


def test_sample_rows_is_stable_and_ordered() -> None:
    frame = pd.DataFrame({"x": range(1000)})
    a = aggregate.sample_rows(frame, 50, seed=3)
    assert len(a) == 50 and a["x"].is_monotonic_increasing
    pd.testing.assert_frame_equal(a, aggregate.sample_rows(frame, 50, seed=3))
    assert aggregate.sample_rows(frame, 5000) is frame


def _sentiment_json(*words: tuple[str, float]) -> str:
    return json.dumps({"words": [{"word": w, "valence": v} for w, v in words]})


def _stance_json(*cues: tuple[str, float]) -> str:
    return json.dumps(
        [{"kind": "cue", "text": t, "start": 0, "end": len(t), "weight": w} for t, w in cues]
    )


def test_top_evidence_counts_terms_per_group() -> None:
    records = [
        _row(1, "public", 0.5, "favor", sentiment_evidence=_sentiment_json(("Love", 3.2))),
        _row(2, "public", 0.6, "favor", sentiment_evidence=_sentiment_json(("love", 3.2))),
        _row(
            3,
            "public",
            -0.3,
            "against",
            sentiment_evidence=_sentiment_json(("waste", -1.8), ("love", 3.2)),
        ),
        _row(4, "official", 0.4, "favor", sentiment_evidence=_sentiment_json(("proud", 2.0))),
        _row(5, "official", 0.0, "neutral", sentiment_evidence="not json"),
    ]
    out = aggregate.top_evidence(schema.from_records(records), kind="sentiment", n=5)
    public = out[out["speaker_role"] == "public"]
    assert public["term"].tolist() == ["love", "waste"]
    assert public["count"].tolist() == [3, 1]
    assert public["mean_value"].tolist() == pytest.approx([3.2, -1.8])
    assert out[out["speaker_role"] == "official"]["term"].tolist() == ["proud"]


def test_top_evidence_stance_weights() -> None:
    records = [
        _row(1, "public", 0.1, "against", stance_evidence=_stance_json(("shame on", -0.8))),
        _row(2, "public", 0.1, "against", stance_evidence=_stance_json(("Shame on", -0.6))),
    ]
    out = aggregate.top_evidence(schema.from_records(records), kind="stance")
    assert out["term"].tolist() == ["shame on"]
    assert out["mean_value"].iloc[0] == pytest.approx(-0.7)


@pytest.mark.parametrize(
    "raw, expected",
    [
        (None, []),
        ("", []),
        ("{broken", []),
        ('[["good", 1.9]]', [("good", 1.9)]),
        ('{"words": [{"token": "Bad", "value": -2.5}]}', [("bad", -2.5)]),
        ('[{"word": "ok", "valence": "x"}]', [("ok", 0.0)]),
        ('[{"valence": 1.0}]', []),
        ("42", []),
    ],
)
def test_sentiment_terms_parses_tolerantly(raw: str | None, expected: list) -> None:
    assert aggregate.sentiment_terms(raw) == expected


def test_sentiment_terms_reads_the_sentiment_stage_output() -> None:
    # the column's word rows are [word, valence, at, lexicon, rules?, override?]
    analyzer = SentimentAnalyzer(lexicon_override={"raid": -2.1})
    _, raw = analyzer.evidence("The RAID was not helpful but the officers were kind")
    assert aggregate.sentiment_terms(raw) == [
        ("raid", pytest.approx((-2.1 - 0.733) * 0.5)),  # override, ALL CAPS, before "but"
        ("helpful", pytest.approx(1.8 * -0.74 * 0.5)),  # negated, before "but"
        ("kind", pytest.approx(2.4 * 1.5)),  # after "but"
    ]


def test_evidence_spans_keep_offsets() -> None:
    raw = json.dumps([{"kind": "target", "text": "the plaza", "start": 4, "end": 13, "weight": 1}])
    assert aggregate.evidence_spans(raw) == [("the plaza", 1.0, 4, 13, "target")]


def test_top_evidence_rejects_unknown_kind(small: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="sentiment"):
        aggregate.top_evidence(small, kind="emotion")


def test_dominant_role_per_speaker() -> None:
    records = [
        _row(1, "official", 0.1, "favor", speaker="Ortiz"),
        _row(2, "official", 0.1, "favor", speaker="Ortiz"),
        _row(3, "public", 0.1, "favor", speaker="Ortiz"),
        _row(4, "public", 0.1, "favor", speaker="elm_1"),
        _row(5, "expert", 0.1, "favor", speaker=None),
    ]
    out = aggregate.dominant(schema.from_records(records))
    assert out.to_dict() == {"Ortiz": "official", "elm_1": "public"}


def test_by_time_rejects_calendar_frequencies(small: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="fixed length"):
        aggregate.by_time(small, freq="MS")


@pytest.mark.parametrize("categorical", [False, True])
def test_summarize_matches_a_plain_groupby(categorical: bool) -> None:
    """The bincount implementation against pandas' own groupby on a seeded random table."""
    rng = np.random.default_rng(5)
    n = 2000
    roles = rng.choice(["official", "public", "expert"], n)
    labels = rng.choice(["favor", "against", "neutral", None], n)
    frame = pd.DataFrame(
        {
            "speaker_role": roles,
            "speaker": rng.choice(["a", "b", "c", "d", None], n),
            "sentiment_compound": np.where(rng.random(n) < 0.1, np.nan, rng.uniform(-1, 1, n)),
            "stance_score": rng.uniform(-1, 1, n),
            "stance_label": labels,
        }
    )
    if categorical:
        frame = frame.astype({"speaker_role": "category", "speaker": "category"})
    out = aggregate.summarize(frame, ["speaker_role", "speaker"])
    plain = frame.dropna(subset=["speaker"]).astype({"speaker_role": object, "speaker": object})
    grouped = plain.groupby(["speaker_role", "speaker"])
    expected = grouped.agg(
        statements=("stance_score", "size"),
        mean_sentiment=("sentiment_compound", "mean"),
        mean_stance=("stance_score", "mean"),
    )
    got = out.set_index(["speaker_role", "speaker"]).loc[expected.index]
    assert got["statements"].tolist() == expected["statements"].tolist()
    np.testing.assert_allclose(got["mean_sentiment"], expected["mean_sentiment"])
    np.testing.assert_allclose(got["mean_stance"], expected["mean_stance"])
    favor = plain[plain["stance_label"] == "favor"].groupby(["speaker_role", "speaker"]).size()
    assert got["favor"].tolist() == favor.reindex(expected.index, fill_value=0).tolist()
    assert len(out) == len(expected)


def test_by_time_where_limits_the_rows(small: pd.DataFrame) -> None:
    keep = (small["statement_id"] != "s4").to_numpy()
    out = aggregate.by_time(small, freq="D", where=keep)
    assert out["statements"].tolist() == [1, 0, 1]  # s4 (9 March, 10:00) left out
    assert out["mean_sentiment"].iloc[0] == pytest.approx(0.0)
