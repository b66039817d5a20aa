"""VADER (Hutto & Gilbert 2014) re-implemented for speed, float-identical to vaderSentiment 3.3.2.

``SentimentIntensityAnalyzer.polarity_scores`` rebuilds the lower-cased token list inside every
negation and idiom check, so its cost grows with (tokens x lexicon words). This module runs the
same rules in the same order with the same float operations, but looks each distinct token up
once (a cache of lower case, ALL-CAPS flag, lexicon value, booster value, negation flag) and only
visits the lexicon words; most of those have no modifier within three tokens, and a per-token
``inert`` flag lets them skip the neighbour rules on an inlined path. The release's quirks are
kept on purpose, because scores must be identical: the ``but`` rule re-scales the *first*
sentiment equal to each value (``list.index``), "no" before a lexicon word is worth 0, a
0-valued ALL-CAPS word gets -0.733, "so"/"this" right before a word multiplies it by 1.25
whenever three neighbours are checked, and an emoji's description is glued to the following
character.

The rule constants and word lists are read from vaderSentiment itself so nothing is copied.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Collection, Mapping
from heapq import heappop, heappush
from itertools import compress
from operator import itemgetter
from typing import NamedTuple

from vaderSentiment import vaderSentiment as _vs

B_INCR: float = _vs.B_INCR
C_INCR: float = _vs.C_INCR
N_SCALAR: float = _vs.N_SCALAR
BOOSTERS: dict[str, float] = dict(_vs.BOOSTER_DICT)
NEGATIONS: frozenset[str] = frozenset(_vs.NEGATE)
#: Multi-word keys as token tuples: tokens never hold whitespace, so "a b" matches ("a", "b") only.
SPECIAL_CASES: dict[tuple[str, ...], float] = {
    tuple(k.split(" ")): v for k, v in _vs.SPECIAL_CASES.items() if " " in k
}
BOOSTER_PHRASES: dict[tuple[str, ...], float] = {
    tuple(k.split(" ")): v for k, v in _vs.BOOSTER_DICT.items() if " " in k
}
#: First words and first word pairs of every multi-word key: the idiom check is skipped unless
#: a neighbour starts one ("the", "to" and "kind" are common; "the shit", "kind of" are not).
_PHRASE_STARTS = frozenset(k[0] for k in (*SPECIAL_CASES, *BOOSTER_PHRASES))
_PHRASE_PAIRS = frozenset(k[:2] for k in (*SPECIAL_CASES, *BOOSTER_PHRASES))
_SO_THIS = ("so", "this")
#: Words that change a lexicon word up to three tokens later ("no", "never so", "without doubt",
#: "so"/"this", "least") or are changed by the next one ("kind of"); boosters and negations too.
_ACTIVE = frozenset({"no", "never", "without", "so", "this", "least", "kind"})
_OR_NOR = ("or", "nor")
_PUNCT = string.punctuation
#: The token cache is cleared past this size (~60 MB) so a stream of unique tokens cannot exhaust
#: memory; real comment exports have far fewer distinct raw tokens.
_CACHE_LIMIT = 200_000
#: Above this many valence words the ``but`` rule uses heaps instead of ``list.index`` (linear).
_BUT_INDEX_LIMIT = 64

Scores = tuple[float, float, float, float]  # neg, neu, pos, compound (vaderSentiment's order)
ZERO: Scores = (0.0, 0.0, 0.0, 0.0)


class TokenInfo(NamedTuple):
    """What the rules need to know about one whitespace token, computed once per distinct token."""

    word: str  # the token with leading/trailing punctuation removed (kept when <= 2 chars remain)
    lower: str
    upper: bool  # str.isupper(): ALL CAPS
    lexicon: float | None  # valence, None when not a lexicon word
    booster: float | None  # booster/dampener increment, None when not one
    negation: bool  # a negation word or a word containing "n't"
    scored: bool  # a lexicon word that is not a booster: the only tokens that can carry valence
    inert: bool  # changes no neighbour's valence and no rule looks at it (see _ACTIVE)
    starts: bool  # the first word of a multi-word idiom or booster phrase


class Trace:
    """Steps that changed each token's valence, filled only when an explanation is asked for.

    A plain slotted class: one is built per distinct text when the evidence column is filled.
    ``visited`` lists the lexicon words scored, by position; ``steps`` only the rules that changed
    one (most words keep their lexicon value, and recording nothing for them is what keeps the
    traced pass close to the plain one).
    """

    __slots__ = (
        "tokens",
        "visited",
        "steps",
        "sentiments",
        "but_index",
        "cap_diff",
        "amplifier",
        "exclamations",
        "questions",
        "emoji",
        "raw_sum",
    )

    def __init__(self) -> None:
        self.tokens: list[TokenInfo] = []
        self.visited: list[int] = []  # ascending: words are scored left to right
        self.steps: dict[int, list[tuple[str, str, float]]] = {}
        self.sentiments: dict[int, float] = {}  # final, after the "but" rule
        self.but_index: int | None = None
        self.cap_diff = False
        self.amplifier = 0.0
        self.exclamations = 0
        self.questions = 0
        self.emoji: list[tuple[str, str]] = []
        self.raw_sum = 0.0

    def add(self, index: int, rule: str, detail: str, value: float) -> None:
        """Record that ``rule`` (with ``detail``) left token ``index`` at ``value``."""
        steps = self.steps.get(index)
        if steps is None:
            self.steps[index] = [(rule, detail, value)]
        else:
            steps.append((rule, detail, value))


_LOWER = itemgetter(1)
_UPPER = itemgetter(2)
_SCORED = itemgetter(6)


class _TokenCache(dict[str, TokenInfo]):
    """Raw token -> TokenInfo; ``__missing__`` fills it so lookups run as ``map(cache.__getitem__)``."""

    def __init__(self, lexicon: Mapping[str, float]) -> None:
        super().__init__()
        self.lexicon = lexicon

    def __missing__(self, token: str) -> TokenInfo:
        stripped = token.strip(_PUNCT)
        word = token if len(stripped) <= 2 else stripped
        lower = word.lower()
        lex = self.lexicon.get(lower)
        boost = BOOSTERS.get(lower)
        negation = lower in NEGATIONS or "n't" in lower
        info = TokenInfo(
            word,
            lower,
            word.isupper(),
            lex,
            boost,
            negation,
            lex is not None and boost is None,
            boost is None and not negation and lower not in _ACTIVE,
            lower in _PHRASE_STARTS,
        )
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        self[token] = info
        return info


class FastVader:
    """VADER's ``polarity_scores`` with per-token lookups computed once and no quadratic checks."""

    def __init__(self, lexicon: Mapping[str, float], emojis: Mapping[str, str]) -> None:
        self.lexicon = dict(lexicon)
        self.emojis = {k: v for k, v in emojis.items() if len(k) == 1}
        # vaderSentiment tests each character against the emoji table: only 1-char keys can match.
        self._emoji_re = _ranges_pattern(self.emojis)
        self._cache = _TokenCache(self.lexicon)
        self._info = self._cache.__getitem__

    def demojize(self, text: str, trace: Trace | None = None) -> str:
        """Replace each emoji by its description, with vaderSentiment's spacing."""
        if text.isascii() or self._emoji_re is None:
            return text
        emojis = self.emojis

        def describe(match: re.Match[str]) -> str:
            char = match.group()
            if char not in emojis:
                return char  # inside an emoji code-point range but not in the table
            start = match.start()
            if trace is not None:
                trace.emoji.append((char, emojis[char]))
            # vaderSentiment adds a space unless the previous character is a plain space.
            if start == 0 or match.string[start - 1] == " ":
                return emojis[char]
            return " " + emojis[char]

        return self._emoji_re.sub(describe, text)

    def scores(self, text: str, trace: Trace | None = None) -> Scores:
        """(neg, neu, pos, compound), rounded exactly as vaderSentiment rounds them."""
        text = self.demojize(text, trace)
        infos = list(map(self._info, text.split()))
        n = len(infos)
        if not n:
            return ZERO
        ups = sum(map(_UPPER, infos))  # map/itemgetter/compress: per-token work stays in C
        cap_diff = 0 < n - ups < n
        valences: list[float] = []
        positions: list[int] = []
        word_valence = self._word_valence
        for i in compress(range(n), map(_SCORED, infos)):
            info = infos[i]
            if not (
                info.inert
                and (i < 1 or infos[i - 1].inert)
                and (i < 2 or infos[i - 2].inert)
                and (i < 3 or infos[i - 3].inert)
            ):
                value = word_valence(infos, i, n, cap_diff, trace)
            else:  # the common case, inlined: no modifier within three tokens
                value = info.lexicon  # type: ignore[assignment]  # scored implies a lexicon value
                if trace is not None:
                    trace.visited.append(i)
                if info.upper and cap_diff:
                    value = value + C_INCR if value > 0 else value - C_INCR
                    if trace is not None:
                        trace.add(i, "caps", info.word, value)
                if (
                    i > 2
                    and infos[i - 3].lexicon is None
                    and (
                        info.starts
                        or infos[i - 1].starts
                        or infos[i - 2].starts
                        or infos[i - 3].starts
                    )
                ):
                    value = _idioms(value, infos, i, n, trace)
            if value:
                valences.append(value)
                positions.append(i)
        but = -1
        if "but" in text.lower():  # lower() maps "BUT" etc. into the text's lower case, so no miss
            lowers = list(map(_LOWER, infos))
            but = lowers.index("but") if "but" in lowers else -1
        if but >= 0 and valences:
            _but_shift(valences, positions, but, trace)
        amplifier, exclamations, questions = _punctuation(text)
        if trace is not None:
            trace.tokens = infos
            trace.cap_diff = cap_diff
            trace.but_index = but if but >= 0 else None
            trace.sentiments = dict(zip(positions, valences, strict=True))
            trace.amplifier = amplifier
            trace.exclamations = exclamations
            trace.questions = questions
        return _score_valence(valences, n - len(valences), amplifier, trace)

    def _word_valence(
        self, infos: list[TokenInfo], i: int, n: int, cap_diff: bool, trace: Trace | None
    ) -> float:
        """The valence of lexicon word ``i`` after every rule that looks at its neighbours."""
        info = infos[i]
        low = info.lower
        nxt = infos[i + 1] if i < n - 1 else None
        if low == "kind" and nxt is not None and nxt.lower == "of":
            return 0.0  # "kind of" is a dampener, not the lexicon word "kind"
        base: float = info.lexicon  # type: ignore[assignment]  # scored implies a lexicon value
        valence = base
        if trace is not None:
            trace.visited.append(i)
        if low == "no" and nxt is not None and nxt.lexicon is not None:
            valence = 0.0
            if trace is not None:
                trace.add(i, "no_before_word", nxt.word, valence)
        p1 = infos[i - 1] if i > 0 else None
        p2 = infos[i - 2] if i > 1 else None
        p3 = infos[i - 3] if i > 2 else None
        if (
            (p1 is not None and p1.lower == "no")
            or (p2 is not None and p2.lower == "no")
            or (p3 is not None and p3.lower == "no" and p1.lower in _OR_NOR)  # type: ignore[union-attr]
        ):
            valence = base * N_SCALAR
            if trace is not None:
                trace.add(i, "negation", "no", valence)
        if info.upper and cap_diff:
            if valence > 0:
                valence += C_INCR
            else:
                valence -= C_INCR
            if trace is not None:
                trace.add(i, "caps", info.word, valence)
        if p1 is not None and p1.lexicon is None:
            if p1.booster is not None:
                valence = valence + _scalar(p1, valence, cap_diff)
                if trace is not None:
                    trace.add(i, "booster", p1.word, valence)
            if p1.negation:
                valence = valence * N_SCALAR
                if trace is not None:
                    trace.add(i, "negation", p1.word, valence)
        if p2 is not None and p2.lexicon is None:
            valence = _near(valence, p2, p1, None, 0.95, cap_diff, i, trace)  # type: ignore[arg-type]
        if p3 is not None and p3.lexicon is None:
            valence = _near(valence, p3, p2, p1, 0.9, cap_diff, i, trace)  # type: ignore[arg-type]
            if (
                low in _PHRASE_STARTS
                or p1.lower in _PHRASE_STARTS  # type: ignore[union-attr]
                or p2.lower in _PHRASE_STARTS  # type: ignore[union-attr]
                or p3.lower in _PHRASE_STARTS
            ):
                valence = _idioms(valence, infos, i, n, trace)
        if p1 is not None and p1.lower == "least" and p1.lexicon is None:
            if p2 is None or (p2.lower != "at" and p2.lower != "very"):
                valence = valence * N_SCALAR
                if trace is not None:
                    trace.add(i, "least", "least", valence)
        return valence


