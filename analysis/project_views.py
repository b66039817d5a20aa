"""What the dashboard shows of a project, computed in DuckDB: a few rows out, never every row.

A project can hold millions of statements; loading them into pandas costs seconds and a
gigabyte. These read-only queries return what a page draws (counts, per-group summaries,
histogram bins, time buckets, a seeded sample of points, one page of rows) with the same
columns and numbers as the in-memory functions of :mod:`analysis.aggregate`, so the same chart
builders draw both. Filters become a parameterised WHERE clause (:func:`where`): user text is
always a bound parameter, never part of the SQL.

Text search is a case-insensitive literal match (RE2, 0.2–0.4 s per million rows on this
2-core machine); a page that runs several queries under one search calls :func:`narrow` first,
which finds the matching rows once, and a caller may keep them (:func:`search_hits`) for the
next connection.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis import aggregate, schema
from analysis.errors import InputError
from analysis.schema import ROLES, STANCE_LABELS
from analysis.store import Project, registered, share_from_summary

#: Filter field -> statement column (the dashboard's Filters use the same field names).
FILTER_FIELDS = {
    "sources": "source",
    "roles": "speaker_role",
    "speakers": "speaker",
    "platforms": "platform",
    "sentiments": "sentiment_label",
    "stances": "stance_label",
}
GROUP_KEYS = (*schema.CATEGORICAL, "day")
POINT_COLUMNS = (
    "speaker",
    "speaker_role",
    "source_kind",
    "text",
    "posted_at",
    "sentiment_compound",
    "stance_score",
)
SORTABLE = ("posted_at", "sentiment_compound", "stance_score")
_RE2_SPECIAL = set("\\.^$|?*+()[]{}")
_DAY = "date_trunc('day', posted_at AT TIME ZONE 'UTC')"
_HASH_RANGE = 2**64  # DuckDB's hash() is a UBIGINT
_HITS = "_text_hits"  # temporary table of the rows a text search matched (per connection)


@dataclass(frozen=True)
class Where:
    """A WHERE clause over the current statements and its bound parameters."""

    clauses: tuple[str, ...] = ("current",)
    params: tuple[Any, ...] = ()
    search: str | None = None  # the RE2 pattern when a text search is part of the clause

    @property
    def sql(self) -> str:
        return " AND ".join(self.clauses)

    def also(self, clause: str, *params: Any) -> Where:
        """This clause and one more (column names come from code, values are parameters)."""
        return replace(self, clauses=(*self.clauses, clause), params=(*self.params, *params))

    def isin(self, column: str, values: Sequence[str]) -> Where:
        """Also ``column IN (?, ?, …)``: one parameter per value, which DuckDB pushes into the
        scan (an ``IN (SELECT unnest(?))`` list is a join, ~40 % slower per query)."""
        marks = ", ".join("?" * len(values)) or "NULL"
        return self.also(f"{column} IN ({marks})", *(str(v) for v in values))


def where(
    *,
    sources: Sequence[str] = (),
    roles: Sequence[str] = (),
    speakers: Sequence[str] = (),
    platforms: Sequence[str] = (),
    sentiments: Sequence[str] = (),
    stances: Sequence[str] = (),
    start: date | None = None,
    end: date | None = None,
    include_undated: bool = True,
    query: str = "",
) -> Where:
    """The filter the dashboard's sidebar describes, as SQL (same rows as its pandas mask).

    Empty selections mean everything; ``end`` is inclusive; undated statements stay when
    ``include_undated`` (article quotes usually have no time).
    """
    out = Where()
    chosen = {
        "sources": sources,
        "roles": roles,
        "speakers": speakers,
        "platforms": platforms,
        "sentiments": sentiments,
        "stances": stances,
    }
    for name, values in chosen.items():
        if values:
            out = out.isin(FILTER_FIELDS[name], values)
    if start is not None or end is not None:
        out = _dates(out, start, end, include_undated)
    elif not include_undated:
        out = out.also("posted_at IS NOT NULL")
    text = query.strip()
    if text:
        pattern = search_pattern(text)
        out = replace(out.also("regexp_matches(text, ?)", pattern), search=pattern)
    return out


def search_pattern(text: str) -> str:
    """An RE2 pattern matching ``text`` literally, ignoring case."""
    return "(?i)" + "".join("\\" + c if c in _RE2_SPECIAL else c for c in text)


def narrow(
    project: Project,
    w: Where,
    *,
    searched: bool = False,
    hits: np.ndarray[Any, np.dtype[np.int64]] | None = None,
) -> Where:
    """``w`` with its text search run once into a temporary table, so later queries join it.

    A search scans every text (~0.3 s per million rows); a page asks ten questions of the same
    rows. The table lives as long as the connection (read-only files allow temporary tables)
    and holds one search: ``searched=True`` reuses it for the same pattern; ``hits`` (from
    :func:`search_hits`, kept by the caller) fills it without scanning the texts again.
    """
    if w.search is None:
        return w
    index = w.clauses.index("regexp_matches(text, ?)")
    position = sum(c.count("?") for c in w.clauses[:index])
    rest = Where(
        w.clauses[:index] + w.clauses[index + 1 :],
        w.params[:position] + w.params[position + 1 :],
    )
    if hits is not None:
        table = pa.table({"seq": pa.array(hits, pa.int64())})
        with registered(project.con, "_hits_given", table):
            sql = f"CREATE OR REPLACE TEMP TABLE {_HITS} AS SELECT seq FROM _hits_given"
            project.con.execute(sql).fetchall()
    elif not searched:
        sql = (
            f"CREATE OR REPLACE TEMP TABLE {_HITS} AS "
            "SELECT seq FROM statements WHERE current AND regexp_matches(text, ?)"
        )
        project.con.execute(sql, [w.search]).fetchall()
    return rest.also(f"seq IN (SELECT seq FROM {_HITS})")


def search_hits(project: Project, w: Where) -> np.ndarray[Any, np.dtype[np.int64]]:
    """The ``seq`` of every current statement ``w``'s text search matches (after
    :func:`narrow`, from its table), to keep and pass back as ``narrow(hits=...)``."""
    if w.search is None:
        raise InputError("search_hits needs a Where with a text search")
    column = project.con.execute(f"SELECT seq FROM {_HITS} ORDER BY seq").fetchnumpy()["seq"]
    return np.asarray(column, dtype=np.int64)


def count(project: Project, w: Where) -> int:
    """How many current statements match."""
    return int(_scalar(project, f"SELECT count(*) FROM statements WHERE {w.sql}", w.params))


def speaker_count(project: Project, w: Where) -> int:
    """How many distinct speakers the matching statements have."""
    sql = f"SELECT count(DISTINCT speaker) FROM statements WHERE {w.sql}"
    return int(_scalar(project, sql, w.params))


@dataclass(frozen=True)
class Headline:
    """The Overview's counts, from one scan: statements, distinct speakers, stance labels, and
    what its charts need (comments, official statements with and without a time, statements
    with both scores, and the time span of all statements and of the comments)."""

    statements: int
    speakers: int
    favor: int
    against: int
    labelled: int
    comments: int = 0
    official: int = 0
    official_dated: int = 0
    scored: int = 0
    span: tuple[pd.Timestamp, pd.Timestamp] | None = None
    comment_span: tuple[pd.Timestamp, pd.Timestamp] | None = None


def headline(project: Project, w: Where) -> Headline:
    """The :class:`Headline` of the matching rows."""
    official = f"speaker_role IN ({_literals(aggregate.OFFICIAL_ROLES)})"
    comment = "source_kind = 'comment'"
    sql = (
        "SELECT count(*), count(DISTINCT speaker), "
        "count(*) FILTER (WHERE stance_label = 'favor'), "
        "count(*) FILTER (WHERE stance_label = 'against'), count(stance_label), "
        f"count(*) FILTER (WHERE {comment}), "
        f"count(*) FILTER (WHERE {official}), "
        f"count(*) FILTER (WHERE {official} AND posted_at IS NOT NULL), "
        "count(*) FILTER (WHERE sentiment_compound IS NOT NULL AND stance_score IS NOT NULL), "
        f"min(posted_at), max(posted_at), min(posted_at) FILTER (WHERE {comment}), "
        f"max(posted_at) FILTER (WHERE {comment}) FROM statements WHERE {w.sql}"
    )
    row = project.con.execute(sql, list(w.params)).fetchone() or (0,) * 9 + (None,) * 4
    n = [int(v or 0) for v in row[:9]]
    return Headline(
        statements=n[0],
        speakers=n[1],
        favor=n[2],
        against=n[3],
        labelled=n[4],
        comments=n[5],
        official=n[6],
        official_dated=n[7],
        scored=n[8],
        span=_span(row[9], row[10]),
        comment_span=_span(row[11], row[12]),
    )


def _span(first: Any, last: Any) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    if first is None or last is None:
        return None
    return pd.Timestamp(first).tz_convert("UTC"), pd.Timestamp(last).tz_convert("UTC")


def summarize(
    project: Project, w: Where, by: str | Sequence[str], *, limit: int | None = None
) -> pd.DataFrame:
    """:func:`analysis.aggregate.summarize` in SQL: same columns, order and numbers.

    ``by`` names categorical columns or ``"day"`` (UTC day of ``posted_at``); ``limit`` keeps
    the largest groups only (the speakers of a million comments).
    """
    keys = _keys(by)
    exprs = ", ".join(f"{_key_sql(k)} AS {k}" for k in keys)
    present = " AND ".join(f"{_key_sql(k)} IS NOT NULL" for k in keys)
    counts = ", ".join(
        f"count(*) FILTER (WHERE stance_label = '{s}') AS {s}" for s in STANCE_LABELS
    )
    sql = (
        f"SELECT {exprs}, count(*) AS statements, avg(sentiment_compound) AS mean_sentiment, "
        f"avg(stance_score) AS mean_stance, {counts} FROM statements "
        f"WHERE {w.sql} AND {present} GROUP BY ALL ORDER BY statements DESC, {', '.join(keys)}"
    )
    params = list(w.params)
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    out = project.con.execute(sql, params).df()
    return _summary_types(out, keys)


def stance_share(project: Project, w: Where, *, by: str = "speaker_role") -> pd.DataFrame:
    """:func:`analysis.aggregate.stance_share` from :func:`summarize` (a few rows, not all)."""
    wide = summarize(project, w, by)
    return share_from_summary(wide, by)


def sentiment_histogram(
    project: Project, w: Where, *, column: str = "sentiment_compound", bins: int = 40
) -> pd.DataFrame:
    """:func:`analysis.aggregate.sentiment_histogram` in SQL, bin for bin as ``np.histogram``."""
    if column not in SORTABLE[1:]:
        raise InputError(f"histogram of {column!r}; valid: {list(SORTABLE[1:])}")
    coarse, edge = _bin_sql(column, bins)
    sql = (
        f"SELECT {coarse} AS bin, {edge} AS edge, count(*) AS n FROM statements "
        f"WHERE {w.sql} AND {column} IS NOT NULL GROUP BY ALL"
    )
    return _histogram(project.con.execute(sql, list(w.params)).df(), bins)


def _bin_sql(column: str, bins: int) -> tuple[str, str]:
    """SQL for a row's bin over ``HIST_RANGE`` and, when its value sits on a bin edge (within
    float error), the value itself: :func:`_histogram` places those few values with numpy, so
    every count is the one ``np.histogram`` gives."""
    low, high = aggregate.HIST_RANGE
    x = f"greatest(least({column}, {high}), {low})"
    scaled = f"(({x} - ({low})) * {bins / (high - low)})"
    coarse = f"least(CAST(trunc({scaled}) AS BIGINT), {bins - 1})"
    edge = f"CASE WHEN abs({scaled} - round({scaled})) < 1e-6 THEN {x} END"
    return coarse, edge


def _histogram(groups: pd.DataFrame, bins: int) -> pd.DataFrame:
    """Counts per bin from (bin, edge, n) groups; edge values are binned as numpy bins them."""
    edges = np.linspace(*aggregate.HIST_RANGE, bins + 1)
    groups = groups.dropna(subset=["bin"])
    on_edge = groups["edge"].notna().to_numpy()
    index = groups["bin"].to_numpy(dtype=np.int64).copy()
    values = groups["edge"].to_numpy(dtype=np.float64, na_value=np.nan)[on_edge]
    index[on_edge] = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, bins - 1)
    counts = np.bincount(index, weights=groups["n"].to_numpy(dtype=np.float64), minlength=bins)
    return pd.DataFrame(
        {"left": edges[:-1], "right": edges[1:], "statements": counts.astype(np.int64)}
    )


@dataclass(frozen=True)
class Breakdown:
    """The Overview's three count tables, from one scan (see :func:`breakdown`)."""

    histogram: pd.DataFrame  # as sentiment_histogram
    share: pd.DataFrame  # as stance_share by speaker_role
    cross: pd.DataFrame  # as sentiment_stance_table
    #: count, mean and spread of each gap metric for the official and public sides, ready for
    #: :func:`official_public_gap` (``sides=``), which then needs no scan of its own
    sides: tuple[tuple[Any, ...], ...] = ()


