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

from analysis.errors import InputError
from analysis.stance.cues import COMMON_WORDS

# Suffixes stripped to get a light stem, longest first; the stem keeps at least 4 letters.
_SUFFIXES = (
    "ations",
    "ation",
    "ities",
    "ity",
    "ings",
    "ing",
    "ies",
    "ied",
    "ed",
    "es",
    "s",
    "ly",
    "e",
    "y",
)
_DERIVATIONAL = frozenset({"ations", "ation", "ities", "ity", "ly"})
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*")
_EXAMPLE = "e.g. Target.parse('the police department', aliases=['DPD', 'police chief'])"


@dataclass(frozen=True)
class Target:
    """What a stance is toward: a description, names that refer to it, and its opponents."""

    text: str
    aliases: tuple[str, ...] = ()
    opponents: tuple[str, ...] = ()

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


def _word_regex(word: str) -> str:
    """Regex for one target word: acronyms exact and case-sensitive, others by stem."""
    if word.isupper() and len(word) >= 2:
        return rf"(?-i:{re.escape(word)})(?:s|'s|’s)?"
    if len(word) <= 4:
        return rf"{re.escape(word.lower())}(?:s|es|'s|’s)?"
    return rf"{re.escape(stem(word))}\w*"


def _phrase_regex(phrase: str) -> str:
    """Regex for an alias phrase: its words in order, the last one stem-matched."""
    words = _WORD.findall(phrase)
    if not words:
        return re.escape(phrase.lower())
    if len(words) == 1:
        return _word_regex(words[0])
    head = r"\W+".join(
        rf"(?-i:{re.escape(w)})" if w.isupper() else re.escape(w.lower()) for w in words[:-1]
    )
    return rf"{head}\W+{_word_regex(words[-1])}"


Patterns = tuple[re.Pattern[str], re.Pattern[str]]  # (at word boundaries, inside hashtags)


@cache
def mention_patterns(names: tuple[str, ...], words: tuple[str, ...]) -> Patterns | None:
    """Case-insensitive patterns for alias phrases and description words.

    The second pattern finds them inside hashtags and handles (#DumpTrump and @realDonaldTrump
    mention Trump); callers run it only on texts with a '#' or '@', which keeps the common case
    to one regex pass.
    """
    parts = [_phrase_regex(n) for n in sorted(names, key=len, reverse=True)]
    parts += [_word_regex(w) for w in words]
    if not parts:
        return None
    body = "|".join(f"(?:{p})" for p in parts)
    plain = re.compile(rf"(?<![\w#@])(?:{body})(?!\w)", re.I)
    return plain, re.compile(rf"[#@]\w*?(?:{body})\w*", re.I)


def target_patterns(target: Target) -> Patterns | None:
    """Mentions of the target: aliases, the description as a phrase, its content words."""
    return mention_patterns(target.aliases, content_words(target.text))


def opponent_patterns(target: Target) -> Patterns | None:
    """Mentions of the target's opponents (each opponent is a name or phrase)."""
    if not target.opponents:
        return None
    return mention_patterns(target.opponents, ())


def speaker_is_target(speaker: str | None, target: Target) -> str | None:
    """The alias or target name the speaker matches (same name, or a capitalised name part)."""
    if not speaker:
        return None
    who = speaker.strip().lower()
    for name in (*target.aliases, target.text):
        low = name.lower()
        if who == low or (len(low) >= 3 and re.search(rf"\b{re.escape(low)}\b", who)):
            return name
        if len(who) >= 3 and re.search(rf"\b{re.escape(who)}\b", low):
            return name
    return None
