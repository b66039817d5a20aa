"""A speaker's role from the words around its mention, with the deciding word kept as evidence.

The head of a description decides (“a former police officer and union expert” -> expert):
the last role word of the title or appositive wins. A spokesperson takes the role of the body
it speaks for. Words after ``told``/``to`` name the listener, so they are never read here.
"""

from __future__ import annotations

import re

from analysis.quotes.rules import OFFICIAL_ORG_WORDS, ORG_WORDS, ROLE_CUES

_WORD = re.compile(r"[A-Za-z][\w.\-]*")
_CUE_ROLE = {word: role for role, words in ROLE_CUES.items() for word in words}
_SPOKES = frozenset(
    {"spokesperson", "spokesman", "spokeswoman", "representative", "representatives"}
)
_HEAD_STOP = frozenset({"at", "for", "of", "with", "from", "in", "who", "which", "on"})

Evidence = dict[str, object]


_SOCIAL = re.compile(r"social\s+media|social\s+network(?:s|ing)?", re.I)


def _words(text: str) -> list[str]:
    text = _SOCIAL.sub("social-media", text)  # "people on social media" is the public, not media
    return [
        w.lower().rstrip(".") if not w.endswith(".") or len(w) > 4 else w.lower()
        for w in _WORD.findall(text)
    ]


def role_from_words(text: str, rule: str) -> tuple[str, Evidence] | None:
    """The role named by the head of ``text`` (a title or an appositive), or None."""
    words = _words(text)
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
    role = _CUE_ROLE[cue]
    if cue in _SPOKES:
        body = set(rest.split()) | set(head)
        role = "official" if body & (OFFICIAL_ORG_WORDS | ROLE_CUES["official"]) else "organization"
        return role, {
            "cue": cue,
            "rule": "spokesperson of "
            + ("an official body" if role == "official" else "an organisation"),
        }
    return role, {"cue": cue, "rule": rule}


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
