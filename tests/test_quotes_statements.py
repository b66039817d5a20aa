"""Statement rows from an article's quotations, and the accounting of what was left out."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd
import pytest

import analysis.quotes as quotes
from analysis import schema
from analysis.quotes import VERSIONS, quote_statements

ARTICLE_TEXT = (
    "Mayor Linda Okafor closed the bridge on Tuesday, saying: “Safety comes first.\n\n"
    "“We will reopen it by spring.”\n\n"
    "Critics call it a “bridge to nowhere”. Reyes said the plan was “badly drawn up by people"
    " who never cross it.”\n\n"
    "“What a waste of money,” one irritated user commented.\n\n"
    "“We will appeal, the union’s lawyer said.\n"
)


@dataclass
class FakeArticle:
    source: str
    text: str
    published_at: pd.Timestamp | None = None


@pytest.fixture
def article() -> FakeArticle:
    return FakeArticle("harbor.txt", ARTICLE_TEXT, pd.Timestamp("2026-03-02T10:00:00Z"))


def test_quote_statements_rows_follow_the_schema(article: FakeArticle) -> None:
    frame, _ = quote_statements(article)
    assert list(frame.columns) == list(schema.COLUMNS)
    schema.validate(frame)
    assert frame["text"].tolist() == [
        "Safety comes first. We will reopen it by spring.",
        "What a waste of money",
        "We will appeal",
    ]
    assert frame["speaker"].tolist() == ["Linda Okafor", "unnamed public #1", "the union’s lawyer"]
    assert frame["speaker_role"].tolist() == ["official", "public", "organization"]
    assert set(frame["source_kind"]) == {"article"} and set(frame["platform"]) == {"news"}
    assert frame["posted_at"].iloc[0] == pd.Timestamp("2026-03-02T10:00:00Z")


def test_quote_statements_evidence_is_json_and_ids_are_stable(article: FakeArticle) -> None:
    frame, _ = quote_statements(article)
    evidence = json.loads(frame["role_evidence"].iloc[0])
    assert evidence["cue"] == "mayor"
    row = frame.iloc[0]
    assert row["statement_id"] == schema.statement_id("harbor.txt", row["char_start"], row["text"])
    again, _ = quote_statements(article)
    assert again["statement_id"].tolist() == frame["statement_id"].tolist()


def test_quote_statements_report_accounts_for_every_quote(article: FakeArticle) -> None:
    frame, report = quote_statements(article)
    assert report.layout == "article quotes"
    assert report.rows_read == 5 and report.statements == len(frame) == 3
    assert report.skipped_by_reason == {"scare quote": 1, "partial quote": 1}
    assert report.balanced
    assert report.notes == ["recovered 1 unclosed quote(s)"]


def test_quote_statements_kinds_option_includes_partials(article: FakeArticle) -> None:
    frame, report = quote_statements(article, kinds=("statement", "partial"))
    assert "partial" in set(frame["quote_kind"])
    assert report.skipped_by_reason == {"scare quote": 1}


def test_quote_statements_article_without_quotes_or_date() -> None:
    frame, report = quote_statements(FakeArticle("empty.txt", "No quotations here at all."))
    assert frame.empty and list(frame.columns) == list(schema.COLUMNS)
    assert report.rows_read == 0 and report.balanced


def test_quotes_exports_are_honest() -> None:
    for name in quotes.__all__:
        assert hasattr(quotes, name), name
    assert set(VERSIONS) >= {"reporting_verbs", "role_cues"}
    assert VERSIONS["reporting_verbs"] == "reporting_verbs.en.v1"
