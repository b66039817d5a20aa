"""The news article a reaction analysis is about: from a file, a pasted text or a URL.

``Article.text`` is the text quote offsets index into, so pasted and plain-text articles are kept
exactly as given (only ``\\r\\n`` and ``\\r`` become ``\\n``). HTML goes through trafilatura
(Barbaresi 2021), which drops navigation, ads and reader comments; its paragraphs are separated
by blank lines so paragraph boundaries survive for quote attribution.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Literal
from urllib.parse import urlsplit

import pandas as pd

from analysis.errors import InputError
from analysis.ingest.decode import decode_bytes, read_capped
from analysis.ingest.fetch import FetchedPage, fetch_url

ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".xhtml"})
COMMENT_SUFFIXES = frozenset(
    {
        ".csv",
        ".tsv",
        ".tab",
        ".json",
        ".jsonl",
        ".ndjson",
        ".xlsx",
        ".xlsm",
        ".parquet",
        ".gz",
        ".js",
    }
)
MAX_ARTICLE_BYTES = 20_000_000
_TEXT_HEADERS = frozenset(
    {
        "text",
        "comment",
        "body",
        "message",
        "content",
        "fulltext",
        "commenttext",
        "textdisplay",
        "textoriginal",
    }
)


@dataclass(frozen=True)
class Article:
    """One article: its text as analysed, and where it came from."""

    source: str
    text: str
    title: str | None = None
    published_at: pd.Timestamp | None = None
    layout: str = "text"


def article_from_text(text: str, *, source: str = "pasted text") -> Article:
    """An article from plain text; only line endings are normalised, so offsets stay valid.

    Raises:
        InputError: the text is empty or only whitespace.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{source}: the article is empty")
    return Article(source=source, text=text)


def article_from_html(html: str | bytes, *, source: str) -> Article:
    """The main text of an HTML page, with title and date from its metadata when present.

    Raises:
        InputError: trafilatura finds no article text on the page.
    """
    import trafilatura
    from trafilatura.metadata import extract_metadata

    if isinstance(html, bytes):
        html = decode_bytes(html, name=source).text
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # date parsing inside trafilatura warns on odd pages
        extracted = trafilatura.extract(
            html, include_comments=False, include_tables=False, favor_precision=True
        )
        metadata = extract_metadata(html) if extracted else None
    if not extracted or not extracted.strip():
        raise InputError(f"{source}: the page has no article text that could be extracted")
    paragraphs = [line.strip() for line in extracted.replace("\r", "\n").split("\n")]
    text = "\n\n".join(p for p in paragraphs if p)
    title = getattr(metadata, "title", None) or None
    return Article(
        source,
        text,
        title=title,
        published_at=_date(getattr(metadata, "date", None)),
        layout="html",
    )


def _date(value: object) -> pd.Timestamp | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        return None
    if pd.isna(stamp):
        return None
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def load_article(
    source: str | Path, *, fetch: Callable[[str], FetchedPage] | None = None
) -> Article:
    """An article from a ``.txt``/``.md``/``.html`` path or an http(s) URL.

    Args:
        fetch: how to fetch a URL; defaults to :func:`~analysis.ingest.fetch.fetch_url`.

    Raises:
        InputError: a missing or empty file, a page without article text, or a refused URL.
    """
    text = str(source)
    if _is_url(text):
        page = (fetch or fetch_url)(text)
        if page.content_type == "text/plain":
            return _from_bytes(page.body, page.final_url, html=False, charset=page.charset)
        return _from_bytes(page.body, page.final_url, html=True, charset=page.charset)
    path = Path(source)
    return article_from_bytes(read_capped(path, max_bytes=MAX_ARTICLE_BYTES), name=str(path))


def article_from_bytes(data: bytes, *, name: str) -> Article:
    """An article handed over as bytes (an upload): HTML or text by ``name``'s extension, else
    sniffed; decoded as files are (BOM, UTF-16, cp1252 fallback)."""
    if len(data) > MAX_ARTICLE_BYTES:
        raise InputError(f"{name}: {len(data):,} bytes is over the {MAX_ARTICLE_BYTES:,}-byte cap")
    suffix = Path(name).suffix.lower()
    html = suffix in {".html", ".htm", ".xhtml"} or (
        suffix not in {".txt", ".md", ".markdown"} and _looks_html(data)
    )
    return _from_bytes(data, name, html=html, charset=None)


def _from_bytes(data: bytes, source: str, *, html: bool, charset: str | None) -> Article:
    if charset:
        try:
            decoded = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            decoded = decode_bytes(data, name=source).text
    else:
        decoded = decode_bytes(data, name=source).text
    if html:
        return article_from_html(decoded, source=source)
    return article_from_text(decoded, source=source)


def _is_url(text: str) -> bool:
    return urlsplit(text).scheme.lower() in ("http", "https")


def _looks_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head


def input_kind(source: str) -> Literal["article", "comments"]:
    """Whether a source is an article or a comment export: URL, then content, then extension."""
    if _is_url(source):
        return "article"
    path = Path(source)
    suffix = PurePath(source.lower()).suffix
    if path.is_file():
        sniffed = _sniff_kind(path)
        if sniffed:
            return sniffed
    if suffix in COMMENT_SUFFIXES:
        return "comments"
    return "article"


def _sniff_kind(path: Path) -> Literal["article", "comments"] | None:
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError:
        return None
    if head.startswith((b"PK\x03\x04", b"PAR1", b"\x1f\x8b")):
        return "comments"
    try:
        text = decode_bytes(head, name=path.name).text.lstrip("\ufeff \t\r\n")
    except InputError:
        return None
    if text[:1] in ("[", "{"):
        return "comments"
    if _looks_html(head):
        return "article"
    first = text.split("\n", 1)[0]
    for sep in (",", "\t", ";"):
        cells = [
            c.strip().strip('"').lower().replace("_", "").replace(" ", "") for c in first.split(sep)
        ]
        if len(cells) >= 2 and _TEXT_HEADERS & set(cells):
            return "comments"
    return "article" if text else None
