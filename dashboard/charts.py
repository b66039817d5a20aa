"""Figure builders: statement table in, plotly Figure out; no Streamlit calls, so they unit-test.

Every chart draws from the same palettes, so "against" is the same red and "public" the same
amber on every page. Builders pre-aggregate (histogram bins, per-bucket means, a seeded sample
for the scatter): a figure never carries more than ``MAX_POINTS`` rows, whatever the table size.
User text only reaches a figure through :func:`hover_text`, which escapes it, because plotly
renders a subset of HTML in hover labels.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import aggregate
from analysis.schema import ROLES, STANCE_LABELS

STANCE_COLORS = {"favor": "#2166ac", "against": "#c0392b", "neutral": "#a6a6a6"}
SENTIMENT_COLORS = {"positive": "#1a9850", "negative": "#d73027", "neutral": "#a6a6a6"}
ROLE_COLORS = {
    "official": "#542788",
    "organization": "#8e7cc3",
    "expert": "#1b7837",
    "public": "#e08214",
    "media": "#35978f",
    "unknown": "#8c8c8c",
}
ROLE_LABELS = {r: r.capitalize() for r in ROLES}
SENTIMENT_THRESHOLD = 0.05  # VADER's customary neutral band (Hutto & Gilbert 2014)
MAX_POINTS = 5_000  # statements drawn in the scatter; the rest are summarised, never sent
MAX_MARKERS = 200  # official statements marked on the timeline
WEBGL_FROM = 2_000  # above this many points the scatter uses WebGL (scattergl)
HOVER_CHARS = 160
_GRID = "#ececec"
_LEGEND = {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1}
_WRAP = re.compile(r".{1,60}(?:\s|$)|\S+")  # hover lines of about 60 characters
FONT = "Inter, Segoe UI, Helvetica, Arial, sans-serif"


def hover_text(text: object, limit: int = HOVER_CHARS) -> str:
    """User text made safe for a plotly hover label: shortened, escaped, wrapped."""
    if not isinstance(text, str):
        return ""
    short = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return "<br>".join(_WRAP.findall(html.escape(short)))


def fig_sentiment_histogram(frame: pd.DataFrame, *, bins: int = 40) -> go.Figure:
    """Distribution of VADER compound scores, binned on the server over [-1, 1]."""
    return fig_sentiment_counts(aggregate.sentiment_histogram(frame, bins=bins))


def fig_sentiment_counts(counts: pd.DataFrame) -> go.Figure:
    """The sentiment histogram from its bins (``left``, ``right``, ``statements``)."""
    centres = (counts["left"] + counts["right"]) / 2
    labels = [_sentiment_label(c) for c in centres]
    bar = go.Bar(
        x=centres,
        y=counts["statements"],
        width=counts["right"] - counts["left"],
        marker={"color": [SENTIMENT_COLORS[lab] for lab in labels], "line": {"width": 0}},
        customdata=list(zip(counts["left"], counts["right"], labels, strict=True)),
        hovertemplate="compound %{customdata[0]:.2f} to %{customdata[1]:.2f}"
        " (%{customdata[2]})<br>%{y:,} statements<extra></extra>",
        name="statements",
    )
    edges = [
        _vline(x, dash="dot", color="#666") for x in (-SENTIMENT_THRESHOLD, SENTIMENT_THRESHOLD)
    ]
    return _figure(
        [bar],
        "How people feel (VADER compound)",
        "sentiment (compound)",
        "statements",
        xaxis={"range": [-1.02, 1.02]},
        shapes=edges,
        bargap=0.02,
        showlegend=False,
    )


def fig_stance_by_role(frame: pd.DataFrame) -> go.Figure:
    """Share of favor / neutral / against per speaker role, as 100 % stacked horizontal bars."""
    return fig_stance_share(aggregate.stance_share(frame, by="speaker_role"))


def fig_stance_share(share: pd.DataFrame) -> go.Figure:
    """The stance-by-role bars from the long share table (``aggregate.stance_share``)."""
    traces = []
    roles = list(dict.fromkeys(share["speaker_role"]))
    totals = share.groupby("speaker_role")["statements"].sum().reindex(roles)
    for label in ("favor", "neutral", "against"):
        part = share[share["stance_label"] == label].set_index("speaker_role").reindex(roles)
        traces.append(
            go.Bar(
                y=[ROLE_LABELS.get(r, r) for r in roles],
                x=part["share"] * 100,
                orientation="h",
                name=label,
                marker={"color": STANCE_COLORS[label]},
                text=[f"{s:.0%}" if s >= 0.06 else "" for s in part["share"]],
                textposition="inside",
                insidetextanchor="middle",
                customdata=list(zip(part["statements"], totals, strict=True)),
                hovertemplate=f"%{{y}} · {label}: %{{x:.1f}}%"
                "<br>%{customdata[0]:,} of %{customdata[1]:,} statements<extra></extra>",
            )
        )
    return _figure(
        traces,
        "Which side each group takes",
        "share of statements (%)",
        None,
        xaxis={"range": [0, 100], "ticksuffix": "%"},
        yaxis={"autorange": "reversed"},
        barmode="stack",
        legend={**_LEGEND, "traceorder": "normal"},
    )


def fig_quadrant(
    frame: pd.DataFrame,
    *,
    texts: pd.Series | None = None,
    max_points: int = MAX_POINTS,
    seed: int = 0,
    total: int | None = None,
) -> go.Figure:
    """Sentiment (x) against stance (y), one colour per role; hover shows who said what.

    A seeded sample of at most ``max_points`` statements is drawn, WebGL above ``WEBGL_FROM``.
    ``customdata`` carries each point's row label so a click can show the statement. ``texts``
    (by row label) supplies the hover text when ``frame`` has no text column. ``total`` is how
    many scored statements ``frame`` was sampled from, when it is a sample already.
    """
    scored = frame["sentiment_compound"].notna() & frame["stance_score"].notna()
    total = int(scored.sum()) if total is None else total
    shown = _sample(frame, scored.to_numpy(dtype=bool), max_points, seed)
    trace_type = go.Scattergl if len(shown) > WEBGL_FROM else go.Scatter
    traces = []
    for role in _roles_present(shown):
        rows = shown[shown["speaker_role"].astype("object") == role]
        traces.append(
            trace_type(
                x=rows["sentiment_compound"].to_numpy(dtype="float64"),
                y=rows["stance_score"].to_numpy(dtype="float64"),
                mode="markers",
                name=ROLE_LABELS.get(role, role),
                marker={
                    "color": ROLE_COLORS.get(role, ROLE_COLORS["unknown"]),
                    "size": 7,
                    "opacity": 0.65 if len(shown) > 500 else 0.85,
                    "line": {"width": 0.5, "color": "white"},
                },
                text=_hover_array(rows, texts),
                customdata=rows.index.to_numpy(),
                hovertemplate="%{text}<br>sentiment %{x:.2f} · stance %{y:.2f}<extra></extra>",
            )
        )
    corners = [
        {"x": x, "y": y, "text": corner, "showarrow": False, "font": {"size": 11, "color": "#777"}}
        for corner, (x, y) in _QUADRANTS.items()
    ]
    title = "Feeling vs side taken"
    if total > len(shown):
        title += f" (a sample of {len(shown):,} of {total:,})"
    return _figure(
        traces,
        title,
        "sentiment (VADER compound)",
        "stance toward the target",
        xaxis={"range": [-1.05, 1.05]},
        yaxis={"range": [-1.1, 1.1]},
        shapes=[_vline(0), _hline(0)],
        annotations=corners,
    )


def fig_timeline(
    frame: pd.DataFrame, *, texts: pd.Series | None = None, freq: str | None = None
) -> go.Figure:
    """Comment volume (bars) and their mean sentiment and stance (lines) over time.

    Bars and lines count comments (all statements when there are none), so an article's quotes
    do not show up as a burst of "reaction"; official statements are the diamonds.

    Official and organization statements with a time are marked as diamonds on the lines, with
    their text on hover; the title says how many had no time (article quotes often have none).
    """
    comments = (frame["source_kind"] == "comment").to_numpy(dtype=bool, na_value=False)
    counted = comments if comments.any() else np.ones(len(frame), dtype=bool)
    freq = freq or pick_frequency(pd.DataFrame({"posted_at": frame["posted_at"][counted]}))
    buckets = aggregate.by_time(frame, freq=freq, where=counted)
    is_official = frame["speaker_role"].isin(list(aggregate.OFFICIAL_ROLES)).to_numpy(dtype=bool)
    has_time = frame["posted_at"].notna().to_numpy(dtype=bool)
    dated_total = int((is_official & has_time).sum())
    dated = _sample(frame, is_official & has_time, MAX_MARKERS, 0)
    return fig_timeline_from(
        buckets,
        freq=freq,
        comments=bool(comments.any()),
        dated=dated,
        dated_total=dated_total,
        undated=int(is_official.sum()) - dated_total,
        texts=texts,
    )


def fig_timeline_from(
    buckets: pd.DataFrame,
    *,
    freq: str,
    comments: bool,
    dated: pd.DataFrame,
    dated_total: int,
    undated: int,
    texts: pd.Series | None = None,
) -> go.Figure:
    """The timeline from its parts: ``aggregate.by_time`` buckets, the official statements to
    mark (``dated``, at most ``MAX_MARKERS``) of ``dated_total``, and how many had no time."""
    # Two stacked panels on one x axis, laid out by hand (make_subplots costs ~0.1 s).
    traces: list[go.Bar | go.Scatter] = [
        go.Bar(
            x=buckets["bucket"],
            y=buckets["statements"],
            name="statements",
            marker={"color": "#9fb3c8"},
            hovertemplate="%{x}<br>%{y:,} statements<extra></extra>",
        )
    ]
    for column, name, colour in (
        ("mean_sentiment", "mean sentiment", SENTIMENT_COLORS["positive"]),
        ("mean_stance", "mean stance", STANCE_COLORS["favor"]),
    ):
        traces.append(
            go.Scatter(
                x=buckets["bucket"],
                y=buckets[column],
                name=name,
                mode="lines+markers",
                line={"color": colour, "width": 2},
                marker={"size": 4},
                connectgaps=False,
                hovertemplate=f"%{{x}}<br>{name} %{{y:.2f}}<extra></extra>",
                yaxis="y2",
            )
        )
    if len(dated):
        traces.append(
            go.Scatter(
                x=dated["posted_at"],
                y=dated["stance_score"].astype("float64").fillna(0.0).to_numpy(),
                mode="markers",
                name="official statement",
                marker={
                    "symbol": "diamond",
                    "size": 11,
                    "color": ROLE_COLORS["official"],
                    "line": {"width": 1, "color": "white"},
                },
                text=_hover_array(dated, texts),
                hovertemplate="%{text}<extra>official</extra>",
                yaxis="y2",
            )
        )
    kind = "Comments" if comments else "Statements"
    title = f"{kind} over time (per {_FREQ_NAMES.get(freq, freq)})"
    if dated_total > len(dated):
        title += f" · {len(dated)} of {dated_total:,} official statements marked"
    if undated:
        title += f" · {undated} official statement{'s' if undated != 1 else ''} without a time"
    return _figure(
        traces,
        title,
        None,
        "statements",
        xaxis={"anchor": "y2"},
        yaxis={"domain": [0.6, 1.0]},
        yaxis2={
            "domain": [0.0, 0.52],
            "title": {"text": "mean score"},
            "range": [-1.05, 1.05],
            "gridcolor": _GRID,
            "zerolinecolor": _GRID,
        },
        shapes=[_hline(0, yref="y2", color="#bbb")],
    )


def fig_top_speakers(summary: pd.DataFrame, roles: pd.Series, *, n: int = 15) -> go.Figure:
    """The ``n`` most quoted speakers (from ``aggregate.summarize(frame, "speaker")``).

    ``roles`` maps speaker -> role for the bar colours.
    """
    top = summary.head(n).iloc[::-1]
    role = [str(roles.get(s, "unknown")) for s in top["speaker"]]
    bar = go.Bar(
        y=[html.escape(str(s)) for s in top["speaker"]],
        x=top["statements"],
        orientation="h",
        marker={"color": [ROLE_COLORS.get(r, ROLE_COLORS["unknown"]) for r in role]},
        customdata=list(zip(role, top["mean_sentiment"], top["mean_stance"], strict=True)),
        hovertemplate="%{y} (%{customdata[0]})<br>%{x:,} statements"
        "<br>mean sentiment %{customdata[1]:.2f} · mean stance %{customdata[2]:.2f}"
        "<extra></extra>",
    )
    title = f"Most quoted speakers (top {min(n, len(summary))})"
    return _figure(
        [bar], title, "statements", None, showlegend=False, height=max(320, 26 * len(top) + 120)
    )


def fig_cross_table(frame: pd.DataFrame) -> go.Figure:
    """Sentiment label × stance label counts: where feeling and side disagree stands out."""
    return fig_sentiment_stance(aggregate.sentiment_stance_table(frame))


def fig_sentiment_stance(table: pd.DataFrame) -> go.Figure:
    """The cross table heatmap from ``aggregate.sentiment_stance_table``'s counts."""
    heat = go.Heatmap(
        z=table.to_numpy(),
        x=list(table.columns),
        y=list(table.index),
        colorscale=[[0, "#f7f7f7"], [1, "#4a6fa5"]],
        text=table.to_numpy(),
        texttemplate="%{text:,}",
        hovertemplate="%{y} sentiment · %{x}: %{z:,} statements<extra></extra>",
        showscale=False,
    )
    return _figure([heat], "Sentiment × stance", "stance", "sentiment", height=300)


