"""Scores identical to vaderSentiment 3.3.2, float for float, on > 50,000 varied texts.

The reference (``SentimentIntensityAnalyzer.polarity_scores``) is computed once per session.
Generated texts are built from VADER's own word lists so every rule fires often: lexicon words,
boosters and dampeners, negations and contractions, "no", "least", "but", idioms, ALL CAPS,
emoji (spaced and glued), emoticons, punctuation runs and odd whitespace.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import json
import math
import multiprocessing
import random
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vaderSentiment import vaderSentiment as vs

from analysis.sentiment import SentimentAnalyzer

SHARED_GT = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "vader_gt"
N_GENERATED = 28_000
OVERRIDE = {"least": 1.0, "but": -0.5, "so": 0.7, "police": -0.4, "good": 2.6, "raid": -2.1}

_FILLER = (
    "the a it is was of and or nor to for this so that i you they we room people police city "
    "at very never without doubt kind sort just enough least no not but BUT But at least"
).split()
_PUNCT = ["!", "!!", "!!!", "!!!!!", "?", "??", "???", "?!?!", "...", ",", ".", ":)", ":(", ";)"]
_WRAP = ['"', "(", ")", "'", "*", "#", "@", "--", "..."]
_ODD = ["é", "ü", "中文", "\u00a0", "\t", "\n", "  ", "naïve"]


def _vocab() -> dict[str, list[str]]:
    lexicon = sorted(vs.SentimentIntensityAnalyzer().lexicon)
    emojis = sorted(k for k in vs.SentimentIntensityAnalyzer().emojis if len(k) == 1)
    return {
        "lexicon": [w for w in lexicon if " " not in w],
        "booster": sorted(vs.BOOSTER_DICT),
        "negation": sorted(vs.NEGATE) + ["no", "No", "NO", "n't", "isn't", "don't"],
        "idiom": sorted(vs.SPECIAL_CASES) + sorted(vs.SENTIMENT_LADEN_IDIOMS),
        "emoji": emojis,
    }


_KINDS = ["lexicon", "filler", "booster", "negation", "idiom", "emoji", "punct", "odd"]
_CUMULATIVE = list(itertools.accumulate([30, 30, 8, 8, 3, 5, 5, 2]))


def _token(rng: random.Random, vocab: dict[str, list[str]]) -> str:
    kind = _KINDS[bisect.bisect(_CUMULATIVE, rng.random() * _CUMULATIVE[-1])]
    if kind == "filler":
        word = rng.choice(_FILLER)
    elif kind == "punct":
        word = rng.choice(_PUNCT)
    elif kind == "odd":
        word = rng.choice(_ODD)
    else:
        word = rng.choice(vocab[kind])
    shape = rng.random()
    if shape < 0.12:
        word = word.upper()
    elif shape < 0.18:
        word = word.title()
    if rng.random() < 0.15:
        word = rng.choice(_WRAP) + word if rng.random() < 0.5 else word + rng.choice(_PUNCT)
    if kind == "emoji" and rng.random() < 0.4:
        word += rng.choice(["", rng.choice(vocab["lexicon"]), rng.choice(vocab["emoji"])])
    return word


def generate_texts(n: int, seed: int = 20141) -> list[str]:
    """Seeded texts: mostly 1-24 tokens, one in 1400 with 500-600, a few all-caps or blank."""
    rng = random.Random(seed)
    vocab = _vocab()
    texts = []
    for k in range(n):
        size = rng.randint(500, 600) if k % 1400 == 0 else rng.randint(1, 16)
        words = [_token(rng, vocab) for _ in range(size)]
        sep = rng.choice([" ", " ", " ", "  ", "\n"])
        text = sep.join(words)
        if rng.random() < 0.03:
            text = text.upper()
        if rng.random() < 0.01:
            text = rng.choice(["", " ", "\n\t", "!!!", "???"])
        texts.append(text)
    return texts


def _reference_chunk(texts: list[str], override: dict[str, float] | None = None) -> list[tuple]:
    analyzer = vs.SentimentIntensityAnalyzer()
    analyzer.lexicon.update(override or {})
    out = []
    for text in texts:
        s = analyzer.polarity_scores(text)
        out.append((s["compound"], s["pos"], s["neu"], s["neg"]))
    return out


def _reference(texts: list[str], override: dict[str, float] | None = None) -> list[tuple]:
    """vaderSentiment's scores; on Linux split over 2 forked processes (the slow half of the test)."""
    if sys.platform != "linux" or len(texts) < 10_000:
        return _reference_chunk(texts, override)
    half = len(texts) // 2
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        parts = list(pool.map(_reference_chunk, [texts[:half], texts[half:]], [override] * 2))
    return parts[0] + parts[1]


