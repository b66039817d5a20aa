"""Measure stance against human labels: VAST/P-Stance style JSONL or the seed gold file.

Metrics follow the data sets' papers: macro-F1 over the labels present in the gold (VAST: favor,
against, neutral; Allaway & McKeown 2020) and F_avg, the mean F1 of favor and against (P-Stance,
Li et al. 2021; SemEval-2016 task 6). On a two-class file a neutral prediction is simply wrong:
it counts against the recall of the true class and adds no false positive to either class.
Beside every figure stands the floor of always predicting the most frequent gold label.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from analysis.errors import EvaluationError
from analysis.jsonl import json_lines
from analysis.stance.score import score_stance
from analysis.stance.target import Target

LABELS = ("favor", "against", "neutral")


def evaluate_stance(
    path: Path, *, target_field: str = "target", on_topic: bool = False
) -> dict[str, object]:
    """Score every record of ``path`` and compare with its gold label.

    Args:
        path: JSONL of ``{text, target, label}`` (optional ``aliases``, ``opponents``,
            ``speaker``, ``speaker_role``), or a seed-gold JSON object (``target``,
            ``target_aliases``, ``quotes[{text, stance, speaker, role}]``).
        target_field: the record field holding the target (e.g. ``new_topic`` on VAST).
        on_topic: read every record as being about its target even when it names nothing
            (fits sets collected by the target's name or hashtag, such as P-Stance; wrong for
            VAST, whose neutral rows are off-topic pairs).

    Returns:
        n, accuracy, per-class precision/recall/F1, macro_f1, f_avg, the majority-class floor,
        and per-target F_avg with their mean ``f_macro`` when the file has several targets.
    """
    records = _read(Path(path), target_field)
    gold = [r["label"] for r in records]
    pred: list[str] = []
    targets: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Target] = {}
    for r in records:
        key = (r["target"], tuple(r["aliases"]), tuple(r["opponents"]))
        if key not in targets:
            targets[key] = Target.parse(r["target"], aliases=key[1], opponents=key[2])
        stance = score_stance(
            r["text"],
            targets[key],
            speaker=r["speaker"],
            speaker_role=r["speaker_role"],
            on_topic=on_topic,
        )
        pred.append(stance.label)
    classes = tuple(label for label in LABELS if label in set(gold)) or LABELS
    result = scores(gold, pred, classes)
    majority = Counter(gold).most_common(1)[0][0]
    result["floor"] = {
        "label": majority,
        **_headline(scores(gold, [majority] * len(gold), classes)),
    }
    result["two_class"] = "neutral" not in classes
    result["neutral_predictions"] = pred.count("neutral")
    by_target = _per_target(records, pred, classes)
    if len(by_target) > 1:
        result["per_target"] = by_target
        result["f_macro"] = round(sum(t["f_avg"] for t in by_target.values()) / len(by_target), 4)
        floors = _per_target(records, [majority] * len(records), classes)
        result["floor"]["f_macro"] = round(
            sum(t["f_avg"] for t in floors.values()) / len(floors), 4
        )
    seen = _by_field(records, pred, classes, "seen")
    if seen:
        result["by_seen"] = seen  # VAST: zero-shot (topic not in training) vs few-shot rows
    result["file"] = str(path)
    result["target_field"] = target_field
    result["on_topic"] = on_topic
    return result


def scores(gold: Sequence[str], pred: Sequence[str], classes: Sequence[str]) -> dict[str, Any]:
    """Accuracy, per-class precision/recall/F1, macro-F1 over ``classes`` and F_avg."""
    per: dict[str, dict[str, float]] = {}
    for label in classes:
        tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
        }
    n = len(gold)
    correct = sum(g == p for g, p in zip(gold, pred, strict=True))
    return {
        "n": n,
        "accuracy": round(correct / n, 4) if n else 0.0,
        "per_class": per,
        "macro_f1": round(sum(c["f1"] for c in per.values()) / len(per), 4),
        "f_avg": round(
            (per.get("favor", {}).get("f1", 0.0) + per.get("against", {}).get("f1", 0.0)) / 2, 4
        ),
    }


def _headline(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "macro_f1": result["macro_f1"],
        "f_avg": result["f_avg"],
        "accuracy": result["accuracy"],
    }


def _per_target(
    records: list[dict[str, Any]], pred: list[str], classes: Sequence[str]
) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(records):
        groups.setdefault(r["target"], []).append(i)
    if len(groups) > 20:  # free-text topics (VAST): hundreds of one-row groups say nothing
        return {}
    out = {}
    for name, rows in sorted(groups.items()):
        gold = [records[i]["label"] for i in rows]
        out[name] = _headline(scores(gold, [pred[i] for i in rows], classes)) | {"n": len(rows)}
    return out


def _by_field(
    records: list[dict[str, Any]], pred: list[str], classes: Sequence[str], name: str
) -> dict[str, dict[str, Any]]:
    """Headline figures per value of an optional record field (empty when it is absent)."""
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(records):
        if r.get(name) is not None:
            groups.setdefault(str(r[name]), []).append(i)
    return {
        value: _headline(
            scores([records[i]["label"] for i in rows], [pred[i] for i in rows], classes)
        )
        | {"n": len(rows)}
        for value, rows in sorted(groups.items())
    }


def _read(path: Path, target_field: str) -> list[dict[str, Any]]:
    """Records from JSONL or the seed-gold layout, checked, with optional fields filled in."""
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EvaluationError(f"{path}: cannot read the evaluation file ({exc.strerror})") from exc
    stripped = raw.lstrip()
    if stripped.startswith("{") and '"quotes"' in raw[:200_000] and "\n{" not in stripped:
        return _seed_gold(path, raw)
    lines = json_lines(
        raw, source=str(path), expected="{text, target, label}", error=EvaluationError
    )
    records = [_record(item, path, number, target_field) for _, number, item in lines]
    if not records:
        raise EvaluationError(f"{path}: no records; expected JSONL lines {{text, target, label}}")
    return records


def _record(item: object, path: Path, number: int, target_field: str) -> dict[str, Any]:
    where = f"{path}, line {number}"
    if not isinstance(item, dict):
        raise EvaluationError(f"{where}: expected a JSON object {{text, target, label}}")
    label = str(item.get("label", item.get("stance", ""))).strip().lower()
    if label not in LABELS:
        raise EvaluationError(f"{where}: label {label!r} is not one of {list(LABELS)}")
    target = item.get(target_field)
    if not isinstance(target, str) or not target.strip():
        raise EvaluationError(f"{where}: field {target_field!r} (the target) is missing or empty")
    return {
        "text": item.get("text"),
        "target": target,
        "label": label,
        "aliases": _names(item.get("aliases", item.get("target_aliases"))),
        "opponents": _names(item.get("opponents")),
        "speaker": item.get("speaker"),
        "speaker_role": item.get("speaker_role", item.get("role")),
        "seen": item.get("seen"),
    }


def _names(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if v]
    return []


def _seed_gold(path: Path, raw: str) -> list[dict[str, Any]]:
    try:
        gold = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise EvaluationError(f"{path}: not JSON ({exc.msg})") from exc
    quotes = gold.get("quotes") if isinstance(gold, dict) else None
    if not isinstance(quotes, list) or not quotes or not gold.get("target"):
        raise EvaluationError(f"{path}: seed gold needs 'target' and a non-empty 'quotes' list")
    base = {"target": gold["target"], "target_aliases": gold.get("target_aliases", [])}
    base["opponents"] = gold.get("opponents", [])
    return [
        _record(base | q, path, i, "target")
        for i, q in enumerate(quotes, start=1)
        if isinstance(q, dict)
    ]
