"""Quotation spans read from the quote characters themselves, paragraph by paragraph.

News convention (AP, Chicago 13.30): a quotation that runs over several paragraphs opens each
paragraph with a quote mark and closes only the last one. A mark left open at a paragraph end
that is NOT followed by a reopening paragraph is closed there ("recovered"), so one bad mark
never swallows the rest of the article. Single quotes count only when they cannot be
apostrophes (``don't``, ``100’s``, ``Dallas’``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
DOUBLE_OPEN = "“„«‟"
DOUBLE_CLOSE = "”»"
SINGLE_OPEN = "‘‚‹"
SINGLE_CLOSE = "’›"
_MARKS = re.compile("[\"'" + DOUBLE_OPEN + DOUBLE_CLOSE + SINGLE_OPEN + SINGLE_CLOSE + "]")
_PARAGRAPH = re.compile(f"[^{BREAKS}]+")
_OPENING_CONTEXT = "([{—–-/" + DOUBLE_OPEN + SINGLE_OPEN
_CLOSING_CONTEXT = ".,;:!?)]}—–-/…" + DOUBLE_CLOSE + SINGLE_CLOSE + "\"'"
_GAP = re.compile(f'\\s*[{BREAKS}]\\s*["{DOUBLE_OPEN}]?\\s*')
_ELISIONS = ("em", "til", "cause", "tis", "twas", "n ", "bout", "round")


class Span(NamedTuple):
    """One quotation: raw content offsets, its pieces (one per paragraph) and what was repaired."""

    start: int  # first content character (after the opening mark and spaces)
    end: int  # end of the last content piece (trailing spaces and comma dropped)
    pieces: tuple[tuple[int, int], ...]
    open_mark: int  # offset of the opening mark
    close_mark: int | None  # offset of the closing mark, None when recovered
    paragraph: int  # index of the paragraph holding the closing end
    first_paragraph: int
    note: str | None


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Non-blank lines as (start, end); every line break is a paragraph boundary."""
    return [m.span() for m in _PARAGRAPH.finditer(text) if not m.group().isspace()]


def collapse(raw: str) -> str:
    """Quote text from its raw slice: each paragraph break (with the reopening mark) -> one space."""
    return _GAP.sub(" ", raw)


def _is_space(ch: str) -> bool:
    return ch == "" or ch.isspace()


def _flanks(text: str, i: int, lo: int, hi: int) -> tuple[bool, bool]:
    """(left-flanking, right-flanking) in the CommonMark sense, within the paragraph [lo, hi)."""
    prev = text[i - 1] if i > lo else ""
    nxt = text[i + 1] if i + 1 < hi else ""
    left = (_is_space(prev) or prev in _OPENING_CONTEXT) and not _is_space(nxt)
    right = not _is_space(prev) and (_is_space(nxt) or nxt in _CLOSING_CONTEXT)
    return left, right


def _double_role(text: str, i: int, lo: int, hi: int) -> str:
    """'open', 'close' or 'either' for a double mark at i."""
    ch = text[i]
    left, right = _flanks(text, i, lo, hi)
    if ch in DOUBLE_OPEN:
        return "close" if right and not left else "open"
    if ch in DOUBLE_CLOSE:
        return "open" if left and not right else "close"
    if left and not right:
        return "open"
    if right and not left:
        return "close"
    return "either"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop surrounding spaces and a trailing comma (“…,” he said) from a content piece."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return start, end


def _reopens(text: str, para: tuple[int, int]) -> int | None:
    """Offset of the mark that reopens a continued quotation at the start of ``para``."""
    lo, hi = para
    i = lo
    while i < hi and text[i].isspace():
        i += 1
    if i < hi and (text[i] in DOUBLE_OPEN or (text[i] == '"' and _flanks(text, i, lo, hi)[0])):
        return i
    return None


class _Open(NamedTuple):
    mark: int
    pieces: tuple[tuple[int, int], ...]
    first_paragraph: int


def double_spans(text: str, paras: list[tuple[int, int]], marks: list[int]) -> list[Span]:
    """Spans delimited by double marks, joining multi-paragraph quotations."""
    out: list[Span] = []
    starts = [p[0] for p in paras]
    by_para: dict[int, list[int]] = {}
    for i in marks:
        if text[i] in "'" + SINGLE_OPEN + SINGLE_CLOSE:
            continue
        by_para.setdefault(bisect_right(starts, i) - 1, []).append(i)
    carry: _Open | None = None
    for k, (lo, hi) in enumerate(paras):
        current = carry
        carry = None
        content_from = lo
        skip = None
        if current is not None:
            skip = _reopens(text, (lo, hi))
            content_from = (skip + 1) if skip is not None else lo
        for i in by_para.get(k, []):
            if i == skip:
                continue
            role = _double_role(text, i, lo, hi)
            if current is None:
                if role != "close":
                    current = _Open(i, (), k)
                    content_from = i + 1
                continue
            if role == "open" and i > content_from and text[i - 1].isspace():
                out.append(_finish(text, current, content_from, i, None, k, "reopened"))
                current = _Open(i, (), k)
                content_from = i + 1
                continue
            out.append(_finish(text, current, content_from, i, i, k, None))
            current = None
        if current is None:
            continue
        nxt = paras[k + 1] if k + 1 < len(paras) else None
        if nxt is not None and _reopens(text, nxt) is not None:
            piece = _trim(text, content_from, hi)
            carry = current._replace(pieces=current.pieces + (piece,))
            continue
        out.append(_finish(text, current, content_from, hi, None, k, "paragraph end"))
    return [s for s in out if any(ch.isalnum() for ch in text[s.start : s.end])]


