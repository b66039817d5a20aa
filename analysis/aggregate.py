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
from pandas.tseries.frequencies import to_offset

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
    out = _tally(frame, keys)
    out = out[out["statements"] > 0]
    out = out.sort_values(["statements", *keys], ascending=[False, *([True] * len(keys))])
    return out.reset_index(drop=True)


def by_time(
    frame: pd.DataFrame, *, freq: str = "D", where: npt.NDArray[np.bool_] | None = None
) -> pd.DataFrame:
    """The same summary per time bucket of ``posted_at`` (undated statements are left out).

    ``freq`` is a fixed length ("h", "D", "7D"); buckets start at multiples of it since the
    Unix epoch (UTC), as ``Series.dt.floor`` does. Every bucket between the first and last
    statement appears, empty ones with zero counts, so a timeline shows quiet periods instead of
    joining across them. ``where`` (a boolean per row) limits the rows counted without copying
    the frame.
    """
    step = _fixed_step(freq)
    times = frame["posted_at"]
    dated = times.notna().to_numpy()
    if where is not None:
        dated = dated & where
    nanos = times.to_numpy(dtype="datetime64[ns]").view("int64")
    first = int(nanos[dated].min()) // step if dated.any() else 0
    bucket = np.where(dated, nanos // step - first, -1)
    span = int(bucket.max()) + 1 if dated.any() else 0
    out = _tally(frame, ["bucket"], groups=(bucket, span))
    out["bucket"] = pd.to_datetime((np.arange(span) + first) * step, utc=True)
    return out.reset_index(drop=True)


def stance_share(frame: pd.DataFrame, *, by: str = "speaker_role") -> pd.DataFrame:
    """Long table of favor/against/neutral counts and shares per group (shares sum to 1).

    Statements without a stance label are not counted. Roles come out in ``schema.ROLES`` order.
    """
    counts = _tally(frame, [by], measures=False).set_index(by)[list(STANCE_LABELS)]
    counts = counts[counts.sum(axis=1) > 0]
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
    table = _tally(frame, ["sentiment_label"], measures=False).set_index("sentiment_label")
    table = table[list(STANCE_LABELS)]
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


def dominant(
    frame: pd.DataFrame, *, by: str = "speaker", column: str = "speaker_role"
) -> pd.Series:
    """The most frequent ``column`` value per ``by`` group (ties: the first value seen)."""
    ids, n, keys = _groups(frame, [by])
    codes, values = _codes(frame[column])
    ok = (ids >= 0) & (codes >= 0)
    if not ok.any():
        return pd.Series(dtype="object")
    width = len(values)
    counts = np.bincount(ids[ok] * width + codes[ok], minlength=n * width).reshape(n, width)
    seen = counts.sum(axis=1) > 0
    best = np.asarray(values, dtype=object)[counts.argmax(axis=1)]
    return pd.Series(best[seen], index=pd.Index(keys[by].to_numpy()[seen], dtype="object"))


def _tally(
    frame: pd.DataFrame,
    keys: Sequence[str],
    *,
    groups: tuple[npt.NDArray[np.int64], int] | None = None,
    measures: bool = True,
) -> pd.DataFrame:
    """Per group: statements, mean sentiment and stance, counts per stance label.

    Counting with ``np.bincount`` over integer group codes is ~10× faster than a multi-key
    ``groupby`` on a million rows, which keeps the dashboard interactive. Groups with no rows
    are kept (callers drop them); ``groups`` gives ready-made codes and their number.
    """
    if groups is None:
        ids, n, out = _groups(frame, keys)
    else:
        ids, n = groups
        out = pd.DataFrame({keys[0]: np.arange(n)})
    # Shift codes by one so rows without a group land in bin 0, dropped at the end: no
    # boolean indexing of million-row arrays, only bincount passes.
    bins = ids + 1
    out["statements"] = np.bincount(bins, minlength=n + 1)[1:].astype("int64")
    for name, column in _MEASURES.items() if measures else ():
        values = frame[column].to_numpy(dtype="float64", na_value=np.nan)
        scored = ~np.isnan(values)
        sums = np.bincount(bins, weights=np.where(scored, values, 0.0), minlength=n + 1)[1:]
        counts = np.bincount(bins, weights=scored, minlength=n + 1)[1:]
        with np.errstate(invalid="ignore", divide="ignore"):
            out[name] = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    width = len(STANCE_LABELS) + 1  # column 0: no label
    labels = _label_positions(frame["stance_label"]) + 1
    table = np.bincount(bins * width + labels, minlength=(n + 1) * width).reshape(n + 1, width)
    for j, label in enumerate(STANCE_LABELS, start=1):
        out[label] = table[1:, j].astype("int64")
    return out[[*keys, "statements", *(_MEASURES if measures else ()), *STANCE_LABELS]]


def _groups(
    frame: pd.DataFrame, keys: Sequence[str]
) -> tuple[npt.NDArray[np.int64], int, pd.DataFrame]:
    """Group code per row (-1 when a key is missing), number of groups, and each group's keys."""
    if len(keys) == 1:  # the usual case: a column's codes are already the group codes
        codes, values = _codes(frame[keys[0]])
        return codes, len(values), pd.DataFrame({keys[0]: np.asarray(values, dtype=object)})
    combined = np.zeros(len(frame), dtype=np.int64)
    missing = np.zeros(len(frame), dtype=bool)
    parts = []
    for key in keys:
        codes, values = _codes(frame[key])
        parts.append((codes, values))
        missing |= codes < 0
        combined = combined * max(len(values), 1) + np.maximum(codes, 0)
    space = int(np.prod([max(len(values), 1) for _, values in parts]))
    if space <= max(len(frame), 1 << 16):
        # Small code space (the usual case): the codes are the groups, empty ones included.
        unique = np.arange(space, dtype=np.int64)
        ids = np.where(missing, -1, combined)
    else:
        unique, inverse = np.unique(combined[~missing], return_inverse=True)
        ids = np.full(len(frame), -1, dtype=np.int64)
        ids[~missing] = inverse
    columns: dict[str, Any] = {}
    rest = unique
    for key, (_, values) in reversed(list(zip(keys, parts, strict=True))):
        rest, code = np.divmod(rest, max(len(values), 1))
        columns[key] = np.asarray(values, dtype=object)[code] if len(values) else code
    return ids, len(unique), pd.DataFrame({k: columns[k] for k in keys})


def _codes(column: pd.Series) -> tuple[npt.NDArray[np.int64], pd.Index]:
    """Integer codes (-1 for missing) and the values they stand for."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy().astype(np.int64), pd.Index(column.cat.categories)
    codes, values = pd.factorize(column, sort=True)
    return np.asarray(codes, dtype=np.int64), pd.Index(values)


def _fixed_step(freq: str) -> int:
    try:
        return int(to_offset(freq).nanos)
    except ValueError as exc:
        raise ValueError(
            f"freq must be a fixed length such as 'h', 'D' or '7D', not {freq!r}"
        ) from exc


def _label_positions(column: pd.Series) -> npt.NDArray[np.int64]:
    """Position of each row's label in ``STANCE_LABELS`` (-1 for missing or unknown)."""
    codes, values = _codes(column)
    lookup = np.array([STANCE_LABELS.index(v) if v in STANCE_LABELS else -1 for v in values] + [-1])
    return lookup[codes].astype(np.int64)  # code -1 picks the trailing -1


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
