"""Quotations, speakers and roles on article layouts we wrote (one layout per row)."""

from __future__ import annotations

import pytest

from analysis.quotes import Quote, extract_quotes
from analysis.schema import QUOTE_KINDS, ROLES


def statements(text: str) -> list[Quote]:
    return [q for q in extract_quotes(text) if q.quote_kind == "statement"]


def summary(text: str) -> list[tuple[str, str | None, str]]:
    return [(q.text, q.speaker, q.speaker_role) for q in statements(text)]


LAYOUTS = [
    pytest.param(
        "Mayor Linda Okafor defended the plan on Tuesday, saying: “The bridge is older than"
        " all of us.\n\n“We cannot wait for it to fail.”\n\nThe vote is next week.",
        [
            (
                "The bridge is older than all of us. We cannot wait for it to fail.",
                "Linda Okafor",
                "official",
            )
        ],
        id="multi-paragraph-before-participle",
    ),
    pytest.param(
        "Linda Okafor chairs the council.\n\n“Nobody wants detours, but safety comes first,”"
        " Okafor said. “We will reopen it by spring,” she added.",
        [
            ("Nobody wants detours, but safety comes first", "Linda Okafor", "unknown"),
            ("We will reopen it by spring", "Linda Okafor", "unknown"),
        ],
        id="after-surname-then-pronoun",
    ),
    pytest.param(
        "Deputy Mayor Tom Reyes spoke after the vote. “We have checked every beam twice,” he"
        " added, “and the report will be public.”",
        [
            ("We have checked every beam twice", "Tom Reyes", "official"),
            ("and the report will be public.", "Tom Reyes", "official"),
        ],
        id="middle-attribution",
    ),
    pytest.param(
        "Dozens of commenters flooded the council’s page, one of whom wrote:\n\n“Close the"
        " bridge and you close this town.”",
        [("Close the bridge and you close this town.", "unnamed public #1", "public")],
        id="previous-paragraph-one-of-whom",
    ),
    pytest.param(
        "Readers sent us their views.\n\n“Fix the bridge, not the budget.” — Commissioner Ana Silva",
        [("Fix the bridge, not the budget.", "Ana Silva", "official")],
        id="credit-line",
    ),
    pytest.param(
        "“They told us ‘the plan is final’ … it’s [sic] outrageous,” said Maria Lind, a"
        " professor of urban planning.",
        [("They told us ‘the plan is final’ … it’s [sic] outrageous", "Maria Lind", "expert")],
        id="nested-single-sic-ellipsis-appositive",
    ),
    pytest.param(
        "«We will rebuild the bridge within a year», the minister said.",
        [("We will rebuild the bridge within a year", "the minister", "official")],
        id="guillemets-title-noun",
    ),
    pytest.param(
        '"The tolls will stay," a council spokesperson told reporters.',
        [("The tolls will stay", "unnamed official #1", "official")],
        id="straight-quotes-unnamed-spokesperson",
    ),
    pytest.param(
        "The Harbor City Fire Department changed its rota. “Station 4 will answer calls from"
        " the north bank,” the department’s note read.",
        [
            (
                "Station 4 will answer calls from the north bank",
                "Harbor City Fire Department",
                "official",
            )
        ],
        id="institution-note",
    ),
    pytest.param(
        "Interim Chief Dana Brooks met drivers on Friday. “Expect delays of twenty minutes"
        " at peak hours,” said the chief.",
        [("Expect delays of twenty minutes at peak hours", "Dana Brooks", "official")],
        id="the-chief",
    ),
    pytest.param(
        "Mayor Linda Okafor spoke twice. “We are ready for the detours,” Okafor told CNN.",
        [("We are ready for the detours", "Linda Okafor", "official")],
        id="told-outlet-is-listener-not-media",
    ),
    pytest.param(
        "The Harbor Gazette reported: “Traffic fell by half in the first week.”",
        [("Traffic fell by half in the first week.", "Harbor Gazette", "media")],
        id="outlet-speaker",
    ),
    pytest.param(
        "People online were quick to respond. “What a waste of money,” one irritated user"
        " commented.\n\nAnother wrote on a post about the closure: “Typical council, always"
        " the last to listen.”",
        [
            ("What a waste of money", "unnamed public #1", "public"),
            ("Typical council, always the last to listen.", "unnamed public #2", "public"),
        ],
        id="unnamed-users-never-merged",
    ),
    pytest.param(
        "Council member Joan Park backed the plan. “It is the right call,” Park said.\n\n"
        "“It is a disaster for my shop,” a resident said.",
        [
            ("It is the right call", "Joan Park", "official"),
            ("It is a disaster for my shop", "unnamed public #1", "public"),
        ],
        id="unnamed-after-named",
    ),
    pytest.param(
        "“The detour adds an hour to my day,” a resident said.\n\n“Nobody asked us,” the"
        " resident added.\n\n“I disagree with all of that,” another resident said.",
        [
            ("The detour adds an hour to my day", "unnamed public #1", "public"),
            ("Nobody asked us", "unnamed public #1", "public"),
            ("I disagree with all of that", "unnamed public #2", "public"),
        ],
        id="definite-unnamed-is-the-same-person",
    ),
]


