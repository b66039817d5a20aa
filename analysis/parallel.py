"""Score a statement table in partitions, on several processes, with the one-pass result.

Scoring works row by row except for one thing: a reply that names neither the target nor an
opponent is read in its thread's context (:mod:`analysis.stance.attach`), and its parent may sit
in another partition. So scoring has two phases, and the same two phases serve a process pool
here and a Dask cluster in :mod:`analysis.engine`:

1. every partition is scored on its own (sentiment, stance with the threads inside it, the
   trained model, the analyst's corrections) and handed on, in order, as soon as it is ready:
   only a few partitions are ever in memory;
2. the replies whose thread crosses a partition boundary (and their unnamed replies) are
   re-scored together with their ancestors, exactly as the one-pass run reads them, and their
   stance columns replace the first reading (in a project: an UPDATE in the same transaction).
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cached_property, partial
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from analysis import schema
from analysis.learn import (
    Correction,
    TrainedModel,
    add_model_stance,
    apply_corrections,
    merge_corrections,
)
from analysis.pipeline import Analysis, Failure, Input, Stream, load_stream, run_manifest, score
from analysis.progress import Progress, silent
from analysis.report import ImportReport
from analysis.sentiment import SentimentAnalyzer
from analysis.sentiment.analyzer import _pool_context as pool_context
from analysis.stance import Target, add_stance

# The stance stage's own rules for which row a reply answers and whether it names the target:
# reused, not copied, so phase 2 finds exactly the threads the one-pass run follows.
from analysis.stance.attach import _MENTION_KINDS as MENTION_KINDS
from analysis.stance.attach import _links as thread_links
from analysis.store import Project, RunSummary, StagedRows, content_hashes

PARTITION_ROWS = 50_000  # statements per task: seconds of scoring, tens of MB in flight
GROUP_ROWS = 5_000  # phase 2: re-scored replies per task (several, so every worker takes some)
STANCE = ["stance_label", "stance_score", "stance_evidence"]
# What phase 2 reads of a stored row: the text and speaker a stance reading depends on
# (analysis.stance.attach._keys), the thread links (._links), and the text corrections match on.
READS = ["statement_id", "parent_id", "original_id", "text", "speaker", "speaker_role"]
LINKS = ["statement_id", "parent_id", "original_id"]
_STAGE = "score"


class Ready(Protocol):
    """A task's handle: a ``concurrent.futures.Future`` or a ``distributed.Future``."""

    def result(self) -> Any: ...


@dataclass(frozen=True)
class Scoring:
    """Everything that scores a partition; sent to each worker once."""

    target: Target | None
    analyzer: SentimentAnalyzer | None = None
    on_topic: bool = False
    model: TrainedModel | None = None
    corrections: tuple[Correction, ...] = ()
    sentiment: bool = True  # False: stance only (a project re-scored toward a new target)

    def partition(self, part: pd.DataFrame) -> tuple[pd.DataFrame, list[bool]]:
        """Phase 1: the scored partition and, per row, whether it names the target itself."""
        scored = score(
            part,
            target=self.target,
            analyzer=self.analyzer,
            model=self.model,
            corrections=self.corrections,
            on_topic=self.on_topic,
            sentiment=self.sentiment,
        )
        return scored, names_target(scored)

    def threads(self, rows: pd.DataFrame, keep: Sequence[int]) -> pd.DataFrame:
        """Phase 2: stance of ``keep`` read with the ancestors in ``rows`` (index = position)."""
        scored = add_stance(rows, self.target, on_topic=self.on_topic).loc[list(keep)]
        if self.model is not None:
            scored = add_model_stance(scored, self.model)
        text = None if self.target is None else self.target.text
        if self.corrections:
            scored, _ = apply_corrections(scored, self.corrections, target=text, field="stance")
        return scored[["statement_id", *STANCE]]

    def manifest(
        self, reports: Sequence[ImportReport], failures: Sequence[Failure], include_partial: bool
    ) -> dict[str, Any]:
        return run_manifest(
            reports,
            failures,
            target=self.target,
            analyzer=self.analyzer,
            include_partial=include_partial,
            on_topic=self.on_topic,
            model=self.model,
            corrections=self.corrections,
        )


def names_target(scored: pd.DataFrame) -> list[bool]:
    """Rows whose stance evidence holds a mention of the target or an opponent."""
    return [
        isinstance(raw, str) and any(e.get("kind") in MENTION_KINDS for e in json.loads(raw))
        if parent is not None
        else False
        for raw, parent in zip(
            scored["stance_evidence"].astype(object),
            scored["parent_id"].astype(object).where(scored["parent_id"].notna(), None),
            strict=True,
        )
    ]


