"""The side-taking pieces of a statement: cue phrases, hashtags, valence words, emoji.

Each piece is signed (+ favors whatever it is said about, − opposes it) and checked for a
negation in its clause; :mod:`analysis.stance.score` then decides what each piece is said about.
Work is per hit, not per token: the words come out of one C-level ``findall``, set
intersections pick the lexicon words and cue anchors present, and only those are located —
what keeps stance fast on a million comments. Two more habits keep it so: no pattern starts
with a look-behind (it stops the regex engine from skipping ahead by first letter; the check
is made by hand on each hit), and the negation window is only read when a negator stands
before the word.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from typing import NamedTuple

from analysis.stance import cues as C

VALENCE_SCALE = 0.25  # VADER valences run -4..4; a strong word counts about like a weak cue
POSITIVE_DISCOUNT = 0.8  # language leans positive (Dodds et al. 2015): praise words count less
HASHTAG_WEIGHT = 1.2  # #IStandWithX, #NeverX: as strong as a support/opposition phrase
NEGATION_FACTOR = -0.74  # VADER's N_SCALAR: a negated word flips and weakens
BUT_BEFORE, BUT_AFTER = 0.5, 1.5  # VADER's weights around "but": the turn is what counts
QUESTION_FACTOR = -0.5  # a rhetorical question implies the opposite of its words, weakly
CAPS_BOOST = 0.733  # VADER's C_INCR, relative here: "DISGRACEFUL" among lower-case words
BOOSTER = 0.293  # VADER's B_INCR: "very", "totally", "so" before a word
NEG_LOOKBACK = 80  # characters searched back for a negator (covers the raised window)

TOKEN = re.compile(r"[a-z][a-z'’]*")  # words of the lower-cased text
_CUES = C.SUPPORT_CUES + tuple((a, p, -w) for a, p, w in C.OPPOSE_CUES)
_CUE_RES = tuple(re.compile(rf"(?:{p})(?!\w)") for _, p, _ in _CUES)
_CUE_BLOCKED = re.compile(r"[\w#/]")  # a cue does not start right after one of these
_TRIGGERS: dict[str, tuple[int, ...]] = {}
for _i, _cue in enumerate(_CUES):
    for _word in _cue[0].split():
        _TRIGGERS[_word] = (*_TRIGGERS.get(_word, ()), _i)
_ANCHORS = frozenset(_TRIGGERS)
_LEXICON_WORDS = frozenset(C.vader_lexicon())
_LAST_BREAK = re.compile(r".*[,;:.!?]", re.S)  # a negation does not reach across these
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz'’")  # "" (end of text) is not in it
_EMOTICON_CHARS = frozenset(":;=<")
_EMOTICONS = frozenset(C.emoticon_valence())
_PICTOGRAPH = re.compile(r"[^\x00-\u1fff]")  # emoji and other symbols above U+2000
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")  # #TrumpIsALiar -> Trump Is A Liar
_SENTENCE_END = re.compile(r"[.!?]+|\n")
_RHETORICAL = re.compile(r"\b(?:" + "|".join(C.RHETORICAL_QUESTIONS) + r")\b")
_BUT_WORDS = frozenset({"but", "however", "yet"})
_BUT = re.compile(r"\b(?:but|however|yet)\b")
# No leading look-behind: it would stop the regex engine from skipping ahead by first letter.
_SARCASM_RE = re.compile(r"(?:" + "|".join(C.SARCASM_CUES) + r")(?!\w)")
_SARCASM_HINTS = frozenset("yeah sure oh thanks said what how".split())
_SARCASM_SUBSTRINGS = ("/s", "#sarcasm", "riig")


class Part(NamedTuple):
    """One signed contribution before it is weighed by distance to a mention."""

    kind: str
    start: int
    end: int
    weight: float
    note: str
    negator: tuple[int, int] | None = None  # span of the word that flipped it


def lower(text: str) -> str:
    """Lower-case without moving any character (a few characters grow when lower-cased)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def find_parts(text: str, low: str, words: list[str], covered: list[tuple[int, int]]) -> list[Part]:
    """Cues, side-taking hashtags, valence words and symbols of ``text``, signed.

    ``words`` are the tokens of ``low`` (``TOKEN.findall(low)``): they decide which cues,
    lexicon words and negators are looked for. ``covered`` spans (the mentions) carry no valence
    of their own: "Hope" in a name is no side.
    """
    parts: list[Part] = []
    covered = list(covered)
    negators = negator_ends(low, words)
    anchors = _ANCHORS.intersection(words)
    if anchors:
        fired = set().union(*(_TRIGGERS[w] for w in anchors))
        for start, end, weight in _cue_matches(low, fired):
            parts.append(signed("cue", start, end, weight, low, negators))
            covered.append((start, end))
    if "#" in text:
        for m in _HASHTAG.finditer(low):
            tag = m.group(1)
            sign = (
                1.0
                if C.SUPPORT_HASHTAG.fullmatch(tag)
                else -1.0
                if C.OPPOSE_HASHTAG.fullmatch(tag)
                else 0.0
            )
            if sign:
                parts.append(Part("cue", m.start(), m.end(), sign * HASHTAG_WEIGHT, "hashtag"))
                covered.append(m.span())
            else:
                parts.extend(_hashtag_words(text, m.start(), m.end()))
    shouted = text.isupper()
    for word in sorted(_LEXICON_WORDS.intersection(words)):
        weight = _VALENCE_WEIGHTS[word]
        for start in _positions(low, word):
            if _inside(start, covered):
                continue  # part of a cue or of a mention already
            end = start + len(word)
            boost = _emphasis(text, low, start, end, shouted)
            parts.append(signed("valence", start, end, weight * boost, low, negators))
    if not text.isascii() or not _EMOTICON_CHARS.isdisjoint(text):
        parts.extend(_symbols(text, low, negators))
    # In text order whatever the hash seed: floats summed in another order can differ in the
    # last digit, and the same input must give the same output.
    parts.sort(key=lambda p: (p.start, p.end, p.kind))
    if not _BUT_WORDS.isdisjoint(words):
        parts = _but_shift(low, parts)
    if "?" in text:
        parts = _questions(low, parts)
    return parts


