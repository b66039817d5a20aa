"""A project: one DuckDB file that keeps every import, run and statement of a story.

Analysts come back to a story as reactions keep coming, so a project appends: each
:meth:`Project.append` is one transaction (a crash leaves the file as it was), a source whose
content hash is already stored is not imported again, and a statement whose stable id is already
stored is not inserted twice. Re-scoring stance toward a new target is a new run over the stored
statements; earlier runs stay readable. Aggregates run in DuckDB SQL so pages stay fast at
millions of rows.

Tables (``SCHEMA_VERSION`` 3)::

    meta        key, value                       schema_version, created_at
    runs        run_id, kind, created_at, target JSON, manifest JSON, statements_added
    sources     source, sha256, run_id, imported_at, layout, report JSON
    statements  the columns of analysis.schema.COLUMNS + run_id, seq, current
    skipped     run_id, source, row, reason, raw
    corrections run_id, seq, item JSON           the analyst's labels a run applied

The analyst's corrections stay with the project: a run stores those it applied that the project
did not hold yet, and :meth:`Project.corrections` gives them back (a later one for the same
statement, target and field replaces an earlier one), so the next import or re-score applies
them again rather than losing them.

``current`` marks the newest version of each statement (a stance re-score supersedes older
ones); ``seq`` keeps the import order for paging. A column added to the statement schema after
a file was written is added to it on open, empty for the rows already there. DuckDB lets one
process write a file at a time: opening waits, with backoff, for another writer to finish, then
fails with a clear message. An import or re-score closes the file while it reads and scores,
and holds it only to store its rows.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis import schema
from analysis.errors import InputError, ReactionLensError
from analysis.learn.corrections import Correction, make_correction, merge_corrections
from analysis.report import ImportReport
from analysis.schema import STANCE_LABELS

SCHEMA_VERSION = 3
APP_DIR = "reaction-lens"
# DuckDB may otherwise cache up to 80% of the machine's memory; past this it spills to disk.
_CONFIG: dict[str, str | bool | int | float | list[str]] = {"memory_limit": "512MB"}
LOCK_WAIT = 30.0  # seconds a second writer waits for the first one before giving up
WRITE_WAIT = 300.0  # an import that has scored its rows waits longer to store them
SORT_WINDOW = 100_000  # a re-score copies out the current rows this many seq numbers at a time
_BACKOFF = (0.02, 0.25)  # first and longest pause between lock attempts, seconds

_SQL_TYPES = {
    "string": "VARCHAR",
    "Int64": "BIGINT",
    "Float64": "DOUBLE",
    "datetime64[ns, UTC]": "TIMESTAMPTZ",
}
#: Columns a caller may filter statements on (equality or membership).
FILTER_COLUMNS = schema.CATEGORICAL
_DERIVED_KEYS = {"day": "date_trunc('day', posted_at AT TIME ZONE 'UTC')"}
_GROUP_KEYS = (*FILTER_COLUMNS, *_DERIVED_KEYS)


#: ``(statement ids, columns) -> those columns of those rows`` of an import or re-score on its
#: way in (the first row of each id it was given).
StagedRows = Callable[[Sequence[str], Sequence[str]], pd.DataFrame]


@dataclass(frozen=True)
class RunSummary:
    """What an append or re-score did to the project."""

    run_id: int
    kind: str  # "import" or "rescore"
    statements_added: int
    statements_already: int  # rows whose statement id the project already held
    sources_added: tuple[str, ...] = ()
    sources_already: tuple[str, ...] = ()  # same content hash imported before: left out
    skipped_rows: int = 0


@dataclass
class Project:
    """An open project file; use :func:`open_project` to get one."""

    path: Path
    con: duckdb.DuckDBPyConnection
    read_only: bool = False
    _fail_after: Callable[[str], None] = field(default=lambda step: None, repr=False)

    # ------------------------------------------------------------------ writing

    def append(
        self,
        frame: pd.DataFrame | Iterable[pd.DataFrame],
        reports: Sequence[ImportReport],
        manifest: Mapping[str, Any] | Callable[[], Mapping[str, Any]],
        *,
        content_hashes: Mapping[str, str],
        updates: Callable[[StagedRows], pd.DataFrame] | None = None,
        corrections: Sequence[Correction] = (),
    ) -> RunSummary:
        """Add one analysed import as a new run, in one transaction.

        ``reports`` and ``manifest`` are read once every partition is stored, so a reader that
        streams its inputs may still be filling them while the partitions arrive.

        Args:
            frame: scored statement table (exact schema columns), or its partitions in order
                (an engine streaming a big import: only one partition is in memory at a time).
            reports: the import report of every source in ``frame``.
            manifest: the run manifest (``pipeline.manifest``), or a function that returns it;
                its ``target`` is stored too.
            content_hashes: source name -> sha256 of its bytes (:func:`content_hash`); a source
                whose hash is already stored is left out, so importing a file twice adds nothing.
            updates: called once every partition is given, with a reader of this import's
                rows (:data:`StagedRows`); returns ``statement_id`` and some schema columns
                that replace those of this run's rows (an engine's late corrections, such as
                replies whose thread crossed partitions).
            corrections: the analyst's corrections this import applied; stored with the run.
        """
        self._writable()
        parts = [frame] if isinstance(frame, pd.DataFrame) else frame
        with _Spill() as spill:
            with self._unlocked():  # reading and scoring take minutes: others may use the file
                for part in parts:
                    spill.add_new(schema.conform(part))
                patch = None if updates is None else updates(spill.rows_by_id)
            with self._transaction():
                # another process may have imported the same bytes while this one scored
                repeat = sorted(self.imported(content_hashes))
                run_id = self._next_run_id()
                added = self._insert_spilled(run_id, spill, patch, leave_out=repeat)
                self._fail_after("statements")
                self._insert_run(run_id, "import", manifest() if callable(manifest) else manifest)
                self._fail_after("run")
                fresh = [r for r in reports if r.source not in repeat]
                self._insert_sources(run_id, fresh, content_hashes)
                self._fail_after("sources")
                skipped = self._insert_skipped(run_id, fresh)
                self._fail_after("skipped")
                self._insert_corrections(run_id, corrections)
                sql = "UPDATE runs SET statements_added = ? WHERE run_id = ?"
                _sql(self.con, sql, [added, run_id])
            offered = spill.offered - sum(spill.offered_by_source.get(s, 0) for s in repeat)
        return RunSummary(
            run_id,
            "import",
            added,
            offered - added,
            tuple(r.source for r in fresh),
            tuple(repeat),
            skipped,
        )

    def imported(self, content_hashes: Mapping[str, str]) -> set[str]:
        """The sources (name -> sha256) whose very bytes the project imported before."""
        known = self._known_hashes()
        return {s for s, h in content_hashes.items() if (s, h) in known}

    # ------------------------------------------------------------------ re-scoring

    @contextmanager
    def superseding(
        self, manifest: Mapping[str, Any], *, corrections: Sequence[Correction] = ()
    ) -> Iterator[Version]:
        """A new run whose rows replace the current ones (a re-score), stored in one transaction.

        Inside the block, read the current rows from the :class:`Version` and give it their new
        versions; the file is closed meanwhile (scoring takes minutes), so others may read it.
        When the block ends the new rows become current and the earlier ones stay readable by
        run. If another process added a run meanwhile, nothing is stored and the re-score says
        so: its new versions would hide that run's rows. ``corrections``: those the re-score
        applied, stored with the run.
        """
        self._writable()
        with _Spill() as spill:
            run_id = self._next_run_id()
            version = Version(spill, spill.current_of(self.con))
            with self._unlocked():
                yield version
            with self._transaction():
                if self._next_run_id() != run_id:
                    raise ReactionLensError(
                        f"project {self.path} gained a run while this re-score ran, so nothing "
                        "was stored; run the re-score again"
                    )
                version.run_id = run_id
                self._insert_spilled(run_id, spill, version.patch)
                sql = "UPDATE statements SET current = false WHERE current AND run_id <> ?"
                _sql(self.con, sql, [run_id])
                self._fail_after("superseded")
                self._insert_run(run_id, "rescore", manifest)
                self._insert_corrections(run_id, corrections)
                sql = "UPDATE runs SET statements_added = ? WHERE run_id = ?"
                _sql(self.con, sql, [spill.rows, run_id])

    # ------------------------------------------------------------------ reading

    def statements(self, *, run: int | None = None, **filters: Any) -> pd.DataFrame:
        """Statements as a schema table: the current ones, or those of one ``run``.

        Filters are column=value or column=[values] on :data:`FILTER_COLUMNS`, plus
        ``text_contains="..."`` (case-insensitive).
        """
        where, params = self._where(run, filters)
        sql = f"SELECT {_column_list()} FROM statements WHERE {where} ORDER BY seq"
        return schema.validate(self.con.execute(sql, params).df())

    def page(
        self, offset: int, limit: int, *, run: int | None = None, **filters: Any
    ) -> pd.DataFrame:
        """One page of :meth:`statements` in import order, for an explorer that pages."""
        if offset < 0 or limit < 0:
            raise InputError(f"page offset {offset} and limit {limit} must be 0 or more")
        where, params = self._where(run, filters)
        # Find the page's seq range on the one integer column first, then read only those rows:
        # sorting every wide row to skip half a million of them costs seconds.
        bounds = _first(
            self.con,
            f"SELECT min(seq), max(seq) FROM (SELECT seq FROM statements WHERE {where} "
            "ORDER BY seq LIMIT ? OFFSET ?)",
            [*params, limit, offset],
        )
        if bounds is None or bounds[0] is None:
            return schema.empty()
        sql = (
            f"SELECT {_column_list()} FROM statements WHERE {where} AND seq BETWEEN ? AND ? "
            "ORDER BY seq"
        )
        return schema.validate(self.con.execute(sql, [*params, *bounds]).df())

    def count(self, *, run: int | None = None, **filters: Any) -> int:
        """How many statements match, without reading them."""
        where, params = self._where(run, filters)
        row = _first(self.con, f"SELECT count(*) FROM statements WHERE {where}", params)
        return int(row[0]) if row else 0

    def aggregate_sql(
        self, by: str | Sequence[str] = "speaker_role", *, run: int | None = None, **filters: Any
    ) -> pd.DataFrame:
        """:func:`analysis.aggregate.summarize` computed in DuckDB: same columns, same order.

        ``by`` names filter columns or ``"day"`` (UTC calendar day of ``posted_at``). Per group:
        statements, mean_sentiment, mean_stance and favor/against/neutral counts.
        """
        keys = [by] if isinstance(by, str) else list(by)
        bad = [k for k in keys if k not in _GROUP_KEYS]
        if bad or not keys:
            raise InputError(
                f"cannot group statements by {bad or keys}; valid: {list(_GROUP_KEYS)}"
            )
        exprs = [f"{_DERIVED_KEYS.get(k, k)} AS {k}" for k in keys]
        where, params = self._where(run, filters)
        not_null = " AND ".join(f"{_DERIVED_KEYS.get(k, k)} IS NOT NULL" for k in keys)
        # count(*) FILTER, not count_if: count_if of a group whose labels are all NULL is NULL.
        counts = ", ".join(
            f"count(*) FILTER (WHERE stance_label = '{s}') AS {s}" for s in STANCE_LABELS
        )
        sql = (
            f"SELECT {', '.join(exprs)}, count(*) AS statements, "
            "avg(sentiment_compound) AS mean_sentiment, avg(stance_score) AS mean_stance, "
            f"{counts} FROM statements WHERE {where} AND {not_null} "
            f"GROUP BY ALL ORDER BY statements DESC, {', '.join(keys)}"
        )
        out = self.con.execute(sql, params).df()
        for key in keys:
            out[key] = _key_column(out[key], key)
        ints = ["statements", *STANCE_LABELS]
        out[ints] = out[ints].astype("int64")
        out[["mean_sentiment", "mean_stance"]] = out[["mean_sentiment", "mean_stance"]].astype(
            "float64"
        )
        return out.reset_index(drop=True)

    def stance_share(
        self, by: str = "speaker_role", *, run: int | None = None, **filters: Any
    ) -> pd.DataFrame:
        """:func:`analysis.aggregate.stance_share` from the SQL aggregate (a few rows, not all)."""
        return share_from_summary(self.aggregate_sql(by, run=run, **filters), by)

    def runs(self) -> pd.DataFrame:
        """Every run: id, kind, when, how many statements it added, its target (JSON text)."""
        sql = "SELECT run_id, kind, created_at, statements_added, target FROM runs ORDER BY run_id"
        return self.con.execute(sql).df()

    def manifest(self, run: int) -> dict[str, Any]:
        """The manifest stored with ``run``."""
        row = _first(self.con, "SELECT manifest FROM runs WHERE run_id = ?", [run])
        if row is None:
            raise InputError(f"project {self.path} has no run {run}; see Project.runs()")
        return dict(json.loads(row[0]))

    def corrections(self) -> list[Correction]:
        """The analyst's corrections the project holds, oldest first, one per statement, target
        and field (the latest)."""
        rows = _sql(self.con, "SELECT item FROM corrections ORDER BY run_id, seq")
        found = [make_correction(json.loads(r[0]), where=f"project {self.path}") for r in rows]
        return merge_corrections(found)

    def sources(self) -> pd.DataFrame:
        """Every imported source with its hash, run, time, layout and row accounting."""
        sql = (
            "SELECT source, sha256, run_id, imported_at, layout, report FROM sources "
            "ORDER BY imported_at, source"
        )
        out = self.con.execute(sql).df()
        reports = [json.loads(r) for r in out.pop("report")]
        for key in ("rows_read", "statements", "skipped"):
            out[key] = [int(r.get(key, 0)) for r in reports]
        return out

    def skipped(self, *, source: str | None = None) -> pd.DataFrame:
        """Rows that did not become statements, with their reasons."""
        sql = "SELECT run_id, source, row, reason, raw FROM skipped"
        params: list[Any] = []
        if source is not None:
            sql += " WHERE source = ?"
            params.append(source)
        return self.con.execute(sql + " ORDER BY run_id, source, row", params).df()

    # ------------------------------------------------------------------ internals

    def _writable(self) -> None:
        if self.read_only:
            raise ReactionLensError(f"project {self.path} is open read-only; open it to write")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        _sql(self.con, "BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            _sql(self.con, "ROLLBACK")
            raise
        _sql(self.con, "COMMIT")

    def _next_run_id(self) -> int:
        row = _first(self.con, "SELECT coalesce(max(run_id), 0) + 1 FROM runs")
        return int(row[0]) if row else 1

    def _insert_run(self, run_id: int, kind: str, manifest: Mapping[str, Any]) -> None:
        target = json.dumps(manifest.get("target"), ensure_ascii=False)
        body = json.dumps(dict(manifest), ensure_ascii=False, default=str)
        _sql(
            self.con, "INSERT INTO runs VALUES (?, ?, now(), ?, ?, 0)", [run_id, kind, target, body]
        )

    def _insert_corrections(self, run_id: int, corrections: Sequence[Correction]) -> None:
        """Those of ``corrections`` that change what the project holds (new, or a new label)."""
        held = {c.key: c for c in self.corrections()}
        new = [c for c in merge_corrections(corrections) if held.get(c.key) != c]
        for seq, c in enumerate(new):
            item = json.dumps(c.to_dict(), ensure_ascii=False)
            _sql(self.con, "INSERT INTO corrections VALUES (?, ?, ?)", [run_id, seq, item])

    def _known_hashes(self) -> set[tuple[str, str]]:
        rows = _sql(self.con, "SELECT source, sha256 FROM sources")
        return {(str(s), str(h)) for s, h in rows}

    def _insert_sources(
        self, run_id: int, reports: Sequence[ImportReport], hashes: Mapping[str, str]
    ) -> None:
        for r in reports:
            _sql(
                self.con,
                "INSERT INTO sources VALUES (?, ?, ?, now(), ?, ?)",
                [r.source, hashes.get(r.source), run_id, r.layout, json.dumps(r.to_dict())],
            )

    def _insert_spilled(
        self,
        run_id: int,
        spill: _Spill,
        patch: pd.DataFrame | None,
        *,
        leave_out: Sequence[str] | None = None,
    ) -> int:
        """Insert the spilled rows into ``run_id``; returns how many.

        A row whose id is in ``patch`` takes the patch's columns. With ``leave_out`` (an
        import: the sources to leave out) a row whose id the project holds is left out and
        ``seq`` continues the project's; otherwise (a re-score) each row keeps the ``seq`` given.
        """
        if not spill.rows:
            return 0
        columns = [] if patch is None else _known_columns(patch.columns, key=False)
        picked = ", ".join(
            f"CASE WHEN p.statement_id IS NULL THEN s.{c} ELSE p.{c} END"
            if c in columns
            else f"s.{c}"
            for c in schema.COLUMNS
        )
        start = 0
        if leave_out is not None:
            row = _first(self.con, "SELECT coalesce(max(seq), 0) FROM statements")
            start = int(row[0]) if row else 0
        sql = (
            f"INSERT INTO statements ({_column_list()}, run_id, seq, current) SELECT {picked}, "
            f"{run_id}, s.seq + {start}, true FROM {spill.sql} s"
        )
        if columns:
            sql += " LEFT JOIN incoming_patch p ON s.statement_id = p.statement_id"
        params: list[Any] = []
        if leave_out is not None:
            sql += (
                " WHERE NOT list_contains(?, s.source) AND NOT EXISTS "
                "(SELECT 1 FROM statements t WHERE t.statement_id = s.statement_id)"
            )
            params.append(list(leave_out))
        if not columns or patch is None:
            done = _first(self.con, sql, params)
        else:
            rows = patch[["statement_id", *columns]].drop_duplicates("statement_id")
            arrow = pa.Table.from_pandas(rows, preserve_index=False)
            with registered(self.con, "incoming_patch", arrow):
                done = _first(self.con, sql, params)
        return int(done[0]) if done else 0

    @contextmanager
    def _unlocked(self) -> Iterator[None]:
        """The file closed for the block, so other processes may read or write it meanwhile;
        reopened (waiting up to ``WRITE_WAIT`` for a writer) when the block ends."""
        self.con.close()
        try:
            yield
        finally:
            self.con = _connect(self.path, read_only=False, wait=WRITE_WAIT)

    def _insert_skipped(self, run_id: int, reports: Sequence[ImportReport]) -> int:
        rows = [(r.source, s.row, s.reason, s.raw) for r in reports for s in r.skipped]
        if not rows:
            return 0
        names = ["source", "row", "reason", "raw"]
        types = [pa.string(), pa.int64(), pa.string(), pa.string()]
        columns = [
            pa.array(list(col), t) for col, t in zip(zip(*rows, strict=True), types, strict=True)
        ]
        with registered(self.con, "incoming_skips", pa.table(columns, names=names)):
            _sql(
                self.con,
                "INSERT INTO skipped (run_id, source, row, reason, raw) "
                f"SELECT {run_id}, * FROM incoming_skips",
            )
        return len(rows)

    def _where(self, run: int | None, filters: Mapping[str, Any]) -> tuple[str, list[Any]]:
        clauses = ["current"] if run is None else ["run_id = ?"]
        params: list[Any] = [] if run is None else [run]
        for name, value in filters.items():
            if value is None:
                continue
            if name == "text_contains":  # the words as typed: % and _ are no wildcards
                clauses.append("text ILIKE ? ESCAPE '\\'")
                literal = str(value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                params.append(f"%{literal}%")
            elif name not in FILTER_COLUMNS:
                valid = [*FILTER_COLUMNS, "text_contains"]
                raise InputError(f"cannot filter statements on {name!r}; valid: {valid}")
            elif isinstance(value, str):
                clauses.append(f"{name} = ?")
                params.append(value)
            else:
                clauses.append(f"{name} IN (SELECT unnest(?))")
                params.append([str(v) for v in value])
        return " AND ".join(clauses), params


def share_from_summary(wide: pd.DataFrame, by: str) -> pd.DataFrame:
    """The long favor/against/neutral share table of a per-group summary (``aggregate_sql``)."""
    wide = wide[wide[list(STANCE_LABELS)].sum(axis=1) > 0].set_index(by)
    if by == "speaker_role":
        order = [r for r in schema.ROLES if r in wide.index]
        wide = wide.reindex(order + [g for g in wide.index if g not in order])
    else:
        wide = wide.sort_index()
    counts = wide[list(STANCE_LABELS)].to_numpy(dtype="int64")
    long = pd.DataFrame(
        [
            (group, label, int(n))
            for group, row in zip(wide.index, counts, strict=True)
            for label, n in zip(STANCE_LABELS, row, strict=True)
        ],
        columns=[by, "stance_label", "statements"],
    )
    totals = long.groupby(by, sort=False)["statements"].transform("sum")
    long["statements"] = long["statements"].astype("int64")
    long["share"] = (long["statements"] / totals).astype("float64")
    return long


class _Spill:
    """Rows on their way into the project, held in Parquet files rather than in memory.

    DuckDB keeps a transaction's rows in memory while they arrive in many small inserts (2.5 GB
    for a million comments); one INSERT reading these files writes them to the database file as
    it goes (under 0.7 GB). The spill has its own in-memory DuckDB (the ids it holds, reading
    rows back), so an import needs no project connection while it reads and scores.
    """

    def __enter__(self) -> _Spill:
        self._dir = tempfile.TemporaryDirectory(prefix="reaction-lens-spill-")
        self.con = duckdb.connect(config={**_CONFIG, "temp_directory": self._dir.name})
        _sql(self.con, "CREATE TABLE ids (statement_id VARCHAR)")
        self.files: list[Path] = []
        self.rows = 0
        self.offered = 0  # rows given to add_new, repeated ids included
        self.offered_by_source: Counter[str] = Counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.con.close()
        self._dir.cleanup()

    def add(self, table: pd.DataFrame, seqs: Sequence[int] | Any) -> None:
        """Rows and the ``seq`` each will have in the project."""
        if table.empty:
            return
        arrow = pa.Table.from_pandas(schema.conform(table), preserve_index=False)
        arrow = arrow.append_column("seq", pa.array(list(seqs), pa.int64()))
        path = Path(self._dir.name) / f"part-{len(self.files):06d}.parquet"
        pq.write_table(arrow, path)
        self.files.append(path)
        self.rows += len(table)

    def add_new(self, table: pd.DataFrame) -> None:
        """The rows whose id this spill does not hold yet (the first of a repeated id), ``seq``
        numbering them in order from 1."""
        self.offered += len(table)
        self.offered_by_source.update(table["source"].astype(object).dropna())
        fresh = table.drop_duplicates("statement_id")
        ids = pa.table({"statement_id": pa.array(fresh["statement_id"].astype(object))})
        with registered(self.con, "incoming_ids", ids):
            known = self.con.execute(
                "SELECT statement_id FROM incoming_ids i SEMI JOIN ids USING (statement_id)"
            ).df()["statement_id"]
            fresh = fresh[~fresh["statement_id"].isin(set(known))]
            _sql(
                self.con,
                "INSERT INTO ids SELECT statement_id FROM incoming_ids ANTI JOIN ids "
                "USING (statement_id)",
            )
        self.add(fresh, range(self.rows + 1, self.rows + 1 + len(fresh)))

    def rows_by_id(self, ids: Sequence[str], columns: Sequence[str]) -> pd.DataFrame:
        """``columns`` of the spilled rows with these ids (:data:`StagedRows`); only those
        columns are read from the files."""
        if not self.files:
            return pd.DataFrame(columns=list(columns))
        wanted = pa.table({"statement_id": pa.array(list(ids), pa.string())})
        cols = ", ".join(_known_columns(columns))
        with registered(self.con, "wanted_ids", wanted):
            return self.con.execute(
                f"SELECT {cols} FROM {self.sql} SEMI JOIN wanted_ids USING (statement_id)"
            ).df()

    def current_of(self, con: duckdb.DuckDBPyConnection) -> list[Path]:
        """Parquet copies of the project's current statements (with ``seq``), in import order.

        A window of ``seq`` at a time: sorting a million wide rows at once can exceed DuckDB's
        memory limit, a window's rows cannot.
        """
        row = _first(con, "SELECT min(seq), max(seq) FROM statements WHERE current")
        if row is None or row[0] is None:
            return []
        paths: list[Path] = []
        for start in range(int(row[0]), int(row[1]) + 1, SORT_WINDOW):
            path = Path(self._dir.name) / f"current-{len(paths):06d}.parquet"
            _sql(
                con,
                f"COPY (SELECT {_column_list()}, seq FROM statements WHERE current AND seq >= ? "
                f"AND seq < ? ORDER BY seq) TO {_quoted(path)} (FORMAT parquet)",
                [start, start + SORT_WINDOW],
            )
            paths.append(path)
        return paths

    @property
    def sql(self) -> str:
        """The files as a table expression (paths we made: no user text in them)."""
        return f"read_parquet([{', '.join(_quoted(p) for p in self.files)}])"


@dataclass
class Version:
    """The rows of a re-score run on their way in (:meth:`Project.superseding`)."""

    spill: _Spill
    current: list[Path]  # the current rows when the re-score began, with their seq
    run_id: int = 0  # given when stored
    patch: pd.DataFrame | None = None
    finished: bool = False

    def current_partitions(self, rows: int, seqs: deque[Any]) -> Iterator[pd.DataFrame]:
        """The current statements in import order, about ``rows`` at a time; each one's ``seq``
        array is appended to ``seqs`` (the new version of a row keeps its place)."""
        for path in self.current:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=rows):
                frame = batch.to_pandas()
                seqs.append(frame.pop("seq").to_numpy())
                yield schema.validate(frame)

    def add(self, rows: pd.DataFrame, seqs: Sequence[int] | Any) -> None:
        """New versions of stored statements, each with the ``seq`` of the row it replaces."""
        if self.finished:
            raise ReactionLensError("this re-score's rows are complete already")
        self.spill.add(rows, seqs)

    def rows(self, ids: Sequence[str], columns: Sequence[str]) -> pd.DataFrame:
        """``columns`` of the new versions given so far with these ids (:data:`StagedRows`)."""
        return self.spill.rows_by_id(ids, columns)

    def finish(self, patch: pd.DataFrame | None = None) -> None:
        """No more rows; ``patch`` (``statement_id`` + schema columns) replaces some columns
        of them when they are stored."""
        self.patch, self.finished = patch, True


# ---------------------------------------------------------------------- opening


def default_project_path(name: str = "default") -> Path:
    """``$XDG_DATA_HOME/reaction-lens/<name>.duckdb`` (``~/.local/share`` when unset)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP_DIR / f"{name}.duckdb"


