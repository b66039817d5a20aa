"""The Dask engine: the same pipeline as :func:`analysis.pipeline.analyze`, scored on a cluster.

Scoring (sentiment, then stance) is the expensive part and works row by row, so it runs as
``map_partitions`` over a Dask DataFrame of statements, on a ``distributed.LocalCluster`` by
default or on an existing cluster given its scheduler address. The output equals the
single-process output row for row:

- Reading stays in :func:`analysis.pipeline.load`, on the client: the importer decides a file's
  layout, text column, time format and repeated-id suffixes over the whole file, and statement ids
  (``schema.statement_id(source, id or row, text)``) depend on those global decisions.
- A reply's stance can depend on its parent's (``analysis.stance.attach``), and a parent may sit
  in another partition: after the partitions are scored, the rows of every reply chain are
  re-scored together on the client, exactly as the single-process run scores them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

import pandas as pd

from analysis import schema
from analysis.ingest import ColumnMapping
from analysis.pipeline import Analysis, Input, load, manifest
from analysis.progress import Progress, silent
from analysis.sentiment import SentimentAnalyzer, add_sentiment
from analysis.stance import Target, add_stance

PARTITION_ROWS = 50_000  # statements per partition: a few seconds of scoring, a few MB of memory
_STANCE = ["stance_label", "stance_score", "stance_evidence"]


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
    progress: Progress = silent,
) -> Analysis:
    """Load on the client, score on a Dask cluster; the result equals ``pipeline.analyze``.

    Args:
        scheduler: address of a running scheduler (``tcp://host:8786``); None starts a
            ``LocalCluster`` of ``n_workers`` single-threaded processes for this run.
        partition_rows: statements per partition (memory per task is about proportional).
    """
    table, reports, failures = load(
        inputs, mapping=mapping, include_partial=include_partial, progress=progress
    )
    with dask_client(scheduler, n_workers=n_workers) as client:
        scored = score_dask(
            table, target=target, analyzer=analyzer, client=client, partition_rows=partition_rows
        )
        workers = len(client.scheduler_info().get("workers", {}))
    run = manifest(target=target, reports=reports, failures=failures, analyzer=analyzer)
    run["include_partial"] = include_partial
    run["engine"] = {
        "name": "dask",
        "scheduler": scheduler or "LocalCluster",
        "workers": workers,
        "partition_rows": partition_rows,
    }
    return Analysis(scored, reports, failures, run)


def score_dask(
    frame: pd.DataFrame,
    *,
    target: Target | None,
    client: Any,
    analyzer: SentimentAnalyzer | None = None,
    partition_rows: int = PARTITION_ROWS,
) -> pd.DataFrame:
    """``pipeline.score(frame)`` computed as ``map_partitions`` on ``client``'s cluster."""
    import dask.dataframe as dd

    table = _conform(frame)
    if table.empty:
        return _conform(_score_partition(table, target, analyzer))
    chunks = [table.iloc[i : i + partition_rows] for i in range(0, len(table), partition_rows)]
    futures = client.scatter(chunks)
    parts = dd.from_delayed(futures, meta=schema.empty(), verify_meta=False)
    scored = parts.map_partitions(
        _score_partition, target, analyzer, meta=schema.empty(), enforce_metadata=False
    )
    out = _conform(scored.compute())
    return _rethread(out, table, target)


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


def _rethread(scored: pd.DataFrame, table: pd.DataFrame, target: Target | None) -> pd.DataFrame:
    """Re-score the stance of every reply chain as one frame, as the single-process run does.

    A row is in a chain when its parent is a statement of the table or it is such a parent;
    chains are closed under ancestors, so scoring them together in table order gives the same
    thread context as scoring the whole table.
    """
    if target is None or table["parent_id"].isna().all():
        return scored
    ids = table["statement_id"]
    parents = table["parent_id"]
    in_chain = parents.isin(ids) | ids.isin(parents.dropna())
    if not in_chain.any():
        return scored
    chain = scored.loc[in_chain.to_numpy()]
    rescored = add_stance(chain, target)
    out = scored.copy()
    for column in _STANCE:
        out.loc[in_chain.to_numpy(), column] = rescored[column].to_numpy()
    return _conform(out)


def _conform(frame: pd.DataFrame) -> pd.DataFrame:
    """``schema.validate``, skipped when the columns and dtypes already match (a stage's own
    output): validating a million rows again costs seconds and changes nothing."""
    if list(frame.columns) == list(schema.COLUMNS) and all(
        str(frame[c].dtype) == d for c, d in schema.COLUMNS.items()
    ):
        return frame.reset_index(drop=True)
    return schema.validate(frame)


__all__ = ["PARTITION_ROWS", "analyze_dask", "dask_client", "score_dask"]