def fig_gap_by_day(frame: pd.DataFrame, *, metric: str = "stance_score") -> go.Figure:
    """Official minus public mean per day, with the bootstrap interval as error bars."""
    return fig_gap_days(aggregate.gap_by_day(frame), metric=metric)


def fig_gap_days(days: pd.DataFrame, *, metric: str = "stance_score") -> go.Figure:
    """The gap-per-day chart from ``aggregate.gap_by_day``'s table."""
    rows = days[(days["metric"] == metric) & days["gap"].notna()]
    points = go.Scatter(
        x=rows["day"],
        y=rows["gap"],
        mode="markers+lines",
        marker={"color": ROLE_COLORS["official"], "size": 9},
        error_y={
            "type": "data",
            "symmetric": False,
            "array": (rows["high"] - rows["gap"]).fillna(0),
            "arrayminus": (rows["gap"] - rows["low"]).fillna(0),
        },
        customdata=list(zip(rows["n_official"], rows["n_public"], strict=True)),
        hovertemplate="%{x|%d %b}: gap %{y:.2f}<br>%{customdata[0]} official,"
        " %{customdata[1]} public<extra></extra>",
    )
    title = f"Official − public gap per day ({metric.replace('_', ' ')})"
    return _figure([points], title, None, "gap", shapes=[_hline(0)])


