"""Overview: headline numbers, how people feel, which side each group takes, and when."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from dashboard import render, sidebar, state, views

dataset = state.init()
view, chosen = sidebar.filtered(dataset)

st.title("Overview")
target = dataset.target.text if dataset.target else "no target set"
st.caption(f"{dataset.origin} · stance toward: **{target}**")
if state.LOAD_ERROR in st.session_state:
    st.error(st.session_state[state.LOAD_ERROR])

if len(dataset.view) == 0:
    st.info("No statements yet. Add an article or a comment export on the **Data** page.")
    st.stop()
if len(view) == 0:
    st.info(
        "No statement matches the filters. Loosen them in the sidebar or press *Clear filters*."
    )
    st.stop()

texts = dataset.statements["text"]
model = sidebar.remembered("overview", dataset, lambda v: views.overview(v, texts=texts))
gap_value, gap_note = views.gap_text(model.gap)


def _pct(share: float) -> str:
    return "—" if math.isnan(share) else f"{share:.0%}"


k1, k2, k3, k4, k5 = st.columns(5)
k1.metric("Statements", f"{model.statements:,}", help="Article quotes and comments in view.")
k2.metric("Speakers", f"{model.speakers:,}")
k3.metric("In favor", _pct(model.favor_share), help="Share of statements with a stance label.")
k4.metric("Against", _pct(model.against_share))
k5.metric(
    "Official − public stance",
    gap_value,
    help="Mean stance of official and organization statements minus the mean of public ones "
    "(bootstrap 95% interval). Positive: officials lean further toward the target.",
)
k5.caption(gap_note)

left, right = st.columns(2)
left.plotly_chart(model.figures["sentiment"], key="fig_sentiment")
right.plotly_chart(model.figures["stance_by_role"], key="fig_stance_by_role")

left, right = st.columns([3, 2])
with left:
    picked = st.plotly_chart(
        model.figures["quadrant"], key="fig_quadrant", on_select="rerun", selection_mode="points"
    )
with right:
    st.plotly_chart(model.figures["cross_table"], key="fig_cross_table")
    st.caption(
        "Statements where feeling and side disagree (e.g. negative but in favor) are "
        "where sentiment alone would mislead."
    )

ids = [p.get("customdata") for p in (picked.selection.points if picked else [])]
ids = [int(i) for i in ids if isinstance(i, int | float) and int(i) in dataset.statements.index]
if ids:
    st.markdown("**Selected statements**")
    for record in views.full_rows(dataset.statements, pd.Index(ids[:20])):
        st.markdown(render.statement_card(record), unsafe_allow_html=True)
else:
    st.caption("Click a point (or lasso several) in the scatter to read the statements.")

st.plotly_chart(model.figures["timeline"], key="fig_timeline")

# Computed only when asked for: an expander's body runs even while it is closed.
st.divider()
if st.toggle("Official − public gap per day", key="show_gap_detail"):
    st.dataframe(model.gap, hide_index=True, key="gap_table")
    st.plotly_chart(
        sidebar.remembered("gap_by_day", dataset, views.gap_figure), key="fig_gap_by_day"
    )
if st.toggle("Words that drove the scores, by role", key="show_evidence_words"):
    a, b = st.columns(2)
    a.markdown("**VADER words** (valence from the lexicon)")
    a.dataframe(
        views.top_evidence(view, dataset.statements, "sentiment"),
        hide_index=True,
        key="top_sentiment",
    )
    b.markdown("**Stance cues and mentions** (weight toward the target)")
    b.dataframe(
        views.top_evidence(view, dataset.statements, "stance"), hide_index=True, key="top_stance"
    )
