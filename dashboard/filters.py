"""The filters every page shares: a frozen value, a pure mask, and the sidebar widgets that set it.

The widgets live in the sidebar that ``app.py`` draws on every page, so a filter set on the
Overview still holds on the Statements page. Their values sit in session state under
``FILTER_KEYS``; :func:`current` turns them into a :class:`Filters`, :func:`apply` into rows.
An empty selection means "no filter" (every value), which is what a new user expects.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from analysis.schema import ROLES, SENTIMENT_LABELS, STANCE_LABELS

SPEAKER_OPTIONS = 500  # the speaker picker lists the most frequent speakers, not every author


@dataclass(frozen=True)
class Filters:
    """What to keep; empty tuples and None mean "everything"."""

    sources: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = ()
    stances: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None  # inclusive
    include_undated: bool = True  # article quotes usually have no time
    query: str = ""

    @property
    def active(self) -> bool:
        return self != Filters()

    def describe(self) -> dict[str, Any]:
        """The non-default filters, JSON-ready (for the export manifest and captions)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value != f.default:
                out[f.name] = value.isoformat() if isinstance(value, date) else value
        return out


#: Filter field -> (session-state key, statement column) for the multi-select filters.
SELECTS = {
    "sources": ("f_sources", "source"),
    "roles": ("f_roles", "speaker_role"),
    "speakers": ("f_speakers", "speaker"),
    "platforms": ("f_platforms", "platform"),
    "sentiments": ("f_sentiments", "sentiment_label"),
    "stances": ("f_stances", "stance_label"),
}
DATES_KEY, UNDATED_KEY, QUERY_KEY = "f_dates", "f_undated", "f_query"
FILTER_KEYS = (*[k for k, _ in SELECTS.values()], DATES_KEY, UNDATED_KEY, QUERY_KEY)


def mask(
    view: pd.DataFrame, filters: Filters, *, text: pd.Series | None = None
) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Boolean row mask of ``view`` (a statement table, categoricals welcome) for ``filters``.

    ``text`` is the statement text aligned with ``view`` when the view does not carry it.
    """
    keep = np.ones(len(view), dtype=bool)
    for name, (_, column) in SELECTS.items():
        wanted = getattr(filters, name)
        if wanted:
            keep &= view[column].isin(list(wanted)).to_numpy(dtype=bool, na_value=False)
    if filters.start is not None or filters.end is not None:
        keep &= _in_dates(view["posted_at"], filters)
    elif not filters.include_undated:
        keep &= view["posted_at"].notna().to_numpy()
    query = filters.query.strip()
    if query:
        source = view["text"] if text is None else text
        found = source.str.contains(query, case=False, regex=False, na=False)
        keep &= found.to_numpy(dtype=bool, na_value=False)
    return keep


def apply(view: pd.DataFrame, filters: Filters, *, text: pd.Series | None = None) -> pd.DataFrame:
    """The rows of ``view`` that pass ``filters`` (the frame itself when nothing is filtered)."""
    if not filters.active:
        return view
    return view[mask(view, filters, text=text)]


def current(state: Mapping[Any, Any], bounds: tuple[date, date] | None = None) -> Filters:
    """The Filters the sidebar widgets hold in ``state``.

    A date range equal to the data's full ``bounds`` is no date filter, so undated statements
    stay in until the user narrows the range.
    """
    values: dict[str, Any] = {
        name: tuple(state.get(key) or ()) for name, (key, _) in SELECTS.items()
    }
    start = end = None
    picked = state.get(DATES_KEY)
    if isinstance(picked, list | tuple) and len(picked) == 2 and tuple(picked) != bounds:
        start, end = picked
    return Filters(
        **values,
        start=start,
        end=end,
        include_undated=bool(state.get(UNDATED_KEY, True)),
        query=str(state.get(QUERY_KEY) or ""),
    )


def options(view: pd.DataFrame) -> dict[str, list[str]]:
    """Choices for each multi-select, known labels in schema order, speakers by frequency."""
    out: dict[str, list[str]] = {}
    for name, (_, column) in SELECTS.items():
        series = view[column].dropna()
        if name == "speakers":
            out[name] = [str(s) for s in series.value_counts().index[:SPEAKER_OPTIONS]]
            continue
        present = sorted({str(v) for v in series.unique()})
        order = {"roles": ROLES, "sentiments": SENTIMENT_LABELS, "stances": STANCE_LABELS}
        known = order.get(name, ())
        out[name] = [v for v in known if v in present] + [v for v in present if v not in known]
    return out


def date_bounds(view: pd.DataFrame) -> tuple[date, date] | None:
    times = view["posted_at"].dropna()
    if times.empty:
        return None
    return times.min().date(), times.max().date()


def init_state(state: MutableMapping[Any, Any], bounds: tuple[date, date] | None) -> None:
    """Give every filter key a value once (the guard keeps what the user set)."""
    for key, _ in SELECTS.values():
        state.setdefault(key, [])
    state.setdefault(UNDATED_KEY, True)
    state.setdefault(QUERY_KEY, "")
    if bounds is not None:
        state.setdefault(DATES_KEY, bounds)


def reset_state(state: MutableMapping[Any, Any]) -> None:
    """Forget every filter (new data: old choices may not exist in it)."""
    for key in FILTER_KEYS:
        state.pop(key, None)


def sanitize(state: MutableMapping[Any, Any], choices: Mapping[str, list[str]]) -> None:
    """Drop selected values that are no longer offered (keeps selected speakers past the cap)."""
    for name, (key, _) in SELECTS.items():
        selected = list(state.get(key) or [])
        if name == "speakers":
            continue
        state[key] = [v for v in selected if v in choices[name]]


def _in_dates(times: pd.Series, filters: Filters) -> np.ndarray[Any, np.dtype[np.bool_]]:
    keep = np.array(times.notna(), dtype=bool)  # a writable copy (pandas arrays are read-only)
    if filters.start is not None:
        keep &= (times >= pd.Timestamp(filters.start, tz="UTC")).to_numpy(na_value=False)
    if filters.end is not None:
        end = pd.Timestamp(filters.end + timedelta(days=1), tz="UTC")
        keep &= (times < end).to_numpy(na_value=False)
    if filters.include_undated:
        keep |= times.isna().to_numpy()
    return keep