SPEAKERS = [
    pytest.param(
        "The Harbor City Police Department said: “We will patrol the bridge every night.”",
        ("Harbor City Police Department", "official"),
        id="institution-full-name",
    ),
    pytest.param(
        "Ms. Linda Okafor met Mr. Tom Reyes on Monday. “We were not told anything,” she said.",
        ("Linda Okafor", "unknown"),
        id="pronoun-skips-incompatible-honorific",
    ),
    pytest.param(
        "Mr. Tom Reyes met Ms. Linda Okafor on Monday. “We were not told anything,” he said.",
        ("Tom Reyes", "unknown"),
        id="pronoun-he",
    ),
    pytest.param(
        "Northfield Sen. Jane Roe spoke first. “We will fight this to the end,” Roe said.",
        ("Jane Roe", "official"),
        id="place-before-title",
    ),
    pytest.param(
        "President Adebayo spoke first. “We will fight this to the end,” Adebayo said.",
        ("Adebayo", "official"),
        id="titled-surname-only",
    ),
    pytest.param(
        "Mayor Linda Okafor left.\n\nHer rival told reporters Tom Reyes would run.\n\n"
        "“I will run,” said Tom Reyes.",
        ("Tom Reyes", "unknown"),
        id="told-reporters-is-not-a-title",
    ),
    pytest.param(
        "People on social media wrote: “What a waste of money this bridge has been.”",
        ("People on social media", "public"),
        id="people-on-social-media-are-public",
    ),
    pytest.param(
        "“What a waste of money,” one user on Facebook posted.",
        ("unnamed public #1", "public"),
        id="platform-is-not-the-speaker",
    ),
    pytest.param(
        "Harbor interim chief Dana Brooks said: “We are here to help every driver.”",
        ("Dana Brooks", "official"),
        id="lower-case-titles",
    ),
    pytest.param(
        "Jane Doe (D-Ohio) spoke first. “We will fight this to the end,” Doe said.",
        ("Jane Doe", "official"),
        id="party-state-tag",
    ),
    pytest.param(
        "Democratic strategist Ann Lee spoke. “We will fight this to the end,” Lee said.",
        ("Ann Lee", "expert"),
        id="head-title-wins-over-party",
    ),
]


@pytest.mark.parametrize("text, expected", SPEAKERS)
def test_extract_quotes_speaker_and_role(text: str, expected: tuple[str, str]) -> None:
    (q,) = statements(text)
    assert (q.speaker, q.speaker_role) == expected


MORE_LAYOUTS = [
    pytest.param(
        "“Why now, after ten years of waiting?” asked Tom Reyes.",
        [("Why now, after ten years of waiting?", "Tom Reyes")],
        id="question-then-inverted-asked",
    ),
    pytest.param(
        "“The bridge will reopen in May,” Reyes said in a statement on Monday.",
        [("The bridge will reopen in May", "Reyes")],
        id="said-in-a-statement",
    ),
    pytest.param(
        "“The bridge will reopen in May,” according to Tom Reyes, the board chair.",
        [("The bridge will reopen in May", "Tom Reyes")],
        id="according-to",
    ),
    pytest.param(
        "‘The bridge will reopen in May’, Tom Reyes said.",
        [("The bridge will reopen in May", "Tom Reyes")],
        id="british-single-quotes-comma-outside",
    ),
    pytest.param(
        "Tom Reyes: “The bridge will reopen in May.”",
        [("The bridge will reopen in May.", "Tom Reyes")],
        id="colon-speaker",
    ),
    pytest.param(
        "“We did it,” Reyes tweeted. “Thank you all for the support.”",
        [("We did it", "Reyes"), ("Thank you all for the support.", "Reyes")],
        id="same-paragraph-continuation",
    ),
    pytest.param(
        "“The bridge will reopen in May,” Reyes, who chairs the board, told the Gazette.",
        [("The bridge will reopen in May", "Reyes")],
        id="relative-clause-then-told",
    ),
]


@pytest.mark.parametrize("text, expected", MORE_LAYOUTS)
def test_extract_quotes_attribution_layouts(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(q.text, q.speaker) for q in statements(text)] == expected


