"""The Dask engine: the same pipeline as :func:`analysis.pipeline.analyze`, scored on a cluster.

Scoring (sentiment, stance, a trained model, corrections) is the expensive part and works row by
row, so it runs as ``map_partitions`` over a Dask DataFrame of statements, on a
``distributed.LocalCluster`` by default or on an existing cluster given its scheduler address.
The output equals the single-process output row for row:

- Each input is read whole by :func:`analysis.pipeline.load` (on a worker, or here): the importer
  decides a file's layout, text column, time format and repeated-id suffixes over the whole file,
  and statement ids (``schema.statement_id(source, id or row, text)``) depend on those decisions.
  Files are read in parallel; a file's statements are then cut into partitions of
  ``partition_rows`` on the worker that read it.
- Partitions are computed a few at a time and handed on in order, so this process and the
  workers hold only a few scored partitions; replies whose thread crosses a partition are then
  re-scored with their ancestors (:mod:`analysis.parallel`, the same two phases as a local pool).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import pandas as pd

from analysis import schema
from analysis.ingest import ColumnMapping
from analysis.learn import Correction, TrainedModel
from analysis.parallel import (
    LINKS,
    PARTITION_ROWS,
    STANCE,
    Scoring,
    apply_fixes,
    names_target,
    ordered,
    thread_groups,
)
from analysis.pipeline import Analysis, Failure, Input, load
from analysis.progress import Progress, silent
from analysis.report import ImportReport
from analysis.sentiment import SentimentAnalyzer
from analysis.stance import Target
from analysis.store import Project, RunSummary, content_hashes

_STAGE = "score"


def analyze_dask(
    inputs: Sequence[Input],
    *,
    target: Target | None,
    mapping: ColumnMapping | None = None,
    platform: str | None = None,
    include_partial: bool = False,
    analyzer: SentimentAnalyzer | None = None,
    model: TrainedModel | None = None,
    corrections: Sequence[Correction] = (),
    on_topic: bool = False,
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
    scoring = Scoring(target, analyzer, on_topic, model, tuple(corrections))
    options = _Options(mapping, platform, include_partial, partition_rows, read_on_workers)
    with _dask_run(inputs, scoring, scheduler, n_workers, options, progress) as run:
        parts = list(run.stream)
        fixes = run.fixes(first_only=False)
    table = schema.conform(pd.concat(parts, ignore_index=True)) if parts else _empty(scoring)
    return Analysis(apply_fixes(table, fixes), run.reports, run.failures, run.manifest)


def analyze_dask_into(
    project: Project,
    inputs: Sequence[Input],
    *,
    target: Target | None,
    mapping: ColumnMapping | None = None,
    platform: str | None = None,
    include_partial: bool = False,
    analyzer: SentimentAnalyzer | None = None,
    model: TrainedModel | None = None,
    corrections: Sequence[Correction] = (),
    on_topic: bool = False,
    scheduler: str | None = None,
    n_workers: int = 2,
    partition_rows: int = PARTITION_ROWS,
    read_on_workers: bool | None = None,
    progress: Progress = silent,
) -> tuple[RunSummary, Analysis]:
    """:func:`analyze_dask` streamed into a project: a few scored partitions in memory at a time.

    The import is one transaction, as with :meth:`Project.append`. Returns the run summary and
    the run's reports, failures and manifest (``statements`` is empty: they are in the project).
    """
    scoring = Scoring(target, analyzer, on_topic, model, tuple(corrections))
    options = _Options(mapping, platform, include_partial, partition_rows, read_on_workers)
    with _dask_run(inputs, scoring, scheduler, n_workers, options, progress) as run:
        summary = project.append(
            run.stream,
            run.reports,
            run.manifest,
            content_hashes=content_hashes(inputs),
            updates=lambda: run.fixes(first_only=True),
        )
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
    scoring = Scoring(target, analyzer)
    run = _Run(client, _scatter(client, schema.conform(frame), partition_rows), scoring)
    parts = list(run.stream)
    scored = schema.conform(pd.concat(parts, ignore_index=True)) if parts else _empty(scoring)
    return apply_fixes(scored, run.fixes(first_only=False))


@dataclass(frozen=True)
class _Options:
    mapping: ColumnMapping | None
    platform: str | None
    include_partial: bool
    partition_rows: int
    read_on_workers: bool | None


class _Run:
    """Unscored partitions on the cluster; their scored stream, then the thread fixes."""

    def __init__(
        self,
        client: Any,
        parts: list[Any],
        scoring: Scoring,
        *,
        reports: list[ImportReport] | None = None,
        failures: list[Failure] | None = None,
        manifest: dict[str, Any] | None = None,
        progress: Progress = silent,
    ) -> None:
        self.client, self.parts, self.scoring = client, parts, scoring
        self.reports, self.failures = reports or [], failures or []
        self.manifest = manifest or {}
        self.progress = progress
        self.named: list[bool] = []
        self.window = 2 * max(1, len(client.scheduler_info().get("workers", {}))) + 1
        self.stream = self._stream()

    def _stream(self) -> Iterator[pd.DataFrame]:
        """Scored partitions in order, a window of them computing at a time."""
        import dask.dataframe as dd

        if not self.parts:
            return
        frame = dd.from_delayed(self.parts, meta=schema.empty(), verify_meta=False)
        scored = frame.map_partitions(
            _score_partition, self.scoring, meta=schema.empty(), enforce_metadata=False
        )
        tasks = (_Pair(self.client, d) for d in scored.to_delayed())
        total = sum(self.client.gather(self.client.map(len, self.parts)))
        done = 0
        for part, flags in ordered(tasks, self.window):
            self.named.extend(flags)
            done += len(part)
            self.progress(_STAGE, done, total, 0)
            yield schema.conform(part)

    def fixes(self, *, first_only: bool) -> pd.DataFrame:
        """Phase 2 on the workers: stance of replies whose thread crosses partitions."""
        client = self.client
        infos = client.gather(client.map(_links_of, self.parts)) if self.parts else []
        if not infos:
            return pd.DataFrame(columns=["statement_id", *STANCE])
        links = pd.concat(infos, ignore_index=True)
        sizes = [len(i) for i in infos]
        starts = [sum(sizes[:k]) for k in range(len(sizes))]
        groups = thread_groups(links, self.named, sizes)
        tasks = (
            client.submit(_group_task, self.scoring, self._rows(g.rows, starts), g.keep, pure=False)
            for g in groups
        )
        found = list(ordered(tasks, self.window))
        if not found:
            return pd.DataFrame(columns=["statement_id", *STANCE])
        out: pd.DataFrame = pd.concat(found)
        if first_only:
            first = ~links["statement_id"].duplicated().to_numpy()
            out = out[first[out.index.to_numpy()]]
        return out

    def _rows(self, rows: list[int], starts: list[int]) -> list[Any]:
        """Futures of the unscored rows at global positions ``rows``, one per partition."""
        by_part: dict[int, list[int]] = {}
        for row in rows:
            k = max(i for i, s in enumerate(starts) if s <= row)
            by_part.setdefault(k, []).append(row - starts[k])
        return [
            self.client.submit(_take, self.parts[k], local, starts[k], pure=False)
            for k, local in by_part.items()
        ]


class _Pair:
    """A scored partition and its reply flags, computed on the cluster."""

    def __init__(self, client: Any, delayed: Any) -> None:
        self.scored = client.compute(delayed)
        self.flags = client.submit(names_target, self.scored, pure=False)

    def result(self) -> tuple[pd.DataFrame, list[bool]]:
        return self.scored.result(), self.flags.result()


@contextmanager
def _dask_run(
    inputs: Sequence[Input],
    scoring: Scoring,
    scheduler: str | None,
    n_workers: int,
    o: _Options,
    progress: Progress,
) -> Iterator[_Run]:
    """Read (on workers or here); then the scored partitions as a stream, in order."""
    on_workers = scheduler is None if o.read_on_workers is None else o.read_on_workers
    with dask_client(scheduler, n_workers=n_workers) as client:
        if on_workers:
            parts, reports, failures = _load_on_workers(client, inputs, o)
        else:
            table, reports, failures = load(
                inputs,
                mapping=o.mapping,
                platform=o.platform,
                include_partial=o.include_partial,
                progress=progress,
            )
            parts = _scatter(client, table, o.partition_rows)
            del table
        run = scoring.manifest(reports, failures, o.include_partial)
        run["engine"] = {
            "name": "dask",
            "scheduler": scheduler or "LocalCluster",
            "workers": len(client.scheduler_info().get("workers", {})),
            "partition_rows": o.partition_rows,
            "read_on_workers": on_workers,
        }
        yield _Run(
            client,
            parts,
            scoring,
            reports=reports,
            failures=failures,
            manifest=run,
            progress=progress,
        )


def _scatter(client: Any, table: pd.DataFrame, partition_rows: int) -> list[Any]:
    chunks = [table.iloc[i : i + partition_rows] for i in range(0, len(table), partition_rows)]
    return list(client.scatter(chunks)) if chunks else []


def _load_on_workers(
    client: Any, inputs: Sequence[Input], o: _Options
) -> tuple[list[Any], list[ImportReport], list[Failure]]:
    """Read every input on a worker; returns partition futures (in input order) and accounting."""
    loaded = client.map(_load_one, list(inputs), o=o, pure=False)
    accounts = client.gather(client.map(_accounting, loaded))
    parts: list[Any] = []
    reports: list[ImportReport] = []
    failures: list[Failure] = []
    for future, (rows, its_reports, its_failures) in zip(loaded, accounts, strict=True):
        reports.extend(its_reports)
        failures.extend(its_failures)
        for start in range(0, rows, o.partition_rows):
            parts.append(client.submit(_rows, future, start, start + o.partition_rows, pure=False))
    if parts:
        # The slices sit on the worker that read the file, and tasks follow their data: spread
        # them over the workers first, or one worker scores while the others wait.
        client.gather(client.map(len, parts))
        client.rebalance(parts)
    return parts, reports, failures


def _load_one(
    item: Input, *, o: _Options
) -> tuple[pd.DataFrame, list[ImportReport], list[Failure]]:
    """``pipeline.load`` of one input (runs on a worker): the same ids as a whole-run load."""
    return load([item], mapping=o.mapping, platform=o.platform, include_partial=o.include_partial)


def _accounting(
    loaded: tuple[pd.DataFrame, list[ImportReport], list[Failure]],
) -> tuple[int, list[ImportReport], list[Failure]]:
    return len(loaded[0]), loaded[1], loaded[2]


def _rows(
    loaded: tuple[pd.DataFrame, list[ImportReport], list[Failure]], start: int, stop: int
) -> pd.DataFrame:
    return loaded[0].iloc[start:stop]


def _empty(scoring: Scoring) -> pd.DataFrame:
    return schema.conform(scoring.partition(schema.empty())[0])


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


def _score_partition(part: pd.DataFrame, scoring: Scoring) -> pd.DataFrame:
    """Phase 1 on one partition (runs on a worker), one sentiment analyser per worker."""
    if scoring.analyzer is None:
        scoring = replace(scoring, analyzer=_default_analyzer())
    return scoring.partition(part)[0]


@cache
def _default_analyzer() -> SentimentAnalyzer:
    """One analyser per worker process, built on its first partition."""
    return SentimentAnalyzer()


def _links_of(part: pd.DataFrame) -> pd.DataFrame:
    return part[[c for c in LINKS if c in part.columns]].reset_index(drop=True)


def _take(part: pd.DataFrame, local: list[int], start: int) -> pd.DataFrame:
    return part.iloc[local].set_axis([start + i for i in local])


def _group_task(scoring: Scoring, pieces: list[pd.DataFrame], keep: list[int]) -> pd.DataFrame:
    """Phase 2 for one group of replies (runs on a worker)."""
    return scoring.threads(pd.concat(pieces).sort_index(), keep)


__all__ = ["PARTITION_ROWS", "analyze_dask", "analyze_dask_into", "dask_client", "score_dask"]