def fig_confusion(
    labels: Sequence[str], matrix: Sequence[Sequence[int]], *, field: str = "stance"
) -> go.Figure:
    """Confusion matrix as a heatmap: the analyst's label down, the automatic label across.

    Each cell shows its count and, on hover, its share of the row (how the analyst's
    "against" statements were labelled); colour is that row share, so a rare label's errors
    are as visible as a common one's.
    """
    counts = np.asarray(matrix, dtype=float).reshape(len(labels), len(labels))
    totals = counts.sum(axis=1, keepdims=True)
    share = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    heat = go.Heatmap(
        z=share,
        x=list(labels),
        y=list(labels),
        zmin=0,
        zmax=1,
        colorscale=[[0, "#f7f7f7"], [1, "#2166ac"]],
        showscale=False,
        text=[[f"{int(v):,}" for v in row] for row in counts],
        texttemplate="%{text}",
        customdata=share * 100,
        hovertemplate="analyst: %{y} · automatic: %{x}<br>%{text} statements"
        " (%{customdata:.0f}% of the analyst's %{y})<extra></extra>",
        xgap=2,
        ygap=2,
    )
    return _figure(
        [heat],
        f"Automatic {field} label vs yours",
        "automatic label",
        "your label",
        xaxis={"side": "bottom", "type": "category"},
        yaxis={"autorange": "reversed", "type": "category"},
        height=320,
    )


