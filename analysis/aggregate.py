"""Summaries of the statement table, the way an analyst reads it: who, how many, which side.

Pure functions, statement table in, small DataFrame out; nothing is mutated and nothing is
random without a seed, so the dashboard, the CLI and the tests see the same numbers. Label and
role columns may be strings or categoricals (the dashboard converts them for speed).

The official–public gap follows the usual two-sample bootstrap (Efron & Tibshirani 1993, ch. 16):
resample each group with replacement, take the difference of means, report percentile bounds.
For a group above ``exact_limit`` rows the bootstrap distribution of its mean is drawn from its
normal limit (same mean, standard error s/√n), which keeps a million-row table interactive.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.schema import ROLES, SENTIMENT_LABELS, STANCE_LABELS

OFFICIAL_ROLES = ("official", "organization")
PUBLIC_ROLES = ("public",)
GAP_METRICS = ("stance_score", "sentiment_compound")
HIST_RANGE = (-1.0, 1.0)  # VADER compound and stance score both live in [-1, 1]

_MEASURES = {"mean_sentiment": "sentiment_compound", "mean_stance": "stance_score"}


def summarize(frame: pd.DataFrame, by: str | Sequence[str]) -> pd.DataFrame:
    """Statements, mean sentiment, mean stance and favor/against/neutral counts per group.

    Rows with a missing group value are left out; groups are sorted by statement count, largest
    first, then by name, so ties are stable.
    """
    keys = [by] if isinstance(by, str) else list(by)
    columns = [*keys, "statements", *_MEASURES, *STANCE_LABELS]
    data = _narrow(frame, keys)
    if data.empty:
        return pd.DataFrame({c: pd.Series(dtype=_summary_dtype(c, keys)) for c in columns})
    grouped = data.groupby(keys, observed=True, sort=False)
    out = grouped.size().rename("statements").to_frame()
    for name, column in _MEASURES.items():
        out[name] = grouped[column].mean().astype("float64")
    counts = _label_counts(data, keys)
    out = out.join(counts).fillna({label: 0 for label in STANCE_LABELS}).reset_index()
    for key in keys:
        out[key] = out[key].astype("object")
    out[list(STANCE_LABELS)] = out[list(STANCE_LABELS)].astype("int64")
    out = out.sort_values(["statements", *keys], ascending=[False, *([True] * len(keys))])
    return out[columns].reset_index(drop=True)


def by_time(frame: pd.DataFrame, *, freq: str = "D") -> pd.DataFrame:
    """The same summary per time bucket of ``posted_at`` (undated statements are left out).

    Every bucket between the first and last statement appears, empty ones with zero counts, so a
    timeline shows quiet periods instead of joining across them.
    """
    dated = _narrow(frame, ["posted_at"])
    columns = ["bucket", "statements", *_MEASURES, *STANCE_LABELS]
    if dated.empty:
        empty = {c: pd.Series(dtype=_summary_dtype(c, [])) for c in columns}
        empty["bucket"] = pd.Series(dtype="datetime64[ns, UTC]")
        return pd.DataFrame(empty)
    bucket = dated["posted_at"].dt.floor(freq).rename("bucket")
    out = summarize(dated.assign(bucket=bucket), "bucket")
    out["bucket"] = pd.to_datetime(out["bucket"], utc=True)
    full = pd.date_range(out["bucket"].min(), out["bucket"].max(), freq=freq, name="bucket")
    out = out.set_index("bucket").reindex(full)
    out[["statements", *STANCE_LABELS]] = out[["statements", *STANCE_LABELS]].fillna(0)
    out = out.astype({c: "int64" for c in ("statements", *STANCE_LABELS)})
    return out.reset_index()[columns]


def stance_share(frame: pd.DataFrame, *, by: str = "speaker_role") -> pd.DataFrame:
    """Long table of favor/against/neutral counts and shares per group (shares sum to 1).

    Statements without a stance label are not counted. Roles come out in ``schema.ROLES`` order.
    """
    labelled = _narrow(frame, [by, "stance_label"])
    counts = _label_counts(labelled, [by])
    counts.index = counts.index.astype("object")
    order = [r for r in ROLES if r in counts.index] if by == "speaker_role" else None
    if order is not None:
        counts = counts.reindex(order + [g for g in counts.index if g not in order])
    long = pd.DataFrame(
        [(group, label, counts.at[group, label]) for group in counts.index for label in counts],
        columns=[by, "stance_label", "statements"],
    )
    totals = long.groupby(by, sort=False)["statements"].transform("sum")
    long["statements"] = long["statements"].astype("int64")
    long["share"] = (long["statements"] / totals).astype("float64")
    return long.reset_index(drop=True)


def official_public_gap(
    frame: pd.DataFrame,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    exact_limit: int = 5000,
    official: Sequence[str] = OFFICIAL_ROLES,
    public: Sequence[str] = PUBLIC_ROLES,
) -> pd.DataFrame:
    """Mean of official+organization statements minus mean of public ones, per metric.

    Returns one row per metric in ``GAP_METRICS`` with both means, the gap, the bootstrap
    interval at ``level`` (NaN when either group has fewer than two scored statements), the
    counts, and ``method`` ("bootstrap" or "bootstrap+normal" when a group was above
    ``exact_limit``). A positive stance gap means officials lean further toward favor.
    """
    rng = np.random.default_rng(seed)
    role = frame["speaker_role"]
    is_official, is_public = role.isin(list(official)), role.isin(list(public))
    rows = []
    for metric in GAP_METRICS:
        values = frame[metric].astype("float64")
        off = np.asarray(values[is_official].dropna(), dtype=np.float64)
        pub = np.asarray(values[is_public].dropna(), dtype=np.float64)
        rows.append(_gap_row(metric, off, pub, rng, n_boot, level, exact_limit))
    return pd.DataFrame(rows, columns=_GAP_COLUMNS)


def gap_by_day(frame: pd.DataFrame, *, seed: int = 0, **options: Any) -> pd.DataFrame:
    """:func:`official_public_gap` per calendar day (UTC) of ``posted_at``; undated rows left out.

    Each day draws from its own seeded generator, so adding a day never changes another day's
    interval.
    """
    dated = frame[frame["posted_at"].notna()]
    parts = []
    for number, (day, rows) in enumerate(dated.groupby(dated["posted_at"].dt.floor("D"))):
        part = official_public_gap(rows, seed=seed * 100_003 + number, **options)
        parts.append(part.assign(day=day))
    if not parts:
        empty = pd.DataFrame(columns=["day", *_GAP_COLUMNS])
        return empty.astype({"day": "datetime64[ns, UTC]"})
    out = pd.concat(parts, ignore_index=True)
    return out[["day", *_GAP_COLUMNS]]


def sentiment_stance_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts of sentiment label × stance label (e.g. negative-but-favor), all labels present."""
    data = _narrow(frame, ["sentiment_label", "stance_label"])
    table = _label_counts(data, ["sentiment_label"])
    table.index = table.index.astype("object")
    rows, cols = ["positive", "neutral", "negative"], ["favor", "neutral", "against"]
    assert set(rows) == set(SENTIMENT_LABELS) and set(cols) == set(STANCE_LABELS)
    table = table.reindex(index=rows, columns=cols, fill_value=0).astype("int64")
    table.index.name, table.columns.name = "sentiment_label", "stance_label"
    return table


