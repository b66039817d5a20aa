"""A DuckDB project in the dashboard: every page asks the file in SQL, never loads every row.

``reaction-lens dashboard story.duckdb`` opens "project mode". The pages draw what this module
computes with :mod:`analysis.project_views` (counts, group summaries, histogram bins, time
buckets, a seeded sample of points, one page of rows), through the same chart builders as the
in-memory pages, so a million statements cost a few megabytes and tens of milliseconds per
question. No Streamlit here: the benchmark calls these functions too.

The file is opened read-only and only while a page is drawn (:class:`Reader`): DuckDB lets one
process write a file at a time, and an open reader would stop ``reaction-lens analyze
--project`` from appending.
"""

from __future__ import annotations

import dataclasses
import io
import json
from collections import OrderedDict
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis import aggregate, project_views
from analysis.learn import Correction
from analysis.project_views import Where
from analysis.stance import Target
from analysis.store import Project, open_project
from dashboard import charts, export, filters, views

OPEN_WAIT = 3.0  # seconds to wait for a writer before telling the analyst to try again
EXPORT_ROWS = 100_000  # downloads built in the browser session hold at most this many rows
# the Speakers table lists the most active speakers; the rest are a filter away
SPEAKER_ROWS = 1_000
CSV_BATCH = 50_000
SEARCHES_KEPT = 4  # text searches whose matching rows a session keeps (8 bytes per match)


@dataclass(eq=False)
class ProjectSource:
    """What the dashboard knows of an open project without reading its statements."""

    path: Path
    modified: float  # the file's mtime when described: a new import or re-score changes it
    statements: int  # current statements
    choices: dict[str, list[str]]
    bounds: tuple[date, date] | None
    target: Target | None
    manifest: dict[str, Any]
    runs: pd.DataFrame
    sources: pd.DataFrame  # one row per imported source, with its accounting
    skipped: pd.DataFrame  # skipped rows counted per source and reason
    corrections: list[Correction]  # the analyst's, which imports and re-scores apply

    @property
    def origin(self) -> str:
        return f"project {self.path.name}"

    @property
    def token(self) -> str:
        """Changes whenever the file does: memoised results are keyed by it."""
        return f"{self.path}\x00{self.modified}"

    def changed(self) -> bool:
        """Whether the file was written since it was described (e.g. by a concurrent import)."""
        return views.modified(self.path) != self.modified


def describe(path: Path) -> ProjectSource:
    """Open ``path`` read-only and read its runs, sources, filter choices and size."""
    path = Path(path).resolve()
    modified = views.modified(path)
    with open_project(path, create=False, read_only=True, wait=OPEN_WAIT) as project:
        runs = project.runs()
        manifest = project.manifest(int(runs["run_id"].max())) if len(runs) else {}
        return ProjectSource(
            path=path,
            modified=modified,
            statements=project_views.count(project, Where()),
            choices=project_views.choices(project, speakers=filters.SPEAKER_OPTIONS),
            bounds=project_views.date_bounds(project),
            target=Target.from_dict(manifest.get("target")),
            manifest=manifest,
            runs=runs,
            sources=project.sources(),
            skipped=project_views.skipped_reasons(project),
            corrections=project.corrections(),
        )


class Reader:
    """One read-only connection for one script run: opened on first use, closed at its end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stack: ExitStack | None = None
        self._project: Project | None = None
        self._search: str | None = None  # the text search whose hits the connection holds
        #: seqs each recent text search matched: a new filter under the same search (a new
        #: connection, next rerun) joins them instead of scanning every text again
        self._hits: OrderedDict[tuple[str, float], np.ndarray[Any, np.dtype[np.int64]]] = (
            OrderedDict()
        )

    def __call__(self) -> Project:
        if self._project is None:
            stack = ExitStack()
            self._project = stack.enter_context(
                open_project(self.path, create=False, read_only=True, wait=OPEN_WAIT)
            )
            self._stack = stack
        return self._project

    def narrow(self, w: Where) -> Where:
        """``w`` with its text search run once per connection (see project_views.narrow)."""
        if w.search is None:
            return w
        key = (w.search, views.modified(self.path))  # a new import changes what a search finds
        known = self._hits.get(key)
        same = self._search == w.search
        narrowed = project_views.narrow(self(), w, searched=same, hits=None if same else known)
        if known is None:
            self._hits[key] = project_views.search_hits(self(), w)
            while len(self._hits) > SEARCHES_KEPT:
                self._hits.popitem(last=False)
        self._search = w.search
        return narrowed

    def close(self) -> None:
        if self._stack is not None:
            self._stack.close()
        self._stack = self._project = self._search = None


def selection(chosen: filters.Filters) -> Where:
    """The sidebar's filters as a parameterised WHERE clause."""
    return project_views.where(**dataclasses.asdict(chosen))


