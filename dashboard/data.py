"""Loading and (re)analysing data for the dashboard; every failure becomes a message, not a crash.

The bundled sample and tables read from disk go through ``st.cache_data`` (a new session opens
instantly; Streamlit hands each caller its own copy). What a session is looking at is a
:class:`Dataset` kept in session state: the statement table, a *view* of it with categorical
labels and plain floats (filters and group-bys on a million rows stay in tens of milliseconds),
the import reports, failures and manifest.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from analysis import pipeline, schema
from analysis.errors import ReactionLensError
from analysis.ingest import ColumnMapping
from analysis.learn import (
    Correction,
    TrainedModel,
    add_model_stance,
    apply_corrections,
    corrections_path,
    load_corrections,
)
from analysis.learn.corrections import same_target
from analysis.progress import Progress, silent
from analysis.report import ImportReport
from analysis.stance import STANCE_SETTINGS, Target, add_stance
from dashboard import filters, views

CATEGORICAL = schema.CATEGORICAL
VIEW_COLUMNS = (
    "source",
    "source_kind",
    "platform",
    "speaker",
    "speaker_role",
    "posted_at",
    "sentiment_compound",
    "sentiment_label",
    "stance_score",
    "stance_label",
)
MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # Streamlit's own default upload cap
#: ColumnMapping field -> the key an ImportReport's mapping uses for it.
MAPPING_FIELDS = {
    "text": "text",
    "author": "speaker",
    "time": "posted_at",
    "id": "id",
    "parent": "parent_id",
    "platform": "platform",
}


@dataclass
class Dataset:
    """Everything a session shows; replaced whole, never edited in place."""

    statements: pd.DataFrame
    reports: list[ImportReport] = field(default_factory=list)
    failures: list[pipeline.Failure] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    inputs: list[pipeline.Input] = field(default_factory=list)
    origin: str = ""
    target: Target | None = None
    #: The analyst's labels (all targets and fields); already applied to ``statements``.
    corrections: tuple[Correction, ...] = ()
    #: Where corrections are kept when the app was opened on a table (None: this session only).
    corrections_file: Path | None = None
    corrections_error: str | None = None  # the sidecar could not be read
    model: TrainedModel | None = None  # an accepted per-target stance model
    on_topic: bool = False  # comments were collected under the story: read them as about it
    view: pd.DataFrame = field(init=False)
    choices: dict[str, list[str]] = field(init=False)
    bounds: tuple[date, date] | None = field(init=False)
    token: str = field(init=False)

    def __post_init__(self) -> None:
        self.view = prepare(self.statements)
        self.choices = filters.options(self.view)
        self.bounds = filters.date_bounds(self.view)
        self.token = uuid.uuid4().hex


def prepare(statements: pd.DataFrame) -> pd.DataFrame:
    """The columns filters and charts read, categoricals for labels, float64 for scores.

    Text, ids and evidence stay out: filtering a million rows would copy them (~0.3 s for the
    text alone). Pages fetch them for the few rows they show, by index, from the statements.
    """
    view = pd.DataFrame(index=statements.index)
    for column in VIEW_COLUMNS:
        if column in CATEGORICAL:
            view[column] = statements[column].astype("category")
        elif column in ("sentiment_compound", "stance_score"):
            view[column] = statements[column].astype("float64")
        else:
            view[column] = statements[column]
    return view


@st.cache_data(show_spinner="Analysing the bundled sample…", max_entries=8)
def sample_analysis(target: tuple[str, tuple[str, ...], tuple[str, ...]]) -> pipeline.Analysis:
    """The bundled sample, analysed for ``target`` (text, aliases, opponents)."""
    return pipeline.analyze(pipeline.sample_inputs(), target=Target(*target))


@st.cache_data(show_spinner="Reading the statement table…", max_entries=4)
def table_from_path(path: str, modified: float) -> tuple[pd.DataFrame, dict[str, Any] | None]:
    """A table written by ``reaction-lens analyze --out`` (``modified`` keys the cache)."""
    del modified
    return pipeline.read_statements(Path(path))


def target_key(target: Target) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    return (target.text, tuple(target.aliases), tuple(target.opponents))


def cli_table_path(argv: Sequence[str] | None = None) -> Path | None:
    """The statement table given after ``--`` to ``streamlit run dashboard/app.py``, if any.

    Only when this process runs the app script (argv[0] is app.py): under pytest, argv belongs
    to pytest.
    """
    args = list(sys.argv if argv is None else argv)
    if len(args) < 2 or Path(args[0]).name != "app.py":
        return None
    return Path(args[1])


def initial_dataset() -> Dataset:
    """The table named on the command line, else the bundled sample with its target."""
    path = cli_table_path()
    if path is None or path.suffix.lower() == ".duckdb":  # a project opens in project mode
        return sample_dataset()
    frame, run = table_from_path(str(path), views.modified(path))
    target = Target.from_dict((run or {}).get("target"))
    side = corrections_path(path)
    found: list[Correction] = []
    problem = None
    try:
        found = load_corrections(side)
    except ReactionLensError as exc:
        problem = f"{exc}. Fix or move that file; corrections made now cannot be saved to it."
    settings = (run or {}).get("stance_settings")
    on_topic = bool(settings.get("on_topic")) if isinstance(settings, dict) else False
    dataset = Dataset(
        apply_all(frame, found, target),
        manifest=run or {},
        origin=f"table {path.name}",
        target=target,
        corrections=tuple(found),
        corrections_file=side,
        corrections_error=problem,
        on_topic=on_topic,
    )
    return _with_run(dataset)


def sample_dataset() -> Dataset:
    """The bundled sample analysed for its own target."""
    target = pipeline.sample_target()
    result = sample_analysis(target_key(target))
    return Dataset(
        result.statements,
        reports=result.reports,
        failures=result.failures,
        manifest=result.manifest,
        inputs=list(pipeline.sample_inputs()),
        origin="bundled sample",
        target=target,
    )


def analyse(
    inputs: Sequence[pipeline.Input],
    *,
    target: Target,
    mapping: ColumnMapping | None = None,
    on_topic: bool = False,
    keep: Dataset | None = None,
    progress: Progress = silent,
) -> Dataset:
    """Analyse new sources into a Dataset; unreadable sources come back as failures.

    ``keep`` is the session's current dataset: its corrections (and where they are stored)
    carry over and are applied to the new statements they name.
    """
    corrections = keep.corrections if keep is not None else ()
    result = pipeline.analyze(
        list(inputs),
        target=target,
        mapping=mapping,
        corrections=corrections,
        on_topic=on_topic,
        progress=progress,
    )
    dataset = Dataset(
        result.statements,
        reports=result.reports,
        failures=result.failures,
        manifest=result.manifest,
        inputs=list(inputs),
        origin="your sources",
        target=target,
        corrections=corrections,
        corrections_file=keep.corrections_file if keep is not None else None,
        on_topic=on_topic,
    )
    return _with_run(dataset)


def combine(old: Dataset, new: Dataset) -> Dataset:
    """Add ``new`` sources to ``old`` (same target): statements, reports and failures together.

    Statements already loaded (same statement_id: same source, position and text) are not
    added twice, so adding a file again does not double its counts.
    """
    fresh = new.statements[~new.statements["statement_id"].isin(old.statements["statement_id"])]
    frame = pd.concat([old.statements, fresh], ignore_index=True)
    reports = old.reports + new.reports
    failures = new.failures
    run = pipeline.manifest(target=new.target, reports=reports, failures=failures)
    dataset = Dataset(
        schema.validate(frame),
        reports=reports,
        failures=failures,
        manifest=run,
        inputs=old.inputs + new.inputs,
        origin=old.origin if old.origin == new.origin else "several sources",
        target=new.target,
        corrections=new.corrections,
        corrections_file=new.corrections_file,
        on_topic=new.on_topic,
    )
    if old.on_topic != new.on_topic:  # the old rows were read the other way: score them again
        return rescore(dataset, target=new.target, on_topic=new.on_topic, model=None)
    return _with_run(dataset)


def restance(
    dataset: Dataset, target: Target, *, on_topic: bool = False, progress: Progress = silent
) -> Dataset:
    """The same statements scored toward another target (sentiment is unchanged).

    An accepted model stays only when it was trained for this same target; the analyst's
    stance corrections for this target are applied again (those for other targets wait).
    """
    model = dataset.model
    if model is not None and same_target(model.target.text) != same_target(target.text):
        model = None
    return rescore(dataset, target=target, on_topic=on_topic, model=model, progress=progress)


def rescore(
    dataset: Dataset,
    *,
    target: Target | None,
    on_topic: bool,
    model: TrainedModel | None,
    progress: Progress = silent,
) -> Dataset:
    """Stance scored again by the rules, then by ``model`` if given, then the corrections.

    The order is :func:`analysis.pipeline.score`'s (without re-running VADER): whatever the
    automatic scorer says, the analyst's label wins.
    """
    frame = add_stance(dataset.statements, target, progress=progress, on_topic=on_topic)
    if model is not None:
        frame = add_model_stance(frame, model)
    frame = apply_all(frame, dataset.corrections, target)
    new = replace_statements(dataset, frame, target=target, on_topic=on_topic, model=model)
    return _with_run(new)


def apply_all(
    frame: pd.DataFrame,
    corrections: Sequence[Correction],
    target: Target | None,
    *,
    fields: Sequence[str] = ("stance", "sentiment"),
) -> pd.DataFrame:
    """``frame`` with the stance (for ``target``) and sentiment corrections applied."""
    if not corrections:
        return frame
    rows = named_rows(frame, corrections)
    part = frame if rows is None else frame[rows]
    text = None if target is None else target.text
    for name in fields:
        part, _ = apply_corrections(part, corrections, target=text, field=name)
    if rows is None:
        return part
    # Only the named rows change: the other columns are shared, not copied (copy-on-write).
    out = frame.copy(deep=False)
    for column in CORRECTED_COLUMNS:
        if column in part.columns and not part[column].equals(frame.loc[rows, column]):
            series = frame[column].copy()
            series.loc[part.index] = part[column]
            out[column] = series
    return out


CORRECTED_COLUMNS = (
    "stance_label",
    "stance_score",
    "stance_evidence",
    "sentiment_label",
    "sentiment_evidence",
)


def named_rows(
    frame: pd.DataFrame, corrections: Sequence[Correction]
) -> np.ndarray[Any, np.dtype[np.bool_]] | None:
    """The rows the corrections name by statement id; None when some name a text (scan all).

    A million-row table is matched in milliseconds this way, where the text check reads
    every row.
    """
    if any(c.statement_id is None for c in corrections):
        return None
    ids = {c.statement_id for c in corrections}
    return frame["statement_id"].isin(ids).to_numpy(dtype=bool, na_value=False)


def _with_run(dataset: Dataset) -> Dataset:
    """A just-built dataset with its manifest brought up to date (set before anyone sees it)."""
    dataset.manifest = describe_run(dataset)
    return dataset


def describe_run(dataset: Dataset) -> dict[str, Any]:
    """The dataset's manifest with its target, stance settings, model and corrections."""
    run = dict(dataset.manifest)
    target = dataset.target
    run["target"] = None if target is None else target.to_dict()
    run["stance_settings"] = {**STANCE_SETTINGS, "on_topic": dataset.on_topic}
    model = dataset.model
    run["stance_model"] = None if model is None else {"name": model.name, **model.info}
    run["corrections"] = len(dataset.corrections)
    run["corrections_file"] = (
        None if dataset.corrections_file is None else str(dataset.corrections_file)
    )
    return run


