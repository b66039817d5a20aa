"""A gzip-compressed 1,000,000-comment CSV, streamed in chunks, against the same CSV uncompressed.

Takes the CSV that ``bench_scale.generate`` writes (reused when present), gzips it beside itself
(level 6, as ``gzip`` does by default; reused too), then runs ``bench_ingest.compare_files`` on
both: ``read_comments`` (the whole-file read; for the .gz this is also what
``read_comments_chunks`` did before it streamed gzip) and ``read_comments_chunks``, each in a
fresh subprocess, with wall time and peak RSS. Compare within one run: the machine is shared.

    .venv/bin/python benchmarks/bench_gzip_import.py                 # 1,000,000 rows
    .venv/bin/python benchmarks/bench_gzip_import.py --rows 100000 --repeat 1
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_ingest  # noqa: E402 - a sibling script, found through the path set above
import bench_scale  # noqa: E402


def gzipped(path: Path) -> Path:
    """``path`` + ``.gz``, written again only when older than ``path``."""
    target = path.with_name(path.name + ".gz")
    if not target.exists() or target.stat().st_mtime < path.stat().st_mtime:
        partial = target.with_name(target.name + ".partial")
        with path.open("rb") as source, gzip.open(partial, "wb", compresslevel=6) as sink:
            shutil.copyfileobj(source, sink, 1 << 20)
        partial.rename(target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, default=Path("/tmp/bench_scale_data"))
    parser.add_argument("--chunk-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    csv_path, _ = bench_scale.generate(args.rows, args.data)
    gz_path = gzipped(csv_path)
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    bench_ingest.compare_files([csv_path, gz_path], args.chunk_rows, args.repeat)
    print("load average after:  {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
