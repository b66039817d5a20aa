"""The statement table: one row per thing somebody said, defined once for every stage.

Every stage (ingest, quotes, sentiment, stance, aggregate) takes and returns a DataFrame with
exactly ``COLUMNS`` in this order; :func:`validate` enforces names, dtypes and allowed labels.
Evidence columns hold JSON text so that CSV, JSONL and Parquet outputs carry them alike.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import pandas_dtype

from analysis.errors import SchemaError

SOURCE_KINDS = ("article", "comment")
ROLES = ("official", "organization", "expert", "public", "media", "unknown")
QUOTE_KINDS = ("statement", "partial", "scare")
SENTIMENT_LABELS = ("positive", "negative", "neutral")
STANCE_LABELS = ("favor", "against", "neutral")


class Statement(NamedTuple):
    """One statement; field order is the column order of the table."""

    statement_id: str
    source: str
    source_kind: str
    platform: str | None = None
    text: str = ""
    speaker: str | None = None
    speaker_role: str = "unknown"
    role_evidence: str | None = None
    attribution: str | None = None
    attribution_start: int | None = None
    attribution_end: int | None = None
    char_start: int | None = None
    char_end: int | None = None
    quote_kind: str | None = None
    extraction_note: str | None = None
    posted_at: pd.Timestamp | None = None
    original_id: str | None = None  # the export's own id, which replies' parent_id point to
    parent_id: str | None = None
    sentiment_compound: float | None = None
    sentiment_pos: float | None = None
    sentiment_neu: float | None = None
    sentiment_neg: float | None = None
    sentiment_label: str | None = None
    sentiment_evidence: str | None = None
    stance_label: str | None = None
    stance_score: float | None = None
    stance_evidence: str | None = None


_STR = "string"
_INT = "Int64"
_FLOAT = "Float64"
_TIME = "datetime64[ns, UTC]"

#: Column name -> pandas dtype, in table order.
COLUMNS: dict[str, str] = {
    "statement_id": _STR,
    "source": _STR,
    "source_kind": _STR,
    "platform": _STR,
    "text": _STR,
    "speaker": _STR,
    "speaker_role": _STR,
    "role_evidence": _STR,
    "attribution": _STR,
    "attribution_start": _INT,
    "attribution_end": _INT,
    "char_start": _INT,
    "char_end": _INT,
    "quote_kind": _STR,
    "extraction_note": _STR,
    "posted_at": _TIME,
    "original_id": _STR,
    "parent_id": _STR,
    "sentiment_compound": _FLOAT,
    "sentiment_pos": _FLOAT,
    "sentiment_neu": _FLOAT,
    "sentiment_neg": _FLOAT,
    "sentiment_label": _STR,
    "sentiment_evidence": _STR,
    "stance_label": _STR,
    "stance_score": _FLOAT,
    "stance_evidence": _STR,
}
assert tuple(COLUMNS) == Statement._fields, "Statement and COLUMNS must list the same fields"

#: Columns restricted to a fixed set of labels (missing values are allowed except where noted).
LABELS: dict[str, tuple[str, ...]] = {
    "source_kind": SOURCE_KINDS,
    "speaker_role": ROLES,
    "quote_kind": QUOTE_KINDS,
    "sentiment_label": SENTIMENT_LABELS,
    "stance_label": STANCE_LABELS,
}
REQUIRED = ("statement_id", "source", "source_kind", "text", "speaker_role")
#: Columns with few distinct values: filters, group keys, categorical storage.
CATEGORICAL = (
    "source",
    "source_kind",
    "platform",
    "speaker",
    "speaker_role",
    "quote_kind",
    "sentiment_label",
    "stance_label",
)


_ID_SEP = "\x1f"  # between source, key and text in the hashed payload
_ID_BYTES = 8  # an id is the first 8 bytes of the SHA-1, as 16 hex digits


def statement_id(source: str, key: object, text: str) -> str:
    """A stable id: the same source, position and text always give the same id."""
    digest = hashlib.sha1(f"{source}{_ID_SEP}{key}{_ID_SEP}{text}".encode()).hexdigest()
    return digest[: 2 * _ID_BYTES]


def statement_ids(source: str, keys: pd.Series, texts: pd.Series) -> pd.Series:
    """:func:`statement_id` of every row, as a text column indexed like ``keys``.

    The same ids (they are stored in users' projects and never change) in about a third of the
    time: the payloads are joined in Arrow and hashed as UTF-8 bytes in one tight loop, and the
    digests become the column's buffer without a Python string per row.

    Args:
        keys: the key of each row, as text (``str(key)`` of what :func:`statement_id` takes).
        texts: the text of each row, aligned with ``keys`` by position.

    Raises:
        ValueError: a key or text is missing, or the two differ in length.
    """
    if len(keys) != len(texts):
        raise ValueError(f"statement_ids: {len(keys)} keys for {len(texts)} texts")
    if keys.isna().any() or texts.isna().any():
        raise ValueError("statement_ids: every row needs a key and a text (none missing)")
    large = pa.large_string()
    payloads = pc.binary_join_element_wise(
        pa.scalar(source, large), _arrow_text(keys), _arrow_text(texts), pa.scalar(_ID_SEP, large)
    )
    sha1 = hashlib.sha1
    digests = [sha1(p).digest() for p in payloads.cast(pa.large_binary()).to_pylist()]
    head = np.frombuffer(b"".join(digests), np.uint8).reshape(-1, 20)[:, :_ID_BYTES]
    hexed = head.tobytes().hex().encode("ascii")
    offsets = np.arange(0, len(hexed) + 1, 2 * _ID_BYTES, dtype=np.int64)
    column = pa.Array.from_buffers(
        large, len(keys), [None, pa.py_buffer(offsets), pa.py_buffer(hexed)]
    )
    return pd.Series(pd.arrays.ArrowStringArray(column), index=keys.index)


def _arrow_text(values: pd.Series) -> pa.Array | pa.ChunkedArray:
    """``values`` as Arrow large strings (zero-copy for the table's own text columns)."""
    if values.dtype != pd.StringDtype("pyarrow"):
        values = values.astype(pd.StringDtype("pyarrow"))
    array = pa.array(values.array)
    return array if array.type == pa.large_string() else array.cast(pa.large_string())


def empty() -> pd.DataFrame:
    """An empty statement table with the right dtypes."""
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in COLUMNS.items()})


