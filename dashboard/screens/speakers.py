"""Speakers: who is quoted or comments most, their role, and how they feel and lean."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import filters, render, sidebar, state, views

SCREENS = Path(__file__).resolve().parent

TABLE_ROWS = 1_000  # the table lists the most active speakers; the rest are a filter away
CARDS = 30

dataset = state.init()
view, _ = sidebar.filtered(dataset)

st.title("Speakers")
table = views.speakers(view)
if table.empty:
    st.info("No attributed statements in view. Loosen the filters, or add sources on **Data**.")
    st.stop()

st.caption(
    f"{len(table):,} speakers in view"
    + (f"; the {TABLE_ROWS:,} most active are listed" if len(table) > TABLE_ROWS else "")
)
left, right = st.columns([3, 2])
with left:
    st.dataframe(
        table.head(TABLE_ROWS),
        hide_index=True,
        key="speaker_table",
        column_config={
            "speaker": "Speaker",
            "role": "Role",
            "statements": st.column_config.NumberColumn("Statements", format="%d"),
            "mean_sentiment": st.column_config.NumberColumn("Mean sentiment", format="%+.2f"),
            "mean_stance": st.column_config.NumberColumn("Mean stance", format="%+.2f"),
            "favor": "Favor",
            "against": "Against",
            "neutral": "Neutral",
        },
    )
with right:
    st.plotly_chart(views.speaker_figure(view), key="fig_speakers")

names = table["speaker"].head(TABLE_ROWS).tolist()
picked = st.selectbox(
    "Read a speaker's statements",
    names,
    index=None,
    key="speaker_pick",
    placeholder="Choose a speaker",
)


def _explore(speaker: str) -> None:
    """Filter every page to this speaker (the sidebar shows it) before switching pages."""
    st.session_state[filters.SELECTS["speakers"][0]] = [speaker]


if picked:
    rows = view[view["speaker"] == picked]
    head = st.columns([3, 1])
    head[0].markdown(f"**{len(rows):,} statement{'s' if len(rows) != 1 else ''}**")
    if head[1].button(
        "Open in Statements", key="speaker_explore", on_click=_explore, args=(picked,)
    ):
        st.switch_page(SCREENS / "statements.py")
    st.markdown(render.LEGEND, unsafe_allow_html=True)
    for record in views.full_rows(dataset.statements, rows.index[:CARDS]):
        st.markdown(render.statement_card(record), unsafe_allow_html=True)
    if len(rows) > CARDS:
        st.caption(f"First {CARDS}; *Open in Statements* pages through all of them.")