def overview(project: Project, w: Where) -> views.Overview:
    """The Overview page's numbers and figures, as :func:`dashboard.views.overview` gives them
    for a table in memory, from about ten SQL aggregates (``w`` already narrowed)."""
    head = project_views.headline(project, w)
    counts = project_views.breakdown(project, w)
    points = w.also("sentiment_compound IS NOT NULL AND stance_score IS NOT NULL")
    sample = project_views.sample(project, points, charts.MAX_POINTS, of=head.scored)
    return views.Overview(
        statements=head.statements,
        speakers=head.speakers,
        favor_share=views.share(head.favor, head.labelled),
        against_share=views.share(head.against, head.labelled),
        gap=project_views.official_public_gap(project, w, sides=counts.sides),
        figures={
            "sentiment": charts.fig_sentiment_counts(counts.histogram),
            "stance_by_role": charts.fig_stance_share(counts.share),
            "quadrant": charts.fig_quadrant(sample, total=head.scored),
            "timeline": timeline(project, w, head),
            "cross_table": charts.fig_sentiment_stance(counts.cross),
        },
    )


def timeline(project: Project, w: Where, head: project_views.Headline) -> go.Figure:
    """Comments (else all statements) per hour, day or week, official statements marked."""
    counted = w.also("source_kind = 'comment'") if head.comments else w
    span = head.comment_span if head.comments else head.span
    times = pd.Series([] if span is None else list(span), dtype="datetime64[ns, UTC]")
    freq = charts.pick_frequency(pd.DataFrame({"posted_at": times}))
    official = w.isin("speaker_role", aggregate.OFFICIAL_ROLES).also("posted_at IS NOT NULL")
    return charts.fig_timeline_from(
        project_views.by_time(project, counted, freq=freq),
        freq=freq,
        comments=head.comments > 0,
        dated=project_views.sample(project, official, charts.MAX_MARKERS, of=head.official_dated),
        dated_total=head.official_dated,
        undated=head.official - head.official_dated,
    )


def gap_by_day(project: Project, w: Where) -> tuple[pd.DataFrame, go.Figure]:
    """The official − public gap per day, as a table and a figure."""
    days = project_views.gap_by_day(project, w)
    return days, charts.fig_gap_days(days)


def top_evidence(project: Project, w: Where, kind: str, *, n: int = 8) -> pd.DataFrame:
    """Top evidence terms per role, read from a seeded sample of the matching rows."""
    columns = ("speaker_role", f"{kind}_evidence")
    rows = project_views.sample(project, w, views.EVIDENCE_SAMPLE, columns=columns)
    return aggregate.top_evidence(rows, kind=kind, by="speaker_role", n=n)


def speakers(project: Project, w: Where, *, limit: int = SPEAKER_ROWS) -> pd.DataFrame:
    """The ``limit`` most active speakers: main role, statements, means, side counts (as
    :func:`dashboard.views.speakers`)."""
    table = project_views.summarize(project, w, "speaker", limit=limit)
    roles = project_views.dominant_roles(project, w, table["speaker"].tolist())
    table.insert(1, "role", table["speaker"].map(roles).fillna("unknown"))
    return table


def speaker_figure(table: pd.DataFrame, *, n: int = 15) -> go.Figure:
    """The most quoted speakers, coloured by role, from :func:`speakers`' table."""
    roles = pd.Series(table["role"].to_numpy(), index=table["speaker"].to_numpy())
    return charts.fig_top_speakers(table.drop(columns="role"), roles, n=n)


