"""Export: the filtered statements (CSV, JSON, Parquet), the run manifest, and the charts."""

from __future__ import annotations

import functools

import plotly.graph_objects as go
import streamlit as st

from dashboard import export, sidebar, state, views

dataset = state.init()
view, chosen = sidebar.filtered(dataset)

st.title("Export")
if len(view) == 0:
    st.info("Nothing to export: no statement matches the filters.")
    st.stop()

rows = dataset.statements.loc[view.index]
run = export.export_manifest(
    dataset.manifest, filters=chosen.describe(), rows=len(rows), total=len(dataset.statements)
)
st.markdown(
    f"**{len(rows):,} of {len(dataset.statements):,} statements**"
    + (" — the sidebar filters apply." if chosen.active else ", no filter applied.")
)
st.caption(
    "Files are built when you click. CSV cells that a spreadsheet would run as a formula "
    "(starting with = + - @ tab or CR) are prefixed with an apostrophe."
)

c1, c2, c3, c4 = st.columns(4)
c1.download_button(
    "CSV",
    functools.partial(export.to_csv, rows),
    "statements.csv",
    "text/csv",
    key="dl_csv",
    icon=":material/table:",
)
c2.download_button(
    "JSON (with manifest)",
    functools.partial(export.to_json, rows, run),
    "statements.json",
    "application/json",
    key="dl_json",
    icon=":material/data_object:",
)
c3.download_button(
    "Parquet",
    functools.partial(export.to_parquet, rows, run),
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


def _figures() -> list[go.Figure]:
    model = views.overview(view, texts=dataset.statements["text"])
    return [*model.figures.values(), views.speaker_figure(view)]


st.download_button(
    "All charts as one HTML page",
    lambda: export.charts_html(_figures()),
    "reactionlens_charts.html",
    "text/html",
    key="dl_charts_html",
    icon=":material/bar_chart:",
)


def _png(position: int) -> bytes:
    return export.to_png(_figures()[position])


if export.png_available():
    names = ["sentiment", "stance_by_role", "quadrant", "timeline", "cross_table"]
    cols = st.columns(len(names))
    for col, name in zip(cols, names, strict=True):
        col.download_button(
            f"{name}.png",
            functools.partial(_png, names.index(name)),
            f"{name}.png",
            "image/png",
            key=f"dl_png_{name}",
        )
else:
    st.info(
        "PNG export needs the optional `kaleido` package, which is not installed. "
        "Use the camera icon in any chart's toolbar to save it as PNG, or download the "
        "HTML page above."
    )

with st.expander("Run manifest"):
    st.json(run, expanded=1)