def sentiment_histogram(
    frame: pd.DataFrame, *, column: str = "sentiment_compound", bins: int = 40
) -> pd.DataFrame:
    """Pre-binned counts over [-1, 1] so a histogram of any size sends ``bins`` bars, not rows."""
    values = frame[column].astype("float64").dropna().to_numpy()
    counts, edges = np.histogram(np.clip(values, *HIST_RANGE), bins=bins, range=HIST_RANGE)
    return pd.DataFrame({"left": edges[:-1], "right": edges[1:], "statements": counts})


def sample_rows(frame: pd.DataFrame, n: int, *, seed: int = 0) -> pd.DataFrame:
    """At most ``n`` rows, the same ones for the same frame and seed, in their original order."""
    if len(frame) <= n:
        return frame
    picked = np.sort(np.random.default_rng(seed).choice(len(frame), size=n, replace=False))
    return frame.iloc[picked]


def top_evidence(
    frame: pd.DataFrame, *, kind: str = "sentiment", by: str = "speaker_role", n: int = 10
) -> pd.DataFrame:
    """The evidence terms seen most often per group, with their mean value/weight.

    ``kind`` is "sentiment" (VADER words and their lexicon valence) or "stance" (cue phrases and
    target mentions with their weight). Terms are lower-cased; ties break alphabetically.
    """
    if kind not in ("sentiment", "stance"):
        raise ValueError(f"kind must be 'sentiment' or 'stance', not {kind!r}")
    parse = sentiment_terms if kind == "sentiment" else stance_terms
    column = f"{kind}_evidence"
    data = frame[frame[column].notna() & frame[by].notna()]
    pairs = data.groupby([data[by].astype("object"), data[column].astype("object")]).size()
    counts: dict[Any, Counter[str]] = {}
    sums: dict[Any, dict[str, float]] = {}
    for key, times in pairs.items():
        group, raw = cast(tuple[Any, str], key)  # a two-level index yields pairs
        for term, value in parse(str(raw)):
            counts.setdefault(group, Counter())[term] += int(times)
            sums.setdefault(group, {}).setdefault(term, 0.0)
            sums[group][term] += value * int(times)
    rows = [
        (group, term, count, sums[group][term] / count)
        for group, counter in counts.items()
        for term, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    ]
    return pd.DataFrame(rows, columns=[by, "term", "count", "mean_value"])


