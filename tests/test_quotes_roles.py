"""Speaker roles on news layouts we wrote: titles, institutions, private people, experts."""

from __future__ import annotations

import pytest

from analysis.quotes import Quote, extract_quotes


def statements(text: str) -> list[Quote]:
    return [q for q in extract_quotes(text) if q.quote_kind == "statement"]


OFFICE_TITLES = [
    "Transportation Director",
    "Parks Director",
    "Police Chief",
    "Fire Chief",
    "Council member",
    "Councilmember",
    "Councilman",
    "Councilwoman",
    "Alderman",
    "Alderwoman",
    "Assemblywoman",
    "County Commissioner",
    "Health Secretary",
    "Press Secretary",
    "Foreign Minister",
    "Prime Minister",
    "Governor",
    "Sheriff",
    "Schools Superintendent",
    "City Manager",
    "District Attorney",
    "Attorney General",
    "Prosecutor",
    "Judge",
    "State Treasurer",
    "County Clerk",
    "City spokeswoman",
    "Police spokesman",
    "Deputy Mayor",
]

TITLE_LAYOUTS = [
    "{title} Ana Ruiz spoke to the crowd on Monday.\n\n“The new rules start on Monday,” Ruiz said.",
    "“The new rules start on Monday,” said {title} Ana Ruiz.",
    "{title} Ana Ruiz said: “The new rules start on Monday.”",
]


@pytest.mark.parametrize("layout", TITLE_LAYOUTS, ids=["title-then-surname", "inverted", "colon"])
@pytest.mark.parametrize("title", OFFICE_TITLES)
def test_extract_quotes_office_title_is_not_the_name_and_makes_an_official(
    title: str, layout: str
) -> None:
    (q,) = statements(layout.format(title=title))
    assert (q.speaker, q.speaker_role) == ("Ana Ruiz", "official")
    cue = str(q.role_evidence["cue"]).replace("-", " ")
    assert cue in title.lower()  # the deciding word is the title's own


BODY_TITLES = [
    pytest.param(
        "“The plaza opens in May,” said Ana Ruiz, a spokeswoman for the Millbrook Cyclists"
        " Alliance.",
        "organization",
        id="spokeswoman-of-an-association",
    ),
    pytest.param(
        "“The plaza opens in May,” said Ana Ruiz, a spokeswoman for the city.",
        "official",
        id="spokeswoman-of-the-city",
    ),
    pytest.param(
        "“The plaza opens in May,” said Ana Ruiz, a spokeswoman for Mayor Dana Ortiz.",
        "official",
        id="spokeswoman-of-an-office-holder",
    ),
    pytest.param(
        "“The plaza opens in May,” said Ana Ruiz, chair of the Millbrook Democratic Party.",
        "organization",
        id="party-chair",
    ),
    pytest.param(
        "Campaign manager Ana Ruiz spoke first.\n\n“The plaza opens in May,” Ruiz said.",
        "organization",
        id="campaign-manager",
    ),
    pytest.param(
        "“The plaza opens in May,” said Ana Ruiz, executive director of the Millbrook Food Bank.",
        "organization",
        id="executive-director",
    ),
    pytest.param(
        "“The plaza opens in May,” said Ana Ruiz, director of the Center for Street Design at"
        " Eastfield University.",
        "expert",
        id="director-of-a-research-centre",
    ),
    pytest.param(
        "“We will appeal the closure,” said Ana Ruiz, the union’s lawyer.",
        "organization",
        id="lawyer-of-a-union",
    ),
    pytest.param(
        "“Closures like this rarely survive a court challenge,” said Ana Ruiz, a lawyer who"
        " studies zoning.",
        "expert",
        id="lawyer-as-expert",
    ),
]


@pytest.mark.parametrize("text, role", BODY_TITLES)
def test_extract_quotes_body_title_takes_the_role_of_its_body(text: str, role: str) -> None:
    (q,) = statements(text)
    assert (q.speaker, q.speaker_role) == ("Ana Ruiz", role)


INSTITUTIONS = [
    pytest.param(
        "The Millbrook Cyclists Alliance, which organised the “Ride Elm” rally, said in a"
        " statement: “We welcome the vote and will help riders find the new routes.”",
        ("Millbrook Cyclists Alliance", "organization", "alliance"),
        id="association-with-relative-clause-and-quoted-name",
    ),
    pytest.param(
        "The Millbrook Transit Workers Union met on Sunday.\n\n“We will strike if the plan goes"
        " ahead,” the union said.",
        ("Millbrook Transit Workers Union", "organization", "union"),
        id="the-union-is-the-named-union",
    ),
    pytest.param(
        "“We will not comment on staffing,” the company wrote in an email.",
        ("the company", "organization", "company"),
        id="the-company-unnamed",
    ),
    pytest.param(
        "“Patrols will double on weekends,” the department’s note read.",
        ("the department", "official", "note"),
        id="the-departments-note",
    ),
    pytest.param(
        "“The budget for the plaza is balanced,” the city council said in a statement.",
        ("the city council", "official", "council"),
        id="the-city-council",
    ),
    pytest.param(
        "The Ministry of Transport said in a statement: “Buses will run every ten minutes.”",
        ("Ministry of Transport", "official", "ministry"),
        id="ministry-of",
    ),
    pytest.param(
        "“Officers will close the street at noon,” said a spokesperson for the Millbrook Police"
        " Department.",
        ("Millbrook Police Department", "official", "spokesperson"),
        id="spokesperson-for-a-named-body",
    ),
    pytest.param(
        "Council member Joan Park backed the plan. “It is the right call,” Park said.\n\n"
        "“We will review the plaza in a year,” the council said.",
        ("the council", "official", "council"),
        id="the-council-is-not-the-council-member",
    ),
]


