"""Shared filters: a pure mask over the statement view, and the state the sidebar keeps."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analysis import schema
from dashboard import filters
from dashboard.data import prepare


@pytest.fixture
def view() -> pd.DataFrame:
    rows = [
        ("a", "article.txt", "official", "Mayor Ortiz", "favor", "positive", None, "We love it"),
        (
            "b",
            "c.jsonl",
            "public",
            "elm_1",
            "against",
            "negative",
            "2026-03-09T10:00Z",
            "Parking is gone",
        ),
        (
            "c",
            "c.jsonl",
            "public",
            "elm_2",
            "neutral",
            "neutral",
            "2026-03-10T23:59Z",
            "Where do I PARK now?",
        ),
        (
            "d",
            "c.jsonl",
            "public",
            "elm_1",
            "favor",
            "positive",
            "2026-03-11T00:00Z",
            "Great for kids",
        ),
    ]
    frame = schema.from_records(
        {
            "statement_id": i,
            "source": src,
            "source_kind": "comment",
            "speaker_role": role,
            "speaker": who,
            "stance_label": stance,
            "sentiment_label": sent,
            "posted_at": when,
            "text": text,
        }
        for i, src, role, who, stance, sent, when, text in rows
    )
    return prepare(frame)


TEXTS = pd.Series(
    ["We love it", "Parking is gone", "Where do I PARK now?", "Great for kids"], dtype="string"
)


def _ids(view: pd.DataFrame, chosen: filters.Filters) -> list[str]:
    ids = pd.Series(list("abcd"))  # statement ids by row label: the view has no id column
    return list(ids[filters.apply(view, chosen, text=TEXTS).index])


@pytest.mark.parametrize(
    "chosen, expected",
    [
        (filters.Filters(), ["a", "b", "c", "d"]),
        (filters.Filters(roles=("public",)), ["b", "c", "d"]),
        (filters.Filters(roles=("public",), stances=("favor",)), ["d"]),
        (filters.Filters(speakers=("elm_1",)), ["b", "d"]),
        (filters.Filters(sources=("article.txt",)), ["a"]),
        (filters.Filters(sentiments=("negative", "neutral")), ["b", "c"]),
        (filters.Filters(query="park"), ["b", "c"]),  # case-insensitive, plain text
        (filters.Filters(query="(park"), []),  # not a regex: no error
        (filters.Filters(start=date(2026, 3, 10), end=date(2026, 3, 10)), ["a", "c"]),
        (filters.Filters(start=date(2026, 3, 10), include_undated=False), ["c", "d"]),
        (filters.Filters(include_undated=False), ["b", "c", "d"]),
        (filters.Filters(platforms=("reddit",)), []),
    ],
)
def test_apply(view: pd.DataFrame, chosen: filters.Filters, expected: list[str]) -> None:
    assert _ids(view, chosen) == expected


def test_current_reads_widget_state_and_ignores_full_date_range() -> None:
    bounds = (date(2026, 3, 9), date(2026, 3, 11))
    state = {"f_roles": ["public"], "f_dates": bounds, "f_query": " park ", "f_undated": True}
    chosen = filters.current(state, bounds)
    assert chosen.roles == ("public",) and chosen.start is None and chosen.query == " park "
    narrowed = filters.current({**state, "f_dates": (date(2026, 3, 10), date(2026, 3, 11))}, bounds)
    assert narrowed.start == date(2026, 3, 10)
    half_picked = filters.current({**state, "f_dates": (date(2026, 3, 10),)}, bounds)
    assert half_picked.start is None  # the user is still picking the end date


def test_options_in_schema_order_and_speakers_by_frequency(view: pd.DataFrame) -> None:
    choices = filters.options(view)
    assert choices["roles"] == ["official", "public"]
    assert choices["stances"] == ["favor", "against", "neutral"]
    assert choices["speakers"][0] == "elm_1"
    assert choices["platforms"] == []


def test_state_init_guard_keeps_user_values() -> None:
    state: dict[str, object] = {"f_roles": ["public"]}
    filters.init_state(state, (date(2026, 3, 9), date(2026, 3, 11)))
    assert state["f_roles"] == ["public"] and state["f_query"] == ""
    filters.sanitize(
        state,
        {
            "roles": ["official"],
            "sources": [],
            "platforms": [],
            "sentiments": [],
            "stances": [],
            "speakers": [],
        },
    )
    assert state["f_roles"] == []  # no longer offered by the new data
    filters.reset_state(state)
    assert "f_roles" not in state and "f_dates" not in state


def test_describe_lists_only_active_filters() -> None:
    chosen = filters.Filters(roles=("public",), start=date(2026, 3, 10))
    assert chosen.describe() == {"roles": ("public",), "start": "2026-03-10"}
    assert not filters.Filters().active