def reimport(
    dataset: Dataset,
    index: int,
    item: pipeline.Input,
    mapping: ColumnMapping,
    *,
    progress: Progress = silent,
) -> Dataset:
    """Read ``item`` (the input behind report ``index``) again with a corrected column mapping.

    Its old rows and report are swapped for the new ones. Raises ReactionLensError when it
    cannot be read with that mapping; the caller keeps the old dataset.
    """
    old = dataset.reports[index]
    table, reports, failures = pipeline.load([item], mapping=mapping, progress=progress)
    if failures:
        raise ReactionLensError(failures[0].error)
    scored = pipeline.score(
        table,
        target=dataset.target,
        model=dataset.model,
        corrections=dataset.corrections,
        on_topic=dataset.on_topic,
        progress=progress,
    )
    keep = dataset.statements[dataset.statements["source"] != old.source]
    frame = schema.validate(pd.concat([keep, scored], ignore_index=True))
    new_reports = [*dataset.reports[:index], reports[0], *dataset.reports[index + 1 :]]
    run = pipeline.manifest(target=dataset.target, reports=new_reports, failures=dataset.failures)
    new = replace_statements(dataset, frame, manifest=run, reports=new_reports)
    return _with_run(new)


def report_inputs(dataset: Dataset) -> dict[int, pipeline.Input]:
    """Report index -> the input it came from, matched by name (failed inputs have no report)."""
    found: dict[int, pipeline.Input] = {}
    for index, report in enumerate(dataset.reports):
        for item in dataset.inputs:
            if _same_source(report.source, _input_name(item)):
                found[index] = item
                break
    return found


