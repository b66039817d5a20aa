"""The Dask engine: the same pipeline as :func:`analysis.pipeline.analyze`, scored on a cluster.

Scoring (sentiment, then stance) is the expensive part and works row by row, so it runs as
``map_partitions`` over a Dask DataFrame of statements, on a ``distributed.LocalCluster`` by
default or on an existing cluster given its scheduler address. The output equals the
single-process output row for row:

- Each input is read whole by :func:`analysis.pipeline.load` (on a worker, or here): the importer
  decides a file's layout, text column, time format and repeated-id suffixes over the whole file,
  and statement ids (``schema.statement_id(source, id or row, text)``) depend on those decisions.
  Files are read in parallel; a file's statements are then cut into partitions of
  ``partition_rows`` on the worker that read it.
- A reply's stance can depend on its parent's (``analysis.stance.attach``), and a parent may sit
  in another partition: after the partitions are scored, the rows of every reply chain are
  re-scored together on the client, exactly as the single-process run scores them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd

from analysis import schema
from analysis.ingest import ColumnMapping
from analysis.pipeline import Analysis, Failure, Input, load, manifest
from analysis.progress import Progress, silent
from analysis.report import ImportReport
from analysis.sentiment import SentimentAnalyzer, add_sentiment
from analysis.stance import Target, add_stance

# The stance stage's own rules for which row a reply answers and whether it names the target:
# reused, not copied, so the engine finds exactly the threads the single-process run follows.
from analysis.stance.attach import _MENTION_KINDS as MENTION_KINDS
from analysis.stance.attach import _links as thread_links
from analysis.store import Project, RunSummary, content_hashes

PARTITION_ROWS = 50_000  # statements per partition: a few seconds of scoring, a few MB of memory
_STANCE = ["stance_label", "stance_score", "stance_evidence"]
_LINK_COLUMNS = ("statement_id", "parent_id", "original_id")


def analyze_dask(
    inputs: Sequence[Input],
    *,
    target: Target | None,
    mapping: ColumnMapping | None = None,
    include_partial: bool = False,
    analyzer: SentimentAnalyzer | None = None,
    scheduler: str | None = None,
    n_workers: int = 2,
    partition_rows: int = PARTITION_ROWS,
    read_on_workers: bool | None = None,
    progress: Progress = silent,
) -> Analysis:
    """Load and score on a Dask cluster; the result equals ``pipeline.analyze``.

    Args:
        scheduler: address of a running scheduler (``tcp://host:8786``); None starts a
            ``LocalCluster`` of ``n_workers`` single-threaded processes for this run.
        partition_rows: statements per partition (memory per task is about proportional).
        read_on_workers: each input file is read by a worker (files in parallel, and the
            statements reach this process only once scored); the paths must then exist on the
            workers. None: on workers for a LocalCluster, here for a remote scheduler.
    """
    options = _Options(mapping, include_partial, analyzer, partition_rows, read_on_workers)
    with _dask_run(inputs, target, scheduler, n_workers, options, progress) as run:
        parts = list(run.stream)
    table = schema.conform(pd.concat(parts, ignore_index=True)) if parts else schema.empty()
    return Analysis(table, run.reports, run.failures, run.manifest)


def analyze_dask_into(
    project: Project,
    inputs: Sequence[Input],
    *,
    target: Target | None,
    mapping: ColumnMapping | None = None,
    include_partial: bool = False,
    analyzer: SentimentAnalyzer | None = None,
    scheduler: str | None = None,
    n_workers: int = 2,
    partition_rows: int = PARTITION_ROWS,
    read_on_workers: bool | None = None,
    progress: Progress = silent,
) -> tuple[RunSummary, Analysis]:
    """:func:`analyze_dask` streamed into a project: one scored partition in memory at a time.

    The import is one transaction, as with :meth:`Project.append`. Returns the run summary and
    the run's reports, failures and manifest (``statements`` is empty: they are in the project).
    """
    options = _Options(mapping, include_partial, analyzer, partition_rows, read_on_workers)
    with _dask_run(inputs, target, scheduler, n_workers, options, progress) as run:
        hashes = content_hashes(inputs)
        summary = project.append(run.stream, run.reports, run.manifest, content_hashes=hashes)
    return summary, Analysis(schema.empty(), run.reports, run.failures, run.manifest)


def score_dask(
    frame: pd.DataFrame,
    *,
    target: Target | None,
    client: Any,
    analyzer: SentimentAnalyzer | None = None,
    partition_rows: int = PARTITION_ROWS,
) -> pd.DataFrame:
    """``pipeline.score(frame)`` computed as ``map_partitions`` on ``client``'s cluster."""
    parts = _scatter(client, schema.conform(frame), partition_rows)
    scored = list(_stream(client, parts, target, analyzer))
    return schema.conform(pd.concat(scored, ignore_index=True)) if scored else _score_empty(target)


@dataclass(frozen=True)
class _Options:
    mapping: ColumnMapping | None
    include_partial: bool
    analyzer: SentimentAnalyzer | None
    partition_rows: int
    read_on_workers: bool | None


@dataclass
class _Run:
    stream: Iterator[pd.DataFrame]
    reports: list[ImportReport]
    failures: list[Failure]
    manifest: dict[str, Any]


@contextmanager
def _dask_run(
    inputs: Sequence[Input],
    target: Target | None,
    scheduler: str | None,
    n_workers: int,
    o: _Options,
    progress: Progress,
) -> Iterator[_Run]:
    """Read (on workers or here), then hand over the scored partitions as a stream, in order."""
    on_workers = scheduler is None if o.read_on_workers is None else o.read_on_workers
    with dask_client(scheduler, n_workers=n_workers) as client:
        if on_workers:
            parts, reports, failures = _load_on_workers(
                client, inputs, o.mapping, o.include_partial, o.partition_rows
            )
        else:
            table, reports, failures = load(
                inputs, mapping=o.mapping, include_partial=o.include_partial, progress=progress
            )
            parts = _scatter(client, table, o.partition_rows)
            del table
        run = manifest(target=target, reports=reports, failures=failures, analyzer=o.analyzer)
        run["include_partial"] = o.include_partial
        run["engine"] = {
            "name": "dask",
            "scheduler": scheduler or "LocalCluster",
            "workers": len(client.scheduler_info().get("workers", {})),
            "partition_rows": o.partition_rows,
            "read_on_workers": on_workers,
        }
        yield _Run(_stream(client, parts, target, o.analyzer), reports, failures, run)


def _scatter(client: Any, table: pd.DataFrame, partition_rows: int) -> list[Any]:
    chunks = [table.iloc[i : i + partition_rows] for i in range(0, len(table), partition_rows)]
    return list(client.scatter(chunks)) if chunks else []


def _load_on_workers(
    client: Any,
    inputs: Sequence[Input],
    mapping: ColumnMapping | None,
    include_partial: bool,
    partition_rows: int,
) -> tuple[list[Any], list[ImportReport], list[Failure]]:
    """Read every input on a worker; returns partition futures (in input order) and accounting."""
    loaded = client.map(
        _load_one, list(inputs), mapping=mapping, include_partial=include_partial, pure=False
    )
    accounts = client.gather(client.map(_accounting, loaded))
    parts: list[Any] = []
    reports: list[ImportReport] = []
    failures: list[Failure] = []
    for future, (rows, its_reports, its_failures) in zip(loaded, accounts, strict=True):
        reports.extend(its_reports)
        failures.extend(its_failures)
        for start in range(0, rows, partition_rows):
            parts.append(client.submit(_rows, future, start, start + partition_rows, pure=False))
    if parts:
        # The slices sit on the worker that read the file, and tasks follow their data: spread
        # them over the workers first, or one worker scores while the others wait.
        client.gather(client.map(len, parts))
        client.rebalance(parts)
    return parts, reports, failures


def _load_one(
    item: Input, *, mapping: ColumnMapping | None, include_partial: bool
) -> tuple[pd.DataFrame, list[ImportReport], list[Failure]]:
    """``pipeline.load`` of one input (runs on a worker): the same ids as a whole-run load."""
    return load([item], mapping=mapping, include_partial=include_partial)


def _accounting(
    loaded: tuple[pd.DataFrame, list[ImportReport], list[Failure]],
) -> tuple[int, list[ImportReport], list[Failure]]:
    return len(loaded[0]), loaded[1], loaded[2]


def _rows(
    loaded: tuple[pd.DataFrame, list[ImportReport], list[Failure]], start: int, stop: int
) -> pd.DataFrame:
    return loaded[0].iloc[start:stop]


def _stream(
    client: Any, parts: list[Any], target: Target | None, analyzer: SentimentAnalyzer | None
) -> Iterator[pd.DataFrame]:
    """Score partition futures as ``map_partitions``; yield them in order, reply chains fixed."""
    import dask.dataframe as dd

    if not parts:
        return
    frame = dd.from_delayed(parts, meta=schema.empty(), verify_meta=False)
    scored = frame.map_partitions(
        _score_partition, target, analyzer, meta=schema.empty(), enforce_metadata=False
    )
    futures = client.compute(scored.to_delayed())
    patches = _thread_patches(client, futures, target)
    for number, future in enumerate(futures):
        part = schema.conform(future.result())
        future.release()  # the worker may drop it: only this partition stays in memory here
        yield _patch(part, patches.get(number))


def _score_empty(target: Target | None) -> pd.DataFrame:
    return schema.conform(_score_partition(schema.empty(), target, None))


@contextmanager
def dask_client(scheduler: str | None = None, *, n_workers: int = 2) -> Iterator[Any]:
    """A ``distributed.Client`` for an existing scheduler, or for a LocalCluster made here."""
    from distributed import Client, LocalCluster

    # distributed's constructors carry no annotations: untyped calls are expected here.
    if scheduler:
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            yield client
        return
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
        yield client


def _score_partition(
    part: pd.DataFrame, target: Target | None, analyzer: SentimentAnalyzer | None
) -> pd.DataFrame:
    """Sentiment then stance on one partition (runs on a worker)."""
    scored = add_sentiment(part, analyzer=analyzer or _default_analyzer())
    return add_stance(scored, target)


@cache
def _default_analyzer() -> SentimentAnalyzer:
    """One analyser per worker process, built on its first partition."""
    return SentimentAnalyzer()


def _thread_patches(
    client: Any, futures: list[Any], target: Target | None
) -> dict[int, pd.DataFrame]:
    """Stance of the replies whose thread crosses partitions, as the single-process run reads them.

    Each partition was scored with the reply links inside it. A reply that names nothing and
    whose parent sits in another partition missed its thread, and so did its unnamed replies
    below it: those rows are re-scored, each together with its ancestors up to the first one
    that names the target (or a root), by ``add_stance`` itself, in groups spread over the
    workers. Only ids and a flag travel to this process to find them.

    Returns: partition number -> stance columns indexed by row position in that partition.
    """
    if target is None:
        return {}
    infos = client.gather(client.map(_thread_info, futures))
    sizes = [len(info) for info in infos]
    pairs = pd.concat(infos, ignore_index=True)
    links = thread_links(pairs, None)  # the stance stage's own reply -> parent resolution
    named = pairs["named"].tolist()
    part_no = _partition_of(sizes)
    redo = _missed_threads(links, named, part_no)
    if not redo:
        return {}
    starts = [sum(sizes[:k]) for k in range(len(sizes))]
    groups = [redo[k : k + _GROUP_ROWS] for k in range(0, len(redo), _GROUP_ROWS)]
    needed = sorted({row for g in groups for row in _with_ancestors(g, links, named)})
    rows = _fetch(client, futures, needed, starts, part_no)
    minis = [rows.loc[sorted(_with_ancestors(g, links, named))] for g in groups]
    done = client.gather(client.map(_group_stance, minis, [set(g) for g in groups], target=target))
    result = pd.concat(done)
    rows_of: dict[int, list[int]] = {}
    for row in result.index:
        rows_of.setdefault(part_no[row], []).append(row)
    return {
        k: result.loc[rows].set_axis([r - starts[k] for r in rows]) for k, rows in rows_of.items()
    }


_GROUP_ROWS = 20_000  # re-scored replies per task


def _partition_of(sizes: list[int]) -> list[int]:
    return [k for k, n in enumerate(sizes) for _ in range(n)]


def _missed_threads(links: list[int | None], named: list[bool], part: list[int]) -> list[int]:
    """Rows (global positions, sorted) whose thread context crosses a partition boundary."""
    children: dict[int, list[int]] = {}
    for row, parent in enumerate(links):
        if parent is not None:
            children.setdefault(parent, []).append(row)
    todo = [
        row
        for row, parent in enumerate(links)
        if parent is not None and part[parent] != part[row] and not named[row]
    ]
    redo: set[int] = set()
    while todo:
        row = todo.pop()
        if row not in redo:
            redo.add(row)
            todo.extend(c for c in children.get(row, ()) if not named[c])
    return sorted(redo)


def _with_ancestors(rows: list[int], links: list[int | None], named: list[bool]) -> set[int]:
    """``rows`` and their ancestors up to the first that names the target, or a root."""
    out: set[int] = set()
    for row in rows:
        at: int | None = row
        while at is not None and at not in out:
            out.add(at)
            at = None if (named[at] and at != row) else links[at]
    return out


def _fetch(
    client: Any, futures: list[Any], rows: list[int], starts: list[int], part_no: list[int]
) -> pd.DataFrame:
    """The stance inputs of some rows (global positions), indexed by global position."""
    by_part: dict[int, list[int]] = {}
    for row in rows:
        k = part_no[row]
        by_part.setdefault(k, []).append(row - starts[k])
    taken: list[pd.DataFrame] = client.gather(
        [client.submit(_take, futures[k], local, starts[k]) for k, local in by_part.items()]
    )
    return pd.concat(taken).sort_index()


def _thread_info(part: pd.DataFrame) -> pd.DataFrame:
    """Link columns and whether each row names the target itself (runs on a worker)."""
    info = part[[c for c in _LINK_COLUMNS if c in part.columns]].reset_index(drop=True)
    evidence = part["stance_evidence"].tolist()
    return info.assign(named=[_names_target(e) for e in evidence])


def _names_target(evidence: object) -> bool:
    if not isinstance(evidence, str):
        return False
    return any(e.get("kind") in MENTION_KINDS for e in json.loads(evidence))


def _take(part: pd.DataFrame, local: list[int], start: int) -> pd.DataFrame:
    columns = [c for c in (*_LINK_COLUMNS, "text", "speaker", "speaker_role") if c in part]
    taken = part[columns].iloc[local]
    return taken.set_axis([start + i for i in local])


def _group_stance(mini: pd.DataFrame, keep: set[int], *, target: Target) -> pd.DataFrame:
    """``add_stance`` on replies with their ancestors; the replies' stance columns (a worker)."""
    scored = add_stance(mini, target)
    out: pd.DataFrame = scored.loc[sorted(keep), _STANCE]
    return out


def _patch(part: pd.DataFrame, patch: pd.DataFrame | None) -> pd.DataFrame:
    """Put the thread-aware stance on the rows of ``part`` listed in ``patch``."""
    if patch is None or patch.empty:
        return part
    out = part.copy()
    where = patch.index.to_numpy()
    for column in _STANCE:
        out.loc[where, column] = patch[column].to_numpy()
    return out


__all__ = ["PARTITION_ROWS", "analyze_dask", "analyze_dask_into", "dask_client", "score_dask"]