@pytest.mark.parametrize("text, expected", LAYOUTS)
def test_extract_quotes_layouts(text: str, expected: list[tuple[str, str | None, str]]) -> None:
    assert summary(text) == expected


NOT_STATEMENTS = [
    pytest.param("Critics call the plan a “bridge to nowhere” and want a vote.", id="scare-phrase"),
    pytest.param("The council published its “Harbor City Mobility Plan” last spring.", id="title"),
    pytest.param("Okafor said that the bridge would reopen in May.", id="indirect-speech"),
    pytest.param("Reyes told the Gazette that the council had no choice.", id="indirect-told"),
    pytest.param(
        "Harbor’s police chief said the 100’s of complaints don't matter.", id="apostrophes"
    ),
    pytest.param("Get all your news in one place.\nStart reading\nSign in here", id="chrome"),
    pytest.param("Okafor called the critics ‘armchair engineers’ on Monday.", id="single-scare"),
    pytest.param(
        "Reyes said the repairs were “long overdue and badly planned by the last council.”",
        id="partial-after-indirect",
    ),
]


@pytest.mark.parametrize("text", NOT_STATEMENTS)
def test_extract_quotes_not_statements(text: str) -> None:
    assert statements(text) == []


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Critics call the plan a “bridge to nowhere” and want a vote.", "scare"),
        (
            "Reyes said the repairs were “long overdue and badly planned by the last council.”",
            "partial",
        ),
        ("“Make Harbor Move Again” was printed on every sign.", "scare"),
        ("“It is done,” Reyes said.", "statement"),
        ("Reyes said “the plan is dead and buried for good.”", "partial"),
        ("Reyes said “The plan is dead and buried for good.”", "statement"),
        ("The vote was close.\n\n“We expected more from the council this time.”", "statement"),
        ("The vote was close. “We expected more from the council” was heard all night.", "partial"),
    ],
)
def test_extract_quotes_kind(text: str, kind: str) -> None:
    assert [q.quote_kind for q in extract_quotes(text)] == [kind]


def test_extract_quotes_unclosed_quote_is_recovered_and_later_quotes_survive() -> None:
    text = (
        "“We will appeal this decision, the union’s lawyer said at the hearing.\n\n"
        "The court rules next week. “The delay costs every driver money,” said Rafael Ortiz,"
        " a transport analyst."
    )
    first, second = extract_quotes(text)
    assert first.note == "recovered: unclosed quote, closed before the attribution inside it"
    assert (first.text, first.speaker, first.speaker_role) == (
        "We will appeal this decision",
        "the union’s lawyer",
        "organization",
    )
    assert (second.text, second.speaker, second.speaker_role) == (
        "The delay costs every driver money",
        "Rafael Ortiz",
        "expert",
    )


def test_extract_quotes_offsets_and_attribution_slice_the_text() -> None:
    text = "Linda Okafor chairs the council.\n\n“Nobody wants detours,” Okafor said."
    (q,) = extract_quotes(text)
    assert text[q.char_start : q.char_end] == "Nobody wants detours"
    assert q.attribution_start is not None and q.attribution_end is not None
    assert text[q.attribution_start : q.attribution_end] == q.attribution == "Okafor said"


def test_extract_quotes_role_evidence_names_the_deciding_word() -> None:
    text = "“We have checked every beam,” said Ron Vale, a former police officer and bridge expert."
    (q,) = extract_quotes(text)
    assert q.speaker_role == "expert"
    assert q.role_evidence["cue"] == "expert"


def test_extract_quotes_custom_cues_option() -> None:
    text = "“We have checked every beam twice,” Reyes grumbled."
    assert statements(text) == []  # "grumbled" is not in reporting_verbs.en.v1 ...
    (q,) = [q for q in extract_quotes(text, cues={"grumbled"}) if q.quote_kind == "statement"]
    assert q.speaker == "Reyes"  # ... but a caller may add it


def test_extract_quotes_min_words_option() -> None:
    text = "Critics call it a “plan for nobody at all” and want a vote."
    assert [q.quote_kind for q in extract_quotes(text)] == ["partial"]
    assert [q.quote_kind for q in extract_quotes(text, min_words=6)] == ["scare"]


def test_extract_quotes_labels_are_schema_labels() -> None:
    text = " ".join(str(p.values[0]) for p in LAYOUTS + NOT_STATEMENTS)
    quotes = extract_quotes(text)
    assert quotes
    assert {q.quote_kind for q in quotes} <= set(QUOTE_KINDS)
    assert {q.speaker_role for q in quotes} <= set(ROLES)