def _ranges_pattern(chars: Collection[str], gap: int = 64) -> re.Pattern[str] | None:
    """A character class of a few code-point ranges covering ``chars``.

    A class listing ~1,200 astral characters one by one is scanned linearly per input character
    (20 ms on a 3,000-character text); ~20 merged ranges are cheap, and the caller checks the
    table for the few non-emoji characters the ranges also admit.
    """
    points = sorted(ord(c) for c in chars)
    if not points:
        return None
    ranges = [[points[0], points[0]]]
    for point in points[1:]:
        if point - ranges[-1][1] <= gap:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    body = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[{body}]")


def _scalar(word: TokenInfo, valence: float, cap_diff: bool) -> float:
    """vaderSentiment.scalar_inc_dec for a booster word (the caller checked it is one)."""
    scalar: float = word.booster  # type: ignore[assignment]
    if valence < 0:
        scalar *= -1
    if word.upper and cap_diff:
        if valence > 0:
            scalar += C_INCR
        else:
            scalar -= C_INCR
    return scalar


def _near(
    valence: float,
    far: TokenInfo,
    mid: TokenInfo,
    near: TokenInfo | None,
    damp: float,
    cap_diff: bool,
    i: int,
    trace: Trace | None,
) -> float:
    """Booster and negation from the word 2 (``near`` None) or 3 tokens back, dampened by distance.

    Mirrors ``_negation_check`` for start_i 1 and 2, including its operator precedence: with three
    tokens checked, "so"/"this" right before the word multiplies by 1.25 whatever comes first.
    """
    if far.booster is not None:
        valence = valence + _scalar(far, valence, cap_diff) * damp
        if trace is not None:
            trace.add(i, "booster", far.word, valence)
    if near is None:
        never = far.lower == "never" and mid.lower in _SO_THIS
        without = far.lower == "without" and mid.lower == "doubt"
    else:
        never = (far.lower == "never" and mid.lower in _SO_THIS) or near.lower in _SO_THIS
        without = far.lower == "without" and (mid.lower == "doubt" or near.lower == "doubt")
    if never:
        valence = valence * 1.25
        if trace is not None:
            trace.add(i, "never_so", far.word if far.lower == "never" else "so/this", valence)
    elif without:
        if trace is not None:
            trace.add(i, "without_doubt", "without doubt", valence)
    elif far.negation:
        valence = valence * N_SCALAR
        if trace is not None:
            trace.add(i, "negation", far.word, valence)
    return valence


