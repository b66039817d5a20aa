"""Cell values to text: exports put numbers, booleans and nested objects where text is expected."""

from __future__ import annotations

import json
import math
from typing import Any, Final

import pandas as pd

STRING: Final = "string"


def as_text(values: pd.Series) -> pd.Series:
    """A nullable string column; numbers become their digits, objects JSON, NaN/None NA."""
    if pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
        return values.astype(STRING)
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in ("string", "empty"):  # the common case: skip the per-cell Python function
        return values.astype(STRING)
    if kind == "integer":
        return values.map(str, na_action="ignore").astype(STRING)
    return values.map(_cell, na_action=None).astype(STRING)


def _cell(value: Any) -> str | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def blank(values: pd.Series) -> pd.Series:
    """True where a text column is NA, empty or only whitespace."""
    return values.isna() | values.str.strip().eq("").fillna(True)
