"""Attribution layouts we wrote: colon introductions and attributions of unclosed quotes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.quotes import Quote, extract_quotes
from analysis.quotes.spans import collapse


def statements(text: str) -> list[Quote]:
    return [q for q in extract_quotes(text) if q.quote_kind == "statement"]


COLON_INTROS = [
    pytest.param(
        "A third reply summed up the mood of many shop owners:\n\n“Nobody asked the people"
        " who work on Oak Avenue.”",
        ("unnamed public #1", "public", "reply"),
        id="a-third-reply",
    ),
    pytest.param(
        "One angry resident put it this way:\n\n“My street has become a car park for the plaza.”",
        ("unnamed public #1", "public", "resident"),
        id="one-angry-resident",
    ),
    pytest.param(
        "One reader had a different view:\n\n“The plaza will bring families back downtown.”",
        ("unnamed public #1", "public", "reader"),
        id="verb-ends-the-speaker-phrase",
    ),
    pytest.param(
        "Mayor Linda Okafor faced the crowd. Critics booed.\n\nOkafor put it bluntly:\n\n"
        "“The street is closing whether you like it or not.”",
        ("Linda Okafor", "official", "mayor"),
        id="named-speaker",
    ),
]


@pytest.mark.parametrize("text, expected", COLON_INTROS)
def test_extract_quotes_colon_intro_in_previous_paragraph(
    text: str, expected: tuple[str, str, str]
) -> None:
    (q,) = statements(text)
    assert (q.speaker, q.speaker_role, q.role_evidence["cue"]) == expected
    assert q.role_evidence["attribution"] == "previous paragraph"


@pytest.mark.parametrize(
    "text",
    [
        "The new rules are simple:\n\n“No cars after 10 a.m. on weekdays, none on Sundays.”",
        "Partial list as follows:\n\n“Oak Avenue, Elm Street and the market square close.”",
    ],
    ids=["no-speaker-noun", "capitalised-word-that-is-no-name"],
)
def test_extract_quotes_colon_intro_without_speaker_gives_none(text: str) -> None:
    (q,) = statements(text)
    assert q.speaker is None and q.attribution is None


def test_extract_quotes_bare_ordinal_is_one_more_of_the_same_kind() -> None:
    text = (
        "“Finally, a street for people,” one commenter wrote.\n\n"
        "“Now I sit in traffic every day,” another wrote.\n\n"
        "A third wrote: “Nobody asked the people who work here.”"
    )
    found = statements(text)
    assert [(q.speaker, q.speaker_role) for q in found] == [
        ("unnamed public #1", "public"),
        ("unnamed public #2", "public"),
        ("unnamed public #3", "public"),
    ]
    assert found[-1].role_evidence["cue"] == "a third"


def test_extract_quotes_unnamed_commenters_are_numbered_in_order() -> None:
    text = (
        "On the town’s page, one commenter wrote: “Finally, a street for people, not vans.”\n\n"
        "Another was less impressed, writing: “Now I sit in traffic on Oak Avenue every day.”\n\n"
        "A third reply summed up the mood:\n\n“Nobody asked the people who work on Oak Avenue.”"
    )
    assert [(q.speaker, q.speaker_role) for q in statements(text)] == [
        ("unnamed public #1", "public"),
        ("unnamed public #2", "public"),
        ("unnamed public #3", "public"),
    ]


UNCLOSED = [
    pytest.param(
        "Mayor Ana Ruiz spoke after the ruling. “We will fight this ruling, Ruiz said at the"
        " hearing.",
        [("We will fight this ruling", "Ana Ruiz", "official")],
        id="speaker-then-cue-inside",
    ),
    pytest.param(
        "“We will fight this ruling, said Ana Ruiz, the mayor. We have the votes.",
        [
            ("We will fight this ruling", "Ana Ruiz", "official"),
            ("We have the votes.", "Ana Ruiz", "official"),
        ],
        id="inverted-cue-inside-then-more",
    ),
    pytest.param(
        "Ana Ruiz, the mayor, spoke. “We will fight this ruling,” she said. “We have the votes.",
        [
            ("We will fight this ruling", "Ana Ruiz", "official"),
            ("We have the votes.", "Ana Ruiz", "official"),
        ],
        id="same-paragraph-after-attribution",
    ),
]


@pytest.mark.parametrize("text, expected", UNCLOSED)
def test_extract_quotes_unclosed_quote_gets_its_paragraphs_speaker(
    text: str, expected: list[tuple[str, str, str]]
) -> None:
    found = statements(text)
    assert [(q.text, q.speaker, q.speaker_role) for q in found] == expected
    assert (found[-1].note or "").startswith("recovered")
    for q in found:
        assert text[q.char_start : q.char_end].startswith(q.text[:10])


@pytest.mark.parametrize(
    "text",
    [
        "“We told them, we said no to the plan.",
        "“If you ask me, he said yes to everything they wanted and more.",
        "Ana Ruiz left early.\n\n“We have the votes and we will use them.",
    ],
    ids=["first-person-is-quoted", "cue-mid-sentence", "own-paragraph"],
)
def test_extract_quotes_unclosed_quote_without_clear_attribution_has_no_speaker(
    text: str,
) -> None:
    (q,) = extract_quotes(text)
    assert q.speaker is None and (q.note or "").startswith("recovered")


FRAGMENTS = [
    "“We will fight this, Ruiz said at noon. ",
    "“We have the votes, said Ana Ruiz, the mayor. ",
    "“a b c",
    "d e,” she said. ",
    "A third reply summed it up:",
    "The Millbrook Cyclists Alliance, which runs the “Ride Elm” rally, said: ",
    "the union’s note read. ",
    "\n\n",
    " ",
    ", ",
    '"',
    "Sens. ",
]


@settings(max_examples=120, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=25))
def test_extract_quotes_split_unclosed_quotes_keep_offsets(parts: list[str]) -> None:
    text = "".join(parts)
    for q in extract_quotes(text):
        assert 0 <= q.char_start <= q.char_end <= len(text)
        assert collapse(text[q.char_start : q.char_end]) == q.text
        assert q.text and q.text.strip() == q.text
        if q.attribution is not None:
            assert text[q.attribution_start : q.attribution_end] == q.attribution
