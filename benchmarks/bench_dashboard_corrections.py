"""Server time of the dashboard's correction actions on a generated 1,000,000-statement table.

Times what the Statements and Agreement pages run: one card's correction, a bulk correction of
10,000 statements, the agreement report and taking a correction off; and compares the first and
the report with the backend applied to the whole table (the naive way) in the same run.

    .venv/bin/python benchmarks/bench_dashboard_corrections.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections.abc import Callable
from typing import Any

import pandas as pd
from bench_dashboard import OUT, make_table

from analysis import schema
from analysis.learn import agreement_report, apply_corrections
from analysis.stance import Target
from dashboard import learn
from dashboard.data import Dataset

TARGET = "the Elm Street plaza"


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = action()
    return time.perf_counter() - began, result


def table(rows: int) -> pd.DataFrame:
    layout = hashlib.sha1(" ".join(schema.COLUMNS).encode()).hexdigest()[:8]
    cache = OUT / f"statements_{rows}_{layout}.parquet"  # shared with bench_dashboard.py
    if cache.is_file():
        return schema.validate(pd.read_parquet(cache))
    frame = make_table(rows)
    OUT.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(cache, index=False)
    return frame


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    dataset = Dataset(table(args.rows), target=Target(TARGET))
    rows = dataset.statements.index

    def fix(index: pd.Index, label: str) -> list[Any]:
        return learn.corrections_for(
            dataset.statements, index, field="stance", label=label, target=TARGET
        )

    one = fix(rows[:1], "favor")
    spent, first = timed(lambda: learn.correct(dataset, one))
    naive, _ = timed(lambda: apply_corrections(dataset.statements, one, target=TARGET))
    print(f"{len(rows):,} statements")
    print(f"one card's correction (new dataset):   {spent:.2f} s")
    print(f"  backend on the whole table (naive):  {naive:.2f} s  ratio {naive / spent:.1f}x")
    bulk = fix(rows[:10_000], "against")
    spent, many = timed(lambda: learn.correct(first, bulk))
    print(f"bulk correction of 10,000 statements:  {spent:.2f} s")
    spent, _ = timed(lambda: learn.report(many, "stance"))
    naive, _ = timed(lambda: agreement_report(many.statements, many.corrections, target=TARGET))
    print(f"agreement report:                      {spent:.2f} s")
    print(f"  on the whole table (naive):          {naive:.2f} s  ratio {naive / spent:.1f}x")
    spent, _ = timed(lambda: learn.uncorrect(many, rows[:1], "stance"))
    print(f"take one correction off:               {spent:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
