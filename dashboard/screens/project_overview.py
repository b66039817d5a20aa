"""Overview of a project: the same numbers and charts as in memory, each computed in DuckDB."""

from __future__ import annotations

import math

import streamlit as st

from analysis import project_views
from dashboard import project, render, sidebar, state, views

source = state.project_source()
assert source is not None  # this page is only routed in project mode

st.title("Overview")
target = source.target.text if source.target else "no target set"
st.caption(f"{source.origin} · stance toward: **{target}**")
if state.LOAD_ERROR in st.session_state:
    st.error(st.session_state[state.LOAD_ERROR])

if source.statements == 0:
    st.info("This project holds no statements yet. Import into it with `reaction-lens analyze`.")
    st.stop()
if sidebar.project_memo("count", source, project_views.count) == 0:
    st.info(
        "No statement matches the filters. Loosen them in the sidebar or press *Clear filters*."
    )
    st.stop()

model = sidebar.project_memo("overview", source, project.overview)
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

clicked = [p.get("customdata") for p in (picked.selection.points if picked else [])]
seqs = [int(s) for s in clicked if isinstance(s, int | float)][:20]
if seqs:
    st.markdown("**Selected statements**")
    rows = project_views.rows(state.reader(source)(), seqs)
    for record in project.records(rows):
        st.markdown(render.statement_card(record), unsafe_allow_html=True)
else:
    st.caption("Click a point (or lasso several) in the scatter to read the statements.")

st.plotly_chart(model.figures["timeline"], key="fig_timeline")

st.divider()
if st.toggle("Official − public gap per day", key="show_gap_detail"):
    days, figure = sidebar.project_memo("gap_by_day", source, project.gap_by_day)
    st.dataframe(model.gap, hide_index=True, key="gap_table")
    st.plotly_chart(figure, key="fig_gap_by_day")
if st.toggle("Words that drove the scores, by role", key="show_evidence_words"):
    a, b = st.columns(2)
    a.markdown("**VADER words** (valence from the lexicon)")
    a.dataframe(
        sidebar.project_memo(
            "evidence_sentiment", source, lambda p, w: project.top_evidence(p, w, "sentiment")
        ),
        hide_index=True,
        key="top_sentiment",
    )
    b.markdown("**Stance cues and mentions** (weight toward the target)")
    b.dataframe(
        sidebar.project_memo(
            "evidence_stance", source, lambda p, w: project.top_evidence(p, w, "stance")
        ),
        hide_index=True,
        key="top_stance",
    )
    st.caption(
        f"Read from a seeded sample of at most {views.EVIDENCE_SAMPLE:,} matching statements."
    )
