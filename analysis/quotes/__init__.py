"""Direct quotations of news articles: spans, attribution, speaker and role.

``extract_quotes`` finds quotations; ``quote_statements`` turns an article's quotations into
statement rows; ``evaluate_quotes`` measures them against gold labels. ``VERSIONS`` names the
rule lists used, for the run manifest.
"""

from __future__ import annotations

from analysis.quotes.evaluate import evaluate_quotes
from analysis.quotes.extract import ArticleLike, Quote, extract_quotes, quote_statements
from analysis.quotes.rules import REPORTING_VERBS, VERSIONS

__all__ = [
    "REPORTING_VERBS",
    "VERSIONS",
    "ArticleLike",
    "Quote",
    "evaluate_quotes",
    "extract_quotes",
    "quote_statements",
]