def sentiment_terms(raw: str | None) -> list[tuple[str, float]]:
    """(word, valence) pairs from a ``sentiment_evidence`` JSON text; [] when there are none.

    Accepts a list of word entries or an object holding one under "words"/"tokens"/"valence";
    an entry is {"word"|"token"|"text": str, "valence"|"value"|"score": number} or [word, value].
    """
    return [(term.lower(), value) for term, value, *_ in _entries(raw, _WORD_KEYS)]


def stance_terms(raw: str | None) -> list[tuple[str, float]]:
    """(phrase, weight) pairs from a ``stance_evidence`` JSON text; [] when there are none.

    Entries that are not words of the statement (a reason, the speaker, a reply link) are left
    out: they explain a score but are not vocabulary.
    """
    entries = _entries(raw, ("evidence", "cues"))
    return [(term.lower(), value) for term, value, _, _, kind in entries if kind not in _NOT_TERMS]


def evidence_spans(raw: str | None) -> list[tuple[str, float, int | None, int | None, str]]:
    """(text, value, start, end, kind) for every evidence entry, spans None when not given."""
    return _entries(raw, (*_WORD_KEYS, "evidence", "cues"))


_NOT_TERMS = frozenset({"reason", "reply", "speaker"})
_WORD_KEYS = ("words", "tokens", "valence", "lexicon")
_GAP_COLUMNS = [
    "metric",
    "official_mean",
    "public_mean",
    "gap",
    "low",
    "high",
    "n_official",
    "n_public",
    "method",
]


def _entries(
    raw: str | None, list_keys: Sequence[str]
) -> list[tuple[str, float, int | None, int | None, str]]:
    if raw is None or raw == "":
        return []
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        return []
    if isinstance(data, dict):
        data = next((data[k] for k in list_keys if isinstance(data.get(k), list)), [])
    if not isinstance(data, list):
        return []
    entries = (_entry(item) for item in data)
    return [e for e in entries if e is not None]


