"""Property: whatever bytes arrive, read_comments_bytes either raises InputError or accounts for every row."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.errors import InputError
from analysis.ingest import read_comments_bytes

NAMES = st.sampled_from(
    ["c.csv", "c.tsv", "c.json", "c.jsonl", "c.xlsx", "c.parquet", "c.txt", "upload"]
)
CELLS = st.one_of(
    st.text(max_size=40), st.integers(), st.floats(allow_nan=True), st.none(), st.booleans()
)
KEYS = st.sampled_from(
    ["text", "body", "author", "created_utc", "id", "parent_id", "title", "selftext", "x"]
)
RECORD = st.dictionaries(KEYS, CELLS, max_size=6)
JSONISH = st.one_of(RECORD, CELLS, st.lists(CELLS, max_size=3))
# Modest counts keep the file fast on a shared machine; raw bytes mostly end in InputError quickly.
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROW_SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _check(data: bytes, name: str) -> None:
    try:
        frame, report = read_comments_bytes(data, name)
    except InputError:
        return
    assert isinstance(frame, pd.DataFrame)
    assert report.balanced, report.to_dict()
    assert len(frame) == report.statements
    assert frame["statement_id"].is_unique


@SETTINGS
@given(data=st.binary(max_size=300), name=NAMES)
def test_read_comments_bytes_arbitrary_bytes(data: bytes, name: str) -> None:
    _check(data, name)


@SETTINGS
@given(text=st.text(max_size=300), name=NAMES)
def test_read_comments_bytes_arbitrary_text(text: str, name: str) -> None:
    _check(text.encode("utf-8"), name)


@ROW_SETTINGS
@given(rows=st.lists(JSONISH, max_size=8), lines=st.booleans())
def test_read_comments_bytes_arbitrary_json_rows(rows: list[object], lines: bool) -> None:
    if lines:
        _check("\n".join(json.dumps(r) for r in rows).encode(), "c.jsonl")
    else:
        _check(json.dumps(rows).encode(), "c.json")


@ROW_SETTINGS
@given(
    header=st.lists(
        st.sampled_from(["text", "author", "date", "id", "Comment", "note"]), min_size=1, max_size=4
    ),
    rows=st.lists(st.lists(st.text(max_size=20), max_size=5), max_size=8),
)
def test_read_comments_bytes_arbitrary_csv_rows(header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    _check(buffer.getvalue().encode("utf-8"), "c.csv")