def replace_statements(dataset: Dataset, frame: pd.DataFrame, **changes: Any) -> Dataset:
    """A new Dataset with another statement table (view, choices and token rebuilt)."""
    return replace(dataset, statements=frame, **changes)


def mapping_from_report(report: ImportReport) -> dict[str, str]:
    """ColumnMapping field -> the column the import detected ('' when none)."""
    return {name: report.mapping.get(key) or "" for name, key in MAPPING_FIELDS.items()}


def progress_bar(bar: Any) -> Progress:
    """A Progress that moves an ``st.progress`` bar and shows the counts in its text."""

    def update(stage: str, done: int, total: int, skipped: int) -> None:
        fraction = 1.0 if total <= 0 else min(done / total, 1.0)
        text = f"{stage}: {done:,} of {total:,} rows"
        if skipped:
            text += f" · {skipped:,} skipped"
        bar.progress(fraction, text=text)

    return update


def guarded(action: Callable[[], Dataset]) -> tuple[Dataset | None, str | None]:
    """Run ``action``; a ReactionLensError or unexpected failure becomes a message instead."""
    try:
        return action(), None
    except ReactionLensError as exc:
        return None, str(exc)
    except Exception as exc:  # noqa: BLE001 - the UI must show a message, never a traceback
        return None, f"{type(exc).__name__}: {exc}"


def _input_name(item: pipeline.Input) -> str:
    if isinstance(item, pipeline.Upload):
        return item.name
    if isinstance(item, pipeline.Pasted):
        return item.source
    return str(item)


def _same_source(reported: str, name: str) -> bool:
    return reported == name or Path(reported).name == Path(name).name
