"""Statements: the explorer. Every statement with who said it and the evidence highlighted."""

from __future__ import annotations

import streamlit as st

from dashboard import render, sidebar, state, views

TABLE_ROWS = 5_000
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

dataset = state.init()
view, chosen = sidebar.filtered(dataset)

st.title("Statements")
if len(view) == 0:
    st.info(
        "No statement matches the filters. Loosen them in the sidebar or press *Clear filters*."
    )
    st.stop()

top = st.columns([2, 1, 1])
top[0].markdown(f"**{len(view):,} statements match**" + (" (filtered)" if chosen.active else ""))
sort = top[1].selectbox("Sort", list(views.SORTS), key="explorer_sort")
size = top[2].selectbox("Per page", [10, 20, 50], index=1, key="explorer_size")
pages = max(1, -(-len(view) // size))
if st.session_state.get("explorer_page", 1) > pages:
    st.session_state["explorer_page"] = 1
page = st.number_input(
    f"Page (of {pages:,})", min_value=1, max_value=pages, step=1, key="explorer_page"
)
rows, _ = views.page_of(view, sort=sort, page=int(page), size=size)

st.markdown(render.LEGEND, unsafe_allow_html=True)
for record in views.full_rows(dataset.statements, rows.index):
    st.markdown(render.statement_card(record), unsafe_allow_html=True)

with st.expander("As a table"):
    shown = dataset.statements.loc[view.index[:TABLE_ROWS], COLUMNS]
    if len(view) > TABLE_ROWS:
        st.caption(f"First {TABLE_ROWS:,} rows; the Export page downloads all {len(view):,}.")
    st.dataframe(shown, hide_index=True, key="explorer_table")
