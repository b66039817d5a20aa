"""Data: add sources (paste, upload, URL), set the target, check what was read and skipped.

Nothing here replaces the loaded data unless the new sources gave statements: a bad upload,
a refused URL or an empty target shows a message saying what to do, and the rest stays.
"""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from analysis import pipeline
from analysis.errors import InputError
from analysis.ingest import ColumnMapping
from analysis.stance import Target
from dashboard import data, state
from dashboard.screens import layouts

MAPPING_LABELS = {
    "text": "text",
    "author": "author",
    "time": "time",
    "id": "comment id",
    "parent": "reply-to id",
    "platform": "platform",
}
UPLOAD_TYPES = ["txt", "html", "htm", "csv", "tsv", "json", "jsonl", "ndjson", "xlsx", "parquet"]

dataset = state.init()
st.title("Data")
if state.NOTICE in st.session_state:
    st.success(st.session_state.pop(state.NOTICE))
if state.LOAD_ERROR in st.session_state:
    st.error(st.session_state[state.LOAD_ERROR])

st.markdown(
    f"**Loaded:** {dataset.origin} · {len(dataset.statements):,} statements from "
    f"{len(dataset.reports) or 'a saved table of'} source{'s' if len(dataset.reports) != 1 else ''}."
)
for failure in dataset.failures:
    st.error(f"**{failure.source}** could not be read: {failure.error}")

# ---- target -------------------------------------------------------------------------------
st.subheader("Target")
st.caption(
    "Stance is measured toward this. Aliases are other names for it (people, "
    "short names); opponents are who stands against it. One per line."
)
state.seed_target_widgets(st.session_state, dataset.target, on_topic=dataset.on_topic)
st.text_input(
    "What the stance is toward",
    key=state.TARGET_KEYS["text"],
    placeholder="e.g. the city's decision to close Elm Street to cars",
)
a, b = st.columns(2)
a.text_area("Aliases", key=state.TARGET_KEYS["aliases"], height=120)
b.text_area("Opponents", key=state.TARGET_KEYS["opponents"], height=120)
st.checkbox(
    "Comments were collected under this story (read them as about the target)",
    key=state.ON_TOPIC,
    help="Comments posted under an article about the target are about it even when they do "
    "not name it: their praise or anger counts as a stance. Leave it off for comments "
    "gathered by keyword or from elsewhere. Applies when you press Apply target or Analyse.",
)


def _target() -> Target | None:
    try:
        return state.target_from_widgets(st.session_state)
    except InputError as exc:
        st.error(f"{exc}. Type the target above, then try again.")
        return None


if st.button("Apply target", key="target_apply", type="primary"):
    target = _target()
    if target is not None:
        bar = st.progress(0.0, text="scoring stance…")
        new, error = data.guarded(
            functools.partial(
                data.restance,
                dataset,
                target,
                on_topic=bool(st.session_state.get(state.ON_TOPIC)),
                progress=data.progress_bar(bar),
            )
        )
        bar.empty()
        if error or new is None:
            st.error(f"Could not score stance: {error}. The previous scores are kept.")
        else:
            state.set_dataset(new, keep_filters=True)
            st.session_state[state.NOTICE] = f"Stance re-scored toward: {target.text}" + (
                " (comments read as about it)" if new.on_topic else ""
            )
            st.rerun()

# ---- sources -------------------------------------------------------------------------------
st.subheader("Add sources")
st.caption(
    "An article (pasted, uploaded as .txt/.html, or a URL) gives the quotes; comment "
    "exports (CSV, JSON, JSONL, XLSX, Parquet — Reddit, X, YouTube, Facebook or any "
    "table with a text column) give the public reaction. Several files at once are fine."
)
st.text_area(
    "Paste article text",
    key="src_paste",
    height=150,
    placeholder="Paste the article here, quotes and all.",
)
uploads = st.file_uploader(
    "Upload files", type=UPLOAD_TYPES, accept_multiple_files=True, key="src_files"
)
st.text_input("Article URL", key="src_url", placeholder="https://…")
with st.expander("Column mapping — only when a comment file's columns are not recognised"):
    st.caption(
        "Name the columns (or dotted JSON paths such as `data.text`) of your comment export; "
        "leave a box empty to let ReactionLens detect it. Applies to every file in this batch."
    )
    map_cols = st.columns(len(data.MAPPING_FIELDS))
    for col, name in zip(map_cols, data.MAPPING_FIELDS, strict=True):
        col.text_input(MAPPING_LABELS[name], key=f"src_map_{name}")
mode = st.radio(
    "These sources",
    ["replace the current data", "are added to the current data"],
    key="src_mode",
    horizontal=True,
)


def _mapping(prefix: str) -> ColumnMapping | None:
    """The ColumnMapping typed in the boxes keyed ``prefix + field``; None when all are empty."""
    named = {
        name: str(st.session_state.get(f"{prefix}{name}") or "").strip() or None
        for name in data.MAPPING_FIELDS
    }
    return ColumnMapping(**named) if any(named.values()) else None


