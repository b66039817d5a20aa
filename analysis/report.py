"""What an import or extraction did with every row: read = produced + skipped, each skip with its reason."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

RAW_EXCERPT = 200  # characters of a skipped row kept so a user can see what it was


class Skip(NamedTuple):
    """One input row that did not become a statement."""

    row: int | None  # 1-based row/line number in the source, None when it has none
    reason: str  # short and stable, e.g. "empty text", "malformed JSON"
    raw: str = ""  # an excerpt of the row, capped at RAW_EXCERPT characters


@dataclass
class ImportReport:
    """The accounting of one source (a comment export or an article)."""

    source: str
    layout: (
        str  # e.g. "flat table", "x-twitter api v2 json", "reddit pushshift jsonl", "article html"
    )
    mapping: dict[str, str | None] = field(default_factory=dict)  # statement field -> input column
    rows_read: int = 0
    statements: int = 0
    skipped: list[Skip] = field(default_factory=list)
    notes: list[str] = field(
        default_factory=list
    )  # e.g. "decoded as cp1252", "recovered unclosed quote"

    def skip(self, row: int | None, reason: str, raw: object = "") -> None:
        self.skipped.append(Skip(row, reason, str(raw)[:RAW_EXCERPT]))

    @property
    def skipped_by_reason(self) -> dict[str, int]:
        return dict(Counter(s.reason for s in self.skipped))

    @property
    def balanced(self) -> bool:
        """True when every row read is accounted for."""
        return self.rows_read == self.statements + len(self.skipped)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "layout": self.layout,
            "mapping": dict(self.mapping),
            "rows_read": self.rows_read,
            "statements": self.statements,
            "skipped": len(self.skipped),
            "skipped_by_reason": self.skipped_by_reason,
            "notes": list(self.notes),
        }
