"""The whole run: read every input, extract quotes, score sentiment and stance, record a manifest.

One unreadable input never sinks the others: it becomes a :class:`Failure` with its message, and
the rest are analysed. Each stage takes and returns the statement table of :mod:`analysis.schema`.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import schema
from analysis.errors import InputError, ReactionLensError
from analysis.ingest import (
    ColumnMapping,
    article_from_bytes,
    article_from_text,
    input_kind,
    load_article,
    read_comments,
    read_comments_bytes,
    read_comments_chunks,
)
from analysis.learn import Correction, TrainedModel, add_model_stance, apply_corrections
from analysis.progress import Progress, silent
from analysis.quotes import VERSIONS as QUOTE_VERSIONS
from analysis.quotes import quote_statements
from analysis.report import ImportReport
from analysis.sentiment import SentimentAnalyzer, add_sentiment
from analysis.stance import STANCE_SETTINGS, Target, add_stance
from analysis.stance import VERSIONS as STANCE_VERSIONS

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "data"
OUTPUT_FORMATS = (".parquet", ".csv", ".jsonl")
CHUNK_ROWS = 50_000  # statements per chunk of a streamed input


@dataclass(frozen=True)
class Upload:
    """A file handed over as bytes (a dashboard upload); ``name`` gives its type."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Pasted:
    """Article text pasted by the user."""

    text: str
    source: str = "pasted text"


Input = str | Path | Upload | Pasted


@dataclass(frozen=True)
class Failure:
    """An input that could not be read at all, with the message to show."""

    source: str
    error: str


@dataclass
class Analysis:
    statements: pd.DataFrame
    reports: list[ImportReport]
    failures: list[Failure]
    manifest: dict[str, Any] = field(default_factory=dict)


def load(
    inputs: Sequence[Input],
    *,
    mapping: ColumnMapping | None = None,
    platform: str | None = None,
    include_partial: bool = False,
    progress: Progress = silent,
) -> tuple[pd.DataFrame, list[ImportReport], list[Failure]]:
    """Read every input into one statement table, catching failures per input."""
    kinds = ("statement", "partial") if include_partial else ("statement",)
    frames: list[pd.DataFrame] = []
    reports: list[ImportReport] = []
    failures: list[Failure] = []
    for done, item in enumerate(inputs):
        name = _name(item)
        progress("read", done, len(inputs), len(failures))
        try:
            frame, report = _load_one(item, mapping=mapping, platform=platform, kinds=kinds)
        except ReactionLensError as exc:
            failures.append(Failure(name, str(exc)))
            continue
        frames.append(frame)
        reports.append(report)
    progress("read", len(inputs), len(inputs), len(failures))
    table = schema.conform(pd.concat(frames, ignore_index=True)) if frames else schema.empty()
    return table, reports, failures


@dataclass
class Stream:
    """Inputs read a chunk at a time; ``reports`` and ``failures`` are complete once consumed."""

    chunks: Iterator[pd.DataFrame]
    reports: list[ImportReport] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)


def load_stream(
    inputs: Sequence[Input],
    *,
    mapping: ColumnMapping | None = None,
    platform: str | None = None,
    include_partial: bool = False,
    chunk_rows: int = CHUNK_ROWS,
    progress: Progress = silent,
) -> Stream:
    """:func:`load` as a stream of statement chunks: big comment files are never whole in memory.

    Concatenated, the chunks are :func:`load`'s table. An input that cannot be read becomes a
    failure as in :func:`load`; one that fails after some of its rows were handed on stops the
    run with an error instead, as its rows cannot be taken back.
    """
    kinds = ("statement", "partial") if include_partial else ("statement",)
    stream = Stream(iter(()))

    def chunks() -> Iterator[pd.DataFrame]:
        for done, item in enumerate(inputs):
            progress("read", done, len(inputs), len(stream.failures))
            name, given = _name(item), 0
            try:
                parts, report = _open_one(item, mapping, platform, kinds, chunk_rows)
                for part in parts:
                    given += len(part)
                    yield schema.conform(part)
            except ReactionLensError as exc:
                if given:
                    raise type(exc)(f"{exc} (after {given} of its statements)") from exc
                stream.failures.append(Failure(name, str(exc)))
                continue
            stream.reports.append(report)
        progress("read", len(inputs), len(inputs), len(stream.failures))

    stream.chunks = chunks()
    return stream


