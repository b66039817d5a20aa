"""Import speed and memory of the comment importers against plain parsing of the same files.

Generates a CSV (flat table, ISO times, quoted commas and newlines) and a Reddit-like JSONL,
imports each with ``read_comments`` in a fresh subprocess (so each has its own peak RSS), and does
the same with a baseline: ``pandas.read_csv(dtype=str)`` for the CSV, ``json.loads`` per line for
the JSONL. Prints rows/s, peak RSS and the ratio to the baseline.

    .venv/bin/python benchmarks/bench_ingest.py            # 1,000,000 rows each
    .venv/bin/python benchmarks/bench_ingest.py --rows 100000
"""

from __future__ import annotations

import argparse
import json
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


def child(mode: str, path: str) -> None:
    """Run one measurement in this process and print its figures as JSON."""
    start = time.perf_counter()
    if mode == "ingest":
        from analysis.ingest import read_comments

        frame, report = read_comments(path)
        rows = len(frame)
        assert report.balanced
    elif mode == "pandas.read_csv":
        import pandas as pd

        rows = len(pd.read_csv(path, dtype=str))
    else:  # json.loads per line
        with open(path, encoding="utf-8") as handle:
            rows = len([json.loads(line) for line in handle if line.strip()])
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak_kb / 1024}))


def measure(mode: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            ("comments.csv", make_csv, "pandas.read_csv"),
            ("RC_ourtown.jsonl", make_jsonl, "json.loads per line"),
        ]
        print(
            f"{'file':18} {'reader':20} {'rows':>9} {'s':>7} {'rows/s':>10} {'peak MB':>8} {'x base':>7}"
        )
        for name, make, baseline in cases:
            path = Path(tmp) / name
            make(path, args.rows)
            size_mb = path.stat().st_size / 1e6
            base = measure(baseline, path)
            ours = measure("ingest", path)
            for reader, result in ((baseline, base), ("read_comments", ours)):
                ratio = result["seconds"] / base["seconds"]
                print(
                    f"{name:18} {reader:20} {int(result['rows']):>9} {result['seconds']:>7.2f} "
                    f"{result['rows'] / result['seconds']:>10,.0f} {result['peak_mb']:>8.0f} {ratio:>7.2f}"
                )
            print(f"{'':18} ({size_mb:.0f} MB file)")


if __name__ == "__main__":
    main()
