"""Quotation spans from quote characters: pairing, apostrophes, paragraphs, recovery."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.quotes import extract_quotes
from analysis.quotes.spans import collapse, find_spans


def texts(text: str) -> list[str]:
    return [collapse(text[s.start : s.end]) for s in find_spans(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("“One two three,” she said.", ["One two three"]),
        ('"One two three," she said.', ["One two three"]),
        ("«One two three», she said.", ["One two three"]),
        ("‘One two three,’ she said.", ["One two three"]),
        ("She said: “One ‘two’ three.”", ["One ‘two’ three."]),
        ("“One [sic] two …” and “three”", ["One [sic] two …", "three"]),
        ("“First.\n\n“Second.\n\n“Third.”", ["First. Second. Third."]),
        ("“First.\n“Second.”", ["First. Second."]),
        ("Harbor’s 100’s of drivers don't mind the Okafors’ plan.", []),
        ("The ’90s were 'rock ’n’ roll' years.", ["rock ’n’ roll"]),
        ("He wrote 5'10\" on the form.", []),
        (
            "“Unclosed at the end\n\nNext paragraph “quoted here” too.",
            ["Unclosed at the end", "quoted here"],
        ),
        ("“Opened “again” later.”", ["Opened", "again"]),  # the last closer has no opener left
        ("”Reversed opener here.” she said.", ["Reversed opener here."]),
        ("Stray closer” then “real quote.”", ["real quote."]),
        ("“ , ”", []),
    ],
)
def test_find_spans_texts(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


@pytest.mark.parametrize(
    "text, note",
    [
        ("“First.\n\n“Second.”", "joined 2 paragraphs"),
        ("“Never closed here\n\nNew paragraph.", "recovered: unclosed quote at paragraph end"),
        ("“Opened “again” later.”", "recovered: unclosed quote before a new opening mark"),
        ("“Closed properly.”", None),
    ],
)
def test_find_spans_notes(text: str, note: str | None) -> None:
    assert find_spans(text)[0].note == note


def test_find_spans_multi_paragraph_span_covers_all_paragraphs() -> None:
    text = "Intro: “One.\n\n“Two.\n\n“Three.” End."
    (span,) = find_spans(text)
    assert text[span.start : span.end] == "One.\n\n“Two.\n\n“Three."
    assert [text[a:b] for a, b in span.pieces] == ["One.", "Two.", "Three."]


QUOTEY = st.text(
    alphabet=st.sampled_from(list("“”‘’\"'«»„ \n\t\r\x00\x0b\x1c\u2028 abcXYZ.,:;—[]()…"))
    | st.characters(),
    max_size=400,
)


@settings(max_examples=150, deadline=None)
@given(QUOTEY)
def test_extract_quotes_never_raises_and_offsets_slice_the_text(text: str) -> None:
    for q in extract_quotes(text):
        assert 0 <= q.char_start <= q.char_end <= len(text)
        assert collapse(text[q.char_start : q.char_end]) == q.text
        assert q.text.strip() == q.text and q.text
        if q.attribution is not None:
            assert text[q.attribution_start : q.attribution_end] == q.attribution


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.sampled_from(["“a b c", "d e” f", "\n\n", "“g, h,” said Ann Lee. ", "x" * 300]),
        max_size=60,
    )
)
def test_extract_quotes_huge_paragraphs_never_raise(parts: list[str]) -> None:
    text = "".join(parts)
    for q in extract_quotes(text):
        assert collapse(text[q.char_start : q.char_end]) == q.text
