"""Stance toward a user-named target: favor | against | neutral, a score and its evidence.

``score_stance`` reads one statement; ``add_stance`` fills the stance columns of a statement
table; ``evaluate_stance`` measures against human labels. Cue lists are ``stance_cues.en.v2``.
"""

from __future__ import annotations

from analysis.stance import parts as _parts
from analysis.stance import score as _score
from analysis.stance.attach import add_stance
from analysis.stance.cues import LEXICON_VERSION, STANCE_VERSION
from analysis.stance.evaluate import evaluate_stance
from analysis.stance.score import StanceResult, score_stance
from analysis.stance.target import Target

#: Names of the lists and lexicons that produced stance columns, for the run manifest.
VERSIONS: dict[str, str] = {"stance_cues": STANCE_VERSION, "stance_lexicon": LEXICON_VERSION}

#: The rule weights and thresholds in force, for the run manifest (see score.py and parts.py).
STANCE_SETTINGS: dict[str, float] = {
    "favor_at": _score.FAVOR_AT,
    "near_chars": _score.NEAR_CHARS,
    "near": _score.NEAR,
    "same_sentence": _score.SAME_SENTENCE,
    "other_sentence": _score.OTHER_SENTENCE,
    "context_factor": _score.CONTEXT_FACTOR,
    "speaker_prior": _score.SPEAKER_PRIOR,
    "valence_scale": _parts.VALENCE_SCALE,
    "positive_discount": _parts.POSITIVE_DISCOUNT,
    "negation_factor": _parts.NEGATION_FACTOR,
    "question_factor": _parts.QUESTION_FACTOR,
    "hashtag_weight": _parts.HASHTAG_WEIGHT,
}

__all__ = [
    "add_stance",
    "LEXICON_VERSION",
    "STANCE_SETTINGS",
    "STANCE_VERSION",
    "VERSIONS",
    "StanceResult",
    "Target",
    "evaluate_stance",
    "score_stance",
]