def ordered(tasks: Iterable[Ready], window: int) -> Iterator[Any]:
    """Results in submission order, with at most ``window`` tasks started and not yet taken."""
    pending: deque[Ready] = deque()
    for task in tasks:
        pending.append(task)
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


# ---------------------------------------------------------------------- phase 2


def missed_threads(links: list[int | None], named: list[bool], part: list[int]) -> list[int]:
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


def with_ancestors(rows: Sequence[int], links: list[int | None], named: list[bool]) -> set[int]:
    """``rows`` and their ancestors up to the first that names the target, or a root."""
    out: set[int] = set()
    for row in rows:
        at: int | None = row
        while at is not None and at not in out:
            out.add(at)
            at = None if (named[at] and at != row) else links[at]
    return out


def partition_of(sizes: Sequence[int]) -> list[int]:
    return [k for k, n in enumerate(sizes) for _ in range(n)]


@dataclass(frozen=True)
class ThreadGroup:
    """One phase-2 task: rows to re-score (``keep``) and every row they need (``rows``)."""

    keep: list[int]
    rows: list[int]


def thread_groups(
    link_table: pd.DataFrame, named: list[bool], sizes: Sequence[int]
) -> list[ThreadGroup]:
    """The phase-2 tasks of a table cut into partitions of ``sizes`` (global row positions)."""
    links = thread_links(link_table, None)
    redo = missed_threads(links, named, partition_of(sizes))
    groups = [redo[k : k + GROUP_ROWS] for k in range(0, len(redo), GROUP_ROWS)]
    return [ThreadGroup(g, sorted(with_ancestors(g, links, named))) for g in groups]


# ---------------------------------------------------------------------- a process pool


