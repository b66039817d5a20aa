"""Stance cue lists (``stance_cues.en.v2``): the words an analyst reads as taking a side.

The lists are data with a versioned name; change a list, change its version, so every output's
manifest says which lists produced it. Entries are regular expressions over lower-cased text
(word boundaries are added around them). Word valences come from VADER's lexicon
(Hutto & Gilbert 2014, vaderSentiment 3.3.2), loaded directly so stance does not depend on the
sentiment stage.
"""

from __future__ import annotations

import re
from functools import cache

STANCE_VERSION = "stance_cues.en.v2"
LEXICON_VERSION = "vader==3.3.2 lexicon + stance_cues.en.v2 STANCE_LEXICON"

# Each cue: (anchor words, pattern, weight). The pattern is only tried when one of its anchor
# words (exact lower-cased tokens) occurs in the text: one set intersection instead of running
# every pattern over every text keeps stance fast on a million comments.

#: Phrases that take the side of whatever they are said about.
SUPPORT_CUES: tuple[tuple[str, str, float], ...] = (
    ("support", r"(?:i|we) (?:fully |strongly |still |totally )?support", 1.5),
    ("support supports supported supporting", r"support(?:s|ed|ing)?", 1.2),
    ("stand stands standing", r"stand(?:s|ing)? (?:with|behind|by)", 1.5),
    ("thank thanks", r"thank(?:s| you)(?: so much)?", 1.0),
    ("proud", r"proud of", 1.5),
    (
        "done job work",
        r"(?:well|nicely) done|(?:good|great) (?:job|work)|keep up the good work",
        1.5,
    ),
    ("applaud applauds applauded kudos bravo hats", r"applaud(?:s|ed)?|kudos|bravo|hats off", 1.5),
    ("vote voted voting", r"vot(?:e|ed|ing) for", 1.2),
    ("agree side", r"(?:i|we) (?:agree|side) with", 1.2),
    ("favor favour", r"in favou?r of", 1.2),
    ("right", r"(?:the )?right (?:thing|call|decision|move)", 1.2),
    ("live bless", r"long live|god bless", 1.0),
    ("grateful thankful", r"(?:grateful|thankful) (?:for|to)", 1.2),
    ("need", r"(?:we|you) need (?:more|to keep)", 0.8),
    ("defend defends defended defending", r"defend(?:s|ed|ing)?", 0.8),
    ("hero heroes", r"(?:is|are|was) a hero|heroes", 1.0),
    ("president", r"(?:for|4) president", 0.8),
    # Evaluative and deontic words of argument (comment threads argue more than they cheer).
    (
        "necessary essential important vital valuable invaluable beneficial",
        r"(?:is|are|was|were|be|so|very|really|truly) (?:\w+ )?"
        r"(?:necessary|essential|important|vital|valuable|invaluable|beneficial)",
        1.0,
    ),
    ("worth", r"(?:well )?worth (?:it|the|every|saving|keeping|protecting)", 1.0),
    ("idea sense", r"(?:good|great|smart|sensible) idea|makes (?:a lot of |perfect )?sense", 1.0),
    ("allowed legal legalized", r"should be (?:allowed|legal|legalized)", 1.2),
    ("more", r"(?:we|they|you) (?:need|want|deserve) more", 0.8),
    # "like" as a verb after a subject or a negation ("like" alone is mostly a preposition).
    (
        "like",
        r"(?:(?<=\bi )|(?<=\bwe )|(?<=really )|(?<=truly )|(?<=n't )|(?<=n’t )|(?<=\bnot ))like",
        1.0,
    ),
    ("need needs deserve deserves", r"(?:need|needs|deserve|deserves)", 0.6),
    ("should must", r"(?:should|must) (?:be|have|keep|continue)", 0.5),
)

