"""Chart builders, checked on the figure data the browser would receive."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis import aggregate, schema
from dashboard import charts


def _row(n: int, role: str, sentiment: float | None, stance: str | None, **extra: Any) -> dict:
    score = {"favor": 0.6, "against": -0.6, "neutral": 0.0}.get(stance or "")
    label = None
    if sentiment is not None:
        label = "positive" if sentiment >= 0.05 else "negative" if sentiment <= -0.05 else "neutral"
    return {
        "statement_id": f"s{n}",
        "source": "comments.csv",
        "source_kind": extra.pop("source_kind", "comment"),
        "text": extra.pop("text", f"comment {n} about the plaza"),
        "speaker": extra.pop("speaker", f"user{n}"),
        "speaker_role": role,
        "sentiment_compound": sentiment,
        "sentiment_label": label,
        "stance_label": stance,
        "stance_score": score,
        **extra,
    }


@pytest.fixture
def frame() -> pd.DataFrame:
    return schema.from_records(
        [
            _row(1, "official", 0.5, "favor", speaker="Mayor Ortiz", text="We are proud of it."),
            _row(2, "official", 0.1, "favor", speaker="Mayor Ortiz", posted_at="2026-03-09T09:00Z"),
            _row(3, "public", -0.7, "against", posted_at="2026-03-09T10:15Z"),
            _row(4, "public", -0.6, "against", posted_at="2026-03-09T10:45Z"),
            _row(5, "public", 0.0, "neutral", posted_at="2026-03-09T12:00Z"),
            _row(6, "public", 0.8, "favor", posted_at="2026-03-09T12:30Z"),
            _row(7, "expert", 0.3, "neutral"),
        ]
    )


def test_histogram_bins_counts_and_colours(frame: pd.DataFrame) -> None:
    fig = charts.fig_sentiment_histogram(frame, bins=4)  # edges -1, -0.5, 0, 0.5, 1
    bar = fig.data[0]
    assert list(bar.x) == [-0.75, -0.25, 0.25, 0.75]
    assert list(bar.y) == [2, 0, 3, 2]  # 0.0 falls in [0, 0.5)
    red, grey, green = (charts.SENTIMENT_COLORS[k] for k in ("negative", "neutral", "positive"))
    assert list(bar.marker.color) == [red, red, green, green]
    assert grey not in bar.marker.color
    assert "statements" in bar.hovertemplate


def test_histogram_sends_bins_not_rows() -> None:
    big = pd.DataFrame({"sentiment_compound": pd.Series([0.1] * 50_000, dtype="Float64")})
    fig = charts.fig_sentiment_histogram(big, bins=40)
    assert len(fig.data[0].y) == 40
    assert sum(fig.data[0].y) == 50_000


def test_stance_by_role_shares_per_bar(frame: pd.DataFrame) -> None:
    fig = charts.fig_stance_by_role(frame)
    by_name = {t.name: t for t in fig.data}
    assert list(by_name) == ["favor", "neutral", "against"]
    assert list(by_name["favor"].y) == ["Official", "Expert", "Public"]
    assert list(by_name["favor"].x) == pytest.approx([100.0, 0.0, 25.0])
    assert list(by_name["against"].x) == pytest.approx([0.0, 0.0, 50.0])
    for label, trace in by_name.items():
        assert trace.marker.color == charts.STANCE_COLORS[label]
    # hover carries the counts: public against is 2 of 4
    assert tuple(by_name["against"].customdata[2]) == (2, 4)
    assert fig.layout.barmode == "stack"


def test_quadrant_one_trace_per_role_with_palette(frame: pd.DataFrame) -> None:
    fig = charts.fig_quadrant(frame)
    names = [t.name for t in fig.data]
    assert names == ["Official", "Expert", "Public"]
    for trace in fig.data:
        role = trace.name.lower()
        assert trace.marker.color == charts.ROLE_COLORS[role]
        assert isinstance(trace, go.Scatter)
    public = fig.data[2]
    assert list(public.x) == pytest.approx([-0.7, -0.6, 0.0, 0.8])
    assert list(public.y) == pytest.approx([-0.6, -0.6, 0.0, 0.6])
    assert list(public.customdata) == [2, 3, 4, 5]  # row labels, to look the statements up
    assert "Mayor Ortiz" in fig.data[0].text[0] and "proud" in fig.data[0].text[0]


def test_quadrant_escapes_user_text() -> None:
    evil = "<img src=x onerror=alert(1)> & <b>bold</b>"
    table = schema.from_records([_row(1, "public", 0.2, "favor", text=evil, speaker="<i>me</i>")])
    hover = charts.fig_quadrant(table).data[0].text[0]
    assert "<img" not in hover and "<i>me" not in hover
    assert "&lt;img" in hover and "&lt;i&gt;me&lt;/i&gt;" in hover


def test_quadrant_samples_and_uses_webgl_for_many_points() -> None:
    records = [
        _row(i, "public", (i % 200) / 100 - 1, ("favor", "against", "neutral")[i % 3])
        for i in range(3000)
    ]
    fig = charts.fig_quadrant(schema.from_records(records), max_points=2500)
    assert isinstance(fig.data[0], go.Scattergl)
    assert len(fig.data[0].x) == 2500
    assert "2,500 of 3,000" in fig.layout.title.text
    few = charts.fig_quadrant(schema.from_records(records[:100]))
    assert isinstance(few.data[0], go.Scatter) and len(few.data[0].x) == 100


def test_timeline_volume_means_and_official_marks(frame: pd.DataFrame) -> None:
    fig = charts.fig_timeline(frame, freq="h")
    bars, sentiment, stance, marks = fig.data
    assert list(bars.y) == [1, 2, 0, 2]  # 09:00, 10:00, 11:00 (quiet), 12:00
    assert list(sentiment.y)[:2] == pytest.approx([0.1, -0.65])
    assert stance.name == "mean stance"
    assert stance.line.color == charts.STANCE_COLORS["favor"]
    assert marks.name == "official statement" and len(marks.x) == 1  # the dated official one
    assert marks.marker.symbol == "diamond"
    assert "1 official statement without a time" in fig.layout.title.text


def test_timeline_counts_comments_not_article_quotes() -> None:
    table = schema.from_records(
        [
            _row(1, "official", 0.4, "favor", source_kind="article", posted_at="2026-03-09T08:00Z"),
            _row(2, "public", -0.4, "against", posted_at="2026-03-09T08:30Z"),
            _row(3, "public", 0.2, "favor", posted_at="2026-03-09T09:10Z"),
        ]
    )
    fig = charts.fig_timeline(table, freq="h")
    bars, sentiment, _, marks = fig.data
    assert list(bars.y) == [1, 1]
    assert list(sentiment.y) == pytest.approx([-0.4, 0.2])
    assert len(marks.x) == 1 and fig.layout.title.text.startswith("Comments over time")


def test_timeline_without_times_is_empty_not_an_error() -> None:
    table = schema.from_records([_row(1, "official", 0.2, "favor")])
    fig = charts.fig_timeline(table)
    assert len(fig.data[0].x) == 0


@pytest.mark.parametrize(
    "hours, expected", [(0, "h"), (24 * 6, "h"), (24 * 30, "D"), (24 * 200, "7D")]
)
def test_pick_frequency(hours: int, expected: str) -> None:
    times = pd.to_datetime(["2026-01-01T00:00Z", "2026-01-01T00:00Z"], utc=True)
    times = pd.Series([times[0], times[1] + pd.Timedelta(hours=hours)])
    assert charts.pick_frequency(pd.DataFrame({"posted_at": times})) == expected


def test_top_speakers_order_and_role_colours(frame: pd.DataFrame) -> None:
    summary = aggregate.summarize(frame, "speaker")
    roles = pd.Series({"Mayor Ortiz": "official"})
    fig = charts.fig_top_speakers(summary, roles, n=3)
    bar = fig.data[0]
    assert list(bar.y)[-1] == "Mayor Ortiz"  # most quoted at the top (reversed y)
    assert list(bar.x)[-1] == 2
    assert bar.marker.color[-1] == charts.ROLE_COLORS["official"]
    assert bar.marker.color[0] == charts.ROLE_COLORS["unknown"]


def test_cross_table_counts(frame: pd.DataFrame) -> None:
    heat = charts.fig_cross_table(frame).data[0]
    assert list(heat.x) == ["favor", "neutral", "against"]
    assert list(heat.y) == ["positive", "neutral", "negative"]
    assert heat.z[0][0] == 3  # positive and favor: rows 1, 2, 6
    assert heat.z[2][2] == 2  # negative and against: rows 3, 4


def test_gap_by_day_error_bars() -> None:
    table = schema.from_records(
        [
            _row(1, "official", 0.5, "favor", posted_at="2026-03-09T08:00Z"),
            _row(2, "official", 0.4, "favor", posted_at="2026-03-09T09:00Z"),
            _row(3, "public", -0.5, "against", posted_at="2026-03-09T10:00Z"),
            _row(4, "public", 0.0, "neutral", posted_at="2026-03-09T11:00Z"),
        ]
    )
    trace = charts.fig_gap_by_day(table).data[0]
    assert list(trace.y) == pytest.approx([0.6 - (-0.3)])
    assert trace.error_y.array[0] >= 0 and trace.error_y.arrayminus[0] >= 0


def test_every_chart_survives_an_empty_table() -> None:
    empty = schema.empty()
    for build in (
        charts.fig_sentiment_histogram,
        charts.fig_stance_by_role,
        charts.fig_quadrant,
        charts.fig_timeline,
        charts.fig_cross_table,
        charts.fig_gap_by_day,
    ):
        assert isinstance(build(empty), go.Figure)


def test_figures_serialise_to_json(frame: pd.DataFrame) -> None:
    for fig in (charts.fig_quadrant(frame), charts.fig_timeline(frame)):
        assert json.loads(fig.to_json())["data"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("short", "short"),
        ("a < b & c", "a &lt; b &amp; c"),
        (None, ""),
        ("x" * 300, "x" * 159 + "…"),
    ],
)
def test_hover_text(text: str | None, expected: str) -> None:
    assert charts.hover_text(text).replace("<br>", "") == expected


@pytest.mark.parametrize(
    "matrix, shares",
    [
        ([[2, 1, 0], [0, 3, 0], [1, 0, 0]], [[2 / 3, 1 / 3, 0], [0, 1, 0], [1, 0, 0]]),
        ([[0, 0, 0], [4, 0, 0], [0, 0, 5]], [[0, 0, 0], [1, 0, 0], [0, 0, 1]]),  # an empty row
    ],
)
def test_confusion_counts_in_cells_colour_by_row_share(
    matrix: list[list[int]], shares: list[list[float]]
) -> None:
    labels = ["favor", "against", "neutral"]
    fig = charts.fig_confusion(labels, matrix)
    heat = fig.data[0]
    assert heat.type == "heatmap"
    assert list(heat.x) == labels and list(heat.y) == labels
    assert [list(row) for row in heat.text] == [[str(v) for v in row] for row in matrix]
    assert [list(row) for row in heat.z] == [pytest.approx(row) for row in shares]
    assert (heat.zmin, heat.zmax) == (0, 1)
    assert "analyst: %{y}" in heat.hovertemplate and "automatic: %{x}" in heat.hovertemplate
    assert fig.layout.yaxis.autorange == "reversed"  # the first label on top, like a table


def test_confusion_of_nothing_is_an_empty_heatmap() -> None:
    fig = charts.fig_confusion([], [])
    assert fig.data[0].type == "heatmap" and len(fig.data[0].x) == 0
