"""ReactionLens analysis: ingest → quotes → sentiment → stance → aggregate, on one statement table.

The stages' entry points are re-exported here; each subpackage lists its own in ``__all__``.
"""

from __future__ import annotations

from analysis.errors import (
    EvaluationError,
    InputError,
    ReactionLensError,
    SchemaError,
    UnsafeURLError,
)
from analysis.ingest import (
    Article,
    ColumnMapping,
    article_from_html,
    article_from_text,
    load_article,
    read_comments,
    read_comments_bytes,
)
from analysis.pipeline import (
    Analysis,
    Pasted,
    Upload,
    analyze,
    load,
    read_statements,
    score,
    write_statements,
)
from analysis.quotes import Quote, extract_quotes, quote_statements
from analysis.report import ImportReport, Skip
from analysis.schema import COLUMNS, Statement, from_records, validate
from analysis.sentiment import SentimentAnalyzer, add_sentiment
from analysis.stance import StanceResult, Target, add_stance, score_stance

__all__ = [
    "COLUMNS",
    "Analysis",
    "Article",
    "ColumnMapping",
    "EvaluationError",
    "ImportReport",
    "InputError",
    "Pasted",
    "Quote",
    "ReactionLensError",
    "SchemaError",
    "SentimentAnalyzer",
    "Skip",
    "StanceResult",
    "Statement",
    "Target",
    "UnsafeURLError",
    "Upload",
    "add_sentiment",
    "add_stance",
    "analyze",
    "article_from_html",
    "article_from_text",
    "extract_quotes",
    "from_records",
    "load",
    "load_article",
    "quote_statements",
    "read_comments",
    "read_comments_bytes",
    "read_statements",
    "score",
    "score_stance",
    "validate",
    "write_statements",
]