def score(
    frame: pd.DataFrame,
    *,
    target: Target | None,
    analyzer: SentimentAnalyzer | None = None,
    workers: int = 1,
    model: TrainedModel | None = None,
    corrections: Sequence[Correction] = (),
    on_topic: bool = False,
    sentiment: bool = True,
    progress: Progress = silent,
) -> pd.DataFrame:
    """Fill the sentiment and stance columns; a trained model, then the analyst's corrections, win.

    ``sentiment=False`` keeps the sentiment columns as they are (a project re-scored toward a new
    target): only stance is read again, and the corrections still apply to both.
    """
    scored = frame
    if sentiment:
        scored = add_sentiment(frame, analyzer=analyzer, workers=workers, progress=progress)
    scored = add_stance(scored, target, progress=progress, on_topic=on_topic)
    if model is not None:
        scored = add_model_stance(scored, model)
    target_text = None if target is None else target.text
    for field_name in ("stance", "sentiment") if corrections else ():
        scored, _ = apply_corrections(scored, corrections, target=target_text, field=field_name)
    return scored


def analyze(
    inputs: Sequence[Input],
    *,
    target: Target | None,
    mapping: ColumnMapping | None = None,
    platform: str | None = None,
    include_partial: bool = False,
    analyzer: SentimentAnalyzer | None = None,
    workers: int = 1,
    model: TrainedModel | None = None,
    corrections: Sequence[Correction] = (),
    on_topic: bool = False,
    progress: Progress = silent,
) -> Analysis:
    """Load, score and describe a run."""
    analyzer = analyzer or SentimentAnalyzer()
    table, reports, failures = load(
        inputs,
        mapping=mapping,
        platform=platform,
        include_partial=include_partial,
        progress=progress,
    )
    scored = score(
        table,
        target=target,
        analyzer=analyzer,
        workers=workers,
        model=model,
        corrections=corrections,
        on_topic=on_topic,
        progress=progress,
    )
    run = run_manifest(
        reports,
        failures,
        target=target,
        analyzer=analyzer,
        include_partial=include_partial,
        on_topic=on_topic,
        model=model,
        corrections=corrections,
    )
    return Analysis(scored, reports, failures, run)


def run_manifest(
    reports: Sequence[ImportReport],
    failures: Sequence[Failure],
    *,
    target: Target | None,
    analyzer: SentimentAnalyzer | None = None,
    include_partial: bool = False,
    on_topic: bool = False,
    model: TrainedModel | None = None,
    corrections: Sequence[Correction] = (),
) -> dict[str, Any]:
    """:func:`manifest` of an analysis run, with the settings that scored it."""
    run = manifest(target=target, reports=reports, failures=failures, analyzer=analyzer)
    run["include_partial"] = include_partial
    run["stance_settings"] = {**STANCE_SETTINGS, "on_topic": on_topic}
    run["stance_model"] = None if model is None else {"name": model.name, **model.info}
    run["corrections"] = len(corrections)
    return run


def manifest(
    *,
    target: Target | None,
    reports: Sequence[ImportReport],
    failures: Sequence[Failure] = (),
    analyzer: SentimentAnalyzer | None = None,
) -> dict[str, Any]:
    """What produced an output: versions, rule lists, target, thresholds and the import accounting."""
    return {
        "reaction_lens": _version("reaction-lens"),
        "python": platform.python_version(),
        "packages": {p: _version(p) for p in ("pandas", "vaderSentiment", "trafilatura")},
        "rules": {**QUOTE_VERSIONS, **STANCE_VERSIONS},
        "sentiment": (analyzer or SentimentAnalyzer()).manifest(),
        "target": None if target is None else target.to_dict(),
        "sources": [r.to_dict() for r in reports],
        "failures": [{"source": f.source, "error": f.error} for f in failures],
    }


