"""VADER sentiment for the statement table: identical scores, explained, fast on large exports.

One adapter around vaderSentiment 3.3.2 (Hutto & Gilbert 2014): it loads the release's lexicon
and emoji table once, applies the project's lexicon override, coerces missing/bytes/non-text input
to a defined neutral result with a reason, and scores through
:class:`~analysis.sentiment.vader_fast.FastVader`, which gives the release's exact floats.

Large inputs: repeated texts are scored once; above ``parallel_min_chars`` characters of distinct
text, ``workers > 1`` spreads chunks over a ``concurrent.futures`` process pool (fork when the
parent has no other threads, else forkserver). A process pool rather than Dask: the work is one
embarrassingly parallel map over a list of distinct texts on one machine; the standard library
does it with no scheduler, and chunks of plain strings are cheap to ship. (``analysis.engine``
uses Dask to spread whole-table partitions over a cluster; each partition still scores here.)
"""

from __future__ import annotations

import hashlib
import json
import math
import multiprocessing
import re
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis.errors import InputError
from analysis.progress import Progress
from analysis.sentiment.explain import Explanation, SentenceScore, evidence_json, from_trace
from analysis.sentiment.vader_fast import ZERO, FastVader, Scores, Trace

VADER_VERSION = "vaderSentiment==3.3.2"
LEXICON_NAME = "vader_lexicon.txt+emoji_utf8_lexicon.txt (vaderSentiment 3.3.2)"
#: ``sentiment_evidence`` layout (see analysis.sentiment.explain); v2: word rows are lists.
EVIDENCE_FORMAT = "sentiment_evidence.v2"
#: Below this many characters of distinct text a pool costs more to start than it saves.
PARALLEL_MIN_CHARS = 4_000_000
#: From this length on the evidence column also holds per-sentence compounds (article statements,
#: long posts). Re-scoring each sentence doubles VADER's work, and a sentence's own compound does
#: not explain the text's score (VADER scores the whole text), so short comments leave it to
#: ``explain()``, which always gives it.
SENTENCES_MIN_CHARS = 1_000
_STAGE = "sentiment"
_PROGRESS_EVERY = 20_000
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


@dataclass(frozen=True)
class SentimentScores:
    """Scores for a sequence of texts, one array element per input row."""

    compound: np.ndarray
    pos: np.ndarray
    neu: np.ndarray
    neg: np.ndarray
    label: np.ndarray  # object array of "positive" / "negative" / "neutral"

    def __len__(self) -> int:
        return len(self.compound)


