"""Stance of one statement toward a target, with the words that decided it.

The reading follows what an analyst does (cf. Mohammad et al. 2016, SemEval stance: stance is
not sentiment). First: does the statement talk about the target (a mention of an alias or a
content word of the target's description)? If not, it is neutral. Then: the side taken near
those mentions — support/opposition cue phrases (``stance_cues.en.v1``) and the valence of
nearby words (VADER's lexicon), each flipped by a negation just before it, flipped again when it
sits next to an opponent rather than the target, praise flipped under a sarcasm marker — plus who
speaks (the target's own official defaults to favor) and, for a reply that names nothing, the
thread's direction. Every contribution is kept as evidence with its character span.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from analysis.stance import cues as C
from analysis.stance.target import (
    Patterns,
    Target,
    opponent_patterns,
    speaker_is_target,
    target_patterns,
)

FAVOR_AT = 0.03  # |score| below this reads as neutral: a mention with no side-taking word
NEAR_CHARS = 40  # a word this close to a mention (about six words), same sentence, is about it
NEAR, SAME_SENTENCE, OTHER_SENTENCE = 1.0, 0.7, 0.35  # how much a word counts by distance
CONTEXT_FACTOR = 0.5  # reply/speaker/on-topic context without a mention: words count at half
SPEAKER_PRIOR = 0.8  # the target's own official or organisation speaks for it
VALENCE_SCALE = 0.25  # VADER valences run -4..4; a strong word counts about like a weak cue
VALENCE_FLOOR = 0.0  # valences this weak (|v| <= floor) are noise in argument, not a side
POSITIVE_DISCOUNT = 0.8  # language leans positive (Dodds et al. 2015): praise words count less
NEGATION_FACTOR = -0.74  # VADER's N_SCALAR: a negated word flips and weakens
BUT_BEFORE, BUT_AFTER = 0.5, 1.5  # VADER's weights around "but": the turn is what counts
MAX_EVIDENCE = 12  # keep evidence readable and outputs small on long texts
OUT_OF_TEXT = -1  # start/end of evidence that is not a span of the text (speaker, reply, reason)
OFFICIAL_ROLES = frozenset({"official", "organization"})

_TOKEN = re.compile(r"[a-z][a-z'’]*")  # run on the lower-cased text
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n+")
_CUES = C.SUPPORT_CUES + tuple((a, p, -w) for a, p, w in C.OPPOSE_CUES)
_CUE_RES = tuple(re.compile(rf"(?<![\w#/])(?:{p})(?!\w)") for _, p, _ in _CUES)
_TRIGGERS: dict[str, tuple[int, ...]] = {}
for _i, _cue in enumerate(_CUES):
    for _word in _cue[0].split():
        _TRIGGERS[_word] = (*_TRIGGERS.get(_word, ()), _i)
_EMOTICON_HINT = re.compile(r"[:;=8][-o^']?[()\[\]dpDP/\\|*]|<3|[()][-^']?[:;=]")
_NON_SPACE = re.compile(r"\S+")
_CLAUSE_BREAK = re.compile(r"[,;:.!?]")
_BUT = re.compile(r"\b(?:but|however|yet)\b")
_SARCASM_RE = re.compile(r"(?<![\w])(?:" + "|".join(C.SARCASM_CUES) + r")(?!\w)", re.I)
_AGREE_RE = re.compile(r"^\W*(?:" + "|".join(C.AGREE_CUES) + r")(?!\w)", re.I)
_DISAGREE_RE = re.compile(r"^\W*(?:" + "|".join(C.DISAGREE_CUES) + r")(?!\w)", re.I)
_TOPIC_KINDS = frozenset({"target", "opponent", "speaker", "reply", "context"})

Mention = tuple[int, int, bool]  # start, end, is_opponent


@dataclass(frozen=True)
class StanceResult:
    """A label (favor | against | neutral), a score in [-1, 1] and the evidence behind it."""

    label: str
    score: float
    evidence: list[dict[str, object]] = field(default_factory=list)

    @property
    def on_topic(self) -> bool:
        """Whether the statement was read as being about the target (a thread can inherit it)."""
        return any(e["kind"] in _TOPIC_KINDS for e in self.evidence)


class _Part(NamedTuple):
    """One contribution to the score before it is weighed by distance to a mention."""

    kind: str
    start: int
    end: int
    weight: float
    note: str


def neutral(reason: str) -> StanceResult:
    """A neutral result whose evidence says why (empty text, no mention, ...)."""
    return StanceResult("neutral", 0.0, [_ev("reason", reason, OUT_OF_TEXT, OUT_OF_TEXT, 0.0)])


def score_stance(
    text: str | None,
    target: Target,
    *,
    speaker: str | None = None,
    speaker_role: str | None = None,
    parent: StanceResult | None = None,
    on_topic: bool = False,
) -> StanceResult:
    """Stance of ``text`` toward ``target``.

    Args:
        text: the statement; None, NaN or blank gives neutral with a reason.
        target: what the stance is toward (see :class:`Target`).
        speaker: who said it; matched against the target's aliases.
        speaker_role: schema role; official/organization speakers matching the target default
            to favor unless their words say otherwise.
        parent: the stance of the statement this one replies to; a reply that names neither
            target nor opponent inherits the thread's target at half weight.
        on_topic: read every statement as being about the target even without a mention
            (comments collected under a story about it, tweets gathered by its hashtag); the
            words of a statement that names nothing then count at half weight.
    """
    if not isinstance(text, str) or not text.strip():
        return neutral("empty text: nothing to take a side")
    mentions = _mentions(text, target)
    evidence: list[dict[str, object]] = []
    total = 0.0
    context = 0.0
    spoke_for = _speaker_part(speaker, speaker_role, target)
    if spoke_for is not None:
        evidence.append(spoke_for)
        total += SPEAKER_PRIOR if spoke_for["weight"] == SPEAKER_PRIOR else -SPEAKER_PRIOR
        context = CONTEXT_FACTOR
    if not mentions and parent is not None and parent.on_topic:
        reply, reply_weight = _reply_part(text, parent)
        evidence.append(reply)
        total += reply_weight
        context = CONTEXT_FACTOR
    if not mentions and context == 0.0:
        if not on_topic:
            return neutral("the text mentions neither the target nor its aliases or opponents")
        evidence.append(_ev("context", "", OUT_OF_TEXT, OUT_OF_TEXT, 0.0, "read as on topic"))
        context = CONTEXT_FACTOR
    for start, end, is_opp in mentions[:5]:
        kind = "opponent" if is_opp else "target"
        evidence.append(_ev(kind, text[start:end], start, end, 0.0))
    total += _read_parts(text, mentions, context, evidence)
    score = round(max(-1.0, min(1.0, total / (abs(total) + 1.0))), 4)
    label = "favor" if score >= FAVOR_AT else "against" if score <= -FAVOR_AT else "neutral"
    return StanceResult(label, score, evidence)


def _read_parts(
    text: str, mentions: list[Mention], context: float, evidence: list[dict[str, object]]
) -> float:
    """Weigh every cue and valence word by where it stands; add the strongest to the evidence."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    sarcastic = _SARCASM_RE.search(text)
    if sarcastic is not None:
        span = sarcastic.span()
        evidence.append(_ev("sarcasm", sarcastic.group(), *span, 0.0, "praise read as mockery"))
    starts = [m[0] for m in mentions]
    weighed = []
    total = 0.0
    for part in _parts(text, mentions):
        weight, note = _weigh(part, mentions, starts, ends, context)
        if sarcastic is not None and weight > 0:
            weight, note = -weight, _join(note, "flipped by sarcasm")
        if weight:
            weighed.append((part, weight, note))
            total += weight
    weighed.sort(key=lambda p: -abs(p[1]))
    for part, weight, note in sorted(weighed[:MAX_EVIDENCE], key=lambda p: p[0].start):
        evidence.append(
            _ev(part.kind, text[part.start : part.end], part.start, part.end, weight, note)
        )
    return total


