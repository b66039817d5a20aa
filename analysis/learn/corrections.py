"""The analyst's corrections: stored beside a statement table, kept across re-runs, applied last.

A correction names a statement by ``statement_id`` (stable across runs of the same input) or, for
text that came from elsewhere, by its text; plus the target it was judged against, the field
(``stance`` or ``sentiment``) and the label. They live in a JSONL sidecar next to the table
(:func:`corrections_path`), one object per line, so they survive re-analysis and can be moved
between projects.

Applying them follows "compute, then attach": the scores are computed as usual and
:func:`apply_corrections` overwrites the labels afterwards. The statement table has no
"corrected" column, so a corrected row carries an evidence item
``{"kind": "correction", "label": ..., "was": ..., ...}`` in its evidence JSON (it survives
writing the table to disk, and :func:`corrected_mask` reads it back), and the function also
returns the boolean mask for the caller's convenience.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.errors import InputError
from analysis.jsonl import json_lines
from analysis.schema import SENTIMENT_LABELS, STANCE_LABELS

FIELDS: dict[str, tuple[str, ...]] = {"stance": STANCE_LABELS, "sentiment": SENTIMENT_LABELS}
#: A human label is certain: a corrected stance gets the score of its side.
STANCE_SCORE = {"favor": 1.0, "against": -1.0, "neutral": 0.0}
_SPACE = re.compile(r"\s+")
_LINE_HELP = '{"statement_id" or "text", "target", "label", "field": "stance"|"sentiment"}'


@dataclass(frozen=True)
class Correction:
    """One human label for one statement (by id or by text) toward one target."""

    label: str
    target: str = ""
    field: str = "stance"
    statement_id: str | None = None
    text: str | None = None
    corrected_at: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """What a later correction replaces: (statement id or text hash, target, field)."""
        ref = self.statement_id or f"text:{text_hash(self.text or '')}"
        return ref, same_target(self.target) if self.field == "stance" else "", self.field

    def to_dict(self) -> dict[str, Any]:
        """The JSONL object, without empty fields."""
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


def text_hash(text: str) -> str:
    """Hash of a text with whitespace collapsed, so re-wrapped text still matches."""
    return hashlib.sha1(normalize_text(text).encode()).hexdigest()[:16]


def normalize_text(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def same_target(target: str | None) -> str:
    """Targets match case-insensitively with whitespace collapsed ("Joe  Biden" = "joe biden")."""
    return normalize_text(target or "").casefold()


def corrections_path(table_path: str | Path) -> Path:
    """The sidecar beside a statement table: ``out/statements.parquet`` -> ``out/statements.parquet.corrections.jsonl``."""
    path = Path(table_path)
    return path.with_name(path.name + ".corrections.jsonl")


def make_correction(item: object, *, where: str = "correction") -> Correction:
    """Check one raw object and build a Correction; InputError names what is wrong and what is valid."""
    if not isinstance(item, dict):
        raise InputError(f"{where}: expected a JSON object {_LINE_HELP}")
    field = str(item.get("field") or "stance").strip().lower()
    if field not in FIELDS:
        raise InputError(f"{where}: field {field!r} is not one of {list(FIELDS)}")
    label = str(item.get("label") or "").strip().lower()
    if label not in FIELDS[field]:
        raise InputError(f"{where}: {field} label {label!r} is not one of {list(FIELDS[field])}")
    sid, text = _opt_str(item.get("statement_id")), _opt_str(item.get("text"))
    if sid is None and text is None:
        raise InputError(f"{where}: needs 'statement_id' or 'text' to say which statement")
    target = _opt_str(item.get("target")) or ""
    if field == "stance" and not target:
        raise InputError(f"{where}: a stance correction needs 'target' (what the stance is toward)")
    at = _opt_str(item.get("corrected_at"))
    return Correction(label, target, field, sid, text, at)


def _opt_str(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def read_corrections(path: str | Path) -> list[Correction]:
    """Import a corrections JSONL file; a bad line raises InputError with its line number."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read corrections ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: corrections must be UTF-8 JSONL ({exc.reason})") from exc
    found = [
        make_correction(item, where=where)
        for where, _, item in json_lines(raw, source=str(path), expected=_LINE_HELP)
    ]
    return merge_corrections(found)


def load_corrections(path: str | Path) -> list[Correction]:
    """The corrections stored at ``path``; none yet when the file does not exist."""
    return read_corrections(path) if Path(path).is_file() else []


def merge_corrections(*batches: Iterable[Correction]) -> list[Correction]:
    """One correction per key, the latest given winning, in the order keys were first seen."""
    merged: dict[tuple[str, str, str], Correction] = {}
    for batch in batches:
        for correction in batch:
            merged[correction.key] = correction
    return list(merged.values())