def explorer(project: Project, w: Where, *, sort: str, page: int, size: int) -> pd.DataFrame:
    """Page ``page`` (1-based) of the matching statements in the order ``sort`` names
    (a key of :data:`dashboard.views.SORTS`), indexed by ``seq``."""
    order = views.SORTS.get(sort)
    column, ascending = (None, True) if order is None else order
    offset = (max(page, 1) - 1) * size
    return project_views.page(
        project, w, offset=offset, limit=size, sort=column, ascending=bool(ascending)
    )


def records(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as the dicts :func:`dashboard.render.statement_card` draws."""
    return views.full_rows(rows, rows.index)


def export_rows(project: Project, w: Where, *, limit: int = EXPORT_ROWS) -> pd.DataFrame:
    """At most ``limit`` matching statements in import order (the caller says how many more)."""
    parts = []
    taken = 0
    for part in project_views.batches(project, w, size=min(limit, CSV_BATCH) or 1):
        parts.append(part.head(limit - taken))
        taken += len(parts[-1])
        if taken >= limit:
            break
    if not parts:
        return project_views.page(project, w, offset=0, limit=0)
    return pd.concat(parts, ignore_index=True)


def write_csv(project: Project, w: Where, out: BinaryIO, *, batch: int = CSV_BATCH) -> int:
    """Stream the matching statements to ``out`` as the Export page's CSV (BOM, formulas
    neutralised), one batch in memory at a time; returns the rows written."""
    written = 0
    for part in project_views.batches(project, w, size=batch):
        out.write(export.to_csv(part, first=written == 0))
        written += len(part)
    if written == 0:
        out.write(export.to_csv(project_views.page(project, w, offset=0, limit=0)))
    return written


def csv_bytes(project: Project, w: Where) -> bytes:
    buffer = io.BytesIO()
    write_csv(project, w, buffer)
    return buffer.getvalue()


def download(path: Path, w: Where, fmt: str, manifest: dict[str, Any]) -> bytes:
    """The Export page's file of the matching statements (at most :data:`EXPORT_ROWS`), built
    when clicked, on its own read-only connection (the page's one is closed by then)."""
    with open_project(path, create=False, read_only=True, wait=OPEN_WAIT) as opened:
        if fmt == "csv":
            limited = w.also(
                f"seq IN (SELECT seq FROM statements WHERE {w.sql} ORDER BY seq LIMIT ?)",
                *w.params,
                EXPORT_ROWS,
            )
            return csv_bytes(opened, limited)
        rows = export_rows(opened, w)
    if fmt == "json":
        return export.to_json(rows, manifest)
    return export.to_parquet(rows, manifest)


def sources_table(source: ProjectSource) -> pd.DataFrame:
    """The Data page's accounting: one row per source, skipped rows with their reasons."""
    reasons: dict[str, list[str]] = {}
    for name, reason, n in source.skipped[["source", "reason", "rows"]].to_numpy().tolist():
        reasons.setdefault(str(name), []).append(f"{reason}: {int(n):,}")
    table = source.sources
    return pd.DataFrame(
        {
            "source": table["source"],
            "layout": table["layout"],
            "rows read": table["rows_read"],
            "statements": table["statements"],
            "skipped": table["skipped"],
            "why skipped": [", ".join(reasons.get(str(s), [])) for s in table["source"]],
            "accounted": [
                "yes" if r == s + k else "NO"
                for r, s, k in zip(
                    table["rows_read"], table["statements"], table["skipped"], strict=True
                )
            ],
            "run": table["run_id"],
            "imported": table["imported_at"],
        }
    )


def runs_table(source: ProjectSource) -> pd.DataFrame:
    """Every run: id, kind, when, statements added and the target's text."""
    runs = source.runs.copy()
    runs["target"] = [_target_text(t) for t in runs["target"]]
    return runs


def _target_text(raw: object) -> str:
    try:
        spec = json.loads(str(raw))
    except ValueError:
        return ""
    return str(spec.get("text", "")) if isinstance(spec, dict) else ""
