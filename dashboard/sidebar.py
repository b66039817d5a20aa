"""The shared sidebar: what is loaded, and the filters every page applies.

``app.py`` draws it on every run, before the page, so the filter widgets (and their values)
exist whichever page is open. :func:`filtered` gives pages the filtered view, computed once per
(dataset, filters) pair and remembered for the session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

import pandas as pd
import streamlit as st

from dashboard import filters
from dashboard.data import Dataset

_MEMO = "_filtered_view"
T = TypeVar("T")
LABELS = {
    "roles": "Speaker role",
    "stances": "Stance",
    "sentiments": "Sentiment",
    "sources": "Source",
    "platforms": "Platform",
    "speakers": "Speaker",
}


def draw(dataset: Dataset) -> None:
    """The filter widgets, each keyed; values live in session state (see dashboard.filters)."""
    state = st.session_state
    filters.sanitize(state, dataset.choices)
    with st.sidebar:
        st.markdown("### Filters")
        st.text_input("Text contains", key=filters.QUERY_KEY, placeholder="e.g. parking")
        for name in ("roles", "stances", "sentiments", "sources", "platforms", "speakers"):
            key = filters.SELECTS[name][0]
            choices = dataset.choices[name]
            if name == "speakers":
                choices = list(dict.fromkeys([*state.get(key, []), *choices]))
            if name == "platforms" and not choices:
                continue
            st.multiselect(LABELS[name], choices, key=key, placeholder="All")
        if dataset.bounds is not None:
            low, high = dataset.bounds
            st.date_input(
                "Dates", key=filters.DATES_KEY, min_value=low, max_value=high, format="YYYY-MM-DD"
            )
            st.checkbox(
                "Keep statements without a time",
                key=filters.UNDATED_KEY,
                help="Article quotes usually have no time of their own.",
            )
        st.button("Clear filters", key="f_clear", on_click=_clear, args=(dataset,))
        view, active = filtered(dataset)
        st.caption(f"Showing {len(view):,} of {len(dataset.view):,} statements")
        st.divider()
        st.caption(f"Data: {dataset.origin}")
        if dataset.target is not None:
            st.caption(f"Target: {dataset.target.text}")
        how = ["stance by a model trained on your labels" if dataset.model else "stance by rules"]
        if dataset.on_topic:
            how.append("comments read as about the target")
        if dataset.corrections:
            how.append(f"{len(dataset.corrections):,} corrections")
        st.caption(" · ".join(how))


def filtered(dataset: Dataset) -> tuple[pd.DataFrame, filters.Filters]:
    """The view with the sidebar filters applied (memoised per dataset and filter values)."""
    chosen = filters.current(st.session_state, dataset.bounds)
    memo = st.session_state.get(_MEMO)
    if memo is not None and memo[0] == (dataset.token, chosen):
        return memo[1], chosen
    view = filters.apply(dataset.view, chosen, text=dataset.statements["text"])
    st.session_state[_MEMO] = ((dataset.token, chosen), view)
    return view, chosen


def remembered(name: str, dataset: Dataset, compute: Callable[[pd.DataFrame], T]) -> T:
    """``compute(filtered view)``, kept for the session until the data or filters change.

    A rerun that changes neither (a click in a chart, opening an expander) costs nothing.
    """
    view, chosen = filtered(dataset)
    key = f"_memo_{name}"
    memo = st.session_state.get(key)
    if memo is not None and memo[0] == (dataset.token, chosen):
        return cast(T, memo[1])
    value = compute(view)
    st.session_state[key] = ((dataset.token, chosen), value)
    return value


def _clear(dataset: Dataset) -> None:
    filters.reset_state(st.session_state)
    filters.init_state(st.session_state, dataset.bounds)
