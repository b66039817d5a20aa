"""Quote extraction against human labels in ../shared/eval (skips when that is absent).

Floors sit a little below what the extractor measured when written (PolNeAR dev, gold subset
``direct``: P 0.90, R 0.94, F1 0.92, speaker accuracy 0.93), so a regression fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.errors import EvaluationError
from analysis.quotes import evaluate_quotes, extract_quotes


@pytest.mark.eval
def test_evaluate_quotes_seed_all_seven_with_speaker_and_role(shared_dir: Path) -> None:
    result = evaluate_quotes(shared_dir / "eval" / "seed_gold.json")
    assert (result["n_gold"], result["n_pred"], result["n_matched"]) == (7, 7, 7)
    assert result["speaker_accuracy"] == 1.0 and result["role_accuracy"] == 1.0


@pytest.mark.eval
def test_extract_quotes_seed_chrome_and_apostrophes_are_not_statements(shared_dir: Path) -> None:
    gold = json.loads((shared_dir / "eval" / "seed_gold.json").read_text(encoding="utf-8"))
    text = (shared_dir / gold["file"]).read_text(encoding="utf-8")
    statements = [q for q in extract_quotes(text) if q.quote_kind == "statement"]
    assert not any("100’s" in q.text or "news in one place" in q.text for q in statements)
    assert not any(q.text.startswith("Igo did warn") for q in statements)


@pytest.mark.eval
def test_evaluate_quotes_polnear_dev_above_floor(shared_dir: Path) -> None:
    result = evaluate_quotes(shared_dir / "eval" / "polnear" / "dev.jsonl")
    assert result["gold_subset"] == "direct" and result["articles"] == 84
    assert isinstance(result["f1"], float) and result["f1"] >= 0.88
    assert isinstance(result["recall"], float) and result["recall"] >= 0.90
    assert isinstance(result["speaker_accuracy"], float) and result["speaker_accuracy"] >= 0.90
    json.dumps(result)  # the CLI prints it as the last line


def test_evaluate_quotes_bad_inputs_raise_evaluation_error(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="no such file"):
        evaluate_quotes(tmp_path / "missing.json")
    bad = tmp_path / "gold.json"
    bad.write_text('{"quotes": []}', encoding="utf-8")
    with pytest.raises(EvaluationError, match="'file' and 'quotes'"):
        evaluate_quotes(bad)
    with pytest.raises(EvaluationError, match="quote kinds"):
        evaluate_quotes(bad, kinds=("quoted",))
    lines = tmp_path / "gold.jsonl"
    lines.write_text('{"text": "x"}\n', encoding="utf-8")
    with pytest.raises(EvaluationError, match="line 1"):
        evaluate_quotes(lines)


def _attribution(text: str, content: str, source: str | None, direct: bool) -> dict[str, object]:
    start = text.index(content)
    src = text.index(source) if source else None
    return {
        "content_start": start,
        "content_end": start + len(content),
        "source_start": src,
        "source_end": src + len(source) if src is not None and source else None,
        "source_text": source,
        "direct": direct,
        "has_quote_marks": direct,
    }


def test_evaluate_quotes_polnear_layout_counts_matches(tmp_path: Path) -> None:
    text = (
        "Linda Okafor spoke first. “Safety comes first,” Okafor said.\n"
        "“The budget is fine,” said Tom Reyes.\n"
        "Okafor said the council would meet again.\n"
        "“We were never asked,” a resident said."
    )
    golds = [
        _attribution(text, "“Safety comes first,”", "Okafor", True),
        _attribution(text, "“The budget is fine,”", "Linda Okafor", True),  # wrong on purpose
        _attribution(text, "the council would meet again", "Okafor", False),  # indirect: not scored
    ]
    path = tmp_path / "mini.jsonl"
    path.write_text(json.dumps({"text": text, "attributions": golds}) + "\n", encoding="utf-8")
    result = evaluate_quotes(path)
    assert (result["n_gold"], result["n_pred"], result["n_matched"]) == (2, 3, 2)
    assert (result["precision"], result["recall"]) == (round(2 / 3, 4), 1.0)
    assert result["speaker_accuracy"] == 0.5
    assert evaluate_quotes(path, kinds=("scare",))["n_pred"] == 0