def save_corrections(path: str | Path, corrections: Iterable[Correction]) -> Path:
    """Write (replace) the file with ``corrections`` merged by key; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(c.to_dict(), ensure_ascii=False) for c in merge_corrections(corrections)]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def add_corrections(path: str | Path, new: Iterable[Correction]) -> list[Correction]:
    """Add to (or replace in) the stored corrections; a bulk correction is just many at once."""
    merged = merge_corrections(load_corrections(path), new)
    save_corrections(path, merged)
    return merged


def matching(
    frame: pd.DataFrame, corrections: Sequence[Correction], *, target: str | None, field: str
) -> pd.Series:
    """The corrected label for each row (None where there is none) for ``target`` and ``field``.

    A correction by id wins over one by text for the same row; among equals the later wins.
    """
    wanted = same_target(target)
    by_id: dict[str, str] = {}
    by_text: dict[str, str] = {}
    for c in corrections:
        if c.field != field or (field == "stance" and same_target(c.target) != wanted):
            continue
        if c.statement_id is not None:
            by_id[c.statement_id] = c.label
        else:
            by_text[text_hash(c.text or "")] = c.label
    labels: list[str | None] = []
    for sid, text in zip(frame["statement_id"], frame["text"], strict=True):
        label = by_id.get(str(sid)) if sid is not None and not pd.isna(sid) else None
        if label is None and by_text and isinstance(text, str):
            label = by_text.get(text_hash(text))
        labels.append(label)
    return pd.Series(labels, index=frame.index, dtype="object")


def apply_corrections(
    frame: pd.DataFrame,
    corrections: Sequence[Correction],
    *,
    target: str | None,
    field: str = "stance",
) -> tuple[pd.DataFrame, pd.Series]:
    """Attach the analyst's labels to a scored table; returns (new frame, corrected mask).

    ``target`` is the run's target text (stance corrections for other targets are ignored;
    sentiment corrections apply whatever the target). Corrected stance rows get the score of
    their side (favor 1, against -1, neutral 0); sentiment rows keep VADER's numbers and change
    only the label. Each corrected row gets an evidence item ``{"kind": "correction", "label",
    "was", "was_score", "corrected_at"}`` so the table itself says it was corrected.
    """
    if field not in FIELDS:
        raise InputError(f"field {field!r} is not one of {list(FIELDS)}")
    gold = matching(frame, corrections, target=target, field=field)
    mask = gold.notna()
    out = frame.copy()
    if not mask.any():
        return out, mask.astype(bool)
    label_col = f"{field}_label"
    score_col = "stance_score" if field == "stance" else "sentiment_compound"
    ev_col = f"{field}_evidence"
    rows = mask[mask].index
    out[ev_col] = out[ev_col].astype("object")
    for row in rows:
        raw = out.at[row, ev_col]
        earlier = correction_marker(raw)  # corrected before: keep what the scorer said
        item = {
            "kind": "correction",
            "text": "",
            "label": gold[row],
            "was": earlier["was"] if earlier else _plain(out.at[row, label_col]),
            "was_score": earlier["was_score"] if earlier else _plain(out.at[row, score_col]),
            "note": "label set by the analyst",
        }
        out.at[row, ev_col] = with_evidence(raw, item)
    out[ev_col] = out[ev_col].astype(frame[ev_col].dtype)
    out.loc[rows, label_col] = gold[rows].astype(str).to_numpy()
    if field == "stance":
        out.loc[rows, "stance_score"] = [STANCE_SCORE[g] for g in gold[rows]]
    return out, mask.astype(bool)


def _plain(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def with_evidence(raw: object, item: dict[str, Any]) -> str:
    """Evidence JSON with ``item`` added: appended to a list, under its kind in an object.

    A previous item of the same kind is replaced, so re-applying does not stack markers.
    """
    data: Any = None
    if isinstance(raw, str) and raw:
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
    kind = item["kind"]
    if isinstance(data, dict):
        data = {**data, kind: item}
    else:
        kept = (
            [e for e in data if not (isinstance(e, dict) and e.get("kind") == kind)]
            if isinstance(data, list)
            else []
        )
        data = [*kept, item]
    return json.dumps(data, sort_keys=False, ensure_ascii=False)


def corrected_mask(frame: pd.DataFrame, *, field: str = "stance") -> pd.Series:
    """Which rows carry a correction marker in their evidence (e.g. after reading a table back)."""
    return (
        frame[f"{field}_evidence"].map(lambda raw: correction_marker(raw) is not None).astype(bool)
    )


def correction_marker(raw: object) -> dict[str, Any] | None:
    """The ``{"kind": "correction", ...}`` item of an evidence JSON text, if there is one."""
    if not isinstance(raw, str) or '"correction"' not in raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    items = (
        [data.get("correction")]
        if isinstance(data, dict)
        else data
        if isinstance(data, list)
        else []
    )
    for item in items:
        if isinstance(item, dict) and item.get("kind") == "correction":
            return item
    return None


def labelled_statements(
    frame: pd.DataFrame, corrections: Sequence[Correction], *, target: str
) -> list[dict[str, Any]]:
    """Training records ``{text, label, speaker, speaker_role}`` from the stance corrections.

    Rows of ``frame`` with a correction for ``target`` come first (table order); then corrections
    made by text that match no row (imported from elsewhere) with their own text.
    """
    gold = matching(frame, corrections, target=target, field="stance")
    records = []
    for row in gold[gold.notna()].index:
        speaker, role = frame.at[row, "speaker"], frame.at[row, "speaker_role"]
        records.append(
            {
                "text": str(frame.at[row, "text"]),
                "label": str(gold[row]),
                "speaker": _opt_str(speaker),
                "speaker_role": _opt_str(role),
            }
        )
    seen = {text_hash(t) for t in frame["text"].dropna().astype(str)}
    wanted = same_target(target)
    for c in merge_corrections(corrections):
        if (
            c.field == "stance"
            and c.text
            and same_target(c.target) == wanted
            and c.statement_id is None
        ):
            if text_hash(c.text) not in seen:
                records.append(
                    {"text": c.text, "label": c.label, "speaker": None, "speaker_role": None}
                )
    return records
