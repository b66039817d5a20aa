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

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import schema
from analysis.ingest import ColumnMapping
from analysis.pipeline import Analysis, Failure, Input, load, manifest
from analysis.progress import Progress, silent
from analysis.report import ImportReport
from analysis.sentiment import SentimentAnalyzer, add_sentiment
from analysis.stance import Target, add_stance
from analysis.stance.attach import _links as thread_links  # exact reply -> parent resolution
from analysis.store import Project, RunSummary, content_hash

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
    table = _conform(pd.concat(parts, ignore_index=True)) if parts else schema.empty()
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
        hashes = _content_hashes(inputs)
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
    parts = _scatter(client, _conform(frame), partition_rows)
    scored = list(_stream(client, parts, target, analyzer))
    return _conform(pd.concat(scored, ignore_index=True)) if scored else _score_empty(target)


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


def _content_hashes(inputs: Sequence[Input]) -> dict[str, str]:
    """Source name (a file's name, as the importers write it) -> sha256, for files that exist."""
    out: dict[str, str] = {}
    for item in inputs:
        if isinstance(item, str | Path) and Path(item).is_file():
            out[Path(item).name] = content_hash(Path(item))
    return out


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
    chain = _chain_stance(client, parts, target)
    frame = dd.from_delayed(parts, meta=schema.empty(), verify_meta=False)
    scored = frame.map_partitions(
        _score_partition, target, analyzer, meta=schema.empty(), enforce_metadata=False
    )
    futures = client.compute(scored.to_delayed())
    for future in futures:
        part = _conform(future.result())
        future.release()  # the worker may drop it: only this partition stays in memory here
        yield _patch(part, chain)


def _score_empty(target: Target | None) -> pd.DataFrame:
    return _conform(_score_partition(schema.empty(), target, None))


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


def _chain_stance(client: Any, parts: list[Any], target: Target | None) -> pd.DataFrame | None:
    """Stance of every row of a reply chain, scored together as the single-process run does.

    A row is in a chain when its parent is a statement of the run or it is such a parent; chains
    are closed under ancestors, so scoring them together in table order gives each reply the
    same thread context as scoring the whole table. Only ids travel until the chains are known.
    """
    if target is None:
        return None
    pairs = pd.concat(client.gather(client.map(_id_pairs, parts)), ignore_index=True)
    links = thread_links(pairs, None)  # the stance stage's own reply -> parent resolution
    in_chain = [False] * len(links)
    for row, parent in enumerate(links):
        if parent is not None:
            in_chain[row] = in_chain[parent] = True
    if not any(in_chain):
        return None
    wanted = frozenset(pairs["statement_id"][in_chain])
    rows = pd.concat(client.gather(client.map(_pick, parts, wanted=wanted)), ignore_index=True)
    stance = add_stance(_conform(rows), target).set_index("statement_id")[_STANCE]
    return stance[~stance.index.duplicated()]


def _id_pairs(part: pd.DataFrame) -> pd.DataFrame:
    """The columns that link replies to parents (only ids travel to find the chains)."""
    return part[[c for c in _LINK_COLUMNS if c in part.columns]]


def _pick(part: pd.DataFrame, wanted: frozenset[str]) -> pd.DataFrame:
    return part[part["statement_id"].isin(wanted)]


def _patch(part: pd.DataFrame, chain: pd.DataFrame | None) -> pd.DataFrame:
    """Put the chain-aware stance on the rows of ``part`` that belong to a reply chain."""
    if chain is None:
        return part
    mask = part["statement_id"].isin(chain.index).to_numpy()
    if not mask.any():
        return part
    out = part.copy()
    found = chain.loc[part.loc[mask, "statement_id"]]
    for column in _STANCE:
        out.loc[mask, column] = found[column].to_numpy()
    return out


def _conform(frame: pd.DataFrame) -> pd.DataFrame:
    """``schema.validate``, skipped when the columns and dtypes already match (a stage's own
    output): validating a million rows again costs seconds and changes nothing."""
    if list(frame.columns) == list(schema.COLUMNS) and all(
        str(frame[c].dtype) == d for c, d in schema.COLUMNS.items()
    ):
        return frame.reset_index(drop=True)
    return schema.validate(frame)


__all__ = ["PARTITION_ROWS", "analyze_dask", "analyze_dask_into", "dask_client", "score_dask"]
