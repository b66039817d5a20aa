"""Statement ids of comments: the vectorised ids equal the per-row rule, byte for byte.

Ids are stored in users' projects, so they must never change. The oracle below is the
per-row implementation the import used before the ids were computed a column at a time
(kept here verbatim); the properties draw ids with repeats, gaps, ``#`` suffixes and non-ASCII
text, and cut the rows into chunks as the streamed read does.
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import schema
from analysis.ingest import read_comments_bytes
from analysis.ingest.comments import Carry, _statement_ids

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- the oracle


def old_statement_ids(
    source: str, ids: pd.Series, rows: pd.Series, text: pd.Series, carry: Carry
) -> list[str]:
    if carry.seen is None:  # the whole file at once
        occurrence = ids.groupby(ids, dropna=True).cumcount().reindex(ids.index)
    else:  # counting on from the earlier chunks
        occurrence = pd.Series(old_occurrences(ids.tolist(), carry.seen), index=ids.index)
    repeated = ids.notna() & occurrence.gt(0).fillna(False).astype(bool)
    if repeated.any():
        carry.repeated += int(repeated.sum())
        ids = ids.where(~repeated, ids + "#" + (occurrence + 1).astype("Int64").astype("string"))
    keys = ids.fillna("row " + rows.astype("string"))
    make = functools.partial(schema.statement_id, source)
    return list(map(make, keys.tolist(), text.tolist()))


def old_occurrences(ids: list[Any], seen: dict[str, int]) -> list[int]:
    out = []
    for key in ids:
        if isinstance(key, str):
            count = seen.get(key, 0)
            seen[key] = count + 1
            out.append(count)
        else:
            out.append(-1)
    return out


# --------------------------------------------------------------------------- strategies

SOURCES = st.one_of(st.sampled_from(["comments.csv", "r/harbour.jsonl", "é 😀.tsv", ""]), st.text())
IDS = st.one_of(
    st.none(),
    st.sampled_from(["c1", "c2", "t1_c1", "c1#2", "row 3", "Ä", "c1 "]),
    st.text(max_size=5),
)
TEXTS = st.text(min_size=1, max_size=40)


@st.composite
def rows_of_comments(draw: st.DrawFn) -> tuple[pd.Series, pd.Series, pd.Series]:
    """ids (string, NA for none), row numbers and texts, indexed as a filtered frame is."""
    ids = draw(st.lists(IDS, max_size=40))
    n = len(ids)
    rows = draw(st.lists(st.integers(0, 10**7), min_size=n, max_size=n))
    texts = draw(st.lists(TEXTS, min_size=n, max_size=n))
    start = draw(st.integers(0, 5))
    index = pd.RangeIndex(start, start + 2 * n, 2)  # gaps, as after dropping empty texts
    return (
        pd.Series(ids, index=index, dtype="string"),
        pd.Series(rows, index=index),
        pd.Series(texts, index=index, dtype="string"),
    )


# --------------------------------------------------------------------------- properties


def _pieces(values: list[str], dtype: str, cut: int) -> pd.Series:
    """``values`` as a Series of ``dtype``, in two Arrow chunks when cut (as after pd.concat)."""
    whole = pd.Series(values, dtype=dtype)
    return pd.concat([whole.iloc[:cut], whole.iloc[cut:]], ignore_index=True)


@SETTINGS
@given(
    source=SOURCES,
    keys=st.lists(st.text(), max_size=30),
    dtypes=st.tuples(*[st.sampled_from(["string", "str", "object"])] * 2),
    cuts=st.tuples(st.integers(0, 30), st.integers(0, 30)),
    data=st.data(),
)
def test_statement_ids_equal_statement_id_per_row(
    source: str,
    keys: list[str],
    dtypes: tuple[str, str],
    cuts: tuple[int, int],
    data: st.DataObject,
) -> None:
    texts = data.draw(st.lists(st.text(), min_size=len(keys), max_size=len(keys)))
    index = pd.RangeIndex(3, 3 + len(keys))
    key_column = _pieces(keys, dtypes[0], cuts[0]).set_axis(index)
    got = schema.statement_ids(source, key_column, _pieces(texts, dtypes[1], cuts[1]))
    assert got.tolist() == [
        schema.statement_id(source, k, t) for k, t in zip(keys, texts, strict=True)
    ]
    assert got.index.equals(index)
    assert str(got.dtype) == schema.COLUMNS["statement_id"]


@SETTINGS
@given(source=SOURCES, drawn=rows_of_comments())
def test_statement_ids_whole_file_equal_the_oracle(
    source: str, drawn: tuple[pd.Series, pd.Series, pd.Series]
) -> None:
    ids, rows, text = drawn
    old, new = Carry(), Carry()
    expected = old_statement_ids(source, ids, rows, text, old)
    got = _statement_ids(source, ids, rows, text, new)
    assert got.tolist() == expected
    assert got.index.equals(text.index)
    assert new.repeated == old.repeated


@SETTINGS
@given(source=SOURCES, drawn=rows_of_comments(), cuts=st.lists(st.integers(0, 40), max_size=4))
def test_statement_ids_chunked_equal_the_oracle(
    source: str, drawn: tuple[pd.Series, pd.Series, pd.Series], cuts: list[int]
) -> None:
    ids, rows, text = drawn
    bounds = [0, *sorted(c for c in cuts if c < len(ids)), len(ids)]
    old, new = Carry(seen={}), Carry(seen={})
    for start, stop in itertools.pairwise(bounds):
        part = slice(start, stop)
        expected = old_statement_ids(source, ids[part], rows[part], text[part], old)
        got = _statement_ids(source, ids[part], rows[part], text[part], new)
        assert got.tolist() == expected
    assert (new.seen, new.repeated) == (old.seen, old.repeated)


# --------------------------------------------------------------------------- examples


def test_statement_ids_of_a_csv_are_the_ids_stored_before() -> None:
    """Ids already stored in projects: a repeated id gets ``#2``, a row with no id its number."""
    data = (
        b"id,author,text\n"
        b"c1,ana,The ferry should run all night.\n"
        b"c1,ben,Copied: the ferry should run all night.\n"
        b",cy,No id on this one.\n"
        b"c2,di,Wrong again about the harbour.\n"
    )
    frame, report = read_comments_bytes(data, "harbour.csv")
    assert frame["statement_id"].tolist() == [
        "b38b0f4c232ca8fb",  # c1
        "443f2e4c4362a387",  # c1#2
        "db5dadd110a2eb26",  # row 4 (the file's line)
        "79a7399e2ec1eb47",  # c2
    ]
    assert "1 rows repeat an id already seen; all kept, ids made unique" in report.notes


@pytest.mark.parametrize(
    "keys, texts, message",
    [
        (["c1", None], ["a", "b"], "none missing"),
        (["c1", "c2"], ["a", None], "none missing"),
        (["c1"], ["a", "b"], "1 keys for 2 texts"),
    ],
)
def test_statement_ids_refuse_missing_or_misaligned_values(
    keys: list[str | None], texts: list[str | None], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        schema.statement_ids(
            "c.csv", pd.Series(keys, dtype="string"), pd.Series(texts, dtype="string")
        )
