"""Page models: the explorer's paging and sorting, the Overview numbers, the speakers table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import schema
from dashboard import views
from dashboard.data import prepare


@pytest.fixture
def view() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sentiment_compound": [0.5, np.nan, -0.2, 0.5, -0.9, 0.1],
            "posted_at": pd.to_datetime(
                ["2026-01-02", None, "2026-01-01", "2026-01-03", None, "2026-01-01"], utc=True
            ),
        }
    )


@pytest.mark.parametrize(
    "sort, pages",
    [
        ("most negative", [[4, 2], [5, 0], [3, 1]]),  # ties keep table order, missing last
        ("most positive", [[0, 3], [5, 2], [4, 1]]),
        ("newest first", [[3, 0], [2, 5], [1, 4]]),
        ("oldest first", [[2, 5], [0, 3], [1, 4]]),
        ("table order", [[0, 1], [2, 3], [4, 5]]),
    ],
)
def test_page_of_sorts_and_pages(view: pd.DataFrame, sort: str, pages: list[list[int]]) -> None:
    got = [list(views.page_of(view, sort=sort, page=p, size=2)[0].index) for p in (1, 2, 3)]
    assert got == pages
    assert views.page_of(view, sort=sort, page=1, size=4)[1] == 2


def test_page_of_matches_a_full_sort_on_many_ties() -> None:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"stance_score": rng.choice([-0.5, 0.0, 0.0, 0.5, np.nan], 500)})
    expected = frame["stance_score"].sort_values(kind="stable", na_position="last").index
    for page in (1, 7, 25):
        rows, _ = views.page_of(frame, sort="most against", page=page, size=20)
        assert list(rows.index) == list(expected[(page - 1) * 20 : page * 20])


def test_page_past_the_end_shows_the_last_page(view: pd.DataFrame) -> None:
    rows, pages = views.page_of(view, sort="table order", page=99, size=4)
    assert pages == 2 and list(rows.index) == [4, 5]


def _statement(n: int, role: str, stance: str, speaker: str | None = None) -> dict:
    score = {"favor": 0.5, "against": -0.5, "neutral": 0.0}[stance]
    return {
        "statement_id": f"s{n}",
        "source": "x",
        "source_kind": "comment",
        "text": f"t{n}",
        "speaker_role": role,
        "speaker": speaker or f"u{n}",
        "stance_label": stance,
        "stance_score": score,
        "sentiment_compound": score,
        "sentiment_label": "neutral",
    }


def test_overview_kpis() -> None:
    frame = schema.from_records(
        [
            _statement(1, "official", "favor", "Ortiz"),
            _statement(2, "official", "favor", "Ortiz"),
            _statement(3, "public", "against"),
            _statement(4, "public", "neutral"),
        ]
    )
    model = views.overview(prepare(frame), texts=frame["text"])
    assert (model.statements, model.speakers) == (4, 3)
    assert model.favor_share == 0.5 and model.against_share == 0.25
    value, note = views.gap_text(model.gap)
    assert value == "+0.75"  # officials 0.5, public (-0.5 + 0) / 2
    assert "2 official vs 2 public" in note
    assert set(model.figures) == {
        "sentiment",
        "stance_by_role",
        "quadrant",
        "timeline",
        "cross_table",
    }


def test_gap_text_without_officials() -> None:
    frame = schema.from_records([_statement(1, "public", "favor")])
    assert views.gap_text(views.overview(prepare(frame)).gap) == (
        "—",
        "no scored official statements in view",
    )


def test_speakers_table_has_main_role() -> None:
    frame = schema.from_records(
        [
            _statement(1, "official", "favor", "Ortiz"),
            _statement(2, "public", "favor", "Ortiz"),
            _statement(3, "official", "against", "Ortiz"),
            _statement(4, "public", "neutral", "elm"),
        ]
    )
    table = views.speakers(prepare(frame))
    assert table[["speaker", "role", "statements"]].values.tolist() == [
        ["Ortiz", "official", 3],
        ["elm", "public", 1],
    ]


def test_progress_bar_shows_counts() -> None:
    from dashboard.data import progress_bar

    calls: list[tuple[float, str]] = []

    class Bar:
        def progress(self, value: float, *, text: str) -> None:
            calls.append((value, text))

    update = progress_bar(Bar())
    update("sentiment", 250, 1000, 3)
    update("stance", 0, 0, 0)
    assert calls == [
        (0.25, "sentiment: 250 of 1,000 rows · 3 skipped"),
        (1.0, "stance: 0 of 0 rows"),
    ]