def content_hash(path: Path, *, chunk: int = 1 << 20) -> str:
    """sha256 of a file's bytes, read in chunks so a big export needs little memory."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def content_hashes(inputs: Iterable[object]) -> dict[str, str]:
    """Source name -> sha256 for the inputs that are files, keyed as import reports name them
    (the file's name), ready for :meth:`Project.append`."""
    out: dict[str, str] = {}
    for item in inputs:
        if isinstance(item, str | Path) and Path(item).is_file():
            out[Path(item).name] = content_hash(Path(item))
    return out


@contextmanager
def open_project(
    path: Path | None = None,
    *,
    create: bool = True,
    read_only: bool = False,
    wait: float = LOCK_WAIT,
) -> Iterator[Project]:
    """Open (or create) a project file; closes it on exit.

    Args:
        path: the ``.duckdb`` file; :func:`default_project_path` when None.
        create: make a new project when the file does not exist (else InputError).
        read_only: for readers such as the dashboard; several may read at once.
        wait: seconds to wait for another process that is writing the file.

    Keep it open only while reading or writing: DuckDB lets one process write a file at a time,
    and an open project holds that lock.
    """
    path = Path(path) if path is not None else default_project_path()
    if not path.exists():
        if not create or read_only:
            raise InputError(f"project {path} does not exist; create it with --project {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
    con = _connect(path, read_only=read_only, wait=wait)
    project: Project | None = None
    try:
        version = _version(con, path)
        stale = version != SCHEMA_VERSION or bool(_missing_columns(con))
        if stale and read_only:
            con.close()
            _migrate_file(path, wait)
            con = _connect(path, read_only=True, wait=wait)
        elif stale:
            _migrate(con, path, version)
        project = Project(path, con, read_only)
        yield project
    finally:
        # an import reconnects after reading and scoring with the file closed
        (project.con if project is not None else con).close()


def _connect(path: Path, *, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """Connect, retrying with backoff while another process holds the file's lock."""
    deadline = time.monotonic() + wait
    pause = _BACKOFF[0]
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=_CONFIG)
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                raise InputError(f"project {path} cannot be opened: {exc}") from exc
            if time.monotonic() + pause > deadline:
                raise ReactionLensError(
                    f"project {path} is being written by another process; try again when it "
                    f"finishes (waited {wait:g} s)"
                ) from exc
            time.sleep(pause)
            pause = min(pause * 2, _BACKOFF[1])
        except duckdb.Error as exc:
            raise InputError(f"{path} is not a ReactionLens project (DuckDB: {exc})") from exc


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text or "conflicting" in text


# ---------------------------------------------------------------------- schema and migrations


def _sql(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    """Run a statement and fetch its result (DuckDB wants every result consumed)."""
    return con.execute(sql, params).fetchall()


def _first(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> tuple[Any, ...] | None:
    rows = _sql(con, sql, params)
    return rows[0] if rows else None


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[None]:
    """An Arrow table visible to SQL as ``name`` for the duration of the block."""
    con.register(name, table)
    try:
        yield
    finally:
        try:
            con.unregister(name)
        except duckdb.Error:
            pass  # an aborted transaction already dropped it; the original error matters


def _quoted(path: Path) -> str:
    """A file we made, as an SQL string literal (no user text reaches it)."""
    return "'" + str(path).replace("'", "''") + "'"


def _column_list() -> str:
    return ", ".join(schema.COLUMNS)


def _known_columns(columns: Iterable[str], *, key: bool = True) -> list[str]:
    """The statement columns among ``columns`` (names that reach SQL come from the schema)."""
    return [c for c in schema.COLUMNS if c in set(columns) and (key or c != "statement_id")]


def _statements_ddl() -> str:
    cols = ", ".join(f"{name} {_SQL_TYPES[dtype]}" for name, dtype in schema.COLUMNS.items())
    return (
        f"CREATE TABLE IF NOT EXISTS statements ({cols}, run_id INTEGER NOT NULL, "
        "seq BIGINT NOT NULL, current BOOLEAN NOT NULL)"
    )


_DDL = (
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    "CREATE TABLE IF NOT EXISTS runs (run_id INTEGER PRIMARY KEY, kind VARCHAR NOT NULL, "
    "created_at TIMESTAMPTZ NOT NULL, target VARCHAR, manifest VARCHAR, "
    "statements_added BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sources (source VARCHAR NOT NULL, sha256 VARCHAR, "
    "run_id INTEGER NOT NULL, imported_at TIMESTAMPTZ NOT NULL, layout VARCHAR, report VARCHAR)",
    "CREATE TABLE IF NOT EXISTS skipped (run_id INTEGER NOT NULL, source VARCHAR, row BIGINT, "
    "reason VARCHAR, raw VARCHAR)",
    "CREATE TABLE IF NOT EXISTS corrections (run_id INTEGER NOT NULL, seq INTEGER NOT NULL, "
    "item VARCHAR NOT NULL)",
)


def _version(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """The file's schema version; a new empty file is created at the current version."""
    tables = {r[0] for r in _sql(con, "SELECT table_name FROM duckdb_tables()")}
    if not tables:
        if _is_read_only(con):
            raise InputError(f"project {path} is empty; open it once for writing to create it")
        _create(con)
        return SCHEMA_VERSION
    if "meta" not in tables:
        raise InputError(
            f"{path} is a DuckDB file but not a ReactionLens project (no meta table); "
            "give --project a new file name"
        )
    row = _first(con, "SELECT value FROM meta WHERE key = 'schema_version'")
    if row is None:
        raise InputError(f"project {path} has no schema_version in its meta table")
    version = int(row[0])
    if version > SCHEMA_VERSION:
        raise InputError(
            f"project {path} has schema version {version}, written by a newer ReactionLens; this "
            f"one reads up to version {SCHEMA_VERSION}: upgrade with `pip install -U reaction-lens`"
        )
    if version not in MIGRATIONS and version != SCHEMA_VERSION:
        raise InputError(
            f"project {path} has schema version {version}, which this ReactionLens cannot migrate "
            f"(it migrates versions {sorted(MIGRATIONS)}); re-run `reaction-lens analyze` on the "
            "original inputs with a new --project file"
        )
    return version


def _is_read_only(con: duckdb.DuckDBPyConnection) -> bool:
    try:
        _sql(con, "CREATE TEMP TABLE _probe (x INTEGER)")
        _sql(con, "DROP TABLE _probe")
    except duckdb.Error:
        return True
    return False


def _create(con: duckdb.DuckDBPyConnection) -> None:
    _sql(con, "BEGIN TRANSACTION")
    for ddl in (*_DDL, _statements_ddl()):
        _sql(con, ddl)
    _sql(
        con,
        "INSERT INTO meta VALUES ('schema_version', ?), ('created_at', CAST(now() AS VARCHAR))",
        [str(SCHEMA_VERSION)],
    )
    _sql(con, "COMMIT")


def _migrate_1_to_2(con: duckdb.DuckDBPyConnection) -> None:
    """Version 1 kept skipped rows only inside each source's report JSON: add the ``skipped``
    table (it starts empty; the reports keep their counts)."""
    _sql(con, _DDL[3])


def _missing_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Statement schema columns the file's ``statements`` table lacks (added to the schema since)."""
    sql = "SELECT column_name FROM duckdb_columns() WHERE table_name = 'statements'"
    have = {r[0] for r in _sql(con, sql)}
    return [name for name in schema.COLUMNS if name not in have]


def _add_missing_columns(con: duckdb.DuckDBPyConnection) -> None:
    """A column added to the statement schema is added to an older file as NULL (additive)."""
    for name in _missing_columns(con):
        _sql(con, f"ALTER TABLE statements ADD COLUMN {name} {_SQL_TYPES[schema.COLUMNS[name]]}")


def _migrate_2_to_3(con: duckdb.DuckDBPyConnection) -> None:
    """Version 2 kept no corrections: add the ``corrections`` table (empty)."""
    _sql(con, _DDL[4])


#: from-version -> step to the next version; each step runs in the migration's transaction.
MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
}


def _migrate(con: duckdb.DuckDBPyConnection, path: Path, version: int) -> None:
    """Bring an older project to SCHEMA_VERSION in one transaction (all steps or none)."""
    _sql(con, "BEGIN TRANSACTION")
    try:
        while version < SCHEMA_VERSION:
            MIGRATIONS[version](con)
            version += 1
        _add_missing_columns(con)
        _sql(con, "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
    except duckdb.Error as exc:
        _sql(con, "ROLLBACK")
        raise InputError(
            f"project {path} could not be migrated to version {SCHEMA_VERSION}: {exc}"
        ) from exc
    _sql(con, "COMMIT")


def _migrate_file(path: Path, wait: float) -> None:
    con = _connect(path, read_only=False, wait=wait)
    try:
        _migrate(con, path, _version(con, path))
    finally:
        con.close()


def _key_column(column: pd.Series, key: str) -> pd.Series:
    if key == "day":
        return pd.to_datetime(column).dt.tz_localize("UTC").astype("object")
    return column.astype("object")


__all__ = [
    "FILTER_COLUMNS",
    "SCHEMA_VERSION",
    "Project",
    "RunSummary",
    "content_hash",
    "content_hashes",
    "default_project_path",
    "open_project",
    "registered",
    "share_from_summary",
]
