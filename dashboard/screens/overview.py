"""Overview: headline numbers, how people feel, which side each group takes, and when."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import sidebar, state, views
from dashboard.screens import layouts

dataset = state.init()
view, chosen = sidebar.filtered(dataset)

layouts.overview_head(dataset.origin, dataset.target)
if len(dataset.view) == 0:
    st.info("No statements yet. Add an article or a comment export on the **Data** page.")
    st.stop()
if len(view) == 0:
    layouts.no_match()

statements = dataset.statements
model = sidebar.remembered(
    "overview", dataset, lambda v: views.overview(v, texts=statements["text"])
)


def _selected(ids: list[int]) -> list[layouts.Record]:
    known = [i for i in ids if i in statements.index]
    return views.full_rows(statements, pd.Index(known[: layouts.SELECTED]))


layouts.overview(
    model,
    selected=_selected,
    gap_figure=lambda: sidebar.remembered("gap_by_day", dataset, views.gap_figure),
    evidence=lambda kind: views.top_evidence(view, statements, kind),
)