#: Phrases that oppose whatever they are said about (applied with a minus sign).
OPPOSE_CUES: tuple[tuple[str, str, float], ...] = (
    ("disgrace disgraceful shameful shame", r"disgrace(?:ful)?|shameful|shame on", 1.5),
    ("resign resigns resigned resignation step steps", r"resign(?:s|ed|ation)?|steps? down", 1.5),
    ("defund defunded defunding", r"defund(?:ed|ing)?", 1.5),
    (
        "funding",
        r"(?:take away|cut|pull|strip|withhold)\w* (?:\w+ ){0,5}funding",
        1.5,
    ),
    ("lock", r"lock (?:them|him|her) up", 1.5),
    (
        "fired removed impeached arrested jailed prosecuted",
        r"(?:should|must|needs? to) be (?:fired|removed|impeached|arrested|jailed|prosecuted)",
        1.5,
    ),
    ("fire remove", r"fire (?:him|her|them)|remove (?:him|her|them|this)", 1.2),
    ("impeach impeached impeachment", r"impeach(?:ed|ment)?", 1.2),
    ("out against", r"vote (?:him|her|them|\w+) out|vot(?:e|ed|ing) against", 1.2),
    ("boycott boycotts boycotted boycotting", r"boycott(?:s|ed|ing)?", 1.2),
    ("my", r"not my (?:president|chief|mayor|governor)", 1.5),
    ("oppose opposes opposed opposing", r"oppos(?:e|es|ed|ing)", 1.2),
    (
        "abolish abolished abolishing rid repeal repealed repealing scrap scrapped",
        r"abolish(?:ed|ing)?|get rid of|repeal(?:ed|ing)?|scrap(?:ped)?",
        1.2,
    ),
    (
        "unacceptable outrageous ridiculous absurd pathetic",
        r"unacceptable|outrageous|ridiculous|absurd|pathetic",
        1.0,
    ),
    ("ashamed dare enough", r"should be ashamed|how dare|enough is enough", 1.5),
    ("thanks thank", r"thanks? (?:you )?for nothing", 1.5),  # v2: sarcastic thanks
    (
        "liar lying lies fraud traitor puppet clown crook crooked corrupt corruption scam hoax",
        r"liar|lying|lies|fraud|traitor|puppet|clown|crook(?:ed)?|corrupt(?:ion)?|scam|hoax",
        1.0,
    ),
    ("disagree don't don’t not", r"(?:i|we) (?:disagree|don['’]t agree|do not agree) with", 1.2),
    ("waste", r"(?:a |total |complete )?waste of", 1.2),
    ("much many", r"(?:far |way |much )?too (?:much|many)", 0.8),
    ("need", r"no need (?:for|to)|(?:don['’]t|do not|doesn['’]t) need", 0.8),
    ("idea sense", r"(?:bad|terrible|stupid|dumb) idea|makes no sense|doesn['’]t make sense", 1.0),
    (
        "unnecessary harmful dangerous useless pointless overrated",
        r"unnecessary|harmful|dangerous|useless|pointless|overrated",
        1.0,
    ),
    ("banned outlawed illegal", r"should be (?:banned|outlawed|illegal|stopped|ended)", 1.2),
    ("against", r"(?:i am|i'm|we are|we're) (?:\w+ )?against", 1.2),
    ("why", r"why (?:should|would|do|does) (?:we|i|anyone|they|the government)", 0.6),
    (
        "ban banned banning stop stopped",
        r"ban|banned|banning|stop|stopped",
        0.6,
    ),
    ("shouldn't shouldnt should must", r"should not|shouldn['’]?t|must not", 0.5),
)

#: Hashtag shapes that carry a side for the name inside them (#IStandWithX, #NeverX, #X2020).
# Matched in full against the lower-cased hashtag without its '#'.
SUPPORT_HASHTAG = re.compile(
    r"(?:istandwith|standwith|wesupport|istand|welove|ilove|vote)\w*"
    r"|[a-z]\w*?(?:20[1-4]\d|4president|forpresident)"
)
OPPOSE_HASHTAG = re.compile(
    r"(?:never|notmy|impeach|dump|fire|lockhim|lockher|lockthem|stop|bye|anyonebut|resist"
    r"|defund|recall|oust)\w*"
    r"|\w*(?:liar|fraud|traitor|corrupt|dictator|moron|idiot|fake|criminal|racist|resign"
    r"|mustgo|isdone|isover)\w*"
)

#: Words that flip the next few words (VADER's NEGATE list plus a few more).
NEGATORS: frozenset[str] = frozenset(
    "not no never none nothing nobody nowhere neither nor without cannot cant can't "
    "dont don't doesnt doesn't didnt didn't isnt isn't arent aren't wasnt wasn't werent weren't "
    "wont won't wouldnt wouldn't shouldnt shouldn't couldnt couldn't havent haven't hasnt hasn't "
    "hadnt hadn't aint ain't mustnt mustn't neednt needn't hardly rarely seldom "
    "stop stopped".split()
)
NEGATION_WINDOW = 3  # tokens before a cue or valence word that can negate it (VADER looks 3 back)
RAISED_NEGATION_WINDOW = 8  # "don't think ... is a disgrace": a negated belief verb reaches further
BELIEF_VERBS: frozenset[str] = frozenset(
    "think believe feel expect suppose imagine say consider find call".split()
)

#: Cheap sarcasm markers: praise next to one of these is read as mockery.
SARCASM_CUES: tuple[str, ...] = (
    r"yeah,? right",
    r"/s",
    r"#sarcasm",
    r"sure,? because",
    r"oh,? (?:sure|great|yes|wonderful|brilliant)",
    r"thanks a lot",
    r"said no one ever",
    r"what a (?:surprise|shock)",
    r"how convenient",
    r"ri{2,}ght+",
)

