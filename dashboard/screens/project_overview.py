"""Overview of a project: the same numbers and charts as in memory, each computed in DuckDB."""

from __future__ import annotations

import functools

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis import project_views
from dashboard import project, sidebar, state, views
from dashboard.project import ProjectSource
from dashboard.screens import layouts

source = state.project_source()
assert source is not None  # this page is only routed in project mode

layouts.overview_head(source.origin, source.target)
if source.statements == 0:
    st.info("This project holds no statements yet. Import into it with `reaction-lens analyze`.")
    st.stop()
if sidebar.project_memo("count", source, project_views.count) == 0:
    layouts.no_match()


def _selected(source: ProjectSource, seqs: list[int]) -> list[layouts.Record]:
    rows = project_views.rows(state.reader(source)(), seqs[: layouts.SELECTED])
    return project.records(rows)


def _gap_figure(source: ProjectSource) -> go.Figure:
    return sidebar.project_memo("gap_by_day", source, project.gap_by_day)[1]


def _evidence(source: ProjectSource, kind: str) -> pd.DataFrame:
    compute = functools.partial(project.top_evidence, kind=kind)
    return sidebar.project_memo(f"evidence_{kind}", source, compute)


layouts.overview(
    sidebar.project_memo("overview", source, project.overview),
    selected=functools.partial(_selected, source),
    gap_figure=functools.partial(_gap_figure, source),
    evidence=functools.partial(_evidence, source),
    evidence_note=(
        f"Read from a seeded sample of at most {views.EVIDENCE_SAMPLE:,} matching statements."
    ),
)