class Inline(Executor):
    """Runs each task at once, here: one process, the same code path as a pool."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        done: Future[Any] = Future()
        try:
            done.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            done.set_exception(exc)
        return done


_SCORING: Scoring | None = None


def _install(scoring: Scoring) -> None:
    global _SCORING
    _SCORING = scoring


def _partition_task(part: pd.DataFrame) -> tuple[pd.DataFrame, list[bool]]:
    assert _SCORING is not None, "worker used before _install"
    return _SCORING.partition(part)


def _threads_task(rows: pd.DataFrame, keep: list[int]) -> pd.DataFrame:
    assert _SCORING is not None, "worker used before _install"
    return _SCORING.threads(rows, keep)


class Workers(Protocol):
    """Where partitions are scored: a process pool here, or a Dask cluster (analysis.engine)."""

    @property
    def window(self) -> int:
        """Tasks in flight: enough to keep every worker busy, few enough for memory."""

    def partition(self, part: pd.DataFrame) -> Ready: ...

    def threads(self, rows: pd.DataFrame, keep: list[int]) -> Ready: ...

    def describe(self) -> dict[str, Any]: ...


@dataclass
class Pool:
    """Scoring on a ``concurrent.futures`` executor whose processes hold the :class:`Scoring`."""

    executor: Executor
    workers: int

    @property
    def window(self) -> int:
        return 2 * self.workers

    def partition(self, part: pd.DataFrame) -> Ready:
        return self.executor.submit(_partition_task, part)

    def threads(self, rows: pd.DataFrame, keep: list[int]) -> Ready:
        return self.executor.submit(_threads_task, rows, keep)

    def describe(self) -> dict[str, Any]:
        return {"name": "processes", "workers": self.workers}


@contextmanager
def pool(scoring: Scoring, workers: int) -> Iterator[Pool]:
    """``workers`` processes holding ``scoring`` (sent once each); 1 scores in this process.

    Start it before reading a big input: forked workers then do not carry its pages.
    """
    scoring = with_analyzer(scoring)
    _install(scoring)
    if workers <= 1:
        yield Pool(Inline(), 1)
        return
    with ProcessPoolExecutor(
        workers, mp_context=pool_context(), initializer=_install, initargs=(scoring,)
    ) as executor:
        yield Pool(executor, workers)


def with_analyzer(scoring: Scoring) -> Scoring:
    """One sentiment analyser for every partition, rather than one built per partition."""
    return scoring if scoring.analyzer else replace(scoring, analyzer=SentimentAnalyzer())


RowsOf = Callable[[list[int]], pd.DataFrame]  # global positions -> those rows, indexed so


class Scored:
    """Partitions being scored: a stream of scored partitions, then the phase-2 fixes."""

    def __init__(
        self, parts: Iterable[pd.DataFrame], workers: Workers, *, progress: Progress = silent
    ) -> None:
        self.workers, self.progress = workers, progress
        self.links: list[pd.DataFrame] = []  # the reply columns of every partition
        self.named: list[bool] = []
        self.partitions = self._stream(parts)

    def _stream(self, parts: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        """Scored partitions in order, a window of them in flight."""
        tasks = (self.workers.partition(self._linked(p)) for p in parts)
        done = 0
        for scored, flags in ordered(tasks, self.workers.window):
            self.named.extend(flags)
            done += len(scored)
            self.progress(_STAGE, done, 0, 0)  # total unknown while the inputs stream
            yield schema.conform(scored)
        self.progress(_STAGE, done, done, 0)

    def _linked(self, part: pd.DataFrame) -> pd.DataFrame:
        self.links.append(part[[c for c in LINKS if c in part.columns]].reset_index(drop=True))
        return part

    @cached_property
    def link_table(self) -> pd.DataFrame | None:
        """The reply columns of every partition, by global position (None: no rows); read it
        once the stream is consumed."""
        return pd.concat(self.links, ignore_index=True) if self.links else None

    def fixes(self, rows_of: RowsOf) -> pd.DataFrame:
        """Phase 2, once the stream is consumed; ``rows_of`` gives the rows a group needs."""
        if self.link_table is None:
            return pd.DataFrame(columns=["statement_id", *STANCE])
        groups = thread_groups(self.link_table, self.named, [len(x) for x in self.links])
        tasks = (self.workers.threads(rows_of(g.rows), g.keep) for g in groups)
        found = list(ordered(tasks, self.workers.window))
        return pd.concat(found) if found else pd.DataFrame(columns=["statement_id", *STANCE])


def partitions(table: pd.DataFrame, rows: int = PARTITION_ROWS) -> Iterator[pd.DataFrame]:
    """``table`` cut into slices of ``rows``."""
    for start in range(0, len(table), rows):
        yield table.iloc[start : start + rows]


def recut(chunks: Iterable[pd.DataFrame], rows: int) -> Iterator[pd.DataFrame]:
    """Chunks of any size as partitions of ``rows`` (the last of each input may be shorter)."""
    for chunk in chunks:
        yield from partitions(chunk, rows)


def apply_fixes(table: pd.DataFrame, fixes: pd.DataFrame) -> pd.DataFrame:
    """Put phase-2 stance columns on the rows of a whole scored table (fixes index = position)."""
    if fixes.empty:
        return table
    out = table.copy()
    where = fixes.index.to_numpy()
    for column in STANCE:
        out[column] = out[column].astype(object)
        out.loc[where, column] = fixes[column].to_numpy()
        out[column] = out[column].astype(table[column].dtype)
    return out


# ---------------------------------------------------------------------- runs


def analyze(
    inputs: Sequence[Input],
    scoring: Scoring,
    *,
    workers: int | Workers = 1,
    partition_rows: int = PARTITION_ROWS,
    progress: Progress = silent,
    **load_options: Any,
) -> Analysis:
    """:func:`analysis.pipeline.analyze` on ``workers`` processes (or a cluster); the same table."""
    with _workers(scoring, workers) as where:
        stream = load_stream(inputs, chunk_rows=partition_rows, progress=progress, **load_options)
        run = Scored(recut(stream.chunks, partition_rows), where, progress=progress)
        parts = list(run.partitions)
        scored = schema.conform(pd.concat(parts, ignore_index=True)) if parts else _empty(scoring)
        del parts
        fixes = run.fixes(lambda rows: scored.iloc[rows].set_axis(rows))
        manifest = _manifest(scoring, stream, where, load_options)
    return Analysis(apply_fixes(scored, fixes), stream.reports, stream.failures, manifest)


def analyze_into(
    project: Project,
    inputs: Sequence[Input],
    scoring: Scoring,
    *,
    workers: int | Workers = 1,
    partition_rows: int = PARTITION_ROWS,
    progress: Progress = silent,
    **load_options: Any,
) -> tuple[RunSummary, Analysis]:
    """Read, score on ``workers`` processes (or a cluster) and append to ``project``, a
    partition at a time.

    Memory holds a few partitions and the reply columns, never the whole import. One
    transaction, as :meth:`Project.append`. The corrections the project holds apply with those of
    ``scoring`` (a cluster given as ``workers`` must hold a scoring made with :func:`held`), and
    the run stores them. Returns the run summary and the run's reports, failures and manifest
    (``statements`` is empty: they are in the project).
    """
    scoring = held(project, scoring)
    hashes = content_hashes(inputs)
    repeat = project.imported(hashes)  # imported before: not read again, reported as such
    fresh = [i for i in inputs if not (isinstance(i, str | Path) and Path(i).name in repeat)]
    with _workers(scoring, workers) as where:
        stream = load_stream(fresh, chunk_rows=partition_rows, progress=progress, **load_options)
        run = Scored(recut(stream.chunks, partition_rows), where, progress=progress)

        def fixes(staged: StagedRows) -> pd.DataFrame:
            links = run.link_table
            found = run.fixes(partial(_staged_rows, staged, links))
            if links is None or found.empty:
                return found
            first = ~links["statement_id"].duplicated().to_numpy()  # the rows a project keeps
            keep: pd.DataFrame = found[first[found.index.to_numpy()]]
            return keep

        summary = project.append(
            run.partitions,
            stream.reports,
            lambda: _manifest(scoring, stream, where, load_options),
            content_hashes=hashes,
            updates=fixes,
            corrections=scoring.corrections,
        )
        manifest = _manifest(scoring, stream, where, load_options)
    return summary, Analysis(schema.empty(), stream.reports, stream.failures, manifest)


def held(project: Project, scoring: Scoring) -> Scoring:
    """``scoring`` with the corrections ``project`` holds, under its own (which win)."""
    merged = merge_corrections(project.corrections(), scoring.corrections)
    return replace(scoring, corrections=tuple(merged))


@contextmanager
def _workers(scoring: Scoring, workers: int | Workers) -> Iterator[Workers]:
    if isinstance(workers, int):
        with pool(scoring, workers) as opened:
            yield opened
    else:
        yield workers


def _manifest(
    scoring: Scoring, stream: Stream, where: Workers, load_options: Mapping[str, Any]
) -> dict[str, Any]:
    partial = bool(load_options.get("include_partial", False))
    run = scoring.manifest(stream.reports, stream.failures, partial)
    run["engine"] = where.describe()
    return run


def rescore(
    project: Project,
    target: Target,
    *,
    on_topic: bool = False,
    model: TrainedModel | None = None,
    corrections: Sequence[Correction] = (),
    workers: int = 1,
    partition_rows: int = PARTITION_ROWS,
    progress: Progress = silent,
) -> RunSummary:
    """Score stance toward ``target`` on the project's current statements, as a new run.

    Nothing is re-imported or re-extracted; sentiment and every other column are kept, except
    where the analyst's corrections set a label: those the project holds and ``corrections``
    (which win), as in an import; a trained ``model`` for the target reads stance first. The
    current rows are copied out, scored a partition at a time with the file closed (others may
    read it meanwhile) and stored in one transaction; the earlier runs stay readable with
    ``Project.statements(run=...)``.
    """
    scoring = Scoring(target, None, on_topic, model, tuple(corrections), sentiment=False)
    scoring = held(project, scoring)
    with pool(scoring, workers) as where:
        manifest = {"target": target.to_dict(), "on_topic": on_topic}
        manifest["stance_model"] = None if model is None else {"name": model.name, **model.info}
        manifest["corrections"] = len(scoring.corrections)
        manifest["engine"] = where.describe()
        with project.superseding(manifest, corrections=scoring.corrections) as version:
            seqs: deque[Any] = deque()
            run = Scored(version.current_partitions(partition_rows, seqs), where, progress=progress)
            for part in run.partitions:
                version.add(part, seqs.popleft())
            version.finish(run.fixes(partial(_staged_rows, version.rows, run.link_table)))
    return RunSummary(version.run_id, "rescore", version.spill.rows, 0)


def _staged_rows(staged: StagedRows, links: pd.DataFrame | None, rows: list[int]) -> pd.DataFrame:
    """The columns a stance reading depends on, of rows at global positions (phase 2)."""
    assert links is not None, "phase 2 asked for rows of an empty import"
    ids = links["statement_id"].iloc[rows].astype(str).tolist()
    found = staged(sorted(set(ids)), READS).set_index("statement_id", drop=False)
    return found.loc[ids].set_axis(rows)


def _empty(scoring: Scoring) -> pd.DataFrame:
    return schema.conform(scoring.partition(schema.empty())[0])


__all__ = [
    "PARTITION_ROWS",
    "Scoring",
    "analyze",
    "analyze_into",
    "Pool",
    "Scored",
    "Workers",
    "apply_fixes",
    "partitions",
    "pool",
    "thread_groups",
]
