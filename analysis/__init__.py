"""ReactionLens analysis: ingest → quotes → sentiment → stance → aggregate, on one statement table."""

from __future__ import annotations

from analysis.errors import (
    EvaluationError,
    InputError,
    ReactionLensError,
    SchemaError,
    UnsafeURLError,
)
from analysis.report import ImportReport, Skip
from analysis.schema import COLUMNS, Statement, from_records, validate

__all__ = [
    "COLUMNS",
    "EvaluationError",
    "ImportReport",
    "InputError",
    "ReactionLensError",
    "SchemaError",
    "Skip",
    "Statement",
    "UnsafeURLError",
    "from_records",
    "validate",
]