def _ev(
    kind: str, text: str, start: int, end: int, weight: float, note: str = ""
) -> dict[str, object]:
    item: dict[str, object] = {
        "kind": kind,
        "text": text,
        "start": start,
        "end": end,
        "weight": round(weight, 4),
    }
    if note:
        item["note"] = note
    return item


@lru_cache(maxsize=256)
def _patterns(target: Target) -> tuple[Patterns | None, Patterns | None]:
    """Compiled mention patterns, built once per target."""
    return target_patterns(target), opponent_patterns(target)


def _mentions(text: str, target: Target) -> list[Mention]:
    """Target and opponent mentions as (start, end, is_opponent); opponents win overlaps."""
    found: list[Mention] = []
    tagged = "#" in text or "@" in text
    for patterns, is_opp in zip(_patterns(target)[::-1], (True, False), strict=True):
        if patterns is None:
            continue
        spans = [m.span() for m in patterns[0].finditer(text)]
        if tagged:
            spans += [m.span() for m in patterns[1].finditer(text)]
        for start, end in spans:
            if not any(s < end and start < e for s, e, _ in found):
                found.append((start, end, is_opp))
    return sorted(found)


def _speaker_part(
    speaker: str | None, role: str | None, target: Target
) -> dict[str, object] | None:
    """The target's own official or organisation speaking: a favor prior (against for an opponent)."""
    if role not in OFFICIAL_ROLES or not speaker:
        return None
    name = speaker_is_target(speaker, target)
    if name is not None:
        note = f"{role} speaker matches '{name}': speaks for the target"
        return _ev("speaker", speaker, OUT_OF_TEXT, OUT_OF_TEXT, SPEAKER_PRIOR, note)
    rival = speaker_is_target(speaker, Target("", target.opponents)) if target.opponents else None
    if rival is not None:
        note = f"{role} speaker matches opponent '{rival}'"
        return _ev("speaker", speaker, OUT_OF_TEXT, OUT_OF_TEXT, -SPEAKER_PRIOR, note)
    return None


