"""Statements of a project: the explorer pages through the matching rows in SQL.

Only the page on screen is read from the file (offset and limit over the import order, or the
chosen sort), so a million statements page as fast as a hundred. Corrections need the rows in
memory: the page says how to correct a selection and apply the corrections with ``rescore``.
"""

from __future__ import annotations

import streamlit as st

from analysis import project_views
from dashboard import filters, project, sidebar, state
from dashboard.screens import layouts

source = state.project_source()
assert source is not None  # this page is only routed in project mode

st.title("Statements")
matching = sidebar.project_memo("count", source, project_views.count)
if matching == 0:
    layouts.no_match()

chosen = filters.current(st.session_state, source.bounds)
sort, size, page = layouts.explorer_controls(matching, filtered=chosen.active, of=source.statements)
first = (page - 1) * size
reader = state.reader(source)
rows = project.explorer(
    reader(), reader.narrow(project.selection(chosen)), sort=sort, page=page, size=size
)
st.caption(f"Statements {first + 1:,}–{first + len(rows):,} of {matching:,}")
st.info(
    "A project is opened read-only, so corrections are made on a selection: on **Export**, "
    f"download at most {project.EXPORT_ROWS:,} statements as Parquet, open them with "
    "`reaction-lens dashboard selection.parquet`, correct them, and download your "
    "corrections (Export page). `reaction-lens rescore PROJECT --target … --corrections "
    "corrections.jsonl` then applies them to the whole project as a new run.",
    icon=":material/info:",
)

layouts.cards(project.records(rows))

with st.expander("This page as a table"):
    st.dataframe(rows[layouts.EXPLORER_COLUMNS], hide_index=True, key="explorer_table")
