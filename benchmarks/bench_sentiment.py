"""Sentiment speed: naive vaderSentiment vs analysis.sentiment, same texts, same run.

Prints texts/s for the naive ``Series.apply(SentimentIntensityAnalyzer().polarity_scores)``, a
naive list comprehension, and ours (one process, and a process pool over every core), on short
comments (~100 characters, with repeats as in real exports) and on long statements (500+ tokens);
checks that every score is identical; prints wall and CPU ratios against the naive apply. Each
timed run of ours uses its own analyser, built before the clock starts, so token caches start cold.

Then the evidence column's per-row CPU cost on the 1M-comment benchmark's comments, against
naive vaderSentiment and against the column as it was before issue 7 (``evidence_before``).

    .venv/bin/python benchmarks/bench_sentiment.py [--short 20000] [--long 120] [--scale 200000]
    .venv/bin/python benchmarks/bench_sentiment.py --only-evidence [--evidence 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import time
from collections.abc import Callable

import pandas as pd
from bench_scale import comment as scale_comment  # the 1M-comment benchmark's own generator
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis.schema import Statement, from_records
from analysis.sentiment import SentimentAnalyzer, add_sentiment

OPENERS = ["Honestly", "Wow", "So", "Well", "OK", "Ugh", "Finally", "Sorry but", "LOL", "Sadly"]
SUBJECTS = ["the police chief", "this decision", "the mayor", "our city", "the council", "DPD"]
VERBS = ["is", "was", "looks", "seems", "feels", "isn't", "was never", "is not", "really is"]
TAILS = [
    "a disgrace",
    "so brave",
    "the right call",
    "absolutely terrible",
    "kind of confusing",
    "very good news",
    "not helpful at all",
    "a bad joke",
    "great leadership",
    "pretty scary for families",
    "exactly what we needed",
    "the least they could do",
    "NOT OK",
    "a total failure",
    "no surprise",
]
ENDINGS = ["", ".", "!", "!!!", "?", "??", " 😡", " 👏👏", " 🙏", " :)", " smh", " #proud"]
FILLER = (
    "the residents said that officers would keep patrolling the neighborhoods while the "
    "department reviewed its policy and the city council scheduled a public hearing for the "
    "families who asked for clarity about what happens next in court and at the schools"
).split()


def comment(rng: random.Random) -> str:
    """One ~100-character comment written from our own phrase lists."""
    parts = []
    while sum(len(p) for p in parts) < 80:
        clause = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(TAILS)}"
        parts.append(clause if parts else f"{rng.choice(OPENERS)}, {clause}")
        if rng.random() < 0.3:
            parts.append("but")
    return " ".join(parts) + rng.choice(ENDINGS)


def short_comments(n: int, seed: int = 7) -> list[str]:
    """``n`` comments; about 15% repeat an earlier one (copy-pasted replies, retweets)."""
    rng = random.Random(seed)
    out: list[str] = []
    for _ in range(n):
        out.append(rng.choice(out) if out and rng.random() < 0.15 else comment(rng))
    return out


def long_statements(n: int, seed: int = 11) -> list[str]:
    """``n`` statements of 500-800 tokens mixing sentiment clauses with plain news prose."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words: list[str] = []
        target = rng.randint(500, 800)
        while len(words) < target:
            words += rng.sample(FILLER, rng.randint(6, 14)) + comment(rng).split()
        out.append(" ".join(words))
    return out


