"""Dashboard server time per interaction on a generated 1,000,000-statement table.

Runs the code the pages run (dashboard.filters → dashboard.views → charts → JSON, as
st.plotly_chart serialises it) for a series of filter changes, and compares with the naive way
(filtering the string-typed table, sending every point to plotly) in the same run.
Target: ≤ 0.5 s per interaction after the first load.

    .venv/bin/python benchmarks/bench_dashboard.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from analysis import schema
from dashboard import filters, render, views
from dashboard.data import Dataset

TARGET_SECONDS = 0.5
OUT = Path(__file__).resolve().parent / "out"  # generated tables, kept between runs (gitignored)
WORDS = ["plaza", "parking", "council", "traffic", "shops", "kids", "bakery", "buses", "mayor"]
TEMPLATES = [
    "I love the new {w}, it makes downtown feel alive again",
    "What a waste of money, the {w} was fine before",
    "Has anyone measured the {w} numbers since the change?",
    "Shame on the council for ignoring the {w} owners",
    "Great idea, my family walks past the {w} every day now",
    "Not sure yet. The {w} needs a full season of data",
]
ROLE_P = {
    "public": 0.97,
    "official": 0.01,
    "organization": 0.005,
    "expert": 0.005,
    "media": 0.005,
    "unknown": 0.005,
}


def make_table(rows: int, *, seed: int = 0) -> pd.DataFrame:
    """A schema-valid statement table with realistic spreads of roles, times and scores."""
    rng = np.random.default_rng(seed)
    texts = np.array([t.format(w=w) for t in TEMPLATES for w in WORDS], dtype=object)
    text = texts[rng.integers(0, len(texts), rows)]
    role = rng.choice(list(ROLE_P), size=rows, p=list(ROLE_P.values()))
    speaker = np.char.add("user", rng.zipf(1.6, rows).clip(max=60_000).astype(str))
    compound = np.round(np.tanh(rng.normal(0.05, 0.6, rows)), 4)
    stance = np.round(np.clip(rng.normal(0.0, 0.35, rows), -1, 1), 3)
    start = pd.Timestamp("2026-03-01T00:00Z").value
    posted = pd.to_datetime(start + rng.integers(0, 30 * 86_400, rows) * 10**9, utc=True)
    word = np.array(WORDS, dtype=object)[rng.integers(0, len(WORDS), rows)]
    frame = pd.DataFrame(
        {
            "statement_id": [f"s{i:07d}" for i in range(rows)],
            "source": np.where(role == "public", "comments.jsonl", "article.html"),
            "source_kind": np.where(role == "public", "comment", "article"),
            "platform": np.where(role == "public", "reddit", None),
            "text": text,
            "speaker": speaker,
            "speaker_role": role,
            "posted_at": posted,
            "sentiment_compound": compound,
            "sentiment_label": np.select(
                [compound >= 0.05, compound <= -0.05], ["positive", "negative"], "neutral"
            ),
            "sentiment_evidence": [
                json.dumps({"words": [{"word": "love", "valence": 3.2}]}) if c > 0.3 else None
                for c in compound
            ],
            "stance_score": stance,
            "stance_label": np.select(
                [stance >= 0.15, stance <= -0.15], ["favor", "against"], "neutral"
            ),
            "stance_evidence": [
                json.dumps([{"kind": "target", "text": w, "start": 0, "end": 1, "weight": 0}])
                for w in word
            ],
        }
    )
    for column in schema.COLUMNS:
        if column not in frame:
            frame[column] = None
    return schema.validate(frame[list(schema.COLUMNS)])


def timed(action: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Median seconds of ``repeat`` calls and the last result."""
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def interaction(dataset: Dataset, chosen: filters.Filters, page: str) -> dict[str, float]:
    """Server time of one rerun of ``page`` after a filter change, by step."""
    out: dict[str, float] = {}
    began, cpu = time.perf_counter(), time.process_time()
    texts = dataset.statements["text"]
    view = filters.apply(dataset.view, chosen, text=texts)
    out["filter"] = time.perf_counter() - began
    step = time.perf_counter()
    if page == "overview":
        model = views.overview(view, texts=texts)
        out["aggregate+figures"] = time.perf_counter() - step
        step = time.perf_counter()
        size = sum(len(pio.to_json(f, validate=False)) for f in model.figures.values())
        out["to_json"] = time.perf_counter() - step
        out["json_kb"] = size / 1024
    elif page == "statements":
        rows, _ = views.page_of(view, sort="most against", page=3, size=20)
        cards = [render.statement_card(r) for r in views.full_rows(dataset.statements, rows.index)]
        out["page+cards"] = time.perf_counter() - step
        out["json_kb"] = sum(map(len, cards)) / 1024
    elif page == "speakers":
        table = views.speakers(view)
        fig = views.speaker_figure(view)
        out["table+figure"] = time.perf_counter() - step
        out["json_kb"] = (
            len(pio.to_json(fig, validate=False)) + len(table.head(1000).to_json())
        ) / 1024
    out["cpu"] = time.process_time() - cpu
    out["total"] = time.perf_counter() - began
    return out


