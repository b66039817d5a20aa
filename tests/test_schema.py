from __future__ import annotations

import pandas as pd
import pytest

from analysis import schema
from analysis.errors import SchemaError


def _row(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "statement_id": "s1",
        "source": "comments.csv",
        "source_kind": "comment",
        "text": "The new plaza is lovely.",
    }
    return {**base, **fields}


def test_schema_columns_match_statement_fields() -> None:
    assert tuple(schema.COLUMNS) == schema.Statement._fields
    assert list(schema.empty().columns) == list(schema.COLUMNS)
    assert dict(schema.empty().dtypes.astype(str)) == schema.COLUMNS


def test_from_records_fills_missing_fields_with_na_and_unknown_role() -> None:
    frame = schema.from_records([_row()])
    assert frame.loc[0, "speaker_role"] == "unknown"
    assert pd.isna(frame.loc[0, "stance_label"])
    assert pd.isna(frame.loc[0, "char_start"])


def test_from_records_accepts_statement_tuples() -> None:
    stmt = schema.Statement("a", "article.txt", "article", text="We will act.", char_start=4)
    frame = schema.from_records([stmt])
    assert frame.loc[0, "char_start"] == 4
    assert str(frame["char_start"].dtype) == "Int64"


def test_validate_converts_timestamps_to_utc() -> None:
    frame = schema.from_records([_row(posted_at="2026-03-09T10:00:00+02:00")])
    assert frame.loc[0, "posted_at"] == pd.Timestamp("2026-03-09T08:00:00Z")


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"speaker_role": "politician"}, "speaker_role"),
        ({"stance_label": "pro"}, "stance_label"),
        ({"source_kind": "tweet"}, "source_kind"),
        ({"text": None}, "'text' is empty"),
        ({"char_start": "twelve"}, "char_start"),
    ],
)
def test_validate_rejects_bad_values_naming_the_column(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(SchemaError, match=message):
        schema.from_records([_row(**fields)])


def test_validate_rejects_unknown_and_missing_columns() -> None:
    with pytest.raises(SchemaError, match="unknown statement fields"):
        schema.from_records([_row(likes=3)])
    with pytest.raises(SchemaError, match="lacks columns"):
        schema.validate(pd.DataFrame({"text": ["x"]}))


def test_validate_does_not_mutate_its_input() -> None:
    frame = schema.from_records([_row()]).astype(object)
    before = frame.copy()
    schema.validate(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_statement_id_is_stable_and_distinguishes_position() -> None:
    assert schema.statement_id("a.txt", 10, "x") == schema.statement_id("a.txt", 10, "x")
    assert schema.statement_id("a.txt", 10, "x") != schema.statement_id("a.txt", 11, "x")