class SentimentAnalyzer:
    """VADER with a project lexicon override, labels, explanations and batch scoring.

    Args:
        lexicon_override: word -> valence (-4 … +4) added to or replacing VADER's lexicon. Keys are
            matched lower-cased like VADER's own lookups; a key with whitespace could never match
            a token, so it is refused.
        positive: compound at or above which a text is labelled positive (VADER's authors: 0.05).
        negative: compound at or below which a text is labelled negative (-0.05).
        parallel_min_chars: distinct-text size above which ``workers > 1`` uses processes.
        sentences_min_chars: text length from which the evidence column lists per-sentence
            compounds (``explain`` always does).
    """

    def __init__(
        self,
        *,
        lexicon_override: Mapping[str, float] | None = None,
        positive: float = 0.05,
        negative: float = -0.05,
        parallel_min_chars: int = PARALLEL_MIN_CHARS,
        sentences_min_chars: int = SENTENCES_MIN_CHARS,
    ) -> None:
        if not (math.isfinite(positive) and math.isfinite(negative) and negative < positive):
            raise InputError(
                f"sentiment thresholds negative={negative} positive={positive}: both must be "
                "finite numbers with negative < positive (VADER's defaults: -0.05 and 0.05)"
            )
        self.positive = float(positive)
        self.negative = float(negative)
        self.parallel_min_chars = parallel_min_chars
        self.sentences_min_chars = sentences_min_chars
        self.override = _check_override(lexicon_override or {})
        base = SentimentIntensityAnalyzer()
        self._base_size = len(base.lexicon)
        self._fast = FastVader({**base.lexicon, **self.override}, base.emojis)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickle the settings, not the token cache (Dask and process pools ship analysers)."""
        settings = (
            self.override,
            self.positive,
            self.negative,
            self.parallel_min_chars,
            self.sentences_min_chars,
        )
        return (_rebuild, settings)

    def reference(self) -> SentimentIntensityAnalyzer:
        """vaderSentiment's own analyser with the same override: the yardstick for identity."""
        ref = SentimentIntensityAnalyzer()
        ref.lexicon.update(self.override)
        return ref

    def polarity_scores(self, text: object) -> dict[str, float]:
        """Same dict as ``SentimentIntensityAnalyzer.polarity_scores`` (zeros for non-text)."""
        value, _ = coerce_text(text)
        neg, neu, pos, compound = self._fast.scores(value) if value is not None else ZERO
        return {"neg": neg, "neu": neu, "pos": pos, "compound": compound}

    def label(self, compound: float) -> str:
        """positive / negative / neutral by the configured thresholds."""
        if compound >= self.positive:
            return "positive"
        if compound <= self.negative:
            return "negative"
        return "neutral"

    def labels(self, compound: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`label`."""
        out = np.full(len(compound), "neutral", dtype=object)
        out[compound >= self.positive] = "positive"
        out[compound <= self.negative] = "negative"
        return out

    def explain(self, text: object) -> Explanation:
        """Scores plus the words, rules and emphasis behind them; per-sentence scores if > 1."""
        value, reason = coerce_text(text)
        if value is None:
            return Explanation(0.0, 0.0, 0.0, 0.0, "neutral", reason=reason)
        if not value.strip():
            reason = reason or "empty text"
        trace = Trace()
        scores = self._fast.scores(value, trace)
        return from_trace(
            trace,
            scores,
            self.label(scores[3]),
            override=self.override,
            sentences=self._sentences(value),
            reason=reason,
        )

    def evidence(self, text: str, reason: str | None = None) -> tuple[Scores, str]:
        """Scores and ``explain(text).to_json()`` from one traced pass, without the objects.

        Texts shorter than ``sentences_min_chars`` leave out the per-sentence compounds.
        """
        trace = Trace()
        scores = self._fast.scores(text, trace)
        if reason is None and (not text or text.isspace()):
            reason = "empty text"
        sentences = self._sentences(text) if len(text) >= self.sentences_min_chars else ()
        return scores, evidence_json(
            trace, override=self.override, sentences=sentences, reason=reason
        )

    def _sentences(self, text: str) -> tuple[SentenceScore, ...]:
        breaks = list(_SENTENCE_END.finditer(text))
        if not breaks:
            return ()
        spans = [0] + [m.end() for m in breaks]
        ends = [m.start() for m in breaks] + [len(text.rstrip())]
        return tuple(
            SentenceScore(s, e, self._fast.scores(text[s:e])[3])
            for s, e in zip(spans, ends, strict=True)
        )

    def score(
        self,
        texts: Sequence[object],
        *,
        workers: int = 1,
        progress: Progress | None = None,
    ) -> SentimentScores:
        """Score every row; repeated texts are computed once."""
        table, _ = self._score_table(texts, workers=workers, progress=progress, explain=False)
        return table

    def _score_table(
        self,
        texts: Sequence[object],
        *,
        workers: int,
        progress: Progress | None,
        explain: bool,
    ) -> tuple[SentimentScores, list[str] | None]:
        if workers < 1:
            raise InputError(f"workers={workers}: use 1 (this process) or more processes")
        codes, uniques, reasons = _dedupe(texts)
        skipped = sum(1 for c in codes if reasons[c] is not None and uniques[c] is None)

        def report(done: int) -> None:
            # counts are rows: distinct texts done, scaled to the rows they stand for
            if progress is not None and uniques:
                progress(_STAGE, len(codes) * done // len(uniques), len(codes), skipped)

        values, evidence = self._score_unique(uniques, reasons, workers, explain, report)
        rows = values[np.asarray(codes, dtype=np.intp)] if codes else np.zeros((0, 4))
        compound = rows[:, 3].copy()
        scores = SentimentScores(
            compound=compound,
            pos=rows[:, 2].copy(),
            neu=rows[:, 1].copy(),
            neg=rows[:, 0].copy(),
            label=self.labels(compound),
        )
        if progress is not None and not uniques:
            progress(_STAGE, 0, 0, 0)
        return scores, None if evidence is None else [evidence[c] for c in codes]

    def _score_unique(
        self,
        uniques: list[str | None],
        reasons: list[str | None],
        workers: int,
        explain: bool,
        report: Callable[[int], None],
    ) -> tuple[np.ndarray, list[str] | None]:
        """Score distinct texts in chunks, in this process or in a pool; report after each."""
        size = sum(len(t) for t in uniques if t is not None)
        pooled = workers > 1 and size >= self.parallel_min_chars and len(uniques) >= 2 * workers
        step = max(1, -(-len(uniques) // (workers * 4))) if pooled else _PROGRESS_EVERY
        chunks = [
            (uniques[s : s + step], reasons[s : s + step]) for s in range(0, len(uniques), step)
        ]
        parts: list[tuple[np.ndarray, list[str] | None]] = []
        done = 0
        if pooled:
            # forked workers inherit this analyser (warm token cache); others unpickle settings
            init = (self,)
            with ProcessPoolExecutor(
                workers, _pool_context(), initializer=_init_worker, initargs=init
            ) as pool:
                futures = [pool.submit(_work, u, r, explain) for u, r in chunks]
                for future, (u, _) in zip(futures, chunks, strict=True):
                    parts.append(future.result())
                    done += len(u)
                    report(done)
        else:
            for u, r in chunks:
                parts.append(_score_chunk(self, u, r, explain))
                done += len(u)
                report(done)
        values = np.concatenate([p[0] for p in parts]) if parts else np.zeros((0, 4))
        evidence = [e for p in parts for e in (p[1] or [])] if explain else None
        return values, evidence

    def manifest(self) -> dict[str, object]:
        """What produced the sentiment columns: release, lexicon, override and thresholds."""
        override = dict(sorted(self.override.items()))
        blob = json.dumps(override, sort_keys=True, ensure_ascii=False).encode()
        return {
            "model": VADER_VERSION,
            "implementation": "analysis.sentiment.vader_fast (scores identical to the release)",
            "lexicon": LEXICON_NAME,
            "lexicon_size": self._base_size,
            "thresholds": {"positive": self.positive, "negative": self.negative},
            "evidence": {
                "format": EVIDENCE_FORMAT,
                "sentences_min_chars": self.sentences_min_chars,
            },
            "lexicon_override": {
                "size": len(override),
                "sha256": hashlib.sha256(blob).hexdigest(),
                "entries": override if len(override) <= 100 else None,
            },
        }


def coerce_text(text: object) -> tuple[str | None, str | None]:
    """(text to score or None, reason): missing and non-text values are neutral, bytes decoded."""
    if isinstance(text, str):
        return str(text), None
    if text is None:
        return None, "missing text (None)"
    if text is pd.NA:
        return None, "missing text (NA)"
    if isinstance(text, float) and math.isnan(text):
        return None, "missing text (NaN)"
    if isinstance(text, bytes | bytearray | memoryview):
        raw = bytes(text)
        decoded = raw.decode("utf-8", errors="replace")
        bad = decoded.count("\ufffd") - raw.count("\ufffd".encode())
        note = f", {bad} invalid sequence(s) replaced" if bad else ""
        return decoded, f"bytes decoded as UTF-8{note}"
    return None, f"not text ({type(text).__name__}): scored neutral"


def add_sentiment(
    frame: pd.DataFrame,
    *,
    analyzer: SentimentAnalyzer | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    explain: bool = True,
) -> pd.DataFrame:
    """Return a copy of the statement table with the ``sentiment_*`` columns filled.

    ``sentiment_evidence`` holds :meth:`Explanation.to_json`, built in the same pass as the
    scores (per-sentence compounds only for texts of ``sentences_min_chars`` or more; the
    analyser's ``explain`` gives them for any text); ``explain=False`` leaves it NA.
    """
    analyzer = analyzer or SentimentAnalyzer()
    texts = frame["text"].tolist() if "text" in frame.columns else [None] * len(frame)
    scores, evidence = analyzer._score_table(
        texts, workers=workers, progress=progress, explain=explain
    )
    index = frame.index
    return frame.assign(
        sentiment_compound=pd.Series(scores.compound, index=index, dtype="Float64"),
        sentiment_pos=pd.Series(scores.pos, index=index, dtype="Float64"),
        sentiment_neu=pd.Series(scores.neu, index=index, dtype="Float64"),
        sentiment_neg=pd.Series(scores.neg, index=index, dtype="Float64"),
        sentiment_label=pd.Series(scores.label, index=index, dtype="string"),
        sentiment_evidence=pd.Series(
            evidence if evidence is not None else [None] * len(frame), index=index, dtype="string"
        ),
    )


def _check_override(override: Mapping[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in override.items():
        word = str(key).strip().lower()
        if not word or any(c.isspace() for c in word):
            raise InputError(
                f"lexicon override key {key!r}: must be one word without spaces "
                "(VADER looks up single whitespace-separated tokens)"
            )
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if not (math.isfinite(number) and -4.0 <= number <= 4.0):
            raise InputError(
                f"lexicon override {key!r}: {value!r} is not a valence; use a number from "
                "-4 (most negative) to +4 (most positive), as in VADER's lexicon"
            )
        if word in out and out[word] != number:
            raise InputError(f"lexicon override lists {word!r} twice with different values")
        out[word] = number
    return out


def _dedupe(texts: Sequence[object]) -> tuple[list[int], list[str | None], list[str | None]]:
    """Row codes into the distinct (text, reason) pairs."""
    index: dict[object, int] = {}
    uniques: list[str | None] = []
    reasons: list[str | None] = []
    codes: list[int] = []
    for obj in texts:
        key: object
        value: str | None
        reason: str | None
        if type(obj) is str:
            key = obj
            value, reason = obj, None
        else:
            value, reason = coerce_text(obj)
            key = (value, reason)
        code = index.get(key)
        if code is None:
            code = index[key] = len(uniques)
            uniques.append(value)
            reasons.append(reason)
        codes.append(code)
    return codes, uniques, reasons


def _score_chunk(
    analyzer: SentimentAnalyzer,
    uniques: list[str | None],
    reasons: list[str | None],
    explain: bool,
) -> tuple[np.ndarray, list[str] | None]:
    """(n, 4) array of neg, neu, pos, compound, and evidence JSON when asked."""
    scores = analyzer._fast.scores
    if not explain:
        flat = [scores(t) if t is not None else ZERO for t in uniques]
        return np.array(flat, dtype=np.float64).reshape(len(uniques), 4), None
    rows: list[Scores] = []
    evidence: list[str] = []
    for text, reason in zip(uniques, reasons, strict=True):
        if text is None:
            rows.append(ZERO)
            evidence.append(Explanation(0.0, 0.0, 0.0, 0.0, "neutral", reason=reason).to_json())
            continue
        row, json_text = analyzer.evidence(text, reason)
        rows.append(row)
        evidence.append(json_text)
    return np.array(rows, dtype=np.float64).reshape(len(uniques), 4), evidence


def _rebuild(
    override: dict[str, float],
    positive: float,
    negative: float,
    parallel_min_chars: int,
    sentences_min_chars: int,
) -> SentimentAnalyzer:
    return SentimentAnalyzer(
        lexicon_override=override,
        positive=positive,
        negative=negative,
        parallel_min_chars=parallel_min_chars,
        sentences_min_chars=sentences_min_chars,
    )


_WORKER: SentimentAnalyzer | None = None


def _init_worker(analyzer: SentimentAnalyzer) -> None:
    global _WORKER
    _WORKER = analyzer


def _work(
    uniques: list[str | None], reasons: list[str | None], explain: bool
) -> tuple[np.ndarray, list[str] | None]:
    assert _WORKER is not None, "worker used before _init_worker"
    return _score_chunk(_WORKER, uniques, reasons, explain)


def _pool_context() -> Any:
    """fork when safe (Linux, no other threads): instant start; else forkserver, else spawn.

    Forking a threaded parent (a Streamlit server, a Dask client) can deadlock, so then a clean
    forkserver process, preloaded with this package, forks the workers instead.
    """
    methods = multiprocessing.get_all_start_methods()
    if sys.platform == "linux" and "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["analysis.sentiment"])
        return context
    return multiprocessing.get_context("spawn")
