"""Data of a project: what was imported (rows read, statements, skipped with reasons), the
runs, the target, and switching to another project or back to the sample."""

from __future__ import annotations

import streamlit as st

from analysis import project_views
from dashboard import learn, project, sidebar, state
from dashboard.screens import layouts

SKIPPED_SHOWN = 100

source = state.project_source()
assert source is not None  # this page is only routed in project mode

st.title("Data")
if state.NOTICE in st.session_state:
    st.success(st.session_state.pop(state.NOTICE))
if state.LOAD_ERROR in st.session_state:
    st.error(st.session_state.pop(state.LOAD_ERROR))

st.markdown(
    f"**Loaded:** {source.origin} (`{source.path}`, read-only) · {source.statements:,} "
    f"current statements from {len(source.sources):,} source"
    f"{'s' if len(source.sources) != 1 else ''} in {len(source.runs):,} run"
    f"{'s' if len(source.runs) != 1 else ''}."
)
if source.changed():
    st.warning("The project file changed since it was opened (a new import or re-score).")
a, b = st.columns(2)
a.button("Reload the project", key="project_reload", on_click=sidebar.reload_project)
if b.button("Close the project (back to the bundled sample)", key="project_close"):
    state.close_project()
    st.rerun()

st.subheader("Target")
if source.target is None:
    st.caption("No target is stored with the latest run; stance was not scored toward one.")
else:
    st.markdown(f"Stance is measured toward **{source.target.text}**.")
    if source.target.aliases:
        st.caption("Aliases: " + ", ".join(source.target.aliases))
    if source.target.opponents:
        st.caption("Opponents: " + ", ".join(source.target.opponents))
st.caption(
    "A project is changed from the command line, so the dashboard never blocks an import: "
    f'`reaction-lens rescore {source.path.name} --target "…"` scores stance toward another '
    "target as a new run; `reaction-lens analyze FILES --project "
    f"{source.path.name}` adds sources. Then press *Reload the project*."
)

held = len(source.corrections)
st.caption(
    f"{held:,} analyst correction{'s are' if held != 1 else ' is'} stored with the project: "
    "imports and re-scores apply them (a stance one only toward its own target); "
    "`--corrections FILE` on either adds more."
)
st.download_button(
    "The project's corrections (JSONL)",
    learn.corrections_jsonl(source.corrections),
    "corrections.jsonl",
    "application/jsonl",
    key="dl_project_corrections",
    icon=":material/edit_note:",
    disabled=not held,
)

st.subheader("What was read")
table = project.sources_table(source)
if table.empty:
    st.caption("No source has been imported into this project yet.")
else:
    st.dataframe(table, hide_index=True, key="report_table")
    for name in table["source"]:
        skipped = int(table.loc[table["source"] == name, "skipped"].iloc[0])
        if not skipped:
            continue
        with st.expander(f"{name} — {skipped:,} skipped rows"):
            rows = project_views.skipped_rows(
                state.reader(source)(), str(name), limit=SKIPPED_SHOWN
            )
            if skipped > len(rows):
                st.caption(f"The first {len(rows):,} of {skipped:,}.")
            st.dataframe(rows, hide_index=True)

st.subheader("Runs")
runs = project.runs_table(source)
st.dataframe(runs, hide_index=True, key="runs_table")

st.subheader("Open another project")
typed = layouts.project_path("Open")
if typed is not None:
    layouts.open_project(typed, kept="The current project stays open.")
