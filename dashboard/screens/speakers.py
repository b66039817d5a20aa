"""Speakers: who is quoted or comments most, their role, and how they feel and lean."""

from __future__ import annotations

import streamlit as st

from dashboard import sidebar, state, views
from dashboard.screens import layouts

dataset = state.init()
view, _ = sidebar.filtered(dataset)

st.title("Speakers")
table = views.speakers(view)
if table.empty:
    st.info("No attributed statements in view. Loosen the filters, or add sources on **Data**.")
    st.stop()

picked = layouts.speakers(table, total=len(table), figure=views.speaker_figure(view))
if picked:
    rows = view[view["speaker"] == picked]
    layouts.speaker_statements(
        picked,
        len(rows),
        lambda: views.full_rows(dataset.statements, rows.index[: layouts.CARDS]),
        explorer="statements.py",
    )
