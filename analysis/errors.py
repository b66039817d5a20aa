"""Errors ReactionLens raises on purpose.

    ReactionLensError          base: the CLI prints its message on one line and exits 2
    ├── InputError             a file, row or column that cannot be read as asked
    │   └── UnsafeURLError     a URL refused before (or after) connecting: private host, wrong type, too big
    ├── SchemaError            a table that does not match the statement schema
    └── EvaluationError        an evaluation file that does not have the expected records

Messages name the file, row and column and say what would be valid.
"""

from __future__ import annotations


class ReactionLensError(Exception):
    """Base class: anything the user can fix by changing the input or options."""


class InputError(ReactionLensError):
    """Input that cannot be read as asked."""


class UnsafeURLError(InputError):
    """A URL that is refused: private or loopback host, wrong content type, too large."""


class SchemaError(ReactionLensError):
    """A table whose columns, dtypes or labels break the statement schema."""


class EvaluationError(ReactionLensError):
    """An evaluation file without the records the evaluation needs."""