def from_records(records: Iterable[Statement | Mapping[str, Any]]) -> pd.DataFrame:
    """Build a validated table from statements or mappings; missing fields become NA."""
    rows = [r._asdict() if isinstance(r, Statement) else dict(r) for r in records]
    if not rows:
        return empty()
    unknown = sorted(set().union(*rows) - set(COLUMNS))
    if unknown:
        raise SchemaError(f"unknown statement fields {unknown}; valid fields: {list(COLUMNS)}")
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["speaker_role"] = frame["speaker_role"].astype(object).fillna("unknown")
    return validate(frame)


def validate(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy with schema dtypes and column order, or raise SchemaError saying what is off."""
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise SchemaError(f"statement table lacks columns {missing}")
    extra = [c for c in frame.columns if c not in COLUMNS]
    if extra:
        raise SchemaError(f"statement table has unknown columns {extra}; valid: {list(COLUMNS)}")
    out = pd.DataFrame(index=frame.index)
    for name, dtype in COLUMNS.items():
        out[name] = _coerce(frame[name], name, dtype)
    for name in REQUIRED:
        if out[name].isna().any():
            row = int(out[name].isna().to_numpy().nonzero()[0][0])
            raise SchemaError(f"column {name!r} is empty in row {row}; it is required")
    for name, allowed in LABELS.items():
        bad = out[name].dropna()
        bad = bad[~bad.isin(allowed)]
        if len(bad):
            raise SchemaError(
                f"column {name!r} has {bad.iloc[0]!r} in row {bad.index[0]}; allowed: {list(allowed)}"
            )
    return out.reset_index(drop=True)


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`validate`, skipped when columns and dtypes already match (a stage's own output):
    validating a million rows again costs seconds and changes nothing."""
    if list(frame.columns) == list(COLUMNS) and all(
        str(frame[c].dtype) == d for c, d in COLUMNS.items()
    ):
        return frame.reset_index(drop=True)
    return validate(frame)


def _coerce(column: pd.Series, name: str, dtype: str) -> pd.Series:
    target = pandas_dtype(dtype)
    same_storage = getattr(column.dtype, "storage", None) == getattr(target, "storage", None)
    if column.dtype == target and same_storage:
        return column  # already right: converting 1M rows again costs seconds
    try:
        if dtype == _TIME:
            return pd.to_datetime(column, utc=True, errors="raise").astype(target)
        if dtype == _STR:
            return column.astype(object).where(column.notna(), None).astype(target)
        return column.astype(target)
    except (TypeError, ValueError) as exc:
        raise SchemaError(f"column {name!r} cannot be read as {dtype}: {exc}") from exc