def _inputs() -> tuple[list[pipeline.Input], list[str]]:
    items: list[pipeline.Input] = []
    problems: list[str] = []
    pasted = str(st.session_state.get("src_paste") or "")
    if pasted.strip():
        items.append(pipeline.Pasted(pasted))
    for upload in uploads or []:
        if upload.size > data.MAX_UPLOAD_BYTES:
            problems.append(
                f"**{upload.name}** is {upload.size / 1e6:.0f} MB; the limit is "
                f"{data.MAX_UPLOAD_BYTES / 1e6:.0f} MB. Split it or use the CLI."
            )
            continue
        items.append(pipeline.Upload(upload.name, upload.getvalue()))
    url = str(st.session_state.get("src_url") or "").strip()
    if url:
        if url.lower().startswith(("http://", "https://")):
            items.append(url)
        else:
            problems.append(f"**{url}** is not a web address; it must start with https://")
    return items, problems


if st.button("Analyse", key="src_go", type="primary"):
    items, problems = _inputs()
    for problem in problems:
        st.error(problem)
    target = _target()
    if not items and not problems:
        st.error("Nothing to analyse: paste an article, upload files or enter a URL first.")
    elif items and target is not None:
        bar = st.progress(0.0, text="reading…")
        new, error = data.guarded(
            functools.partial(
                data.analyse,
                items,
                target=target,
                mapping=_mapping("src_map_"),
                on_topic=bool(st.session_state.get(state.ON_TOPIC)),
                keep=dataset,
                progress=data.progress_bar(bar),
            )
        )
        bar.empty()
        if error:
            st.error(f"The analysis failed: {error}. Your previous data is still loaded.")
        elif new is not None:
            for failure in new.failures:
                st.error(f"**{failure.source}** could not be read: {failure.error}")
            if new.failures:
                st.caption(
                    "A comment file whose columns were not recognised can be read by naming "
                    "them under *Column mapping* above; then press Analyse again."
                )
            if len(new.statements) == 0:
                st.error(
                    "No statement came out of these sources, so the previous data is kept. "
                    "Check the messages above, or the column mapping below."
                )
            else:
                adding = mode.startswith("are added")
                state.set_dataset(data.combine(dataset, new) if adding else new)
                st.session_state[state.NOTICE] = (
                    f"Analysed {len(new.statements):,} statements from {len(new.reports)} "
                    f"source{'s' if len(new.reports) != 1 else ''}."
                )
                if not new.failures:
                    st.rerun()
                st.info("The readable sources are loaded; see the messages above for the rest.")

# ---- accounting ----------------------------------------------------------------------------
st.subheader("What was read")
if not dataset.reports:
    st.caption("This table was loaded as saved; its import accounting is in the run manifest.")
summary = pd.DataFrame(
    [
        {
            "source": r.source,
            "layout": r.layout,
            "rows read": r.rows_read,
            "statements": r.statements,
            "skipped": len(r.skipped),
            "why skipped": ", ".join(f"{k}: {v}" for k, v in r.skipped_by_reason.items()),
            "accounted": "yes" if r.balanced else "NO",
        }
        for r in dataset.reports
    ]
)
if len(summary):
    st.dataframe(summary, hide_index=True, key="report_table")

sources = data.report_inputs(dataset)
for index, report in enumerate(dataset.reports):
    with st.expander(f"{report.source} — {report.layout}"):
        for note in report.notes:
            st.caption(note)
        if report.skipped:
            st.markdown(f"**Skipped rows ({len(report.skipped):,})**")
            skipped = pd.DataFrame(report.skipped, columns=["row", "reason", "raw"])
            st.dataframe(skipped, hide_index=True, key=f"skipped_{index}")
        if not report.mapping:
            st.caption("Quotes were extracted from the article text; there is no column mapping.")
            continue
        st.markdown("**Column mapping** (detected; correct it and re-import if a column is wrong)")
        detected = data.mapping_from_report(report)
        cols = st.columns(len(detected))
        for col, (name, column) in zip(cols, detected.items(), strict=True):
            key = f"map_{dataset.token[:8]}_{index}_{name}"  # fresh boxes for new data
            st.session_state.setdefault(key, column)
            col.text_input(MAPPING_LABELS.get(name, name), key=key)
        if index not in sources:
            st.caption(
                "The original file is not available in this session, so it cannot be "
                "re-imported; upload it again."
            )
            continue
        if st.button("Re-import with this mapping", key=f"map_{index}_go"):
            mapping = _mapping(f"map_{dataset.token[:8]}_{index}_") or ColumnMapping()
            bar = st.progress(0.0, text="re-importing…")
            job = functools.partial(
                data.reimport,
                dataset,
                index,
                sources[index],
                mapping,
                progress=data.progress_bar(bar),
            )
            new, error = data.guarded(job)
            bar.empty()
            if error:
                st.error(f"Re-import failed: {error}. The previous import is kept.")
            elif new is not None:
                state.set_dataset(new)
                st.session_state[state.NOTICE] = f"Re-imported {report.source}."
                st.rerun()

# ---- projects ------------------------------------------------------------------------------
st.subheader("Open a project")
st.caption(
    "A project file (`.duckdb`, written by `reaction-lens analyze --project`) can hold millions "
    "of statements; it is opened read-only and every page asks it in SQL instead of loading it."
)
typed = layouts.project_path("Open project")
if typed == "":
    st.error("Type the path of a .duckdb project file first.")
elif typed is not None:
    layouts.open_project(typed, kept="The current data stays loaded.")
