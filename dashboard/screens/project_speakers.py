"""Speakers of a project: the most active ones, their role, feeling and side (SQL per page)."""

from __future__ import annotations

import functools

import streamlit as st

from analysis import project_views
from dashboard import filters, project, sidebar, state
from dashboard.project import ProjectSource
from dashboard.screens import layouts

source = state.project_source()
assert source is not None  # this page is only routed in project mode

st.title("Speakers")
table = sidebar.project_memo("speakers", source, project.speakers)
if table.empty:
    st.info("No attributed statements in view. Loosen the filters in the sidebar.")
    st.stop()
total = sidebar.project_memo("speaker_count", source, project_views.speaker_count)
picked = layouts.speakers(table, total=total, figure=project.speaker_figure(table))


def _first(source: ProjectSource, speaker: str) -> list[layouts.Record]:
    """The speaker's first statements (in import order) under the sidebar's filters."""
    reader = state.reader(source)
    chosen = filters.current(st.session_state, source.bounds)
    w = reader.narrow(project.selection(chosen)).also("speaker = ?", str(speaker))
    return project.records(project_views.page(reader(), w, offset=0, limit=layouts.CARDS))


if picked:
    said = int(table.loc[table["speaker"] == picked, "statements"].iloc[0])
    first = functools.partial(_first, source, picked)
    layouts.speaker_statements(picked, said, first, explorer="project_statements.py")
