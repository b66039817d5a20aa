"""The shared sidebar: what is loaded, and the filters every page applies.

``app.py`` draws it on every run, before the page, so the filter widgets (and their values)
exist whichever page is open. :func:`filtered` gives pages the filtered view, computed once per
(dataset, filters) pair and remembered for the session.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import TypeVar, cast

import pandas as pd
import streamlit as st

from analysis import project_views
from analysis.errors import ReactionLensError
from analysis.project_views import Where
from analysis.store import Project
from dashboard import filters, project
from dashboard import state as state_module
from dashboard.data import Dataset
from dashboard.project import ProjectSource

_MEMO = "_filtered_view"
#: Project results kept for every session of this server, newest last: going back to earlier
#: filters, or a second browser tab, costs nothing. Keyed by the file's path and mtime, so a
#: new import is never answered from here. Results are small (counts, figures of ≤ 5,000 points).
RECENT_RESULTS = 32
_RECENT: OrderedDict[tuple[str, str, filters.Filters], object] = OrderedDict()
_RECENT_LOCK = threading.Lock()
_MISSING = object()
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
        _widgets(dataset.choices, dataset.bounds)
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


def draw_project(source: ProjectSource) -> int:
    """The same filters for a project; returns how many statements match (counted in SQL)."""
    state = st.session_state
    filters.sanitize(state, source.choices)
    with st.sidebar:
        _widgets(source.choices, source.bounds)
        matching = project_memo("count", source, project_views.count)
        st.caption(f"Showing {matching:,} of {source.statements:,} statements")
        st.divider()
        st.caption(f"Data: {source.origin} (read-only)")
        if source.target is not None:
            st.caption(f"Target: {source.target.text}")
        if source.changed():
            st.warning("The project file changed since it was opened (a new import or re-score).")
            st.button("Reload the project", key="project_reload_side", on_click=reload_project)
    return matching


def project_memo(name: str, source: ProjectSource, compute: Callable[[Project, Where], T]) -> T:
    """``compute(project, filters as SQL)``, kept for the session until the project file or
    the filters change; the file is opened (read-only) only when something must be computed."""
    chosen = filters.current(st.session_state, source.bounds)
    key = f"_memo_project_{name}"
    memo = st.session_state.get(key)
    if memo is not None and memo[0] == (source.token, chosen):
        return cast(T, memo[1])
    shared = (name, source.token, chosen)
    with _RECENT_LOCK:  # sessions run in threads of one server process
        found = _RECENT.get(shared, _MISSING)
        if found is not _MISSING:  # another session (or this one, earlier) asked the same
            _RECENT.move_to_end(shared)
    if found is not _MISSING:
        value = cast(T, found)
    else:
        reader = state_module.reader(source)
        value = compute(reader(), reader.narrow(project.selection(chosen)))
        with _RECENT_LOCK:
            _RECENT[shared] = value
            while len(_RECENT) > RECENT_RESULTS:
                _RECENT.popitem(last=False)
    st.session_state[key] = ((source.token, chosen), value)
    return value


def reload_project() -> None:
    """Read the project again (after a new import or re-score); a failure becomes a notice."""
    source = st.session_state.get(state_module.PROJECT)
    if source is None:
        return
    picked = st.session_state.get(filters.DATES_KEY)
    if isinstance(picked, list | tuple) and tuple(picked) == source.bounds:
        st.session_state.pop(filters.DATES_KEY)  # "all dates" stays all dates, new ones too
    try:
        state_module.open_project(source.path, keep_filters=True)
    except ReactionLensError as exc:
        st.session_state[state_module.LOAD_ERROR] = f"Could not reload the project: {exc}"


def _widgets(choices: dict[str, list[str]], bounds: tuple[date, date] | None) -> None:
    state = st.session_state
    st.markdown("### Filters")
    st.text_input("Text contains", key=filters.QUERY_KEY, placeholder="e.g. parking")
    for name in ("roles", "stances", "sentiments", "sources", "platforms", "speakers"):
        key = filters.SELECTS[name][0]
        offered = choices[name]
        if name == "speakers":
            offered = list(dict.fromkeys([*state.get(key, []), *offered]))
        if name == "platforms" and not offered:
            continue
        st.multiselect(LABELS[name], offered, key=key, placeholder="All")
    if bounds is not None:
        low, high = bounds
        st.date_input(
            "Dates", key=filters.DATES_KEY, min_value=low, max_value=high, format="YYYY-MM-DD"
        )
        st.checkbox(
            "Keep statements without a time",
            key=filters.UNDATED_KEY,
            help="Article quotes usually have no time of their own.",
        )
    st.button("Clear filters", key="f_clear", on_click=_clear, args=(bounds,))


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


def _clear(bounds: tuple[date, date] | None) -> None:
    filters.reset_state(st.session_state)
    filters.init_state(st.session_state, bounds)
