"""Progress reporting shared by the CLI (tqdm) and the dashboard (st.progress)."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Called as work advances: ``stage`` names the step, counts are in rows.

    ``total`` is 0 while it is not known yet (inputs read as they stream).
    """

    def __call__(self, stage: str, done: int, total: int, skipped: int) -> None: ...


def silent(stage: str, done: int, total: int, skipped: int) -> None:
    """A Progress that shows nothing."""