def _reply_part(text: str, parent: StanceResult) -> tuple[dict[str, object], float]:
    """A reply naming nothing: agreeing keeps the parent's direction, disagreeing flips it."""
    direction = (parent.score > 0) - (parent.score < 0)
    weight, how = 0.0, "inherits the thread's target"
    agree, disagree = _AGREE_RE.search(text), _DISAGREE_RE.search(text)
    if direction and agree is not None:
        weight, how = direction * SPEAKER_PRIOR, f"agrees ('{agree.group().strip()}')"
    elif direction and disagree is not None:
        weight, how = -direction * SPEAKER_PRIOR, f"disagrees ('{disagree.group().strip()}')"
    note = f"reply to a {parent.label} statement ({parent.score:+.2f}); {how}"
    return _ev("reply", "", OUT_OF_TEXT, OUT_OF_TEXT, weight, note), weight


def _parts(text: str, mentions: list[Mention]) -> list[_Part]:
    """Cue phrases, side-taking hashtags and valence words, each signed and negation-checked."""
    low = text.lower()
    if len(low) != len(text):  # a few characters change length when lower-cased: keep spans
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(low)]
    starts = [t[0] for t in tokens]
    parts: list[_Part] = []
    covered = [(start, end) for start, end, _ in mentions]  # a name's own valence is no side
    for start, end, weight in _cue_matches(low, tokens):
        parts.append(_signed("cue", start, end, weight, low, tokens, starts))
        covered.append((start, end))
    if "#" in text:
        for pattern, sign in ((C.SUPPORT_HASHTAG, 1.0), (C.OPPOSE_HASHTAG, -1.0)):
            for m in pattern.finditer(text):
                parts.append(_Part("cue", m.start(), m.end(), sign * 1.2, "hashtag"))
                covered.append(m.span())
    lexicon = C.vader_lexicon()
    for start, word in tokens:
        value = lexicon.get(word)
        if value is None or (covered and any(s <= start < e for s, e in covered)):
            continue
        if _is_name(text, start):
            continue  # "Barnes & Noble", "Hope Street": a capitalised word inside a sentence
        strength = abs(value) - VALENCE_FLOOR
        if strength <= 0:
            continue
        value = strength if value > 0 else -strength
        weight = value * VALENCE_SCALE * (POSITIVE_DISCOUNT if value > 0 else 1.0)
        parts.append(_signed("valence", start, start + len(word), weight, low, tokens, starts))
    if not text.isascii() or _EMOTICON_HINT.search(text):
        parts.extend(_symbols(text, low, tokens, starts))
    return _but_shift(low, parts)


