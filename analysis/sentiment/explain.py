"""Why a text got its VADER score: the words, the rules that changed them, and the text-level boosts.

Built from the :class:`~analysis.sentiment.vader_fast.Trace` of the very pass that computed the
score, so the explanation cannot disagree with the number. ``to_json`` is what goes into the
``sentiment_evidence`` column (format ``sentiment_evidence.v2``): compact, keys omitted when
empty, one row per lexicon word scored::

    {"words": [["fear", -2.2, 4, -2.2],                # [word, valence, at, lexicon]
               ["support", -1.258, 6, 1.7, ["negated by 'never' x-0.74"]],
               ["raid", -2.1, 9, -2.1, [], true]],     # + [rules] if any, + true: override
     "reason": "missing text (None)",                  # input not scored as given
     "but_at": 3,                                      # token index of the first "but"
     "caps_emphasis": true,                            # ALL-CAPS words got +/-0.733
     "punctuation": {"!": 2, "?": 0, "amplifier": 0.584},
     "emoji": [["\U0001f601", "beaming face with smiling eyes"]],
     "sentences": [{"start": 0, "end": 31, "compound": 0.44}]}   # see below

A word row is a list, not an object: a million rows would otherwise repeat four keys per
word (twice the bytes, and 2x slower to write). ``valence`` (the word's contribution to the
sum, after every rule) comes second so readers of ``[term, value]`` pairs
(:func:`analysis.aggregate.sentiment_terms`) need nothing else; ``at`` counts whitespace tokens;
``valence`` is rounded to 4 places when rules changed it. v1 (before issue 7) held objects
``{"word", "at", "lexicon", "valence", "rules"?, "override"?}``.
"sentences" (character spans into the text and each sentence's own compound, > 1 sentence) is
always in :meth:`SentimentAnalyzer.explain`, but in the column only for texts of at least
``sentences_min_chars`` characters: it costs a second VADER pass per sentence and does not
explain the text's score, which VADER computes over the whole text.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson

from analysis.sentiment.vader_fast import Scores, Trace

#: Compact JSON, non-ASCII kept, keys in insertion order: the column's format, faster than json.
_dumps = orjson.dumps
#: How each traced rule reads; ``{d}`` is the rule's detail (a word), ``{x}`` the change it made.
_RULES = {
    "no_before_word": "'no' before lexicon word '{d}': 0",
    "negation": "negated by '{d}' x-0.74",
    "caps": "ALL CAPS {x}",
    "booster": "modifier '{d}' {x}",
    "never_so": "'{d}' before it x1.25",
    "without_doubt": "'without doubt': no negation",
    "idiom": "idiom '{d}' = {v}",
    "least": "'least' x-0.74",
    "but": "'but' shift {d}",
}


class WordEvidence(NamedTuple):
    """One lexicon word: its lexicon value, what changed it, and what it finally contributed.

    A NamedTuple: immutable and cheap to build for every valence word.
    """

    word: str
    at: int  # token position (whitespace tokens)
    lexicon: float
    valence: float  # contribution to the sum, after every rule including "but"
    rules: tuple[str, ...] = ()
    override: bool = False  # the value came from the project's lexicon override

    def to_row(self) -> list[Any]:
        """The column's ``[word, valence, at, lexicon, rules?, override?]``."""
        valence = _r(self.valence) if self.rules else self.valence
        row: list[Any] = [self.word, valence, self.at, self.lexicon]
        if self.rules or self.override:
            row.append(list(self.rules))
        if self.override:
            row.append(True)
        return row

    def to_dict(self) -> dict[str, Any]:
        """The same with names, for people and for code that prefers keys."""
        out: dict[str, Any] = {
            "word": self.word,
            "at": self.at,
            "lexicon": self.lexicon,
            "valence": _r(self.valence) if self.rules else self.valence,
        }
        if self.rules:
            out["rules"] = list(self.rules)
        if self.override:
            out["override"] = True
        return out


class SentenceScore(NamedTuple):
    """A sentence's character span in the input and its own compound score."""

    start: int
    end: int
    compound: float

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "compound": self.compound}


