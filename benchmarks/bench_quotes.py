"""Quote extraction speed: articles per second on the PolNeAR dev texts, single core.

Target: >= 300 articles/s of CPU time (process_time, so other jobs on a shared machine do not
count). Baseline in the same run: a naive regex that only pairs quote marks
(what textacy-style pairing costs), so the ratio says what attribution and speaker resolution
add. Texts are read in place from ../shared (never copied); the script skips with a message
when that is absent. Run: ``.venv/bin/python benchmarks/bench_quotes.py [rounds]``.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from analysis.quotes import extract_quotes

TARGET = 300.0
DEV = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "polnear" / "dev.jsonl"
NAIVE = re.compile(r"“[^”\n]*”|\"[^\"\n]*\"")


def rate(fn: Callable[[str], object], texts: list[str], rounds: int) -> float:
    start = time.process_time()  # CPU time: other jobs on a shared machine do not count
    for _ in range(rounds):
        for text in texts:
            fn(text)
    return rounds * len(texts) / (time.process_time() - start)


def main() -> int:
    if not DEV.is_file():
        print(
            f"skipped: PolNeAR dev texts not found at {DEV} (evaluation data lives beside the clone)"
        )
        return 0
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    texts = [json.loads(line)["text"] for line in DEV.open(encoding="utf-8") if line.strip()]
    chars = sum(map(len, texts)) / len(texts)
    extract_quotes(texts[0])  # warm caches and compiled patterns
    ours = rate(extract_quotes, texts, rounds)
    naive = rate(NAIVE.findall, texts, rounds)
    verdict = "meets" if ours >= TARGET else "BELOW"
    print(f"{len(texts)} PolNeAR dev articles (~{chars:,.0f} chars each), {rounds} rounds, 1 core")
    print(
        f"extract_quotes: {ours:,.0f} articles/s ({verdict} target {TARGET:.0f}; x{ours / TARGET:.1f})"
    )
    print(
        f"naive quote-pairing regex: {naive:,.0f} articles/s; ours/naive ratio {ours / naive:.3f}"
    )
    huge = "“Alpha beta gamma,” said Ann Lee, " * 20_000  # one 680k-char paragraph, 20k quotes
    start = time.process_time()
    found = len(extract_quotes(huge))
    seconds = time.process_time() - start
    print(f"worst case, one {len(huge):,}-char paragraph: {found:,} quotes in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