def _idioms(valence: float, infos: list[TokenInfo], i: int, n: int, trace: Trace | None) -> float:
    """vaderSentiment._special_idioms_check: idioms replace the valence, "kind of" etc. add."""
    l0, l1, l2, l3 = infos[i].lower, infos[i - 1].lower, infos[i - 2].lower, infos[i - 3].lower
    pairs = _PHRASE_PAIRS
    if not (
        (l1, l0) in pairs
        or (l2, l1) in pairs
        or (l3, l2) in pairs
        or (n - 1 > i and (l0, infos[i + 1].lower) in pairs)
    ):
        return valence  # no idiom or booster phrase can start at any position checked below
    for seq in ((l1, l0), (l2, l1, l0), (l2, l1), (l3, l2, l1), (l3, l2)):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            if trace is not None:
                trace.add(i, "idiom", " ".join(seq), valence)
            break
    after: list[tuple[str, ...]] = []
    if n - 1 > i:
        after.append((l0, infos[i + 1].lower))
    if n - 1 > i + 1:
        after.append((l0, infos[i + 1].lower, infos[i + 2].lower))
    for later in after:
        if later in SPECIAL_CASES:
            valence = SPECIAL_CASES[later]
            if trace is not None:
                trace.add(i, "idiom", " ".join(later), valence)
    for seq in ((l3, l2, l1), (l3, l2), (l2, l1)):
        if seq in BOOSTER_PHRASES:
            valence = valence + BOOSTER_PHRASES[seq]
            if trace is not None:
                trace.add(i, "booster", " ".join(seq), valence)
    return valence


