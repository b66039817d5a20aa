"""Export: the filtered statements (CSV, JSON, Parquet), the run manifest, the charts, and the
analyst's corrections (download them, or import a corrections file)."""

from __future__ import annotations

import functools

import plotly.graph_objects as go
import streamlit as st

from analysis.errors import ReactionLensError
from dashboard import export, learn, sidebar, state, views
from dashboard.screens import layouts

dataset = state.init()
view, chosen = sidebar.filtered(dataset)

st.title("Export")
if state.NOTICE in st.session_state:
    st.success(st.session_state.pop(state.NOTICE))


def _import(name: str, payload: bytes) -> None:
    """Read an uploaded corrections file; a bad line is an error and nothing changes."""
    try:
        found = learn.parse_corrections(name, payload)
        updated = learn.correct(dataset, found)
    except ReactionLensError as exc:
        st.error(f"{exc}. Nothing was imported; your data and corrections are unchanged.")
        return
    hits = learn.matched(dataset, found)
    state.set_dataset(updated, keep_filters=True)
    st.session_state[state.NOTICE] = (
        f"Imported {len(found):,} corrections from {name}; {hits:,} of them name statements "
        "loaded here (stance ones for the current target)."
    )
    st.rerun()


def _corrections() -> None:
    st.subheader("Corrections")
    where = (
        f"saved beside the table in `{dataset.corrections_file}`, so re-runs of "
        "`reaction-lens analyze … --out` apply them"
        if dataset.corrections_file is not None
        else "kept in this session only: download them to keep them"
    )
    st.caption(
        f"{len(dataset.corrections):,} corrections ({where}). The file is JSONL, one "
        '`{"statement_id" or "text", "target", "label", "field"}` per line.'
    )
    st.download_button(
        "Corrections (JSONL)",
        learn.corrections_jsonl(dataset.corrections),
        "corrections.jsonl",
        "application/jsonl",
        key="dl_corrections",
        icon=":material/edit_note:",
        disabled=not dataset.corrections,
    )
    upload = st.file_uploader(
        "Import corrections (JSONL)", type=["jsonl", "json", "txt"], key="corr_file"
    )
    if st.button("Import corrections", key="corr_import"):
        if upload is None:
            st.error("Choose a corrections file above first.")
        else:
            _import(upload.name, upload.getvalue())


if len(view) == 0:
    st.info("Nothing to export: no statement matches the filters.")
    _corrections()
    st.stop()

rows = dataset.statements.loc[view.index]
run = export.export_manifest(
    dataset.manifest, filters=chosen.describe(), rows=len(rows), total=len(dataset.statements)
)
layouts.export_count(len(rows), len(dataset.statements), filtered=chosen.active)
layouts.downloads(
    {
        "csv": functools.partial(export.to_csv, rows),
        "json": functools.partial(export.to_json, rows, run),
        "parquet": functools.partial(export.to_parquet, rows, run),
    },
    run,
)

st.subheader("Charts")


def _figures() -> list[go.Figure]:
    model = views.overview(view, texts=dataset.statements["text"])
    return [*model.figures.values(), views.speaker_figure(view)]


layouts.chart_downloads(_figures)

settings = run.get("stance_settings") or {}
model = run.get("stance_model")
st.caption(
    "Stance: comments "
    + (
        "read as about the target (collected under the story)"
        if settings.get("on_topic")
        else "must name the target"
    )
    + (f" · model {model['name']}" if isinstance(model, dict) else " · rule-based")
)
with st.expander("Run manifest"):
    st.json(run, expanded=1)

_corrections()