def naive_overview(statements: pd.DataFrame, role: str) -> float:
    """Filter the string-typed table and send every point (histogram and scatter)."""
    began = time.perf_counter()
    view = statements[statements["speaker_role"] == role]
    figs = [
        go.Figure(go.Histogram(x=view["sentiment_compound"].astype("float64"))),
        go.Figure(
            go.Scattergl(
                x=view["sentiment_compound"].astype("float64"),
                y=view["stance_score"].astype("float64"),
                text=view["text"].astype(object),
                mode="markers",
            )
        ),
    ]
    for fig in figs:
        pio.to_json(fig, validate=False)
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()

    began = time.perf_counter()
    layout = hashlib.sha1(" ".join(schema.COLUMNS).encode()).hexdigest()[:8]
    cache = OUT / f"statements_{args.rows}_{layout}.parquet"  # regenerated when the schema changes
    if cache.is_file():
        statements = schema.validate(pd.read_parquet(cache))
        print(f"read {len(statements):,} generated statements from {cache}")
    else:
        statements = make_table(args.rows)
        OUT.mkdir(parents=True, exist_ok=True)
        statements.to_parquet(cache, index=False)
        print(f"generated {len(statements):,} statements in {time.perf_counter() - began:.1f} s")
    load, dataset = timed(lambda: Dataset(statements, origin="benchmark"), repeat=1)
    print(f"first load (view, filter choices, date bounds): {load:.2f} s")

    interaction(Dataset(statements.head(1000)), filters.Filters(), "overview")  # warm imports
    cases = [
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
        ("text 'parking'", filters.Filters(query="parking"), "statements"),
        ("role = public", filters.Filters(roles=("public",)), "speakers"),
    ]
    worst = worst_cpu = 0.0
    print(f"\n{'interaction':<22}{'page':<12}{'wall s':>8}{'cpu s':>8}  steps (wall s)")
    for name, chosen, page in cases:
        runs = [interaction(dataset, chosen, page) for _ in range(3)]
        best = min(runs, key=lambda r: r["total"])
        wall = statistics.median(r["total"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        worst, worst_cpu = max(worst, wall), max(worst_cpu, cpu)
        steps = ", ".join(
            f"{k} {v:.3f}" if k != "json_kb" else f"{v:,.0f} KB sent"
            for k, v in best.items()
            if k not in ("total", "cpu")
        )
        print(f"{name:<22}{page:<12}{wall:>8.3f}{cpu:>8.3f}  {steps}")

    ours, _ = timed(lambda: interaction(dataset, filters.Filters(roles=("public",)), "overview"))
    naive, _ = timed(lambda: naive_overview(statements, "public"), repeat=1)
    cat_mask, _ = timed(lambda: filters.mask(dataset.view, filters.Filters(roles=("public",))))
    str_mask, _ = timed(lambda: (statements["speaker_role"] == "public").to_numpy())
    print(
        f"\nbaseline (string table, every point sent) role=public overview: {naive:.2f} s; "
        f"ours {ours:.2f} s; ratio {naive / ours:.1f}x"
    )
    print(
        f"role mask: categorical view {cat_mask * 1000:.1f} ms vs string column "
        f"{str_mask * 1000:.1f} ms ({str_mask / cat_mask:.1f}x)"
    )
    verdict = "meets" if worst <= TARGET_SECONDS else "MISSES"
    load = os.getloadavg()[0]
    print(
        f"\nworst median interaction: wall {worst:.3f} s, cpu {worst_cpu:.3f} s "
        f"(load average {load:.1f} on {os.cpu_count()} cores; wall > cpu means waiting for a core)"
    )
    print(f"wall time {verdict} the {TARGET_SECONDS} s target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
