"""Sentiment stage: VADER scores identical to vaderSentiment 3.3.2, explained, fast on large inputs.

``add_sentiment`` fills the ``sentiment_*`` columns of the statement table; ``SentimentAnalyzer``
scores, labels and explains single texts or sequences; ``evaluate_sentiment`` measures against
human ratings or labels.
"""

from __future__ import annotations

from analysis.sentiment.analyzer import (
    VADER_VERSION,
    SentimentAnalyzer,
    SentimentScores,
    add_sentiment,
    coerce_text,
)
from analysis.sentiment.evaluate import evaluate_sentiment
from analysis.sentiment.explain import Explanation, SentenceScore, WordEvidence

__all__ = [
    "VADER_VERSION",
    "Explanation",
    "SentenceScore",
    "SentimentAnalyzer",
    "SentimentScores",
    "WordEvidence",
    "add_sentiment",
    "coerce_text",
    "evaluate_sentiment",
]
