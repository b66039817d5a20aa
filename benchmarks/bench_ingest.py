"""Import speed and memory of the comment importers against plain parsing of the same files.

Generates a CSV (flat table, ISO times, quoted commas and newlines) and a Reddit-like JSONL,
imports each with ``read_comments`` in a fresh subprocess (so each has its own peak RSS), and does
the same with a baseline: ``pandas.read_csv(dtype=str)`` for the CSV, ``json.loads`` per line for
the JSONL. Prints rows/s, peak RSS and the ratio to the baseline. ``read_comments_chunks``
(the streamed read, chunks of ``--chunk-rows``) runs beside ``read_comments`` on the same file;
``--files`` measures existing exports instead (e.g. benchmarks/bench_scale.py's), ``--repeat``
runs each reader several times (the machine is shared: compare ratios within one run).

    .venv/bin/python benchmarks/bench_ingest.py            # 1,000,000 rows each
    .venv/bin/python benchmarks/bench_ingest.py --rows 100000
    .venv/bin/python benchmarks/bench_ingest.py --files /tmp/rl-bench/comments_v2_1000000.csv
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = (
    "bridge council vote budget finally great terrible waste commute town harbour ferry mayor "
    "plan cost doubled proud agree disagree taxes years residents traffic safer nobody asked"
).split()


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(4, 30))
    text = " ".join(words).capitalize()
    if rng.random() < 0.1:
        text += ', "quoted", with commas'
    if rng.random() < 0.02:
        text += "\nsecond line"
    return text + rng.choice([".", "!", "?"])


def make_csv(path: Path, rows: int) -> None:
    import csv

    rng = random.Random(1)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "author", "date", "comment", "parent_id"])
        for i in range(rows):
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1_700_000_000 + i * 7))
            parent = f"c{rng.randrange(i)}" if i and rng.random() < 0.4 else ""
            writer.writerow(
                [f"c{i}", f"user{rng.randrange(50_000)}", stamp, _sentence(rng), parent]
            )


def make_jsonl(path: Path, rows: int) -> None:
    rng = random.Random(2)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(rows):
            record = {
                "id": f"k{i:x}",
                "author": f"user{rng.randrange(50_000)}",
                "body": _sentence(rng),
                "created_utc": 1_700_000_000 + i * 7,
                "parent_id": f"t1_k{rng.randrange(i):x}" if i and rng.random() < 0.5 else "t3_abc",
                "link_id": "t3_abc",
                "subreddit": "ourtown",
                "score": rng.randint(-5, 200),
                "controversiality": 0,
                "distinguished": None,
                "stickied": False,
                "retrieved_on": 1_700_100_000,
            }
            handle.write(json.dumps(record) + "\n")


def child(mode: str, path: str, chunk_rows: int) -> None:
    """Run one measurement in this process and print its figures as JSON."""
    start = time.perf_counter()
    if mode == "ingest":
        from analysis.ingest import read_comments

        frame, report = read_comments(path)
        rows = len(frame)
        assert report.balanced
    elif mode == "chunks":
        from analysis.ingest import read_comments_chunks

        chunks, report = read_comments_chunks(path, chunk_rows=chunk_rows)
        rows = sum(len(chunk) for chunk in chunks)
        assert report.balanced and rows == report.statements
    elif mode == "import only":
        import analysis.ingest  # noqa: F401 - the interpreter, pandas and pyarrow: the floor

        rows = 0
    elif mode == "pandas.read_csv":
        import pandas as pd

        rows = len(pd.read_csv(path, dtype=str))
    else:  # json.loads per line
        with open(path, encoding="utf-8") as handle:
            rows = len([json.loads(line) for line in handle if line.strip()])
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak_kb / 1024}))


def measure(mode: str, path: Path, chunk_rows: int = 100_000) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path), "--chunk-rows", str(chunk_rows)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


HEADER = f"{'file':28} {'reader':22} {'rows':>9} {'s':>7} {'rows/s':>10} {'peak MB':>8} {'x base':>7} {'RSS x':>6}"


def _line(name: str, reader: str, result: dict[str, float], base: dict[str, float]) -> str:
    seconds = max(result["seconds"], 1e-9)
    return (
        f"{name[-28:]:28} {reader:22} {int(result['rows']):>9} {seconds:>7.2f} "
        f"{result['rows'] / seconds:>10,.0f} {result['peak_mb']:>8.0f} "
        f"{seconds / base['seconds']:>7.2f} {result['peak_mb'] / base['peak_mb']:>6.2f}"
    )


def compare_files(paths: list[Path], chunk_rows: int, repeat: int) -> None:
    """read_comments (the baseline) against read_comments_chunks on each file."""
    floor = measure("import only", paths[0])
    print(f"imports alone: {floor['peak_mb']:.0f} MB peak RSS")
    print(HEADER)
    for path in paths:
        for _ in range(repeat):
            whole = measure("ingest", path)
            streamed = measure("chunks", path, chunk_rows)
            print(_line(path.name, "read_comments", whole, whole))
            print(_line(path.name, f"chunks of {chunk_rows:,}", streamed, whole))
        print(f"{'':28} ({path.stat().st_size / 1e6:.0f} MB file)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--files", nargs="+", type=Path, help="measure these exports instead")
    parser.add_argument("--chunk-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, args.chunk_rows)
        return
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    if args.files:
        compare_files(args.files, args.chunk_rows, args.repeat)
    else:
        generated(args.rows, args.chunk_rows)
    print("load average after:  {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


def generated(rows: int, chunk_rows: int) -> None:
    """Generated files: plain parsing as the baseline, then both importers."""
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            ("comments.csv", make_csv, "pandas.read_csv"),
            ("RC_ourtown.jsonl", make_jsonl, "json.loads per line"),
        ]
        print(HEADER)
        for name, make, baseline in cases:
            path = Path(tmp) / name
            make(path, rows)
            base = measure(baseline, path)
            print(_line(name, baseline, base, base))
            print(_line(name, "read_comments", measure("ingest", path), base))
            streamed = measure("chunks", path, chunk_rows)
            print(_line(name, f"chunks of {chunk_rows:,}", streamed, base))
            print(f"{'':28} ({path.stat().st_size / 1e6:.0f} MB file)")


if __name__ == "__main__":
    main()
