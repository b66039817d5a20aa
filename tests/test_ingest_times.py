"""Posting times: every format exports use, as UTC; unreadable values are NA with a note."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.ingest.times import parse_times

T = pd.Timestamp


@pytest.mark.parametrize(
    "value, expected",
    [
        (1709629200, T("2024-03-05T09:00:00Z")),
        ("1709629200", T("2024-03-05T09:00:00Z")),
        (1709629200.5, T("2024-03-05T09:00:00.5Z")),
        (1709629200000, T("2024-03-05T09:00:00Z")),  # milliseconds
        ("2024-03-05T09:00:00Z", T("2024-03-05T09:00:00Z")),
        ("2024-03-05T10:00:00+01:00", T("2024-03-05T09:00:00Z")),
        ("2024-03-05T09:00:00.000Z", T("2024-03-05T09:00:00Z")),
        ("2024-03-05T09:00:00+0000", T("2024-03-05T09:00:00Z")),  # Facebook Graph API
        ("Wed Oct 10 20:19:24 +0000 2018", T("2018-10-10T20:19:24Z")),  # X v1.1 / GraphQL
        ("Tue Mar 05 11:00:00 +0200 2024", T("2024-03-05T09:00:00Z")),
        ("2024-03-05 09:00:00", T("2024-03-05T09:00:00Z")),  # spreadsheet, no zone
        ("March 5, 2024 9:00 AM", T("2024-03-05T09:00:00Z")),
    ],
)
def test_parse_times_formats(value: object, expected: pd.Timestamp) -> None:
    parsed, _ = parse_times(pd.Series([value], dtype=object))
    assert parsed.iloc[0] == expected
    assert str(parsed.dtype) == "datetime64[ns, UTC]"


def test_parse_times_mixed_column_notes() -> None:
    values = pd.Series(
        ["2024-03-05T09:00:00Z", "2 days ago", None, "", "2024-03-05 09:00"], dtype=object
    )
    parsed, notes = parse_times(values)
    assert parsed.isna().tolist() == [False, True, True, True, False]
    assert any(n.startswith("1 posting times could not be read (e.g. '2 days ago')") for n in notes)
    assert any(n.startswith("1 posting times had no time zone") for n in notes)


def test_parse_times_all_missing_is_quiet() -> None:
    parsed, notes = parse_times(pd.Series([None, None], dtype=object))
    assert parsed.isna().all() and notes == []


@pytest.mark.parametrize(
    "value", ["-1", "0001-01-01T00:00:00Z", "9999-12-31", "Mon Jan 01 00:00:00 +0000 3000"]
)
def test_parse_times_out_of_range_is_empty_not_an_error(value: str) -> None:
    parsed, notes = parse_times(pd.Series([value], dtype=object))
    assert parsed.isna().all()
    assert "could not be read" in notes[0]


def test_parse_times_out_of_range_datetime_column_is_empty() -> None:
    column = pd.Series(pd.to_datetime(["0500-01-01", "2026-03-09"], format="ISO8601").as_unit("s"))
    parsed, _ = parse_times(column)
    assert parsed.isna().tolist() == [True, False]


def test_epoch_seconds_and_milliseconds_mixed_in_one_column() -> None:
    """Whole-number seconds beside milliseconds: dividing the latter must not fail on ints."""
    parsed, _ = parse_times(
        pd.Series(["100000000001", "1709629200", "1709629200000"], dtype="string")
    )
    assert list(parsed) == [
        pd.Timestamp("1973-03-03T09:46:40.001Z"),
        pd.Timestamp("2024-03-05T09:00:00Z"),
        pd.Timestamp("2024-03-05T09:00:00Z"),
    ]
