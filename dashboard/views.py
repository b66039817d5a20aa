"""What each page shows, computed from the filtered view: KPIs, figures, tables, one page of rows.

Pages call these and only draw the results, and the benchmark calls the same functions, so the
timing it prints is the server time of a real interaction. No Streamlit here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import aggregate
from dashboard import charts

EVIDENCE_SAMPLE = 20_000  # top evidence words are read from a seeded sample of this many rows
SORTS = {
    "table order": None,
    "newest first": ("posted_at", False),
    "oldest first": ("posted_at", True),
    "most negative": ("sentiment_compound", True),
    "most positive": ("sentiment_compound", False),
    "most against": ("stance_score", True),
    "most in favor": ("stance_score", False),
}


@dataclass
class Overview:
    """The Overview page: headline numbers and its charts."""

    statements: int
    speakers: int
    favor_share: float
    against_share: float
    gap: pd.DataFrame  # aggregate.official_public_gap
    figures: dict[str, go.Figure] = field(default_factory=dict)


def overview(view: pd.DataFrame, *, texts: pd.Series | None = None) -> Overview:
    """KPIs, the gap and every Overview chart for the (filtered) view.

    ``texts`` is the statement text by row label, for hovers when the view has no text.
    """
    labelled = view["stance_label"].notna()
    total_labelled = int(labelled.sum())
    counts = view["stance_label"].value_counts()
    return Overview(
        statements=len(view),
        speakers=int(view["speaker"].nunique(dropna=True)),
        favor_share=share(counts.get("favor", 0), total_labelled),
        against_share=share(counts.get("against", 0), total_labelled),
        gap=aggregate.official_public_gap(view),
        figures={
            "sentiment": charts.fig_sentiment_histogram(view),
            "stance_by_role": charts.fig_stance_by_role(view),
            "quadrant": charts.fig_quadrant(view, texts=texts),
            "timeline": charts.fig_timeline(view, texts=texts),
            "cross_table": charts.fig_cross_table(view),
        },
    )


def gap_text(gap: pd.DataFrame, metric: str = "stance_score") -> tuple[str, str]:
    """The KPI value and its caption (interval and counts) for one gap metric."""
    row = next(r for r in gap.to_dict("records") if r["metric"] == metric)
    if math.isnan(float(row["gap"])):
        need = "official" if row["n_official"] == 0 else "public"
        return "—", f"no scored {need} statements in view"
    value = f"{row['gap']:+.2f}"
    if math.isnan(float(row["low"])):
        return (
            value,
            f"{row['n_official']} official vs {row['n_public']} public; too few for an interval",
        )
    return value, (
        f"95% CI {row['low']:+.2f} to {row['high']:+.2f} · "
        f"{row['n_official']:,} official vs {row['n_public']:,} public"
    )


def speakers(view: pd.DataFrame) -> pd.DataFrame:
    """One row per speaker: main role, statements, mean sentiment and stance, side counts."""
    table = aggregate.summarize(view, "speaker")
    if table.empty:
        return table.assign(role=pd.Series(dtype="object"))
    roles = main_roles(view)
    table.insert(1, "role", table["speaker"].map(roles).fillna("unknown"))
    return table


def main_roles(view: pd.DataFrame) -> pd.Series:
    """speaker -> the role most of their statements carry."""
    return aggregate.dominant(view, by="speaker", column="speaker_role")


def speaker_figure(view: pd.DataFrame, *, n: int = 15) -> go.Figure:
    return charts.fig_top_speakers(aggregate.summarize(view, "speaker"), main_roles(view), n=n)


def top_evidence(
    view: pd.DataFrame, statements: pd.DataFrame, kind: str, *, n: int = 8
) -> pd.DataFrame:
    """Top evidence terms per role, read from a seeded sample when the view is large."""
    sample = aggregate.sample_rows(view, EVIDENCE_SAMPLE)
    return aggregate.top_evidence(statements.loc[sample.index], kind=kind, by="speaker_role", n=n)


def full_rows(statements: pd.DataFrame, index: pd.Index) -> list[dict[str, Any]]:
    """The complete statements (text, evidence, attribution) for the rows a page shows."""
    return [
        {str(k): v for k, v in record.items()}
        for record in statements.loc[index].to_dict("records")
    ]


def page_of(view: pd.DataFrame, *, sort: str, page: int, size: int) -> tuple[pd.DataFrame, int]:
    """Rows of page ``page`` (1-based) after sorting, and the number of pages."""
    pages = max(1, math.ceil(len(view) / size))
    page = min(max(page, 1), pages)
    order = SORTS.get(sort)
    if order is None:
        return view.iloc[(page - 1) * size : page * size], pages
    column, ascending = order
    positions = _ranked(view[column], ascending, page * size)[(page - 1) * size :]
    return view.iloc[positions], pages


def _ranked(column: pd.Series, ascending: bool, k: int) -> np.ndarray[Any, Any]:
    """Positions of the first ``k`` rows in sort order (missing last, ties by position).

    ``argpartition`` finds them in linear time; a full sort of a million rows per page turn
    costs about 0.4 s.
    """
    if column.dtype.kind == "M":
        values = column.to_numpy(dtype="datetime64[ns]").view("int64").astype("float64")
        values[column.isna().to_numpy()] = np.nan
    else:
        values = column.to_numpy(dtype="float64", na_value=np.nan)
    keys = values if ascending else -values
    keys = np.where(np.isnan(keys), np.inf, keys)
    k = min(k, len(keys))
    if k == 0:
        return np.empty(0, dtype=np.int64)
    head = np.argpartition(keys, k - 1)[:k] if k < len(keys) else np.arange(len(keys))
    cut = keys[head].max()
    head = np.flatnonzero(keys <= cut) if np.isfinite(cut) else head  # keep every tie
    order = np.lexsort((head, keys[head]))
    return head[order][:k]


def share(part: int, total: int) -> float:
    """``part`` of ``total``; NaN (shown as "–") when there is nothing to divide."""
    return float(part) / total if total else float("nan")


def modified(path: Path) -> float:
    """A file's change time, 0 once it is gone: a cache key that moves when the file does."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


__all__ = [
    "Overview",
    "gap_text",
    "modified",
    "overview",
    "page_of",
    "share",
    "speakers",
    "top_evidence",
]


def gap_figure(view: pd.DataFrame) -> go.Figure:
    return charts.fig_gap_by_day(view)