def breakdown(project: Project, w: Where, *, bins: int = 40) -> Breakdown:
    """:func:`sentiment_histogram`, :func:`stance_share` by role and
    :func:`sentiment_stance_table` from one GROUP BY (role × labels × bin, a few hundred
    groups): a million rows are read once instead of three times."""
    coarse, edge = _bin_sql("sentiment_compound", bins)
    moments = ", ".join(
        f"count({m}) AS {m}_n, sum({m}) AS {m}_sum, sum({m} * {m}) AS {m}_sq"
        for m in aggregate.GAP_METRICS
    )
    sql = (
        "SELECT speaker_role, sentiment_label, stance_label, "
        f"{coarse} AS bin, {edge} AS edge, count(*) AS n, {moments} "
        f"FROM statements WHERE {w.sql} GROUP BY ALL"
    )
    cube = project.con.execute(sql, list(w.params)).df()
    histogram = _histogram(cube[["bin", "edge", "n"]], bins)
    return Breakdown(histogram, _share_of(cube), _cross_of(cube), _sides_of(cube))


def _sides_of(cube: pd.DataFrame) -> tuple[tuple[Any, ...], ...]:
    """Per gap side: rows, then count, mean and sample standard deviation of each metric
    (from sums and sums of squares: scores live in [-1, 1], so no precision is lost)."""
    roles = cube["speaker_role"].astype("object")
    out = []
    for side, members in (
        ("official", aggregate.OFFICIAL_ROLES),
        ("public", aggregate.PUBLIC_ROLES),
    ):
        part = cube[roles.isin(list(members)).to_numpy(dtype=bool)]
        if part.empty:
            continue
        row: list[Any] = [None, side, int(part["n"].sum())]
        for m in aggregate.GAP_METRICS:
            n = int(part[f"{m}_n"].sum())
            total = float(part[f"{m}_sum"].sum())
            squares = float(part[f"{m}_sq"].sum())
            mean = total / n if n else None
            var = (squares - total * total / n) / (n - 1) if n > 1 else None
            row += [n, mean, None if var is None else math.sqrt(max(var, 0.0))]
        out.append(tuple(row))
    return tuple(out)


