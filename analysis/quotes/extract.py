"""Direct quotations of an article as statement rows: spans -> attribution -> speaker -> role.

Compute (``extract_quotes`` returns plain ``Quote`` records) then attach (``quote_statements``
builds the statement table); no DataFrame is mutated.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from datetime import datetime
from typing import Any, NamedTuple, Protocol

import pandas as pd

from analysis import schema
from analysis.quotes.attribution import (
    DEFAULT_CUES,
    Attribution,
    Cues,
    after_quote,
    before_quote,
    cue_pattern,
    inside_unclosed,
    previous_paragraph,
    sentence_start,
)
from analysis.quotes.roles import Evidence
from analysis.quotes.rules import REPORTING_VERBS
from analysis.quotes.spans import Span, collapse, find_spans, paragraphs
from analysis.quotes.speakers import Resolved, Resolver, build_registry
from analysis.report import ImportReport

_WORDS = re.compile(r"[\w’']+")
_LAYOUT = "article quotes"


class Quote(NamedTuple):
    """One quotation found in an article (offsets index the original text)."""

    text: str
    char_start: int
    char_end: int
    speaker: str | None
    speaker_role: str
    role_evidence: dict[str, object]
    attribution: str | None
    attribution_start: int | None
    attribution_end: int | None
    quote_kind: str
    note: str | None


class FoundQuote(NamedTuple):
    """A quote plus what the evaluation needs (the speaker mention's offsets)."""

    quote: Quote
    mention_start: int | None
    mention_end: int | None


class ArticleLike(Protocol):
    """What ``quote_statements`` reads from an article."""

    @property
    def source(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def published_at(self) -> datetime | pd.Timestamp | str | None: ...


def extract_quotes(
    text: str, *, cues: Collection[str] = REPORTING_VERBS, min_words: int = 4
) -> list[Quote]:
    """Every quotation of ``text`` with its kind, attribution, speaker and role.

    Args:
        text: the article's main text (paragraphs separated by line breaks).
        cues: reporting cues that mark an attribution (default ``reporting_verbs.en.v1``).
        min_words: an embedded quotation shorter than this is a scare quote, not a partial one.
    """
    return [f.quote for f in find_quotes(text, cues=cues, min_words=min_words)]


def find_quotes(
    text: str, *, cues: Collection[str] = REPORTING_VERBS, min_words: int = 4
) -> list[FoundQuote]:
    """``extract_quotes`` plus the speaker mention offsets (used by the evaluation)."""
    pattern = DEFAULT_CUES if cues is REPORTING_VERBS else cue_pattern(cues)
    paras = paragraphs(text)
    spans, forced = _split_unclosed(text, find_spans(text), pattern)
    resolver = Resolver(text, build_registry(text))
    out: list[FoundQuote] = []
    speakers: list[tuple[Span, Resolved | None]] = []
    for k, span in enumerate(spans):
        prev = spans[k - 1] if k else None
        nxt = spans[k + 1] if k + 1 < len(spans) else None
        att = forced.get(span.start) or _attribute(text, paras, span, prev, nxt, pattern)
        resolver.paragraph_floor = paras[max(0, span.first_paragraph - 1)][0]
        who = _continuation(text, paras, span, speakers) if att is None else None
        kind = _kind(text, paras, span, prev, att, min_words, inherited=who is not None)
        if att is not None and att.mention is not None:
            who = resolver.resolve(att.mention)
        speakers.append((span, who))
        out.append(_record(text, span, att, kind, who))
    return out


def _split_unclosed(
    text: str, spans: list[Span], cues: Cues
) -> tuple[list[Span], dict[int, Attribution]]:
    """Close unclosed quotes before an attribution left inside them (``“…, Lee said. …``).

    The words after the attribution's sentence stay a quotation of the same speaker.
    """
    out: list[Span] = []
    forced: dict[int, Attribution] = {}
    for span in spans:
        found = inside_unclosed(text, span, cues)
        if found is None:
            out.append(span)
            continue
        comma, stop, att = found
        lo, hi = span.pieces[-1]
        end = comma
        while end > lo and text[end - 1].isspace():
            end -= 1
        note = "recovered: unclosed quote, closed before the attribution inside it"
        head = span._replace(end=end, pieces=span.pieces[:-1] + ((lo, end),), note=note)
        out.append(head)
        forced[head.start] = att
        rest = _NON_SPACE.search(text, stop, hi)
        if rest and any(ch.isalnum() for ch in text[rest.start() : hi]):
            r = rest.start()
            tail = Span(r, hi, ((r, hi),), r, None, span.paragraph, span.paragraph, note)
            out.append(tail)
            forced[r] = att._replace(position="middle")
    return out, forced


def _attribute(
    text: str,
    paras: list[tuple[int, int]],
    span: Span,
    prev: Span | None,
    nxt: Span | None,
    cues: Cues,
) -> Attribution | None:
    lo = paras[span.first_paragraph][0]
    hi = paras[span.paragraph][1]
    prev_close = prev.close_mark if prev and prev.paragraph == span.first_paragraph else None
    # the “Keep Elm Open” petition, said …: the speaker may sit before a quoted name
    reach_back = prev is not None and _phrase_in_sentence(text, prev)
    next_open = nxt.open_mark if nxt and nxt.first_paragraph == span.paragraph else None
    lead = _char_before(text, lo, span.open_mark)
    before = before_quote(text, span, lo, cues, prev_close, reach_back=reach_back)
    if before is not None and lead == ":":
        return before
    after = after_quote(text, span, hi, cues, next_open)
    if after is not None or before is not None:
        return after or before
    if lead or span.first_paragraph == 0:
        return None
    prev_para = paras[span.first_paragraph - 1]
    if prev is not None and prev.paragraph == span.first_paragraph - 1:
        return None
    return previous_paragraph(text, prev_para, cues)


_NON_SPACE = re.compile(r"\S")
_NOT_CLOSING = re.compile(r"[^\s.,;!?”\"’]")


def _char_before(text: str, lo: int, i: int) -> str:
    """The last non-space character in [lo, i), or "" (bounded look-back)."""
    k = i - 1
    while k >= lo and text[k].isspace():
        k -= 1
    return text[k] if k >= lo else ""


def _continuation(
    text: str,
    paras: list[tuple[int, int]],
    span: Span,
    speakers: list[tuple[Span, Resolved | None]],
) -> Resolved | None:
    """A paragraph-initial quote right after a paragraph ending in a quote: same speaker."""
    if not speakers:
        return None
    prev, who = speakers[-1]
    if who is None or prev.close_mark is None:
        return None
    if prev.paragraph == span.first_paragraph:  # “…,” she said. “… (closed or not): hers
        if span.open_mark - prev.close_mark > 200:
            return None
        between = text[prev.close_mark + 1 : span.open_mark]
        ends = between.rstrip()[-1:] in {".", "!", "?"}
        return who if ends and len(between.split()) <= 12 else None
    if span.close_mark is None:
        return None  # an unclosed quote in a paragraph of its own: too unsure to inherit
    if _char_before(text, paras[span.first_paragraph][0], span.open_mark):
        return None
    if prev.paragraph != span.first_paragraph - 1:
        return None
    tail = text[prev.close_mark + 1 : min(paras[prev.paragraph][1], prev.close_mark + 200)]
    return who if len(tail.split()) <= 12 else None


def _kind(
    text: str,
    paras: list[tuple[int, int]],
    span: Span,
    prev: Span | None,
    att: Attribution | None,
    min_words: int,
    *,
    inherited: bool = False,
) -> str:
    """statement | partial | scare, from position, length and attribution."""
    lo = paras[span.first_paragraph][0]
    start = sentence_start(text, lo, span.open_mark)
    if prev is not None and prev.close_mark is not None and prev.close_mark >= start:
        start = prev.close_mark + 1
    lead = text[start : span.open_mark].strip()
    words = len(_WORDS.findall(text[span.start : span.end]))
    lower_start = text[span.start : span.start + 1].islower()
    led_in = (
        not lead
        or lead[-1] in ":,—–"
        or (
            att is not None
            and att.position in {"before", "middle"}
            and att.end >= span.open_mark - 3
            and not lower_start  # said “the plan is dead”: the quote finishes his sentence
        )
    )
    if led_in and att is not None:
        short = words < min_words and not _ends_sentence(text, span)
        return "scare" if short and att.position in {"before", "middle"} else "statement"
    if led_in and (lead.endswith(":") or (inherited and not lead)):
        return "statement"
    if words < min_words:
        return "scare"
    if _title_like(text[span.start : span.end]):
        return "scare"
    if led_in and not lead and _whole_paragraph(text, paras, span):
        return "statement"  # a quoted paragraph of its own: a statement even without a cue
    return "partial"


def _phrase_in_sentence(text: str, span: Span) -> bool:
    """A short quoted name or title that the sentence runs on through (not a statement)."""
    if span.close_mark is None or text[span.end - 1 : span.end] in {",", ".", "!", "?", "…"}:
        return False
    after = text[span.close_mark + 1 : span.close_mark + 3].lstrip()
    if not after or not (after[0].isalnum()):
        return False  # “…,” or “….” ends the quote: the words after belong to an attribution
    raw = text[span.start : span.end]
    return len(_WORDS.findall(raw)) < 4 or _title_like(raw)


def _whole_paragraph(text: str, paras: list[tuple[int, int]], span: Span) -> bool:
    lo, hi = paras[span.first_paragraph][0], paras[span.paragraph][1]
    after = span.close_mark + 1 if span.close_mark is not None else span.end
    return not _NON_SPACE.search(text, lo, span.open_mark) and not _NOT_CLOSING.search(
        text, after, hi
    )


def _ends_sentence(text: str, span: Span) -> bool:
    return text[span.end - 1 : span.end] in {".", "!", "?", "…"}


def _title_like(raw: str) -> bool:
    """A name of a work, slogan or campaign: short and mostly capitalised, no closing stop."""
    words = [w for w in _WORDS.findall(raw) if w[0].isalpha()]
    if not 2 <= len(words) <= 12 or (raw.rstrip()[-1:] in {".", "!", "?"} and len(words) > 8):
        return False
    caps = sum(1 for w in words if w[0].isupper())
    return caps / len(words) >= 0.75


def _record(
    text: str, span: Span, att: Attribution | None, kind: str, who: Resolved | None
) -> FoundQuote:
    evidence: Evidence = dict(who.evidence) if who else {}
    if att is not None:
        evidence.setdefault("attribution", att.position)
    elif who is not None:
        evidence["attribution"] = "continues the previous paragraph's quote"
    quote = Quote(
        text=collapse(text[span.start : span.end]),
        char_start=span.start,
        char_end=span.end,
        speaker=who.name if who else None,
        speaker_role=who.role if who else "unknown",
        role_evidence=evidence,
        attribution=att.text if att else None,
        attribution_start=att.start if att else None,
        attribution_end=att.end if att else None,
        quote_kind=kind,
        note=span.note,
    )
    mention = att.mention if att else None
    return FoundQuote(quote, mention.start if mention else None, mention.end if mention else None)


def quote_statements(
    article: ArticleLike, *, kinds: Collection[str] = ("statement",)
) -> tuple[pd.DataFrame, ImportReport]:
    """Statement rows for the article's quotations whose kind is in ``kinds``; others skipped."""
    report = ImportReport(source=article.source, layout=_LAYOUT)
    quotes = extract_quotes(article.text)
    report.rows_read = len(quotes)
    rows: list[dict[str, Any]] = []
    for n, q in enumerate(quotes, start=1):
        if q.quote_kind not in kinds:
            report.skip(n, f"{q.quote_kind} quote", q.text)
            continue
        rows.append(_row(article, q))
    report.statements = len(rows)
    recovered = sum(1 for q in quotes if q.note and "recovered" in q.note)
    if recovered:
        report.notes.append(f"recovered {recovered} unclosed quote(s)")
    return schema.from_records(rows), report


def _row(article: ArticleLike, q: Quote) -> dict[str, Any]:
    return {
        "statement_id": schema.statement_id(article.source, q.char_start, q.text),
        "source": article.source,
        "source_kind": "article",
        "platform": "news",
        "text": q.text,
        "speaker": q.speaker,
        "speaker_role": q.speaker_role,
        "role_evidence": json.dumps(q.role_evidence, ensure_ascii=False),
        "attribution": q.attribution,
        "attribution_start": q.attribution_start,
        "attribution_end": q.attribution_end,
        "char_start": q.char_start,
        "char_end": q.char_end,
        "quote_kind": q.quote_kind,
        "extraction_note": q.note,
        "posted_at": getattr(article, "published_at", None),
    }
