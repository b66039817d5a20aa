"""Speaker resolution: one stable name per person across the mentions of an article.

A first full mention ("Interim Chief Michael Igo") names the person; later surnames ("Igo"),
titles ("the chief") and pronouns ("he") resolve to it. Unnamed speakers ("one irritated user",
"another") get their own numbered label (``unnamed public #1``) and are never merged into the
previous named person. A written note speaks for the institution that wrote it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import NamedTuple

from analysis.quotes.attribution import Mention
from analysis.quotes.roles import Evidence, institution_role, is_description, role_from_words
from analysis.quotes.rules import (
    BODY_TITLES,
    COMMENT_NOUNS,
    DOCUMENT_NOUNS,
    INSTITUTION_NOUNS,
    NON_NAME_WORDS,
    ORG_WORDS,
    PRONOUNS,
    ROLE_CUES,
    TITLE_WORDS,
    UNNAMED_OPENERS,
)

_RUN = re.compile(r"\b[A-Z][\w’'\-]*(?:\.(?= [A-Z]))?(?:[ \t]+[A-Z][\w’'\-]*(?:\.(?= [A-Z]))?)*")
_APPOSITIVE = re.compile(  # an age may come first: "Rosa Delgado, 54, a baker"
    r",\s+(?:\d{1,3},\s+)?((?:[^,.;:“”\"]|\.(?=\S)){3,120})"  # "U.S." stays inside
)
_TAG_RULE = "party-state tag"
_SERIES = re.compile(
    r"(?:yet |still )?another$|(?:a|the) (?:second|third|fourth|fifth|sixth|final|last)$"
    r"|one more$"
)
_PARTY_TAG = re.compile(  # "(D-Ohio)" or AP's ", R-Ky.,"
    r"\s*\((?:R|D|I)-[A-Z][\w. ]{0,20}\)|,\s*(?:R|D|I)-[A-Z][A-Za-z]{1,12}\.?(?=,)"
)
_POSSESSIVE = ("’s", "'s", "’", "'")
_MEDIA_NAMES = frozenset(
    "cnn reuters msnbc nbc abc cbs bbc ap politico breitbart bloomberg npr axios huffpost"
    " fox".split()
)


class Resolved(NamedTuple):
    """A speaker with its role and the words that decided it."""

    name: str | None
    role: str
    evidence: Evidence
    person: bool


def _strip_possessive(tok: str) -> str:
    for suffix in _POSSESSIVE:
        if tok.endswith(suffix) and len(tok) > len(suffix) + 1:
            return tok[: -len(suffix)]
    return tok


def _is_title(tok: str) -> bool:
    low = tok.lower()
    return low in TITLE_WORDS or low.rstrip(".") in TITLE_WORDS


def split_name(tokens: list[str]) -> tuple[list[str], list[str]]:
    """(titles, name) from a capitalised run: everything up to the last title word goes.

    "DPD Interim Chief Michael Igo" -> (["dpd", "interim", "chief"], ["Michael", "Igo"]);
    "Massachusetts Sen. Jane Roe" -> (["massachusetts", "sen."], ["Jane", "Roe"]).
    """
    k = 0
    for i, tok in enumerate(tokens[:-1]):
        low = tok.lower().rstrip(".")
        leading = i == k and (low in NON_NAME_WORDS or (tok.isupper() and len(tok) <= 5))
        if leading or _is_title(tok):
            k = i + 1
    titles = [t.lower() for t in tokens[:k]]
    name = tokens[k:]
    if name:
        last = _strip_possessive(name[-1])
        name[-1] = last[:-1] if last.endswith(".") and not _abbreviation(last) else last
    return titles, name


def _lowercase_title(tokens: list[str]) -> int:
    """Length of a lower-case description before a full name at the end, else 0."""
    k = 0
    while k < len(tokens) and not tokens[k][:1].isupper():
        k += 1
    name = tokens[k:]
    if k == 0 or len(name) < 2 or tokens[0].lower() in NON_NAME_WORDS:
        return 0
    return k if all(t[:1].isupper() for t in name) else 0


def _speaks_for(words: list[str]) -> int:
    """Index after ``for``/``of`` in "a spokesperson for the X Department", else 0."""
    for k, w in enumerate(words[:4]):
        if w.lower() in {"for", "of", "at"}:
            return k + 1 if k and words[k - 1].lower() in _SPEAKS_FOR else 0
    return 0


_SPEAKS_FOR = frozenset(
    "spokesperson spokesman spokeswoman representative representatives official officials"
    " aide aides lawyer lawyers attorney attorneys".split()
)


def _clip_run(tokens: list[str]) -> list[str]:
    """Cut a run at a sentence end hidden in it ("World War II. Last" -> "World War II")."""
    for i, tok in enumerate(tokens[:-1]):
        if tok.endswith(".") and not _abbreviation(tok):
            return tokens[: i + 1]
    return tokens


def _abbreviation(tok: str) -> bool:
    low = tok.lower().rstrip(".")
    return len(low) == 1 or _is_title(tok) or low in {"mr", "mrs", "ms", "dr", "jr", "sr", "st"}


def _gender(titles: list[str]) -> str | None:
    """m/f from an honorific or gendered title (Mr., Ms., spokeswoman), else None."""
    for t in titles:
        low = t.rstrip(".")
        if low in _FEMALE:
            return "f"
        if low in _MALE:
            return "m"
    return None


_FEMALE = frozenset(
    "ms mrs miss madam dame lady spokeswoman congresswoman councilwoman chairwoman".split()
)
_MALE = frozenset("mr sir lord spokesman congressman councilman chairman".split())


@dataclass
class Registry:
    """Names, titles and institutions seen in one article, with their offsets."""

    surnames: dict[str, str] = field(default_factory=dict)
    occurrences: list[tuple[int, str]] = field(default_factory=list)  # (offset, full name)
    titles: list[tuple[int, str, str]] = field(default_factory=list)  # (offset, title, name)
    orgs: list[tuple[int, str]] = field(default_factory=list)
    context: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # name -> words
    gender: dict[str, str] = field(default_factory=dict)  # name -> "m" | "f" from an honorific

    def last_org(self, before: int, word: str | None = None) -> str | None:
        for pos, name in reversed(self.orgs):
            if pos < before and (word is None or word in name.lower()):
                return name
        return None

    def person_before(self, pos: int, floor: int) -> str | None:
        return self.compatible_before(pos, floor, None)

    def compatible_before(self, pos: int, floor: int, gender: str | None) -> str | None:
        """The nearest person mentioned before ``pos`` whose known gender does not clash."""
        k = bisect_left(self.occurrences, (pos, ""))
        for step in range(k - 1, max(-1, k - 40), -1):
            off, name = self.occurrences[step]
            if off < floor:
                return None
            if gender is None or self.gender.get(name, gender) == gender:
                return name
        return None


def build_registry(text: str) -> Registry:
    """Scan capitalised runs once: people (2+ name words), their titles, and institutions."""
    reg = Registry()
    singles: list[tuple[int, str]] = []
    for m in _RUN.finditer(text):
        run = m.group()
        if " " not in run and "\t" not in run:  # one word: only a possible surname
            word = _strip_possessive(run)
            if word.lower() not in NON_NAME_WORDS:
                singles.append((m.start(), word))
            continue
        tokens = _clip_run(run.split())
        titles, name = split_name(tokens)
        if not name:
            continue
        if any(t.lower() in ORG_WORDS for t in name):
            first = 1 if tokens[0].lower() in NON_NAME_WORDS else 0
            reg.orgs.append((m.start(), _strip_possessive(" ".join(tokens[first:]))))
            continue
        if len(name) > 4 or name[-1].lower() in NON_NAME_WORDS:
            continue
        if len(name) == 1:
            singles.append((m.start(), name[0]))
            if not titles:
                continue
            full = reg.surnames.get(name[0], name[0])  # "President Obama": a titled surname
        else:
            full = " ".join(name)
            reg.surnames.setdefault(name[-1], full)
            reg.occurrences.append((m.start(), full))
        _note_titles(reg, text, m.start(), m.end(), titles, full)
    for pos, tok in singles:
        known = reg.surnames.get(tok)
        if known:
            reg.occurrences.append((pos, known))
            tag = _PARTY_TAG.match(text, pos + len(tok))
            if tag:  # "Scott (D-Va.)" later in the article: the tag is his
                reg.context.setdefault(known, []).append((_TAG_RULE, tag.group().strip(" ,")))
    reg.occurrences.sort()
    return reg


_ROLE_WORDS = frozenset().union(*ROLE_CUES.values()) | frozenset(BODY_TITLES)
_CHAIN = (_ROLE_WORDS | TITLE_WORDS) - COMMENT_NOUNS - {"person"}  # "for comment Ann Lee"


def _note_titles(
    reg: Registry, text: str, start: int, end: int, titles: list[str], full: str
) -> None:
    """Record the title words and appositive of one name occurrence, and its gender if shown."""
    before: list[str] = []
    for word in reversed(text[max(0, start - 60) : start].split()):
        low = word.lower()
        if low.rstrip(".") not in _CHAIN and low not in _CHAIN:
            break  # only the unbroken run of title words right before the name
        if low.endswith("s") and low[:-1] in _CHAIN:
            break  # a plural ("told reporters Tom Reyes") is an audience, not a title
        before.insert(0, low)
    words = [w for w in titles + before if w.rstrip(".") in _ROLE_WORDS or w in _ROLE_WORDS]
    for w in words:
        reg.titles.append((start, w.rstrip("."), full))
    ctx = reg.context.setdefault(full, [])
    if words:
        ctx.append(("title", " ".join(before + titles)))  # "city manager": the whole title
    app = _APPOSITIVE.match(text, end)
    if app and is_description(app.group(1)):
        ctx.append(("appositive", app.group(1)))
    tag = _PARTY_TAG.match(text, end)
    if tag:
        ctx.append((_TAG_RULE, tag.group().strip(" ,")))  # Jane Roe (D-Ohio) sits in a legislature
    gender = _gender(titles + before)
    if gender:
        reg.gender.setdefault(full, gender)


@dataclass
class Resolver:
    """Resolves mentions in article order; keeps the state pronouns and "another" need."""

    text: str
    registry: Registry
    paragraph_floor: int = 0
    last: Resolved | None = None
    unnamed: dict[str, int] = field(default_factory=dict)
    last_unnamed: tuple[str, Resolved] | None = None
    roles: dict[str, tuple[str, Evidence]] = field(default_factory=dict)

    def resolve(self, mention: Mention) -> Resolved:
        out = self._resolve(mention)
        if out.name is not None:
            self.last = out
        return out

    def _resolve(self, mention: Mention) -> Resolved:
        words = mention.text.split()
        low = mention.text.lower()
        if not words:
            return Resolved(None, "unknown", {}, False)
        if len(words) == 1 and low in PRONOUNS:
            return self._pronoun(low, mention)
        if re.match(r"(?:one|some|many|two|several|another|most)\s+of\s+", low):
            return self._unnamed(mention, self._antecedent_role(mention.start))
        head = _strip_possessive(words[-1]).lower()
        if head in COMMENT_NOUNS and words[0].lower() in UNNAMED_OPENERS:
            cue: Evidence = {"cue": head, "rule": "a comment from a member of the public"}
            return self._unnamed(mention, ("public", cue), hint_first=True)  # "a third reply"
        if head in DOCUMENT_NOUNS:
            return self._document(mention, words)
        titles, name = split_name(words)
        capital = [t for t in name if t[:1].isupper() and t.lower() not in NON_NAME_WORDS]
        if capital and name[0][:1].isupper():
            return self._named(mention, titles, name)
        k = _lowercase_title(name)
        if k:  # "flood widow Ana Ruiz": a lower-case description, then the name
            return self._named(mention, titles + [t.lower() for t in name[:k]], name[k:])
        if low.startswith("the ") and head in INSTITUTION_NOUNS and len(words) <= 4:
            return self._institution(mention, head)
        if low.startswith("the ") and len(words) <= 3:
            found = self._by_title(words[-1].lower(), mention.start)
            if found is not None:
                return found
        return self._unnamed(mention, None)

    def _pronoun(self, low: str, mention: Mention) -> Resolved:
        if low in {"it", "they"} and self.last is not None:
            return self.last
        if low == "who":
            name = self.registry.person_before(mention.start, 0)
        else:
            gender = {"he": "m", "she": "f"}.get(low)
            name = self.registry.compatible_before(mention.start, self.paragraph_floor, gender)
        if name is not None:
            role, ev = self._role_of(name, "")
            return Resolved(name, role, {**ev, "pronoun": low}, True)
        if self.last is not None:
            return self.last
        return Resolved(None, "unknown", {"pronoun": low, "rule": "unresolved pronoun"}, True)

    def _named(self, mention: Mention, titles: list[str], name: list[str]) -> Resolved:
        joined = " ".join(name)
        if any(t.lower() in ORG_WORDS for t in name):
            words = mention.text.split()
            cut = _speaks_for(words)
            if cut:  # "a spokesperson for the Millbrook Police Department": the body speaks
                return self._spokes_body(mention, words[:cut], words[cut:])
            while len(words) > 1 and words[0].lower() in NON_NAME_WORDS:
                words.pop(0)  # "The Harbor City Police Department" -> without "The"
            joined = _strip_possessive(" ".join(words))
        if any(t.lower() in ORG_WORDS for t in name) or joined.lower() in _MEDIA_NAMES:
            role, ev = institution_role(joined)
            if joined.lower() in _MEDIA_NAMES:
                role, ev = "media", {"cue": joined, "rule": "outlet name"}
            return Resolved(joined, role, ev, False)
        full = self.registry.surnames.get(name[-1], joined) if len(name) == 1 else joined
        role, ev = self._role_of(full, " ".join(titles) + " , " + mention.appositive)
        return Resolved(full, role, ev, True)

    def _spokes_body(self, mention: Mention, head: list[str], body: list[str]) -> Resolved:
        """An unnamed spokesperson of a named body: the body is the speaker."""
        while len(body) > 1 and body[0].lower() in NON_NAME_WORDS:
            body.pop(0)
        name = _strip_possessive(" ".join(body))
        role, ev = institution_role(name)
        evidence: Evidence = {
            "cue": head[-2].lower(),
            "rule": f"speaks for the body ({ev.get('rule')})",
            "body_cue": ev.get("cue"),
            "mention": mention.text,
        }
        return Resolved(
            name,
            role,
            evidence,
            False,
        )

    def _role_of(self, name: str, near: str) -> tuple[str, Evidence]:
        for part, rule in ((near.split(" , ")[0], "title"), (near.split(" , ")[-1], "appositive")):
            found = role_from_words(part, rule) if part.strip() else None
            if found:
                self.roles.setdefault(name, found)
                return found
        if name in self.roles:
            role, ev = self.roles[name]
            return role, {**ev, "rule": f"{ev.get('rule')} (earlier mention)"}
        for rule, words in self.registry.context.get(name, []):
            tagged: tuple[str, Evidence] = ("official", {"cue": words, "rule": rule})
            found = tagged if rule == _TAG_RULE else role_from_words(words, rule)
            if found:
                self.roles[name] = found
                return found
        return "unknown", {"rule": "no role words near the name"}

    def _institution(self, mention: Mention, head: str) -> Resolved:
        """``the union``/``the city council``: the last named body of that kind, else the noun."""
        owner = self.registry.last_org(mention.start, head)
        name = owner or _strip_possessive(mention.text)
        role, ev = institution_role(owner or " ".join(mention.text.split()[1:]))
        return Resolved(name, role, {**ev, "mention": mention.text}, False)

    def _by_title(self, title: str, pos: int) -> Resolved | None:
        for off, word, name in reversed(self.registry.titles):
            if off < pos and word == title:
                role, ev = self._role_of(name, "")
                return Resolved(name, role, {**ev, "title": title}, True)
        return None

    def _document(self, mention: Mention, words: list[str]) -> Resolved:
        owner = None
        for w in words[:-1]:
            base = _strip_possessive(w)
            if (base != w or w[:1].isupper()) and base.lower() not in NON_NAME_WORDS:
                owner = self.registry.last_org(mention.start, base.lower()) or (
                    base if base[:1].isupper() else None
                )
                if owner is None and base.lower() in INSTITUTION_NOUNS:
                    owner = "the " + base.lower()  # "the department's note": no name given
                if owner:
                    break
        owner = owner or self.registry.last_org(mention.start)
        if owner is None:
            return self._unnamed(mention, ("organization", {"cue": words[-1], "rule": "document"}))
        role, ev = institution_role(owner)
        evidence: Evidence = {
            "cue": words[-1],
            "rule": "written note of an institution",
            "owner": owner,
            "owner_cue": ev.get("cue"),
        }
        return Resolved(owner, role, evidence, False)

    def _antecedent_role(self, pos: int) -> tuple[str, Evidence] | None:
        lo = max(0, pos - 200)
        clause = self.text[lo:pos].rsplit(".", 1)[-1]
        hits = [w for w in re.findall(r"[a-z]+", clause.lower()) if w in ROLE_CUES["public"]]
        if hits:
            return "public", {"cue": hits[-1], "rule": "group the speaker belongs to"}
        return None

    def _unnamed(
        self, mention: Mention, hint: tuple[str, Evidence] | None, *, hint_first: bool = False
    ) -> Resolved:
        """A numbered unnamed speaker; ``hint_first``: the hint decides before the mention's words."""
        low = mention.text.lower()
        found = (
            None
            if hint_first and hint
            else role_from_words(mention.text + " " + mention.appositive, "description")
        )
        first = low.split()[0]
        series = _SERIES.match(low)
        if found is None and hint is None and series and self.last_unnamed:
            prev = self.last_unnamed[1]  # "another", "a third": one more of the same kind
            found = (
                prev.role,
                {"cue": series.group(), "rule": "same kind as the previous unnamed speaker"},
            )
        role, ev = found or hint or ("unknown", {"rule": "no role words near the mention"})
        head = low.split()[-1]
        if first == "the" and self.last_unnamed and self.last_unnamed[0] == head:
            return self.last_unnamed[1]  # "a resident said" ... "the resident added": same one
        if first in UNNAMED_OPENERS or hint is not None:
            n = self.unnamed.get(role, 0) + 1
            self.unnamed[role] = n
            out = Resolved(f"unnamed {role} #{n}", role, {**ev, "mention": mention.text}, True)
        else:
            out = Resolved(mention.text, role, {**ev, "mention": mention.text}, False)
        self.last_unnamed = (low.split()[-1], out)
        return out
