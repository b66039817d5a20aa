"""How often the automatic labels agree with the analyst's: the numbers an annotation study reports.

Accuracy, per-class precision/recall/F1 with counts, macro-F1 (mean F1 over every label that
occurs in gold or prediction, as scikit-learn's ``average="macro"``), Cohen's kappa (Cohen 1960:
agreement beyond what the two label distributions give by chance) and the confusion matrix
(rows gold, columns predicted), overall and per group (speaker role, source). And which evidence
words most often pushed a statement to a wrong label. Pure functions on plain sequences; the
frame-level :func:`agreement_report` only gathers the sequences.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.errors import EvaluationError
from analysis.learn.corrections import (
    FIELDS,
    Correction,
    correction_marker,
    load_corrections,
    matching,
    same_target,
)

#: Evidence kinds that explain a decision without pushing it (mentions, markers, model output).
NEUTRAL_KINDS = frozenset({"target", "opponent", "correction", "model", "sarcasm"})


def label_order(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] | None = None
) -> list[str]:
    """``labels`` if given, else every label seen, schema labels first in schema order."""
    if labels is not None:
        return list(labels)
    seen = set(gold) | set(pred)
    known = [x for field in FIELDS.values() for x in field]
    ordered = [x for x in dict.fromkeys(known) if x in seen]
    return ordered + sorted(seen - set(ordered))


def confusion(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> list[list[int]]:
    """Counts with gold labels as rows and predicted labels as columns, in ``labels`` order."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred, strict=True):
        if g in index and p in index:
            matrix[index[g]][index[p]] += 1
    return matrix


def cohen_kappa(
    gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] | None = None
) -> float | None:
    """Cohen's kappa: (p_o - p_e) / (1 - p_e); None when p_e is 1 (one label only: undefined)."""
    order = label_order(gold, pred, labels)
    matrix = confusion(gold, pred, order)
    n = sum(map(sum, matrix))
    if n == 0:
        return None
    observed = sum(matrix[i][i] for i in range(len(order))) / n
    rows = [sum(r) for r in matrix]
    cols = [sum(r[j] for r in matrix) for j in range(len(order))]
    expected = sum(r * c for r, c in zip(rows, cols, strict=True)) / (n * n)
    if expected >= 1.0:
        return None
    return round((observed - expected) / (1.0 - expected), 4)


def agreement(
    gold: Sequence[str], pred: Sequence[str], *, labels: Sequence[str] | None = None
) -> dict[str, Any]:
    """Accuracy, per-class precision/recall/F1 (with support and predicted counts), macro-F1,
    kappa and the confusion matrix of ``pred`` against ``gold``."""
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} labels but pred has {len(pred)}")
    order = label_order(gold, pred, labels)
    matrix = confusion(gold, pred, order)
    n = len(gold)
    per: dict[str, dict[str, float | int]] = {}
    for i, label in enumerate(order):
        tp = matrix[i][i]
        support, predicted = sum(matrix[i]), sum(r[i] for r in matrix)
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": support,
            "predicted": predicted,
        }
    correct = sum(g == p for g, p in zip(gold, pred, strict=True))
    # Macro-F1 over the labels present in gold or pred (scikit-learn's default): a group with no
    # "favor" statement at all is not marked down for it.
    present = [float(c["f1"]) for c in per.values() if c["support"] or c["predicted"]]
    return {
        "n": n,
        "accuracy": round(correct / n, 4) if n else 0.0,
        "per_class": per,
        "macro_f1": round(sum(present) / len(present), 4) if present else 0.0,
        "kappa": cohen_kappa(gold, pred, order),
        "confusion": {"labels": order, "matrix": matrix},
    }


