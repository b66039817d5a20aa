"""Same input, same output, whatever Python's hash seed (set iteration order) happens to be.

The parts of a statement are summed in the order they are found; summed in another order,
floats can differ in the last digit and a score on a rounding boundary flips.
"""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import random
from analysis.stance import Target, score_stance
from analysis.stance.cues import vader_lexicon
from analysis.stance.parts import find_parts

words = sorted(vader_lexicon())
rng = random.Random(7)
target = Target("the fare increase", ("fares",), ("the transit board",))
for _ in range(400):
    picked = rng.sample(words, 6)
    text = f"The fare increase is {' '.join(picked[:3])}, but the transit board {' '.join(picked[3:])}."
    result = score_stance(text, target)
    low = text.lower()
    parts = find_parts(text, low, low.replace(",", " ").replace(".", " ").split(), [])
    print(result.label, repr(result.score), result.evidence, parts)
"""


def _run(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout


def test_score_stance_is_identical_under_different_hash_seeds() -> None:
    first = _run("1")
    assert first.count("\n") == 400
    for seed in ("2", "3", "4"):
        assert _run(seed) == first