def _but_shift(valences: list[float], positions: list[int], but: int, trace: Trace | None) -> None:
    """vaderSentiment._but_check on the non-zero sentiments (zeros never change), in place.

    The release re-scales ``sentiments.index(value)``, the *first* equal value, not the word at
    hand; that is reproduced. Up to ``_BUT_INDEX_LIMIT`` words ``list.index`` is fastest; past it
    a heap of positions per value keeps the cost linear in the number of words.
    """
    if len(valences) > _BUT_INDEX_LIMIT:
        _but_shift_heaps(valences, positions, but, trace)
        return
    for m in range(len(valences)):
        value = valences[m]
        j = valences.index(value)
        if positions[j] < but:
            valences[j] = value * 0.5
        elif positions[j] > but:
            valences[j] = value * 1.5
        else:
            continue
        if trace is not None:
            trace.add(positions[j], "but", "x0.5" if positions[j] < but else "x1.5", valences[j])


def _but_shift_heaps(
    valences: list[float], positions: list[int], but: int, trace: Trace | None
) -> None:
    heaps: dict[float, list[int]] = {}
    for j, value in enumerate(valences):
        heaps.setdefault(value, []).append(j)  # appended in order: already a heap
    for m in range(len(valences)):
        value = valences[m]
        heap = heaps[value]
        j = heap[0]
        if positions[j] < but:
            new = value * 0.5
        elif positions[j] > but:
            new = value * 1.5
        else:
            continue
        heappop(heap)
        if not heap:
            del heaps[value]
        valences[j] = new
        heappush(heaps.setdefault(new, []), j)
        if trace is not None:
            trace.add(positions[j], "but", "x0.5" if positions[j] < but else "x1.5", new)