@pytest.mark.parametrize("text, expected", INSTITUTIONS)
def test_extract_quotes_institution_speaks(text: str, expected: tuple[str, str, str]) -> None:
    q = statements(text)[-1]
    assert (q.speaker, q.speaker_role, q.role_evidence["cue"]) == expected


PEOPLE = [
    pytest.param(
        "Marta Quinn, who has run a hardware shop on Oak Avenue since 1998, warned that"
        " deliveries would suffer.\n\n“My suppliers come at noon, not at dawn,” Quinn said.",
        ("Marta Quinn", "public", "who has run a hardware shop"),
        id="relative-clause-runs-a-shop",
    ),
    pytest.param(
        "“Half my customers come by car,” said Ana Ruiz, who owns the Elm Street Bakery.",
        ("Ana Ruiz", "public", "who owns the elm street bakery"),
        id="relative-clause-owns-a-named-business",
    ),
    pytest.param(
        "Sam Ortiz, who has lived on Elm Street for thirty years, said: “Half my neighbours"
        " come by car.”",
        ("Sam Ortiz", "public", "who has lived"),
        id="relative-clause-lives",
    ),
    pytest.param(
        "Tom Baker, 61, a retired teacher, said: “The children will finally walk to school.”",
        ("Tom Baker", "public", "teacher"),
        id="age-then-occupation",
    ),
    pytest.param(
        "“Half my customers come by car,” said Lee Park, owner of the Corner Deli.",
        ("Lee Park", "public", "owner"),
        id="bare-appositive-owner",
    ),
    pytest.param(
        "Jo Lind, a nurse at the county hospital, said: “Ambulances need a clear route.”",
        ("Jo Lind", "public", "nurse"),
        id="occupation-nurse",
    ),
    pytest.param(
        "Jo Lind, who works for the city’s parks department, said: “The trees stay.”",
        ("Jo Lind", "official", "who works for the city parks department"),
        id="relative-clause-public-body",
    ),
    pytest.param(
        "Nina Shah, an economist at Eastfield University, said: “Retail sales tend to recover.”",
        ("Nina Shah", "expert", "economist"),
        id="expert-stays-expert",
    ),
]


@pytest.mark.parametrize("text, expected", PEOPLE)
def test_extract_quotes_person_described_by_apposition(
    text: str, expected: tuple[str, str, str]
) -> None:
    (q,) = statements(text)
    assert (q.speaker, q.speaker_role, q.role_evidence["cue"]) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Kim Hale watched the vote from the back row.\n\n“It felt like a long night,” Hale said.",
        "“It felt like a long night,” said Kim Hale, adding that residents were tired.",
        "Kim Hale, who voted early, said: “It felt like a long night.”",
        "Kim Hale, in comments to reporters, said: “It felt like a long night.”",
    ],
)
def test_extract_quotes_role_stays_unknown_when_nothing_decides(text: str) -> None:
    (q,) = statements(text)
    assert (q.speaker, q.speaker_role) == ("Kim Hale", "unknown")


MORE_ROLES = [
    pytest.param(
        "Sens. Ana Ruiz (D-Ohio) and Tom Hale (R-Ohio) wrote to the mayor.\n\n“This closure"
        " hurts our state,” Ruiz said.",
        ("Ana Ruiz", "official"),
        id="plural-title-and-party-tag",
    ),
    pytest.param(
        "Ana Ruiz hosted a picnic for voters. Later, Ruiz (D-Ohio) spoke.\n\n“We will win this"
        " seat,” Ruiz said.",
        ("Ana Ruiz", "official"),
        id="party-tag-on-a-later-surname",
    ),
    pytest.param(
        "Ana Ruiz, D-Ohio, spoke on Monday.\n\n“We will win this seat,” Ruiz said.",
        ("Ana Ruiz", "official"),
        id="ap-style-party-tag",
    ),
    pytest.param(
        "House Speaker Ana Ruiz spoke on Sunday.\n\n“The votes are there,” Ruiz said.",
        ("Ana Ruiz", "official"),
        id="house-speaker",
    ),
    pytest.param(
        "“The plaza is a gift to walkers,” said Ana Ruiz, a writer for the Millbrook Herald.",
        ("Ana Ruiz", "media"),
        id="writer-for-a-paper",
    ),
    pytest.param(
        "Ana Ruiz, who served as U.S. ambassador to Peru, said: “Plazas like this work"
        " everywhere.”",
        ("Ana Ruiz", "official"),
        id="abbreviation-inside-relative-clause",
    ),
    pytest.param(
        "“We waited twenty years for this,” said flood widow Ana Ruiz.",
        ("Ana Ruiz", "public"),
        id="lower-case-description-before-name",
    ),
    pytest.param(
        "“Growth will slow next year,” said bank chief economist Ana Ruiz.",
        ("Ana Ruiz", "expert"),
        id="lower-case-title-chain",
    ),
]


@pytest.mark.parametrize("text, expected", MORE_ROLES)
def test_extract_quotes_title_variants(text: str, expected: tuple[str, str]) -> None:
    (q,) = statements(text)
    assert (q.speaker, q.speaker_role) == expected


def test_extract_quotes_anonymous_source_is_not_the_public() -> None:
    text = (
        "“The deal is done,” said a person familiar with the talks.\n\n"
        "“It was a long night,” one person wrote on Facebook."
    )
    first, second = statements(text)
    assert first.speaker_role == "unknown"
    assert (second.speaker, second.speaker_role) == ("unnamed public #1", "public")
