"""Reply links: the column-at-a-time ``_links`` equals the per-row rule it replaced.

The oracle is the former per-row implementation, kept here verbatim. Its tie rules are the
contract: a parent id is looked up without Reddit's ``t1_``/``t3_`` prefix; among statement ids
the last row wins; an export's own id (prefix dropped) only fills ids no statement id took, and
there the first row wins; missing and empty ids link nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.errors import InputError
from analysis.stance.attach import _links

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- the oracle


def old_links(frame: pd.DataFrame, original_ids: Sequence[str | None] | None) -> list[int | None]:
    parents = old_column(frame, "parent_id")
    if not any(parents):
        return [None] * len(parents)
    if original_ids is None and "original_id" in frame:
        original_ids = old_column(frame, "original_id")
    index = old_id_index(old_column(frame, "statement_id"), original_ids)
    return [index.get(old_bare(p)) if p else None for p in parents]


def old_id_index(
    statement_ids: list[str | None], original_ids: Sequence[str | None] | None
) -> dict[str, int]:
    index = {sid: i for i, sid in enumerate(statement_ids) if sid}
    if original_ids is not None:
        if len(original_ids) != len(statement_ids):
            raise InputError(
                f"original_ids has {len(original_ids)} ids for {len(statement_ids)} rows; "
                "give one id (or None) per row"
            )
        for i, oid in enumerate(original_ids):
            if oid is not None and str(oid):
                index.setdefault(old_bare(str(oid)), i)
    return index


def old_bare(identifier: str) -> str:
    return identifier[3:] if identifier[:3] in ("t1_", "t3_") else identifier


def old_column(frame: pd.DataFrame, name: str) -> list[str | None]:
    if name not in frame.columns:
        return [None] * len(frame)
    values = frame[name].astype("object").where(frame[name].notna(), None)
    return [None if v is None else str(v) for v in values.tolist()]


# --------------------------------------------------------------------------- strategies

# Few distinct ids, so that parents find rows, ids repeat and prefixes collide.
IDS = st.one_of(
    st.none(),
    st.sampled_from(["a", "b", "t1_a", "t3_a", "t1_b", "t1_", "t3_", "", "t1_t1_a", "\nt1_a"]),
    st.text(alphabet="abt13_ é", max_size=5),
)
DTYPES = st.sampled_from(["string", "object", "str"])


@st.composite
def link_tables(draw: st.DrawFn) -> pd.DataFrame:
    """statement_id, parent_id and (maybe) original_id, in one of the dtypes tables arrive in;
    sometimes two pieces concatenated, as the partitions' link columns are."""
    n = draw(st.integers(0, 30))
    columns = ["statement_id", "parent_id"] + (["original_id"] if draw(st.booleans()) else [])
    values = {c: draw(st.lists(IDS, min_size=n, max_size=n)) for c in columns}
    frame = pd.DataFrame(values, dtype=draw(DTYPES), index=pd.RangeIndex(7, 7 + n))
    cut = draw(st.integers(0, n))
    if draw(st.booleans()):
        frame = pd.concat([frame.iloc[:cut], frame.iloc[cut:]], ignore_index=True)
    return frame


# --------------------------------------------------------------------------- properties


@SETTINGS
@given(frame=link_tables())
def test_links_equal_the_oracle(frame: pd.DataFrame) -> None:
    got = _links(frame, None)
    assert got == old_links(frame, None)
    assert all(type(row) is int for row in got if row is not None)


@SETTINGS
@given(
    frame=link_tables(),
    originals=st.lists(st.one_of(IDS, st.integers(0, 3)), max_size=32),
)
def test_links_with_given_original_ids_equal_the_oracle(
    frame: pd.DataFrame, originals: list[str | None]
) -> None:
    try:
        expected = old_links(frame, originals)
    except InputError as exc:
        with pytest.raises(InputError, match="original_ids has"):
            _links(frame, originals)
        assert str(exc)
        return
    assert _links(frame, originals) == expected


# --------------------------------------------------------------------------- the tie rules


@pytest.mark.parametrize(
    "statement_ids, original_ids, parent_ids, expected",
    [
        # a repeated statement id: the last row with it
        (["s1", "s1", "s3"], None, [None, None, "s1"], [None, None, 1]),
        # an export's id: the first row with it; prefixes dropped on both sides
        (["s1", "s2", "s3"], ["t1_k", "k", None], [None, None, "t3_k"], [None, None, 0]),
        # a statement id is never displaced by an export's id
        (["k", "s2", "s3"], [None, "k", None], [None, None, "k"], [None, None, 0]),
        # missing and empty parents link nothing; an unknown parent is a root
        (["s1", "s2", "s3"], None, ["", None, "nope"], [None, None, None]),
        # a cycle is kept as written (the thread walk breaks it)
        (["s1", "s2", "s3"], None, ["s2", "s1", "s3"], [1, 0, 2]),
        # a bare prefix: "t1_" and "t3_" both mean the empty id
        (["s1", "s2"], ["t1_", None], [None, "t3_"], [None, 0]),
    ],
)
def test_links_tie_rules(
    statement_ids: list[str],
    original_ids: list[str | None] | None,
    parent_ids: list[str | None],
    expected: list[int | None],
) -> None:
    columns = {"statement_id": statement_ids, "parent_id": parent_ids}
    if original_ids is not None:
        columns["original_id"] = original_ids
    frame = pd.DataFrame(columns, dtype="string")
    assert _links(frame, None) == expected


def test_links_refuse_original_ids_of_another_length() -> None:
    frame = pd.DataFrame({"statement_id": ["s1", "s2"], "parent_id": [None, "s1"]}, dtype="string")
    with pytest.raises(InputError, match="original_ids has 1 ids for 2 rows"):
        _links(frame, ["k1"])
