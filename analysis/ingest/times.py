"""Posting times from whatever an export writes, as tz-aware UTC.

Epoch seconds or milliseconds (Reddit ``created_utc``, youtube-comment-downloader ``time_parsed``),
ISO 8601 (X API v2, YouTube Data API), Twitter's ``Wed Oct 10 20:19:24 +0000 2018`` (v1.1 and
GraphQL ``legacy.created_at``) and, last and slowest, anything dateutil reads (spreadsheet exports).
A value that is none of these becomes NA and is counted in a note; the row itself is kept.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Final, Literal

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


@dataclass
class TimeTally:
    """What :func:`parse_times` could not read or had to guess, summable over the chunks of a file."""

    failed: int = 0
    example: str | None = None  # the first value that could not be read
    naive: int = 0  # values read without a time zone (taken as UTC)

    def add(self, other: TimeTally) -> None:
        self.failed += other.failed
        self.example = self.example if self.example is not None else other.example
        self.naive += other.naive

    def notes(self) -> list[str]:
        notes = []
        if self.failed:
            notes.append(
                f"{self.failed} posting times could not be read (e.g. {self.example!r}); left empty"
            )
        if self.naive:
            notes.append(f"{self.naive} posting times had no time zone; read as UTC")
        return notes


def parse_times(values: pd.Series) -> tuple[pd.Series, list[str]]:
    """Parse a column of posting times; return UTC timestamps (NaT where unreadable) and notes."""
    parsed, tally = tally_times(values)
    return parsed, tally.notes()


def tally_times(values: pd.Series) -> tuple[pd.Series, TimeTally]:
    """:func:`parse_times` with counts instead of notes; every value is read on its own, so a
    file parsed in chunks gets the same times and, summed, the same tally."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return _in_range(values.dt.tz_convert("UTC")), TimeTally()
    if pd.api.types.is_datetime64_dtype(values.dtype):
        naive = int(values.notna().sum())
        return _in_range(values.dt.tz_localize("UTC")), TimeTally(naive=naive)
    text = as_text(values).str.strip()
    present = text.notna() & text.ne("")
    out = pd.Series(pd.NaT, index=values.index, dtype=UTC_DTYPE)
    if not present.any():
        return out, TimeTally()
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
    return out, _tally(text, present, out, guessed=present & out.notna() & ~zoned_by_format)


def _in_range(parsed: pd.Series) -> pd.Series:
    """As UTC nanoseconds; times outside 1677–2262 (e.g. year 1 or year -1) become NaT, not errors."""
    if parsed.empty:
        return parsed.astype(UTC_DTYPE)
    low, high = pd.Timestamp.min.tz_localize("UTC"), pd.Timestamp.max.tz_localize("UTC")
    return parsed.where((parsed >= low) & (parsed <= high)).astype(UTC_DTYPE)


_EPOCH_UNITS: tuple[tuple[Literal["s", "ms", "us"], float, float], ...] = (
    ("s", 0, _MS),
    ("ms", _MS, _US),
    ("us", _US, float("inf")),
)


def _epoch(text: pd.Series) -> pd.Series:
    text = text[text.str.fullmatch(_NUMBER).fillna(False).astype(bool)]
    number = pd.to_numeric(text, errors="coerce")
    number = number[number.abs() >= _EPOCH_MIN]
    size = number.abs()
    # each magnitude in its own unit: dividing milliseconds into float seconds loses digits
    parts = [
        pd.to_datetime(number[(size >= low) & (size < high)], unit=unit, utc=True, errors="coerce")
        for unit, low, high in _EPOCH_UNITS
    ]
    return _in_range(pd.concat(parts).reindex(number.index))


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
            # one value sank the column: read each alone, so no value depends on its neighbours
            parsed = pd.Series([_one(v) for v in text], index=text.index, dtype=UTC_DTYPE)
    return _in_range(parsed)


def _one(value: str) -> pd.Timestamp | None:
    try:
        stamp = pd.to_datetime(value, format="mixed", utc=True, errors="coerce")
    except (ValueError, TypeError, OverflowError):
        return None
    return (
        None
        if pd.isna(stamp)
        or not pd.Timestamp.min.tz_localize("UTC") <= stamp <= pd.Timestamp.max.tz_localize("UTC")
        else stamp
    )


def _tally(text: pd.Series, present: pd.Series, out: pd.Series, *, guessed: pd.Series) -> TimeTally:
    failed = present & out.isna()
    example = str(text[failed].iloc[0])[:40] if failed.any() else None
    guessed_text = text[guessed]
    suffix_zone = guessed_text.str.endswith(("Z", "z", "UTC", "GMT")).astype(bool)
    offset = guessed_text[~suffix_zone].str.slice(-6).str.contains(_HAS_ZONE, regex=True)
    naive = int((~offset.astype(bool)).sum())
    return TimeTally(failed=int(failed.sum()), example=example, naive=naive)
