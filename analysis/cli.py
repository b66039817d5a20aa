"""The ``reaction-lens`` command line.

argparse rather than typer/click: it ships with Python, its behaviour is stable, and the commands
and options here are a contract other tools call (see README, "Command line").
Errors the user can fix print one line on stderr and exit 2; there is no traceback.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from analysis import parallel, pipeline, store
from analysis.errors import InputError, ReactionLensError
from analysis.ingest import ColumnMapping, load_article
from analysis.learn import (
    Correction,
    TrainedModel,
    corrections_path,
    evaluate_against_corrections,
    evaluate_with_model,
    load_model,
    read_corrections,
    train_from_file,
)
from analysis.quotes import quote_statements
from analysis.sentiment import SentimentAnalyzer
from analysis.stance import Target

EXIT_USAGE = 2
QUOTE_FIELDS = (
    "text",
    "speaker",
    "speaker_role",
    "attribution",
    "char_start",
    "char_end",
    "quote_kind",
)
DASHBOARD_APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


class BarProgress:
    """A tqdm bar per stage on stderr: rows done / total and skipped so far."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bars: dict[str, tqdm[Any]] = {}

    def __call__(self, stage: str, done: int, total: int, skipped: int) -> None:
        if not self.enabled:
            return
        known = total if total > 0 else None  # 0: a streamed input, its size not known yet
        bar = self.bars.get(stage)
        if bar is None:
            bar = self.bars[stage] = tqdm(total=known, desc=stage, unit="row", file=sys.stderr)
        bar.total = known
        bar.n = done
        bar.set_postfix(skipped=skipped, refresh=False)
        bar.refresh()
        if known is not None and done >= known:
            bar.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except ReactionLensError as exc:
        print(f"reaction-lens: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    return code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reaction-lens",
        description="Who said what about a news story, how they feel and which side they take.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    _add_analyze(commands)
    _add_quotes(commands)
    _add_evaluate(commands)
    _add_rescore(commands)
    _add_train_stance(commands)
    _add_dashboard(commands)
    return parser


def _add_analyze(commands: Any) -> None:
    p = commands.add_parser(
        "analyze",
        help="read articles and comment exports, write the scored statement table",
        description="Inputs: article files (.txt .md .html), http(s) URLs, comment exports "
        "(.csv .tsv .json .jsonl .ndjson .xlsx .parquet).",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    _add_target_options(p)
    p.add_argument("--out", type=Path, help="output table: .parquet, .csv or .jsonl")
    for field in ("text", "author", "time", "id", "parent", "platform"):
        p.add_argument(
            f"--{field}-col",
            metavar="COLUMN",
            help=f"column (or dotted path) holding the {field}; overrides detection",
        )
    p.add_argument("--platform", help="the platform of every comment (x, reddit, ...)")
    p.add_argument("--include-partial", action="store_true", help="keep partial quotes as rows")
    p.add_argument(
        "--lexicon",
        type=Path,
        help="sentiment lexicon override: JSON {word: valence} or TSV word<TAB>valence (-4..4)",
    )
    p.add_argument("--positive-threshold", type=float, default=0.05, metavar="X")
    p.add_argument("--negative-threshold", type=float, default=-0.05, metavar="X")
    _add_label_options(p, "; default: the sidecar of --out when it exists")
    p.add_argument(
        "--workers",
        type=int,
        help="processes that score (default 1); with --engine dask, the local cluster's "
        "workers (default 2)",
    )
    p.add_argument(
        "--project",
        type=Path,
        help="append the run to this DuckDB project (created when missing); "
        "a file imported before adds nothing",
    )
    p.add_argument(
        "--engine",
        choices=("pandas", "dask"),
        default="pandas",
        help="dask: score in partitions on a Dask cluster (same output, row for row)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: a running scheduler (tcp://host:8786); default: a local cluster",
    )
    p.add_argument("--no-progress", action="store_true", help="hide progress bars")
    p.set_defaults(run=_run_analyze)


def _add_target_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--target", help="what stance is measured toward, in plain words")
    p.add_argument("--alias", action="append", default=[], help="another name for the target")
    p.add_argument("--opponent", action="append", default=[], help="a counter-target")
    p.add_argument(
        "--on-topic",
        action="store_true",
        help="the comments were collected under the story: read them as about the target "
        "even when they do not name it (their words count at half weight)",
    )


def _add_label_options(p: argparse.ArgumentParser, default: str = "") -> None:
    """What overrides the rules' stance: a trained model, then the analyst's corrections."""
    p.add_argument("--model", type=Path, help="a stance model from train-stance for this target")
    p.add_argument(
        "--corrections", type=Path, help=f"analyst corrections (JSONL): their labels win{default}"
    )


def _add_quotes(commands: Any) -> None:
    p = commands.add_parser("quotes", help="print the direct quotations of an article")
    p.add_argument("article", metavar="ARTICLE_OR_URL")
    p.add_argument("--format", choices=("table", "jsonl"), default="table")
    p.add_argument("--all-kinds", action="store_true", help="also print partial and scare quotes")
    p.set_defaults(run=_run_quotes)


def _add_evaluate(commands: Any) -> None:
    p = commands.add_parser(
        "evaluate",
        help="measure against labelled data; the last line printed is a JSON object",
    )
    p.add_argument("task", choices=("quotes", "stance", "sentiment"))
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--model", type=Path, help="stance: score with a model from train-stance")
    p.add_argument(
        "--against-corrections",
        type=Path,
        metavar="CORRECTIONS",
        help="FILE is a table written by analyze; measure its labels against these corrections",
    )
    p.add_argument("--target", help="with --against-corrections: the target (default: manifest)")
    p.set_defaults(run=_run_evaluate)


def _add_rescore(commands: Any) -> None:
    p = commands.add_parser(
        "rescore",
        help="score stance toward a new target on a project's statements, without re-importing",
    )
    p.add_argument("project", type=Path, metavar="PROJECT")
    _add_target_options(p)
    _add_label_options(p)
    p.add_argument("--workers", type=int, help="processes that score (default 1)")
    p.set_defaults(run=_run_rescore, out=None)


def _add_train_stance(commands: Any) -> None:
    p = commands.add_parser(
        "train-stance",
        help="train a stance model for one target from labelled JSONL {text, target, label}",
    )
    p.add_argument("file", type=Path, metavar="LABELLED")
    p.add_argument("--target", required=True, help="the target the labels are toward")
    p.add_argument("--out", type=Path, required=True, help="where to write the model file")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(run=_run_train_stance)


def _add_dashboard(commands: Any) -> None:
    p = commands.add_parser("dashboard", help="open the dashboard (default: the bundled sample)")
    p.add_argument(
        "table",
        nargs="?",
        type=Path,
        help="a statement table written by analyze (.parquet .csv .jsonl) or a project (.duckdb)",
    )
    p.add_argument("--port", type=int, default=8501)
    p.set_defaults(run=_run_dashboard)


def _run_analyze(args: argparse.Namespace) -> int:
    target = _target(args)
    if args.out is not None and args.out.suffix.lower() not in pipeline.OUTPUT_FORMATS:
        raise InputError(f"--out {args.out}: use one of {', '.join(pipeline.OUTPUT_FORMATS)}")
    model = _model(args, target)
    corrections = _corrections(args)
    options: dict[str, Any] = {
        "target": target,
        "mapping": _mapping(args),
        "platform": args.platform,
        "include_partial": args.include_partial,
        "analyzer": _analyzer(args),
        "model": model,
        "corrections": corrections,
        "on_topic": args.on_topic,
        "progress": BarProgress(enabled=not args.no_progress and sys.stderr.isatty()),
    }
    if args.workers is not None and args.workers < 1:
        raise InputError(f"--workers {args.workers}: use 1 (this process) or more")
    result = (
        _analyze_dask(args, options) if args.engine == "dask" else _analyze_local(args, options)
    )
    _print_summary(result)
    if args.out is not None:
        side = pipeline.write_statements(result.statements, args.out, result.manifest)
        print(f"wrote {len(result.statements)} statements to {args.out} (manifest {side})")
    for failure in result.failures:
        print(f"reaction-lens: error: {failure.error}", file=sys.stderr)
    return EXIT_USAGE if result.failures else 0


def _mapping(args: argparse.Namespace) -> ColumnMapping:
    return ColumnMapping(
        text=args.text_col,
        author=args.author_col,
        time=args.time_col,
        id=args.id_col,
        parent=args.parent_col,
        platform=args.platform_col,
    )


def _analyzer(args: argparse.Namespace) -> SentimentAnalyzer:
    return SentimentAnalyzer(
        lexicon_override=read_lexicon(args.lexicon) if args.lexicon else None,
        positive=args.positive_threshold,
        negative=args.negative_threshold,
    )


def _model(args: argparse.Namespace, target: Target | None) -> TrainedModel | None:
    if args.model is None:
        return None
    if target is None:
        raise InputError("--model needs --target: name the target the model was trained for")
    return load_model(args.model, target=target)


def _corrections(args: argparse.Namespace) -> list[Correction]:
    """--corrections, else the sidecar of --out when an analyst left one there."""
    path = args.corrections
    if path is not None and not path.is_file():
        raise InputError(f"--corrections {path}: no such file")
    if path is None and args.out is not None and corrections_path(args.out).is_file():
        path = corrections_path(args.out)
    return read_corrections(path) if path is not None else []


def _analyze_local(args: argparse.Namespace, options: dict[str, Any]) -> pipeline.Analysis:
    """Score on --workers processes; into a project a partition at a time (bounded memory)."""
    settings = {
        k: options.pop(k) for k in ("target", "analyzer", "model", "corrections", "on_topic")
    }
    scoring = parallel.Scoring(**{**settings, "corrections": tuple(settings["corrections"])})
    workers = args.workers or 1
    if args.project is None:
        return parallel.analyze(args.inputs, scoring, workers=workers, **options)
    with store.open_project(args.project) as project:
        summary, result = parallel.analyze_into(
            project, args.inputs, scoring, workers=workers, **options
        )
    _print_run(args.project, summary)
    return result


def _analyze_dask(args: argparse.Namespace, options: dict[str, Any]) -> pipeline.Analysis:
    from analysis import engine

    if args.scheduler and args.workers is not None:
        raise InputError(
            "--workers sizes the local Dask cluster; a cluster given by --scheduler has its own"
        )
    options |= {"scheduler": args.scheduler, "n_workers": args.workers or 2}
    if args.project is None:
        return engine.analyze_dask(args.inputs, **options)
    with store.open_project(args.project) as project:
        summary, result = engine.analyze_dask_into(project, args.inputs, **options)
    _print_run(args.project, summary)
    return result


def _print_run(path: Path, summary: store.RunSummary) -> None:
    print(
        f"project {path}: run {summary.run_id} added {summary.statements_added} statements "
        f"({summary.statements_already} already there); sources added "
        f"{list(summary.sources_added)}, already imported {list(summary.sources_already)}"
    )


def _run_rescore(args: argparse.Namespace) -> int:
    target = _target(args)
    if target is None:
        raise InputError("rescore needs --target: name what stance is toward")
    if not args.project.is_file():
        raise InputError(f"{args.project}: no such project")
    model, corrections = _model(args, target), _corrections(args)
    with store.open_project(args.project, create=False) as project:
        summary = parallel.rescore(
            project,
            target,
            on_topic=args.on_topic,
            model=model,
            corrections=corrections,
            workers=args.workers or 1,
            progress=BarProgress(enabled=sys.stderr.isatty()),
        )
    _print_run(args.project, summary)
    return 0


def read_lexicon(path: Path) -> dict[str, float]:
    """A lexicon override file: JSON object word -> valence, or TSV lines word<TAB>valence."""
    if not path.is_file():
        raise InputError(f"--lexicon {path}: no such file")
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        try:
            loaded = json.loads(text)
        except ValueError as exc:
            raise InputError(f"--lexicon {path}: not valid JSON ({exc})") from exc
        if not isinstance(loaded, dict):
            raise InputError(f"--lexicon {path}: expected a JSON object word -> valence")
        return {str(k): _valence(v, f"{path}: {k!r}") for k, v in loaded.items()}
    entries: dict[str, float] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        word, _, value = line.partition("\t")
        entries[word.strip()] = _valence(value, f"{path} line {number}")
    return entries


def _valence(value: object, where: str) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"{where}: valence {value!r} is not a number from -4 to 4") from None


def _target(args: argparse.Namespace) -> Target | None:
    if args.target is None:
        if args.alias or args.opponent:
            raise InputError("--alias and --opponent need --target: name what stance is toward")
        return None
    if not args.target.strip():
        raise InputError("--target is empty: name what stance is toward, e.g. 'the new bus lanes'")
    return Target(args.target.strip(), tuple(args.alias), tuple(args.opponent))


def _print_summary(result: pipeline.Analysis) -> None:
    for report in result.reports:
        print(f"{report.source}: {report.layout}")
        mapped = ", ".join(f"{k}={v}" for k, v in report.mapping.items() if v)
        if mapped:
            print(f"  mapping: {mapped}  (override with --text-col, --author-col, ...)")
        print(
            f"  rows read {report.rows_read}, statements {report.statements}, "
            f"skipped {len(report.skipped)}"
        )
        for reason, count in sorted(report.skipped_by_reason.items()):
            print(f"    skipped {count}: {reason}")
        for note in report.notes:
            print(f"  note: {note}")
    total_read = sum(r.rows_read for r in result.reports)
    total_skipped = sum(len(r.skipped) for r in result.reports)
    print(
        f"total: rows read {total_read}, statements {len(result.statements)}, "
        f"skipped {total_skipped}, unreadable inputs {len(result.failures)}"
    )


def _run_quotes(args: argparse.Namespace) -> int:
    article = load_article(args.article)
    kinds = ("statement", "partial", "scare") if args.all_kinds else ("statement",)
    frame, _ = quote_statements(article, kinds=kinds)
    rows = frame.loc[:, list(QUOTE_FIELDS)].astype(object).where(frame.notna(), None)
    records = rows.to_dict(orient="records")
    if args.format == "jsonl":
        for record in records:
            print(json.dumps(record, ensure_ascii=False))
        return 0
    for record in records:
        span = f"[{record['char_start']}:{record['char_end']}]"
        who = f"{record['speaker'] or '?'} ({record['speaker_role']})"
        print(f"{span} {who} {record['quote_kind']}: “{record['text']}”")
        if record["attribution"]:
            print(f"    attributed by: {record['attribution']}")
    print(f"{len(records)} quotes")
    return 0


def _run_evaluate(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        raise InputError(f"{args.file}: no such file")
    if args.against_corrections is not None:
        if args.task == "quotes":
            raise InputError("--against-corrections measures stance or sentiment, not quotes")
        result = evaluate_against_corrections(
            args.file, args.against_corrections, field=args.task, target=args.target
        )
    elif args.model is not None:
        if args.task != "stance":
            raise InputError("--model applies to `evaluate stance` only")
        result = evaluate_with_model(args.file, args.model)
    else:
        result = _evaluators()[args.task](args.file)
    _print_result(result)
    return 0


def _run_train_stance(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        raise InputError(f"{args.file}: no such file")
    if not args.target.strip():
        raise InputError("--target is empty: name what the labels are toward")
    _print_result(train_from_file(args.file, target=args.target, out=args.out, seed=args.seed))
    return 0


def _print_result(result: dict[str, Any]) -> None:
    """Readable lines first, then the whole result as one JSON line (the contract)."""
    for key, value in result.items():
        if not isinstance(value, dict | list):
            print(f"{key}: {value}")
    print(json.dumps(result, ensure_ascii=False, default=str))


def _evaluators() -> dict[str, Callable[[Path], dict[str, Any]]]:
    from analysis.quotes import evaluate_quotes
    from analysis.sentiment import evaluate_sentiment
    from analysis.stance import evaluate_stance

    return {"quotes": evaluate_quotes, "stance": evaluate_stance, "sentiment": evaluate_sentiment}


def _run_dashboard(args: argparse.Namespace) -> int:
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(DASHBOARD_APP),
        "--server.port",
        str(args.port),
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",  # no "Deploy" button: this is a local analysis tool
    ]
    if args.table is not None:
        if not args.table.is_file():
            raise InputError(f"{args.table}: no such statement table")
        command += ["--", str(args.table.resolve())]
    return subprocess.call(command)


__all__ = ["build_parser", "main"]
