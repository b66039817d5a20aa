"""Per-target stance models on P-Stance: train on train.jsonl, score val.jsonl, time the training.

Usage: .venv/bin/python benchmarks/bench_train_stance.py [--shared ../shared] [--target NAME ...]

For each target: training seconds (wall and CPU of this process, one core: BLAS threads are
pinned to 1), cross-validated macro-F1 on train, F_avg on val for the model and for the rules on
the same rows, the majority floor; then F_macro (mean of the targets' F_avg). Published on the
test split (not available here): BERTweet F_macro 0.805 (Li et al. 2021).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, before numpy loads

import argparse  # noqa: E402
import json  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from analysis.learn import evaluate_with_model, train_from_file  # noqa: E402

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TARGETS = ("Donald Trump", "Joe Biden", "Bernie Sanders")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--target", action="append", help="default: the three P-Stance targets")
    args = parser.parse_args()
    data = args.shared / "eval" / "pstance"
    if not (data / "train.jsonl").is_file():
        raise SystemExit(f"P-Stance not found at {data}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for target in args.target or TARGETS:
            cpu = time.process_time()
            summary = train_from_file(
                data / "train.jsonl", target=target, out=Path(tmp) / "m.model"
            )
            cpu = time.process_time() - cpu
            result = evaluate_with_model(data / "val.jsonl", Path(tmp) / "m.model")
            rows.append((target, summary, cpu, result))
            print(
                f"{target:15s} n_train={summary['n']:5d} train {summary['seconds']:5.1f} s wall "
                f"{cpu:5.1f} s cpu | cv macro-F1 {summary['cv_macro_f1']:.4f}±{summary['cv_macro_f1_std']:.4f} "
                f"ece {summary['cv_ece']:.3f} | val n={result['n']} F_avg model {result['f_avg']:.4f} "
                f"rules {result['rules']['f_avg']:.4f} floor {result['floor']['f_avg']:.4f}",
                flush=True,
            )
    f_macro = sum(r[3]["f_avg"] for r in rows) / len(rows)
    rules = sum(r[3]["rules"]["f_avg"] for r in rows) / len(rows)
    print(
        f"F_macro model {f_macro:.4f}  rules {rules:.4f}  (published BERTweet, test split: 0.805)"
    )
    print(
        json.dumps(
            {
                "f_macro": round(f_macro, 4),
                "f_macro_rules": round(rules, 4),
                "per_target": {
                    t: {
                        "f_avg": r["f_avg"],
                        "rules_f_avg": r["rules"]["f_avg"],
                        "floor_f_avg": r["floor"]["f_avg"],
                        "cv_macro_f1": s["cv_macro_f1"],
                        "train_seconds": s["seconds"],
                        "train_cpu_seconds": round(c, 2),
                    }
                    for t, s, c, r in rows
                },
            }
        )
    )


if __name__ == "__main__":
    main()
