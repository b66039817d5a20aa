"""Importers: comment exports and news articles into ReactionLens.

read_comments / read_comments_bytes   comment exports -> statement table + ImportReport
read_comments_chunks                  the same, as statement tables of bounded size (big files)
load_article / article_from_bytes / article_from_text / article_from_html   the article
fetch_url                             one page over http(s), refusing private addresses
input_kind                            is a path or URL an article or a comment export?

Comment layouts detected (``ImportReport.layout`` is the name plus the format): flat table (any
text-like column), x-twitter api v2 / graphql / v1.1 / zeeschuimer / table, reddit pushshift,
youtube data api / youtube-comment-downloader / youtube comments, facebook graph api / facebook
comments, json records. Formats: CSV, TSV, JSON, JSONL/NDJSON, XLSX, Parquet, any of them gzipped.
"""

from __future__ import annotations

from analysis.ingest.article import (
    Article,
    article_from_bytes,
    article_from_html,
    article_from_text,
    input_kind,
    load_article,
)
from analysis.ingest.chunks import read_comments_chunks
from analysis.ingest.comments import ColumnMapping, read_comments, read_comments_bytes
from analysis.ingest.fetch import FetchedPage, fetch_url

__all__ = [
    "Article",
    "ColumnMapping",
    "FetchedPage",
    "article_from_bytes",
    "article_from_html",
    "article_from_text",
    "fetch_url",
    "input_kind",
    "load_article",
    "read_comments",
    "read_comments_bytes",
    "read_comments_chunks",
]