def write_statements(frame: pd.DataFrame, path: Path, run: dict[str, Any]) -> Path:
    """Write the table by extension and the manifest beside it; returns the manifest path."""
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise InputError(f"--out {path}: unknown format {suffix!r}; use one of {OUTPUT_FORMATS}")
    path.parent.mkdir(parents=True, exist_ok=True)
    table = schema.validate(frame)
    if suffix == ".parquet":
        table.to_parquet(path, index=False)
    elif suffix == ".csv":
        table.to_csv(path, index=False, date_format="%Y-%m-%dT%H:%M:%S%z")
    else:
        table.to_json(path, orient="records", lines=True, date_format="iso", force_ascii=False)
    side = manifest_path(path)
    side.write_text(json.dumps(run, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return side


def read_statements(path: Path) -> tuple[pd.DataFrame, dict[str, Any] | None]:
    """Read a table written by :func:`write_statements`, with its manifest when present, or the
    current statements of a DuckDB project with its latest run's manifest."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(f"{path}: no such statement table")
    if suffix == ".duckdb":
        return _read_project(path)
    try:
        if suffix == ".parquet":
            raw = pd.read_parquet(path)
        elif suffix == ".csv":
            raw = pd.read_csv(path, dtype=_csv_dtypes(), keep_default_na=True)
        elif suffix == ".jsonl":
            raw = pd.read_json(path, lines=True, dtype=False)
        else:
            raise InputError(f"{path}: unknown format {suffix!r}; use one of {OUTPUT_FORMATS}")
    except (ValueError, OSError) as exc:
        raise InputError(f"{path}: cannot be read as a statement table: {exc}") from exc
    side = manifest_path(path)
    run = json.loads(side.read_text(encoding="utf-8")) if side.is_file() else None
    return schema.validate(raw), run


def _read_project(path: Path) -> tuple[pd.DataFrame, dict[str, Any] | None]:
    from analysis.store import open_project  # DuckDB loads only for projects

    with open_project(path, create=False, read_only=True) as project:
        runs = project.runs()
        run = project.manifest(int(runs["run_id"].max())) if len(runs) else None
        return schema.conform(project.statements()), run


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".manifest.json")


def sample_inputs() -> list[Path]:
    """The bundled sample: a news page and a comment export, both written by the project."""
    return [SAMPLE_DIR / "sample_article.html", SAMPLE_DIR / "sample_comments.jsonl"]


def sample_target() -> Target:
    spec = json.loads((SAMPLE_DIR / "sample_target.json").read_text(encoding="utf-8"))
    return Target(spec["target"], tuple(spec["aliases"]), tuple(spec["opponents"]))


def _load_one(
    item: Input, *, mapping: ColumnMapping | None, platform: str | None, kinds: tuple[str, ...]
) -> tuple[pd.DataFrame, ImportReport]:
    if isinstance(item, Pasted):
        return quote_statements(article_from_text(item.text, source=item.source), kinds=kinds)
    if isinstance(item, Upload):
        if input_kind(item.name) == "article":
            return quote_statements(article_from_bytes(item.data, name=item.name), kinds=kinds)
        return read_comments_bytes(item.data, item.name, mapping=mapping, platform=platform)
    source = str(item)
    if input_kind(source) == "article":
        return quote_statements(load_article(source), kinds=kinds)
    return read_comments(source, mapping=mapping, platform=platform)


def _open_one(
    item: Input,
    mapping: ColumnMapping | None,
    platform: str | None,
    kinds: tuple[str, ...],
    chunk_rows: int,
) -> tuple[Iterator[pd.DataFrame], ImportReport]:
    """Chunks of a comment file read as it streams; any other input whole, as one chunk."""
    if isinstance(item, str | Path) and input_kind(str(item)) != "article":
        return read_comments_chunks(item, mapping=mapping, platform=platform, chunk_rows=chunk_rows)
    frame, report = _load_one(item, mapping=mapping, platform=platform, kinds=kinds)
    return iter([frame]), report


def _name(item: Input) -> str:
    if isinstance(item, Upload):
        return item.name
    if isinstance(item, Pasted):
        return item.source
    return str(item)


def _csv_dtypes() -> dict[str, str]:
    return {c: d for c, d in schema.COLUMNS.items() if d == "string"}


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


__all__ = [
    "Analysis",
    "Failure",
    "Input",
    "Pasted",
    "Upload",
    "analyze",
    "load",
    "manifest",
    "read_statements",
    "sample_inputs",
    "sample_target",
    "score",
    "write_statements",
]
