"""How many labels beat the rules? Macro-F1 on P-Stance val after 50 … 1,000 training labels.

Usage: .venv/bin/python benchmarks/learning_curve.py [--target "Donald Trump"] [--seeds 3]
       [--sizes 50 100 200 500 1000] [--shared ../shared]

For each size, ``--seeds`` stratified samples of the target's train.jsonl rows (seeded) train a
model; each is scored on all of the target's val.jsonl rows. Printed: mean ± sd macro-F1 (on
P-Stance's two labels this is F_avg), beside the rule-based stance on the same val rows and the
majority floor. The texts are read in place, never copied.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, before numpy loads

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from analysis.learn import predict_stance, read_labelled, train_stance  # noqa: E402
from analysis.stance import Target, score_stance  # noqa: E402
from analysis.stance.evaluate import scores  # noqa: E402

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def sample(records: list[dict[str, Any]], size: int, seed: int) -> list[dict[str, Any]]:
    """A stratified sample: each label in proportion to the full set, at least 2 of each."""
    rng = np.random.default_rng(seed)
    labels = sorted({r["label"] for r in records})
    chosen: list[int] = []
    for label in labels:
        rows = [i for i, r in enumerate(records) if r["label"] == label]
        take = max(2, round(size * len(rows) / len(records)))
        chosen += rng.choice(rows, size=min(take, len(rows)), replace=False).tolist()
    return [records[i] for i in sorted(chosen)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--target", default="Donald Trump")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 100, 200, 500, 1000])
    args = parser.parse_args()
    data = args.shared / "eval" / "pstance"
    if not (data / "train.jsonl").is_file():
        raise SystemExit(f"P-Stance not found at {data}")
    train, _ = read_labelled(data / "train.jsonl", target=args.target)
    val, _ = read_labelled(data / "val.jsonl", target=args.target)
    gold = [r["label"] for r in val]
    classes = tuple(x for x in ("favor", "against", "neutral") if x in set(gold))
    target = Target.parse(args.target)
    rules = scores(gold, [score_stance(r["text"], target).label for r in val], classes)["macro_f1"]
    majority = max(sorted(set(gold)), key=gold.count)
    floor = scores(gold, [majority] * len(gold), classes)["macro_f1"]
    print(
        f"{args.target}: train pool {len(train)}, val {len(val)}; rules {rules:.4f}, floor {floor:.4f}"
    )
    curve = {}
    for size in args.sizes:
        got, seconds = [], []
        for seed in range(args.seeds):
            started = time.perf_counter()
            model = train_stance(sample(train, size, seed), target=target, seed=seed)
            seconds.append(time.perf_counter() - started)
            labels, _ = predict_stance(model, [r["text"] for r in val])
            got.append(scores(gold, labels, classes)["macro_f1"])
        mean, sd = statistics.mean(got), statistics.pstdev(got)
        curve[size] = {
            "macro_f1": round(mean, 4),
            "sd": round(sd, 4),
            "train_seconds": round(statistics.mean(seconds), 2),
        }
        verdict = "beats" if mean > rules else "below"
        print(
            f"{size:5d} labels: macro-F1 {mean:.4f} ± {sd:.4f} ({verdict} rules {rules:.4f}); train {statistics.mean(seconds):.1f} s",
            flush=True,
        )
    print(json.dumps({"target": args.target, "rules": rules, "floor": floor, "curve": curve}))


if __name__ == "__main__":
    main()