def agreement_by(
    gold: Sequence[str],
    pred: Sequence[str],
    groups: Sequence[object],
    *,
    labels: Sequence[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """:func:`agreement` per group value (missing values grouped as "unknown"), groups sorted."""
    order = label_order(gold, pred, labels)
    rows: dict[str, list[int]] = {}
    for i, group in enumerate(groups):
        name = "unknown" if group is None or pd.isna(group) else str(group)  # type: ignore[call-overload]
        rows.setdefault(name, []).append(i)
    return {
        name: agreement([gold[i] for i in idx], [pred[i] for i in idx], labels=order)
        for name, idx in sorted(rows.items())
    }


def misleading_evidence(
    evidence: Sequence[object], gold: Sequence[str], pred: Sequence[str], *, top: int = 10
) -> list[dict[str, Any]]:
    """The evidence terms that most often pushed a statement toward its wrong label.

    For each wrong row, the terms of its evidence JSON (a list of ``{"kind", "text", "weight"}``,
    or an object holding such a list) that pushed the way of the wrong label count once: positive
    weight for favor/positive, negative for against/negative; for a wrong neutral, the stated
    reason (e.g. no mention of the target). Returns ``[{term, count, wrong_label}]``, most frequent
    first, ties alphabetical.
    """
    counts: Counter[tuple[str, str]] = Counter()
    for raw, g, p in zip(evidence, gold, pred, strict=True):
        if g == p:
            continue
        for term in set(_pushing_terms(raw, p)):
            counts[(term, p)] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return [{"term": term, "count": n, "wrong_label": label} for (term, label), n in ranked]


def _pushing_terms(raw: object, label: str) -> list[str]:
    sign = 1 if label in ("favor", "positive") else -1 if label in ("against", "negative") else 0
    terms = []
    for item in _items(raw):
        kind = str(item.get("kind", ""))
        text = next(
            (item[k] for k in ("text", "word", "token", "phrase") if isinstance(item.get(k), str)),
            "",
        )
        if kind in NEUTRAL_KINDS:
            continue
        if sign == 0:
            if kind == "reason":
                terms.append(str(item.get("text") or item.get("note") or "").lower())
            continue
        weight = _weight(item)
        if text.strip() and weight * sign > 0:
            terms.append(text.strip().lower())
    return [t for t in terms if t]


def _items(raw: object) -> list[dict[str, Any]]:
    data = _parse(raw)
    if isinstance(data, dict):
        data = next(
            (
                data[k]
                for k in ("evidence", "words", "tokens", "valence")
                if isinstance(data.get(k), list)
            ),
            [],
        )
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def _weight(item: dict[str, Any]) -> float:
    for key in ("weight", "valence", "value", "score"):
        value = item.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return 0.0


def predicted_before(frame: pd.DataFrame, *, field: str) -> pd.Series:
    """The automatic label of each row: the label column, or what a correction marker says it was."""
    labels = frame[f"{field}_label"].astype("object")
    found = []
    for raw, label in zip(frame[f"{field}_evidence"].astype("object"), labels, strict=True):
        marker = correction_marker(raw)  # corrected: its "was" is the automatic label (or None)
        found.append(marker.get("was") if marker else None if pd.isna(label) else label)
    return pd.Series(found, index=frame.index, dtype="object")


def _parse(raw: object) -> Any:
    if not isinstance(raw, str) or not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def agreement_report(
    frame: pd.DataFrame,
    corrections: Sequence[Correction],
    *,
    target: str | None,
    field: str = "stance",
    by: Sequence[str] = ("speaker_role", "source"),
    top: int = 10,
) -> dict[str, Any]:
    """Agreement of the table's automatic labels with the analyst's corrections.

    Only corrected rows count. The automatic label is read from the label column, or from the
    correction marker's ``was`` when corrections were already applied. Rows without an
    automatic label (never scored) are counted in ``unscored`` and left out.
    """
    gold_all = matching(frame, corrections, target=target, field=field)
    pred_all = predicted_before(frame, field=field)
    keep = gold_all.notna() & pred_all.notna()
    gold = [str(x) for x in gold_all[keep]]
    pred = [str(x) for x in pred_all[keep]]
    labels = [x for x in FIELDS[field] if x in set(gold) | set(pred)]
    result = {"field": field, "target": target, **agreement(gold, pred, labels=labels or None)}
    result["unscored"] = int((gold_all.notna() & pred_all.isna()).sum())
    result["corrections"] = len(corrections)
    result["by"] = {
        column: agreement_by(
            gold, pred, list(frame.loc[keep, column].astype("object")), labels=labels
        )
        for column in by
    }
    evidence = list(frame.loc[keep, f"{field}_evidence"].astype("object"))
    result["misleading_evidence"] = misleading_evidence(evidence, gold, pred, top=top)
    return result


def evaluate_against_corrections(
    table: str | Path,
    corrections: str | Path,
    *,
    field: str = "stance",
    target: str | None = None,
) -> dict[str, Any]:
    """CLI helper: agreement of a written statement table with a corrections JSONL file.

    ``target`` defaults to the target in the table's run manifest, else to the one target the
    stance corrections name. Raises EvaluationError when no corrected statement is in the table.
    """
    from analysis.pipeline import read_statements  # the pipeline imports every stage; load late

    if field not in FIELDS:
        raise EvaluationError(f"field {field!r} is not one of {list(FIELDS)}")
    if not Path(corrections).is_file():
        raise EvaluationError(f"{corrections}: no such corrections file")
    frame, run = read_statements(Path(table))
    found = load_corrections(corrections)
    target = target or _target_of(run, found, field)
    result = agreement_report(frame, found, target=target, field=field)
    if result["n"] == 0:
        raise EvaluationError(
            f"{corrections}: none of its {len(found)} {field} corrections match a scored statement "
            f"of {table} (matched by statement_id or text; stance also by target {target!r}, case-insensitive)"
        )
    result["file"] = str(table)
    result["corrections_file"] = str(corrections)
    return result


def _target_of(run: dict[str, Any] | None, found: Sequence[Correction], field: str) -> str | None:
    if run and isinstance(run.get("target"), dict) and run["target"].get("text"):
        return str(run["target"]["text"])
    named = {same_target(c.target): c.target for c in found if c.field == field and c.target}
    return next(iter(named.values())) if len(named) == 1 else None