@dataclass(frozen=True)
class Explanation:
    """Everything VADER used for one text, in reading order."""

    compound: float
    pos: float
    neu: float
    neg: float
    label: str
    words: tuple[WordEvidence, ...] = ()
    but_index: int | None = None
    caps_emphasis: bool = False  # some (not all) words are ALL CAPS, so CAPS words count extra
    exclamations: int = 0
    questions: int = 0
    punctuation: float = 0.0  # the "!"/"?" amplifier added to the sum's magnitude
    emoji: tuple[tuple[str, str], ...] = ()
    sentences: tuple[SentenceScore, ...] = ()
    reason: str | None = None  # why the input was not scored as given (missing, bytes, not text)

    def to_dict(self) -> dict[str, Any]:
        """Compact mapping: empty parts are left out."""
        out: dict[str, Any] = {"words": [w.to_row() for w in self.words]}
        if self.reason:
            out["reason"] = self.reason
        if self.but_index is not None:
            out["but_at"] = self.but_index
        if self.caps_emphasis and any(
            r.startswith("ALL CAPS") for w in self.words for r in w.rules
        ):
            out["caps_emphasis"] = True
        if self.punctuation:
            out["punctuation"] = {
                "!": self.exclamations,
                "?": self.questions,
                "amplifier": _r(self.punctuation),
            }
        if self.emoji:
            out["emoji"] = [list(e) for e in self.emoji]
        if self.sentences:
            out["sentences"] = [s.to_dict() for s in self.sentences]
        return out

    def to_json(self) -> str:
        """JSON text for the ``sentiment_evidence`` column."""
        return _dumps(self.to_dict()).decode()

    def summary(self) -> str:
        """One line a reader can follow, e.g. ``negative -0.6: no -1.2; fear -2.2``."""
        parts = [f"{w.word} {w.valence:+.2f}" + _why(w) for w in self.words if w.valence]
        head = f"{self.label} {self.compound:+.4f}"
        if self.reason:
            head += f" ({self.reason})"
        tail = f"; punctuation +{self.punctuation:.3f}" if self.punctuation else ""
        return head + (": " + "; ".join(parts) if parts else ": no valence words") + tail


def from_trace(
    trace: Trace,
    scores: Scores,
    label: str,
    *,
    override: Collection[str] = (),
    sentences: tuple[SentenceScore, ...] = (),
    reason: str | None = None,
) -> Explanation:
    """Turn the steps recorded while scoring into an :class:`Explanation`."""
    neg, neu, pos, compound = scores
    words = []
    for index in trace.visited:
        info = trace.tokens[index]
        lexicon: float = info.lexicon  # type: ignore[assignment]  # visited words have one
        words.append(
            WordEvidence(
                word=info.word,
                at=index,
                lexicon=lexicon,
                valence=trace.sentiments.get(index, 0.0),
                rules=_rules(lexicon, trace.steps.get(index, ())),
                override=info.lower in override,
            )
        )
    return Explanation(
        compound=compound,
        pos=pos,
        neu=neu,
        neg=neg,
        label=label,
        words=tuple(words),
        but_index=trace.but_index,
        caps_emphasis=trace.cap_diff,
        exclamations=trace.exclamations,
        questions=trace.questions,
        punctuation=trace.amplifier,
        emoji=tuple(trace.emoji),
        sentences=sentences,
        reason=reason,
    )


def evidence_json(
    trace: Trace,
    *,
    override: Collection[str] = (),
    sentences: tuple[SentenceScore, ...] = (),
    reason: str | None = None,
) -> str:
    """``from_trace(...).to_json()`` without the intermediate objects: the column's fast path.

    Filling ``sentiment_evidence`` for a million rows makes every step count: plain dicts in the
    order the words were scored (the trace records them by ascending position) and orjson;
    tests check that both paths give the same JSON.
    """
    tokens = trace.tokens
    sentiments = trace.sentiments
    changed = trace.steps
    words = []
    caps = False
    for index in trace.visited:
        info = tokens[index]
        steps = changed.get(index)
        row: list[Any]
        if steps is None:  # the lexicon value, unchanged
            row = [info.word, sentiments.get(index, 0.0), index, info.lexicon]
        else:
            caps = caps or any(step[0] == "caps" for step in steps)
            rules = _rules(info.lexicon, steps)  # type: ignore[arg-type]  # visited: a lexicon word
            row = [info.word, _r(sentiments.get(index, 0.0)), index, info.lexicon, rules]
        if override and info.lower in override:
            if steps is None:
                row.append(())
            row.append(True)
        words.append(row)
    out: dict[str, Any] = {"words": words}
    if reason:
        out["reason"] = reason
    if trace.but_index is not None:
        out["but_at"] = trace.but_index
    if trace.cap_diff and caps:
        out["caps_emphasis"] = True
    if trace.amplifier:
        out["punctuation"] = {
            "!": trace.exclamations,
            "?": trace.questions,
            "amplifier": _r(trace.amplifier),
        }
    if trace.emoji:
        out["emoji"] = trace.emoji
    if sentences:
        out["sentences"] = [s.to_dict() for s in sentences]
    return _dumps(out).decode()


def _rules(lexicon: float, steps: Sequence[tuple[str, str, float]]) -> tuple[str, ...]:
    """Readable rule lines; additive rules show the change, multiplicative ones the factor."""
    out = []
    previous = lexicon
    for rule, detail, value in steps:
        if rule == "booster" or rule == "caps":
            out.append(_RULES[rule].format(d=detail, x=f"{value - previous:+.3f}"))
        elif rule == "idiom":
            out.append(_RULES[rule].format(d=detail, v=_r(value)))
        else:  # the line depends on the rule and its word only: format each pair once
            text = _FIXED.get((rule, detail))
            if text is None:
                if len(_FIXED) > 10_000:
                    _FIXED.clear()
                text = _FIXED[rule, detail] = _RULES[rule].format(d=detail)
            out.append(text)
        previous = value
    return tuple(out)


_FIXED: dict[tuple[str, str], str] = {}


def _why(word: WordEvidence) -> str:
    return f" ({', '.join(word.rules)})" if word.rules else ""


def _r(value: float) -> float:
    return round(float(value), 4)