def _entry(item: object) -> tuple[str, float, int | None, int | None, str] | None:
    if isinstance(item, list | tuple) and len(item) >= 2 and isinstance(item[0], str):
        return (item[0], _number(item[1]), None, None, "")
    if not isinstance(item, dict):
        return None
    term = next((item[k] for k in ("word", "token", "text", "phrase") if k in item), None)
    if not isinstance(term, str) or not term.strip():
        return None
    value = next((item[k] for k in ("valence", "value", "score", "weight") if k in item), 0.0)
    start, end = item.get("start"), item.get("end")
    span_ok = isinstance(start, int) and isinstance(end, int) and 0 <= start <= end
    return (
        term,
        _number(value),
        start if span_ok else None,
        end if span_ok else None,
        str(item.get("kind", "")),
    )


def _number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0


def _gap_row(
    metric: str,
    off: npt.NDArray[np.float64],
    pub: npt.NDArray[np.float64],
    rng: np.random.Generator,
    n_boot: int,
    level: float,
    exact_limit: int,
) -> list[Any]:
    off_mean = float(off.mean()) if len(off) else float("nan")
    pub_mean = float(pub.mean()) if len(pub) else float("nan")
    low = high = float("nan")
    method = "bootstrap"
    if len(off) >= 2 and len(pub) >= 2:
        boot_off = _boot_means(off, rng, n_boot, exact_limit)
        boot_pub = _boot_means(pub, rng, n_boot, exact_limit)
        tail = (1.0 - level) / 2 * 100
        low, high = (float(v) for v in np.percentile(boot_off - boot_pub, [tail, 100 - tail]))
        if max(len(off), len(pub)) > exact_limit:
            method = "bootstrap+normal"
    return [metric, off_mean, pub_mean, off_mean - pub_mean, low, high, len(off), len(pub), method]


def _boot_means(
    values: npt.NDArray[np.float64],
    rng: np.random.Generator,
    n_boot: int,
    exact_limit: int,
) -> npt.NDArray[np.float64]:
    """``n_boot`` means of resamples of ``values``, in chunks of about a million draws."""
    n = len(values)
    if n > exact_limit:
        return rng.normal(values.mean(), values.std(ddof=1) / np.sqrt(n), size=n_boot)
    chunk = max(1, 1_000_000 // n)
    means = [
        values[rng.integers(0, n, size=(min(chunk, n_boot - i), n))].mean(axis=1)
        for i in range(0, n_boot, chunk)
    ]
    return np.concatenate(means)


def _narrow(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Only the columns a summary reads, rows with every key present (no copy of the text)."""
    wanted = list(dict.fromkeys([*keys, *_MEASURES.values(), "stance_label"]))
    data = frame[wanted]
    present = np.logical_and.reduce([data[k].notna().to_numpy() for k in keys])
    return data if bool(present.all()) else data[present]


def _label_counts(data: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Rows per group and stance label, one column per label in ``STANCE_LABELS`` order."""
    counts = data.groupby([*keys, "stance_label"], observed=True).size().unstack(fill_value=0)
    counts.columns = counts.columns.astype("object")
    return counts.reindex(columns=list(STANCE_LABELS), fill_value=0)


def _summary_dtype(column: str, keys: Sequence[str]) -> str:
    if column in keys:
        return "object"
    return "float64" if column in _MEASURES else "int64"


__all__ = [
    "GAP_METRICS",
    "OFFICIAL_ROLES",
    "PUBLIC_ROLES",
    "by_time",
    "evidence_spans",
    "gap_by_day",
    "official_public_gap",
    "sample_rows",
    "sentiment_histogram",
    "sentiment_stance_table",
    "sentiment_terms",
    "stance_share",
    "stance_terms",
    "summarize",
    "top_evidence",
]
