"""Stance toward a user-named target: favor | against | neutral, a score and its evidence.

``score_stance`` reads one statement; ``add_stance`` fills the stance columns of a statement
table; ``evaluate_stance`` measures against human labels. Cue lists are ``stance_cues.en.v1``.
"""

from __future__ import annotations

from analysis.stance.attach import add_stance
from analysis.stance.cues import LEXICON_VERSION, STANCE_VERSION
from analysis.stance.evaluate import evaluate_stance
from analysis.stance.score import StanceResult, score_stance
from analysis.stance.target import Target

#: Names of the lists and lexicons that produced stance columns, for the run manifest.
VERSIONS: dict[str, str] = {"stance_cues": STANCE_VERSION, "stance_lexicon": LEXICON_VERSION}

__all__ = [
    "add_stance",
    "STANCE_VERSION",
    "VERSIONS",
    "StanceResult",
    "Target",
    "evaluate_stance",
    "score_stance",
]
