"""A viral story: 1,000,000 comments imported, scored and stored, on one core, all cores and Dask.

Generates comments we write ourselves (varied lengths, copy-paste duplicates, emoji, a few
thousand authors, timestamps over ten days, replies) as CSV and Parquet, then times the whole
path ``import -> sentiment + stance -> project store`` in three modes, each in a fresh
subprocess so each has its own peak memory:

    single   parallel.analyze_into(workers=1): partitions scored here, streamed into the project
    cores    the same on os.cpu_count() worker processes
    dask     engine.analyze_dask_into on a LocalCluster(2 workers)
    dask1    the same on a LocalCluster(1 worker) (``--modes single,cores,dask,dask1``)

Peak memory is sampled (psutil) over the subprocess and all its descendants: the sum of their
PSS (proportional set size: a page shared by forked processes is counted once, split among them;
read every 5 s, as reading it stalls the process read) and the largest single RSS (the kernel's
own peak, VmHWM, which costs nothing to keep). Outputs are
compared by a hash of the statement table. In the same run a naive baseline (pandas.read_csv +
Series.apply(SentimentIntensityAnalyzer().polarity_scores), sentiment only) is timed on a
50,000-row slice and extrapolated to the full size (labelled as such), and the dashboard
aggregates are timed in DuckDB on the full project.

    .venv/bin/python benchmarks/bench_scale.py               # 1,000,000 rows (several minutes)
    .venv/bin/python benchmarks/bench_scale.py --rows 20000  # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGET = {"text": "the transit fare increase", "aliases": ["fare hike", "fare increase"]}
BASELINE_ROWS = 50_000
TARGETS = {"wall_s": 60.0, "rss_gib": 2.0, "dask_speedup": 1.7, "query_s": 0.5}

# Sentences we wrote for a story about a city raising transit fares; mixed sides on purpose.
FAVOR = [
    "The fare increase is overdue, the buses have been underfunded for a decade.",
    "Honestly I support the fare hike if it keeps the night routes running.",
    "Good call by the transit authority, someone has to pay for new trains.",
    "Fair enough, the fare hike is small compared to parking downtown.",
]
AGAINST = [
    "The fare hike is a disgrace and hits the people who can least afford it.",
    "No way, the fare increase punishes commuters while service keeps getting worse!!",
    "I will never support this fare increase, cancel it now.",
    "Another fare hike, another year of late buses. Ridiculous.",
]
OTHER = [
    "Does anyone know if monthly passes change too?",
    "The 14 was twenty minutes late again this morning.",
    "lol",
    "Council meets on Thursday to vote, details on the city website.",
    "My grandmother takes the bus every day and she is worried.",
    "Thanks for covering this.",
]
EMOJI = ["", "", "", " 😡", " 👍", " 🙄", " ❤️", " 🚌🚌", " 😂😂😂"]


PLACES = ["Elm Street", "the north side", "Riverside", "downtown", "the east end", "Oak Park"]
PEOPLE = ["my mother", "my neighbour", "our nanny", "my son", "a coworker", "the kid next door"]
ROUTES = [str(n) for n in range(1, 90)]
WORDS = (
    "honestly seriously again really today somehow frankly anyway still maybe probably surely "
    "literally basically clearly obviously apparently"
).split()


def sentence(rng: random.Random) -> str:
    """A sentence of a mixed-sides pool, made particular (places, people, routes, times)."""
    base = rng.choice(rng.choice((FAVOR, AGAINST, OTHER, OTHER)))
    detail = rng.choice(
        (
            f" {rng.choice(PEOPLE).capitalize()} rides the {rng.choice(ROUTES)} from "
            f"{rng.choice(PLACES)}.",
            f" It took me {rng.randint(12, 95)} minutes to get to {rng.choice(PLACES)} "
            f"{rng.choice(WORDS)}.",
            f" {rng.choice(WORDS).capitalize()}, the {rng.choice(ROUTES)} is "
            f"{rng.choice(('packed', 'empty', 'late', 'fine', 'dirty'))} at {rng.randint(5, 11)}am.",
            "",
        )
    )
    return base + detail


def comment(rng: random.Random) -> str:
    """One to six sentences, sometimes shouted, sometimes with emoji or a second paragraph."""
    if rng.random() < 0.04:
        return rng.choice(("lol", "Thanks for covering this.", "This.", "👍"))  # short, common
    text = " ".join(sentence(rng) for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 6))))
    if rng.random() < 0.05:
        text = text.upper()
    if rng.random() < 0.03:
        text += "\n\nEdit: typo."
    return text + rng.choice(EMOJI)


def generate(rows: int, directory: Path) -> tuple[Path, Path]:
    """CSV and Parquet of ``rows`` comments (the same rows); reused when already there."""
    csv_path = directory / f"comments_v2_{rows}.csv"
    parquet_path = directory / f"comments_v2_{rows}.parquet"
    if csv_path.exists() and parquet_path.exists():
        return csv_path, parquet_path
    rng = random.Random(20261125)
    authors = [f"rider_{i}" for i in range(5_000)]
    start = pd.Timestamp("2026-11-01T00:00:00Z").value // 10**9
    texts: list[str] = []
    for _ in range(rows):
        dup = texts and rng.random() < 0.08  # copy-paste campaigns repeat earlier comments
        texts.append(texts[rng.randrange(len(texts))] if dup else comment(rng))
    frame = pd.DataFrame(
        {
            "comment_id": [f"k{i:07d}" for i in range(rows)],
            "author": [authors[min(int(rng.paretovariate(1.2)) - 1, 4_999)] for _ in range(rows)],
            "created_at": pd.to_datetime(
                [start + rng.randrange(10 * 86_400) for _ in range(rows)], unit="s", utc=True
            ).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "comment": texts,
            "parent_comment_id": [
                f"k{rng.randrange(i):07d}" if i and rng.random() < 0.25 else None
                for i in range(rows)
            ],
        }
    )
    frame.to_csv(csv_path, index=False)
    frame.to_parquet(parquet_path, index=False)
    return csv_path, parquet_path


# --------------------------------------------------------------------------- one mode (child)


def run_mode(mode: str, source: Path, project: Path) -> dict[str, Any]:
    """Import, score and store in this process (and its workers); stage times and row counts."""
    from analysis import engine, parallel, pipeline, store
    from analysis.stance import Target

    target = Target.parse(TARGET["text"], aliases=TARGET["aliases"])
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    if mode == "import":  # the streamed read every mode starts with
        rows = sum(len(chunk) for chunk in pipeline.load_stream([source]).chunks)
        times["import"] = time.perf_counter() - t0
        return {"times": times, "rows": rows, "stored": 0}
    with store.open_project(project) as opened:
        if mode.startswith("dask"):
            workers = 1 if mode == "dask1" else 2
            summary, _ = engine.analyze_dask_into(
                opened, [source], target=target, n_workers=workers
            )
        else:
            workers = (os.cpu_count() or 1) if mode == "cores" else 1
            scoring = parallel.Scoring(target)
            summary, _ = parallel.analyze_into(opened, [source], scoring, workers=workers)
    times["import+score+store"] = time.perf_counter() - t0
    return {"times": times, "rows": summary.statements_added, "stored": summary.statements_added}


def project_digest(project: Path) -> str:
    """sha256 over every stored statement, every column, in import order (computed in DuckDB)."""
    import duckdb

    from analysis import schema

    cells = ", ".join(f"coalesce(CAST({c} AS VARCHAR), '<NA>')" for c in schema.COLUMNS)
    con = duckdb.connect(str(project), read_only=True)
    con.execute("SET enable_progress_bar = false")
    try:
        row = con.execute(
            f"SELECT sha256(string_agg(md5(concat_ws('|', {cells})), '' ORDER BY seq)) "
            "FROM statements WHERE current"
        ).fetchall()
    finally:
        con.close()
    return str(row[0][0])


def measure(mode: str, source: Path, project: Path) -> dict[str, Any]:
    """Run one mode in a subprocess, sampling the RSS of its whole process tree."""
    import psutil

    out = project.with_suffix(".json")
    cmd = [sys.executable, __file__, "--child", mode, str(source), str(project), str(out)]
    start = time.perf_counter()
    child = subprocess.Popen(cmd)
    peak_sum, peak_one, done = 0, 0, threading.Event()

    def sample() -> None:
        nonlocal peak_sum, peak_one
        proc = psutil.Process(child.pid)
        tick = 0
        while not done.is_set():
            # PSS walks every page table of a process and holds its memory map meanwhile (read
            # every 0.5 s it cost Dask(1) a fifth of its wall time), so it is read every 5 s:
            # a partition's memory lasts longer. Each process's peak RSS the kernel keeps.
            try:
                tree = [proc, *proc.children(recursive=True)]
                peak_one = max([peak_one, *(_peak_rss(p.pid) for p in tree)])
                if tick % 5 == 0:
                    pss = sum(p.memory_full_info().pss for p in tree)
                    peak_sum = max(peak_sum, pss)
            except psutil.Error:
                pass  # a process of the tree ended between the listing and the read
            tick += 1
            done.wait(1.0)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = child.wait()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"{mode} failed with exit code {code}")
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    # A run shorter than the PSS interval is read at least by its largest process's own peak.
    result.update(wall=wall, rss_sum=max(peak_sum, peak_one), rss_max=peak_one)
    return result


def _peak_rss(pid: int) -> int:
    """The process's peak RSS so far (VmHWM, kept by the kernel), in bytes; 0 once it ended."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((x for x in status.splitlines() if x.startswith("VmHWM:")), "VmHWM: 0 kB")
    return int(line.split()[1]) * 1024


