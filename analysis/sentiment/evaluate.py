"""Measure the sentiment stage against human judgements (JSONL, one record per line).

Two layouts:

- ``{text, mean_rating}`` (VADER's ground truth, ratings on -4 … +4; Hutto & Gilbert 2014):
  Pearson r of compound vs the mean rating (the paper's measure), 3-class agreement of our labels
  with the rating's sign using a ±0.5 neutral band, and how many scores are identical to
  vaderSentiment's own.
- ``{text, label}`` with positive / negative / neutral: accuracy and macro-F1 over the classes
  present in the gold labels, beside the majority-class floor.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from analysis.errors import EvaluationError
from analysis.jsonl import json_lines
from analysis.schema import SENTIMENT_LABELS
from analysis.sentiment.analyzer import SentimentAnalyzer

#: |mean rating| below this counts as neutral when comparing labels with human ratings.
NEUTRAL_BAND = 0.5


def evaluate_sentiment(
    path: Path, *, analyzer: SentimentAnalyzer | None = None
) -> dict[str, object]:
    """Figures for one JSONL file; see the module docstring for the two layouts."""
    analyzer = analyzer or SentimentAnalyzer()
    records = _read(path)
    texts = [r["text"] for r in records]
    scores = analyzer.score(texts)
    if all("mean_rating" in r for r in records):
        return _ratings(path, records, texts, scores.compound, scores.label, analyzer)
    if all("label" in r for r in records):
        return _labels(path, records, scores.label)
    raise EvaluationError(
        f"{path}: every record needs 'text' and either 'mean_rating' (-4 … +4) "
        f"or 'label' ({', '.join(SENTIMENT_LABELS)})"
    )


def _read(path: Path) -> list[dict[str, Any]]:
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvaluationError(f"{path}: cannot read as UTF-8 JSONL ({exc})") from exc
    records = []
    expected = "an object with a 'text' field"
    for where, _, record in json_lines(
        raw, source=str(path), expected=expected, error=EvaluationError
    ):
        if not isinstance(record, dict) or "text" not in record:
            raise EvaluationError(f"{where}: expected an object with a 'text' field")
        records.append(record)
    if not records:
        raise EvaluationError(f"{path}: no records")
    return records


def _ratings(
    path: Path,
    records: list[dict[str, Any]],
    texts: list[object],
    compound: np.ndarray,
    labels: np.ndarray,
    analyzer: SentimentAnalyzer,
) -> dict[str, object]:
    try:
        rating = np.array([float(r["mean_rating"]) for r in records])
    except (TypeError, ValueError) as exc:
        raise EvaluationError(f"{path}: 'mean_rating' must be a number ({exc})") from exc
    gold = np.where(rating > NEUTRAL_BAND, "positive", "neutral")
    gold = np.where(rating < -NEUTRAL_BAND, "negative", gold)
    reference = analyzer.reference()
    identical = sum(
        analyzer.polarity_scores(t) == reference.polarity_scores(t)
        for t in texts
        if isinstance(t, str)
    )
    domains = sorted({str(r.get("domain")) for r in records if r.get("domain")})
    return {
        "file": str(path),
        "layout": "mean_rating",
        "domain": ",".join(domains) or None,
        "n": len(records),
        "pearson_r": round(float(np.corrcoef(compound, rating)[0, 1]), 4),
        "agreement_3class": round(float(np.mean(gold == labels)), 4),
        "neutral_band": f"|mean_rating| <= {NEUTRAL_BAND} is neutral",
        "majority_floor": round(Counter(gold.tolist()).most_common(1)[0][1] / len(gold), 4),
        "identical_to_vaderSentiment": f"{identical}/{sum(isinstance(t, str) for t in texts)}",
    }


def _labels(path: Path, records: list[dict[str, Any]], predicted: np.ndarray) -> dict[str, object]:
    gold = [str(r["label"]).strip().lower() for r in records]
    for number, label in enumerate(gold, 1):
        if label not in SENTIMENT_LABELS:
            raise EvaluationError(
                f"{path}: record {number} has label {label!r}; valid: {list(SENTIMENT_LABELS)}"
            )
    classes = sorted(set(gold))
    pred = predicted.tolist()
    f1 = {c: round(_f1(gold, pred, c), 4) for c in classes}
    return {
        "file": str(path),
        "layout": "label",
        "n": len(gold),
        "accuracy": round(sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold), 4),
        "macro_f1": round(sum(f1.values()) / len(f1), 4),
        "macro_f1_over": classes,
        "f1": f1,
        "majority_floor": round(Counter(gold).most_common(1)[0][1] / len(gold), 4),
    }


def _f1(gold: list[str], pred: list[str], label: str) -> float:
    tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
    fp = sum(g != label and p == label for g, p in zip(gold, pred, strict=True))
    fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)
