"""The stance target: what the user names, its aliases and its opponents, and finding them in text.

A careful reader decides first whether a statement talks about the target at all. Here that is
a mention of an alias (as a phrase) or of a content word of the target's description, matched on
a light stem ("deportation" finds "deported", "library" finds "libraries"). Words written in
capitals by the user (ICE, DPD) are acronyms and match case-sensitively, so "ice cream" is not
the immigration agency.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from analysis.errors import InputError
from analysis.stance.cues import COMMON_WORDS

# Suffixes stripped to get a light stem, longest first; the stem keeps at least 4 letters.
_SUFFIXES = tuple("ations ation ities ity ings ing ies ied ed es s ly e y".split())
_DERIVATIONAL = frozenset({"ations", "ation", "ities", "ity", "ly"})
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*")
_BOUNDARY = re.compile(r"\b")
_EXAMPLE = "e.g. Target.parse('the police department', aliases=['DPD', 'police chief'])"


@dataclass(frozen=True)
class Target:
    """What a stance is toward: a description, names that refer to it, and its opponents."""

    text: str
    aliases: tuple[str, ...] = ()
    opponents: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Lists from a caller become tuples: a target is hashable, its patterns cached by it.
        object.__setattr__(self, "aliases", tuple(self.aliases))
        object.__setattr__(self, "opponents", tuple(self.opponents))

    @classmethod
    def parse(
        cls,
        text: str | None,
        *,
        aliases: Iterable[str] | None = None,
        opponents: Iterable[str] | None = None,
    ) -> Target:
        """Build a target from user input; blank aliases are dropped, order is kept."""
        cleaned = (text or "").strip()
        if not cleaned:
            raise InputError(f"the target is empty; name what the stance is toward, {_EXAMPLE}")
        return cls(cleaned, _clean(aliases), _clean(opponents))

    def to_dict(self) -> dict[str, Any]:
        """The target as manifests, models and projects record it (JSON-ready)."""
        return {"text": self.text, "aliases": list(self.aliases), "opponents": list(self.opponents)}

    @classmethod
    def from_dict(cls, spec: object) -> Target | None:
        """The target a manifest or project recorded with :meth:`to_dict`; None when it has none
        (a run scored with no target)."""
        if not isinstance(spec, dict) or not spec.get("text"):
            return None
        return cls(
            str(spec["text"]), tuple(spec.get("aliases", ())), tuple(spec.get("opponents", ()))
        )


def _clean(names: Iterable[str] | None) -> tuple[str, ...]:
    if names is None:
        return ()
    if isinstance(names, str):
        names = names.split(",")
    seen: dict[str, None] = {}
    for name in names:
        name = str(name).strip()
        if name and name.lower() not in {s.lower() for s in seen}:
            seen[name] = None
    return tuple(seen)


def stem(word: str) -> str:
    """A light stem: strip one common suffix while at least 4 letters remain."""
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    for suffix in _SUFFIXES:
        keep = 5 if suffix in _DERIVATIONAL else 4  # "reality" must not become "real"
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> tuple[str, ...]:
    """Words of a description that can show a statement is about it (not stop or light words)."""
    words = []
    for word in _WORD.findall(text):
        bare = word.rstrip("'’s") if word.lower().endswith(("'s", "’s")) else word
        if bare.lower() in COMMON_WORDS or len(bare) < 3:
            continue
        words.append(bare)
    return tuple(dict.fromkeys(words))


def _is_acronym(word: str) -> bool:
    return word.isupper() and len(word) >= 2


def _word_regex(word: str) -> str:
    """Regex for one target word: acronyms exact (case-sensitive text), others by stem (lower)."""
    if _is_acronym(word):
        return rf"{re.escape(word)}(?:s|'s|’s)?"
    if len(word) <= 4:
        return rf"{re.escape(word.lower())}(?:s|es|'s|’s)?"
    return rf"{re.escape(stem(word))}\w*"


def _phrase_regex(phrase: str) -> str:
    """Regex for an alias phrase: its words in order, the last one stem-matched.

    In a phrase with an acronym (run on the original text) the other words match in any case.
    """
    words = _WORD.findall(phrase)
    if not words:
        return re.escape(phrase.lower())
    if len(words) == 1:
        return _word_regex(words[0])
    exact = any(_is_acronym(w) for w in words)
    head = r"\W+".join(
        re.escape(w)
        if _is_acronym(w)
        else f"(?i:{re.escape(w)})"
        if exact
        else re.escape(w.lower())
        for w in words[:-1]
    )
    last = _word_regex(words[-1])
    return rf"{head}\W+{f'(?i:{last})' if exact and not _is_acronym(words[-1]) else last}"


class Patterns(NamedTuple):
    """Mention patterns of one target, split so the common case is one fast regex pass."""

    words: re.Pattern[str]  # on the lower-cased text; a hit counts at a word boundary only
    tags: re.Pattern[str]  # on the lower-cased text, inside #hashtags and @handles
    acronyms: re.Pattern[str] | None  # on the original text: ICE is not "ice cream"


@cache
def mention_patterns(names: tuple[str, ...], words: tuple[str, ...]) -> Patterns | None:
    """Patterns for alias phrases and description words (#DumpTrump, @realDonaldTrump too)."""
    terms = [*sorted(names, key=len, reverse=True), *words]
    plain = [_phrase_regex(t) for t in terms if not any(map(_is_acronym, _WORD.findall(t)))]
    exact = [_phrase_regex(t) for t in terms if any(map(_is_acronym, _WORD.findall(t)))]
    if not plain and not exact:
        return None
    body = "|".join(f"(?:{p})" for p in plain) or "(?!)"
    acronyms = None
    if exact:
        caps = "|".join(f"(?:{p})" for p in exact)
        acronyms = re.compile(rf"\b(?:{caps})(?!\w)|[#@]\w*?(?:{caps})\w*")
    # No leading \b: the engine then skips ahead by first letter; word_spans checks the boundary.
    return Patterns(
        re.compile(rf"(?:{body})(?!\w)"), re.compile(rf"[#@]\w*?(?:{body})\w*"), acronyms
    )


def word_spans(patterns: Patterns, low: str) -> list[tuple[int, int]]:
    """Spans of ``patterns.words`` in ``low`` that start at a word boundary.

    The same spans as ``finditer`` with a leading ``\\b``: a hit inside a word is passed over and
    the search goes on from the next character.
    """
    spans = []
    at = 0
    while (m := patterns.words.search(low, at)) is not None:
        start, end = m.span()
        if _BOUNDARY.match(low, start) is None:
            at = start + 1
            continue
        spans.append((start, end))
        at = end if end > start else start + 1
    return spans


def target_patterns(target: Target) -> Patterns | None:
    """Mentions of the target: aliases, the description as a phrase, its content words."""
    return mention_patterns(target.aliases, content_words(target.text))


def opponent_patterns(target: Target) -> Patterns | None:
    """Mentions of the target's opponents (each opponent is a name or phrase)."""
    if not target.opponents:
        return None
    return mention_patterns(target.opponents, ())


def speaker_is_target(speaker: str | None, target: Target) -> str | None:
    """The name the speaker matches: the target itself, or an alias inside the speaker's name
    ("Michael Igo" and alias "Igo") or the other way round ("Igo" and alias "Chief Igo").

    Only the whole description counts, never a word of it: a target "the decision not to join
    ICE raids" does not make an ICE official its spokesperson.
    """
    if not speaker:
        return None
    who = speaker.strip().lower()
    if who == target.text.lower():
        return target.text
    for name in target.aliases:
        low = name.lower()
        if who == low or (len(low) >= 3 and re.search(rf"\b{re.escape(low)}\b", who)):
            return name
        if len(who) >= 3 and re.search(rf"\b{re.escape(who)}\b", low):
            return name
    return None