def timed(run: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def timed_cpu(run: Callable[[], object]) -> tuple[float, float, object]:
    """Wall seconds, CPU seconds (this process and reaped workers), result."""
    cpu = cpu_seconds()
    wall, result = timed(run)
    return wall, cpu_seconds() - cpu, result


def bench(name: str, texts: list[str], cores: int) -> None:
    print(
        f"\n{name}: {len(texts):,} texts, {len(set(texts)):,} distinct, "
        f"mean {sum(map(len, texts)) / len(texts):.0f} chars, "
        f"mean {sum(len(t.split()) for t in texts) / len(texts):.0f} tokens"
    )
    series = pd.Series(texts)
    sia = SentimentIntensityAnalyzer()
    # built before timing (reading the lexicon is not scoring) but unused: token caches start cold
    fresh, one = SentimentAnalyzer(), SentimentAnalyzer()
    pooled = SentimentAnalyzer(parallel_min_chars=0)
    runs = [
        ("naive Series.apply", lambda: series.apply(SentimentIntensityAnalyzer().polarity_scores)),
        ("naive list comprehension", lambda: [sia.polarity_scores(t) for t in texts]),
        ("ours, per text (no dedupe)", lambda: [fresh.polarity_scores(t) for t in texts]),
        ("ours, 1 process", lambda: one.score(texts)),
        (f"ours, {cores} processes", lambda: pooled.score(texts, workers=cores)),
    ]
    results = {}
    base_wall = base_cpu = 0.0
    print(f"  {'':<30} {'texts/s':>10}   wall ratio   CPU ratio (CPU s)")
    for label, run in runs:
        wall, cpu, results[label] = timed_cpu(run)
        base_wall, base_cpu = (wall, cpu) if not base_wall else (base_wall, base_cpu)
        print(
            f"  {label:<30} {len(texts) / wall:>10,.0f}   {base_wall / wall:8.2f}x"
            f"   {base_cpu / cpu:8.2f}x ({cpu:.2f})"
        )
    naive, listed = results["naive Series.apply"], results["naive list comprehension"]
    ours, pool = results["ours, 1 process"], results[f"ours, {cores} processes"]
    expected = [(d["compound"], d["pos"], d["neu"], d["neg"]) for d in listed]  # type: ignore[attr-defined]
    assert [tuple(d.values()) for d in naive] == [tuple(d.values()) for d in listed]  # type: ignore[attr-defined]
    for scores in (ours, pool):
        got = list(zip(scores.compound, scores.pos, scores.neu, scores.neg, strict=True))  # type: ignore[attr-defined]
        mismatches = sum(a != b for a, b in zip(got, expected, strict=True))
        assert mismatches == 0, f"{mismatches} scores differ from vaderSentiment"
    print(f"  identity: all {len(texts):,} x 4 scores equal to vaderSentiment's")


def cpu_seconds() -> float:
    """CPU time of this process plus its finished children (the pool's workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def scaling(n: int, cores: int) -> None:
    texts = short_comments(n, seed=3)
    texts = [f"{t} #{k}" for k, t in enumerate(texts)]  # all distinct: no help from dedupe
    print(f"\nscaling: {n:,} distinct short comments (ours only)")
    single, pooled = SentimentAnalyzer(), SentimentAnalyzer(parallel_min_chars=0)
    cpu = cpu_seconds()
    t_one, one = timed(lambda: single.score(texts))
    cpu_one, cpu = cpu_seconds() - cpu, cpu_seconds()
    t_many, many = timed(lambda: pooled.score(texts, workers=cores))
    cpu_many = cpu_seconds() - cpu
    print(f"  ours, 1 process      {n / t_one:>10,.0f} texts/s   CPU {cpu_one:6.2f} s")
    print(
        f"  ours, {cores} processes    {n / t_many:>10,.0f} texts/s   CPU {cpu_many:6.2f} s"
        f"   wall speed-up {t_one / t_many:4.2f}x"
    )
    print(
        f"  pool overhead: {cpu_many / cpu_one - 1:+.0%} CPU; on {cores} free cores the speed-up "
        f"bound is {cores * cpu_one / cpu_many:.2f}x (wall figures depend on other load: "
        f"load average {os.getloadavg()[0]:.1f})"
    )
    assert one.compound.tolist() == many.compound.tolist()  # type: ignore[attr-defined]


def best_of(runs: int, run: Callable[[], object]) -> float:
    """Least CPU time over ``runs``: robust to other jobs on a shared machine."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def linearity() -> None:
    """Cost per token as one statement grows: flat for ours, growing for vaderSentiment."""
    rng = random.Random(5)
    words: list[str] = []
    while len(words) < 128000:
        words += rng.sample(FILLER, 10) + comment(rng).split()
    sia = SentimentIntensityAnalyzer()
    analyzer = SentimentAnalyzer()
    print("\nlinearity: CPU microseconds per token for one statement of n tokens (best of 3)")
    for n in (500, 2000, 8000, 32000, 128000):
        text = " ".join(words[:n])
        analyzer.polarity_scores(text)  # warm the token cache: time the rules, not the lookups
        t_ours = best_of(3, lambda text=text: analyzer.polarity_scores(text))  # type: ignore[misc]
        line = f"  n={n:>6}: ours {t_ours / n * 1e6:6.2f}"
        if n <= 2000:
            t_naive = best_of(3, lambda text=text: sia.polarity_scores(text))  # type: ignore[misc]
            line += f"   vaderSentiment {t_naive / n * 1e6:8.2f}"
        print(line)


def explanation_cost(texts: list[str]) -> None:
    frame = from_records(
        Statement(f"c{k}", "bench", "comment", text=t) for k, t in enumerate(texts)
    )
    analyzer = SentimentAnalyzer()
    t_plain, _ = timed(lambda: add_sentiment(frame, analyzer=SentimentAnalyzer(), explain=False))
    t_expl, _ = timed(lambda: add_sentiment(frame, analyzer=analyzer, explain=True))
    print(
        f"\nadd_sentiment on {len(texts):,} comments: explain=False {t_plain:.2f} s, "
        f"explain=True {t_expl:.2f} s ({t_expl / t_plain:.1f}x; "
        f"{(t_expl - t_plain) / len(set(texts)) * 1e6:.0f} us per distinct text)"
    )


def evidence_before(analyzer: SentimentAnalyzer, text: str) -> str:
    """Reference: the column as it was before issue 7 (every sentence re-scored, std-lib json).

    ``explain`` is the traced pass plus one VADER pass per sentence, as the old column path was;
    it builds dataclasses where that path wrote JSON from the trace. Checked against a copy of
    the old code in one process (2026-11-25): 131 vs 132 CPU us/row, so it stands in for it.
    """
    return json.dumps(analyzer.explain(text).to_dict(), ensure_ascii=False, separators=(",", ":"))


def evidence_cost(n: int, repeats: int = 3) -> None:
    """Per-row CPU cost of the evidence column on bench_scale's comments (1-6 sentences).

    Texts are made distinct so dedupe does not help; each figure is the least CPU time over
    ``repeats`` interleaved runs (robust to other jobs on a shared machine), after one warm-up
    run that fills the token caches (a million-row import is warm after its first rows).
    """
    rng = random.Random(20261125)
    texts = [f"{scale_comment(rng)} #{k}" for k in range(n)]
    sia = SentimentIntensityAnalyzer()
    analyzer = SentimentAnalyzer()
    frame = from_records(
        Statement(f"c{k}", "bench", "comment", text=t) for k, t in enumerate(texts)
    )
    naive_n = min(n, 5_000)  # vaderSentiment is slow; its per-row cost does not depend on n
    runs: list[tuple[str, int, Callable[[], object]]] = [
        (
            "naive vaderSentiment",
            naive_n,
            lambda: [sia.polarity_scores(t) for t in texts[:naive_n]],
        ),
        ("ours, scores only", n, lambda: add_sentiment(frame, analyzer=analyzer, explain=False)),
        ("ours, scores + evidence column", n, lambda: add_sentiment(frame, analyzer=analyzer)),
        (
            "before: explain() + json per row",
            n,
            lambda: [evidence_before(analyzer, t) for t in texts],
        ),
    ]
    add_sentiment(frame, analyzer=analyzer)  # warm-up
    best = {label: float("inf") for label, _, _ in runs}
    for _ in range(repeats):
        for label, rows, run in runs:
            best[label] = min(best[label], best_of(1, run) / rows)
    print(
        f"\nevidence: {n:,} distinct bench_scale comments, mean "
        f"{sum(map(len, texts)) / n:.0f} chars; CPU us/row, least of {repeats} "
        f"(load average {os.getloadavg()[0]:.1f})"
    )
    naive = best["naive vaderSentiment"]
    for label, _, _ in runs:
        print(f"  {label:<34} {best[label] * 1e6:8.1f}   {naive / best[label]:6.2f}x vs naive")
    after, before = best["ours, scores + evidence column"], best["before: explain() + json per row"]
    plain = best["ours, scores only"]
    print(
        f"  evidence column: {before / after:.2f}x cheaper than before; {after / plain:.2f}x scores only"
    )
    out = add_sentiment(frame, analyzer=analyzer)
    assert out["sentiment_compound"].tolist()[:naive_n] == [
        sia.polarity_scores(t)["compound"] for t in texts[:naive_n]
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", type=int, default=20_000)
    parser.add_argument("--long", type=int, default=120)
    parser.add_argument("--scale", type=int, default=200_000)
    parser.add_argument(
        "--evidence", type=int, default=20_000, help="comments for the evidence cost"
    )
    parser.add_argument("--only-evidence", action="store_true", help="run the evidence cost only")
    args = parser.parse_args()
    if args.only_evidence:
        evidence_cost(args.evidence)
        return
    cores = os.cpu_count() or 1
    print(f"{cores} cores; ratios are against the naive Series.apply in this run")
    bench("short comments", short_comments(args.short), cores)
    bench("long statements", long_statements(args.long), cores)
    if args.scale:
        scaling(args.scale, cores)
    linearity()
    explanation_cost(short_comments(args.short))
    evidence_cost(args.evidence)


if __name__ == "__main__":
    main()