def _symbols(text: str, low: str, tokens: list[tuple[int, str]], starts: list[int]) -> list[_Part]:
    """Emoji and emoticons with their VADER valence (emoji read through their description)."""
    parts = []
    emoticons = C.emoticon_valence()
    for m in _NON_SPACE.finditer(text):
        value = emoticons.get(m.group())
        if value is not None:
            weight = value * VALENCE_SCALE
            parts.append(_signed("valence", m.start(), m.end(), weight, low, tokens, starts))
    if not text.isascii():
        emojis = C.emoji_valence()
        for i, char in enumerate(text):
            if ord(char) < 0x2000 or char not in emojis:
                continue
            value, description = emojis[char]
            parts.append(_Part("valence", i, i + 1, value * VALENCE_SCALE, f"emoji: {description}"))
    return parts


def _is_name(text: str, start: int) -> bool:
    """A Titlecase word not at the start of a sentence reads as part of a name."""
    if start == 0 or not text[start].isupper() or not text[start + 1 : start + 2].islower():
        return False
    before = text[:start].rstrip()
    return bool(before) and before[-1] not in ".!?:;\"“”'‘’(-–—*\n"


def _cue_matches(low: str, tokens: list[tuple[int, str]]) -> list[tuple[int, int, float]]:
    """Cue spans, trying only cues whose anchor word occurs; the longest wins an overlap."""
    fired = {i for _, word in tokens for i in _TRIGGERS.get(word, ())}
    found = []
    for i in sorted(fired):
        for m in _CUE_RES[i].finditer(low):
            found.append((m.start(), m.start() - m.end(), m.end(), _CUES[i][2]))
    found.sort()
    kept: list[tuple[int, int, float]] = []
    for start, _, end, weight in found:
        if not kept or start >= kept[-1][1]:
            kept.append((start, end, weight))
    return kept


def _but_shift(low: str, parts: list[_Part]) -> list[_Part]:
    """Words after the first 'but'/'however' outweigh those before it (as in VADER)."""
    turn = _BUT.search(low)
    if turn is None:
        return parts
    at = turn.start()
    return [
        p._replace(weight=p.weight * (BUT_AFTER if p.start > at else BUT_BEFORE)) for p in parts
    ]


def _signed(
    kind: str,
    start: int,
    end: int,
    weight: float,
    low: str,
    tokens: list[tuple[int, str]],
    starts: list[int],
) -> _Part:
    """Flip a contribution negated in its clause.

    A negator up to three words back (as VADER), or further back when it governs a belief verb
    ("I don't think the council is a disgrace": negation raised from the clause below).
    """
    i = bisect_left(starts, start)
    for j in range(i - 1, max(-1, i - 1 - C.RAISED_NEGATION_WINDOW), -1):
        begin, word = tokens[j]
        if word in C.NEGATORS or word.endswith(("n't", "n’t")):
            near = i - j <= C.NEGATION_WINDOW
            raised = j + 1 < len(tokens) and tokens[j + 1][1] in C.BELIEF_VERBS
            if (near or raised) and not _CLAUSE_BREAK.search(low, begin, start):
                return _Part(kind, start, end, weight * NEGATION_FACTOR, f"negated by '{word}'")
            break
    return _Part(kind, start, end, weight, "")


def _weigh(
    part: _Part, mentions: list[Mention], starts: list[int], ends: list[int], context: float
) -> tuple[float, str]:
    """Weigh a contribution by its distance to the nearest mention; opponents flip the sign."""
    note = part.note
    if not mentions:
        return part.weight * context, _join(note, "about the thread/speaker's target")
    sentence = bisect_right(ends, part.start)
    i = bisect_right(starts, part.start)
    best: tuple[int, int, bool] | None = None
    for start, end, is_opp in mentions[max(0, i - 1) : i + 1]:
        gap = max(0, start - part.end, part.start - end)
        key = (int(bisect_right(ends, start) != sentence), gap, is_opp)
        if best is None or key[:2] < best[:2]:
            best = key
    assert best is not None
    other, gap, is_opp = best
    factor = OTHER_SENTENCE if other else NEAR if gap <= NEAR_CHARS else SAME_SENTENCE
    weight = part.weight * factor
    if is_opp:
        weight, note = -weight, _join(note, "said of an opponent: flipped")
    return weight, note


def _join(note: str, more: str) -> str:
    return f"{note}; {more}" if note else more
