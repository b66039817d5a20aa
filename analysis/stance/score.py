"""Stance of one statement toward a target, with the words that decided it.

The reading follows what an analyst does (cf. Mohammad et al. 2016, SemEval stance: stance is
not sentiment). First: does the statement talk about the target (a mention of an alias or a
content word of the target's description)? If not, it is neutral. Then: the side taken near
those mentions — support/opposition cue phrases (``stance_cues.en.v2``) and the valence of
nearby words (VADER's lexicon), each flipped by a negation just before it, flipped again when it
sits next to an opponent rather than the target, praise flipped under a sarcasm marker — plus who
speaks (the target's own official defaults to favor) and, for a reply that names nothing, the
thread's direction. Every contribution is kept as evidence with its character span.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from analysis.stance import cues as C
from analysis.stance import parts as P
from analysis.stance.target import (
    Patterns,
    Target,
    opponent_patterns,
    speaker_is_target,
    target_patterns,
    word_spans,
)

FAVOR_AT = 0.0001  # any side left after weighing decides; neutral: no side-taking word, or a tie
NEAR_CHARS = 40  # a word this close to a mention (about six words), same sentence, is about it
NEAR, SAME_SENTENCE, OTHER_SENTENCE = 1.0, 0.7, 0.35  # how much a word counts by distance
CONTEXT_FACTOR = 0.5  # reply/speaker/on-topic context without a mention: words count at half
SPEAKER_PRIOR = 0.8  # the target's own official or organisation speaks for it
MAX_EVIDENCE = 12  # keep evidence readable and outputs small on long texts
OUT_OF_TEXT = -1  # start/end of evidence that is not a span of the text (speaker, reply, reason)
OFFICIAL_ROLES = frozenset({"official", "organization"})

_YOU = re.compile(r"\b(?:you|your|you're|youre|yourself)\b")
_SENTENCE_BREAK = re.compile(r"[.!?]+(?=\s|$)|\n")
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
    low = P.lower(text)
    mentions = _mentions(text, low, target)
    evidence: list[dict[str, object]] = []
    total, context = _context(text, mentions, target, speaker, speaker_role, parent, evidence)
    if not mentions and context == 0.0:
        if not on_topic:
            return neutral("the text mentions neither the target nor its aliases or opponents")
        evidence.append(_ev("context", "", OUT_OF_TEXT, OUT_OF_TEXT, 0.0, "read as on topic"))
        context = CONTEXT_FACTOR
    for start, end, is_opp in mentions[:5]:
        kind = "opponent" if is_opp else "target"
        evidence.append(_ev(kind, text[start:end], start, end, 0.0))
    total += _read_parts(text, low, mentions, context, evidence)
    score = round(max(-1.0, min(1.0, total / (abs(total) + 1.0))), 4)
    label = "favor" if score >= FAVOR_AT else "against" if score <= -FAVOR_AT else "neutral"
    return StanceResult(label, score, evidence)


def _context(
    text: str,
    mentions: list[Mention],
    target: Target,
    speaker: str | None,
    role: str | None,
    parent: StanceResult | None,
    evidence: list[dict[str, object]],
) -> tuple[float, float]:
    """Who speaks and which thread it is in: (prior score, weight of words without a mention)."""
    total = context = 0.0
    spoke = _speaker_part(speaker, role, target)
    if spoke is not None:
        evidence.append(spoke[0])
        total += spoke[1]
        context = CONTEXT_FACTOR
    if not mentions and parent is not None and parent.on_topic:
        reply, weight = _reply_part(text, parent)
        evidence.append(reply)
        total += weight
        context = CONTEXT_FACTOR
    return total, context


def _read_parts(
    text: str,
    low: str,
    mentions: list[Mention],
    context: float,
    evidence: list[dict[str, object]],
) -> float:
    """Weigh every cue and valence word by where it stands; add the strongest to the evidence."""
    words = P.TOKEN.findall(low)
    sarcastic = P.sarcasm(low, words)
    if sarcastic is not None:
        span = sarcastic.span()
        evidence.append(
            _ev("sarcasm", text[span[0] : span[1]], *span, 0.0, "praise read as mockery")
        )
    starts = [m[0] for m in mentions]
    weighed = []
    total = 0.0
    for part in P.find_parts(text, low, words, [(s, e) for s, e, _ in mentions]):
        weight, note = _weigh(part, text, mentions, starts, context)
        if sarcastic is not None and weight > 0:
            weight, note = -weight, _join(note, "flipped by sarcasm")
        if weight:
            weighed.append((part, weight, note))
            total += weight
    weighed.sort(key=lambda p: -abs(p[1]))
    for part, weight, note in sorted(weighed[:MAX_EVIDENCE], key=lambda p: p[0].start):
        if part.negator is not None:
            start, end = part.negator
            flips = f"flips '{text[part.start : part.end]}'"
            evidence.append(_ev("negation", text[start:end], start, end, 0.0, flips))
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


def _mentions(text: str, low: str, target: Target) -> list[Mention]:
    """Target and opponent mentions as (start, end, is_opponent); opponents win overlaps."""
    found: list[Mention] = []
    tagged = "#" in text or "@" in text
    for patterns, is_opp in zip(_patterns(target)[::-1], (True, False), strict=True):
        if patterns is None:
            continue
        spans = word_spans(patterns, low)
        if not found and patterns.acronyms is None and not tagged:
            found = [(start, end, is_opp) for start, end in spans]  # in order, none overlap
            continue
        if patterns.acronyms is not None:
            spans += [m.span() for m in patterns.acronyms.finditer(text)]
        if tagged:
            spans += [m.span() for m in patterns.tags.finditer(low)]
        for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
            if not any(s < end and start < e for s, e, _ in found):
                found.append((start, end, is_opp))
    found.sort()
    if found and text.startswith("@") and found[0][0] == 0:
        # Addressed to the target or an opponent by @handle: "you" is that addressee.
        found = sorted([*found, *((*m.span(), found[0][2]) for m in _YOU.finditer(low))])
    return found


def _speaker_part(
    speaker: str | None, role: str | None, target: Target
) -> tuple[dict[str, object], float] | None:
    """The target's own official or organisation speaks for it: favor prior (opponent: against)."""
    if role not in OFFICIAL_ROLES or not speaker:
        return None
    name = speaker_is_target(speaker, target)
    if name is not None:
        note = f"{role} speaker matches '{name}': speaks for the target"
        return _ev("speaker", speaker, OUT_OF_TEXT, OUT_OF_TEXT, SPEAKER_PRIOR, note), SPEAKER_PRIOR
    rival = speaker_is_target(speaker, Target("", target.opponents)) if target.opponents else None
    if rival is not None:
        note = f"{role} speaker matches opponent '{rival}'"
        return _ev(
            "speaker", speaker, OUT_OF_TEXT, OUT_OF_TEXT, -SPEAKER_PRIOR, note
        ), -SPEAKER_PRIOR
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


def _weigh(
    part: P.Part, text: str, mentions: list[Mention], starts: list[int], context: float
) -> tuple[float, str]:
    """Weigh a contribution by its distance to the nearest mention; opponents flip the sign."""
    note = part.note
    if not mentions:
        return part.weight * context, _join(note, "about the thread/speaker's target")
    i = bisect_right(starts, part.start)
    best: tuple[int, int, bool] | None = None
    for start, end, is_opp in mentions[max(0, i - 1) : i + 1]:
        lo, hi = (end, part.start) if end <= part.start else (part.end, start)
        gap = max(0, hi - lo)
        other = int(gap > 0 and _SENTENCE_BREAK.search(text, lo, hi) is not None)
        if best is None or (other, gap) < best[:2]:
            best = (other, gap, is_opp)
    assert best is not None
    other, gap, is_opp = best
    factor = OTHER_SENTENCE if other else NEAR if gap <= NEAR_CHARS else SAME_SENTENCE
    weight = part.weight * factor
    if is_opp:
        weight, note = -weight, _join(note, "said of an opponent: flipped")
    return weight, note


def _join(note: str, more: str) -> str:
    return f"{note}; {more}" if note else more