def pick_frequency(frame: pd.DataFrame) -> str:
    """Hourly for up to a week of comments, daily up to four months, weekly beyond.

    That keeps a timeline between roughly 20 and 170 buckets: enough shape, readable bars.
    """
    times = frame["posted_at"].dropna()
    if times.empty:
        return "D"
    span = times.max() - times.min()
    if span <= pd.Timedelta(days=7):
        return "h"
    return "D" if span <= pd.Timedelta(days=120) else "7D"


def figure_titles(figures: Sequence[go.Figure]) -> list[str]:
    """Each figure's title text, for captions and export file names."""
    return [str(f.layout.title.text or "") for f in figures]


_POINT_COLUMNS = (
    "speaker",
    "speaker_role",
    "text",
    "posted_at",
    "sentiment_compound",
    "stance_score",
)
_FREQ_NAMES = {"h": "hour", "D": "day", "7D": "week"}
_QUADRANTS = {
    "negative · favor": (-0.6, 1.03),
    "positive · favor": (0.6, 1.03),
    "negative · against": (-0.6, -1.03),
    "positive · against": (0.6, -1.03),
}


def _sample(frame: pd.DataFrame, keep: np.ndarray[Any, Any], n: int, seed: int) -> pd.DataFrame:
    """At most ``n`` of the rows where ``keep`` is true (seeded), only the columns charts read.

    Positions are drawn first, so a million-row frame is never copied whole.
    """
    positions = np.flatnonzero(keep)
    if len(positions) > n:
        picked = np.random.default_rng(seed).choice(len(positions), size=n, replace=False)
        positions = positions[np.sort(picked)]
    columns = [c for c in _POINT_COLUMNS if c in frame.columns]
    return frame.iloc[positions][columns]


