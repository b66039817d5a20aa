"""A speaker's role from the words around its mention, with the deciding word kept as evidence.

The head of a description decides (“a former police officer and union expert” -> expert):
the last role word of the title or appositive wins. A spokesperson takes the role of the body
it speaks for. Words after ``told``/``to`` name the listener, so they are never read here.
"""

from __future__ import annotations

import re

from analysis.quotes.rules import (
    BODY_TITLES,
    BUSINESS_MODIFIERS,
    BUSINESS_NOUNS,
    OFFICE_PHRASES,
    OFFICIAL_ORG_WORDS,
    ORG_WORDS,
    PRIVATE_LIFE_VERBS,
    RESEARCH_BODIES,
    ROLE_CUES,
)

_WORD = re.compile(r"[A-Za-z][\w.\-]*")
_CUE_ROLE = {word: role for role, words in ROLE_CUES.items() for word in words} | BODY_TITLES
_SPOKES = frozenset(
    {"spokesperson", "spokesman", "spokeswoman", "representative", "representatives"}
)
_HEAD_STOP = frozenset({"at", "for", "of", "with", "from", "in", "who", "which", "on"})
_OFFICE = re.compile(
    r"\b(" + "|".join(re.escape(p) for p in sorted(OFFICE_PHRASES, key=len, reverse=True)) + r")\b",
    re.I,
)
_PARTY = frozenset("republican democrat democratic gop nominee candidate".split())
_OFFICIAL_BODY = OFFICIAL_ORG_WORDS | (ROLE_CUES["official"] - _PARTY)  # "for the mayor"
_ORG_BODY = ORG_WORDS | ROLE_CUES["organization"]
_OWNING = frozenset("own owns owned run runs ran manage manages managed opened".split())
_SOURCE_WORDS = frozenset("familiar briefed knowledgeable close".split())
_PLACES = frozenset("city county state house street town village".split())

Evidence = dict[str, object]


_SOCIAL = re.compile(r"social\s+media|social\s+network(?:s|ing)?", re.I)


def _words(text: str) -> list[str]:
    text = _SOCIAL.sub("social-media", text)  # "people on social media" is the public, not media
    text = _OFFICE.sub(lambda m: OFFICE_PHRASES[m.group().lower()], text)
    return [
        w.lower().rstrip(".") if not w.endswith(".") or len(w) > 4 else w.lower()
        for w in _WORD.findall(text)
    ]


_OPEN_DESCRIPTION = frozenset(
    "a an the who whose his her their now then former longtime local".split()
)
_NOT_DESCRIPTION = frozenset(
    "and but or which that as when while according if so he she they it we i said says in on at"
    " for with from to by after before during about under over into through via speaking".split()
)


def is_description(chunk: str) -> bool:
    """Whether the words after ``Name,`` describe the person (an appositive).

    "a professor of law", "who runs a bakery" always; a bare noun phrase ("head of the Tax
    Policy Center", "House editor for the Report") only when a short head names a role;
    never a verb phrase ("adding that …").
    """
    words = chunk.split()
    if not words:
        return False
    low = words[0].lower()
    if low in _OPEN_DESCRIPTION:
        return True
    if low in _NOT_DESCRIPTION or low.endswith(("ing", "ed")):
        return False
    head = 0
    for w in _words(chunk):
        if w in _HEAD_STOP:
            break
        head += 1
    return head <= 4 and role_from_words(chunk, "appositive") is not None


def role_from_words(text: str, rule: str) -> tuple[str, Evidence] | None:
    """The role named by the head of ``text`` (a title or an appositive), or None."""
    words = _words(text)
    if words[:1] in (["who"], ["whose"]):
        return _relative_clause(words, rule)
    head: list[str] = []
    for k, w in enumerate(words):
        if w in _HEAD_STOP and head:
            rest = " ".join(words[k + 1 :])
            return _decide(head, rule, rest)
        head.append(w)
    return _decide(head, rule, "")


def _decide(head: list[str], rule: str, rest: str) -> tuple[str, Evidence] | None:
    hits = [w for w in head if w in _CUE_ROLE]
    if not hits:
        return None
    cue = hits[-1]
    if cue in {"person", "people"} and set(head) & _SOURCE_WORDS:
        return None  # "a person familiar with the talks": an anonymous source, not the public
    if cue in BODY_TITLES:
        return _body_title(cue, head, rest, rule)
    return _CUE_ROLE[cue] or "unknown", {"cue": cue, "rule": rule}


def _body_title(cue: str, head: list[str], rest: str, rule: str) -> tuple[str, Evidence] | None:
    """A director, manager or spokesperson takes the role of the body it serves."""
    body = (set(rest.split()) | set(head)) - {cue}
    if cue in {"director", "head"} and body & RESEARCH_BODIES:
        role, why = "expert", "of a research body"
    elif body & _OFFICIAL_BODY:
        role, why = "official", "of an official body"
    elif body & (_ORG_BODY | BUSINESS_MODIFIERS):
        role, why = "organization", "of an organisation"
    else:
        default = BODY_TITLES[cue]
        if default is None:
            return None
        role, why = default, "title"
    kind = "spokesperson" if cue in _SPOKES else cue
    return role, {"cue": cue, "rule": f"{kind} {why}" if why != "title" else rule}


def _relative_clause(words: list[str], rule: str) -> tuple[str, Evidence] | None:
    """ "who is a professor" -> expert; "who has run a bakery since 2004" -> public.

    A private-life verb (owns, runs, lives, works) makes a member of the public unless the
    clause names a body ("who works for the city's water department" -> official).
    """
    head: list[str] = []
    for k, w in enumerate(words[1:], start=1):
        if w in _HEAD_STOP:
            found = _decide(head, rule, " ".join(words[k + 1 :]))
            if found:
                return found
            break
        head.append(w)
    else:
        found = _decide(head, rule, "")
        if found:
            return found
    words = [w for w in words if w != "s"]  # "the city’s" -> city
    verbs = [w for w in words[1:6] if w in PRIVATE_LIFE_VERBS]
    if not verbs:
        return None
    at = words.index(verbs[0])
    after = words[at + 1 : at + 7]
    if verbs[0] in _OWNING and not BUSINESS_NOUNS & set(after[:5]):
        return None  # "who runs the campaign's effort": not a private business
    official = [w for w in after if w in OFFICIAL_ORG_WORDS and w not in _PLACES]
    org = [w for w in after if w in ORG_WORDS and w not in _PLACES]
    business = [w for w in after[:5] if w in BUSINESS_NOUNS]
    decider = (official or org or business or [verbs[0]])[0]
    clause = " ".join(words[: at + 1 + after.index(decider) + 1 if decider in after else at + 1])
    if official:
        return "official", {"cue": clause, "rule": "relative clause: works for a public body"}
    if org:
        return "organization", {"cue": clause, "rule": "relative clause: works for an organisation"}
    return "public", {"cue": clause, "rule": "relative clause: private life"}


def institution_role(name: str) -> tuple[str, Evidence]:
    """Official for public bodies (Police Department, City Council), organisation otherwise."""
    words = _words(name)
    official = [w for w in words if w in OFFICIAL_ORG_WORDS]
    if official:
        return "official", {"cue": official[-1], "rule": "public body"}
    media = [w for w in words if w in ROLE_CUES["media"]]
    if media:
        return "media", {"cue": media[-1], "rule": "outlet name"}
    org = [w for w in words if w in ORG_WORDS or w in ROLE_CUES["organization"]]
    if org:
        return "organization", {"cue": org[-1], "rule": "organisation name"}
    return "organization", {"cue": name, "rule": "institution"}