def _share_of(cube: pd.DataFrame) -> pd.DataFrame:
    rows = cube.dropna(subset=["speaker_role", "stance_label"])
    wide = rows.pivot_table(
        index="speaker_role", columns="stance_label", values="n", aggfunc="sum", fill_value=0
    )
    wide = wide.reindex(columns=list(STANCE_LABELS), fill_value=0).reset_index()
    wide["speaker_role"] = wide["speaker_role"].astype("object")
    return share_from_summary(wide, "speaker_role")


def _cross_of(cube: pd.DataFrame) -> pd.DataFrame:
    rows = cube.dropna(subset=["sentiment_label", "stance_label"])
    table = rows.pivot_table(
        index="sentiment_label", columns="stance_label", values="n", aggfunc="sum", fill_value=0
    )
    table = table.reindex(
        index=["positive", "neutral", "negative"], columns=["favor", "neutral", "against"]
    )
    table = table.fillna(0).astype("int64")
    table.index.name, table.columns.name = "sentiment_label", "stance_label"
    return table


def sentiment_stance_table(project: Project, w: Where) -> pd.DataFrame:
    """:func:`analysis.aggregate.sentiment_stance_table` in SQL."""
    sql = (
        "SELECT sentiment_label, stance_label, count(*) FROM statements "
        f"WHERE {w.sql} AND sentiment_label IS NOT NULL AND stance_label IS NOT NULL GROUP BY ALL"
    )
    rows, cols = ["positive", "neutral", "negative"], ["favor", "neutral", "against"]
    table = pd.DataFrame(0, index=rows, columns=cols, dtype="int64")
    for sentiment, stance, n in project.con.execute(sql, list(w.params)).fetchall():
        if sentiment in table.index and stance in table.columns:
            table.loc[sentiment, stance] = int(n)
    table.index.name, table.columns.name = "sentiment_label", "stance_label"
    return table


