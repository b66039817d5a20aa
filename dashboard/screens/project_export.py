"""Export from a project: the filtered statements (up to a limit the page states), the run
manifest and the charts. Files are built from the DuckDB file when clicked."""

from __future__ import annotations

import functools

import streamlit as st

from analysis import project_views
from dashboard import export, filters, project, sidebar, state
from dashboard.screens import layouts

source = state.project_source()
assert source is not None  # this page is only routed in project mode

st.title("Export")
matching = sidebar.project_memo("count", source, project_views.count)
chosen = filters.current(st.session_state, source.bounds)
kept = min(matching, project.EXPORT_ROWS)
run = export.export_manifest(
    source.manifest, filters=chosen.describe(), rows=kept, total=source.statements
)
run["project"] = str(source.path)
if matching == 0:
    st.info("Nothing to export: no statement matches the filters.")
    st.stop()

layouts.export_count(matching, source.statements, filtered=chosen.active)
if matching > project.EXPORT_ROWS:
    st.warning(
        f"A download holds at most {project.EXPORT_ROWS:,} statements (the first in import "
        f"order); {matching - project.EXPORT_ROWS:,} of these {matching:,} would be left out. "
        "Narrow the filters in the sidebar, or read the project file directly with DuckDB: "
        "`SELECT * FROM statements WHERE current`.",
        icon=":material/warning:",
    )
w = project.selection(chosen)
layouts.downloads(
    {
        fmt: functools.partial(project.download, source.path, w, fmt, run)
        for fmt in layouts.DOWNLOADS
    },
    run,
    note=f" ({kept:,} rows)",
)

st.subheader("Charts")
if st.toggle("Prepare the charts for download", key="export_charts"):
    model = sidebar.project_memo("overview", source, project.overview)
    speakers = sidebar.project_memo("speakers", source, project.speakers)
    figures = [*model.figures.values(), project.speaker_figure(speakers)]
    layouts.chart_downloads(lambda: figures)
