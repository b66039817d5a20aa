"""JSON lines read one way everywhere: blank lines pass, a bad line is named by its number."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from analysis.errors import InputError, ReactionLensError


def json_lines(
    raw: str, *, source: str, expected: str, error: type[ReactionLensError] = InputError
) -> Iterator[tuple[str, int, Any]]:
    """Yield ``(where, line number, value)`` for each non-blank line of ``raw``.

    Raises ``error`` naming ``source`` and the line when a line is not JSON, with ``expected``
    saying what each line should hold.
    """
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}, line {number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise error(f"{where}: not JSON ({exc.msg}); expected {expected}") from exc
        yield where, number, value