def _punctuation(text: str) -> tuple[float, int, int]:
    """Emphasis from up to 4 "!" and from 2+ "?" (vaderSentiment._punctuation_emphasis)."""
    exclamations = text.count("!")
    questions = text.count("?")
    amplifier = min(exclamations, 4) * 0.292
    if questions > 1:
        amplifier = amplifier + (questions * 0.18 if questions <= 3 else 0.96)
    return amplifier, exclamations, questions


def _score_valence(
    valences: list[float], zeros: int, amplifier: float, trace: Trace | None
) -> Scores:
    """vaderSentiment.score_valence on the non-zero sentiments plus the count of zero ones."""
    total_sum = float(sum(valences))
    if trace is not None:
        trace.raw_sum = total_sum
    if total_sum > 0:
        total_sum += amplifier
    elif total_sum < 0:
        total_sum -= amplifier
    compound = total_sum / math.sqrt(total_sum * total_sum + 15)
    compound = -1.0 if compound < -1.0 else 1.0 if compound > 1.0 else compound
    pos_sum = 0.0
    neg_sum = 0.0
    for value in valences:  # an int (idiom) plus 1 is exact: float() would change nothing
        if value > 0:
            pos_sum += value + 1
        else:
            neg_sum += value - 1
    neg_abs = -neg_sum  # neg_sum <= 0, so this is fabs(neg_sum) (-0.0 compares and adds as 0.0)
    if pos_sum > neg_abs:
        pos_sum += amplifier
    elif pos_sum < neg_abs:
        neg_sum -= amplifier
        neg_abs = -neg_sum
    total = pos_sum + neg_abs + zeros
    return (
        round(math.fabs(neg_sum / total), 3),
        round(math.fabs(zeros / total), 3),
        round(math.fabs(pos_sum / total), 3),
        round(compound, 4),
    )