def time_span(project: Project, w: Where) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last ``posted_at`` of the matching rows (None when none has a time)."""
    sql = f"SELECT min(posted_at), max(posted_at) FROM statements WHERE {w.sql}"
    row = project.con.execute(sql, list(w.params)).fetchone()
    if row is None or row[0] is None:
        return None
    return pd.Timestamp(row[0]).tz_convert("UTC"), pd.Timestamp(row[1]).tz_convert("UTC")


def by_time(project: Project, w: Where, *, freq: str = "D") -> pd.DataFrame:
    """:func:`analysis.aggregate.by_time` in SQL: every bucket from first to last, empty ones
    with zero counts (buckets start at multiples of ``freq`` since the Unix epoch, UTC)."""
    step = _step_us(freq)
    bucket = f"epoch_us(posted_at) // {step}"
    counts = ", ".join(
        f"count(*) FILTER (WHERE stance_label = '{s}') AS {s}" for s in STANCE_LABELS
    )
    sql = (
        f"SELECT {bucket} AS b, count(*) AS statements, avg(sentiment_compound) AS "
        f"mean_sentiment, avg(stance_score) AS mean_stance, {counts} FROM statements "
        f"WHERE {w.sql} AND posted_at IS NOT NULL GROUP BY b ORDER BY b"
    )
    found = project.con.execute(sql, list(w.params)).df()
    columns = ["bucket", "statements", "mean_sentiment", "mean_stance", *STANCE_LABELS]
    if found.empty:
        out = _summary_types(pd.DataFrame(columns=columns), ["bucket"])
        # what aggregate.by_time gives for no dated row (pandas infers the unit of an empty one)
        out["bucket"] = pd.to_datetime(np.arange(0) * step * 1000, utc=True)
        return out
    first, last = int(found["b"].min()), int(found["b"].max())
    full = found.set_index("b").reindex(range(first, last + 1))
    out = pd.DataFrame({"bucket": pd.to_datetime(full.index * step * 1000, utc=True)})
    for column in columns[1:]:
        values = full[column].to_numpy()
        out[column] = values if column.startswith("mean") else np.nan_to_num(values, nan=0)
    out = _summary_types(out, ["bucket"])
    out["bucket"] = pd.to_datetime(out["bucket"], utc=True)
    return out


def sample(
    project: Project,
    w: Where,
    n: int,
    *,
    columns: Sequence[str] = POINT_COLUMNS,
    of: int | None = None,
) -> pd.DataFrame:
    """At most ``n`` matching rows, the same ones every time (the ``n`` smallest hashes of
    their ``seq``), in import order, indexed by ``seq`` so a click on a point can fetch it.

    ``of`` is how many rows match, when known: then only rows whose hash falls in the lowest
    ``2n/of`` of its range are sorted (the same rows, without ordering a million hashes).
    """
    bad = [c for c in columns if c not in schema.COLUMNS]
    if bad:
        raise InputError(f"unknown statement columns {bad}")
    picked = f"SELECT seq FROM statements WHERE {w.sql}"
    params: list[Any] = list(w.params)
    if of is not None and of > 2 * n:
        picked += " AND hash(seq) < ?"
        params.append(int(_HASH_RANGE * 2 * n / of))
    sql = (
        f"SELECT seq, {', '.join(columns)} FROM statements WHERE current AND seq IN "
        f"({picked} ORDER BY hash(seq), seq LIMIT ?) ORDER BY seq"
    )
    out = project.con.execute(sql, [*params, int(n)]).df()
    if of is not None and of > 2 * n and len(out) < min(n, of):
        return sample(project, w, n, columns=columns)  # an unlucky spread of hashes
    return _typed(out.set_index("seq"), columns)


def official_public_gap(
    project: Project,
    w: Where,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    exact_limit: int = 5000,
    sides: Sequence[tuple[Any, ...]] | None = None,
) -> pd.DataFrame:
    """:func:`analysis.aggregate.official_public_gap` without reading the rows.

    A group above ``exact_limit`` statements needs only its count, mean and standard deviation
    (its bootstrap means are drawn from their normal limit, as in-memory); a smaller group's
    scores are read, at most ``exact_limit`` numbers. Same seeded draws, same numbers.
    ``sides`` are the counts :func:`breakdown` already made (then no scan is needed for them).
    """
    groups = _gap_groups(project, w, exact_limit, by_day=False, found=sides)
    rng = np.random.default_rng(seed)
    return _gap_table(groups.get(None, {}), rng, n_boot, level, exact_limit)


def gap_by_day(
    project: Project, w: Where, *, seed: int = 0, exact_limit: int = 5000, n_boot: int = 1000
) -> pd.DataFrame:
    """:func:`analysis.aggregate.gap_by_day` in SQL: each day with dated rows draws from its
    own generator (numbered in day order, as in-memory)."""
    groups = _gap_groups(project, w.also("posted_at IS NOT NULL"), exact_limit, by_day=True)
    parts = []
    for number, day in enumerate(sorted(groups)):  # every day with a dated row, any role
        rng = np.random.default_rng(seed * 100_003 + number)
        table = _gap_table(groups[day], rng, n_boot, 0.95, exact_limit)
        parts.append(table.assign(day=pd.Timestamp(int(day) * 86_400, unit="s", tz="UTC")))
    columns = ["day", *_GAP_COLUMNS]
    if not parts:
        return pd.DataFrame(columns=columns).astype({"day": "datetime64[ns, UTC]"})
    out = pd.concat(parts, ignore_index=True)[columns]
    return out.astype({"day": "datetime64[ns, UTC]"})


def dominant_roles(project: Project, w: Where, speakers: Sequence[str]) -> pd.Series:
    """speaker -> the role most of their matching statements carry (ties: alphabetical)."""
    if not speakers:
        return pd.Series(dtype="object")
    sql = (
        "SELECT speaker, speaker_role FROM (SELECT speaker, speaker_role, row_number() OVER "
        "(PARTITION BY speaker ORDER BY count(*) DESC, speaker_role) AS rank FROM statements "
        f"WHERE {w.sql} AND speaker IN (SELECT unnest(?)) AND speaker_role IS NOT NULL "
        "GROUP BY speaker, speaker_role) WHERE rank = 1"
    )
    rows = project.con.execute(sql, [*w.params, [str(s) for s in speakers]]).fetchall()
    found = {str(s): str(r) for s, r in rows}
    return pd.Series(found, dtype="object")


def choices(project: Project, *, speakers: int = 500) -> dict[str, list[str]]:
    """Values each sidebar filter offers: labels in schema order, the ``speakers`` most
    frequent speakers (as ``dashboard.filters.options`` does in memory)."""
    out: dict[str, list[str]] = {}
    order = {"roles": ROLES, "sentiments": schema.SENTIMENT_LABELS, "stances": STANCE_LABELS}
    for name, column in FILTER_FIELDS.items():
        if name == "speakers":
            sql = (
                "SELECT speaker FROM statements WHERE current AND speaker IS NOT NULL "
                "GROUP BY speaker ORDER BY count(*) DESC, speaker LIMIT ?"
            )
            out[name] = [str(r[0]) for r in project.con.execute(sql, [speakers]).fetchall()]
            continue
        sql = f"SELECT DISTINCT {column} FROM statements WHERE current AND {column} IS NOT NULL"
        present = sorted(str(r[0]) for r in project.con.execute(sql).fetchall())
        known = order.get(name, ())
        out[name] = [v for v in known if v in present] + [v for v in present if v not in known]
    return out


def date_bounds(project: Project) -> tuple[date, date] | None:
    """First and last UTC day with a statement (None when no statement has a time)."""
    span = time_span(project, Where())
    return None if span is None else (span[0].date(), span[1].date())


def page(
    project: Project,
    w: Where,
    *,
    offset: int,
    limit: int,
    sort: str | None = None,
    ascending: bool = True,
) -> pd.DataFrame:
    """Rows ``offset`` .. ``offset + limit - 1`` in import order or sorted by ``sort``
    (missing values last, ties in import order), as a schema table indexed by ``seq``."""
    if offset < 0 or limit < 0:
        raise InputError(f"page offset {offset} and limit {limit} must be 0 or more")
    if sort is not None and sort not in SORTABLE:
        raise InputError(f"cannot sort statements by {sort!r}; valid: {list(SORTABLE)}")
    order = "seq" if sort is None else f"{sort} {'ASC' if ascending else 'DESC'} NULLS LAST, seq"
    # Pick the page's seqs on narrow columns first, then read only those wide rows.
    picked = f"SELECT seq FROM statements WHERE {w.sql} ORDER BY {order} LIMIT ? OFFSET ?"
    sql = (
        f"SELECT s.seq, {', '.join('s.' + c for c in schema.COLUMNS)} FROM statements s "
        f"JOIN ({picked}) p USING (seq) WHERE s.current ORDER BY {_prefixed(order)}"
    )
    out = project.con.execute(sql, [*w.params, int(limit), int(offset)]).df()
    seqs = out.pop("seq")
    table = schema.validate(out)
    table.index = pd.Index(seqs.astype("int64"), name="seq")
    return table


def rows(project: Project, seqs: Sequence[int]) -> pd.DataFrame:
    """The current statements with these ``seq`` numbers (a click on a chart point)."""
    sql = (
        f"SELECT seq, {', '.join(schema.COLUMNS)} FROM statements "
        "WHERE current AND seq IN (SELECT unnest(?)) ORDER BY seq"
    )
    out = project.con.execute(sql, [[int(s) for s in seqs]]).df()
    seq = out.pop("seq")
    table = schema.validate(out)
    table.index = pd.Index(seq.astype("int64"), name="seq")
    return table


def batches(project: Project, w: Where, *, size: int = 50_000) -> Iterator[pd.DataFrame]:
    """The matching statements in import order, ``size`` rows at a time (for a streamed export:
    one batch in memory at a time)."""
    sql = f"SELECT {', '.join(schema.COLUMNS)} FROM statements WHERE {w.sql} ORDER BY seq"
    reader = project.con.sql(sql, params=list(w.params)).to_arrow_reader(size)
    for batch in reader:
        yield schema.validate(batch.to_pandas())


def skipped_reasons(project: Project) -> pd.DataFrame:
    """Skipped rows counted per source and reason (the raw rows stay in the project)."""
    sql = (
        "SELECT source, reason, count(*) AS rows FROM skipped GROUP BY ALL "
        "ORDER BY source, rows DESC, reason"
    )
    return project.con.execute(sql).df()


def skipped_rows(project: Project, source: str, *, limit: int = 100) -> pd.DataFrame:
    """The first ``limit`` skipped rows of ``source``: row number, reason and the raw text."""
    sql = "SELECT row, reason, raw FROM skipped WHERE source = ? ORDER BY run_id, row LIMIT ?"
    return project.con.execute(sql, [source, int(limit)]).df()


# ---------------------------------------------------------------------- internals

_GAP_COLUMNS = [
    "metric",
    "official_mean",
    "public_mean",
    "gap",
    "low",
    "high",
    "n_official",
    "n_public",
    "method",
]


@dataclass(frozen=True)
class _Group:
    """One side of the gap for one metric: its size, mean, spread, and scores when small."""

    n: int
    mean: float
    std: float
    values: np.ndarray[Any, np.dtype[np.float64]] | None


_Groups = dict[Any, dict[tuple[str, str], _Group]]  # day (None: all) -> (side, metric) -> group


def _gap_groups(
    project: Project,
    w: Where,
    exact_limit: int,
    *,
    by_day: bool,
    found: Sequence[tuple[Any, ...]] | None = None,
) -> _Groups:
    """Count, mean and spread of each side (and day) in one scan; the scores of small groups in
    a second query (in import order, as the in-memory frame holds them)."""
    official = _literals(aggregate.OFFICIAL_ROLES)
    public = _literals(aggregate.PUBLIC_ROLES)
    side = (
        f"CASE WHEN speaker_role IN ({official}) THEN 'official' "
        f"WHEN speaker_role IN ({public}) THEN 'public' ELSE 'other' END"
    )
    # Days as whole days since the epoch (UTC): integer arithmetic, no time zone lookups.
    day = "epoch_us(posted_at) // 86400000000" if by_day else "NULL"
    base = (
        f"SELECT {day} AS day, {side} AS side, seq, {', '.join(aggregate.GAP_METRICS)} "
        f"FROM statements WHERE {w.sql}"
    )
    params = list(w.params)
    stats = ", ".join(f"count({m}), avg({m}), stddev_samp({m})" for m in aggregate.GAP_METRICS)
    if found is None:
        sql = f"SELECT day, side, count(*), {stats} FROM ({base}) GROUP BY ALL"
        found = project.con.execute(sql, params).fetchall()
    small = [(d, s) for d, s, rows, *_ in found if s != "other" and rows <= exact_limit]
    values = _small_values(project, base, params, small)
    out: _Groups = {}
    for d, s, _, *numbers in found:
        for i, metric in enumerate(aggregate.GAP_METRICS):
            n, mean, std = numbers[3 * i : 3 * i + 3]
            group = _Group(
                int(n),
                float("nan") if mean is None else float(mean),
                float("nan") if std is None else float(std),
                values.get((d, s, metric)) if n <= exact_limit else None,
            )
            out.setdefault(d, {})[(s, metric)] = group
    return out


def _small_values(
    project: Project, base: str, params: list[Any], small: list[tuple[Any, str]]
) -> dict[tuple[Any, str, str], np.ndarray[Any, np.dtype[np.float64]]]:
    """The scores of the groups small enough to bootstrap exactly, one query per side."""
    out: dict[tuple[Any, str, str], np.ndarray[Any, np.dtype[np.float64]]] = {}
    metrics = aggregate.GAP_METRICS
    for side in sorted({s for _, s in small}):
        days = [d for d, s in small if s == side and d is not None]
        undated = any(d is None for d, s in small if s == side)
        sql = (
            f"SELECT day, {', '.join(metrics)} FROM ({base}) WHERE side = ? AND "
            "(day IN (SELECT unnest(?)) OR (? AND day IS NULL)) ORDER BY seq"
        )
        found = project.con.execute(sql, [*params, side, days, undated]).df()
        for day, rows in found.groupby("day", dropna=False, sort=False):
            key = None if pd.isna(day) else int(cast(int, day))
            for metric in metrics:
                scores = rows[metric].dropna().to_numpy(dtype=np.float64)
                out[(key, side, metric)] = scores
    return out


_NONE = _Group(0, float("nan"), float("nan"), None)


def _gap_table(
    groups: dict[tuple[str, str], _Group],
    rng: np.random.Generator,
    n_boot: int,
    level: float,
    exact_limit: int,
) -> pd.DataFrame:
    """The rows ``aggregate._gap_row`` makes, drawing from ``rng`` in the same order."""
    rows = []
    for metric in aggregate.GAP_METRICS:
        off = groups.get(("official", metric), _NONE)
        pub = groups.get(("public", metric), _NONE)
        off_mean = off.mean if off.n else float("nan")
        pub_mean = pub.mean if pub.n else float("nan")
        low = high = float("nan")
        method = "bootstrap"
        if off.n >= 2 and pub.n >= 2:
            boot = _boot(off, rng, n_boot, exact_limit) - _boot(pub, rng, n_boot, exact_limit)
            tail = (1.0 - level) / 2 * 100
            low, high = (float(v) for v in np.percentile(boot, [tail, 100 - tail]))
            if max(off.n, pub.n) > exact_limit:
                method = "bootstrap+normal"
        rows.append(
            [metric, off_mean, pub_mean, off_mean - pub_mean, low, high, off.n, pub.n, method]
        )
    return pd.DataFrame(rows, columns=_GAP_COLUMNS)


def _boot(
    group: _Group, rng: np.random.Generator, n_boot: int, exact_limit: int
) -> np.ndarray[Any, np.dtype[np.float64]]:
    if group.values is not None:
        return aggregate._boot_means(group.values, rng, n_boot, exact_limit)
    return rng.normal(group.mean, group.std / math.sqrt(group.n), size=n_boot)


def _keys(by: str | Sequence[str]) -> list[str]:
    keys = [by] if isinstance(by, str) else list(by)
    bad = [k for k in keys if k not in GROUP_KEYS]
    if bad or not keys:
        raise InputError(f"cannot group statements by {bad or keys}; valid: {list(GROUP_KEYS)}")
    return keys


def _key_sql(key: str) -> str:
    return _DAY if key == "day" else key


def _summary_types(out: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    for key in keys:
        if key == "day":
            out[key] = pd.to_datetime(out[key]).dt.tz_localize("UTC").astype("object")
        elif key != "bucket":
            out[key] = out[key].astype("object")
    ints = ["statements", *STANCE_LABELS]
    out[ints] = out[ints].astype("int64")
    out[["mean_sentiment", "mean_stance"]] = out[["mean_sentiment", "mean_stance"]].astype(
        "float64"
    )
    return out.reset_index(drop=True)


def _typed(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Schema dtypes for a subset of the statement columns."""
    return frame.astype({c: schema.COLUMNS[c] for c in columns})


