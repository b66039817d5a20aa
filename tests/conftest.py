"""Shared fixtures. Each block is marked with the area it serves; add blocks, don't rewrite others."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

from analysis import schema, store
from analysis.report import ImportReport, Skip

# CI runs the property tests on a fixed sequence of examples, so a red run is reproducible and a
# green one is not luck; locally they keep exploring new examples. No deadline: a loaded
# 2-core machine must not turn slowness into failures.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the clone (evaluation data); tests that need it skip when it is absent."""
    if not (SHARED / "eval").is_dir():
        pytest.skip(f"evaluation data not found at {SHARED}/eval (CI has it beside the clone)")
    return SHARED


# ---- project views and the dashboard's project mode (DuckDB) ---------------------------------

# Our own invented reactions to a made-up plan to pedestrianise Harbour Road.
HARBOUR_LINES = [
    ("the harbour road plan is great, finally room to walk", "favor", 0.62, 0.55, "public"),
    ("closing harbour road is a disaster for the bakery", "against", -0.71, -0.6, "public"),
    ("works on harbour road start in May, says the notice", "neutral", 0.0, 0.0, "media"),
    ("we back the plan and will fund the crossings", "favor", 0.4, 0.5, "official"),
    ("I doubt 50% of the shops survive the closure", "against", -0.3, -0.4, "public"),
    ("the association supports a trial summer", "favor", 0.05, 0.3, "organization"),
    ("no opinion, here for the ferry timetable", None, -0.1, None, "unknown"),
]


HARBOUR_RUN = {"target": {"text": "the Harbour Road plan", "aliases": [], "opponents": []}}


def harbour_frame(source: str, n: int) -> pd.DataFrame:
    """``n`` statements with spread roles, days (some undated) and a few unscored rows."""
    records = []
    for i in range(n):
        text, stance, sent, score, role = HARBOUR_LINES[i % len(HARBOUR_LINES)]
        dated = i % 9 != 0
        records.append(
            schema.Statement(
                statement_id=schema.statement_id(source, f"row {i}", text),
                source=source,
                source_kind="comment" if role == "public" else "article",
                platform="reddit" if role == "public" else None,
                text=f"{text} #{i}",
                speaker=f"neighbour{i % 11}" if role == "public" else f"Ms Official {i % 3}",
                speaker_role=role,
                posted_at=pd.Timestamp("2026-05-01T06:00:00Z") + pd.Timedelta(hours=7 * i)
                if dated
                else None,
                sentiment_compound=sent,
                sentiment_label="positive"
                if sent > 0.05
                else "negative"
                if sent < -0.05
                else "neutral",
                sentiment_evidence=json.dumps({"words": []}),
                stance_label=stance,
                stance_score=score,
                stance_evidence="[]",
            )
        )
    return schema.from_records(records)


@pytest.fixture(scope="module")
def harbour_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    """A project of two sources (one with skipped rows) and the same rows in memory."""
    path = tmp_path_factory.mktemp("views") / "harbour.duckdb"
    a, b = harbour_frame("harbour_comments.csv", 140), harbour_frame("harbour_article.html", 60)
    with store.open_project(path) as project:
        for part, name in ((a, "harbour_comments.csv"), (b, "harbour_article.html")):
            rep = ImportReport(
                source=name, layout="test", rows_read=len(part) + 2, statements=len(part)
            )
            rep.skipped = [Skip(1, "empty text", ""), Skip(2, "empty text", "  ")]
            project.append(part, [rep], HARBOUR_RUN, content_hashes={name: name})
    return path, pd.concat([a, b], ignore_index=True)
