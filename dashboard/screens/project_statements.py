"""Statements of a project: the explorer pages through the matching rows in SQL.

Only the page on screen is read from the file (offset and limit over the import order, or the
chosen sort), so a million statements page as fast as a hundred. Corrections need the rows in
memory: the page says how to get a selection that can be corrected.
"""

from __future__ import annotations

import streamlit as st

from analysis import project_views
from dashboard import filters, project, render, sidebar, state, views

COLUMNS = [
    "speaker",
    "speaker_role",
    "text",
    "sentiment_label",
    "sentiment_compound",
    "stance_label",
    "stance_score",
    "posted_at",
    "source",
]

source = state.project_source()
assert source is not None  # this page is only routed in project mode

st.title("Statements")
matching = sidebar.project_memo("count", source, project_views.count)
if matching == 0:
    st.info(
        "No statement matches the filters. Loosen them in the sidebar or press *Clear filters*."
    )
    st.stop()

chosen = filters.current(st.session_state, source.bounds)
top = st.columns([2, 1, 1])
top[0].markdown(
    f"**{matching:,} statements match**"
    + (" (filtered)" if chosen.active else "")
    + f" of {source.statements:,}"
)
sort = top[1].selectbox("Sort", list(views.SORTS), key="explorer_sort")
size = top[2].selectbox("Per page", [10, 20, 50], index=1, key="explorer_size")
pages = max(1, -(-matching // size))
if st.session_state.get("explorer_page", 1) > pages:
    st.session_state["explorer_page"] = 1
page = st.number_input(
    f"Page (of {pages:,})", min_value=1, max_value=pages, step=1, key="explorer_page"
)
first = (int(page) - 1) * size
reader = state.reader(source)
rows = project.explorer(
    reader(), reader.narrow(project.selection(chosen)), sort=sort, page=int(page), size=size
)
st.caption(f"Statements {first + 1:,}–{first + len(rows):,} of {matching:,}")
st.info(
    "Corrections and model training need the statements in memory; a project is opened "
    f"read-only. On **Export**, download a selection of at most {project.EXPORT_ROWS:,} "
    "statements as Parquet and open it with `reaction-lens dashboard selection.parquet` "
    "to correct it.",
    icon=":material/info:",
)

st.markdown(render.LEGEND, unsafe_allow_html=True)
for record in project.records(rows):
    st.markdown(render.statement_card(record), unsafe_allow_html=True)

with st.expander("This page as a table"):
    st.dataframe(rows[COLUMNS], hide_index=True, key="explorer_table")