def _ours(texts: list[str], analyzer: SentimentAnalyzer) -> list[tuple]:
    scores = analyzer.score(texts)
    return list(
        zip(
            scores.compound.tolist(),
            scores.pos.tolist(),
            scores.neu.tolist(),
            scores.neg.tolist(),
            strict=True,
        )
    )


def _mismatches(texts: list[str], ours: list[tuple], ref: list[tuple]) -> list[tuple]:
    return [(t, o, r) for t, o, r in zip(texts, ours, ref, strict=True) if o != r]


@pytest.fixture(scope="module")
def pair() -> tuple[SentimentAnalyzer, vs.SentimentIntensityAnalyzer]:
    return SentimentAnalyzer(), vs.SentimentIntensityAnalyzer()


@pytest.fixture(scope="session")
def generated() -> list[str]:
    return generate_texts(N_GENERATED)


@pytest.fixture(scope="session")
def generated_reference(generated: list[str]) -> list[tuple]:
    return _reference(generated)


@pytest.fixture(scope="session")
def vader_gt_texts() -> list[str]:
    files = sorted(SHARED_GT.glob("*.jsonl"))
    if not files:
        pytest.skip(f"VADER ground-truth texts not found at {SHARED_GT} (CI has ../shared)")
    return [json.loads(line)["text"] for f in files for line in f.read_text("utf-8").splitlines()]


def test_generator_covers_the_rules(generated: list[str]) -> None:
    joined = "\n".join(generated).lower()
    for marker in ("kiss of death", " but ", "never", "least", "n't", "!!!", "???", "kind of"):
        assert marker in joined
    assert sum(len(t.split()) >= 500 for t in generated) >= 15
    assert len(generated) == N_GENERATED


def test_score_identical_on_generated(generated: list[str], generated_reference: list) -> None:
    ours = _ours(generated, SentimentAnalyzer())
    assert _mismatches(generated, ours, generated_reference)[:3] == []


def test_score_identical_on_vader_ground_truth(vader_gt_texts: list[str]) -> None:
    ours = _ours(vader_gt_texts, SentimentAnalyzer())
    ref = _reference(vader_gt_texts)
    assert len(vader_gt_texts) > 20_000
    assert _mismatches(vader_gt_texts, ours, ref)[:3] == []


def test_polarity_scores_identical_dict(generated: list[str]) -> None:
    ours, ref = SentimentAnalyzer(), vs.SentimentIntensityAnalyzer()
    for text in generated[:1000]:
        assert ours.polarity_scores(text) == ref.polarity_scores(text), text


def test_score_identical_with_override(generated: list[str]) -> None:
    texts = generated[:3000]
    ours = _ours(texts, SentimentAnalyzer(lexicon_override=OVERRIDE))
    assert _mismatches(texts, ours, _reference(texts, OVERRIDE))[:3] == []


def test_explain_agrees_with_score(generated: list[str], generated_reference: list) -> None:
    analyzer = SentimentAnalyzer(lexicon_override=OVERRIDE)
    plain = SentimentAnalyzer()
    for text, ref in zip(generated[:2000], generated_reference[:2000], strict=True):
        e = plain.explain(text)
        assert (e.compound, e.pos, e.neu, e.neg) == ref, text
        total = sum(w.valence for w in e.words)  # the words account for the whole score
        total += math.copysign(e.punctuation, total) if total else 0.0
        assert e.compound == pytest.approx(total / math.sqrt(total * total + 15), abs=6e-5)
        scores, evidence = analyzer.evidence(text)
        expected = analyzer.explain(text)
        if len(text) < analyzer.sentences_min_chars:  # the column leaves them to explain()
            expected = dataclasses.replace(expected, sentences=())
        assert scores == (expected.neg, expected.neu, expected.pos, expected.compound)
        assert evidence == expected.to_json(), text


_HYPO_WORDS = st.sampled_from(
    [
        "good",
        "BAD",
        "not",
        "no",
        "but",
        "very",
        "kind",
        "of",
        "least",
        "never",
        "so",
        "the",
        "shit",
        "kiss",
        "death",
        ":)",
        "!!",
        "??",
        "\U0001f601",
        "\u2764",
        "\u00e9",
        "isn't",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(_HYPO_WORDS, st.text(max_size=6)), max_size=25),
    st.sampled_from([" ", "", "\n", "\u00a0", "  ", "\t"]),
)
def test_polarity_scores_identical_on_arbitrary_text(
    pair: tuple[SentimentAnalyzer, vs.SentimentIntensityAnalyzer], words: list[str], sep: str
) -> None:
    text = sep.join(words)
    assert pair[0].polarity_scores(text) == pair[1].polarity_scores(text)