def _valence_weight(value: float) -> float:
    """A lexicon valence as a stance weight: scaled down, praise discounted."""
    return value * VALENCE_SCALE * (POSITIVE_DISCOUNT if value > 0 else 1.0)


_VALENCE_WEIGHTS = {word: _valence_weight(value) for word, value in C.vader_lexicon().items()}


def _inside(at: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``at`` falls in one of ``spans`` (a loop: cheaper than any() on a few spans)."""
    for start, end in spans:
        if start <= at < end:
            return True
    return False


def _questions(low: str, parts: list[Part]) -> list[Part]:
    """A rhetorical question implies the opposite of its words; other questions stay as read.

    "Why would anyone call this a success?" argues it is not one (Ilie 1994: a rhetorical
    question asserts the opposite polarity of its answer). Only question shapes that are
    nearly always rhetorical in argument (``cues.RHETORICAL_QUESTIONS``) flip, weakened as a
    negation is.
    """
    out = []
    for p in parts:
        end = _SENTENCE_END.search(low, p.end)
        if end is not None and end.group().startswith("?"):
            begin = max(0, *(low.rfind(c, 0, p.start) + 1 for c in ".!?\n"))
            if _RHETORICAL.search(low, begin, end.start()):
                note = (
                    f"{p.note}; in a rhetorical question" if p.note else "in a rhetorical question"
                )
                p = Part(p.kind, p.start, p.end, p.weight * QUESTION_FACTOR, note, p.negator)
        out.append(p)
    return out


def _emphasis(text: str, low: str, start: int, end: int, shouted: bool) -> float:
    """VADER's emphasis: a word in capitals amid lower case, or after a booster, counts more.

    ``shouted``: the whole text is in capitals (then no word stands out).
    """
    boost = 1.0
    if end - start > 1 and not shouted and text[start:end].isupper():
        boost += CAPS_BOOST
    before = low[max(0, start - 12) : start].split()
    if before and before[-1] in C.BOOSTERS:
        boost += BOOSTER
    return boost


def _hashtag_words(text: str, start: int, end: int) -> list[Part]:
    """The valence words inside a camel-case hashtag (#DictatorDon, #TrumpIsGreat)."""
    lexicon = C.vader_lexicon()
    hits = [w for w in (w.lower() for w in _CAMEL.findall(text, start + 1, end)) if w in lexicon]
    value = sum(lexicon[w] for w in hits)
    if not value:
        return []
    weight = _valence_weight(value)
    return [Part("valence", start, end, weight, f"hashtag words: {', '.join(hits)}")]


def sarcasm(low: str, words: Iterable[str]) -> re.Match[str] | None:
    """The first sarcasm marker ("yeah right", "/s", ...) standing as whole words, if any."""
    if _SARCASM_HINTS.isdisjoint(words) and not any(h in low for h in _SARCASM_SUBSTRINGS):
        return None
    for m in _SARCASM_RE.finditer(low):
        if m.start() == 0 or not low[m.start() - 1].isalnum():
            return m
    return None


def negator_ends(low: str, words: list[str]) -> list[int]:
    """Where a word that may negate ends, in text order (for :func:`signed`).

    ``words`` are the tokens of ``low`` (``TOKEN.findall``). Every negator token is found: a
    token follows a non-letter (perhaps an apostrophe) and ends before a non-word character; a
    few extra hits only send a word to the full check.
    """
    ends = []
    for word in C.NEGATORS.intersection(words):
        for at in _finds(low, word):
            if (at == 0 or not "a" <= low[at - 1] <= "z") and _ends_word(low, at + len(word)):
                ends.append(at + len(word))
    for suffix in ("n't", "n’t"):  # don't, isn't, ...: the token ends with the suffix
        ends += [at + 3 for at in _finds(low, suffix) if _ends_word(low, at + 3)]
    return sorted(ends)


def _finds(low: str, word: str) -> list[int]:
    """Every position of ``word`` in ``low`` (str.find: no regex scan)."""
    found = []
    at = low.find(word)
    while at >= 0:
        found.append(at)
        at = low.find(word, at + 1)
    return found


def _ends_word(low: str, end: int) -> bool:
    return low[end : end + 1] not in _WORD_CHARS


def signed(
    kind: str, start: int, end: int, weight: float, low: str, negators: list[int] | None = None
) -> Part:
    """Flip a contribution negated in its clause.

    A negator up to three words back (as VADER), or further back when it governs a belief verb
    ("I don't think the council is a disgrace": negation raised from the clause below).
    ``negators`` (from :func:`negator_ends`, optional): when no negator ends within the
    look-back window, no word of the clause can negate and the clause is not read at all.
    """
    begin = max(0, start - NEG_LOOKBACK)
    if negators is not None:
        last = bisect_right(negators, start) - 1
        if last < 0 or negators[last] <= begin:
            return Part(kind, start, end, weight, "")
    clause = _LAST_BREAK.match(low, begin, start)
    words = list(TOKEN.finditer(low, clause.end() if clause else begin, start))
    if clause is None and begin:
        words = words[1:]  # the window may cut a word in half
    last = len(words) - 1
    for back in range(min(last + 1, C.RAISED_NEGATION_WINDOW)):
        word = words[last - back].group()
        if word in C.NEGATORS or word.endswith(("n't", "n’t")):
            near = back < C.NEGATION_WINDOW
            raised = back > 0 and words[last - back + 1].group() in C.BELIEF_VERBS
            if near or raised:
                note = f"negated by '{word}'"
                span = words[last - back].span()
                return Part(kind, start, end, weight * NEGATION_FACTOR, note, span)
            break
    return Part(kind, start, end, weight, "")


def _positions(low: str, word: str) -> list[int]:
    """Where ``word`` stands as a whole token of ``low`` (str.find: no regex scan)."""
    found = []
    at = low.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or low[at - 1] not in _WORD_CHARS) and low[end : end + 1] not in _WORD_CHARS:
            found.append(at)
        at = low.find(word, end)
    return found


def _cue_matches(low: str, fired: set[int]) -> list[tuple[int, int, float]]:
    """Spans of the cues whose anchor word occurs (``fired``); the longest wins an overlap."""
    found = []
    for i in sorted(fired):
        pattern, weight, at = _CUE_RES[i], _CUES[i][2], 0
        while (m := pattern.search(low, at)) is not None:
            start, end = m.span()
            if start and _CUE_BLOCKED.match(low, start - 1):
                at = start + 1  # inside a word, hashtag or path: look on from the next char
                continue
            found.append((start, start - end, end, weight))
            at = end if end > start else start + 1
    found.sort()
    kept: list[tuple[int, int, float]] = []
    for start, _, end, weight in found:
        if not kept or start >= kept[-1][1]:
            kept.append((start, end, weight))
    return kept


def _symbols(text: str, low: str, negators: list[int] | None = None) -> list[Part]:
    """Emoji and emoticons with their VADER valence (emoji read through their description)."""
    parts = []
    emoticons = C.emoticon_valence()
    for symbol in sorted(_EMOTICONS.intersection(text.split())):
        at = text.find(symbol)
        while at >= 0:
            end = at + len(symbol)
            after = text[end : end + 1]
            if (at == 0 or text[at - 1].isspace()) and (not after or after.isspace()):
                value = emoticons[symbol] * VALENCE_SCALE
                parts.append(signed("valence", at, end, value, low, negators))
            at = text.find(symbol, end)
    if not text.isascii():
        emojis = C.emoji_valence()
        for m in _PICTOGRAPH.finditer(text):
            found = emojis.get(m.group())
            if found is not None:
                value, description = found
                note = f"emoji: {description}"
                parts.append(Part("valence", m.start(), m.end(), value * VALENCE_SCALE, note))
    return parts


def _but_shift(low: str, parts: list[Part]) -> list[Part]:
    """Words after the first 'but'/'however' outweigh those before it (as in VADER)."""
    turn = _BUT.search(low)
    if turn is None:
        return parts
    at = turn.start()
    return [
        Part(kind, start, end, weight * (BUT_AFTER if start > at else BUT_BEFORE), note, negator)
        for kind, start, end, weight, note, negator in parts
    ]
