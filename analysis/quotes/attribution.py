"""Who a quotation is attributed to: a speaker mention next to a reporting cue.

Looks where news writing puts attributions (AP style): after the quote (“…,” Igo said. /
“…,” said the chief.), before it (Igo said: “…” / …, writing: “…”), in the middle
(“…,” he added, “…”), in the previous paragraph (… one of whom wrote: ¶ “…”), or as a verbless
credit line (— Commissioner X). Only words and punctuation are read; no parser.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import NamedTuple

from analysis.quotes.roles import is_description, role_from_words
from analysis.quotes.rules import LISTENER_CUES, PRONOUNS, REPORTING_VERBS, WEAK_CUES
from analysis.quotes.spans import DOUBLE_OPEN, SINGLE_OPEN, Span

_ABBREV = frozenset(
    "mr mrs ms dr sen rep gov gen lt sgt capt prof st jr sr inc co corp no vs u.s u.k d.c"
    " a.m p.m jan feb aug sept oct nov dec".split()
)
_WORD = re.compile(r"[\w’'.\-]+|[,;:()—–]")
_BOUNDARY = re.compile(r"[.!?…][\"”’)]?\s+")
_SKIP_BEFORE_CUE = frozenset(
    "has had have also later then previously recently once would will further earlier again"
    " repeatedly simply just only even first last finally has, reportedly".split()
)
_STOP_BACK = frozenset(
    "and but that which while as when because after before if than or so said says to in on"
    " at with from by into about over of".split()
)
_STOP_FORWARD = frozenset(
    "in on at to during as when after before while who that which from via with about".split()
)
_ADVERBIAL = frozenset(
    "on in at after before during when while however but and so yet meanwhile significantly"
    " speaking asked earlier later still also then separately instead indeed overall".split()
)
_OPENERS = DOUBLE_OPEN + SINGLE_OPEN + '"'
_CREDIT = re.compile(r"\s*(?:—|–|―|--|-)\s*(?=[A-Z])")
_ONE_OF = re.compile(
    r"\b(?:one|some|many|two|several|another|most)\s+of\s+(?:whom|them|those)\s*$", re.I
)
_ON_SOCIAL = re.compile(
    r"\b(?:(?:one|a|another|some|many|several)\s+)?(?:\w+\s+)?"
    r"(?:people|users?|commenters?|posters?|followers?)\s+on\s+(?:social\s+media|\w+)\s*$",
    re.I,
)
_VERBISH = frozenset("is was were are has had have did does do put took gave made".split())
_UNNAMED_HEADS = frozenset("a an one another some several many other the".split())
_COLON_SPEAKER = re.compile(r"([A-Z][\w’'.\-]*(?:\s+[A-Z][\w’'.\-]*){0,3})\s*:\s*$")


class Mention(NamedTuple):
    """The words naming a speaker, plus the appositive that describes it (for the role)."""

    text: str
    start: int
    end: int
    appositive: str


class Attribution(NamedTuple):
    """Speaker mention + cue found for one span."""

    text: str
    start: int
    end: int
    cue: str
    mention: Mention | None
    position: str  # after | before | middle | previous paragraph | credit | continuation


class CueMatch(NamedTuple):
    """A reporting cue found in the text (read like ``re.Match``: start(), end(), group())."""

    at: int
    to: int
    words: str

    def start(self) -> int:
        return self.at

    def end(self) -> int:
        return self.to

    def group(self) -> str:
        return self.words


_ALPHA = re.compile(r"[A-Za-z]+")


class Cues:
    """Finds cue words by a word scan and set lookup (much faster than one big alternation)."""

    def __init__(self, cues: Collection[str]) -> None:
        words = {c.lower() for c in cues}
        self.single = frozenset(w for w in words if " " not in w)
        phrases: dict[str, list[re.Pattern[str]]] = {}
        for phrase in sorted((w for w in words if " " in w), key=len, reverse=True):
            head, rest = phrase.split(" ", 1)
            tail = r"\s+" + r"\s+".join(map(re.escape, rest.split())) + r"(?![\w’'])"
            phrases.setdefault(head, []).append(re.compile(tail, re.I))
        self.phrases = phrases

    def finditer(self, text: str, a: int, b: int) -> list[CueMatch]:
        out: list[CueMatch] = []
        for m in _ALPHA.finditer(text, a, b):
            s, e = m.span()
            if (s > 0 and text[s - 1] in "’'-") or (e < len(text) and text[e] in "’'-"):
                continue
            low = m.group().lower()
            for tail in self.phrases.get(low, ()):
                more = tail.match(text, e, b)
                if more:
                    out.append(CueMatch(s, more.end(), text[s : more.end()]))
                    break
            else:
                if low in self.single:
                    out.append(CueMatch(s, e, m.group()))
        return out


def cue_pattern(cues: Collection[str]) -> Cues:
    """The cue finder for a list of cues (single words and phrases such as ``according to``)."""
    return Cues(cues)


DEFAULT_CUES = cue_pattern(REPORTING_VERBS)


WINDOW = 400  # characters: an attribution is never further from its quote than this


def sentence_end(text: str, i: int, hi: int) -> int:
    """End of the sentence that contains offset i (abbreviations and initials do not end it)."""
    hi = min(hi, i + WINDOW)  # bounded, so huge paragraphs stay linear
    for m in _BOUNDARY.finditer(text, i, hi):
        k = m.start()
        if text[k] == "." and text[k + 1 : k + 2] == ")":
            continue  # (D-Wis.) closes an abbreviation, not a sentence
        if text[k] == ".":
            word = text[max(i, k - 6) : k].split()[-1:] or [""]
            tok = word[0].lower().lstrip("(")
            if tok in _ABBREV or (len(tok) == 1 and tok.isalpha()):
                continue
        return m.start() + 1
    return hi


def sentence_start(text: str, lo: int, i: int) -> int:
    """Start of the sentence holding offset i, not before lo (nor more than WINDOW back)."""
    lo = max(lo, i - WINDOW)
    start = lo
    for m in _BOUNDARY.finditer(text, lo, i):
        k = m.start()
        if text[k] == "." and text[k + 1 : k + 2] == ")":
            continue
        if text[k] == ".":
            tok = (text[max(lo, k - 6) : k].split()[-1:] or [""])[0].lower()
            if tok in _ABBREV or (len(tok) == 1 and tok.isalpha()):
                continue
        start = m.end()
    return start


def _tokens(text: str, a: int, b: int) -> list[tuple[str, int, int]]:
    return [(m.group(), a + m.start(), a + m.end()) for m in _WORD.finditer(text[a:b])]


def mention_before(text: str, a: int, b: int) -> Mention | None:
    """The noun phrase that ends right before a cue at b (``one irritated user`` commented)."""
    toks = _tokens(text, a, b)
    while toks and toks[-1][0].lower() in _SKIP_BEFORE_CUE:
        toks.pop()
    if toks and toks[-1][0] == ")":
        opening = max((k for k, t in enumerate(toks) if t[0] == "("), default=-1)
        toks = toks[:opening] if opening > 0 else toks
    if not toks:
        return None
    if toks[-1][0] == ",":
        return subject_of(text, a, toks[-1][1])
    m = _ONE_OF.search(text, a, toks[-1][2]) or _ON_SOCIAL.search(text, a, toks[-1][2])
    if m:
        return Mention(m.group(), m.start(), m.end(), "")
    picked: list[tuple[str, int, int]] = []
    for k in range(len(toks) - 1, -1, -1):
        tok = toks[k]
        low = tok[0].lower()
        if _name_of(toks, k, picked):
            picked.append(tok)  # "the Ministry of Transport": "of" inside a name
            continue
        if not tok[0][0].isalnum() or (low in _STOP_BACK and picked) or len(picked) >= 7:
            break
        picked.append(tok)
        if low in {"the", "a", "an", "one", "another", "his", "her", "their", "its"}:
            break
    if not picked:
        return None
    picked.reverse()
    return Mention(text[picked[0][1] : picked[-1][2]], picked[0][1], picked[-1][2], "")


def _name_of(toks: list[tuple[str, int, int]], k: int, picked: list[tuple[str, int, int]]) -> bool:
    """``of`` between two capitalised words (Ministry of Transport, Bank of Millbrook)."""
    return (
        toks[k][0] == "of"
        and bool(picked)
        and picked[-1][0][:1].isupper()
        and k > 0
        and toks[k - 1][0][:1].isupper()
    )


def subject_of(text: str, a: int, b: int) -> Mention | None:
    """The subject of the clause in [a, b): fronted adverbials and appositives skipped."""
    chunks = [c for c in _split_commas(text, a, b) if text[c[0] : c[1]].strip()]
    for k, (s, e) in enumerate(chunks):
        toks = _tokens(text, s, e)
        if not toks:
            continue
        if toks[0][0].lower() in _ADVERBIAL and len(chunks) > k + 1:
            continue
        head = _leading_np(text, toks)
        if head is None:
            continue
        rest = chunks[k + 1] if k + 1 < len(chunks) else None
        appositive = text[rest[0] : rest[1]].strip() if rest and head[1] >= e - 1 else ""
        if not is_description(appositive):
            appositive = ""
        return Mention(text[head[0] : head[1]], head[0], head[1], appositive)
    return None


def _split_commas(text: str, a: int, b: int) -> list[tuple[int, int]]:
    out, start = [], a
    for k in range(a, b):
        if text[k] == ",":
            out.append((start, k))
            start = k + 1
    out.append((start, b))
    return out


def _leading_np(text: str, toks: list[tuple[str, int, int]]) -> tuple[int, int] | None:
    """Offsets of the noun phrase opening a chunk: a pronoun, a capitalised run or a det phrase."""
    first = toks[0][0]
    low = first.lower()
    if low in PRONOUNS:
        return toks[0][1], toks[0][2]
    if first[0].isupper() and low not in {"the", "a", "an", "one", "another"}:
        end = toks[0][2]
        for tok in toks[1:]:
            if tok[0][0].isupper() or tok[0].lower() in {"of", "de", "van", "von", "al"}:
                end = tok[2]
            else:
                break
        return toks[0][1], end
    if low in {"the", "a", "an", "one", "another", "some", "many", "several", "other"}:
        end = toks[0][2]
        for tok in toks[1:5]:
            w = tok[0].lower()
            if not tok[0][0].isalnum() or w in _STOP_FORWARD or w in REPORTING_VERBS:
                break
            if w.endswith("ed") and len(w) > 4 and not tok[0][0].isupper() or w in _VERBISH:
                break
            end = tok[2]
        return toks[0][1], end
    return None


def mention_after(text: str, a: int, b: int) -> Mention | None:
    """The noun phrase right after an inverted cue (said ``the chief``, according to ``X``)."""
    toks = _tokens(text, a, b)
    picked: list[tuple[str, int, int]] = []
    for tok in toks:
        w = tok[0].lower()
        if not tok[0][0].isalnum() or w in _STOP_FORWARD or len(picked) >= 8:
            break
        if w == "for" and picked and picked[0][0][:1].isupper():
            break  # "Cameron Easley for Morning Consult": the affiliation is not the name
        picked.append(tok)
    if not picked:
        return None
    end = picked[-1][2]
    last = picked[-1][0].lower().rstrip(".")
    if picked[-1][0].endswith(".") and last not in _ABBREV and len(last) > 1:
        end -= 1
    appositive = ""
    if end < b and text[end : end + 1] == ",":
        stop = text.find(",", end + 1, b)
        appositive = text[end + 1 : stop if stop > 0 else b].strip()
        if not is_description(appositive):
            appositive = ""
    return Mention(text[picked[0][1] : end], picked[0][1], end, appositive)


def _inverted_speaker(text: str, mention: Mention, b: int) -> bool:
    """``said Smith, “`` : a name or definite phrase, then only punctuation up to the quote."""
    first = mention.text.split()[0] if mention.text.split() else ""
    if not (first[:1].isupper() or first.lower() in {"the", "a", "an", "one"}):
        return False
    rest = text[mention.end : b]
    if mention.appositive:
        rest = rest.replace(mention.appositive, "", 1)
    return bool(rest.strip()) and not rest.strip(" ,:;\n\t—–-")


def find_cue(text: str, a: int, b: int, cues: Cues, *, last: bool) -> CueMatch | None:
    found = cues.finditer(text, a, b)
    if not found:
        return None
    return found[-1] if last else found[0]


def after_quote(
    text: str, span: Span, hi: int, cues: Cues, next_open: int | None
) -> Attribution | None:
    """Attribution in the words after the closing mark: “…,” Igo said. / “…,” said the chief."""
    if span.close_mark is None:
        return None
    a = span.close_mark + 1
    end = sentence_end(text, a, hi)
    if next_open is not None and next_open < end:
        end = next_open
    credit = _CREDIT.match(text, a, end)
    if credit:
        m = mention_after(text, credit.end(), end)
        if m and text[m.end : m.end + 1] == ",":
            m = m._replace(appositive=text[m.end + 1 : end].strip())
        if m:
            return Attribution(text[credit.start() : m.end].strip(), a, m.end, "—", m, "credit")
    content_tail = text[max(span.start, span.end - 2) : span.close_mark]
    ends_sentence = content_tail.rstrip().endswith(".") and text[span.end - 1 : span.end] == "."
    cue = find_cue(text, a, min(end, a + 160), cues, last=False)
    if cue is None or text[a : cue.start()].count(" ") > 12:
        return None
    if ends_sentence and text[a:end].count(" ") > 5:
        return None
    words_before = text[a : cue.start()].strip(" ,")
    if not words_before:
        mention = mention_after(text, cue.end(), end)
        if cue.group().lower() in {"told", "tells"}:  # “…,” told X: X is the listener
            mention = None
    else:
        mention = mention_before(text, a, cue.start())
    if mention is None:
        return None
    s = min(mention.start, cue.start())
    e = max(mention.end, cue.end())
    return Attribution(text[s:e], s, e, cue.group(), mention, "after")


def before_quote(
    text: str,
    span: Span,
    lo: int,
    cues: Cues,
    prev_close: int | None,
    *,
    reach_back: bool = False,
) -> Attribution | None:
    """Attribution in the words that lead into the quote: Igo said: “…” / said Smith, “…”.

    The cue must follow the previous quote of the sentence; with ``reach_back`` (that quote is
    a quoted name inside the sentence) the speaker may stand before it.
    """
    a = sentence_start(text, lo, span.open_mark)
    sentence = a
    middle = prev_close is not None and prev_close >= a and not reach_back
    if prev_close is not None and prev_close >= a:
        a = prev_close + 1
    b = span.open_mark
    lead = text[a:b].rstrip()
    if not lead:
        return None
    cue = find_cue(text, a, b, cues, last=True)
    if cue is None:
        colon = _COLON_SPEAKER.search(lead)
        if colon and len(lead.split()) <= 5:
            s, e = a + colon.start(1), a + colon.end(1)
            m = Mention(text[s:e], s, e, "")
            return Attribution(text[s:e], s, e, ":", m, "before")
        return None
    after = text[cue.end() : b].strip(" ,:\n")
    mention = None
    if after and cue.group().lower() not in LISTENER_CUES:
        mention = mention_after(text, cue.end(), b)
        if mention is not None and not _inverted_speaker(text, mention, b):
            mention = None
    if mention is None:
        mention = mention_before(text, sentence if reach_back else a, cue.start())
    if mention is None:
        return None
    s, e = min(mention.start, cue.start()), max(mention.end, cue.end())
    return Attribution(text[s:e], s, e, cue.group(), mention, "middle" if middle else "before")


def _colon_intro(text: str, a: int, colon: int) -> Attribution | None:
    """``A third reply summed up the mood:`` then a quote-only paragraph: the subject speaks.

    Without a cue verb the subject must say who it is: a name, or an unnamed phrase whose
    words carry a role ("a third reply", "one angry resident"); "The rules are:" is no speaker.
    """
    mention = subject_of(text, a, colon)
    if mention is None:
        return None
    words = mention.text.split()
    first = words[0]
    named = first[:1].isupper() and first.lower() not in _UNNAMED_HEADS and len(words) <= 4
    if named and len(words) == 1:  # one capitalised word: a name only if used mid-sentence too
        named = re.search(r"[a-z,] " + re.escape(first) + r"\b", text) is not None
    if not named and not (first.lower() in _UNNAMED_HEADS and _has_role_word(mention.text)):
        return None
    return Attribution(
        text[mention.start : colon + 1],
        mention.start,
        colon + 1,
        ":",
        mention,
        "previous paragraph",
    )


def _has_role_word(phrase: str) -> bool:
    return role_from_words(phrase, "description") is not None


def previous_paragraph(text: str, para: tuple[int, int], cues: Cues) -> Attribution | None:
    """An introducer in the paragraph before: ``…, one of whom wrote:`` or ``X said:``."""
    lo, hi = para
    last = sentence_start(text, lo, hi)
    body = text[last:hi].rstrip()
    ends_colon = body.endswith(":")
    cands = list(cues.finditer(text, last, hi))
    strong = [c for c in cands if " ".join(c.group().lower().split()) not in WEAK_CUES]
    if not strong:
        return _colon_intro(text, last, last + len(body) - 1) if ends_colon else None
    cue = strong[-1] if ends_colon else strong[0]
    if any(ch in text[cue.end() : hi] for ch in _OPENERS):
        return None
    mention = None
    if cue.group().lower().endswith("ing"):
        mention = subject_of(text, last, cue.start())
    else:
        mention = mention_before(text, last, cue.start())
    if mention is None:
        return None
    s, e = min(mention.start, cue.start()), max(mention.end, cue.end())
    return Attribution(text[s:e], s, e, cue.group(), mention, "previous paragraph")


_INSIDE_SPEAKER = frozenset("the a an one another he she they".split())
_TAIL_WORDS = 5  # "…, Lee said at the hearing.": a few words may follow the cue


def inside_unclosed(text: str, span: Span, cues: Cues) -> tuple[int, int, Attribution] | None:
    """An attribution left inside an unclosed quote: ``“We will appeal, Lee said. …``.

    The closing mark was forgotten before ``, <speaker> <cue>`` or ``, <cue> <speaker>``
    ending a sentence; returns where the quotation really ends, where the attribution's
    sentence ends (a quotation may go on after it) and the attribution. A first
    or second person (``, we said``) belongs to the quotation, so it never counts.
    """
    if span.close_mark is not None:
        return None
    lo, hi = span.pieces[-1]
    for cue in cues.finditer(text, lo, hi):
        comma = text.rfind(",", lo, cue.start())
        if comma < 0 or len(text[lo:comma].split()) < 2:
            continue  # at least two words of the quotation's last paragraph before the comma
        end = sentence_end(text, cue.end(), hi)
        gap = text[comma + 1 : cue.start()]
        if gap.strip():
            mention = mention_before(text, comma + 1, cue.start())
            lead = text[comma + 1 : mention.start] if mention else "x"
        else:
            mention = mention_after(text, cue.end(), end)
            lead = ""
        if mention is None or lead.strip() or not _third_person(mention.text):
            continue
        stop = max(mention.end, cue.end())
        if len(text[stop:end].split()) > _TAIL_WORDS or text[end - 1 : end] not in ".!?":
            continue
        s, e = min(mention.start, cue.start()), stop
        return comma, end, Attribution(text[s:e], s, e, cue.group(), mention, "after")
    return None


def _third_person(phrase: str) -> bool:
    words = phrase.split()
    if not 1 <= len(words) <= 5:
        return False
    return (
        words[0][:1].isupper()
        and words[0].lower() not in {"i", "we", "you"}
        or (words[0].lower() in _INSIDE_SPEAKER)
    )
