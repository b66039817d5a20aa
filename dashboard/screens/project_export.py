"""Export from a project: the filtered statements (up to a limit the page states), the run
manifest and the charts. Files are built from the DuckDB file when clicked."""

from __future__ import annotations

import functools

import streamlit as st

from analysis import project_views
from dashboard import export, filters, project, sidebar, state

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

st.markdown(
    f"**{matching:,} of {source.statements:,} statements**"
    + (" — the sidebar filters apply." if chosen.active else ", no filter applied.")
)
if matching > project.EXPORT_ROWS:
    st.warning(
        f"A download holds at most {project.EXPORT_ROWS:,} statements (the first in import "
        f"order); {matching - project.EXPORT_ROWS:,} of these {matching:,} would be left out. "
        "Narrow the filters in the sidebar, or read the project file directly with DuckDB: "
        "`SELECT * FROM statements WHERE current`.",
        icon=":material/warning:",
    )
st.caption(
    "Files are built when you click. CSV cells that a spreadsheet would run as a formula "
    "(starting with = + - @ tab or CR) are prefixed with an apostrophe."
)
w = project.selection(chosen)
label = f" ({kept:,} rows)"
c1, c2, c3, c4 = st.columns(4)
c1.download_button(
    "CSV" + label,
    functools.partial(project.download, source.path, w, "csv", run),
    "statements.csv",
    "text/csv",
    key="dl_csv",
    icon=":material/table:",
)
c2.download_button(
    "JSON (with manifest)" + label,
    functools.partial(project.download, source.path, w, "json", run),
    "statements.json",
    "application/json",
    key="dl_json",
    icon=":material/data_object:",
)
c3.download_button(
    "Parquet" + label,
    functools.partial(project.download, source.path, w, "parquet", run),
    "statements.parquet",
    "application/vnd.apache.parquet",
    key="dl_parquet",
    icon=":material/database:",
)
c4.download_button(
    "Run manifest",
    export.manifest_json(run),
    "manifest.json",
    "application/json",
    key="dl_manifest",
    icon=":material/receipt_long:",
)

st.subheader("Charts")
if st.toggle("Prepare the charts for download", key="export_charts"):
    model = sidebar.project_memo("overview", source, project.overview)
    speakers = sidebar.project_memo(
        "speakers", source, lambda p, w: project.speakers(p, w, limit=1_000)
    )
    figures = [*model.figures.values(), project.speaker_figure(speakers)]
    st.download_button(
        "All charts as one HTML page",
        export.charts_html(figures),
        "charts.html",
        "text/html",
        key="dl_charts_html",
        icon=":material/bar_chart:",
    )