def _prefixed(order: str) -> str:
    return ", ".join("s." + part.strip() for part in order.split(","))


def _step_us(freq: str) -> int:
    return aggregate._fixed_step(freq) // 1000


def _dates(w: Where, start: date | None, end: date | None, include_undated: bool) -> Where:
    parts, params = ["posted_at IS NOT NULL"], []
    if start is not None:
        parts.append("posted_at >= ?")
        params.append(_utc(start))
    if end is not None:
        parts.append("posted_at < ?")
        params.append(_utc(end + timedelta(days=1)))
    clause = " AND ".join(parts)
    if include_undated:
        clause = f"(({clause}) OR posted_at IS NULL)"
    return w.also(clause, *params)


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _literals(values: Sequence[str]) -> str:
    """SQL string literals for our own constants (role names), never for user text."""
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def _scalar(project: Project, sql: str, params: Sequence[Any]) -> Any:
    row = project.con.execute(sql, list(params)).fetchone()
    return row[0] if row else 0


__all__ = [
    "FILTER_FIELDS",
    "Breakdown",
    "Headline",
    "Where",
    "batches",
    "breakdown",
    "by_time",
    "choices",
    "count",
    "date_bounds",
    "dominant_roles",
    "gap_by_day",
    "headline",
    "narrow",
    "official_public_gap",
    "page",
    "rows",
    "sample",
    "search_hits",
    "sentiment_histogram",
    "sentiment_stance_table",
    "share_from_summary",
    "skipped_reasons",
    "skipped_rows",
    "speaker_count",
    "stance_share",
    "summarize",
    "time_span",
    "where",
]