def _hover_array(rows: pd.DataFrame, texts: pd.Series | None) -> np.ndarray[Any, Any]:
    if "text" in rows.columns:
        said = rows["text"].astype("object")
    elif texts is not None:
        # get_indexer is arithmetic on a RangeIndex; .loc would hash every label.
        said = texts.iloc[texts.index.get_indexer(rows.index)].astype("object")
    else:
        said = pd.Series("", index=rows.index, dtype="object")
    hovers = [
        _who(s) + "<br>" + hover_text(t)
        for s, t in zip(rows["speaker"].astype("object"), said, strict=True)
    ]
    return np.array(hovers, dtype=object)


def _roles_present(frame: pd.DataFrame) -> list[str]:
    present = set(frame["speaker_role"].dropna().astype("object"))
    return [r for r in ROLES if r in present] + sorted(present - set(ROLES))


def _who(speaker: object) -> str:
    name = speaker if isinstance(speaker, str) and speaker else "unattributed"
    return "<b>" + html.escape(name) + "</b>"


def _sentiment_label(compound: float) -> str:
    if compound >= SENTIMENT_THRESHOLD:
        return "positive"
    return "negative" if compound <= -SENTIMENT_THRESHOLD else "neutral"


def _figure(
    traces: Sequence[Any],
    title: str,
    x: str | None,
    y: str | None,
    *,
    xaxis: dict[str, Any] | None = None,
    yaxis: dict[str, Any] | None = None,
    **layout: Any,
) -> go.Figure:
    """A figure with the shared look, built in one go.

    One constructor call validates once; every ``update_layout``/``add_vline`` call afterwards
    costs milliseconds more. No plotly template: resolving one costs ~0.1 s per figure, and the
    dashboard's Streamlit theme replaces it anyway; white paper and light grid lines keep the
    exported HTML looking the same.
    """
    grid = {"gridcolor": _GRID, "zerolinecolor": _GRID}
    base: dict[str, Any] = {
        "title": {"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 16}},
        "font": {"family": FONT, "size": 12, "color": "#333"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
        "legend": _LEGEND,
        "hoverlabel": {"align": "left"},
        "xaxis": {"title": {"text": x}, **grid, **(xaxis or {})},
        "yaxis": {"title": {"text": y}, **grid, **(yaxis or {})},
    }
    return go.Figure(data=list(traces), layout={**base, **layout})


def _vline(x: float, *, color: str = "#999", dash: str = "solid") -> dict[str, Any]:
    return {
        "type": "line",
        "xref": "x",
        "x0": x,
        "x1": x,
        "yref": "paper",
        "y0": 0,
        "y1": 1,
        "line": {"color": color, "width": 1, "dash": dash},
    }


def _hline(y: float, *, yref: str = "y", color: str = "#999") -> dict[str, Any]:
    return {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "yref": yref,
        "y0": y,
        "y1": y,
        "line": {"color": color, "width": 1},
    }


assert set(STANCE_COLORS) == set(STANCE_LABELS)
