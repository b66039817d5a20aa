"""Stance speed: µs per row for add_stance and score_stance on generated comments.

Baselines in the same run, interleaved round by round so both see the same machine load:

* ``--baseline-tree DIR``: the stance package of another checkout (``git worktree add
  /tmp/stance-old <commit>``) loaded beside the current one in this process; the table says
  µs/row for both, their ratio, and whether the outputs are identical (they must be).
* always: one VADER ``polarity_scores`` call per text (what a naive "stance = sign of
  sentiment" would cost).

Texts are our own: ``bench_scale.comment`` (the 1M-comment benchmark's comments: one to six
sentences, 8% copy-paste repeats, a quarter replies, TARGET of bench_scale) and short unique
texts (~100 chars, every third a reply). Figures are the best of several rounds (the machine is
shared); the load average is printed with them. Run:
``.venv/bin/python benchmarks/bench_stance.py [--rows 20000] [--rounds 3] [--baseline-tree DIR]``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import ModuleType

import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_scale import TARGET as SCALE_TARGET  # noqa: E402
from bench_scale import comment  # noqa: E402

import analysis  # noqa: E402
import analysis.stance as current  # noqa: E402
from analysis.schema import from_records  # noqa: E402

SIDE_WORDS = (
    "council bridge plan disgrace support thank great terrible not never mayor Okafor resign "
    "shame society closing safety waste proud stand with"
).split()
FILLER = (
    "the a of and to in is it that this was for on with as at by from they we you have be are "
    "people road traffic morning city river week said going still some more just time about"
).split()
TargetSpec = tuple[str, list[str], list[str]]  # description, aliases, opponents
SHORT_TARGET: TargetSpec = (
    "the city council's plan to close the river bridge",
    ["the council", "Mayor Okafor"],
    ["Preservation Society"],
)


def short_texts(n: int, words: int, seed: int) -> list[str]:
    """Unique texts of ``words`` words, one word in five taking a side or naming someone."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        body = " ".join(
            rng.choice(SIDE_WORDS if rng.random() < 0.2 else FILLER) for _ in range(words)
        )
        out.append(f"{body.capitalize()}, no. {i}.")  # unique texts: no help from deduplication
    return out


def short_table(size: int) -> pd.DataFrame:
    """Short unique comments; every third row replies to the row before it."""
    return from_records(
        {
            "statement_id": f"c{i}",
            "source": "bench",
            "source_kind": "comment",
            "text": text,
            "parent_id": f"c{i - 1}" if i % 3 == 2 else None,
        }
        for i, text in enumerate(short_texts(size, 18, seed=1))
    )


def scale_table(size: int) -> pd.DataFrame:
    """bench_scale's comments: 8% repeat an earlier one, a quarter reply to an earlier row."""
    rng = random.Random(20261125)
    texts: list[str] = []
    for _ in range(size):
        repeat = texts and rng.random() < 0.08
        texts.append(texts[rng.randrange(len(texts))] if repeat else comment(rng))
    return from_records(
        {
            "statement_id": f"k{i}",
            "source": "bench",
            "source_kind": "comment",
            "text": text,
            "parent_id": f"k{rng.randrange(i)}" if i and rng.random() < 0.25 else None,
        }
        for i, text in enumerate(texts)
    )


def load_tree(tree: Path) -> ModuleType:
    """The ``analysis.stance`` package of another checkout, imported beside the current one.

    Its modules are loaded under their own names while the current ones are set aside, then
    taken out of ``sys.modules`` again; they keep their references to each other (and share
    the rest of ``analysis`` with the current code).
    """
    mine = {k: v for k, v in sys.modules.items() if k.startswith("analysis.stance")}
    for name in mine:
        del sys.modules[name]
    path = list(analysis.__path__)
    analysis.__path__[:] = [str(tree / "analysis")]
    try:
        other = importlib.import_module("analysis.stance")
        for sub in ("attach", "score", "parts", "target", "cues"):
            importlib.import_module(f"analysis.stance.{sub}")
    finally:
        for name in [k for k in sys.modules if k.startswith("analysis.stance")]:
            del sys.modules[name]
        sys.modules.update(mine)
        analysis.__path__[:] = path
        analysis.stance = current
    if Path(other.__file__ or "").resolve().parent != (tree / "analysis" / "stance").resolve():
        raise SystemExit(f"could not load analysis.stance from {tree}")
    return other


def _each(fn: Callable[[str], object], items: list[str]) -> None:
    for item in items:
        fn(item)


def best_seconds(fn: Callable[[], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def compare_tables(
    name: str, frame: pd.DataFrame, target: TargetSpec, versions: dict[str, ModuleType], rounds: int
) -> None:
    """add_stance µs/row for each version, interleaved, and whether their outputs agree."""
    targets = {
        k: m.Target.parse(target[0], aliases=target[1], opponents=target[2])
        for k, m in versions.items()
    }
    outputs = {k: m.add_stance(frame, targets[k]) for k, m in versions.items()}  # warm up
    best = dict.fromkeys(versions, float("inf"))
    for _ in range(rounds):
        for k, m in versions.items():
            run = partial(m.add_stance, frame, targets[k])
            best[k] = min(best[k], best_seconds(run, 1))
    line = f"add_stance, {name}, {len(frame):,} rows:"
    for k, seconds in best.items():
        line += f" {k} {seconds / len(frame) * 1e6:.1f} µs/row;"
    if "baseline" in best:
        same = outputs["baseline"].equals(outputs["current"])
        line += f" speed-up {best['baseline'] / best['current']:.2f}x; outputs identical: {same}"
    print(line)
    if "baseline" in best and not same:
        raise SystemExit("the outputs differ from the baseline's")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline-tree", type=Path, help="checkout of the code to compare with")
    args = parser.parse_args()
    versions = {"current": current}
    if args.baseline_tree is not None:
        versions = {"baseline": load_tree(args.baseline_tree), "current": current}
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    scale_target: TargetSpec = (str(SCALE_TARGET["text"]), list(SCALE_TARGET["aliases"]), [])
    compare_tables(
        "bench_scale comments", scale_table(args.rows), scale_target, versions, args.rounds
    )
    compare_tables(
        "short unique texts", short_table(args.rows), SHORT_TARGET, versions, args.rounds
    )
    vader = SentimentIntensityAnalyzer()
    target = current.Target.parse(SHORT_TARGET[0], aliases=SHORT_TARGET[1])
    for name, words in (("short ~100 chars", 18), ("long ~600 chars", 110)):
        items = short_texts(args.rows // (1 if words < 50 else 5), words, seed=words)
        ours = base = float("inf")
        for _ in range(args.rounds):  # interleaved, so both see the same machine load
            base = min(base, best_seconds(partial(_each, vader.polarity_scores, items), 1))
            stance = partial(current.score_stance, target=target)
            ours = min(ours, best_seconds(partial(_each, stance, items), 1))
        print(
            f"score_stance, {name}: {ours / len(items) * 1e6:.1f} µs/text; "
            f"vader polarity_scores {base / len(items) * 1e6:.1f} µs/text; ratio {base / ours:.2f}"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