def differing_cells(left: Path, right: Path) -> dict[str, int]:
    """Column -> number of rows (matched by import order) whose values differ."""
    import duckdb

    from analysis import schema

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    try:
        con.execute(f"ATTACH '{left}' AS l (READ_ONLY)")
        con.execute(f"ATTACH '{right}' AS r (READ_ONLY)")
        counts = ", ".join(f"count_if(l.{c} IS DISTINCT FROM r.{c})" for c in schema.COLUMNS)
        row = con.execute(
            f"SELECT {counts} FROM l.statements l FULL JOIN r.statements r USING (seq)"
        ).fetchall()[0]
    finally:
        con.close()
    return {c: int(n) for c, n in zip(schema.COLUMNS, row, strict=True) if n}


def naive_baseline(source: Path, rows: int) -> tuple[float, float]:
    """pandas.read_csv + Series.apply(polarity_scores) on a slice; seconds and extrapolation."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    n = min(BASELINE_ROWS, rows)
    start = time.perf_counter()
    frame = pd.read_csv(source, nrows=n)
    frame["comment"].fillna("").apply(SentimentIntensityAnalyzer().polarity_scores)
    seconds = time.perf_counter() - start
    return seconds, seconds * rows / n


def time_queries(project: Path) -> dict[str, float]:
    """Dashboard aggregates on the stored project, best of three (a warm dashboard)."""
    from analysis import store

    queries = {
        "count": lambda p: p.count(),
        "by role": lambda p: p.aggregate_sql("speaker_role"),
        "by source": lambda p: p.aggregate_sql("source"),
        "by day": lambda p: p.aggregate_sql("day"),
        "stance share": lambda p: p.stance_share("speaker_role"),
        "page 500 rows at the middle": lambda p: p.page(p.count() // 2, 500),
    }
    out: dict[str, float] = {}
    with store.open_project(project, read_only=True) as opened:
        for name, query in queries.items():
            best = float("inf")
            for _ in range(3):
                t = time.perf_counter()
                query(opened)
                best = min(best, time.perf_counter() - t)
            out[name] = best
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "rl-bench")
    parser.add_argument("--modes", default="single,cores,dask")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, source, project, out = args.child
        result = run_mode(mode, Path(source), Path(project))
        Path(out).write_text(json.dumps(result), encoding="utf-8")
        return
    report(args.rows, args.data, args.modes.split(","))


def report(rows: int, data: Path, modes: list[str]) -> None:
    data.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    csv_path, parquet_path = generate(rows, data)
    mib = csv_path.stat().st_size / 2**20
    print(
        f"{rows:,} comments: {csv_path} ({mib:.0f} MiB), {parquet_path.name}; "
        f"generated/reused in {time.perf_counter() - t:.1f} s"
    )
    print(f"cpu count {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} (shared machine)")
    seconds, extrapolated = naive_baseline(csv_path, rows)
    n = min(BASELINE_ROWS, rows)
    print(
        f"naive baseline (read_csv + apply(polarity_scores), sentiment only): {n:,} rows "
        f"{seconds:.1f} s -> EXTRAPOLATED to {rows:,}: {extrapolated:.0f} s"
    )
    results: dict[str, dict[str, Any]] = {}
    for mode in modes:
        project = data / f"project_{mode}_{rows}.duckdb"
        for stale in (project, project.with_suffix(".duckdb.wal")):
            stale.unlink(missing_ok=True)
        results[mode] = res = measure(mode, csv_path, project)
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in res["times"].items())
        print(
            f"{mode:>6}: wall {res['wall']:.1f} s ({stages}); peak PSS sum "
            f"{res['rss_sum'] / 2**30:.2f} GiB, largest process {res['rss_max'] / 2**30:.2f} GiB; "
            f"{res['rows']:,} rows, {res['stored']:,} stored; "
            f"{extrapolated / res['wall']:.1f}x the naive baseline"
        )
    for path in (csv_path, parquet_path):
        res = measure("import", path, data / f"import_{rows}.duckdb")
        print(
            f"import only, {path.suffix}: {res['times']['import']:.1f} s, peak PSS "
            f"{res['rss_sum'] / 2**30:.2f} GiB, {res['rows']:,} rows"
        )
    digests = {project_digest(data / f"project_{mode}_{rows}.duckdb") for mode in results}
    print(f"outputs identical across {list(results)}: {len(digests) == 1}")
    if len(digests) > 1:
        first = list(results)[0]
        for mode in list(results)[1:]:
            diff = differing_cells(
                data / f"project_{first}_{rows}.duckdb", data / f"project_{mode}_{rows}.duckdb"
            )
            print(f"  {mode} vs {first}: rows differing per column {diff or 'none'}")
    for one in ("single", "dask1"):
        if one in results and "dask" in results:
            ratio = results[one]["wall"] / results["dask"]["wall"]
            goal = TARGETS["dask_speedup"]
            print(f"dask 2 workers vs {one}: {ratio:.2f}x (target >= {goal}x)")
    if "single" in results and "cores" in results:
        ratio = results["single"]["wall"] / results["cores"]["wall"]
        print(f"all cores vs single: {ratio:.2f}x")
    best = min(r["wall"] for r in results.values())
    rss = max(r["rss_sum"] for r in results.values()) / 2**30
    print(
        f"targets: best wall {best:.1f} s (<= {TARGETS['wall_s']:.0f} s), worst peak PSS "
        f"{rss:.2f} GiB (<= {TARGETS['rss_gib']:.0f} GiB)"
    )
    project = data / f"project_{modes[0]}_{rows}.duckdb"
    for name, secs in time_queries(project).items():
        flag = "ok" if secs <= TARGETS["query_s"] else "SLOW"
        print(f"query {name:<28} {secs * 1000:8.1f} ms  {flag} (target <= 500 ms)")


if __name__ == "__main__":
    main()