#: Emoji that take a side in comment threads but whose VADER description words carry no
#: valence ("clapping hands", "clown face"): valence on VADER's -4..4 scale.
EMOJI_CUES: dict[str, tuple[float, str]] = {
    "👏": (2.0, "clapping hands: applause"),
    "👍": (1.5, "thumbs up"),
    "🙏": (1.0, "folded hands: thanks"),
    "💪": (1.5, "flexed biceps: strength"),
    "🔥": (1.0, "fire: excellent"),
    "👎": (-1.5, "thumbs down"),
    "🤡": (-2.0, "clown face: ridicule"),
    "🤮": (-2.5, "face vomiting: disgust"),
    "💩": (-2.0, "pile of poo: contempt"),
    "😡": (-2.0, "pouting face: anger"),
    "🤬": (-2.5, "face with symbols on mouth: anger"),
    "🙄": (-1.0, "face with rolling eyes: scorn"),
}

#: Question shapes that are nearly always rhetorical in argument ("Why would anyone ...?").
RHETORICAL_QUESTIONS: tuple[str, ...] = (
    r"why (?:would|should|do|does|is|are|on earth)",
    r"how (?:can|could|dare|is (?:it|this))",
    r"who (?:needs|cares|would|in their right)",
    r"what(?:'s| is) the point",
    r"since when",
    r"really",
    r"seriously",
    r"(?:is|are|was|does|do|did|would|could|should)n['’]?t",
)

#: Words that strengthen the next word (VADER's booster idea, a short list).
BOOSTERS: frozenset[str] = frozenset(
    "absolutely completely extremely incredibly really so totally truly utterly very deeply "
    "entirely especially exceptionally hugely most particularly purely quite remarkably".split()
)

#: In a reply: agreeing or disagreeing with the parent statement.
AGREE_CUES: tuple[str, ...] = (
    r"(?:i )?(?:totally |completely )?agree(?:d)?",
    r"exactly",
    r"well said",
    r"so true",
    r"this!+",
    r"\+1",
    r"100 ?%",
    r"absolutely",
    r"same here",
    r"you(?:'re| are) right",
)
DISAGREE_CUES: tuple[str, ...] = (
    r"(?:i )?disagree",
    r"you(?:'re| are) wrong",
    r"not true",
    r"nonsense",
    r"wrong",
    r"nope",
    r"bs|bull ?shit",
    r"that's (?:false|a lie)",
)

#: VADER lexicon entries that are function words or discourse markers here, not a side.
VALENCE_SKIP: frozenset[str] = frozenset(
    "no yes like lol please ok okay kind well pretty sure haha hah lmao rofl god".split()
)

#: Words too common to show that a text is about the target when they appear in its description.
COMMON_WORDS: frozenset[str] = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them themselves
    then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves
    take taking took make making made get getting got go going went part decision decide decided
    new good bad way thing things people person time year years day days use used using say said
    one two many much lot lots well also even still really whether via per use issue issues
    idea ideas question questions fact facts need needs right wrong case cases place work""".split()
)


#: Words that judge a person or a policy but are missing from VADER's lexicon (same −4..4 scale).
STANCE_LEXICON: dict[str, float] = {
    "creepy": -2.0,
    "monster": -2.5,
    "hypocrite": -2.2,
    "hypocritical": -2.0,
    "inept": -2.0,
    "senile": -1.8,
    "unfit": -2.0,
    "dictator": -2.2,
    "tyrant": -2.5,
    "bigot": -2.5,
    "sexist": -2.2,
    "thug": -2.2,
    "spineless": -2.0,
    "sleazy": -2.2,
    "slimy": -2.0,
    "extremist": -1.8,
    "unhinged": -2.0,
    "deranged": -2.2,
    "qualified": 1.2,
    "decent": 1.5,
    "principled": 1.8,
    "genius": 2.0,
    "patriot": 1.5,
    "patriotic": 1.5,
    "experienced": 1.0,
    "reliable": 1.5,
    "authentic": 1.3,
    "genuine": 1.5,
    "empathy": 1.5,
}


@cache
def vader_lexicon() -> dict[str, float]:
    """VADER's word valences (−4..4) plus ``STANCE_LEXICON``, read once."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    lexicon: dict[str, float] = dict(SentimentIntensityAnalyzer().lexicon)
    lexicon.update(STANCE_LEXICON)
    return {w: v for w, v in lexicon.items() if w not in VALENCE_SKIP}


@cache
def emoticon_valence() -> dict[str, float]:
    """VADER's emoticons (":)", "<3", ...): lexicon entries that are not words."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    lexicon: dict[str, float] = SentimentIntensityAnalyzer().lexicon
    return {k: v for k, v in lexicon.items() if not k.replace("'", "").isalpha()}


@cache
def emoji_valence() -> dict[str, tuple[float, str]]:
    """Emoji -> (valence, description): VADER reads an emoji as its description's words."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyser = SentimentIntensityAnalyzer()
    out: dict[str, tuple[float, str]] = dict(EMOJI_CUES)
    for emoji, description in analyser.emojis.items():
        value = sum(analyser.lexicon.get(w, 0.0) for w in description.lower().split())
        if value and emoji not in out:
            out[emoji] = (max(-4.0, min(4.0, value)), description)
    return out
