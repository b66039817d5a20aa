"""Quote extraction measured against human labels: the seed gold file or PolNeAR JSONL.

Matching rule (both formats): a predicted statement quote matches a gold quotation when they
share at least half of the shorter one (characters for PolNeAR spans, word tokens for the seed
texts, which carry no offsets). Matching is many-to-one: precision counts predictions that match
some gold quotation, recall counts gold quotations matched by some prediction (a quote split by
“…,” he said, “…” is two predictions of one PolNeAR attribution).

Speaker (PolNeAR): correct when our speaker mention overlaps the gold source mention, or our
resolved speaker's last name token occurs in the gold source text. A gold pronoun therefore
counts when we attributed to that pronoun's position; resolution itself is not checked there.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from analysis.errors import EvaluationError
from analysis.jsonl import json_lines
from analysis.quotes.extract import FoundQuote, find_quotes
from analysis.quotes.rules import VERSIONS
from analysis.schema import QUOTE_KINDS

OVERLAP = 0.5
_TOKEN = re.compile(r"[a-z0-9]+")


def evaluate_quotes(
    path: Path, *, subset: str = "direct", kinds: Collection[str] = ("statement",)
) -> dict[str, object]:
    """P/R/F1 and speaker (and, for the seed, role) accuracy of statement quotes against ``path``.

    Args:
        path: ``seed_gold.json`` (keys ``file``, ``quotes``) or PolNeAR JSONL (one article a line).
        subset: PolNeAR gold attributions to score against: ``direct`` or ``has_quote_marks``.
        kinds: which of our quote kinds count as predictions (default: statements only).
    """
    path = Path(path)
    if not path.is_file():
        raise EvaluationError(f"{path}: no such file; give seed_gold.json or a PolNeAR .jsonl")
    if subset not in {"direct", "has_quote_marks"}:
        raise EvaluationError(f"subset {subset!r} is not valid; use 'direct' or 'has_quote_marks'")
    bad = sorted(set(kinds) - set(QUOTE_KINDS))
    if bad:
        raise EvaluationError(f"quote kinds {bad} are not valid; use some of {list(QUOTE_KINDS)}")
    if path.suffix == ".jsonl":
        return _polnear(path, subset, kinds)
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvaluationError(f"{path}: not JSON ({exc}); expected the seed gold layout") from exc
    if not isinstance(gold, dict) or "quotes" not in gold or "file" not in gold:
        raise EvaluationError(f"{path}: expected an object with 'file' and 'quotes'")
    return _seed(path, gold, kinds)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _token_overlap(a: str, b: str) -> float:
    ta, tb = Counter(_tokens(a)), Counter(_tokens(b))
    shorter = min(sum(ta.values()), sum(tb.values()))
    return sum((ta & tb).values()) / shorter if shorter else 0.0


def _same_speaker(ours: str | None, gold: str | None) -> bool:
    if not ours or not gold:
        return ours == gold
    if "unnamed" in gold.lower():
        return ours.startswith("unnamed")
    last = _tokens(ours)[-1:] if _tokens(ours) else []
    return bool(last) and last[0] in _tokens(gold)


def _prf(matched_pred: int, n_pred: int, matched_gold: int, n_gold: int) -> dict[str, float]:
    p = matched_pred / n_pred if n_pred else 0.0
    r = matched_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def _seed(path: Path, gold: dict[str, Any], kinds: Collection[str]) -> dict[str, object]:
    article = path.parent.parent / str(gold["file"])
    if not article.is_file():
        raise EvaluationError(f"{path}: article {article} named in 'file' does not exist")
    text = article.read_text(encoding="utf-8")
    preds = [f.quote for f in find_quotes(text) if f.quote.quote_kind in kinds]
    golds: list[dict[str, Any]] = list(gold["quotes"])
    pred_hit = [any(_token_overlap(p.text, g["text"]) >= OVERLAP for g in golds) for p in preds]
    speaker_ok = role_ok = matched = 0
    for g in golds:
        scored = [(_token_overlap(p.text, g["text"]), p) for p in preds]
        best = max(scored, key=lambda s: s[0], default=None)
        if best is None or best[0] < OVERLAP:
            continue
        matched += 1
        speaker_ok += _same_speaker(best[1].speaker, g.get("speaker"))
        role_ok += best[1].speaker_role == g.get("role")
    return {
        "format": "seed",
        "file": str(article),
        **_prf(sum(pred_hit), len(preds), matched, len(golds)),
        "speaker_accuracy": round(speaker_ok / matched, 4) if matched else 0.0,
        "role_accuracy": round(role_ok / matched, 4) if matched else 0.0,
        "n_gold": len(golds),
        "n_pred": len(preds),
        "n_matched": matched,
        "overlap_rule": "shared word tokens >= 50% of the shorter quote",
        "gold_subset": "all seed quotes",
        "predicted_kinds": list(kinds),
        "speaker_rule": "last-name token of ours in gold speaker; unnamed matches unnamed",
        "versions": dict(VERSIONS),
    }


def _read_jsonl(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    expected = "an article object with 'text' and 'attributions'"
    raw = path.read_text(encoding="utf-8")
    for where, n, record in json_lines(
        raw, source=str(path), expected=expected, error=EvaluationError
    ):
        if not isinstance(record, dict) or "text" not in record or "attributions" not in record:
            raise EvaluationError(f"{where}: expected 'text' and 'attributions'")
        yield n, record


def _span_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    shared = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return shorter > 0 and shared >= OVERLAP * shorter


def _polnear(path: Path, subset: str, kinds: Collection[str]) -> dict[str, object]:
    n_pred = n_gold = pred_hit = gold_hit = speaker_n = speaker_ok = articles = 0
    for _, record in _read_jsonl(path):
        articles += 1
        text = str(record["text"])
        found = [f for f in find_quotes(text) if f.quote.quote_kind in kinds]
        golds = [a for a in record["attributions"] if a.get(subset)]
        n_pred += len(found)
        n_gold += len(golds)
        spans = [(g["content_start"], g["content_end"]) for g in golds]
        pred_hit += sum(
            any(_span_overlap((f.quote.char_start, f.quote.char_end), s) for s in spans)
            for f in found
        )
        for g, s in zip(golds, spans, strict=True):
            hits = [f for f in found if _span_overlap((f.quote.char_start, f.quote.char_end), s)]
            if not hits:
                continue
            gold_hit += 1
            speaker_n += 1
            speaker_ok += any(_speaker_hit(f, g) for f in hits)
    return {
        "format": "polnear",
        "file": str(path),
        "articles": articles,
        **_prf(pred_hit, n_pred, gold_hit, n_gold),
        "speaker_accuracy": round(speaker_ok / speaker_n, 4) if speaker_n else 0.0,
        "role_accuracy": None,
        "n_gold": n_gold,
        "n_pred": n_pred,
        "n_matched": gold_hit,
        "overlap_rule": "characters shared >= 50% of the shorter span, many-to-one",
        "gold_subset": subset,
        "predicted_kinds": list(kinds),
        "speaker_rule": "our mention overlaps gold source span, or our speaker's last name"
        " token is in gold source_text; gold without a source counts when we give none",
        "versions": dict(VERSIONS),
    }


def _speaker_hit(found: FoundQuote, gold: dict[str, Any]) -> bool:
    src = gold.get("source_text")
    if gold.get("source_start") is None or not src:
        return found.quote.speaker is None
    if found.mention_start is not None and found.mention_end is not None:
        if found.mention_start < gold["source_end"] and gold["source_start"] < found.mention_end:
            return True
    return _same_speaker(found.quote.speaker, src)