def _finish(
    text: str, opened: _Open, lo: int, hi: int, close: int | None, para: int, why: str | None
) -> Span:
    pieces = opened.pieces + (_trim(text, lo, hi),)
    pieces = tuple(p for p in pieces if p[1] > p[0]) or (pieces[-1],)
    notes = []
    if len(pieces) > 1:
        notes.append(f"joined {len(pieces)} paragraphs")
    if why == "paragraph end":
        notes.append("recovered: unclosed quote at paragraph end")
    elif why == "reopened":
        notes.append("recovered: unclosed quote before a new opening mark")
    start, end = pieces[0][0], pieces[-1][1]
    return Span(
        start,
        max(start, end),
        pieces,
        opened.mark,
        close,
        para,
        opened.first_paragraph,
        "; ".join(notes) or None,
    )


def _single_opener(text: str, i: int, lo: int, hi: int) -> bool:
    left, _ = _flanks(text, i, lo, hi)
    if not left or text[i] in SINGLE_CLOSE and i > lo and text[i - 1].isalnum():
        return False
    nxt = text[i + 1 : i + 6].lower()
    return nxt[:1].isalpha() and not nxt.startswith(_ELISIONS)


def _single_closer(text: str, i: int, lo: int, hi: int) -> int:
    """0 = not a closer (apostrophe), 1 = possible closer, 2 = clear closer."""
    if text[i] in SINGLE_OPEN:
        return 0
    prev = text[i - 1] if i > lo else ""
    nxt = text[i + 1] if i + 1 < hi else ""
    if _is_space(prev) or (prev.isalnum() and nxt.isalnum()):
        return 0
    if not (_is_space(nxt) or nxt in _CLOSING_CONTEXT):
        return 0
    if prev in ",.!?…" or nxt in ",.;:!?)" or nxt == "":
        return 2
    return 0 if prev in "sS" else 1


def single_spans(text: str, paras: list[tuple[int, int]], marks: list[int]) -> list[Span]:
    """Top-level single-quoted spans (British style); never across paragraphs."""
    out: list[Span] = []
    starts = [p[0] for p in paras]
    singles = [i for i in marks if text[i] in "'" + SINGLE_OPEN + SINGLE_CLOSE]
    j = 0
    while j < len(singles):
        i = singles[j]
        k = bisect_right(starts, i) - 1
        lo, hi = paras[k]
        j += 1
        if not _single_opener(text, i, lo, hi):
            continue
        best = fallback = None
        for m in range(j, len(singles)):
            c = singles[m]
            if c >= hi or c - i > 400:
                break
            grade = _single_closer(text, c, lo, hi)
            if grade == 2:
                best = m
                break
            if grade == 1:
                fallback = m  # letter + mark + space: a closer only if nothing clearer follows
        best = fallback if best is None else best
        if best is None:
            continue
        c = singles[best]
        s, e = _trim(text, i + 1, c)
        if e > s and any(ch.isalnum() for ch in text[s:e]):
            out.append(Span(s, e, ((s, e),), i, c, k, k, None))
        j = best + 1
    return out


def find_spans(text: str) -> list[Span]:
    """All quotation spans of ``text`` in order; singles nested in doubles stay content."""
    paras = paragraphs(text)
    if not paras:
        return []
    marks = [m.start() for m in _MARKS.finditer(text)]
    doubles = double_spans(text, paras, marks)
    singles = single_spans(text, paras, marks)
    double_keys = [d.open_mark for d in doubles]
    kept = [s for s in singles if _inside(doubles, double_keys, s.open_mark) is None]
    single_keys = [s.open_mark for s in kept]
    outer = [d for d in doubles if not _nested_in(kept, single_keys, d)]
    return sorted(outer + kept, key=lambda s: s.start)


def _inside(spans: list[Span], keys: list[int], offset: int) -> Span | None:
    """The span (sorted by opening mark, non-overlapping) whose marks enclose ``offset``."""
    k = bisect_right(keys, offset) - 1
    if k >= 0 and offset <= (spans[k].close_mark or spans[k].end):
        return spans[k]
    return None


def _nested_in(singles: list[Span], keys: list[int], d: Span) -> bool:
    """True when a double-quoted span sits inside a single-quoted one (British nesting)."""
    outer = _inside(singles, keys, d.open_mark)
    return outer is not None and outer.open_mark < d.open_mark and d.end <= outer.end
