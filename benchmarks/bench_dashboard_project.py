"""Dashboard on a DuckDB project of 1,000,000 statements: server time per interaction and peak
memory, project mode (SQL aggregates, paged explorer) vs loading every row into pandas (what
``reaction-lens dashboard story.duckdb`` did before project mode), on the same rows.

Each mode runs in its own process so its peak resident memory is its own. The project mode
opens the file read-only for every interaction, as the app does on each rerun. The statements
are bench_dashboard's generated table (cached in benchmarks/out/), appended to a project once.
Target: ≤ 0.5 s per interaction.

    .venv/bin/python benchmarks/bench_dashboard_project.py [--rows 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.io as pio
from bench_dashboard import OUT, make_table

from analysis import pipeline, project_views, schema, store
from analysis.report import ImportReport
from dashboard import filters, project, render, views
from dashboard.data import Dataset

TARGET_SECONDS = 0.5
CASES: list[tuple[str, filters.Filters, str]] = [
    ("no filter", filters.Filters(), "overview"),
    ("role = public", filters.Filters(roles=("public",)), "overview"),
    ("role = official", filters.Filters(roles=("official",)), "overview"),
    ("stance = against", filters.Filters(stances=("against",)), "overview"),
    (
        "dates 10-16 Mar",
        filters.Filters(start=date(2026, 3, 10), end=date(2026, 3, 16)),
        "overview",
    ),
    ("text 'parking'", filters.Filters(query="parking"), "overview"),
    ("role = public", filters.Filters(roles=("public",)), "statements"),
    ("page 20,000 of 50,000", filters.Filters(), "deep page"),
    ("text 'parking'", filters.Filters(query="parking"), "statements"),
    ("role = public", filters.Filters(roles=("public",)), "speakers"),
    ("no filter", filters.Filters(), "gap per day"),
]


def build(rows: int) -> Path:
    """The generated table appended to a project once (kept in benchmarks/out/)."""
    layout = hashlib.sha1(" ".join(schema.COLUMNS).encode()).hexdigest()[:8]
    path = OUT / f"project_{rows}_{layout}.duckdb"
    if path.is_file():
        return path
    cache = OUT / f"statements_{rows}_{layout}.parquet"
    table = schema.validate(pd.read_parquet(cache)) if cache.is_file() else make_table(rows)
    OUT.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    reports = [
        ImportReport(source=s, layout="generated", rows_read=int(n), statements=int(n))
        for s, n in table["source"].value_counts().items()
    ]
    with store.open_project(path) as opened:
        parts = (table.iloc[i : i + 100_000] for i in range(0, len(table), 100_000))
        opened.append(parts, reports, {"target": {"text": "the plaza"}}, content_hashes={})
    print(f"built {path.name} in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    return path


def project_interaction(path: Path, chosen: filters.Filters, page: str) -> None:
    """One rerun of ``page`` in project mode: open, count, compute, serialise, close."""
    reader = project.Reader(path)
    try:
        con = reader()
        w = reader.narrow(project.selection(chosen))
        project_views.count(con, w)  # the sidebar's "Showing N of M"
        if page == "overview":
            model = project.overview(con, w)
            for figure in model.figures.values():
                pio.to_json(figure, validate=False)
        elif page in ("statements", "deep page"):
            number = 20_000 if page == "deep page" else 3
            sort = "table order" if page == "deep page" else "most against"
            rows = project.explorer(con, w, sort=sort, page=number, size=20)
            [render.statement_card(r) for r in project.records(rows)]
        elif page == "speakers":
            table = project.speakers(con, w, limit=1_000)
            pio.to_json(project.speaker_figure(table), validate=False)
        elif page == "gap per day":
            pio.to_json(project.gap_by_day(con, w)[1], validate=False)
    finally:
        reader.close()


def memory_interaction(dataset: Dataset, chosen: filters.Filters, page: str) -> None:
    """The same rerun with every row in pandas (dashboard.views on the filtered view)."""
    texts = dataset.statements["text"]
    view = filters.apply(dataset.view, chosen, text=texts)
    if page == "overview":
        model = views.overview(view, texts=texts)
        for figure in model.figures.values():
            pio.to_json(figure, validate=False)
    elif page in ("statements", "deep page"):
        number = 20_000 if page == "deep page" else 3
        sort = "table order" if page == "deep page" else "most against"
        rows, _ = views.page_of(view, sort=sort, page=number, size=20)
        [render.statement_card(r) for r in views.full_rows(dataset.statements, rows.index)]
    elif page == "speakers":
        views.speakers(view)
        pio.to_json(views.speaker_figure(view), validate=False)
    elif page == "gap per day":
        pio.to_json(views.gap_figure(view), validate=False)


def timed(action: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def child(mode: str, path: Path, repeat: int) -> dict[str, Any]:
    """Run every case in one mode; peak RSS in MB and seconds per case."""
    began = time.perf_counter()
    if mode == "project":
        source = project.describe(path)
        opened = time.perf_counter() - began

        def run(chosen: filters.Filters, page: str) -> None:
            project_interaction(source.path, chosen, page)
    else:
        frame, _ = pipeline.read_statements(path)
        dataset = Dataset(frame, origin="benchmark")
        opened = time.perf_counter() - began

        def run(chosen: filters.Filters, page: str) -> None:
            memory_interaction(dataset, chosen, page)

    run(filters.Filters(roles=("media",)), "overview")  # warm imports and caches
    times = [timed(lambda c=c, p=p: run(c, p), repeat) for _, c, p in CASES]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"open": opened, "times": times, "peak_mb": peak}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", choices=["project", "memory"], help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.path, args.repeat)))
        return 0

    path = build(args.rows)
    results = {}
    for mode in ("project", "memory"):
        command = [sys.executable, __file__, "--child", mode, "--path", str(path)]
        command += ["--repeat", str(args.repeat)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        results[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    proj, mem = results["project"], results["memory"]
    print(f"{args.rows:,} statements in {path.name}; median of {args.repeat} reruns per case\n")
    print(f"{'interaction':<24}{'page':<14}{'project s':>10}{'in-memory s':>12}{'ratio':>8}")
    print(
        f"{'open':<24}{'(first load)':<14}{proj['open']:>10.3f}{mem['open']:>12.3f}"
        f"{mem['open'] / proj['open']:>7.1f}x"
    )
    for (name, _, page), p, m in zip(CASES, proj["times"], mem["times"], strict=True):
        print(f"{name:<24}{page:<14}{p:>10.3f}{m:>12.3f}{m / p:>7.1f}x")
    print(
        f"\npeak resident memory: project {proj['peak_mb']:,.0f} MB, in-memory "
        f"{mem['peak_mb']:,.0f} MB ({mem['peak_mb'] / proj['peak_mb']:.1f}x)"
    )
    worst = max(proj["times"])
    verdict = "meets" if worst <= TARGET_SECONDS else "MISSES"
    print(
        f"worst project interaction {worst:.3f} s: {verdict} the {TARGET_SECONDS} s target "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
