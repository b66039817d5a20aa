"""Speakers of a project: the most active ones, their role, feeling and side (SQL per page)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from analysis import project_views
from dashboard import filters, project, render, sidebar, state

SCREENS = Path(__file__).resolve().parent
TABLE_ROWS = 1_000  # the table lists the most active speakers; the rest are a filter away
CARDS = 30

source = state.project_source()
assert source is not None  # this page is only routed in project mode

st.title("Speakers")
table = sidebar.project_memo(
    "speakers", source, lambda p, w: project.speakers(p, w, limit=TABLE_ROWS)
)
if table.empty:
    st.info("No attributed statements in view. Loosen the filters in the sidebar.")
    st.stop()
total = sidebar.project_memo("speaker_count", source, project_views.speaker_count)
st.caption(
    f"{total:,} speakers in view"
    + (f"; the {TABLE_ROWS:,} most active are listed" if total > len(table) else "")
)
left, right = st.columns([3, 2])
with left:
    st.dataframe(
        table,
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
    st.plotly_chart(project.speaker_figure(table), key="fig_speakers")

picked = st.selectbox(
    "Read a speaker's statements",
    table["speaker"].tolist(),
    index=None,
    key="speaker_pick",
    placeholder="Choose a speaker",
)


def _explore(speaker: str) -> None:
    """Filter every page to this speaker (the sidebar shows it) before switching pages."""
    st.session_state[filters.SELECTS["speakers"][0]] = [speaker]


if picked:
    said = int(table.loc[table["speaker"] == picked, "statements"].iloc[0])
    head = st.columns([3, 1])
    head[0].markdown(f"**{said:,} statement{'s' if said != 1 else ''}**")
    if head[1].button(
        "Open in Statements", key="speaker_explore", on_click=_explore, args=(picked,)
    ):
        st.switch_page(SCREENS / "project_statements.py")
    reader = state.reader(source)
    chosen = filters.current(st.session_state, source.bounds)
    w = reader.narrow(project.selection(chosen)).also("speaker = ?", str(picked))
    rows = project_views.page(reader(), w, offset=0, limit=CARDS)
    st.markdown(render.LEGEND, unsafe_allow_html=True)
    for record in project.records(rows):
        st.markdown(render.statement_card(record), unsafe_allow_html=True)
    if said > CARDS:
        st.caption(f"First {CARDS}; *Open in Statements* pages through all of them.")
