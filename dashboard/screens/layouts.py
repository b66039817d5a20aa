"""What a page draws, shared by both modes: a page in memory and its project twin compute their
numbers differently (pandas on the filtered frame, SQL on the DuckDB file) and hand them here,
so the two show the same headings, charts, captions and downloads.

Not a page (app.py routes only the files it names). Each function takes what is already
computed; what only some reruns need (a selection's cards, a toggle's table) comes as a
function called when it is drawn, so a closed toggle costs nothing.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis.errors import ReactionLensError
from analysis.stance import Target
from dashboard import export, filters, render, state, views
from dashboard.project import SPEAKER_ROWS

Record = dict[str, Any]

SCREENS = Path(__file__).resolve().parent
SELECTED = 20  # a chart selection shows at most this many statements
CARDS = 30  # a picked speaker's first statements, as cards
EXPLORER_COLUMNS = [
    "speaker",
    "speaker_role",
    "text",
    "sentiment_label",
    "sentiment_compound",
    "stance_label",
    "stance_score",
    "posted_at",
    "source",
]
SPEAKER_COLUMNS: dict[str, Any] = {  # the Speakers table's headings and number formats
    "speaker": "Speaker",
    "role": "Role",
    "statements": st.column_config.NumberColumn("Statements", format="%d"),
    "mean_sentiment": st.column_config.NumberColumn("Mean sentiment", format="%+.2f"),
    "mean_stance": st.column_config.NumberColumn("Mean stance", format="%+.2f"),
    "favor": "Favor",
    "against": "Against",
    "neutral": "Neutral",
}
PNGS = ["sentiment", "stance_by_role", "quadrant", "timeline", "cross_table"]  # Overview order
DOWNLOADS = {  # format: button label, file name, MIME type, icon
    "csv": ("CSV", "statements.csv", "text/csv", ":material/table:"),
    "json": (
        "JSON (with manifest)",
        "statements.json",
        "application/json",
        ":material/data_object:",
    ),
    "parquet": (
        "Parquet",
        "statements.parquet",
        "application/vnd.apache.parquet",
        ":material/database:",
    ),
}


def no_match() -> NoReturn:
    """Say that the filters match nothing, and end the page."""
    st.info(
        "No statement matches the filters. Loosen them in the sidebar or press *Clear filters*."
    )
    st.stop()


def cards(records: list[Record], *, legend: bool = True) -> None:
    """Statement cards with their evidence highlighted (under the colours' legend)."""
    if legend:
        st.markdown(render.LEGEND, unsafe_allow_html=True)
    for record in records:
        st.markdown(render.statement_card(record), unsafe_allow_html=True)


# ---- Overview ------------------------------------------------------------------------------
def overview_head(origin: str, target: Target | None) -> None:
    st.title("Overview")
    st.caption(f"{origin} · stance toward: **{target.text if target else 'no target set'}**")
    if state.LOAD_ERROR in st.session_state:
        st.error(st.session_state[state.LOAD_ERROR])


def overview(
    model: views.Overview,
    *,
    selected: Callable[[list[int]], list[Record]],
    gap_figure: Callable[[], go.Figure],
    evidence: Callable[[str], pd.DataFrame],
    evidence_note: str = "",
) -> None:
    """The headline numbers, the charts, the statements picked in the scatter and two toggles.

    ``selected(ids)`` gives the cards of the points clicked (their row labels in memory, seqs
    in a project), at most :data:`SELECTED`; ``gap_figure()`` and ``evidence(kind)`` are only
    called when their toggle is on; ``evidence_note`` is a caption under the evidence tables.
    """
    _headline(model)
    picked = _charts(model)
    clicked = [p.get("customdata") for p in (picked.selection.points if picked else [])]
    ids = [int(i) for i in clicked if isinstance(i, int | float)]
    records = selected(ids) if ids else []
    if records:
        st.markdown("**Selected statements**")
        cards(records, legend=False)
    else:
        st.caption("Click a point (or lasso several) in the scatter to read the statements.")
    st.plotly_chart(model.figures["timeline"], key="fig_timeline")
    # Computed only when asked for: an expander's body runs even while it is closed.
    st.divider()
    if st.toggle("Official − public gap per day", key="show_gap_detail"):
        st.dataframe(model.gap, hide_index=True, key="gap_table")
        st.plotly_chart(gap_figure(), key="fig_gap_by_day")
    if st.toggle("Words that drove the scores, by role", key="show_evidence_words"):
        _evidence(evidence, evidence_note)


def _pct(share: float) -> str:
    return "—" if math.isnan(share) else f"{share:.0%}"


def _headline(model: views.Overview) -> None:
    gap_value, gap_note = views.gap_text(model.gap)
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


def _charts(model: views.Overview) -> Any:
    """Sentiment and stance by role; the clickable scatter beside the cross table (the
    scatter's selection is returned)."""
    left, right = st.columns(2)
    left.plotly_chart(model.figures["sentiment"], key="fig_sentiment")
    right.plotly_chart(model.figures["stance_by_role"], key="fig_stance_by_role")
    left, right = st.columns([3, 2])
    with left:
        picked = st.plotly_chart(
            model.figures["quadrant"],
            key="fig_quadrant",
            on_select="rerun",
            selection_mode="points",
        )
    with right:
        st.plotly_chart(model.figures["cross_table"], key="fig_cross_table")
        st.caption(
            "Statements where feeling and side disagree (e.g. negative but in favor) are "
            "where sentiment alone would mislead."
        )
    return picked


def _evidence(evidence: Callable[[str], pd.DataFrame], note: str) -> None:
    a, b = st.columns(2)
    a.markdown("**VADER words** (valence from the lexicon)")
    a.dataframe(evidence("sentiment"), hide_index=True, key="top_sentiment")
    b.markdown("**Stance cues and mentions** (weight toward the target)")
    b.dataframe(evidence("stance"), hide_index=True, key="top_stance")
    if note:
        st.caption(note)


# ---- Speakers ------------------------------------------------------------------------------
def speakers(table: pd.DataFrame, *, total: int, figure: go.Figure) -> str | None:
    """The most active speakers' table beside ``figure``, and a picker of one of them.

    ``table`` is :func:`dashboard.views.speakers`' (only its first :data:`SPEAKER_ROWS` are
    listed) and ``total`` how many speakers the filters leave. Returns the speaker picked.
    """
    shown = table.head(SPEAKER_ROWS)
    st.caption(
        f"{total:,} speakers in view"
        + (f"; the {SPEAKER_ROWS:,} most active are listed" if total > len(shown) else "")
    )
    left, right = st.columns([3, 2])
    with left:
        st.dataframe(shown, hide_index=True, key="speaker_table", column_config=SPEAKER_COLUMNS)
    with right:
        st.plotly_chart(figure, key="fig_speakers")
    picked: str | None = st.selectbox(
        "Read a speaker's statements",
        shown["speaker"].tolist(),
        index=None,
        key="speaker_pick",
        placeholder="Choose a speaker",
    )
    return picked


def speaker_statements(
    speaker: str, said: int, first: Callable[[], list[Record]], *, explorer: str
) -> None:
    """How many statements ``speaker`` made, a button to the ``explorer`` page filtered to
    them, and the first :data:`CARDS` of them (``first()``) as cards."""
    head = st.columns([3, 1])
    head[0].markdown(f"**{said:,} statement{'s' if said != 1 else ''}**")
    if head[1].button(
        "Open in Statements", key="speaker_explore", on_click=_explore, args=(speaker,)
    ):
        st.switch_page(SCREENS / explorer)
    cards(first())
    if said > CARDS:
        st.caption(f"First {CARDS}; *Open in Statements* pages through all of them.")


def _explore(speaker: str) -> None:
    """Filter every page to this speaker (the sidebar shows it) before switching pages."""
    st.session_state[filters.SELECTS["speakers"][0]] = [speaker]


# ---- Statements ----------------------------------------------------------------------------
def explorer_controls(
    matching: int, *, filtered: bool, of: int | None = None
) -> tuple[str, int, int]:
    """How many statements match (``of`` how many), the sort and page-size pickers and the page
    number (reset to 1 when it is past the last page); returns (sort, size, page)."""
    top = st.columns([2, 1, 1])
    top[0].markdown(
        f"**{matching:,} statements match**"
        + (" (filtered)" if filtered else "")
        + ("" if of is None else f" of {of:,}")
    )
    sort = top[1].selectbox("Sort", list(views.SORTS), key="explorer_sort")
    size = top[2].selectbox("Per page", [10, 20, 50], index=1, key="explorer_size")
    pages = max(1, -(-matching // size))
    if st.session_state.get("explorer_page", 1) > pages:
        st.session_state["explorer_page"] = 1
    page = st.number_input(
        f"Page (of {pages:,})", min_value=1, max_value=pages, step=1, key="explorer_page"
    )
    return str(sort), int(size), int(page)


# ---- Export --------------------------------------------------------------------------------
def export_count(rows: int, total: int, *, filtered: bool) -> None:
    st.markdown(
        f"**{rows:,} of {total:,} statements**"
        + (" — the sidebar filters apply." if filtered else ", no filter applied.")
    )


def downloads(
    files: Mapping[str, Callable[[], bytes]], run: Mapping[str, Any], *, note: str = ""
) -> None:
    """The statements as CSV, JSON and Parquet (``files[format]`` builds one when clicked; the
    button labels end with ``note``) and the run manifest, in one row."""
    st.caption(
        "Files are built when you click. CSV cells that a spreadsheet would run as a formula "
        "(starting with = + - @ tab or CR) are prefixed with an apostrophe."
    )
    columns = st.columns(4)
    for column, (fmt, (label, name, mime, icon)) in zip(columns, DOWNLOADS.items(), strict=False):
        column.download_button(label + note, files[fmt], name, mime, key=f"dl_{fmt}", icon=icon)
    columns[3].download_button(
        "Run manifest",
        export.manifest_json(run),
        "manifest.json",
        "application/json",
        key="dl_manifest",
        icon=":material/receipt_long:",
    )


def chart_downloads(figures: Callable[[], list[go.Figure]]) -> None:
    """All charts as one HTML page, and each Overview chart as PNG (with kaleido); ``figures()``
    (the Overview's five, then the speakers chart) runs when a button is clicked."""
    st.download_button(
        "All charts as one HTML page",
        lambda: export.charts_html(figures()),
        "reactionlens_charts.html",
        "text/html",
        key="dl_charts_html",
        icon=":material/bar_chart:",
    )
    if not export.png_available():
        st.info(
            "PNG export needs the optional `kaleido` package, which is not installed. "
            "Use the camera icon in any chart's toolbar to save it as PNG, or download the "
            "HTML page above."
        )
        return
    for column, (position, name) in zip(st.columns(len(PNGS)), enumerate(PNGS), strict=True):
        column.download_button(
            f"{name}.png",
            functools.partial(_png, figures, position),
            f"{name}.png",
            "image/png",
            key=f"dl_png_{name}",
        )


def _png(figures: Callable[[], list[go.Figure]], position: int) -> bytes:
    return export.to_png(figures()[position])


# ---- Data ----------------------------------------------------------------------------------
def project_path(button: str) -> str | None:
    """The box for a project file's path and its ``button``: the path typed (stripped) when the
    button was pressed, else None."""
    st.text_input("Project file (.duckdb) on this computer", key="project_path")
    if not st.button(button, key="project_open"):
        return None
    return str(st.session_state.get("project_path") or "").strip()


def open_project(typed: str, *, kept: str) -> None:
    """Switch to the project at ``typed`` and rerun; when it cannot be opened, an error that
    ends with ``kept`` (what stays loaded)."""
    try:
        opened = state.open_project(Path(typed).expanduser())
    except ReactionLensError as exc:
        st.error(f"{exc}. {kept}")
    else:
        st.session_state[state.NOTICE] = f"Opened {opened.origin}."
        st.rerun()
