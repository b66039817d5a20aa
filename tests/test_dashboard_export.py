"""Exports: formula cells neutralised in CSV, text kept exactly in JSON and Parquet."""

from __future__ import annotations

import io
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
from plotly.offline import get_plotlyjs

from analysis import schema
from dashboard import charts, export


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 great idea", "'+1 great idea"),
        ("-2 for the plaza", "'-2 for the plaza"),
        ("@council shame", "'@council shame"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("fine = ok", "fine = ok"),
        ("", ""),
        (-0.5, -0.5),
        (None, None),
    ],
)
def test_neutralize(value: object, expected: object) -> None:
    assert export.neutralize(value) == expected


def _table() -> pd.DataFrame:
    return schema.from_records(
        [
            {
                "statement_id": "a",
                "source": "c.csv",
                "source_kind": "comment",
                "text": "=1+1",
                "speaker": "@mallory",
                "speaker_role": "public",
                "sentiment_compound": -0.4,
                "stance_score": -0.5,
                "posted_at": "2026-03-09T10:00Z",
            },
            {
                "statement_id": "b",
                "source": "c.csv",
                "source_kind": "comment",
                "text": "Love the plaza",
                "speaker": None,
                "speaker_role": "public",
            },
        ]
    )


def test_csv_neutralises_text_but_not_numbers() -> None:
    raw = export.to_csv(_table()).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(raw), dtype=str, keep_default_na=False)
    assert back.loc[0, "text"] == "'=1+1"
    assert back.loc[0, "speaker"] == "'@mallory"
    assert back.loc[0, "sentiment_compound"] == "-0.4"  # a number, left alone
    assert back.loc[1, "text"] == "Love the plaza"
    assert len(back) == 2 and list(back.columns) == list(schema.COLUMNS)


def test_json_keeps_text_and_manifest() -> None:
    doc = json.loads(export.to_json(_table(), {"target": {"text": "the plaza"}}))
    assert doc["manifest"]["target"]["text"] == "the plaza"
    assert doc["statements"][0]["text"] == "=1+1"
    assert doc["statements"][1]["speaker"] is None


def test_parquet_round_trip_with_manifest() -> None:
    raw = export.to_parquet(_table(), {"rules": {"stance_cues": "v1"}})
    table = pq.read_table(io.BytesIO(raw))
    meta = json.loads(table.schema.metadata[b"reaction_lens_manifest"])
    assert meta["rules"]["stance_cues"] == "v1"
    back = schema.validate(table.to_pandas())
    assert back["text"].tolist() == ["=1+1", "Love the plaza"]


def test_export_accepts_a_categorical_view() -> None:
    view = _table().astype({"speaker_role": "category", "source": "category"})
    assert export.to_csv(view).decode("utf-8-sig").count("\n") == 3


def test_charts_html_includes_plotly_once() -> None:
    figs = [charts.fig_sentiment_histogram(_table()), charts.fig_cross_table(_table())]
    page = export.charts_html(figs, title="<Elm> charts").decode("utf-8")
    assert page.count("Plotly.newPlot(") == 2
    assert "&lt;Elm&gt; charts" in page
    library = len(get_plotlyjs())
    assert library < len(page) < 2 * library  # embedded once, so it works offline


def test_export_manifest_records_filters() -> None:
    run = export.export_manifest(
        {"python": "3.11"}, filters={"roles": ["public"]}, rows=2, total=10
    )
    assert run["export"] == {"filters": {"roles": ["public"]}, "rows": 2, "of": 10}
    assert run["python"] == "3.11"
