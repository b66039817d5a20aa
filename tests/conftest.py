"""Shared fixtures. Each block is marked with the area it serves; add blocks, don't rewrite others."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the property tests on a fixed sequence of examples, so a red run is reproducible and a
# green one is not luck; locally they keep exploring new examples. No deadline: a loaded
# 2-core machine must not turn slowness into failures.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the clone (evaluation data); tests that need it skip when it is absent."""
    if not (SHARED / "eval").is_dir():
        pytest.skip(f"evaluation data not found at {SHARED}/eval (CI has it beside the clone)")
    return SHARED
