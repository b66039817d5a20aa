"""The Dask engine: the same pipeline as :func:`analysis.pipeline.analyze`, scored on a cluster.

Scoring (sentiment, stance, a trained model, corrections) is the expensive part and works row by
row, so it runs partition by partition on the workers of a ``distributed.LocalCluster`` by
default, or of an existing cluster given its scheduler address. The inputs are read here as a
stream of chunks (:func:`analysis.pipeline.load_stream`); each partition is scattered to a
worker, scored there, and comes back in order, a few in flight at a time, so neither this
process nor the workers ever hold the whole import. The output equals the single-process output
row for row: the two phases of :mod:`analysis.parallel` (partitions, then the replies whose
thread crosses a partition) run here exactly as on a local process pool.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis import schema
from analysis.learn import Correction, TrainedModel
from analysis.parallel import (
    PARTITION_ROWS,
    Ready,
    Scored,
    Scoring,
    analyze,
    analyze_into,
    apply_fixes,
    held,
    partitions,
    with_analyzer,
)
from analysis.pipeline import Analysis, Input
from analysis.progress import Progress, silent
from analysis.sentiment import SentimentAnalyzer
from analysis.stance import Target
from analysis.store import Project, RunSummary


@dataclass
class Cluster:
    """Scoring on a Dask cluster: the :class:`Scoring` sits on every worker once."""

    client: Any
    scoring: Any  # a future of the Scoring, replicated to every worker
    workers: int
    scheduler: str

    @classmethod
    def start(cls, client: Any, scoring: Scoring, scheduler: str) -> Cluster:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        on_all = client.scatter(with_analyzer(scoring), broadcast=True)
        return cls(client, on_all, workers, scheduler)

    @property
    def window(self) -> int:
        return 2 * self.workers + 1

    def partition(self, part: pd.DataFrame) -> Ready:
        task: Ready = self.client.submit(
            _partition_task, self.scoring, self.client.scatter(part, hash=False), pure=False
        )
        return task

    def threads(self, rows: pd.DataFrame, keep: list[int]) -> Ready:
        task: Ready = self.client.submit(
            _threads_task, self.scoring, self.client.scatter(rows, hash=False), keep, pure=False
        )
        return task

    def describe(self) -> dict[str, Any]:
        return {"name": "dask", "scheduler": self.scheduler, "workers": self.workers}


@contextmanager
def cluster(
    scoring: Scoring, scheduler: str | None = None, *, n_workers: int = 2
) -> Iterator[Cluster]:
    """A :class:`Cluster` on ``scheduler``, or on a LocalCluster of ``n_workers`` made here."""
    with dask_client(scheduler, n_workers=n_workers) as client:
        yield Cluster.start(client, scoring, scheduler or "LocalCluster")


def analyze_dask(
    inputs: Sequence[Input],
    *,
    target: Target | None,
    analyzer: SentimentAnalyzer | None = None,
    model: TrainedModel | None = None,
    corrections: Sequence[Correction] = (),
    on_topic: bool = False,
    scheduler: str | None = None,
    n_workers: int = 2,
    partition_rows: int = PARTITION_ROWS,
    progress: Progress = silent,
    **load_options: Any,
) -> Analysis:
    """Load here, score on a Dask cluster; the result equals ``pipeline.analyze``.

    Args:
        scheduler: address of a running scheduler (``tcp://host:8786``); None starts a
            ``LocalCluster`` of ``n_workers`` single-threaded processes for this run.
        partition_rows: statements per partition (memory per task is about proportional).
        load_options: ``mapping``, ``platform``, ``include_partial`` as for ``pipeline.load``.
    """
    scoring = Scoring(target, analyzer, on_topic, model, tuple(corrections))
    with cluster(scoring, scheduler, n_workers=n_workers) as where:
        return analyze(
            inputs,
            scoring,
            workers=where,
            partition_rows=partition_rows,
            progress=progress,
            **load_options,
        )


def analyze_dask_into(
    project: Project,
    inputs: Sequence[Input],
    *,
    target: Target | None,
    analyzer: SentimentAnalyzer | None = None,
    model: TrainedModel | None = None,
    corrections: Sequence[Correction] = (),
    on_topic: bool = False,
    scheduler: str | None = None,
    n_workers: int = 2,
    partition_rows: int = PARTITION_ROWS,
    progress: Progress = silent,
    **load_options: Any,
) -> tuple[RunSummary, Analysis]:
    """:func:`analyze_dask` streamed into a project, as :func:`analysis.parallel.analyze_into`."""
    scoring = held(project, Scoring(target, analyzer, on_topic, model, tuple(corrections)))
    with cluster(scoring, scheduler, n_workers=n_workers) as where:
        return analyze_into(
            project,
            inputs,
            scoring,
            workers=where,
            partition_rows=partition_rows,
            progress=progress,
            **load_options,
        )


def score_dask(
    frame: pd.DataFrame,
    *,
    target: Target | None,
    client: Any,
    analyzer: SentimentAnalyzer | None = None,
    partition_rows: int = PARTITION_ROWS,
) -> pd.DataFrame:
    """``pipeline.score(frame)`` computed partition by partition on ``client``'s cluster."""
    scoring = Scoring(target, analyzer)
    where = Cluster.start(client, scoring, str(client.scheduler.address))
    run = Scored(partitions(schema.conform(frame), partition_rows), where)
    parts = list(run.partitions)
    scored = (
        schema.conform(pd.concat(parts, ignore_index=True))
        if parts
        else schema.conform(with_analyzer(scoring).partition(schema.empty())[0])
    )
    return apply_fixes(scored, run.fixes(lambda rows: scored.iloc[rows].set_axis(rows)))


@contextmanager
def dask_client(scheduler: str | None = None, *, n_workers: int = 2) -> Iterator[Any]:
    """A ``distributed.Client`` for an existing scheduler, or for a LocalCluster made here."""
    from distributed import Client, LocalCluster

    # distributed's constructors carry no annotations: untyped calls are expected here.
    if scheduler:
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            yield client
        return
    local = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    with local, Client(local) as client:  # type: ignore[no-untyped-call]
        yield client


def _partition_task(scoring: Scoring, part: pd.DataFrame) -> tuple[pd.DataFrame, list[bool]]:
    """Phase 1 on one partition (runs on a worker)."""
    return scoring.partition(part)


def _threads_task(scoring: Scoring, rows: pd.DataFrame, keep: list[int]) -> pd.DataFrame:
    """Phase 2 for one group of replies (runs on a worker)."""
    return scoring.threads(rows, keep)


__all__ = [
    "PARTITION_ROWS",
    "Cluster",
    "analyze_dask",
    "analyze_dask_into",
    "cluster",
    "dask_client",
    "score_dask",
]
