"""Posting times from whatever an export writes, as tz-aware UTC.

Epoch seconds or milliseconds (Reddit ``created_utc``, youtube-comment-downloader ``time_parsed``),
ISO 8601 (X API v2, YouTube Data API), Twitter's ``Wed Oct 10 20:19:24 +0000 2018`` (v1.1 and
GraphQL ``legacy.created_at``) and, last and slowest, anything dateutil reads (spreadsheet exports).
A value that is none of these becomes NA and is counted in a note; the row itself is kept.
"""

from __future__ import annotations

import warnings
from typing import Final

import pandas as pd

from analysis.ingest.values import as_text

UTC_DTYPE: Final = "datetime64[ns, UTC]"
TWITTER_FORMAT = "%a %b %d %H:%M:%S %z %Y"
_TWITTER = r"^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{1,2} \d{2}:\d{2}:\d{2} [+-]\d{4} \d{4}$"
_HAS_ZONE = r"(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)\s*$"
_ISO_DATE = r"\d{4}-\d{2}-\d{2}"  # ISO 8601 starts with the date; epoch digits never match
_NUMBER = r"-?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?"
_EPOCH_MIN = 1e8  # 1973-03-03: smaller numbers are more likely years or counts than epoch seconds
_MS = 1e11  # above this an epoch value is in milliseconds (year 5138 in seconds)
_US = 1e14


def parse_times(values: pd.Series) -> tuple[pd.Series, list[str]]:
    """Parse a column of posting times; return UTC timestamps (NaT where unreadable) and notes."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return _in_range(values.dt.tz_convert("UTC")), []
    if pd.api.types.is_datetime64_dtype(values.dtype):
        naive = int(values.notna().sum())
        note = [f"{naive} posting times had no time zone; read as UTC"] if naive else []
        return _in_range(values.dt.tz_localize("UTC")), note
    text = as_text(values).str.strip()
    present = text.notna() & text.ne("")
    out = pd.Series(pd.NaT, index=values.index, dtype=UTC_DTYPE)
    if not present.any():
        return out, []
    rest = present.copy()
    zoned_by_format = pd.Series(False, index=values.index)
    for parse in (_iso, _epoch, _twitter, _anything):  # the commonest format first
        if not rest.any():
            break
        parsed = parse(text[rest])
        out.loc[parsed.index] = parsed
        if parse in (_epoch, _twitter):  # these always carry (or imply) UTC
            zoned_by_format.loc[parsed.index[parsed.notna()]] = True
        rest &= out.isna()
    return out, _notes(text, present, out, guessed=present & out.notna() & ~zoned_by_format)


def _in_range(parsed: pd.Series) -> pd.Series:
    """As UTC nanoseconds; times outside 1677–2262 (e.g. year 1 or year -1) become NaT, not errors."""
    if parsed.empty:
        return parsed.astype(UTC_DTYPE)
    low, high = pd.Timestamp.min.tz_localize("UTC"), pd.Timestamp.max.tz_localize("UTC")
    return parsed.where((parsed >= low) & (parsed <= high)).astype(UTC_DTYPE)


def _epoch(text: pd.Series) -> pd.Series:
    text = text[text.str.fullmatch(_NUMBER).fillna(False).astype(bool)]
    number = pd.to_numeric(text, errors="coerce")
    number = number[number.abs() >= _EPOCH_MIN]
    seconds = number.where(number.abs() < _MS, number / 1000)
    seconds = seconds.where(number.abs() < _US, number / 1_000_000)
    return _in_range(pd.to_datetime(seconds, unit="s", utc=True, errors="coerce"))


def _twitter(text: pd.Series) -> pd.Series:
    text = text[text.str.match(_TWITTER)]
    return _in_range(pd.to_datetime(text, format=TWITTER_FORMAT, utc=True, errors="coerce"))


def _iso(text: pd.Series) -> pd.Series:
    text = text[text.str.match(_ISO_DATE).fillna(False).astype(bool)]
    return _in_range(pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce"))


def _anything(text: pd.Series) -> pd.Series:
    """dateutil, element by element: only for what the fast parsers left."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "could not infer format" is expected here
        try:
            parsed = pd.to_datetime(text, format="mixed", utc=True, errors="coerce")
        except (ValueError, TypeError, OverflowError):
            parsed = pd.Series(pd.NaT, index=text.index)
    return _in_range(parsed)


def _notes(text: pd.Series, present: pd.Series, out: pd.Series, *, guessed: pd.Series) -> list[str]:
    notes = []
    failed = present & out.isna()
    if failed.any():
        example = text[failed].iloc[0][:40]
        notes.append(
            f"{int(failed.sum())} posting times could not be read (e.g. {example!r}); left empty"
        )
    guessed_text = text[guessed]
    suffix_zone = guessed_text.str.endswith(("Z", "z", "UTC", "GMT")).astype(bool)
    offset = guessed_text[~suffix_zone].str.slice(-6).str.contains(_HAS_ZONE, regex=True)
    naive = int((~offset.astype(bool)).sum())
    if naive:
        notes.append(f"{naive} posting times had no time zone; read as UTC")
    return notes
