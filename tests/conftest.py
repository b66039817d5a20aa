"""Shared fixtures. Each block is marked with the area it serves; add blocks, don't rewrite others."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the clone (evaluation data); tests that need it skip when it is absent."""
    if not (SHARED / "eval").is_dir():
        pytest.skip(f"evaluation data not found at {SHARED}/eval (CI has it beside the clone)")
    return SHARED
