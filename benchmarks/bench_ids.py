"""Ids and reply links of a big comment import: the column-at-a-time code against the per-row one.

Two costs of the main process while workers score a 1M-comment import:

* ``ids``: ``comments._statement_ids`` over the import's chunks (``--chunk-rows``, ids counted
  on across chunks as the streamed read does), against the per-row oracle kept in
  tests/test_ingest_ids.py;
* ``links``: ``attach._links`` on the link columns of every partition concatenated (what
  ``parallel.thread_groups`` reads after scoring), against the oracle in
  tests/test_stance_links.py.

The rows mimic bench_scale's: ids ``k0000001`` with 1% repeated, a quarter replies to an earlier
row. Old and new run interleaved, round by round, in this process; each figure is the best
round, outputs are compared (they must be identical), and the load average is printed.

    .venv/bin/python benchmarks/bench_ids.py                 # 200,000 rows
    .venv/bin/python benchmarks/bench_ids.py --rows 1000000  # the scale benchmark's size
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from test_ingest_ids import old_statement_ids  # noqa: E402
from test_stance_links import old_links  # noqa: E402

from analysis.ingest.comments import Carry, _statement_ids  # noqa: E402
from analysis.parallel import PARTITION_ROWS  # noqa: E402
from analysis.stance.attach import _links  # noqa: E402

SOURCE = "comments_v2_1000000.csv"


def rows_of(n: int) -> pd.DataFrame:
    """ids (1% repeating an earlier one, 0.5% missing), texts and parents, like bench_scale's."""
    rng = random.Random(20261125)
    ids = [f"k{i:07d}" for i in range(n)]
    for i in range(1, n):
        if rng.random() < 0.01:
            ids[i] = ids[rng.randrange(i)]
        elif rng.random() < 0.005:
            ids[i] = None  # type: ignore[call-overload]
    texts = [f"The fare hike is comment {i}, on route {i % 89} again 😡" for i in range(n)]
    parents = [f"k{rng.randrange(i):07d}" if i and rng.random() < 0.25 else None for i in range(n)]
    return pd.DataFrame(
        {"original_id": ids, "text": texts, "parent_id": parents, "row": range(2, n + 2)}
    ).astype({"original_id": "string", "text": "string", "parent_id": "string"})


def ids_of(table: pd.DataFrame, chunk_rows: int, make: Callable[..., Any]) -> list[Any]:
    """The id column of each chunk as the statement table holds it (Arrow text): the old code
    gave a list of str, which the table then converted."""
    carry, out = Carry(seen={}), []
    for start in range(0, len(table), chunk_rows):
        part = table.iloc[start : start + chunk_rows]
        ids = make(SOURCE, part["original_id"], part["row"], part["text"], carry)
        out.append(ids.array if isinstance(ids, pd.Series) else pd.array(ids, dtype="string"))
    return out


def flat(columns: list[Any]) -> list[str]:
    return [sid for column in columns for sid in column.tolist()]


def link_table(table: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    """The reply columns of every partition, concatenated as ``parallel.Scored.fixes`` does."""
    links = table[["parent_id", "original_id"]].assign(statement_id=pd.array(ids, dtype="string"))
    links = links[["statement_id", "parent_id", "original_id"]]
    parts = [links.iloc[k : k + PARTITION_ROWS] for k in range(0, len(links), PARTITION_ROWS)]
    return pd.concat([p.reset_index(drop=True) for p in parts], ignore_index=True)


def best(rounds: int, runs: dict[str, Callable[[], Any]]) -> tuple[dict[str, float], list[Any]]:
    """Best time of each run over interleaved rounds, and the last outputs."""
    times = {name: float("inf") for name in runs}
    outputs: dict[str, Any] = {}
    for _ in range(rounds):
        for name, run in runs.items():
            start = time.perf_counter()
            outputs[name] = run()
            times[name] = min(times[name], time.perf_counter() - start)
    return times, list(outputs.values())


def report(what: str, rows: int, times: dict[str, float], outputs: list[Any]) -> None:
    old, new = times["old"], times["new"]
    same = all(o == outputs[0] for o in outputs[1:])
    print(
        f"{what:6s} {rows:>9,} rows  old {old:6.2f} s  new {new:6.2f} s  "
        f"x{old / new:5.1f} faster  identical: {same}"
    )
    if not same:
        raise SystemExit(f"{what}: outputs differ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--chunk-rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    table = rows_of(args.rows)
    print(f"load average before: {os.getloadavg()}")
    times, outputs = best(
        args.rounds,
        {
            "old": lambda: ids_of(table, args.chunk_rows, old_statement_ids),
            "new": lambda: ids_of(table, args.chunk_rows, _statement_ids),
        },
    )
    report("ids", args.rows, times, [flat(o) for o in outputs])
    links = link_table(table, flat(outputs[0]))
    times, outputs = best(
        args.rounds, {"old": lambda: old_links(links, None), "new": lambda: _links(links, None)}
    )
    report("links", args.rows, times, outputs)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
